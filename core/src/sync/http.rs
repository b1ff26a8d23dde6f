//! The real transport: HTTPS (or plain HTTP for a local server) through `reqwest` with rustls on `ring`,
//! a timeout on every request.

use std::time::Duration;

use reqwest::header::{AUTHORIZATION, RETRY_AFTER};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::backoff::parse_retry_after;
use super::transport::{Transport, TransportError};
use crate::clock::{Clock as _, SystemClock};
use crate::i18n::Msg;
use crate::protocol::{AccountDeleted, OtpRequest, OtpSent, SessionCreated, SessionRequest};
use crate::protocol::{ErrorBody, PullResult, ScanBatch, SignRequest, SignedCode, UploadBatch, UploadResult};

/// Default timeout of one request (connect, send, answer).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(20);

/// The HTTP transport to one server.
#[derive(Debug, Clone)]
pub struct HttpTransport {
    base: String,
    client: reqwest::Client,
}

impl HttpTransport {
    /// A transport to `base` (e.g. `https://tokhai.example.vn`) with `timeout` on every request.
    pub fn new(base: &str, timeout: Duration) -> Result<Self, TransportError> {
        // rustls needs a process-wide crypto provider; ring is ours (deny.toml bans aws-lc). Installing
        // it twice is harmless (the second call reports it is already there).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(timeout)
            .connect_timeout(timeout)
            .user_agent(concat!("tokhai/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|_| TransportError::Protocol)?;
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            client,
        })
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn send<T: DeserializeOwned>(&self, req: reqwest::RequestBuilder) -> Result<T, TransportError> {
        let resp = req.send().await.map_err(classify)?;
        let status = resp.status();
        if status.is_success() {
            let bytes = resp.bytes().await.map_err(classify)?;
            return serde_json::from_slice(&bytes).map_err(|_| TransportError::Protocol);
        }
        let retry_after = resp
            .headers()
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemClock.now()));
        let error = match resp.bytes().await {
            Ok(b) => serde_json::from_slice::<ErrorBody>(&b).ok().map(|e| e.error),
            Err(_) => None,
        };
        let (code, detail) = match error {
            Some(e) => {
                let detail = (!e.vi.is_empty() && !e.en.is_empty()).then(|| Msg::owned(e.vi, e.en));
                (e.code, detail)
            }
            None => (String::new(), None),
        };
        Err(TransportError::Status {
            status: status.as_u16(),
            code,
            retry_after,
            detail,
        })
    }

    async fn post<B: Serialize + ?Sized, T: DeserializeOwned>(
        &self,
        path: &str,
        token: Option<&str>,
        body: &B,
    ) -> Result<T, TransportError> {
        let mut req = self.client.post(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.header(AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(req).await
    }
}

fn classify(e: reqwest::Error) -> TransportError {
    if e.is_timeout() {
        TransportError::Timeout
    } else if e.is_decode() {
        TransportError::Protocol
    } else {
        TransportError::Unreachable
    }
}

impl Transport for HttpTransport {
    async fn request_otp(&self, phone: &str) -> Result<(), TransportError> {
        let body = OtpRequest {
            phone: phone.to_owned(),
            captcha_id: None,
            captcha_answer: None,
        };
        self.post::<_, OtpSent>("/v1/auth/otp", None, &body)
            .await
            .map(|_| ())
    }

    async fn create_session(&self, phone: &str, code: &str) -> Result<SessionCreated, TransportError> {
        let body = SessionRequest {
            phone: phone.to_owned(),
            code: code.to_owned(),
        };
        self.post("/v1/auth/session", None, &body).await
    }

    async fn logout(&self, token: &str) -> Result<(), TransportError> {
        let req = self
            .client
            .post(self.url("/v1/auth/logout"))
            .header(AUTHORIZATION, format!("Bearer {token}"));
        let resp = req.send().await.map_err(classify)?;
        if resp.status().is_success() || resp.status().as_u16() == 401 {
            Ok(())
        } else {
            Err(TransportError::Status {
                status: resp.status().as_u16(),
                code: String::new(),
                retry_after: None,
                detail: None,
            })
        }
    }

    async fn upload(&self, token: &str, body: &UploadBatch) -> Result<UploadResult, TransportError> {
        self.post("/v1/sync/upload", Some(token), body).await
    }

    async fn upload_scans(&self, token: &str, body: &ScanBatch) -> Result<UploadResult, TransportError> {
        self.post("/v1/sync/scans", Some(token), body).await
    }

    async fn pull(&self, cursor: Option<&str>, limit: u32) -> Result<PullResult, TransportError> {
        let mut path = format!("/v1/sync/pull?limit={limit}");
        if let Some(c) = cursor {
            path.push_str("&cursor=");
            path.push_str(&percent_encode(c));
        }
        self.send(self.client.get(self.url(&path))).await
    }

    async fn delete_account(&self, token: &str) -> Result<AccountDeleted, TransportError> {
        let req = self
            .client
            .delete(self.url("/v1/me"))
            .header(AUTHORIZATION, format!("Bearer {token}"));
        self.send(req).await
    }

    async fn sign_personal(&self, token: &str, pending: &str) -> Result<SignedCode, TransportError> {
        self.post(
            "/v1/sync/personal-code",
            Some(token),
            &SignRequest {
                pending: pending.to_owned(),
            },
        )
        .await
    }
}

/// Percent-encodes everything but RFC 3986's unreserved characters (for the opaque cursor).
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
