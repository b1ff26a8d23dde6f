//! What every command needs: where the data lives, how to unlock it, the clock, the trusted keys, and
//! how to print.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokhai_core::{
    Clock, Engine, KeyProvider, Localized, Msg, OsKeyStoreProvider, PassphraseProvider, Policy, SystemClock,
    TrustList, TrustStore,
};

use crate::args::{Cli, KeyStore};
use crate::error::CliError;
use crate::output::Out;
use crate::prompt;

/// Environment variable holding the passphrase, for scripts and tests.
pub(crate) const PASSPHRASE_ENV: &str = "TOKHAI_PASSPHRASE";
/// Environment variable naming a trust list (issuer keys and revocations) to use besides the built-in one.
pub(crate) const TRUST_FILE_ENV: &str = "TOKHAI_TRUST_FILE";
/// The trust list kept in the data folder (public keys and revoked ids only: nothing personal).
const TRUST_FILE: &str = "trust.json";
/// The issuer keys and revocations last pulled from the server (replaced at each `tokhai sync`).
const FEED_TRUST_FILE: &str = "trust-from-server.json";

/// The context of one command.
pub(crate) struct Ctx {
    pub(crate) out: Out,
    key_store: KeyStore,
    data_dir: PathBuf,
    clock: Arc<dyn Clock>,
    pub(crate) server: String,
    pub(crate) timeout: std::time::Duration,
}

impl Ctx {
    pub(crate) fn new(cli: &Cli) -> Result<Self, CliError> {
        let data_dir = match &cli.data_dir {
            Some(dir) => dir.clone(),
            None => default_data_dir()?,
        };
        Ok(Self {
            out: Out {
                lang: cli.lang,
                json: cli.json,
            },
            key_store: cli.key_store,
            data_dir,
            clock: Arc::new(SystemClock),
            server: cli.server.clone(),
            timeout: std::time::Duration::from_secs(cli.timeout.max(1)),
        })
    }

    pub(crate) fn clock(&self) -> &dyn Clock {
        self.clock.as_ref()
    }

    pub(crate) fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// Opens (creating on first use) the sealed store in the data folder.
    pub(crate) fn engine(&self) -> Result<Engine, CliError> {
        let creating = !Engine::exists(&self.data_dir);
        if creating {
            std::fs::create_dir_all(&self.data_dir).map_err(|e| CliError::write(&self.data_dir, e))?;
            restrict_permissions(&self.data_dir);
        }
        let provider = self.key_provider(creating)?;
        Ok(Engine::open_with(
            &self.data_dir,
            provider,
            Arc::clone(&self.clock),
            Policy::default(),
        )?)
    }

    fn key_provider(&self, creating: bool) -> Result<Arc<dyn KeyProvider>, CliError> {
        if self.key_store == KeyStore::Os {
            return Ok(Arc::new(OsKeyStoreProvider::default()));
        }
        if std::env::var_os(PASSPHRASE_ENV).is_some_and(|v| !v.is_empty()) {
            return Ok(Arc::new(
                PassphraseProvider::from_env(PASSPHRASE_ENV).map_err(no_passphrase)?,
            ));
        }
        if !prompt::interactive() {
            return Err(no_passphrase(()));
        }
        let ask = |vi: &str, en: &str| {
            rpassword::prompt_password(format!("{}: ", self.out.text(&Msg::owned(vi.into(), en.into()))))
                .map_err(|_| no_passphrase(()))
        };
        let passphrase = if creating {
            let first = ask(
                "Đặt mật khẩu bảo vệ dữ liệu",
                "Choose a passphrase to protect your data",
            )?;
            // Said now, not after typing it twice (the store refuses it too).
            tokhai_core::check_new_passphrase(&first).map_err(|e| CliError::Usage {
                code: e.code(),
                msg: e.msg(),
            })?;
            let again = ask("Nhập lại mật khẩu", "Type it again")?;
            if first != again {
                return Err(CliError::usage(
                    "passphrase_mismatch",
                    "Hai lần nhập mật khẩu không khớp.",
                    "The two passphrases differ.",
                ));
            }
            first
        } else {
            ask("Mật khẩu", "Passphrase")?
        };
        Ok(Arc::new(
            PassphraseProvider::new(passphrase).map_err(no_passphrase)?,
        ))
    }

