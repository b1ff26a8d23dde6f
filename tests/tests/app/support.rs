//! What the scenario needs around the app: the real server behind a proxy with a clock that follows the
//! real one, posters, codes signed wrongly on purpose, and the first-run steps in the window.

use std::sync::Arc;
use std::time::Duration;

use chrono::DateTime;
use serde_json::{Value, json};
use tokhai_core::render::qr_png;
use tokhai_core::{Clock as _, SystemClock};
use tokhai_core::{KeyId, Signer, TrustList, TrustedKey, decode_checkpoint_code};
use tokhai_e2e::app::App;
use tokhai_e2e::{Db, Proxy, TestServer};

/// The real server (SQLite) behind a proxy; its clock follows the wall clock, as the app's does.
pub(crate) struct Server {
    pub(crate) server: TestServer,
    pub(crate) proxy: Proxy,
    _ticker: tokio::task::JoinHandle<()>,
}

impl Server {
    pub(crate) async fn start() -> Self {
        let server = TestServer::start(Db::Sqlite).await.unwrap();
        server.clock.set(SystemClock.now());
        let clock = Arc::clone(&server.clock);
        let ticker = tokio::spawn(async move {
            loop {
                clock.set(SystemClock.now());
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        });
        let proxy = Proxy::start(server.addr(), Duration::ZERO).await;
        Self {
            server,
            proxy,
            _ticker: ticker,
        }
    }

    /// The address the app talks to.
    pub(crate) fn url(&self) -> String {
        self.proxy.url()
    }

    /// Stops the server (the proxy refuses every connection meanwhile).
    pub(crate) fn stop(&mut self) {
        self.proxy.set_down(true);
        self.server.kill();
    }

    /// Starts it again on the same database and key.
    pub(crate) async fn restart(&mut self) {
        let addr = self.server.restart().await;
        self.proxy.set_upstream(addr);
        self.proxy.set_down(false);
    }

    pub(crate) async fn get(&self, path: &str, token: &str) -> (u16, Value) {
        self.server
            .call(reqwest::Method::GET, path, Some(token), None)
            .await
    }

    pub(crate) async fn post(&self, path: &str, token: &str, body: Value) -> (u16, Value) {
        self.server
            .call(reqwest::Method::POST, path, Some(token), Some(body))
            .await
    }

    /// The checkpoint's poster as a PNG, as its manager downloads and prints it.
    pub(crate) async fn poster_png(&self, checkpoint: u64, token: &str) -> Vec<u8> {
        let url = format!(
            "{}/v1/checkpoints/{checkpoint}/poster?format=png",
            self.server.url()
        );
        let resp = reqwest::Client::new()
            .get(url)
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert_eq!(resp.status().as_u16(), 200);
        resp.bytes().await.unwrap().to_vec()
    }
}

/// A poster's code re-signed by someone without the issuer's key (same key id, other key): forged.
pub(crate) fn forged_png(real: &str) -> Vec<u8> {
    let unverified = decode_checkpoint_code(real).unwrap();
    let key = unverified.claimed_key().unwrap();
    let mut payload = unverified.payload_unverified().clone();
    payload.name = "Cửa hàng giả".to_owned();
    let signer = Signer::from_seed(key, &[7; 32]).unwrap();
    qr_png(signer.sign_checkpoint(&payload).unwrap().as_str(), 8).unwrap()
}

/// A deployment's own issuer (its public key goes in the app's trust list) and a code of it whose
/// validity ended yesterday.
pub(crate) fn expired_png(real: &str, trust_file: &std::path::Path) -> Vec<u8> {
    let id = KeyId(9_001);
    let signer = Signer::from_seed(id, &[9; 32]).unwrap();
    let list = TrustList {
        keys: vec![TrustedKey {
            id,
            public_key: signer.public_key(),
            not_before: DateTime::parse_from_rfc3339("2020-01-01T00:00:00Z")
                .unwrap()
                .into(),
            not_after: None,
        }],
        ..TrustList::default()
    };
    std::fs::write(trust_file, serde_json::to_string(&list).unwrap()).unwrap();
    let mut payload = decode_checkpoint_code(real).unwrap().payload_unverified().clone();
    let now = tokhai_core::floor_to_minute(SystemClock.now());
    payload.name = "Hội chợ đã kết thúc".to_owned();
    payload.issued_at = now - chrono::Duration::days(3);
    payload.valid_from = None;
    payload.valid_until = Some(now - chrono::Duration::days(1));
    qr_png(signer.sign_checkpoint(&payload).unwrap().as_str(), 8).unwrap()
}

/// The first-run screens: Vietnamese, a passphrase.
pub(crate) async fn first_run(app: &App, passphrase: &str) {
    app.click("#lang-vi").await;
    app.click("#method-passphrase").await;
    app.fill("#pass1", passphrase).await;
    app.fill("#pass2", passphrase).await;
    app.click("#setup-continue").await;
    app.wait("#welcome-sign-in").await;
}

/// Signs in on the sign-in screen with the code the server texted.
pub(crate) async fn sign_in(app: &App, server: &Server, phone: &str) {
    app.fill("#phone", phone).await;
    app.click("#send-code").await;
    app.wait("#code-sent").await;
    let code = server.server.last_code(phone);
    app.fill("#otp", &code).await;
    app.click("#sign-in-submit").await;
}

/// Picks a unit in a picker by typing `query` (without diacritics) and choosing the hit `code`.
pub(crate) async fn pick_unit(app: &App, picker: &str, query: &str, code: u32) {
    app.fill(&format!("#{picker}"), query).await;
    app.click(&format!("#{picker}-list button[data-code='{code}']"))
        .await;
    app.wait(&format!("#{picker}-chosen")).await;
}

/// One person's declaration on the declaration screen, then saved (the QR screen follows).
pub(crate) struct Person<'a> {
    pub(crate) name: &'a str,
    pub(crate) id_number: Option<&'a str>,
    pub(crate) birth_year: &'a str,
    pub(crate) sex: &'a str,
    pub(crate) phone: &'a str,
}

