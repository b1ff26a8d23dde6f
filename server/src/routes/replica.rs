//! Officers' reads (tracing and its export, quarantine lists, aggregates) may come from a
//! streaming-replication standby (`--read-database-url`). Every such answer says where it was read
//! and how fresh that is, in headers measured before the read (a standby only moves forward, so the
//! answer is at least that fresh):
//!
//! - `Tokhai-Read-From`: `primary` (the database itself, always current) or `standby`;
//! - `Tokhai-Replica-Caught-Up`: `true` when the standby had replayed everything it had received;
//! - `Tokhai-Replica-Lag-Ms`: the standby's now minus the commit time of the last transaction it
//!   replayed (grows while the primary is idle, although nothing is missing then);
//! - `Tokhai-Data-As-Of`: that commit time (RFC 3339).

use axum::extract::{Request, State};
use axum::http::HeaderValue;
use axum::middleware::Next;
use axum::response::Response;

use crate::feed::ts;
use crate::state::AppState;

fn value(text: &str) -> HeaderValue {
    HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static("unknown"))
}

/// Adds the freshness headers to an officer's read.
pub(super) async fn freshness(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let fresh = state.reads().freshness().await;
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    match fresh {
        Ok(None) => {
            h.insert("tokhai-read-from", HeaderValue::from_static("primary"));
        }
        Ok(Some(f)) => {
            h.insert("tokhai-read-from", HeaderValue::from_static("standby"));
            h.insert(
                "tokhai-replica-caught-up",
                HeaderValue::from_static(if f.caught_up { "true" } else { "false" }),
            );
            if let Some(lag) = f.lag_ms {
                h.insert("tokhai-replica-lag-ms", value(&lag.max(0).to_string()));
            }
            if let Some(at) = f.replayed_at {
                h.insert("tokhai-data-as-of", value(&ts(at).to_rfc3339()));
            }
        }
        Err(_) => {
            h.insert("tokhai-read-from", HeaderValue::from_static("standby"));
            h.insert("tokhai-replica-caught-up", HeaderValue::from_static("unknown"));
        }
    }
    resp
}
