//! Configuration: flags, then environment variables (clap reads both), then a TOML file (`--config`), then
//! defaults. With no configuration at all the server runs in development mode on 127.0.0.1:8780 with an
//! SQLite file in the per-user data directory.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde::Deserialize;

use crate::store::StoreUrl;

/// The default listening address.
pub(crate) const DEFAULT_LISTEN: SocketAddr = SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8780);

/// Development (prints one-time codes, may generate its own key file) or production.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Local development: the development SMS sender prints codes; a key file is created if missing.
    #[default]
    Development,
    /// Production: a real SMS gateway and an explicit key-encryption key are required.
    Production,
}

/// Log output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// Human-readable lines.
    #[default]
    Text,
    /// One JSON object per line.
    Json,
}

/// The command line.
#[derive(Debug, Parser)]
#[command(name = "tokhai-server", version, about = "tokhai sync and registry server")]
pub struct Cli {
    /// Options shared by every command.
    #[command(flatten)]
    pub options: Options,
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API (the default).
    Serve,
    /// Administration of the server's existing database (never creates one; give the server's `--data-dir` or
    /// `--database-url`).
    #[command(subcommand)]
    Admin(AdminCommand),
}

/// `tokhai-server admin …`.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Make the account of a phone number an administrator (creating the account if needed).
    GrantAdmin {
        /// Phone number.
        #[arg(long)]
        phone: String,
    },
    /// Make the account of a phone number a health officer for the given scopes (creating the account if
    /// needed). Refused for an account that is an officer already: change its scopes with `grant-scope`
    /// and `revoke-scope`.
    CreateOfficer {
        /// Phone number.
        #[arg(long)]
        phone: String,
        /// `PROVINCE` (whole province) or `PROVINCE:WARD`, codes of the 2025 unit list; repeat for several.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
    },
    /// Add scopes to a health officer (each written to the audit log).
    GrantScope {
        /// Phone number of the officer.
        #[arg(long)]
        phone: String,
        /// `PROVINCE` or `PROVINCE:WARD`; repeat for several.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
    },
    /// Remove scopes from a health officer (each written to the audit log); without scopes left the
    /// account is no longer an officer.
    RevokeScope {
        /// Phone number of the officer.
        #[arg(long)]
        phone: String,
        /// `PROVINCE` or `PROVINCE:WARD` as granted; repeat for several.
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
    },
    /// Register a checkpoint for a phone number without a captcha (scripts, tests, an operator helping a
    /// venue); written to the audit log. Prints its id, fallback code and signed code.
    RegisterCheckpoint {
        /// The manager's phone number (signs in as the checkpoint's manager).
        #[arg(long)]
        phone: String,
        /// Name of the place.
        #[arg(long)]
        name: String,
        /// Kind of place (`market`, `shop`, `office`, `school`, `hospital`, `transport`, `other`, …).
        #[arg(long, default_value = "other")]
        kind: String,
        /// Province code (2025 unit list).
        #[arg(long)]
        province: u32,
        /// Ward code (2025 unit list).
        #[arg(long)]
        ward: u32,
        /// Street address.
        #[arg(long)]
        street: String,
        /// Usual stay in minutes.
        #[arg(long)]
        stay_minutes: Option<u16>,
    },
    /// Create a new issuing key and retire the current one (it stays published for the overlap period).
    RotateKeys,
    /// List the published issuing keys.
    Keys,
    /// Print the published issuing keys as a trust list (JSON): what a client build for this deployment
    /// embeds (`TOKHAI_TRUSTED_KEYS_JSON`, docs/deployment.md) so that it verifies codes offline from the
    /// first minute.
    TrustList,
    /// Run the retention purge now.
    Purge,
}