/// From the first-run screen's offer to sign in: signs in with `p`'s phone and declares `p` (a new
/// account declares before anything else).
pub(crate) async fn sign_in_and_declare(app: &App, server: &Server, p: &Person<'_>) {
    app.click("#welcome-sign-in").await;
    sign_in(app, server, p.phone).await;
    declare(app, p).await;
}

pub(crate) async fn declare(app: &App, p: &Person<'_>) {
    app.wait("#declare-save").await;
    app.fill("#full_name", p.name).await;
    match p.id_number {
        Some(n) => app.fill("#id_number", n).await,
        None => {
            app.exec(
                "const s = document.querySelector('#id_kind'); s.value = 'none'; s.dispatchEvent(new Event('change', {bubbles: true})); return null;",
                json!([]),
            )
            .await;
        }
    }
    app.fill("#birth_year", p.birth_year).await;
    app.click(&format!("#sex-{}", p.sex)).await;
    pick_unit(app, "province", "ho chi minh", 79).await;
    pick_unit(app, "ward", "ben thanh", 26743).await;
    app.fill("#street", "12 Lê Lợi").await;
    if !p.phone.is_empty() {
        app.fill("#phone", p.phone).await;
    }
    app.click("#declare-save").await;
    app.wait("#personal-qr").await;
}

