//! A throw-away PostgreSQL cluster for tests: `initdb` in a temporary folder, a free port on 127.0.0.1,
//! trust authentication (loopback only), `fsync` off (a test cluster need not survive a power cut; a
//! killed *server* process still loses nothing), removed when its owner drops it or when the test process
//! ends (a detached watchdog stops it and deletes the folder even after an abort).
//!
//! PostgreSQL refuses to run as root: when the tests run as root, every PostgreSQL program runs as the
//! `postgres` system user (Debian's package creates it) through `runuser`.

use std::fs::File;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

/// A running throw-away cluster (primary, or a streaming standby of one).
#[derive(Debug)]
pub struct PgCluster {
    bin: PathBuf,
    dir: PathBuf,
    port: u16,
    postgres: Option<Child>,
}

impl PgCluster {
    /// The cluster shared by every test of this process, started on first use.
    ///
    /// # Errors
    /// When PostgreSQL's server binaries are not installed or the cluster does not start.
    pub fn process_wide() -> Result<&'static Self, String> {
        static CLUSTER: OnceLock<Result<PgCluster, String>> = OnceLock::new();
        CLUSTER.get_or_init(Self::start).as_ref().map_err(Clone::clone)
    }

    /// Starts a new primary cluster of its own.
    ///
    /// # Errors
    /// When PostgreSQL's server binaries are not installed or the cluster does not start.
    pub fn start() -> Result<Self, String> {
        let bin = server_bin_dir()?;
        let dir = new_dir()?;
        let data = dir.join("data");
        let out = run(pg_command(&bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "-N"])
            .arg("--no-instructions"))?;
        if !out.status.success() {
            return Err(format!("initdb failed: {}", String::from_utf8_lossy(&out.stderr)));
        }
        Self::launch(bin, dir)
    }

    /// Starts a streaming-replication standby of this cluster (`pg_basebackup -R`), read-only, on a port
    /// of its own.
    ///
    /// # Errors
    /// When the base backup or the start fails.
    pub fn start_standby(&self) -> Result<Self, String> {
        let dir = new_dir()?;
        let out = run(pg_command(&self.bin.join("pg_basebackup"))
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-X",
                "stream",
                "-c",
                "fast",
                "-R",
            ])
            .arg("-p")
            .arg(self.port.to_string())
            .arg("-D")
            .arg(dir.join("data")))?;
        if !out.status.success() {
            return Err(format!(
                "pg_basebackup failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Self::launch(self.bin.clone(), dir)
    }

    /// Starts `postgres` on the data folder in `dir` on a free port (a few tries: another process may take
    /// the port between the probe and the bind), and the watchdog that cleans up after this process.
    fn launch(bin: PathBuf, dir: PathBuf) -> Result<Self, String> {
        let mut last = String::new();
        for _ in 0..5 {
            let port = free_port()?;
            let log = File::create(dir.join(format!("postgres-{port}.log"))).map_err(|e| e.to_string())?;
            let err = log.try_clone().map_err(|e| e.to_string())?;
            let child = pg_command(&bin.join("postgres"))
                .arg("-D")
                .arg(dir.join("data"))
                .arg("-p")
                .arg(port.to_string())
                .arg("-k")
                .arg(&dir)
                .args(["-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"])
                .args(["-c", "full_page_writes=off", "-c", "max_connections=400"])
                .stdin(Stdio::null())
                .stdout(log)
                .stderr(err)
                .spawn()
                .map_err(|e| format!("cannot start postgres: {e}"))?;
            let mut cluster = Self {
                bin: bin.clone(),
                dir: dir.clone(),
                port,
                postgres: Some(child),
            };
            match cluster.wait_ready(Duration::from_secs(60)) {
                Ok(()) => {
                    watchdog(&dir)?;
                    return Ok(cluster);
                }
                Err(why) => {
                    last = why;
                    cluster.stop_server();
                    cluster.dir = PathBuf::new(); // keep the folder for the next try
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        Err(last)
    }

    fn wait_ready(&mut self, limit: Duration) -> Result<(), String> {
        let started = Instant::now();
        loop {
            if let Some(child) = self.postgres.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                return Err(format!(
                    "postgres exited at start ({status}); see {}",
                    self.dir.display()
                ));
            }
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-U", "postgres", "-p"])
                .arg(self.port.to_string())
                .status()
                .map(|s| s.success())
                .unwrap_or(false);
            if ready {
                return Ok(());
            }
            if started.elapsed() > limit {
                return Err(format!("postgres not ready after {} s", limit.as_secs()));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// `postgres://postgres@127.0.0.1:<port>`, without a database name.
    pub fn base_url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}", self.port)
    }

    /// The connection URL of database `db`.
    pub fn url(&self, db: &str) -> String {
        format!("{}/{db}", self.base_url())
    }

    /// Its port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs `psql -Atqc sql` against database `db`, returning its output.
    ///
    /// # Errors
    /// When psql fails.
    pub fn psql(&self, db: &str, sql: &str) -> Result<String, String> {
        let out = run(Command::new(self.bin.join("psql")).arg(self.url(db)).args([
            "-X",
            "-v",
            "ON_ERROR_STOP=1",
            "-Atqc",
            sql,
        ]))?;
        if out.status.success() {
            Ok(String::from_utf8_lossy(&out.stdout).trim().to_owned())
        } else {
            Err(String::from_utf8_lossy(&out.stderr).into_owned())
        }
    }

    fn stop_server(&mut self) {
        let data = self.dir.join("data");
        if data.is_dir() {
            let _ = run(pg_command(&self.bin.join("pg_ctl")).arg("-D").arg(&data).args([
                "-m",
                "immediate",
                "-w",
                "-t",
                "30",
                "stop",
            ]));
        }
        if let Some(mut child) = self.postgres.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        self.stop_server();
        if !self.dir.as_os_str().is_empty() {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// The newest installed PostgreSQL's server programs (Debian: `/usr/lib/postgresql/<major>/bin`), or
/// `TOKHAI_PG_BIN`.
fn server_bin_dir() -> Result<PathBuf, String> {
    if let Ok(dir) = std::env::var("TOKHAI_PG_BIN") {
        return Ok(PathBuf::from(dir));
    }
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir(root)
        .map_err(|_| "PostgreSQL's server programs are not installed (Debian package postgresql)".to_owned())?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let major = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((major, bin))
        })
        .collect();
    versions.sort();
    versions
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| "no initdb under /usr/lib/postgresql/*/bin".to_owned())
}

fn running_as_root() -> bool {
    std::fs::metadata("/proc/self").is_ok_and(|m| m.uid() == 0)
}

/// A PostgreSQL program, run as the `postgres` user when this process is root.
fn pg_command(program: &Path) -> Command {
    if running_as_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn run(command: &mut Command) -> Result<std::process::Output, String> {
    command
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {command:?}: {e}"))
}

/// A new empty folder for one cluster, owned by the user PostgreSQL runs as.
fn new_dir() -> Result<PathBuf, String> {
    static N: AtomicU32 = AtomicU32::new(0);
    let dir = std::env::temp_dir().join(format!(
        "tokhai-pg-{}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed),
        uuid::Uuid::new_v4().simple()
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if running_as_root() {
        let (uid, gid) = postgres_user()?;
        std::os::unix::fs::chown(&dir, Some(uid), Some(gid)).map_err(|e| e.to_string())?;
    }
    Ok(dir)
}

/// The `postgres` system user's uid and gid, from `/etc/passwd`.
fn postgres_user() -> Result<(u32, u32), String> {
    let passwd = std::fs::read_to_string("/etc/passwd").map_err(|e| e.to_string())?;
    passwd
        .lines()
        .find_map(|line| {
            let f: Vec<&str> = line.split(':').collect();
            match f.as_slice() {
                ["postgres", _, uid, gid, ..] => Some((uid.parse().ok()?, gid.parse().ok()?)),
                _ => None,
            }
        })
        .ok_or_else(|| "running as root and there is no `postgres` user to run PostgreSQL".to_owned())
}

fn free_port() -> Result<u16, String> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}

/// A detached shell that waits for this process to end, then stops the cluster in `dir` and deletes the
/// folder (`setsid`: a Ctrl-C to the test run does not take the watchdog with it).
fn watchdog(dir: &Path) -> Result<(), String> {
    let script = r#"while [ -d "/proc/$1" ]; do sleep 1; done
pid=$(head -n 1 "$2/data/postmaster.pid" 2>/dev/null) && kill -INT "$pid" 2>/dev/null
for _ in $(seq 1 100); do [ -e "$2/data/postmaster.pid" ] || break; sleep 0.1; done
rm -rf "$2""#;
    Command::new("setsid")
        .args(["sh", "-c", script, "tokhai-pg-watchdog"])
        .arg(std::process::id().to_string())
        .arg(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| format!("cannot start the cluster's watchdog: {e}"))
}