/// Options, from flags or environment variables; each may also come from the `--config` file.
#[derive(Debug, Clone, Default, Args, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Options {
    /// A TOML file with any of these options (file keys use underscores: `database_url = "…"`).
    #[arg(long, env = "TOKHAI_CONFIG")]
    #[serde(skip)]
    pub config: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "TOKHAI_LISTEN")]
    pub listen: Option<SocketAddr>,
    /// `postgres://…` for PostgreSQL, or an SQLite file path (default: `<data dir>/tokhai.sqlite3`).
    #[arg(long, env = "TOKHAI_DATABASE_URL")]
    pub database_url: Option<String>,
    /// `postgres://…` of a streaming-replication standby of the database: officers' reads (tracing,
    /// aggregates, exports, quarantine lists) go there, and their answers say how fresh it is; writes
    /// never do. Only with a PostgreSQL `--database-url`.
    #[arg(long, env = "TOKHAI_READ_DATABASE_URL")]
    pub read_database_url: Option<String>,
    /// Seconds between re-reads of the issuing keys, so that a key rotated through another instance is
    /// signed with here within this time (default 5).
    #[arg(long, env = "TOKHAI_KEY_REFRESH_SECS")]
    pub key_refresh_secs: Option<u64>,
    /// Seconds between SIGTERM and closing the listener, while `/readyz` already answers 503 so that
    /// the load balancer stops sending new requests (default 5; 0 in development mode).
    #[arg(long, env = "TOKHAI_DRAIN_SECS")]
    pub drain_secs: Option<u64>,
    /// Where the SQLite file and the generated development key live. The server's own variable: the
    /// client's `TOKHAI_DATA_DIR` is not read.
    #[arg(long, env = "TOKHAI_SERVER_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// development or production.
    #[arg(long, env = "TOKHAI_MODE")]
    pub mode: Option<Mode>,
    /// File holding the key-encryption key (32 bytes, base64). The environment variable `TOKHAI_KEK`
    /// (base64) takes precedence.
    #[arg(long, env = "TOKHAI_KEK_FILE")]
    pub kek_file: Option<PathBuf>,
    /// URL of the SMS gateway (HTTP POST of `{"to": …, "text": …}`); its bearer token comes from the
    /// environment variable `TOKHAI_SMS_GATEWAY_TOKEN`.
    #[arg(long, env = "TOKHAI_SMS_GATEWAY_URL")]
    pub sms_gateway_url: Option<String>,
    /// Reverse proxies whose `X-Forwarded-For` is trusted (repeat or comma-separate).
    #[arg(long = "trusted-proxy", env = "TOKHAI_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<IpAddr>,
    /// Days personal records are kept (default 21).
    #[arg(long, env = "TOKHAI_RETENTION_DAYS")]
    pub retention_days: Option<u32>,
    /// Minutes between scheduled retention purges (default 60).
    #[arg(long, env = "TOKHAI_PURGE_INTERVAL_MINUTES")]
    pub purge_interval_minutes: Option<u64>,
    /// Largest accepted request body in bytes (default 1 MiB).
    #[arg(long, env = "TOKHAI_MAX_BODY_BYTES")]
    pub max_body_bytes: Option<usize>,
    /// Seconds before a request is abandoned (default 30).
    #[arg(long, env = "TOKHAI_REQUEST_TIMEOUT_SECS")]
    pub request_timeout_secs: Option<u64>,
    /// PostgreSQL pool size (default 16).
    #[arg(long, env = "TOKHAI_DB_MAX_CONNECTIONS")]
    pub db_max_connections: Option<usize>,
    /// Codes per phone number per hour from one client address, and from all before a captcha is
    /// needed (default 5).
    #[arg(long, env = "TOKHAI_OTP_PER_PHONE")]
    pub otp_per_phone: Option<i64>,
    /// Codes per phone number per hour with solved captchas (default 20).
    #[arg(long, env = "TOKHAI_OTP_PER_PHONE_CAPTCHA")]
    pub otp_per_phone_captcha: Option<i64>,
    /// Codes per client address per hour before a captcha is asked for (default 60).
    #[arg(long, env = "TOKHAI_OTP_PER_CLIENT")]
    pub otp_per_client: Option<i64>,
    /// Codes per client address per hour with a solved captcha (default 2000).
    #[arg(long, env = "TOKHAI_OTP_PER_CLIENT_CAPTCHA")]
    pub otp_per_client_captcha: Option<i64>,
    /// Codes in total per hour before every request needs a captcha (default 5000).
    #[arg(long, env = "TOKHAI_OTP_GLOBAL")]
    pub otp_global: Option<i64>,
    /// Sign-in attempts (one-time codes typed) per client address per hour (default 600).
    #[arg(long, env = "TOKHAI_OTP_GUESSES_PER_CLIENT")]
    pub otp_guesses_per_client: Option<i64>,
    /// Captcha images per client address per 15 minutes (default 200).
    #[arg(long, env = "TOKHAI_CAPTCHAS_PER_CLIENT")]
    pub captchas_per_client: Option<u32>,
    /// Seconds a client has to send a request's headers, and to start the next request on a kept-alive
    /// connection (default 10).
    #[arg(long, env = "TOKHAI_HEADER_TIMEOUT_SECS")]
    pub header_timeout_secs: Option<u64>,
    /// Seconds without a byte read or written after which a connection is closed (default 30).
    #[arg(long, env = "TOKHAI_IDLE_TIMEOUT_SECS")]
    pub idle_timeout_secs: Option<u64>,
    /// Open connections from one client address (default 128).
    #[arg(long, env = "TOKHAI_MAX_CONNECTIONS_PER_ADDRESS")]
    pub max_connections_per_address: Option<usize>,
    /// Open connections in all (default 8192, and never more than the open-file limit allows).
    #[arg(long, env = "TOKHAI_MAX_CONNECTIONS")]
    pub max_connections: Option<usize>,
    /// Serve `/metrics` (Prometheus) on this address of its own, without a token (keep it off the
    /// public network).
    #[arg(long, env = "TOKHAI_METRICS_LISTEN")]
    pub metrics_listen: Option<SocketAddr>,
    /// Log format.
    #[arg(long, env = "TOKHAI_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
}

