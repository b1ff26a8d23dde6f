//! Benchmark: syncing 500 pending visits in batches (one request of 500) versus one request per visit,
//! against the real server (SQLite) through the counting proxy: wall time, bytes on the wire (both
//! ways, HTTP headers included) and the client's CPU time per synced visit (the client runs alone on
//! the measuring thread; the server and the proxy run on other threads).
//!
//! Run: `cargo bench -p tokhai-e2e --bench sync`.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::print_stdout,
    clippy::indexing_slicing
)] // A benchmark binary: it prints its table and may unwrap.

use std::time::{Duration, Instant};

use chrono::Duration as Span;
use cpu_time::ThreadTime;
use tokhai_core::sync_client::{HttpTransport, SyncOptions};
use tokhai_e2e::{Db, Device, Proxy, Stats, TestServer, checkpoint, fast_tempdir};

const VISITS: usize = 500;
const RUNS: usize = 3;

fn main() {
    let net = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let (server, proxy, cps) = net.block_on(async {
        let server = TestServer::start(Db::Sqlite).await.unwrap();
        let proxy = Proxy::start(server.addr(), Duration::from_secs(5)).await;
        let cps = [
            server.register("0900000009", "Chợ A").await,
            server.register("0900000009", "Chợ B").await,
        ];
        (server, proxy, cps)
    });
    let client = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = fast_tempdir();
    println!("sync of {VISITS} pending visits (999 outbox entries), real server on SQLite, {RUNS} runs each");
    println!(
        "{:<22} {:>9} {:>9} {:>12} {:>12} {:>14}",
        "mode", "requests", "time ms", "bytes up", "bytes down", "client CPU µs/visit"
    );
    let mut n = 0;
    for (name, batch) in [("batches of 500", 500), ("one request per visit", 1)] {
        let mut times = Vec::new();
        let mut cpus = Vec::new();
        let (mut up, mut down) = (0, 0);
        for _ in 0..RUNS {
            n += 1;
            let device = Device::new(dir.path(), n, server.clock.clone());
            let t = HttpTransport::new(&proxy.url(), Duration::from_secs(30)).unwrap();
            client.block_on(device.sign_in(&server, &t));
            for i in 0..VISITS {
                device.engine.check_in(checkpoint(cps[i % 2])).unwrap();
                server.clock.advance(Span::minutes(1));
            }
            let opts = SyncOptions {
                max_batch: batch,
                ..SyncOptions::default()
            };
            let (u0, d0) = (
                Stats::get(&proxy.stats().bytes_up),
                Stats::get(&proxy.stats().bytes_down),
            );
            let cpu = ThreadTime::now();
            let start = Instant::now();
            let report = client.block_on(device.sync(&t, &opts)).unwrap();
            times.push(start.elapsed());
            cpus.push(cpu.elapsed());
            assert_eq!((report.pending, report.batches), (0, VISITS.div_ceil(batch)));
            up = Stats::get(&proxy.stats().bytes_up) - u0;
            down = Stats::get(&proxy.stats().bytes_down) - d0;
        }
        times.sort();
        cpus.sort();
        let median = times[RUNS / 2];
        let cpu = cpus[RUNS / 2];
        println!(
            "{:<22} {:>9} {:>9.1} {:>12} {:>12} {:>14.1}",
            name,
            VISITS.div_ceil(batch),
            median.as_secs_f64() * 1e3,
            up,
            down,
            cpu.as_secs_f64() * 1e6 / VISITS as f64
        );
    }
    drop(proxy);
    drop(server);
}
