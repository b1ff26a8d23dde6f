//! Server faults while storing an upload: the server's database backend fails one storing step (each
//! write statement and each commit of the upload, in turn; before it runs, and after it ran with its
//! answer lost), the device's sync run fails or stops there, the fault goes, the device syncs again:
//! every record (declarations of the holder and a dependant, visits, a quarantine episode and its
//! daily report) is on the server exactly once, and the device marked none of them refused.

use std::time::Duration;

use chrono::Duration as Span;
use tokhai_core::sync_client::{HttpTransport, SyncOptions};
use tokhai_core::{
    Clock as _, NewEpisode, QuarantineKind, Relation, ReportInput, Symptoms, VIETNAM_UTC_OFFSET_MINUTES,
    local_day,
};
use tokhai_e2e::{Db, Device, TestServer, assert_same_visits, both, checkpoint, fast_tempdir};
use tokhai_server::testing::{FaultMode, Faults};

/// The records one device made, by server table.
struct Made {
    declarations: Vec<Vec<u8>>,
    episodes: Vec<Vec<u8>>,
    reports: Vec<Vec<u8>>,
}

/// A device with a holder and a dependant declared, three visits (two closed), a quarantine started for
/// the dependant and one daily report: everything an upload carries.
fn make_records(device: &Device, cps: &[u64; 2], n: u32) -> Made {
    let holder = device.declare(Relation::Myself, "Nguyễn Văn An", 1980, &format!("0790800{n:05}"));
    let child = device.declare(Relation::Child, "Nguyễn Thị Bé", 2015, "");
    let mut declarations = Vec::new();
    for p in [holder.id, child.id] {
        let d = device.engine.latest_declaration(p).unwrap().unwrap();
        declarations.push(d.id.as_uuid().as_bytes().to_vec());
    }
    for i in 0..3 {
        device.engine.check_in(checkpoint(cps[i % 2])).unwrap();
        device.clock.advance(Span::minutes(20));
        if i < 2 {
            device.engine.check_out().unwrap();
        }
    }
    let today = local_day(device.clock.now(), VIETNAM_UTC_OFFSET_MINUTES);
    let started = device
        .engine
        .start_quarantine(NewEpisode {
            person: child.id,
            kind: QuarantineKind::Home,
            place: None,
            start: today,
            expected_end: today + Span::days(13),
            utc_offset_minutes: VIETNAM_UTC_OFFSET_MINUTES,
        })
        .unwrap();
    let report = device
        .engine
        .report_day(
            started.episode.id,
            &ReportInput {
                day: None,
                temperature: "37,2".into(),
                symptoms: Symptoms {
                    cough: true,
                    ..Symptoms::default()
                },
                note: String::new(),
            },
        )
        .unwrap();
    Made {
        declarations,
        episodes: vec![started.episode.id.as_uuid().as_bytes().to_vec()],
        reports: vec![report.id.as_uuid().as_bytes().to_vec()],
    }
}

/// Each of `made`'s records is stored exactly once.
async fn assert_once(faults: &Faults, made: &Made, what: &str) {
    for (table, ids) in [
        ("declarations", &made.declarations),
        ("episodes", &made.episodes),
        ("reports", &made.reports),
    ] {
        let mut stored = faults.stored_ids(table, ids).await.unwrap();
        stored.sort();
        let mut want = ids.clone();
        want.sort();
        assert_eq!(stored, want, "{what}: {table} not stored exactly once");
    }
}

async fn each_storing_step_fails_once(db: Db) {
    let faults = Faults::new();
    let Some(server) = TestServer::start_faulty(db, faults.clone()).await else {
        return;
    };
    let cps = [
        server.register("0900000002", "Chợ A").await,
        server.register("0900000002", "Chợ B").await,
    ];
    let t = HttpTransport::new(&server.url(), Duration::from_secs(10)).unwrap();
    let opts = SyncOptions::default();
    let dir = fast_tempdir();

    // How many storing steps one device's first sync makes (signed in already).
    let probe = Device::new(dir.path(), 1, server.clock.clone());
    probe.sign_in(&server, &t).await;
    let made = make_records(&probe, &cps, 1);
    faults.count();
    let report = probe.sync(&t, &opts).await.unwrap();
    let steps = faults.steps();
    let log = faults.log();
    faults.disarm();
    assert_eq!((report.refused, report.pending), (0, 0), "the fault-free run");
    assert_once(&faults, &made, "fault-free run").await;
    assert!(
        steps >= 4,
        "a first sync stores in several steps, counted {steps}: {log:?}"
    );

    let mut devices = vec![probe];
    let mut made_all = vec![made];
    let mut n = 2;
    for step in 1..=steps {
        for mode in [FaultMode::Before, FaultMode::After] {
            let device = Device::new(dir.path(), n, server.clock.clone());
            device.sign_in(&server, &t).await;
            let made = make_records(&device, &cps, n);
            n += 1;
            faults.arm(step, mode);
            let first = device.sync(&t, &opts).await;
            let fired = faults.fired();
            faults.disarm();
            let what = format!(
                "step {step} of {steps} ({}) failing {mode:?}",
                log.get(usize::try_from(step - 1).unwrap())
                    .map_or("?", String::as_str)
            );
            assert_eq!(fired, 1, "{what}: the fault was not injected");
            if let Ok(r) = &first {
                assert_eq!(r.refused, 0, "{what}: the server's fault became a refusal");
            }
            let runs = device
                .sync_until_done(&t, &opts, Duration::from_millis(10), 10)
                .await;
            assert!(runs <= 3, "{what}: {runs} runs to recover");
            let status = device.engine.sync_status().unwrap();
            assert!(
                status.refused.is_empty(),
                "{what}: refused on the device: {:?}",
                status.refused
            );
            assert_once(&faults, &made, &what).await;
            devices.push(device);
            made_all.push(made);
        }
    }
    // The shared clock ran on while later devices worked: earlier devices' open visits ran out (automatic
    // check-out) since their last sync. One more sync each, then the server and the devices agree.
    for device in &devices {
        device
            .sync_until_done(&t, &opts, Duration::from_millis(10), 3)
            .await;
    }
    let all: Vec<&Device> = devices.iter().collect();
    let visits = assert_same_visits(&server, &all, &cps).await;
    assert_eq!(visits, 3 * all.len());
    eprintln!("{db:?}: {steps} storing steps, each failed before and after: {visits} visits, each once");
}

both!(each_storing_step_fails_once);
