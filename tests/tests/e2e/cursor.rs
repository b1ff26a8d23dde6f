//! A device pulls the feed page by page while other writers commit (checkpoints registered, other
//! devices uploading): when the writers are done and the device has pulled to the end, it holds every
//! checkpoint of the directory. A skipped sequence number would never be fetched again (the cursor has
//! passed it), so a missing checkpoint here is a skip.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokhai_core::FallbackCode;
use tokhai_core::sync_client::{HttpTransport, SyncOptions};
use tokhai_e2e::{Db, Device, TestServer, both, checkpoint, fast_tempdir};

async fn cursor_never_skips(db: Db) {
    let Some(server) = TestServer::start(db).await else {
        return;
    };
    let server = Arc::new(server);
    let first = server.register("0900000004", "Chợ đầu").await;
    let dir = fast_tempdir();
    let direct = HttpTransport::new(&server.url(), Duration::from_secs(10)).unwrap();
    let reader = Device::new(dir.path(), 0, server.clock.clone());
    let uploaders: Vec<Arc<Device>> = (1..4)
        .map(|n| Arc::new(Device::new(dir.path(), n, server.clock.clone())))
        .collect();
    for u in &uploaders {
        u.sign_in(&server, &direct).await;
    }
    let done = Arc::new(AtomicBool::new(false));
    let mut writers = tokio::task::JoinSet::new();
    for w in 0..4u32 {
        let s = server.clone();
        writers.spawn(async move {
            let mut ids = Vec::new();
            for i in 0..20 {
                ids.push(
                    s.register(&format!("09100000{w:02}"), &format!("Điểm {w}-{i}"))
                        .await,
                );
            }
            ids
        });
    }
    // Other devices upload while the feed grows.
    let mut uploads = tokio::task::JoinSet::new();
    for u in &uploaders {
        let (u, t, done) = (u.clone(), direct.clone(), done.clone());
        uploads.spawn(async move {
            while !done.load(Ordering::SeqCst) {
                let _ = u.engine.check_in(checkpoint(first));
                let _ = u.sync(&t, &SyncOptions::default()).await;
            }
        });
    }
    // The reader pulls two entries a page, again and again, while all this commits.
    let small = SyncOptions {
        pull_limit: 2,
        ..SyncOptions::default()
    };
    let mut pulls_during = 0;
    let mut registered = vec![first];
    loop {
        reader.sync(&direct, &small).await.unwrap();
        pulls_during += 1;
        if writers.is_empty() {
            break;
        }
        while let Some(r) = writers.try_join_next() {
            registered.extend(r.unwrap());
        }
    }
    done.store(true, Ordering::SeqCst);
    while uploads.join_next().await.is_some() {}
    // One last pull to the end.
    reader.sync(&direct, &small).await.unwrap();
    assert_eq!(registered.len(), 81);
    for id in &registered {
        let code = FallbackCode::new(tokhai_core::CheckpointId(*id)).to_string();
        assert!(
            reader.engine.checkpoint_by_fallback(&code).unwrap().is_some(),
            "checkpoint {id} was skipped by the cursor"
        );
    }
    assert!(pulls_during > 1);
    eprintln!(
        "{db:?}: {} checkpoints, all pulled; {pulls_during} pull runs during the writes",
        registered.len()
    );
}

both!(cursor_never_skips);
