//! The device and the server agree on whether the person is still there after a sync, also when the
//! server's version won: a manager's "check out everyone" after the visit was uploaded, or an edit the
//! server refused (too old). The upload answer carries the server's version; the device takes it.

use std::time::Duration;

use chrono::Duration as Span;
use tokhai_core::sync_client::{HttpTransport, SyncOptions};
use tokhai_core::{VisitEdit, VisitEnd};
use tokhai_e2e::{Db, Device, TestServer, assert_same_visits, both, checkpoint, fast_tempdir, t0};

async fn check_out_everyone_reaches_the_device(db: Db) {
    let Some(server) = TestServer::start(db).await else {
        return;
    };
    let cp = server.register("0900000080", "Chợ Bà Chiểu").await;
    let manager = server.sign_in("0900000080").await;
    let dir = fast_tempdir();
    let t = HttpTransport::new(&server.url(), Duration::from_secs(10)).unwrap();
    let device = Device::new(dir.path(), 1, server.clock.clone());
    device.sign_in(&server, &t).await;
    device.engine.check_in(checkpoint(cp)).unwrap();
    device
        .sync_until_done(&t, &SyncOptions::default(), Duration::from_millis(50), 5)
        .await;
    // The visit is on the server, open; the manager closes the day 40 minutes later.
    server.clock.advance(Span::minutes(40));
    let (s, body) = server
        .call(
            reqwest::Method::POST,
            &format!("/v1/checkpoints/{cp}/checkout-all"),
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(s, 200, "{body}");
    // The device syncs 10 minutes later with nothing of its own to send.
    server.clock.advance(Span::minutes(10));
    let report = device.sync(&t, &SyncOptions::default()).await.unwrap();
    assert_eq!(report.kept, 1, "{report:?}");
    let v = &device.engine.visits().unwrap()[0];
    assert_eq!(v.end, VisitEnd::ByCheckpoint);
    assert_eq!(
        v.checked_out_at,
        Some(t0() + Span::minutes(40)),
        "the manager's time, not the answer's"
    );
    assert_eq!(device.engine.open_visit().unwrap(), None);
    assert_same_visits(&server, &[&device], &[cp]).await;
    // Nothing is pending and nothing is open: the next run sends nothing.
    let again = device.sync(&t, &SyncOptions::default()).await.unwrap();
    assert_eq!((again.batches, again.kept, again.pending), (0, 0, 0));
}

async fn a_refused_edit_gives_way_to_the_servers_version(db: Db) {
    let Some(server) = TestServer::start(db).await else {
        return;
    };
    let cp = server.register("0900000081", "Siêu thị").await;
    let dir = fast_tempdir();
    let t = HttpTransport::new(&server.url(), Duration::from_secs(10)).unwrap();
    let device = Device::new(dir.path(), 2, server.clock.clone());
    device.sign_in(&server, &t).await;
    let checked_in = device.engine.check_in(checkpoint(cp)).unwrap().visit;
    device
        .sync_until_done(&t, &SyncOptions::default(), Duration::from_millis(50), 5)
        .await;
    // A slip of the month: the check-in moved 30 days back, and closed. The server refuses it (older than
    // its 21 days) and keeps the open visit it has.
    server.clock.advance(Span::minutes(5));
    let month_ago = t0() - Span::days(30);
    device
        .engine
        .edit_visit(
            checked_in.id,
            VisitEdit {
                checked_in_at: month_ago,
                checked_out_at: Some(month_ago + Span::hours(1)),
            },
        )
        .unwrap();
    let report = device.sync(&t, &SyncOptions::default()).await.unwrap();
    assert_eq!(report.refused, 1, "{report:?}");
    let v = &device.engine.visits().unwrap()[0];
    assert_eq!(
        (v.checked_in_at, v.checked_out_at, v.end),
        (checked_in.checked_in_at, None, VisitEnd::Open),
        "the device takes the server's version"
    );
    assert_eq!(
        device.engine.open_visit().unwrap().map(|o| o.id),
        Some(checked_in.id)
    );
    assert_same_visits(&server, &[&device], &[cp]).await;
}

both!(
    check_out_everyone_reaches_the_device,
    a_refused_edit_gives_way_to_the_servers_version
);
