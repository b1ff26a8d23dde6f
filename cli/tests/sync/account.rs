//! `tokhai account delete`: the server deletes what this account sent, after a confirmation, and says
//! what it keeps; the device's copy stays until `tokhai wipe`.

use tokhai_core::{Clock as _, SystemClock};
use tokhai_e2e::{Db, TestServer};

use crate::{Home, error_code, stderr};

#[test]
fn account_delete_asks_then_deletes_on_the_server() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let server = rt.block_on(TestServer::start(Db::Sqlite)).unwrap();
    server.clock.set(SystemClock.now());
    let view = rt.block_on(server.register_view("0900000017", "Nhà văn hóa"));
    let checkpoint = view["id"].as_u64().unwrap();
    let code = view["code"].as_str().unwrap().to_owned();
    let home = Home::new();
    let url = server.url();
    let phone = "0912000444";

    // Not signed in: nothing to delete on the server yet.
    let out = home.run(&["--server", &url, "--json", "account", "delete", "--yes"]);
    assert_eq!(error_code(&out), "not_signed_in", "{}", stderr(&out));

    home.ok(&["--server", &url, "login", phone]);
    let otp = server.last_code(phone);
    home.ok(&["--server", &url, "login", phone, "--code", &otp]);
    home.ok(&["--server", &url, "sync"]);
    home.declare_me();
    home.ok(&["checkin", "--payload", &code]);
    home.ok(&["checkout"]);
    home.ok(&["--server", &url, "sync"]);
    assert_eq!(rt.block_on(server.visits(&[checkpoint])).len(), 1);

    // Without a terminal and without --yes: refused, nothing deleted.
    let out = home.run(&["--server", &url, "--json", "account", "delete"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert_eq!(error_code(&out), "confirmation_needed");
    assert_eq!(rt.block_on(server.visits(&[checkpoint])).len(), 1);

    let out = home.ok(&["--server", &url, "--lang", "en", "account", "delete", "--yes"]);
    assert!(
        out.contains("The server deleted: 1 declarations, 1 visits"),
        "{out}"
    );
    assert!(out.contains("The server keeps:"), "{out}");
    assert!(out.contains("health authority"), "{out}");
    assert!(out.contains("`tokhai wipe`"), "{out}");
    assert!(rt.block_on(server.visits(&[checkpoint])).is_empty());
    // Signed out here too; the device's own copy is still there.
    assert!(home.ok(&["--lang", "en", "status"]).contains("Not signed in"));
    assert_eq!(home.json(&["visits"]).as_array().unwrap().len(), 1);
}
