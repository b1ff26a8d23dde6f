//! The server killed (its runtime dropped where it stands) in the middle of upload batches, the network
//! dropping everything while it restarts, then started again on the same database: nothing lost,
//! nothing doubled.

use std::time::Duration;

use chrono::Duration as Span;
use tokhai_core::sync_client::{Jitter as _, SeededJitter, SyncOptions};
use tokhai_e2e::{Db, Device, Proxy, Routed, TestServer, assert_same_visits, both, checkpoint, fast_tempdir};

async fn killed_mid_batch(db: Db) {
    let Some(mut server) = TestServer::start(db).await else {
        return;
    };
    let proxy = Proxy::start(server.addr(), Duration::from_secs(5)).await;
    let cps = [
        server.register("0900000002", "Chợ A").await,
        server.register("0900000002", "Chợ B").await,
    ];
    let dir = fast_tempdir();
    let device = Device::new(dir.path(), 1, server.clock.clone());
    let t = Routed::new(&proxy.url(), &server.url(), Duration::from_secs(3));
    device.sign_in(&server, &t).await;
    let opts = SyncOptions {
        max_batch: 40,
        ..SyncOptions::default()
    };
    let mut rng = SeededJitter::new(0xDEAD);
    let mut kills = 0;
    for cycle in 0..4 {
        for i in 0..120 {
            device.engine.check_in(checkpoint(cps[i % 2])).unwrap();
            server.clock.advance(Span::minutes(6));
        }
        // Once the k-th upload request has reached the server, the network goes (the client never
        // hears the answer, so the run is always cut) and the server is killed a few milliseconds later,
        // while it works on that batch or just after it committed it. (A run sends at least three
        // batches here, so the k-th request always comes.)
        let k = 1 + (rng.unit() * 2.0) as usize;
        let pause = Duration::from_micros((rng.unit() * 8_000.0) as u64);
        let sync = device.sync(&t, &opts);
        let killer = async {
            for _ in 0..k {
                proxy.forwarded().await;
            }
            proxy.set_down(true);
            tokio::time::sleep(pause).await;
            server.kill();
        };
        let (result, ()) = tokio::join!(sync, killer);
        assert!(
            result.is_err(),
            "cycle {cycle}: the run should have been cut by the kill"
        );
        kills += 1;
        // While it is down, runs fail and nothing is marked.
        assert!(device.sync(&t, &opts).await.is_err());
        let addr = server.restart().await;
        proxy.set_upstream(addr);
        proxy.set_down(false);
    }
    // `t` still points its direct half at the first address: sync through a fresh transport.
    let t = Routed::new(&proxy.url(), &server.url(), Duration::from_secs(3));
    device
        .sync_until_done(&t, &opts, Duration::from_millis(10), 20)
        .await;
    let n = assert_same_visits(&server, &[&device], &cps).await;
    assert_eq!(n, 480);
    eprintln!("{db:?}: {kills} kills mid-batch, {n} visits, each once");
}

both!(killed_mid_batch);
