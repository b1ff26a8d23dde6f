//! Sync as a new user meets it: sign in, work with the server stopped (`checkin`, `checkout`, `status`
//! says what waits and why), start the server, `sync`, and the visit is in the manager's arrivals.

mod account;
mod alerts;
mod errors;

use tokhai_core::{Clock as _, SystemClock};
use tokhai_e2e::{Db, TestServer};

use super::{Home, error_code, stderr};

#[test]
fn offline_first_then_sync_reaches_the_managers_arrivals() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut server = rt.block_on(TestServer::start(Db::Sqlite)).unwrap();
    // The CLI reads the real clock; so does the server here.
    server.clock.set(SystemClock.now());
    let view = rt.block_on(server.register_view("0900000007", "Chợ Bến Thành"));
    let checkpoint = view["id"].as_u64().unwrap();
    let code = view["code"].as_str().unwrap().to_owned();
    let home = Home::new();
    let url = server.url();

    // Before signing in: nothing can be sent, and status says so.
    assert!(home.ok(&["--lang", "en", "status"]).contains("Not signed in"));
    // Sign in: without --code and without a terminal, the code is sent and the command says what next.
    let out = home.ok(&["--server", &url, "--lang", "en", "login", "0912000111"]);
    assert!(out.contains("--code"), "{out}");
    let otp = server.last_code("0912000111");
    assert!(
        home.ok(&[
            "--server",
            &url,
            "--lang",
            "en",
            "login",
            "0912000111",
            "--code",
            &otp
        ])
        .contains("Signed in")
    );
    // A first sync brings the issuer keys: checkpoint codes now verify offline.
    assert!(
        home.ok(&["--server", &url, "--lang", "en", "sync"])
            .contains("Synced")
    );

    // The server stops. Check-in and check-out work; sync fails with a clear reason; status explains.
    server.kill();
    home.ok(&["checkin", "--payload", &code]);
    home.ok(&["checkout"]);
    let out = home.run(&["--server", &url, "--timeout", "2", "--json", "sync"]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert_eq!(error_code(&out), "offline");
    let status = home.ok(&["--lang", "en", "status"]);
    assert!(
        status.contains("Waiting to be sent: 2 (1 check-ins, 1 check-outs)"),
        "{status}"
    );
    assert!(status.contains("Could not reach the server"), "{status}");
    assert!(status.contains("Next attempt"), "{status}");
    let json = home.json(&["status"]);
    assert_eq!(json["status"]["pending"], 2);
    assert_eq!(json["status"]["last_error"]["code"], "offline");

    // The server is back (on a new port): sync, and the manager sees the visit.
    rt.block_on(server.restart());
    let url = server.url();
    let out = home.ok(&["--server", &url, "--lang", "en", "sync"]);
    assert!(out.contains("2 changes sent"), "{out}");
    // Purging now removes what the server has, and says so: those entries are minutes old, not 21 days.
    let json = home.json(&["purge"]);
    assert_eq!(json["outbox_sent"], 2, "{json}");
    assert_eq!(json["visits"], 0, "{json}");
    assert_eq!(json["outbox_expired"], 0, "{json}");
    assert!(
        home.ok(&["--lang", "en", "status"])
            .contains("Nothing waits to be sent.")
    );
    let token = rt.block_on(server.sign_in("0900000007"));
    let (s, arrivals) = rt.block_on(server.call(
        reqwest::Method::GET,
        &format!("/v1/checkpoints/{checkpoint}/visits"),
        Some(&token),
        None,
    ));
    assert_eq!(s, 200, "{arrivals}");
    let arrivals = arrivals.as_array().unwrap();
    assert_eq!(arrivals.len(), 1, "{arrivals:?}");
    assert_eq!(arrivals[0]["end"], "checked_out");
    assert!(
        home.ok(&["--lang", "en", "alerts"])
            .contains("No exposure alerts")
    );
    // One more sent entry at a time: the message agrees in number.
    home.ok(&["checkin", "--payload", &code]);
    home.ok(&["--server", &url, "sync"]);
    assert_eq!(
        home.ok(&["--lang", "en", "purge"]).trim(),
        "Removed 1 sync-queue entry the server already has. Nothing was older than 21 days."
    );
    home.ok(&["checkout"]);
    home.ok(&["--server", &url, "sync"]);
    assert_eq!(
        home.ok(&["--lang", "vi", "purge"]).trim(),
        "Đã xóa 1 mục trong hàng đợi đồng bộ mà máy chủ đã nhận. Không có dữ liệu nào quá 21 ngày."
    );
    home.ok(&["--server", &url, "logout"]);
    assert!(home.ok(&["--lang", "en", "status"]).contains("Not signed in"));
}
