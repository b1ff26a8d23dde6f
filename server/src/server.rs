//! Starting the service: the key-encryption key, the store, the SMS sender, the state; serving with
//! graceful shutdown and the purge schedule; the `admin` commands.

use std::net::SocketAddr;
use std::sync::Arc;

use tokhai_core::{Localized as _, SystemClock};

use crate::config::{AdminCommand, Config, Mode};
use crate::error::Error;
use crate::routes::router;
use crate::seal::{Kek, SealError};
use crate::sms::{DevSms, HttpSms, SmsSender};
use crate::state::AppState;
use crate::store::{AuditRow, Scope, Store, StoreError, open_existing_store, open_replica, open_store};
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
    /// An admin command was refused (bilingual: Vietnamese / English).
    #[error("{0}")]
    Refused(String),
    /// An admin command found no database to change (the place it looked).
    #[error(
        "không có cơ sở dữ liệu tokhai tại {0}; lệnh quản trị không tạo cơ sở dữ liệu mới, hãy dùng --data-dir hoặc --database-url của máy chủ / no tokhai database at {0}; admin commands do not create one: give the server's --data-dir or --database-url"
    )]
    NoDatabase(String),
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
    if let Some(dir) = path.parent()
        && !dir.exists()
    {
        let mut b = std::fs::DirBuilder::new();
        b.recursive(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::DirBuilderExt as _;
            b.mode(0o700);
        }
        b.create(dir)?;
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

/// Builds the state from the configuration (opening and migrating the database, and opening the
/// read replica if there is one).
pub async fn build_state(config: &Config) -> Result<AppState, StartError> {
    let kek = load_kek(config)?;
    let store = open_store(&config.database, config.db_max_connections).await?;
    let state = state_from(config, store, &kek).await?;
    Ok(match &config.read_database {
        Some(url) => state.with_reads(open_replica(url, config.db_max_connections).await?),
        None => state,
    })
}

/// The state around an opened store.
async fn state_from(config: &Config, store: Arc<dyn Store>, kek: &Kek) -> Result<AppState, StartError> {
    let sms: Arc<dyn SmsSender> = match (&config.sms_gateway_url, config.mode) {
        (Some(url), _) => Arc::new(HttpSms::new(
            url.clone(),
            std::env::var("TOKHAI_SMS_GATEWAY_TOKEN").ok(),
        )?),
        (None, Mode::Development) => Arc::new(DevSms::new()),
        (None, Mode::Production) => return Err(StartError::Argument("production mode needs an SMS gateway")),
    };
    AppState::new(config.clone(), store, Arc::new(SystemClock), kek, sms)
        .await
        .map_err(|e| match e {
            Error::Seal(SealError::WrongKey) => {
                StartError::Key("it does not open this database (wrong key?)")
            }
            other => StartError::Setup(other),
        })
}

/// Serves until SIGINT/SIGTERM, then drains (`serve_on`).
pub async fn serve(config: Config) -> Result<(), StartError> {
    let state = build_state(&config).await?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|_| StartError::Listen(config.listen))?;
    if config.mode == Mode::Development {
        tracing::warn!("development mode: one-time codes are printed on standard error, not sent");
    }
    serve_on(listener, state, shutdown_signal()).await
}

/// Serves on `listener` until `stop` resolves, then drains: `/readyz` answers 503 at once (the load
/// balancer stops sending new requests) while requests are still served for `Config::drain_grace`;
/// then the listener closes, idle kept-alive connections are closed, and every request already
/// accepted is answered in full (an upload's transaction commits and its answer is sent) before this
/// returns. The retention schedule stops after that.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), StartError> {
    let config = state.config().clone();
    let addr = listener
        .local_addr()
        .map_err(|_| StartError::Listen(config.listen))?;
    tracing::info!(%addr, database = state.store().kind(), reads = state.reads().kind(),
        mode = ?state.config().mode, "tokhai-server listening");
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let purge = tokio::spawn(retention::schedule(
        state.clone(),
        state.config().purge_interval,
        stop_rx,
    ));
    let draining = state.clone();
    let drain = async move {
        stop.await;
        draining.start_draining();
        let grace = draining.config().drain_grace;
        tracing::info!(
            grace_secs = grace.as_secs(),
            "draining: readiness fails, then the listener closes"
        );
        tokio::time::sleep(grace).await;
    };
    if let Some(metrics_addr) = config.metrics_listen {
        let metrics = tokio::net::TcpListener::bind(metrics_addr)
            .await
            .map_err(|_| StartError::Listen(metrics_addr))?;
        tracing::info!(addr = %metrics_addr, "metrics listening");
        let app = crate::routes::metrics_router(state.clone());
        tokio::spawn(async move {
            let _ = axum::serve(metrics, app).await;
        });
    }
    let limits = connection_limits(config.connections);
    crate::listen::serve(listener, router(state), limits, drain, config.request_timeout)
        .await
        .map_err(|_| StartError::Listen(addr))?;
    let _ = stop_tx.send(true);
    let _ = purge.await;
    tracing::info!("tokhai-server stopped: every accepted request answered");
    Ok(())
}