/// Presses the sync page's "sync now", waits for that run to end (a second run through the same command,
/// awaited: runs are one at a time), and checks that nothing is pending and no error is shown.
pub(crate) async fn sync_now(app: &App) {
    app.go("/sync").await;
    app.click("#sync-now").await;
    let answer = app
        .exec_async(
            "const done = arguments[arguments.length - 1];\n\
             window.__TAURI_INTERNALS__.invoke('sync_now').then(() => done('ok'), e => done(JSON.stringify(e)));",
            json!([]),
        )
        .await;
    assert_eq!(answer, json!("ok"), "sync failed: {answer}");
    let start = std::time::Instant::now();
    while app.text("#sync-pending").await != "0" {
        assert!(
            start.elapsed() < tokhai_e2e::app::STEP,
            "changes still pending after sync"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert!(!app.has("#sync-error").await, "{}", app.text("#sync-error").await);
}

/// Camera-like 1280×720 frames (JPEG) of a checkpoint's `poster` (PNG) held in front of a real photo
/// (`tests/data/camera-background.png`, a dim, unevenly lit page): the poster tilted and shrunk to about
/// half the frame's height, the photo's own shading laid over it, dimmed as in a corridor, sensor noise,
/// a hand that shakes from frame to frame and motion blur on the first frames (the scanner has to wait
/// for a sharp one, as with a real camera).
pub(crate) fn camera_frames(poster: &[u8], n: usize) -> Vec<Vec<u8>> {
    use image::{GenericImageView as _, Rgb, RgbImage, imageops};
    const W: u32 = 1280;
    const H: u32 = 720;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let background = image::open(root.join("data/camera-background.png")).unwrap();
    let background = imageops::resize(&background.to_rgb8(), W, H, imageops::FilterType::Triangle);
    // The photo's shading (its luminance blurred), 0.35..1.0, laid over the poster.
    let shade = imageops::blur(
        &image::DynamicImage::ImageRgb8(background.clone()).to_luma8(),
        24.0,
    );
    let poster = image::load_from_memory(poster).unwrap();
    let (pw, ph) = poster.dimensions();
    let mut rng = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        #[allow(clippy::cast_precision_loss)]
        let unit = (rng >> 11) as f64 / (1u64 << 53) as f64;
        unit
    };
    let mut frames = Vec::with_capacity(n);
    for i in 0..n {
        // The poster's height on screen, its centre, its tilt and shear: a hand that shakes.
        let scale = 0.52 * f64::from(H) / f64::from(ph) * (1.0 + (next() - 0.5) * 0.06);
        let (cx, cy) = (640.0 + (next() - 0.5) * 40.0, 360.0 + (next() - 0.5) * 30.0);
        let angle = 0.12 + (next() - 0.5) * 0.04;
        let shear = 0.08;
        let (sin, cos) = angle.sin_cos();
        let mut frame = RgbImage::new(W, H);
        for y in 0..H {
            for x in 0..W {
                // Frame → poster coordinates: undo the tilt, the shear and the scale about the centre.
                let (dx, dy) = (f64::from(x) - cx, f64::from(y) - cy);
                let (rx, ry) = (dx * cos + dy * sin, -dx * sin + dy * cos);
                let (u, v) = (
                    (rx - shear * ry) / scale + f64::from(pw) / 2.0,
                    ry / scale + f64::from(ph) / 2.0,
                );
                let bg = background.get_pixel(x, y).0;
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                let px = if u >= 0.0 && v >= 0.0 && u < f64::from(pw) && v < f64::from(ph) {
                    let p = poster.get_pixel(u as u32, v as u32).0;
                    let light = 0.35 + 0.65 * f64::from(shade.get_pixel(x, y).0[0]) / 255.0;
                    [0, 1, 2].map(|c| (f64::from(p[c]) * light) as u8)
                } else {
                    bg
                };
                frame.put_pixel(x, y, Rgb(px));
            }
        }
        // Motion blur on the first frames, then sharp (the hand steadies).
        let blur = if i < n / 3 { 6.0 } else { 0.8 };
        let mut frame = imageops::blur(&frame, blur);
        // Dim corridor light and sensor noise.
        for p in frame.pixels_mut() {
            let noise = (next() - 0.5) * 24.0;
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            for c in &mut p.0 {
                *c = (f64::from(*c) * 0.7 + noise).clamp(0.0, 255.0) as u8;
            }
        }
        let mut jpeg = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
            .encode_image(&frame)
            .unwrap();
        frames.push(jpeg);
    }
    frames
}

/// Plays `frames` (JPEG) at `fps` as the webview's camera: `navigator.mediaDevices.getUserMedia` answers
/// a stream captured from a canvas the frames are drawn on, in a loop. Everything after the stream is the
/// app's own: its frame grabber (video element, canvas, `getImageData`), the IPC of raw frames, core's
/// live scanner, the decision and the verdict screen. Returns how many frames have been drawn so far
/// through `window.__tokhaiCameraFrames()`.
pub(crate) async fn play_as_camera(app: &App, frames: &[Vec<u8>], fps: u32) {
    use base64::Engine as _;
    let (width, height) = image::load_from_memory(&frames[0])
        .map(|f| (f.width(), f.height()))
        .unwrap();
    let b64: Vec<String> = frames
        .iter()
        .map(|f| base64::engine::general_purpose::STANDARD.encode(f))
        .collect();
    // Frames not loaded yet are skipped; the loop below waits until all are.
    let script = r"
        const [frames, fps, width, height] = arguments;
        const images = frames.map((b) => { const img = new Image(); img.src = 'data:image/jpeg;base64,' + b; return img; });
        const canvas = document.createElement('canvas');
        canvas.width = width;
        canvas.height = height;
        const g = canvas.getContext('2d');
        let drawn = 0;
        const draw = () => {
          const img = images[drawn % images.length];
          if (!img.complete || img.naturalWidth === 0) return;
          g.drawImage(img, 0, 0);
          drawn += 1;
        };
        setInterval(draw, 1000 / fps);
        if (typeof canvas.captureStream !== 'function') return 'no canvas.captureStream';
        const stream = canvas.captureStream(fps);
        window.__tokhaiCameraFrames = () => drawn;
        window.__tokhaiCameraReady = () => images.every((i) => i.complete && i.naturalWidth > 0);
        window.__tokhaiCameraStream = stream;
        // On the prototype: a property set on `navigator.mediaDevices` itself is lost when WebKit
        // collects that object's wrapper (measured: gone by the next script after the frames loaded).
        MediaDevices.prototype.getUserMedia = async function () { return window.__tokhaiCameraStream; };
        return String(navigator.mediaDevices.getUserMedia).includes('__tokhaiCameraStream') ? 'ok' : 'not replaced';";
    let answer = app.exec(script, json!([b64, fps, width, height])).await;
    assert_eq!(answer, json!("ok"), "the camera could not be set up: {answer}");
    let start = std::time::Instant::now();
    while app.exec("return window.__tokhaiCameraReady()", json!([])).await != json!(true) {
        assert!(
            start.elapsed() < tokhai_e2e::app::STEP,
            "the camera's frames did not load"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}