    /// The trusted issuer keys and revocations: built in, plus the data folder's list, plus
    /// `$TOKHAI_TRUST_FILE`.
    pub(crate) fn trust(&self) -> Result<TrustStore, CliError> {
        let mut trust = TrustStore::builtin().map_err(bad_trust)?;
        let mut files = vec![
            self.data_dir.join(TRUST_FILE),
            self.data_dir.join(FEED_TRUST_FILE),
        ];
        if let Some(extra) = std::env::var_os(TRUST_FILE_ENV) {
            files.push(PathBuf::from(extra));
        }
        for file in files {
            match std::fs::read_to_string(&file) {
                Ok(json) => trust
                    .merge(TrustStore::from_json(&json).map_err(bad_trust)?.to_list())
                    .map_err(bad_trust)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(CliError::read(&file, e)),
            }
        }
        Ok(trust)
    }

    /// Adds `list`'s keys and revocations to the data folder's trust list; returns its path.
    pub(crate) fn add_trust(&self, list: TrustList) -> Result<PathBuf, CliError> {
        let path = self.data_dir.join(TRUST_FILE);
        let mut trust = match std::fs::read_to_string(&path) {
            Ok(json) => TrustStore::from_json(&json).map_err(bad_trust)?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => TrustStore::new(),
            Err(e) => return Err(CliError::read(&path, e)),
        };
        trust.merge(list).map_err(bad_trust)?;
        std::fs::create_dir_all(&self.data_dir).map_err(|e| CliError::write(&self.data_dir, e))?;
        let json = serde_json::to_string_pretty(&trust.to_list())
            .map_err(|e| CliError::usage("json_failed", e.to_string(), e.to_string()))?;
        std::fs::write(&path, json).map_err(|e| CliError::write(&path, e))?;
        Ok(path)
    }

    /// Replaces the trust list pulled from the server (keys and revocations of the sync feed).
    pub(crate) fn set_feed_trust(&self, list: &TrustList) -> Result<(), CliError> {
        let path = self.data_dir.join(FEED_TRUST_FILE);
        let json = serde_json::to_string_pretty(list)
            .map_err(|e| CliError::usage("json_failed", e.to_string(), e.to_string()))?;
        std::fs::write(&path, json).map_err(|e| CliError::write(&path, e))
    }
}

fn no_passphrase<E>(_: E) -> CliError {
    CliError::usage(
        "no_passphrase",
        format!("Cần mật khẩu để mở dữ liệu: nhập khi được hỏi, hoặc đặt biến môi trường {PASSPHRASE_ENV}."),
        format!("A passphrase is needed to open the data: type it when asked, or set {PASSPHRASE_ENV}."),
    )
}

fn bad_trust(e: tokhai_core::KeyError) -> CliError {
    CliError::usage(
        "trust_list_invalid",
        format!("Danh sách khóa tin cậy không hợp lệ: {e}"),
        format!("The trust list is invalid: {e}"),
    )
}

fn default_data_dir() -> Result<PathBuf, CliError> {
    directories::ProjectDirs::from("vn", "tokhai", "tokhai")
        .map(|d| d.data_dir().to_path_buf())
        .ok_or_else(|| {
            CliError::usage(
                "no_data_dir",
                "Không tìm được thư mục dữ liệu; hãy dùng --data-dir.",
                "No per-user data folder found; use --data-dir.",
            )
        })
}

/// The data folder is the user's alone (sealed or not, it is nobody else's business).
fn restrict_permissions(dir: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
    }
    #[cfg(not(unix))]
    let _ = dir;
}
