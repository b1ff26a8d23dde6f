//! Device clocks 24 hours ahead, 24 hours behind and 22 days behind: what was recorded under them is
//! flagged, the server refuses the implausible (future, past retention) and keeps the plausible, the
//! status says why, nothing crashes.

use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as Span;
use tokhai_core::FixedClock;
use tokhai_core::sync_client::{HttpTransport, SyncOptions};
use tokhai_e2e::{Db, Device, TestServer, both, checkpoint, fast_tempdir, t0};

async fn skewed_clocks(db: Db) {
    let Some(server) = TestServer::start(db).await else {
        return;
    };
    let cp = server.register("0900000005", "Chợ").await;
    let dir = fast_tempdir();
    let t = HttpTransport::new(&server.url(), Duration::from_secs(10)).unwrap();
    let right = Device::new(dir.path(), 0, server.clock.clone());
    let skew = |n: u32, by: Span| Device::new(dir.path(), n, Arc::new(FixedClock::new(t0() + by)));
    let ahead = skew(1, Span::hours(24));
    let behind = skew(2, -Span::hours(24));
    let far_behind = skew(3, -Span::days(22));
    for d in [&right, &ahead, &behind, &far_behind] {
        d.sign_in(&server, &t).await;
        d.engine.check_in(checkpoint(cp)).unwrap();
        let report = d.sync(&t, &SyncOptions::default()).await.unwrap();
        assert_eq!(report.pending, 0);
    }
    // Right clock: accepted, not flagged.
    let st = right.engine.sync_status().unwrap();
    assert!(!st.clock.unwrap().is_off());
    assert_eq!((st.refused.len(), st.flagged_visits), (0, 0));
    // 24 h ahead: refused as in the future, flagged, the status says why.
    let st = ahead.engine.sync_status().unwrap();
    assert!(st.clock.unwrap().is_off());
    assert_eq!(st.refused.len(), 1);
    assert_eq!(st.refused[0].code, "in_future");
    assert_eq!(st.flagged_visits, 1);
    // 24 h behind: plausible, kept by the server, but flagged.
    let st = behind.engine.sync_status().unwrap();
    assert!(st.clock.unwrap().is_off());
    assert_eq!((st.refused.len(), st.flagged_visits), (0, 1));
    // 22 days behind: past retention, refused as too old, flagged.
    let st = far_behind.engine.sync_status().unwrap();
    assert_eq!(st.refused[0].code, "too_old");
    assert_eq!(st.flagged_visits, 1);
    // The server holds the right and the 24-h-behind visits only.
    let rows = server.visits(&[cp]).await;
    let mut held: Vec<_> = rows.iter().map(|r| r.checked_in_at).collect();
    held.sort_unstable();
    assert_eq!(
        held,
        vec![
            (t0() - Span::hours(24)).timestamp_millis(),
            t0().timestamp_millis()
        ]
    );
    // Later runs do not resend the refused ones, and still work.
    for d in [&ahead, &far_behind] {
        let r = d.sync(&t, &SyncOptions::default()).await.unwrap();
        assert_eq!((r.batches, r.pending), (0, 0));
        assert!(d.engine.alerts().unwrap().is_empty());
    }
}

both!(skewed_clocks);
