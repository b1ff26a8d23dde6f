//! Screenshots of every screen, Vietnamese and English, phone size (390×844) and desktop (1280×800),
//! from the real app: `scripts/app-screenshots.sh DIR` (or `TOKHAI_SCREENSHOTS=DIR cargo test -p
//! tokhai-e2e --test app screenshots`). Without `TOKHAI_SCREENSHOTS` the test only walks the screens.

use std::path::PathBuf;
use std::time::Duration;

use tokhai_e2e::app::{App, can_run};

use super::support::{Person, Server, first_run, sign_in_and_declare, sync_now};

/// Every screen, by route, with an element that says it is drawn.
const SCREENS: &[(&str, &str, &str)] = &[
    ("home", "/home", "#open-visit"),
    ("scan", "/scan", "#camera-start"),
    ("qr", "/qr", "#personal-qr"),
    ("history", "/history", "#visits"),
    ("health", "/health", "#send-report"),
    ("alerts", "/alerts", "#alert-list"),
    ("sync", "/sync", "#sync-pending"),
    ("settings", "/settings", "#export"),
    ("family", "/family", "#add-dependant"),
    ("declare", "/declare", "#declare-save"),
    ("sign-in", "/sign-in", "#send-code"),
];

const SIZES: &[(&str, u32, u32)] = &[("phone", 390, 844), ("desktop", 1280, 800)];

/// axe-core (from the UI's npm packages) run on the current screen: its serious and critical violations.
async fn axe(app: &App) -> Vec<String> {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/node_modules/axe-core/axe.min.js");
    let Ok(axe) = std::fs::read_to_string(&src) else {
        assert!(
            std::env::var("TOKHAI_APP_E2E").as_deref() != Ok("1"),
            "axe-core is missing: npm --prefix ui ci"
        );
        return Vec::new();
    };
    let script = format!(
        "{axe}\n;const done = arguments[arguments.length - 1];\n\
         axe.run(document, {{ resultTypes: ['violations'] }}).then(r => done(r.violations\n\
           .filter(v => v.impact === 'serious' || v.impact === 'critical')\n\
           .map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', '))), e => done(['axe failed: ' + e]));"
    );
    let v = app.exec_async(&script, serde_json::json!([])).await;
    v.as_array()
        .map(|a| a.iter().filter_map(|x| x.as_str().map(str::to_owned)).collect())
        .unwrap_or_else(|| vec![format!("axe gave no answer: {v}")])
}

async fn shot(app: &App, dir: &Option<PathBuf>, name: &str) {
    // Fonts and layout settle within a frame or two.
    tokio::time::sleep(Duration::from_millis(300)).await;
    if let Some(dir) = dir {
        app.screenshot(&dir.join(format!("{name}.png"))).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn screenshots_of_every_screen() {
    let Some(bin) = can_run() else { return };
    let _one = super::ONE_AT_A_TIME.lock().await;
    let out = std::env::var_os("TOKHAI_SCREENSHOTS").map(PathBuf::from);
    if let Some(d) = &out {
        std::fs::create_dir_all(d).unwrap();
    }
    let server = Server::start().await;
    let cp = server.server.register_view("0900000011", "Chợ Bến Thành").await;
    let manager = server.server.sign_in("0900000011").await;
    let poster = server.poster_png(cp["id"].as_u64().unwrap(), &manager).await;
    let dir = tempfile::tempdir().unwrap();
    let app = App::start(
        &bin,
        &[
            (
                "TOKHAI_APP_DATA_DIR",
                dir.path().join("app").display().to_string(),
            ),
            ("TOKHAI_SERVER", server.url()),
        ],
    )
    .await;
    app.resize(390, 844).await;
    shot(&app, &out, "phone-vi-01-welcome").await;
    first_run(&app, "mua xuân trên phố cổ 1975").await;
    shot(&app, &out, "phone-vi-02-sign-in-offer").await;
    sign_in_and_declare(
        &app,
        &server,
        &Person {
            name: "Nguyễn Văn Ba",
            id_number: Some("079080001234"),
            birth_year: "1980",
            sex: "male",
            phone: "0912345678",
        },
    )
    .await;
    sync_now(&app).await;
    app.go("/scan").await;
    app.choose_file("#photo", "poster.png", "image/png", &poster)
        .await;
    app.wait("#verdict-ok").await;
    shot(&app, &out, "phone-vi-03-checked-in").await;
    app.click("#verdict-home").await;
    app.go("/scan").await;
    let foreign = tokhai_core::render::qr_png("https://example.com/menu", 8).unwrap();
    app.choose_file("#photo", "menu.png", "image/png", &foreign).await;
    app.wait("#verdict-bad").await;
    shot(&app, &out, "phone-vi-04-refused").await;
    app.click("#verdict-again").await;
    app.go("/scan").await;
    app.choose_file("#photo", "poster.png", "image/png", &poster)
        .await;
    app.click("#verdict-home").await;
    app.go("/health").await;
    app.click("#start-quarantine").await;
    app.wait("#send-report").await;
    let mut violations = Vec::new();
    for (size, w, h) in SIZES {
        app.resize(*w, *h).await;
        for lang in ["vi", "en"] {
            app.go("/settings").await;
            app.click(&format!("#set-{lang}")).await;
            for (i, (name, route, ready)) in SCREENS.iter().enumerate() {
                app.go(route).await;
                app.wait(ready).await;
                shot(&app, &out, &format!("{size}-{lang}-{:02}-{name}", i + 10)).await;
                for v in axe(&app).await {
                    violations.push(format!("{size} {lang} {route}: {v}"));
                }
            }
        }
    }
    app.quit().await;
    assert!(
        violations.is_empty(),
        "axe-core, serious or critical:\n{}",
        violations.join("\n")
    );
}
