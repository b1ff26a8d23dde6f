//! Crash safety: a child process (this test binary, re-executed) checks in 1,000 times and reports each
//! committed check-in on stdout; the parent kills it with SIGKILL at random moments, in at least 20
//! runs on the same store, and after every kill checks that the store opens, that SQLite's integrity
//! check says `ok`, and that every check-in the child reported is there, with its outbox entry.
#![cfg(unix)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::process::ExitStatusExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use ring::rand::{SecureRandom, SystemRandom};

use super::Engine;
use crate::clock::SystemClock;
use crate::crypto::FixedKeyProvider;
use crate::ids::VisitId;
use crate::store::OutboxEvent;
use crate::test_support as ts;
use crate::visit::VisitEnd;

const CHILD_DIR: &str = "TOKHAI_CRASH_CHILD_DIR";
const CHILD_RUN: &str = "TOKHAI_CRASH_CHILD_RUN";
const CHILD_TEST: &str = "engine::crash_tests::crash_child";
const CHECK_INS: u64 = 1_000;
const RUNS: u64 = 24;
const KEY: [u8; 32] = [0x42; 32];

fn random_below(rng: &SystemRandom, n: u64) -> u64 {
    let mut bytes = [0u8; 8];
    rng.fill(&mut bytes).unwrap();
    u64::from_le_bytes(bytes) % n
}

/// The child: only does something when the parent re-executes it with `CHILD_DIR` set.
#[test]
#[ignore = "child process of crash_safety_under_sigkill"]
fn crash_child() {
    let Some(dir) = std::env::var_os(CHILD_DIR) else {
        return;
    };
    let run: u64 = std::env::var(CHILD_RUN).unwrap().parse().unwrap();
    let engine = Engine::open(dir, FixedKeyProvider::new(KEY), SystemClock).unwrap();
    let mut out = std::io::stdout().lock();
    for i in 0..CHECK_INS {
        let check_in = engine.check_in(ts::checkpoint(run * 10_000 + i)).unwrap();
        assert!(!check_in.repeat);
        writeln!(out, "committed {}", check_in.visit.id).unwrap();
        out.flush().unwrap();
    }
}

#[test]
fn crash_safety_under_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let exe = std::env::current_exe().unwrap();
    let rng = SystemRandom::new();
    let mut committed: Vec<VisitId> = Vec::new();
    let mut killed_mid_run = 0;

    for run in 0..RUNS {
        let mut child = Command::new(&exe)
            .args([
                "--exact",
                CHILD_TEST,
                "--ignored",
                "--nocapture",
                "--test-threads=1",
                "-q",
            ])
            .env(CHILD_DIR, dir.path())
            .env(CHILD_RUN, run.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let parse = |line: &str| {
            line.strip_prefix("committed ")
                .and_then(|id| id.parse::<VisitId>().ok())
        };

        // Wait for a random number of commits (0 kills it while it starts or opens the store), then a
        // random fraction of a millisecond more, so the kill lands anywhere in a check-in.
        let target = random_below(&rng, CHECK_INS);
        let mut seen = 0;
        while seen < target {
            match lines.next() {
                Some(line) => {
                    if let Some(id) = parse(&line.unwrap()) {
                        committed.push(id);
                        seen += 1;
                    }
                }
                None => break,
            }
        }
        std::thread::sleep(Duration::from_micros(random_below(&rng, 1_000)));
        let _ = child.kill(); // SIGKILL; fails only if the child already exited.
        // Everything the child wrote before it died is still in the pipe.
        for line in lines {
            let Ok(line) = line else { break };
            if let Some(id) = parse(&line) {
                committed.push(id);
            }
        }
        let status = child.wait().unwrap();
        match status.signal() {
            Some(9) => killed_mid_run += 1,
            _ => assert!(
                status.success(),
                "run {run}: the child failed on its own: {status:?}"
            ),
        }

        let engine = Engine::open(dir.path(), FixedKeyProvider::new(KEY), SystemClock).unwrap();
        assert_eq!(engine.integrity_check().unwrap(), "ok", "run {run}");
        let visits = engine.visits().unwrap();
        let stored: HashSet<VisitId> = visits.iter().map(|v| v.id).collect();
        let missing: Vec<_> = committed.iter().filter(|id| !stored.contains(id)).collect();
        assert!(
            missing.is_empty(),
            "run {run}: {} reported check-ins lost",
            missing.len()
        );
        assert!(
            visits.iter().filter(|v| v.end == VisitEnd::Open).count() <= 1,
            "run {run}: one open visit"
        );
        let queued: HashSet<VisitId> = engine
            .pending_outbox(usize::MAX)
            .unwrap()
            .into_iter()
            .filter_map(|e| match e.event {
                OutboxEvent::VisitCheckedIn(v) => Some(v.id),
                _ => None,
            })
            .collect();
        assert_eq!(
            queued, stored,
            "run {run}: every stored check-in has its outbox entry, and only those"
        );
    }
    assert!(
        killed_mid_run >= 20,
        "only {killed_mid_run} runs were killed mid-way"
    );
    assert!(!committed.is_empty());
    eprintln!(
        "{RUNS} runs, {killed_mid_run} killed mid-way, {} committed check-ins all present",
        committed.len()
    );
}
