//! The app's benchmarks (issue 15), printed as a table, never asserted:
//! `TOKHAI_APP_BENCH=1 TOKHAI_APP_BIN=target/release/tokhai-app cargo test -p tokhai-e2e --test app bench -- --nocapture`
//! (`scripts/app-bench.sh` builds the release app first). Skipped without `TOKHAI_APP_BENCH=1`.
//!
//! - cold start: the app started on a data folder that is set up, until its first screen (the unlock
//!   screen) is drawn; measured from the WebDriver request that starts it (so it includes WebKitWebDriver
//!   starting the process) and, inside the page, from the webview's navigation start;
//! - one 1280×720 RGBA frame through the `camera_frame` IPC (the app's own `api.cameraFrame`): the round
//!   trip the UI waits for; the decode runs on core's worker meanwhile (its time: `cargo bench -p
//!   tokhai-core --bench scan`);
//! - tap to confirmation: the fallback code typed, "check in" tapped, until the green verdict is in the
//!   page (a `MutationObserver`), alternating two checkpoints so that each is a new check-in;
//! - the app's memory (resident set of the app's process and of its web process) after 200 frames;
//! - the release binary's size and the UI's JS + CSS, gzip.

use std::time::{Duration, Instant};

use serde_json::json;
use tokhai_e2e::app::{App, can_run};

use super::support::{Person, Server, first_run, sign_in_and_declare, sync_now};

const PASSPHRASE: &str = "mua xuân trên phố cổ 1975";

fn percentile(sorted: &[f64], p: f64) -> f64 {
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or(f64::NAN)
}

fn summary(mut ms: Vec<f64>) -> String {
    ms.sort_by(f64::total_cmp);
    format!(
        "p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms (n = {})",
        percentile(&ms, 0.5),
        percentile(&ms, 0.99),
        ms.last().copied().unwrap_or(f64::NAN),
        ms.len()
    )
}

/// Resident memory (kB) of the processes whose command line names `needle`.
fn rss_kb(needle: &str) -> Vec<(String, u64)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let dir = entry.path();
        let Ok(cmdline) = std::fs::read(dir.join("cmdline")) else {
            continue;
        };
        let cmdline = String::from_utf8_lossy(&cmdline).replace('\0', " ");
        if !cmdline.contains(needle) {
            continue;
        }
        let status = std::fs::read_to_string(dir.join("status")).unwrap_or_default();
        let name = status
            .lines()
            .find_map(|l| l.strip_prefix("Name:"))
            .unwrap_or("?")
            .trim()
            .to_owned();
        if let Some(kb) = status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        {
            out.push((name, kb));
        }
    }
    out
}

