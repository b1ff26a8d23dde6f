//! Starting the service: the key-encryption key, the store, the SMS sender, the state; serving with
//! graceful shutdown and the purge schedule; the `admin` commands.

use std::net::SocketAddr;
use std::sync::Arc;

use tokhai_core::SystemClock;

use crate::config::{AdminCommand, Config, Mode};
use crate::error::Error;
use crate::routes::router;
use crate::seal::{Kek, SealError};
use crate::sms::{DevSms, HttpSms, SmsSender};
use crate::state::AppState;
use crate::store::{Scope, StoreError, open_store};
use crate::{phone, retention};

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The key-encryption key is missing, unreadable or wrong for this database.
    #[error("key-encryption key: {0}")]
    Key(&'static str),
    /// The database could not be opened.
    #[error("database: {0}")]
    Store(#[from] StoreError),
    /// Setting up failed.
    #[error("{0}")]
    Setup(#[from] Error),
    /// The listening socket could not be bound or served.
    #[error("cannot listen on {0}")]
    Listen(SocketAddr),
    /// An admin command got a bad argument.
    #[error("invalid argument: {0}")]
    Argument(&'static str),
}

/// Reads the key: `TOKHAI_KEK` (base64), else the key file; in development mode a missing key file is
/// created (mode 0600) with a fresh key.
pub fn load_kek(config: &Config) -> Result<Kek, StartError> {
    if let Ok(text) = std::env::var("TOKHAI_KEK") {
        return Kek::from_base64(&text).map_err(|_| StartError::Key("TOKHAI_KEK is not 32 bytes of base64"));
    }
    match std::fs::read_to_string(&config.kek_file) {
        Ok(text) => {
            Kek::from_base64(&text).map_err(|_| StartError::Key("key file is not 32 bytes of base64"))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && config.mode == Mode::Development => {
            let kek = Kek::generate().map_err(|_| StartError::Key("cannot generate"))?;
            write_private(&config.kek_file, kek.to_base64().as_bytes())
                .map_err(|_| StartError::Key("cannot write the key file"))?;
            tracing::warn!(file = %config.kek_file.display(), "development mode: created a key-encryption key file");
            Ok(kek)
        }
        Err(_) => Err(StartError::Key("cannot read the key file")),
    }
}

fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        opts.mode(0o600);
    }
    opts.open(path)?.write_all(bytes)
}

/// Builds the state from the configuration (opening and migrating the database).
pub async fn build_state(config: &Config) -> Result<AppState, StartError> {
    let kek = load_kek(config)?;
    let store = open_store(&config.database, config.db_max_connections).await?;
    let sms: Arc<dyn SmsSender> = match (&config.sms_gateway_url, config.mode) {
        (Some(url), _) => Arc::new(HttpSms::new(
            url.clone(),
            std::env::var("TOKHAI_SMS_GATEWAY_TOKEN").ok(),
        )?),
        (None, Mode::Development) => Arc::new(DevSms::new()),
        (None, Mode::Production) => return Err(StartError::Argument("production mode needs an SMS gateway")),
    };
    AppState::new(config.clone(), store, Arc::new(SystemClock), &kek, sms)
        .await
        .map_err(|e| match e {
            Error::Seal(SealError::WrongKey) => {
                StartError::Key("it does not open this database (wrong key?)")
            }
            other => StartError::Setup(other),
        })
}

/// Serves until SIGINT/SIGTERM, then drains in-flight requests.
pub async fn serve(config: Config) -> Result<(), StartError> {
    let state = build_state(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|_| StartError::Listen(config.listen))?;
    let addr = listener
        .local_addr()
        .map_err(|_| StartError::Listen(config.listen))?;
    tracing::info!(%addr, database = state.store().kind(), mode = ?config.mode, "tokhai-server listening");
    if config.mode == Mode::Development {
        tracing::warn!("development mode: one-time codes are printed on standard error, not sent");
    }
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let purge = tokio::spawn(retention::schedule(state.clone(), config.purge_interval, stop_rx));
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|_| StartError::Listen(addr))?;
    let _ = stop_tx.send(true);
    let _ = purge.await;
    tracing::info!("tokhai-server stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = term => {} }
}

fn parse_scope(s: &str) -> Result<Scope, StartError> {
    let bad = StartError::Argument("scope must be PROVINCE or PROVINCE:WARD");
    let (p, w) = s.split_once(':').unwrap_or((s, "0"));
    let province = p
        .trim()
        .parse::<i64>()
        .map_err(|_| StartError::Argument("scope province"))?;
    let ward = w
        .trim()
        .parse::<i64>()
        .map_err(|_| StartError::Argument("scope ward"))?;
    if province <= 0 || ward < 0 {
        return Err(bad);
    }
    Ok(Scope { province, ward })
}

/// Runs an `admin` command; returns what to print.
pub async fn admin(config: Config, cmd: AdminCommand) -> Result<String, StartError> {
    let state = build_state(&config).await?;
    let account_of = |phone_text: &str| {
        let state = state.clone();
        let e164 = phone::normalize(phone_text);
        async move {
            let e164 = e164.ok_or(StartError::Argument("phone"))?;
            crate::routes::account_for_admin(&state, &e164)
                .await
                .map_err(|_| StartError::Argument("phone"))
        }
    };
    match cmd {
        AdminCommand::GrantAdmin { phone } => {
            let acc = account_of(&phone).await?;
            state.store().set_admin(acc.id, true).await?;
            Ok(format!("account {} is now an administrator", acc.id))
        }
        AdminCommand::CreateOfficer { phone, scopes } => {
            let scopes = scopes
                .iter()
                .map(|s| parse_scope(s))
                .collect::<Result<Vec<_>, _>>()?;
            let acc = account_of(&phone).await?;
            state.store().set_scopes(acc.id, &scopes).await?;
            Ok(format!(
                "account {} is a health officer for {} scope(s)",
                acc.id,
                scopes.len()
            ))
        }
        AdminCommand::RotateKeys => {
            let id = state
                .keys()
                .rotate(state.store().as_ref(), &state.inner().sealer, state.now_ms())
                .await?;
            Ok(format!(
                "new issuing key {id}; earlier keys retired and still published for verification"
            ))
        }
        AdminCommand::Keys => {
            let rows = state.store().issuer_keys().await?;
            Ok(rows
                .iter()
                .map(|k| {
                    format!(
                        "{} {} {}",
                        k.key_id,
                        k.public_key
                            .iter()
                            .map(|b| format!("{b:02x}"))
                            .collect::<String>(),
                        if k.retired_at.is_some() {
                            "retired"
                        } else {
                            "active"
                        }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"))
        }
        AdminCommand::Purge => {
            let c = retention::purge_now(&state).await?;
            Ok(format!(
                "purged {} visits, {} declarations, {} reports, {} episodes, {} expired",
                c.visits, c.declarations, c.reports, c.episodes, c.expired
            ))
        }
    }
}
