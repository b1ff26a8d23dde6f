//! The real app in a real window: Xvfb, `tauri-driver` (which starts the app binary under Debian's
//! WebKitWebDriver) and a small W3C WebDriver client over HTTP. The client is ours (a dozen endpoints,
//! on the reqwest the harness already uses) rather than a Node or Python one, so that the test runs in
//! the same Rust process as the real server it checks against (`TestServer`: its one-time codes, captchas
//! and database are at hand).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// The W3C name of an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// The app's binary with the bundled UI (every build of `tokhai-app` has it: its default feature
/// `custom-protocol`): `$TOKHAI_APP_BIN` (`./dev test` names the one it just built; a release build for
/// the benchmarks), else the workspace target's debug build. `None` when it has not been built (the test
/// is then skipped, unless `TOKHAI_APP_E2E=1`).
pub fn app_binary() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TOKHAI_APP_BIN") {
        return Some(PathBuf::from(p)).filter(|p| p.is_file());
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    Some(target.join("debug/tokhai-app")).filter(|p| p.is_file())
}

/// Whether the real-window test can run here; says why not on stderr. Under `TOKHAI_APP_E2E=1` (set by
/// `./dev test`, which builds the app first) a missing piece fails the test instead.
pub fn can_run() -> Option<PathBuf> {
    let missing = |what: &str| {
        assert!(
            std::env::var("TOKHAI_APP_E2E").as_deref() != Ok("1"),
            "TOKHAI_APP_E2E=1 and {what} is missing"
        );
        eprintln!("skipped: {what} is missing");
        None
    };
    let Some(bin) = app_binary() else {
        return missing("the app's build (npm --prefix ui run build && cargo build -p tokhai-app)");
    };
    for tool in ["Xvfb", "tauri-driver", "WebKitWebDriver"] {
        if which(tool).is_none() {
            return missing(tool);
        }
    }
    Some(bin)
}

fn which(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        dirs.push(PathBuf::from(home).join("bin"));
    }
    if let Some(home) = std::env::var_os("HOME") {
        dirs.push(PathBuf::from(home).join(".cargo/bin"));
    }
    dirs.into_iter().map(|d| d.join(tool)).find(|p| p.is_file())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A virtual display.
struct Xvfb {
    child: Child,
    display: String,
}