/// The gzip size of every `.js` and `.css` file under `dir`.
fn gzip_size(dir: &std::path::Path) -> (u64, usize) {
    let mut total = 0;
    let mut files = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "js" || x == "css") {
                let out = std::process::Command::new("gzip")
                    .args(["-9", "-c"])
                    .arg(&p)
                    .output()
                    .unwrap();
                total += out.stdout.len() as u64;
                files += 1;
            }
        }
    }
    (total, files)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_start_frames_tap_memory_size() {
    if std::env::var("TOKHAI_APP_BENCH").as_deref() != Ok("1") {
        eprintln!("skipped: TOKHAI_APP_BENCH=1 runs the app's benchmarks");
        return;
    }
    let Some(bin) = can_run() else { return };
    let _one = super::ONE_AT_A_TIME.lock().await;
    let server = Server::start().await;
    let market = server.server.register_view("0900000021", "Chợ Bến Thành").await;
    let cafe = server.server.register_view("0900000022", "Quán cà phê B").await;
    let dir = tempfile::tempdir().unwrap();
    let env = [
        (
            "TOKHAI_APP_DATA_DIR",
            dir.path().join("app").display().to_string(),
        ),
        ("TOKHAI_SERVER", server.url()),
    ];
    let mut rows: Vec<(String, String)> = Vec::new();

    // Set up once (passphrase), then cold starts on that folder.
    let app = App::start(&bin, &env).await;
    first_run(&app, PASSPHRASE).await;
    sign_in_and_declare(
        &app,
        &server,
        &Person {
            name: "Lê Thị Cúc",
            id_number: Some("079185001236"),
            birth_year: "1985",
            sex: "female",
            phone: "0912345671",
        },
    )
    .await;
    sync_now(&app).await;
    app.quit().await;
    let (mut outside, mut inside) = (Vec::new(), Vec::new());
    for _ in 0..5 {
        let start = Instant::now();
        let app = App::start(&bin, &env).await;
        app.wait("#passphrase").await;
        outside.push(start.elapsed().as_secs_f64() * 1000.0);
        let v = app.exec("return performance.now()", json!([])).await;
        inside.push(v.as_f64().unwrap_or(f64::NAN));
        app.quit().await;
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    rows.push((
        "cold start to the first screen, from the start request".into(),
        summary(outside),
    ));
    rows.push((
        "cold start to the first screen, from the webview's navigation".into(),
        summary(inside),
    ));

    // Unlocked, signed in and synced (the deployment's keys), for the frames and the check-ins.
    let app = App::start(&bin, &env).await;
    app.fill("#passphrase", PASSPHRASE).await;
    app.click("#unlock-submit").await;
    let start = Instant::now();
    while app.exec("return location.pathname", json!([])).await == json!("/unlock") {
        assert!(start.elapsed() < tokhai_e2e::app::STEP, "still locked");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    app.go("/scan").await;
    app.wait("#camera-start").await;
    let frames = app
        .exec_async(
            r"const done = arguments[arguments.length - 1];
              const invoke = window.__TAURI_INTERNALS__.invoke;
              (async () => {
                await invoke('camera_start', { purpose: 'check_in' });
                const w = 1280, h = 720;
                const pixels = new Uint8Array(w * h * 4);
                for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 7919) % 251;
                const ms = [];
                for (let i = 0; i < 200; i++) {
                  const t0 = performance.now();
                  await invoke('camera_frame', pixels, { headers: {
                    'x-frame-width': String(w), 'x-frame-height': String(h), 'x-frame-format': 'rgba' } });
                  ms.push(performance.now() - t0);
                  await new Promise((r) => setTimeout(r, 20));
                }
                return ms;
              })().then(done, (e) => done(String(e)));",
            json!([]),
        )
        .await;
    let frames: Vec<f64> = frames
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_else(|| panic!("frames: {frames}"));
    rows.push((
        "one 1280×720 frame through the IPC (round trip)".into(),
        summary(frames),
    ));
    let memory = rss_kb(bin.to_str().unwrap());
    let web = rss_kb("WebKitWebProcess");
    app.exec_async(
        "const done = arguments[arguments.length - 1]; window.__TAURI_INTERNALS__.invoke('camera_stop').then(() => done(0), () => done(1));",
        json!([]),
    )
    .await;
    rows.push((
        "memory after 200 frames (resident)".into(),
        format!(
            "app {} MB, web process {} MB",
            memory.iter().map(|(_, kb)| kb).sum::<u64>() / 1024,
            web.iter().map(|(_, kb)| kb).max().copied().unwrap_or(0) / 1024
        ),
    ));

    // Tap to confirmation with the fallback codes.
    let codes = [
        market["fallback_code"].as_str().unwrap(),
        cafe["fallback_code"].as_str().unwrap(),
    ];
    let taps = app
        .exec_async(
            r"const [codes] = arguments;
              const done = arguments[arguments.length - 1];
              const until = (css) => new Promise((ok) => {
                if (document.querySelector(css)) return ok();
                const o = new MutationObserver(() => { if (document.querySelector(css)) { o.disconnect(); ok(); } });
                o.observe(document.body, { childList: true, subtree: true });
              });
              (async () => {
                const ms = [];
                for (let i = 0; i < 40; i++) {
                  await until('#fallback');
                  const field = document.querySelector('#fallback');
                  field.value = codes[i % 2];
                  field.dispatchEvent(new Event('input', { bubbles: true }));
                  await new Promise((r) => setTimeout(r, 30));
                  const t0 = performance.now();
                  document.querySelector('#fallback-submit').click();
                  await until('#verdict-ok, #verdict-bad');
                  ms.push(performance.now() - t0);
                  if (document.querySelector('#verdict-bad')) return 'refused: ' + document.querySelector('#verdict-reason').textContent;
                  // Home, as the person taps, then back to the scan screen as its tab does.
                  document.querySelector('#verdict-home').click();
                  await until('#open-visit');
                  const a = document.createElement('a');
                  a.href = '/scan';
                  document.body.appendChild(a);
                  a.click();
                  a.remove();
                  await new Promise((r) => setTimeout(r, 50));
                }
                return ms;
              })().then(done, (e) => done(String(e)));",
            json!([codes]),
        )
        .await;
    let taps: Vec<f64> = taps
        .as_array()
        .map(|a| a.iter().filter_map(serde_json::Value::as_f64).collect())
        .unwrap_or_else(|| panic!("taps: {taps}"));
    rows.push(("check-in tap to the green verdict".into(), summary(taps)));
    app.quit().await;

    let size = std::fs::metadata(&bin).map(|m| m.len()).unwrap_or(0);
    rows.push((
        format!("app binary ({})", bin.display()),
        format!("{:.1} MB", size as f64 / 1_048_576.0),
    ));
    let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/build");
    let (gz, files) = gzip_size(&ui);
    rows.push((
        "UI JS + CSS, gzip -9".into(),
        format!("{:.1} KB in {files} files", gz as f64 / 1024.0),
    ));

    println!("\n| what | figure |\n|---|---|");
    for (what, figure) in rows {
        println!("| {what} | {figure} |");
    }
}