/// Configuration problems, reported before the server starts.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The configuration file cannot be read.
    #[error("cannot read configuration file {0}")]
    File(PathBuf),
    /// The configuration file is not valid TOML of the expected keys.
    #[error("configuration file {path} is invalid: {message}")]
    Toml {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// No data directory can be found for this user.
    #[error("no data directory: pass --data-dir")]
    NoDataDir,
    /// The database URL is not understood.
    #[error("--database-url must be postgres://… or an SQLite file path")]
    DatabaseUrl,
    /// The read replica is not a PostgreSQL standby of a PostgreSQL database.
    #[error("--read-database-url must be postgres://…, and needs a PostgreSQL --database-url")]
    ReadDatabaseUrl,
    /// Production needs a gateway and a key.
    #[error("production mode needs {0}")]
    Production(&'static str),
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Listening address.
    pub listen: SocketAddr,
    /// Database.
    pub database: StoreUrl,
    /// A streaming-replication standby for officers' reads (PostgreSQL only).
    pub read_database: Option<String>,
    /// How often the issuing keys are re-read from the database.
    pub key_refresh: Duration,
    /// Between SIGTERM and closing the listener (readiness already failing).
    pub drain_grace: Duration,
    /// Data directory.
    pub data_dir: PathBuf,
    /// Mode.
    pub mode: Mode,
    /// Key file (when the key does not come from `TOKHAI_KEK`).
    pub kek_file: PathBuf,
    /// SMS gateway URL.
    pub sms_gateway_url: Option<String>,
    /// Trusted reverse proxies.
    pub trusted_proxies: Vec<IpAddr>,
    /// Retention period.
    pub retention: chrono::Duration,
    /// Interval of scheduled purges.
    pub purge_interval: Duration,
    /// Body size limit.
    pub max_body_bytes: usize,
    /// Request timeout.
    pub request_timeout: Duration,
    /// PostgreSQL pool size.
    pub db_max_connections: usize,
    /// One-time-code limits.
    pub otp_limits: OtpLimits,
    /// Captcha images per client address per 15 minutes.
    pub captchas_per_client: u32,
    /// Connection limits (timeouts, connections per address and in all).
    pub connections: crate::listen::ConnLimits,
    /// Address of the separate metrics listener.
    pub metrics_listen: Option<SocketAddr>,
    /// Operator token for `/metrics` on the API's address (`TOKHAI_METRICS_TOKEN`).
    pub metrics_token: Option<String>,
    /// Log format.
    pub log_format: LogFormat,
}

/// Captcha images one client address may ask for per 15 minutes: enough for the people behind one
/// shared address who need one to sign in or register (ADR 0015), still bounded so that rendering and
/// storing them is not a cheap attack.
const DEFAULT_CAPTCHAS_PER_CLIENT: u32 = 200;

/// Limits on one-time codes, per fixed window of an hour (`docs/adr/0015`): per phone number the main
/// guard; per client address much higher, and past the free allowance a captcha rather than a lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OtpLimits {
    /// Codes texted to one phone number at the request of one client address (the hard limit), and
    /// codes to one phone number from all addresses before a captcha is needed.
    pub per_phone: i64,
    /// Codes to one phone number with solved captchas (the ceiling that bounds texting one number; an
    /// attacker asking for a victim's codes meets a captcha, the victim is never locked out by them).
    pub per_phone_captcha: i64,
    /// Codes requested from one client address without a captcha.
    pub per_client: i64,
    /// Codes requested from one client address with a solved captcha (the hard ceiling).
    pub per_client_captcha: i64,
    /// Codes in total without a captcha; past it, every request needs one (never a lock).
    pub global: i64,
    /// Codes typed (right or wrong) from one client address.
    pub guesses_per_client: i64,
}

impl Default for OtpLimits {
    fn default() -> Self {
        Self {
            per_phone: 5,
            per_phone_captcha: 20,
            per_client: 60,
            per_client_captcha: 2000,
            global: 5000,
            guesses_per_client: 600,
        }
    }
}

