//! 200 simulated devices × 50 visits each, recorded offline, then synced at once through random
//! faults (cuts after commit, 503 with Retry-After, answers delayed past the timeout, dropped
//! connections): the server holds exactly 10,000 visits.

use std::sync::Arc;
use std::time::Duration;

use chrono::Duration as Span;
use tokhai_core::sync_client::{HttpTransport, Jitter as _, SeededJitter, SyncOptions};
use tokhai_e2e::{Db, Device, Fault, Proxy, Stats, TestServer, both, checkpoint, fast_tempdir};

async fn two_hundred_devices(db: Db) {
    let Some(server) = TestServer::start(db).await else {
        return;
    };
    let proxy = Proxy::start(server.addr(), Duration::from_millis(1_500)).await;
    let cps = [
        server.register("0900000003", "Chợ A").await,
        server.register("0900000003", "Chợ B").await,
    ];
    let dir = fast_tempdir();
    let direct = HttpTransport::new(&server.url(), Duration::from_secs(10)).unwrap();
    let mut devices = Vec::new();
    for n in 0..200 {
        let d = Device::new(dir.path(), n, server.clock.clone());
        d.sign_in(&server, &direct).await;
        devices.push(Arc::new(d));
    }
    // Recorded offline: 50 rounds of check-ins (each closes the previous visit).
    for round in 0..50 {
        for d in &devices {
            d.engine.check_in(checkpoint(cps[round % 2])).unwrap();
        }
        server.clock.advance(Span::minutes(6));
    }
    let mut rng = SeededJitter::new(0xF1EE7);
    proxy.set_faults(move || {
        let r = rng.unit();
        if r < 0.10 {
            Fault::Cut
        } else if r < 0.15 {
            Fault::Status(503)
        } else if r < 0.17 {
            Fault::Delay
        } else if r < 0.20 {
            Fault::Drop
        } else {
            Fault::Pass
        }
    });
    let through_proxy = HttpTransport::new(&proxy.url(), Duration::from_secs(1)).unwrap();
    let opts = SyncOptions {
        max_batch: 20,
        ..SyncOptions::default()
    };
    let mut tasks = tokio::task::JoinSet::new();
    for d in &devices {
        let (d, t, o) = (d.clone(), through_proxy.clone(), opts.clone());
        tasks.spawn(async move { d.sync_until_done(&t, &o, Duration::from_millis(20), 200).await });
    }
    let mut runs = 0;
    while let Some(r) = tasks.join_next().await {
        runs += r.unwrap();
    }
    let rows = server.visits(&cps).await;
    let ids: std::collections::HashSet<_> = rows.iter().map(|r| r.id.clone()).collect();
    assert_eq!(ids.len(), rows.len(), "a visit stored twice");
    assert_eq!(rows.len(), 10_000);
    let s = proxy.stats();
    eprintln!(
        "{db:?}: 10,000 visits from 200 devices in {runs} runs; faults: {} cuts, {} 503s, {} delays, {} drops",
        Stats::get(&s.cuts),
        Stats::get(&s.statuses),
        Stats::get(&s.delays),
        Stats::get(&s.drops)
    );
    assert!(Stats::get(&s.cuts) > 0 && Stats::get(&s.statuses) > 0 && Stats::get(&s.delays) > 0);
}

both!(two_hundred_devices);
