//! What every command needs: where the data lives, how to unlock it, the clock, and how to print. The
//! trusted keys are the engine's (sealed in the store); only `qr poster` reads an issuer's list.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokhai_core::{
    Clock, Engine, KeyProvider, Localized, Msg, OsKeyStoreProvider, PassphraseProvider, Policy, SystemClock,
    TrustStore,
};

use crate::args::{Cli, KeyStore};
use crate::error::CliError;
use crate::output::Out;
use crate::prompt;

/// Environment variable holding the passphrase, for scripts and tests.
pub(crate) const PASSPHRASE_ENV: &str = "TOKHAI_PASSPHRASE";
/// Environment variable naming an issuer's trust list for `qr poster` (the engine keeps its own, sealed).
pub(crate) const TRUST_FILE_ENV: &str = "TOKHAI_TRUST_FILE";

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

    /// For `qr poster`: the engine's trust, or, for an issuer with no data folder, the build's keys plus
    /// the issuer's own list named by `$TOKHAI_TRUST_FILE` (outside the data folder, which never holds a
    /// trust file).
    pub(crate) fn issuer_trust(&self) -> Result<TrustStore, CliError> {
        let Some(file) = std::env::var_os(TRUST_FILE_ENV).map(PathBuf::from) else {
            return Ok(self.engine()?.trust_store()?);
        };
        let mut trust = TrustStore::builtin().map_err(bad_trust)?;
        let json = std::fs::read_to_string(&file).map_err(|e| CliError::read(&file, e))?;
        trust
            .merge(TrustStore::from_json(&json).map_err(bad_trust)?.to_list())
            .map_err(bad_trust)?;
        Ok(trust)
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
