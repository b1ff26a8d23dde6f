//! The web portal in a real browser (issue 11): the real tokhai-server in process, with the portal's pages
//! embedded at compile time, on SQLite and on PostgreSQL; Debian's Chromium driven by `playwright-core`
//! (`ui/test/browser/portal.mjs`). The script reaches the test's side through a small hook server of this
//! test: captcha answers (the server's test hook), one-time codes (the development sender), officer and
//! administrator roles, the server's clock, simulated devices that check in and sync, and decoding a
//! downloaded poster or personal card with core's scanner.
//!
//! Skipped with a message when Chromium, Node's `playwright-core` or the built pages are missing, unless
//! `TOKHAI_CI=1` (then they are required).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stderr
)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokhai_core::Relation;
use tokhai_core::sync_client::{HttpTransport, SyncOptions};
use tokhai_e2e::{Db, Device, TestServer, checkpoint, fast_tempdir};
use tokhai_server::store::Scope;
use tokio::sync::Mutex;

struct Hook {
    server: TestServer,
    devices: Mutex<HashMap<u32, Device>>,
    dir: tempfile::TempDir,
    transport: HttpTransport,
}

type Shared = Arc<Hook>;

async fn captcha(State(h): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Json<Value> {
    let id = q.get("id").cloned().unwrap_or_default();
    Json(json!({ "answer": h.server.state().peek_captcha(&id) }))
}

async fn otp(State(h): State<Shared>, Query(q): Query<HashMap<String, String>>) -> Json<Value> {
    let phone = q.get("phone").cloned().unwrap_or_default();
    let e164 = format!("+84{}", phone.get(1..).unwrap_or_default());
    let code = h.server.sms.last_to(&e164).and_then(|m| {
        m.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .map(str::to_owned)
    });
    Json(json!({ "code": code }))
}

/// Makes `phone` an officer of province 79 and an administrator (its account is created by a sign-in).
async fn officer(State(h): State<Shared>, Json(b): Json<Value>) -> Json<Value> {
    use base64::Engine as _;
    let phone = b["phone"].as_str().unwrap();
    let token = h.server.sign_in(phone).await;
    let (_, me) = h
        .server
        .call(reqwest::Method::GET, "/v1/me", Some(&token), None)
        .await;
    let subject = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(me["subject"].as_str().unwrap())
        .unwrap();
    let store = h.server.state().store();
    let account = store.account_by_subject(&subject).await.unwrap().unwrap();
    store
        .set_scopes(
            account.id,
            &[Scope {
                province: 79,
                ward: 0,
            }],
        )
        .await
        .unwrap();
    store.set_admin(account.id, true).await.unwrap();
    Json(json!({ "account": account.id }))
}

/// Registers a checkpoint for another manager (for the cross-account refusals).
async fn register(State(h): State<Shared>, Json(b): Json<Value>) -> Json<Value> {
    let id = h
        .server
        .register(b["phone"].as_str().unwrap(), b["name"].as_str().unwrap())
        .await;
    Json(json!({ "id": id }))
}

async fn advance(State(h): State<Shared>, Json(b): Json<Value>) -> Json<Value> {
    let minutes = b["minutes"].as_i64().unwrap();
    h.server.clock.advance(chrono::Duration::minutes(minutes));
    Json(json!({}))
}

/// Devices `devices` (numbers) declare once as `names`, sign in once, check in at `checkpoint`, and sync;
/// after `minutes` (when given) they check out and sync again. Answers the devices' phone numbers.
async fn visit(State(h): State<Shared>, Json(b): Json<Value>) -> Json<Value> {
    let cp = b["checkpoint"].as_u64().unwrap();
    let numbers: Vec<u32> = b["devices"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| u32::try_from(v.as_u64().unwrap()).unwrap())
        .collect();
    let names: Vec<String> = b["names"]
        .as_array()
        .map(|a| a.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
        .unwrap_or_default();
    let mut devices = h.devices.lock().await;
    let mut phones = Vec::new();
    for (i, n) in numbers.iter().enumerate() {
        if !devices.contains_key(n) {
            let d = Device::new(h.dir.path(), *n, h.server.clock.clone());
            let name = names.get(i).cloned().unwrap_or_else(|| format!("NGƯỜI SỐ {n}"));
            d.declare(Relation::Myself, &name, 1980, &format!("0790800{:05}", n));
            d.sign_in(&h.server, &h.transport).await;
            devices.insert(*n, d);
        }
        let d = &devices[n];
        d.engine.check_in(checkpoint(cp)).unwrap();
        phones.push(d.phone.clone());
    }
    let options = SyncOptions::default();
    let pause = Duration::from_millis(50);
    for n in &numbers {
        devices[n].sync_until_done(&h.transport, &options, pause, 5).await;
    }
    if let Some(minutes) = b["minutes"].as_i64() {
        h.server.clock.advance(chrono::Duration::minutes(minutes));
        for n in &numbers {
            devices[n].engine.check_out().unwrap();
            devices[n].sync_until_done(&h.transport, &options, pause, 5).await;
        }
    }
    Json(json!({ "phones": phones }))
}

/// Decodes a downloaded image with core's scanner: a PNG as it is (the personal card), a PDF (a poster)
/// after poppler rasterised it. Answers the texts of its QR symbols.
async fn decode(State(h): State<Shared>, body: Bytes) -> Json<Value> {
    let out = h.dir.path().join("download");
    if body.starts_with(b"\x89PNG") {
        std::fs::write(out.with_extension("png"), &body).unwrap();
    } else {
        let pdf = h.dir.path().join("download.pdf");
        std::fs::write(&pdf, &body).unwrap();
        let status = std::process::Command::new("pdftoppm")
            .args(["-r", "150", "-gray", "-png", "-singlefile"])
            .arg(&pdf)
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
    }
    let report =
        tokhai_core::scan_image_file(&out.with_extension("png"), &tokhai_core::ScanOptions::default());
    let texts: Vec<String> = match report {
        Ok(r) => r.codes.into_iter().map(|c| c.text).collect(),
        Err(e) => vec![format!("error: {e}")],
    };
    Json(json!({ "texts": texts, "bytes": body.len() }))
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// What the browser test needs, or why it is skipped.
fn prerequisites() -> Result<(PathBuf, PathBuf), String> {
    let chromium = std::env::var_os("CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    if !chromium.exists() {
        return Err(format!(
            "{} not found (Debian package chromium)",
            chromium.display()
        ));
    }
    let ui = repo().join("ui");
    if !ui.join("node_modules/playwright-core").is_dir() {
        return Err("ui/node_modules/playwright-core missing (npm --prefix ui ci)".into());
    }
    if !ui.join("portal/build/index.html").is_file() {
        return Err("ui/portal/build missing (npm --prefix ui run build:portal, then rebuild)".into());
    }
    Ok((chromium, ui))
}

async fn portal_in_a_browser(db: Db) {
    let (chromium, ui) = match prerequisites() {
        Ok(p) => p,
        Err(why) => {
            assert!(
                std::env::var("TOKHAI_CI").is_err(),
                "required under TOKHAI_CI: {why}"
            );
            eprintln!("SKIPPED portal browser test: {why}");
            return;
        }
    };
    let Some(server) = TestServer::start(db).await else {
        return;
    };
    let transport = HttpTransport::new(&server.url(), Duration::from_secs(10)).unwrap();
    let base = server.url();
    let hook = Arc::new(Hook {
        server,
        devices: Mutex::new(HashMap::new()),
        dir: fast_tempdir(),
        transport,
    });
    let app = Router::new()
        .route("/captcha", get(captcha))
        .route("/otp", get(otp))
        .route("/officer", post(officer))
        .route("/register", post(register))
        .route("/advance", post(advance))
        .route("/visit", post(visit))
        .route("/decode", post(decode))
        .with_state(hook.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let hook_addr: SocketAddr = listener.local_addr().unwrap();
    let serving = tokio::spawn(async move { axum::serve(listener, app).await });
    let script = ui.join("test/browser/portal.mjs");
    let shots = std::env::var_os("TOKHAI_SCREENSHOTS");
    let mut cmd = std::process::Command::new("node");
    cmd.arg(&script)
        .current_dir(&ui)
        .env("BASE_URL", &base)
        .env("HOOK_URL", format!("http://{hook_addr}"))
        .env("CHROMIUM", &chromium)
        .env("DB", format!("{db:?}"));
    if let Some(dir) = shots {
        cmd.env("SCREENSHOTS", dir);
    }
    let mut child = cmd.spawn().expect("node runs");
    // The script's own steps time out; this is only a guard against a hung browser.
    let mut status = None;
    for _ in 0..3000 {
        if let Some(s) = child.try_wait().unwrap() {
            status = Some(s);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let Some(status) = status else {
        let _ = child.kill();
        panic!("ui/test/browser/portal.mjs did not finish within 5 minutes on {db:?}");
    };
    serving.abort();
    assert!(status.success(), "ui/test/browser/portal.mjs failed on {db:?}");
}

mod portal {
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn sqlite() {
        super::portal_in_a_browser(tokhai_e2e::Db::Sqlite).await;
    }
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn postgres() {
        super::portal_in_a_browser(tokhai_e2e::Db::Postgres).await;
    }
}
