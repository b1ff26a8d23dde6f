//! 1,000 randomly placed cuts during uploads: the server commits, the client never hears. Afterwards
//! every device's visits are on the server exactly once, in their newest version.

use std::time::Duration;

use chrono::Duration as Span;
use tokhai_core::VisitEdit;
use tokhai_core::sync_client::{Jitter as _, SeededJitter, SyncOptions};
use tokhai_e2e::{
    Db, Device, Fault, Proxy, Routed, Stats, TestServer, assert_same_visits, both, checkpoint, fast_tempdir,
};

async fn thousand_cuts(db: Db) {
    let Some(server) = TestServer::start(db).await else {
        return;
    };
    let proxy = Proxy::start(server.addr(), Duration::from_secs(5)).await;
    let cps = [
        server.register("0900000001", "Chợ A").await,
        server.register("0900000001", "Chợ B").await,
    ];
    let dir = fast_tempdir();
    // The devices' clocks are right: they are the server's.
    let devices: Vec<Device> = (0..4)
        .map(|n| Device::new(dir.path(), n, server.clock.clone()))
        .collect();
    let t = Routed::new(&proxy.url(), &server.url(), Duration::from_secs(5));
    for d in &devices {
        d.sign_in(&server, &t).await;
    }
    let mut faults = SeededJitter::new(0xC07);
    proxy.set_faults(move || {
        if faults.unit() < 0.5 {
            Fault::Cut
        } else {
            Fault::Pass
        }
    });
    // Small batches: many uploads per run, so cuts land anywhere in a run.
    let opts = SyncOptions {
        max_batch: 3,
        ..SyncOptions::default()
    };
    let mut rng = SeededJitter::new(0xAC7);
    let mut round = 0usize;
    while Stats::get(&proxy.stats().cuts) < 1_000 {
        round += 1;
        assert!(round < 5_000, "too few cuts");
        for d in &devices {
            let r = rng.unit();
            if r < 0.55 {
                d.engine.check_in(checkpoint(cps[round % 2])).unwrap();
            } else if r < 0.8 {
                let _ = d.engine.check_out();
            } else if let Some(v) = d
                .engine
                .visits()
                .unwrap()
                .into_iter()
                .find(|v| v.checked_out_at.is_some())
            {
                // A hand correction of a closed visit: one minute later in.
                let _ = d.engine.edit_visit(
                    v.id,
                    VisitEdit {
                        checked_in_at: v.checked_in_at + Span::minutes(1),
                        checked_out_at: v.checked_out_at,
                    },
                );
            }
            let _ = d.sync(&t, &opts).await;
        }
        server.clock.advance(Span::minutes(7));
    }
    proxy.pass_all();
    for d in &devices {
        d.sync_until_done(&t, &opts, Duration::ZERO, 10).await;
    }
    let refs: Vec<&Device> = devices.iter().collect();
    let n = assert_same_visits(&server, &refs, &cps).await;
    assert!(n > 100, "{n} visits");
    eprintln!(
        "{db:?}: {} cuts in {round} rounds, {n} visits, each once",
        Stats::get(&proxy.stats().cuts)
    );
}

both!(thousand_cuts);
