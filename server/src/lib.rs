//! tokhai-server: the sync and registry server. This file is the facade; `server/README.md` says which
//! file holds which concern.

mod captcha;
mod codes;
mod config;
mod contact;
mod error;
mod extract;
mod feed;
mod keys;
mod listen;
mod metrics;
mod phone;
mod retention;
mod routes;
mod seal;
mod server;
mod sms;
mod state;
pub mod store;
#[cfg(feature = "testing")]
pub mod testing;
mod units;
mod web;

pub use config::{AdminCommand, Cli, Command, Config, ConfigError, LogFormat, Mode, Options, OtpLimits};
pub use contact::{contact_start, csv_cell, overlap_ms};
pub use error::{ApiError, ErrorBody};
pub use extract::client_addr;
pub use listen::{ConnLimits, raise_open_file_limit, serve as serve_connections};
pub use routes::{ApiDoc, Me, OtpRequest, OtpSent, SessionCreated, SessionRequest, metrics_router, router};
pub use seal::{Kek, SealError, Sealer};
pub use server::{StartError, admin, build_state, load_kek, serve, serve_on};
pub use sms::{DevSms, HttpSms, SmsSender, install_tls_provider};
pub use state::AppState;
/// The sync protocol's bodies (upload, scans, feed, personal code, errors): core's shared types.
pub use tokhai_core::protocol;