impl Options {
    /// Fills every option missing here from `other`.
    fn or(self, other: Self) -> Self {
        Self {
            config: self.config.or(other.config),
            listen: self.listen.or(other.listen),
            database_url: self.database_url.or(other.database_url),
            read_database_url: self.read_database_url.or(other.read_database_url),
            key_refresh_secs: self.key_refresh_secs.or(other.key_refresh_secs),
            drain_secs: self.drain_secs.or(other.drain_secs),
            data_dir: self.data_dir.or(other.data_dir),
            mode: self.mode.or(other.mode),
            kek_file: self.kek_file.or(other.kek_file),
            sms_gateway_url: self.sms_gateway_url.or(other.sms_gateway_url),
            trusted_proxies: if self.trusted_proxies.is_empty() {
                other.trusted_proxies
            } else {
                self.trusted_proxies
            },
            retention_days: self.retention_days.or(other.retention_days),
            purge_interval_minutes: self.purge_interval_minutes.or(other.purge_interval_minutes),
            max_body_bytes: self.max_body_bytes.or(other.max_body_bytes),
            request_timeout_secs: self.request_timeout_secs.or(other.request_timeout_secs),
            db_max_connections: self.db_max_connections.or(other.db_max_connections),
            otp_per_phone: self.otp_per_phone.or(other.otp_per_phone),
            otp_per_phone_captcha: self.otp_per_phone_captcha.or(other.otp_per_phone_captcha),
            otp_per_client: self.otp_per_client.or(other.otp_per_client),
            otp_per_client_captcha: self.otp_per_client_captcha.or(other.otp_per_client_captcha),
            otp_global: self.otp_global.or(other.otp_global),
            otp_guesses_per_client: self.otp_guesses_per_client.or(other.otp_guesses_per_client),
            captchas_per_client: self.captchas_per_client.or(other.captchas_per_client),
            header_timeout_secs: self.header_timeout_secs.or(other.header_timeout_secs),
            idle_timeout_secs: self.idle_timeout_secs.or(other.idle_timeout_secs),
            max_connections_per_address: self
                .max_connections_per_address
                .or(other.max_connections_per_address),
            max_connections: self.max_connections.or(other.max_connections),
            metrics_listen: self.metrics_listen.or(other.metrics_listen),
            log_format: self.log_format.or(other.log_format),
        }
    }