impl Xvfb {
    fn start() -> Self {
        for n in 0..50 {
            let num = 90 + (std::process::id() + n) % 400;
            if Path::new(&format!("/tmp/.X11-unix/X{num}")).exists()
                || Path::new(&format!("/tmp/.X{num}-lock")).exists()
            {
                continue;
            }
            let mut child = Command::new(which("Xvfb").unwrap())
                .args([
                    &format!(":{num}"),
                    "-screen",
                    "0",
                    "1440x1000x24",
                    "-nolisten",
                    "tcp",
                ])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap();
            let socket = format!("/tmp/.X11-unix/X{num}");
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(10) {
                if Path::new(&socket).exists() {
                    return Self {
                        child,
                        display: format!(":{num}"),
                    };
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let _ = child.wait();
        }
        panic!("Xvfb did not start");
    }
}

impl Drop for Xvfb {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The app running in a window, driven over WebDriver.
pub struct App {
    driver: Child,
    base: String,
    session: String,
    http: reqwest::Client,
    /// What tauri-driver, WebKitWebDriver and the app wrote on stderr.
    log: PathBuf,
    _logs: tempfile::TempDir,
    _xvfb: Xvfb,
    /// Where failure screenshots go.
    pub artefacts: PathBuf,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("base", &self.base).finish()
    }
}

impl Drop for App {
    fn drop(&mut self) {
        stop_group(&mut self.driver);
    }
}

/// Stops tauri-driver and everything it started (WebKitWebDriver, the app): they share its process
/// group. SIGTERM first (tauri-driver then stops its native driver), SIGKILL for what is left.
fn stop_group(child: &mut Child) {
    let group = format!("-{}", child.id());
    let _ = Command::new("kill")
        .args(["-TERM", "--", &group])
        .stderr(Stdio::null())
        .status();
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(3) {
        if matches!(child.try_wait(), Ok(Some(_))) {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = Command::new("kill")
        .args(["-KILL", "--", &group])
        .stderr(Stdio::null())
        .status();
    let _ = child.wait();
}

/// Fails the test while the window is being opened: stops the drivers, shows what they said.
fn fail_start(driver: &mut Child, log: &Path, what: &str) -> ! {
    stop_group(driver);
    panic!(
        "{what}\n--- tauri-driver, WebKitWebDriver and the app said:\n{}",
        tail(log, 8000)
    );
}

/// The last `max` bytes of a log file, for a failure message.
fn tail(path: &Path, max: usize) -> String {
    let text = std::fs::read(path).unwrap_or_default();
    let from = text.len().saturating_sub(max);
    String::from_utf8_lossy(text.get(from..).unwrap_or_default()).into_owned()
}

/// How long a step may take before the test fails (a first decode of a large photo, a sync).
pub const STEP: Duration = Duration::from_secs(30);

/// How long the window may take to open (the new-session request: WebKitWebDriver starts the app
/// and waits for its webview).
const SESSION: Duration = Duration::from_secs(60);

/// How long one WebDriver command may take (an async script is bounded by its own timeout first).
const COMMAND: Duration = Duration::from_secs(90);

impl App {
    /// Starts the app binary `bin` with `env` (its data folder, server, trust list) in a fresh display.
    pub async fn start(bin: &Path, env: &[(&str, String)]) -> Self {
        use std::os::unix::process::CommandExt as _;
        let xvfb = Xvfb::start();
        let port = free_port();
        let native = free_port();
        let logs = tempfile::tempdir().unwrap();
        let log = logs.path().join("drivers.log");
        let stderr = std::fs::File::create(&log).unwrap();
        let mut cmd = Command::new(which("tauri-driver").unwrap());
        cmd.args([
            "--port",
            &port.to_string(),
            "--native-port",
            &native.to_string(),
            "--native-driver",
            which("WebKitWebDriver").unwrap().to_str().unwrap(),
        ])
        .env("DISPLAY", &xvfb.display)
        // No accessibility bus on a virtual display. Not WEBKIT_DISABLE_COMPOSITING_MODE: under it
        // WebKitWebDriver's screenshot after a page change waits for a paint that never comes (it hung
        // more than 60 s every time, by hand through tauri-driver on Xvfb; the next one answered).
        .env("NO_AT_BRIDGE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(stderr)
        // Its own process group, so that the app it starts goes with it.
        .process_group(0);
        for (k, v) in env {
            cmd.env(k, v);
        }
        let mut driver = cmd.spawn().unwrap();
        let base = format!("http://127.0.0.1:{port}");
        // rustls needs a process-wide provider before any client is built (plain HTTP included).
        let _ = rustls::crypto::ring::default_provider().install_default();
        let http = reqwest::Client::builder().timeout(COMMAND).build().unwrap();
        let start = Instant::now();
        loop {
            let up = http
                .get(format!("{base}/status"))
                .timeout(Duration::from_secs(2))
                .send()
                .await
                .is_ok_and(|r| r.status().is_success());
            if up {
                break;
            }
            if let Ok(Some(status)) = driver.try_wait() {
                fail_start(&mut driver, &log, &format!("tauri-driver exited: {status}"));
            }
            if start.elapsed() > STEP {
                fail_start(&mut driver, &log, "tauri-driver did not start");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "tauri:options": { "application": bin.to_str().unwrap() }
        } } });
        let resp = http
            .post(format!("{base}/session"))
            .timeout(SESSION)
            .json(&caps)
            .send()
            .await;
        let resp: Value = match resp {
            Ok(r) => r.json().await.unwrap_or(Value::Null),
            Err(e) => fail_start(
                &mut driver,
                &log,
                &format!("the window did not open within {SESSION:?} (new session: {e})"),
            ),
        };
        let Some(session) = resp["value"]["sessionId"].as_str().map(str::to_owned) else {
            fail_start(&mut driver, &log, &format!("no WebDriver session: {resp}"));
        };
        let artefacts = std::env::var_os("TOKHAI_APP_ARTEFACTS")
            .map(PathBuf::from)
            .unwrap_or_else(std::env::temp_dir);
        let app = Self {
            driver,
            base,
            session,
            http,
            log,
            _logs: logs,
            _xvfb: xvfb,
            artefacts,
        };
        // A script may run as long as a step; a command that never answers fails the test.
        app.post(
            "/timeouts",
            json!({ "script": u64::try_from(STEP.as_millis()).unwrap_or(u64::MAX), "implicit": 0 }),
        )
        .await;
        app
    }

    /// Fails the test with `what` and the drivers' and the app's stderr.
    fn fail(&self, what: &str) -> ! {
        panic!(
            "{what}\n--- tauri-driver, WebKitWebDriver and the app said:\n{}",
            tail(&self.log, 8000)
        );
    }

    /// One WebDriver command; its `value`. A transport failure or a timeout fails the test.
    async fn call(&self, method: reqwest::Method, path: &str, body: Option<Value>) -> Value {
        let mut req = self.http.request(method.clone(), self.url(path));
        if let Some(b) = body {
            req = req.json(&b);
        }
        match req.send().await {
            Ok(r) => match r.json::<Value>().await {
                Ok(v) => v["value"].clone(),
                Err(e) => self.fail(&format!("{method} {path}: unreadable answer: {e}")),
            },
            Err(e) => self.fail(&format!("{method} {path}: no answer within {COMMAND:?}: {e}")),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}/session/{}{path}", self.base, self.session)
    }

    async fn post(&self, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> Value {
        self.call(reqwest::Method::GET, path, None).await
    }

    /// The element `css` selects now, if any.
    pub async fn find(&self, css: &str) -> Option<String> {
        let v = self
            .post("/element", json!({ "using": "css selector", "value": css }))
            .await;
        v[ELEMENT].as_str().map(str::to_owned)
    }

    /// Waits for `css` to be there and displayed; fails the test (with a screenshot) after `STEP`.
    pub async fn wait(&self, css: &str) -> String {
        let start = Instant::now();
        loop {
            if let Some(e) = self.find(css).await {
                let shown = self.get(&format!("/element/{e}/displayed")).await;
                if shown.as_bool() != Some(false) {
                    return e;
                }
            }
            if start.elapsed() > STEP {
                let shot = self.artefacts.join("app-failure.png");
                self.screenshot(&shot).await;
                let text = self.exec("return document.body.innerText", json!([])).await;
                self.fail(&format!(
                    "`{css}` did not appear (screenshot {}); page text: {text}",
                    shot.display()
                ));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Whether `css` is on the page now.
    pub async fn has(&self, css: &str) -> bool {
        self.find(css).await.is_some()
    }

    /// Clicks `css` as a person does: scrolled to the middle of the window first (WebDriver scrolls
    /// an element only just into view, where the app's fixed bottom bar may cover it).
    pub async fn click(&self, css: &str) {
        let e = self.wait(css).await;
        self.exec(
            "arguments[0].scrollIntoView({ block: 'center', inline: 'center' }); return null;",
            json!([{ ELEMENT: e }]),
        )
        .await;
        let v = self.post(&format!("/element/{e}/click"), json!({})).await;
        assert!(v.is_null() || v.get("error").is_none(), "click {css}: {v}");
    }

    /// Types `text` into the field `css` (after clearing it).
    pub async fn fill(&self, css: &str, text: &str) {
        let e = self.wait(css).await;
        self.post(&format!("/element/{e}/clear"), json!({})).await;
        let v = self
            .post(&format!("/element/{e}/value"), json!({ "text": text }))
            .await;
        assert!(v.is_null() || v.get("error").is_none(), "type into {css}: {v}");
    }

    pub async fn text(&self, css: &str) -> String {
        let e = self.wait(css).await;
        self.get(&format!("/element/{e}/text"))
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The value of attribute `name` of `css`.
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        let e = self.wait(css).await;
        self.get(&format!("/element/{e}/attribute/{name}"))
            .await
            .as_str()
            .map(str::to_owned)
    }

    /// Runs `script` in the page (synchronously); its return value.
    pub async fn exec(&self, script: &str, args: Value) -> Value {
        self.post("/execute/sync", json!({ "script": script, "args": args }))
            .await
    }

    /// Runs `script` as an async script: it calls `arguments[arguments.length - 1]` with its result.
    pub async fn exec_async(&self, script: &str, args: Value) -> Value {
        self.post("/execute/async", json!({ "script": script, "args": args }))
            .await
    }

    /// Picks `bytes` as the file of the file input `css`, as a person choosing a photo does (the input's
    /// `change` event with a `File`).
    pub async fn choose_file(&self, css: &str, name: &str, mime: &str, bytes: &[u8]) {
        use base64::Engine as _;
        // A file input is there but not displayed: its label is the button a person sees.
        self.wait(&format!("label:has({css})")).await;
        let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        let script = r"
            const [css, name, mime, b64] = arguments;
            const bin = atob(b64);
            const bytes = new Uint8Array(bin.length);
            for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
            const input = document.querySelector(css);
            const dt = new DataTransfer();
            dt.items.add(new File([bytes], name, { type: mime }));
            input.files = dt.files;
            // Counted before the event: the app's handler empties the input (so that the same photo
            // can be chosen again).
            const chosen = input.files.length;
            input.dispatchEvent(new Event('change', { bubbles: true }));
            return chosen;";
        let n = self.exec(script, json!([css, name, mime, b64])).await;
        assert_eq!(n, json!(1), "the file was not chosen: {n}");
    }

    /// Goes to a screen of the app (client-side navigation, as the app's own links do).
    pub async fn go(&self, path: &str) {
        self.exec(
            "const a = document.createElement('a'); a.href = arguments[0]; document.body.appendChild(a); a.click(); a.remove(); return null;",
            json!([path]),
        )
        .await;
    }

    /// Writes a PNG of the window.
    pub async fn screenshot(&self, path: &Path) {
        use base64::Engine as _;
        let v = self.get("/screenshot").await;
        if let Some(b64) = v.as_str()
            && let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(b64)
        {
            let _ = std::fs::write(path, bytes);
        }
    }

    /// Resizes the window (its outer size).
    pub async fn resize(&self, width: u32, height: u32) {
        self.post("/window/rect", json!({ "width": width, "height": height }))
            .await;
    }

    /// Ends the session (the app quits).
    pub async fn quit(self) {
        let _ = self
            .http
            .delete(self.url(""))
            .timeout(Duration::from_secs(10))
            .send()
            .await;
    }
}