/// Raises the open-file limit and keeps the connection cap under it (files for the database, its
/// journal and pool aside), so that a flood of connections meets the cap, not "too many open files".
fn connection_limits(mut limits: crate::listen::ConnLimits) -> crate::listen::ConnLimits {
    const RESERVED_FILES: u64 = 256;
    let files = crate::listen::raise_open_file_limit(65_536);
    let room = usize::try_from(files.saturating_sub(RESERVED_FILES).max(64)).unwrap_or(usize::MAX);
    if limits.total > room {
        tracing::warn!(
            configured = limits.total,
            open_file_limit = files,
            "connection cap lowered to fit the open-file limit"
        );
        limits.total = room;
    }
    limits.per_address = limits.per_address.min(limits.total);
    tracing::info!(
        open_file_limit = files,
        max_connections = limits.total,
        per_address = limits.per_address,
        "connection limits"
    );
    limits
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

/// Reads the scopes of a command, each checked against the unit list, before the database is touched.
fn parse_scopes(texts: &[String]) -> Result<Vec<Scope>, StartError> {
    let mut out: Vec<Scope> = Vec::with_capacity(texts.len());
    for text in texts {
        let (province, ward) = tokhai_core::parse_scope(text)
            .map_err(|e| StartError::Refused(format!("--scope {text:?}: {}", e.msg())))?;
        let scope = Scope {
            province: i64::from(province),
            ward: i64::from(ward),
        };
        if !out.contains(&scope) {
            out.push(scope);
        }
    }
    Ok(out)
}

fn scope_text(s: &Scope) -> String {
    if s.ward == 0 {
        s.province.to_string()
    } else {
        format!("{}:{}", s.province, s.ward)
    }
}

fn scopes_text(scopes: &[Scope]) -> String {
    scopes.iter().map(scope_text).collect::<Vec<_>>().join(", ")
}

/// Grants or revokes each of `scopes` for `account`, each change audited; the scopes that changed.
async fn change_scopes(
    state: &AppState,
    account: i64,
    scopes: &[Scope],
    grant: bool,
) -> Result<Vec<Scope>, StartError> {
    let mut changed = Vec::new();
    for scope in scopes {
        let audit = crate::store::AuditRow {
            id: 0,
            at: state.now_ms(),
            officer_id: account,
            case_id: None,
            action: if grant { "scope_grant" } else { "scope_revoke" }.to_owned(),
            purpose: format!("{} (tokhai-server admin)", scope_text(scope)),
            rows: 0,
        };
        if state.store().change_scope(account, *scope, grant, audit).await? {
            changed.push(*scope);
        }
    }
    Ok(changed)
}

/// Reads the key for an admin command: like `load_kek`, but never creates a key file.
fn existing_kek(config: &Config) -> Result<Kek, StartError> {
    if std::env::var_os("TOKHAI_KEK").is_none() && !config.kek_file.is_file() {
        return Err(StartError::Refused(format!(
            "không có tệp khóa {0}; lệnh quản trị không tạo khóa mới / no key file {0}; admin commands do not create keys (give the server's --data-dir or --kek-file)",
            config.kek_file.display()
        )));
    }
    load_kek(config)
}

/// Runs an `admin` command on the server's existing database (never creating one); returns what to
/// print, ending with the database it used.
pub async fn admin(config: Config, cmd: AdminCommand) -> Result<String, StartError> {
    let database = config.database.describe();
    // Arguments first: a refused command opens nothing.
    let scopes = match &cmd {
        AdminCommand::CreateOfficer { scopes, .. }
        | AdminCommand::GrantScope { scopes, .. }
        | AdminCommand::RevokeScope { scopes, .. } => parse_scopes(scopes)?,
        _ => Vec::new(),
    };
    let store = open_existing_store(&config.database, config.db_max_connections)
        .await
        .map_err(|e| match e {
            StoreError::NoDatabase => StartError::NoDatabase(database.clone()),
            other => StartError::Store(other),
        })?;
    let kek = existing_kek(&config)?;
    let state = state_from(&config, store, &kek).await?;
    let out = run_admin(&state, cmd, &scopes).await?;
    Ok(format!("{out}\ndatabase: {database}"))
}

async fn run_admin(state: &AppState, cmd: AdminCommand, scopes: &[Scope]) -> Result<String, StartError> {
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
        AdminCommand::CreateOfficer { phone, .. } => {
            let acc = account_of(&phone).await?;
            let held = state.store().scopes(acc.id).await?;
            if !held.is_empty() {
                return Err(StartError::Refused(format!(
                    "tài khoản {0} đã là cán bộ y tế với phạm vi {1}; dùng grant-scope hoặc revoke-scope / account {0} is already a health officer for {1}; use grant-scope or revoke-scope",
                    acc.id,
                    scopes_text(&held)
                )));
            }
            let granted = change_scopes(state, acc.id, scopes, true).await?;
            Ok(format!(
                "account {} is a health officer for {}",
                acc.id,
                scopes_text(&granted)
            ))
        }
        AdminCommand::GrantScope { phone, .. } => {
            let acc = account_of(&phone).await?;
            if state.store().scopes(acc.id).await?.is_empty() {
                return Err(StartError::Refused(format!(
                    "tài khoản {0} chưa là cán bộ y tế; dùng create-officer / account {0} is not a health officer; use create-officer",
                    acc.id
                )));
            }
            let granted = change_scopes(state, acc.id, scopes, true).await?;
            let now = state.store().scopes(acc.id).await?;
            Ok(format!(
                "account {}: granted {}; scopes now {}",
                acc.id,
                if granted.is_empty() {
                    "nothing new".to_owned()
                } else {
                    scopes_text(&granted)
                },
                scopes_text(&now)
            ))
        }
        AdminCommand::RevokeScope { phone, .. } => {
            let acc = account_of(&phone).await?;
            let held = state.store().scopes(acc.id).await?;
            let missing: Vec<Scope> = scopes.iter().filter(|s| !held.contains(s)).copied().collect();
            if !missing.is_empty() {
                return Err(StartError::Refused(format!(
                    "tài khoản {0} không có phạm vi {1} (đang có: {2}); không thay đổi gì / account {0} does not hold {1} (it holds: {2}); nothing changed",
                    acc.id,
                    scopes_text(&missing),
                    if held.is_empty() {
                        "—".to_owned()
                    } else {
                        scopes_text(&held)
                    }
                )));
            }
            let revoked = change_scopes(state, acc.id, scopes, false).await?;
            let now = state.store().scopes(acc.id).await?;
            Ok(if now.is_empty() {
                format!(
                    "account {}: revoked {}; no scopes left, no longer a health officer",
                    acc.id,
                    scopes_text(&revoked)
                )
            } else {
                format!(
                    "account {}: revoked {}; scopes now {}",
                    acc.id,
                    scopes_text(&revoked),
                    scopes_text(&now)
                )
            })
        }
        AdminCommand::RegisterCheckpoint {
            phone,
            name,
            kind,
            province,
            ward,
            street,
            stay_minutes,
        } => {
            let e164 = phone::normalize(&phone).ok_or(StartError::Argument("phone"))?;
            let fields = serde_json::json!({
                "name": name, "kind": kind, "scheme": "v2025", "province": province, "district": null,
                "ward": ward, "latitude": null, "longitude": null, "street": street, "description": "",
                "default_stay_minutes": stay_minutes,
            });
            let (id, fallback, code, manager) = crate::routes::register_for_admin(state, fields, &e164)
                .await
                .map_err(|e| StartError::Refused(format!("{} / {}", e.msg().vi, e.msg().en)))?;
            state
                .store()
                .append_audit(AuditRow {
                    id: 0,
                    at: state.now_ms(),
                    officer_id: manager,
                    case_id: None,
                    action: "checkpoint_register_admin".into(),
                    purpose: format!("checkpoint {id} (tokhai-server admin)"),
                    rows: 1,
                })
                .await?;
            Ok(format!(
                "checkpoint {id} registered for account {manager}\nfallback code: {fallback}\ncode: {code}"
            ))
        }
        AdminCommand::RotateKeys => {
            let id = state.rotate_keys().await?;
            Ok(format!(
                "new issuing key {id}; earlier keys retired and still published for verification"
            ))
        }
        AdminCommand::TrustList => {
            let list = crate::keys::trust_list(state.store().as_ref()).await?;
            Ok(serde_json::to_string_pretty(&list).map_err(|_| Error::Keys("trust list"))?)
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
            let c = retention::purge_now(state).await?;
            Ok(format!(
                "purged {} visits, {} declarations, {} reports, {} episodes, {} expired",
                c.visits, c.declarations, c.reports, c.episodes, c.expired
            ))
        }
    }
}