    /// Resolves flags/environment, the configuration file and defaults into a `Config`.
    pub fn resolve(self) -> Result<Config, ConfigError> {
        let opts = match &self.config {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|_| ConfigError::File(path.clone()))?;
                let file: Options = toml::from_str(&text).map_err(|e| ConfigError::Toml {
                    path: path.clone(),
                    message: e.message().to_owned(),
                })?;
                self.or(file)
            }
            None => self,
        };
        let data_dir = match opts.data_dir {
            Some(d) => d,
            None => directories::ProjectDirs::from("", "", "tokhai-server")
                .map(|p| p.data_dir().to_owned())
                .ok_or(ConfigError::NoDataDir)?,
        };
        let database = match &opts.database_url {
            Some(url) => StoreUrl::parse(url).map_err(|_| ConfigError::DatabaseUrl)?,
            None => StoreUrl::Sqlite(data_dir.join("tokhai.sqlite3")),
        };
        let read_database = match &opts.read_database_url {
            Some(url) => match (StoreUrl::parse(url), &database) {
                (Ok(StoreUrl::Postgres(url)), StoreUrl::Postgres(_)) => Some(url),
                _ => return Err(ConfigError::ReadDatabaseUrl),
            },
            None => None,
        };
        let mode = opts.mode.unwrap_or_default();
        if mode == Mode::Production {
            if opts.sms_gateway_url.is_none() {
                return Err(ConfigError::Production("--sms-gateway-url"));
            }
            if opts.kek_file.is_none() && std::env::var_os("TOKHAI_KEK").is_none() {
                return Err(ConfigError::Production("TOKHAI_KEK or --kek-file"));
            }
        }
        let defaults = OtpLimits::default();
        let default_drain = if mode == Mode::Production { 5 } else { 0 };
        Ok(Config {
            listen: opts.listen.unwrap_or(DEFAULT_LISTEN),
            database,
            read_database,
            key_refresh: Duration::from_secs(opts.key_refresh_secs.unwrap_or(5).max(1)),
            drain_grace: Duration::from_secs(opts.drain_secs.unwrap_or(default_drain)),
            kek_file: opts.kek_file.unwrap_or_else(|| data_dir.join("kek.b64")),
            data_dir,
            mode,
            sms_gateway_url: opts.sms_gateway_url,
            trusted_proxies: opts.trusted_proxies,
            retention: chrono::Duration::days(
                opts.retention_days
                    .map_or(tokhai_core::DEFAULT_RETENTION_DAYS, i64::from)
                    .max(1),
            ),
            purge_interval: Duration::from_secs(opts.purge_interval_minutes.unwrap_or(60).max(1) * 60),
            max_body_bytes: opts.max_body_bytes.unwrap_or(1 << 20),
            request_timeout: Duration::from_secs(opts.request_timeout_secs.unwrap_or(30).max(1)),
            db_max_connections: opts.db_max_connections.unwrap_or(16),
            otp_limits: OtpLimits {
                per_phone: opts.otp_per_phone.unwrap_or(defaults.per_phone),
                per_phone_captcha: opts.otp_per_phone_captcha.unwrap_or(defaults.per_phone_captcha),
                per_client: opts.otp_per_client.unwrap_or(defaults.per_client),
                per_client_captcha: opts.otp_per_client_captcha.unwrap_or(defaults.per_client_captcha),
                global: opts.otp_global.unwrap_or(defaults.global),
                guesses_per_client: opts.otp_guesses_per_client.unwrap_or(defaults.guesses_per_client),
            },
            captchas_per_client: opts.captchas_per_client.unwrap_or(DEFAULT_CAPTCHAS_PER_CLIENT),
            connections: {
                let d = crate::listen::ConnLimits::default();
                crate::listen::ConnLimits {
                    header_timeout: opts
                        .header_timeout_secs
                        .map_or(d.header_timeout, |s| Duration::from_secs(s.max(1))),
                    idle_timeout: opts
                        .idle_timeout_secs
                        .map_or(d.idle_timeout, |s| Duration::from_secs(s.max(1))),
                    per_address: opts.max_connections_per_address.unwrap_or(d.per_address).max(1),
                    total: opts.max_connections.unwrap_or(d.total).max(1),
                }
            },
            metrics_listen: opts.metrics_listen,
            metrics_token: std::env::var("TOKHAI_METRICS_TOKEN")
                .ok()
                .filter(|t| !t.trim().is_empty()),
            log_format: opts.log_format.unwrap_or_default(),
        })
    }
}

impl Config {
    /// A development configuration around a database, for tests and benchmarks.
    pub fn for_tests(database: StoreUrl, data_dir: PathBuf) -> Self {
        Self {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 0),
            database,
            read_database: None,
            key_refresh: Duration::from_secs(5),
            drain_grace: Duration::ZERO,
            kek_file: data_dir.join("kek.b64"),
            data_dir,
            mode: Mode::Development,
            sms_gateway_url: None,
            trusted_proxies: vec![],
            retention: chrono::Duration::days(21),
            purge_interval: Duration::from_secs(3600),
            max_body_bytes: 1 << 20,
            request_timeout: Duration::from_secs(30),
            db_max_connections: 16,
            otp_limits: OtpLimits::default(),
            captchas_per_client: DEFAULT_CAPTCHAS_PER_CLIENT,
            connections: crate::listen::ConnLimits::default(),
            metrics_listen: None,
            metrics_token: None,
            log_format: LogFormat::Text,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_file_and_defaults_fill_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "retention_days = 14\nlisten = \"127.0.0.1:9000\"\n").unwrap();
        let opts = Options {
            config: Some(file),
            listen: Some("127.0.0.1:9100".parse().unwrap()),
            data_dir: Some(dir.path().to_owned()),
            ..Options::default()
        };
        let c = opts.resolve().unwrap();
        assert_eq!(c.listen.port(), 9100);
        assert_eq!(c.retention, chrono::Duration::days(14));
        assert_eq!(c.mode, Mode::Development);
        assert_eq!(c.database, StoreUrl::Sqlite(dir.path().join("tokhai.sqlite3")));
    }

    #[test]
    fn unknown_file_keys_and_production_without_gateway_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("c.toml");
        std::fs::write(&file, "retention_dayz = 14\n").unwrap();
        let opts = Options {
            config: Some(file),
            data_dir: Some(dir.path().to_owned()),
            ..Options::default()
        };
        assert!(matches!(opts.resolve(), Err(ConfigError::Toml { .. })));
        let opts = Options {
            mode: Some(Mode::Production),
            data_dir: Some(dir.path().to_owned()),
            ..Options::default()
        };
        assert!(matches!(opts.resolve(), Err(ConfigError::Production(_))));
    }
}
