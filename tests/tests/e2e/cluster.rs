//! Three server instances on one PostgreSQL database behind one load balancer (the fault proxy drawing
//! an instance for every request; issue 16, ADR 0024):
//!
//! - 200 devices × 50 visits through random faults, one instance drained (SIGTERM's path) in the middle
//!   → exactly 10,000 visits, each once;
//! - one-time-code and captcha limits counted across the instances;
//! - a key rotated through A: C signs with the new key within the refresh interval, and refuses a code
//!   the old key signed after its period ended.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Duration as Span;
use serde_json::json;
use tokhai_core::sync_client::{HttpTransport, Jitter as _, SeededJitter, SyncOptions};
use tokhai_core::{Clock as _, PersonalPayload, PersonalStatus, Pseudonym, TrustStore};
use tokhai_e2e::{Device, Fault, Proxy, Stats, TestServer, checkpoint, fast_tempdir};
use tokhai_server::OtpLimits;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_instances_hold_every_visit_once() {
    let Some(mut servers) = TestServer::start_cluster(3, |_| {}).await else {
        return;
    };
    let addrs: Vec<_> = servers.iter().map(TestServer::addr).collect();
    let proxy = Proxy::start_many(&addrs, Duration::from_millis(1_500)).await;
    let cps = [
        servers[0].register("0900000003", "Chợ A").await,
        servers[1].register("0900000003", "Chợ B").await,
    ];
    let dir = fast_tempdir();
    // Sign-in through the load balancer too: the code asked for at one instance is typed at another.
    let balanced = HttpTransport::new(&proxy.url(), Duration::from_secs(10)).unwrap();
    let mut devices = Vec::new();
    for n in 0..200 {
        let d = Device::new(dir.path(), n, servers[0].clock.clone());
        d.sign_in(&servers[0], &balanced).await;
        devices.push(Arc::new(d));
    }
    for round in 0..50 {
        for d in &devices {
            d.engine.check_in(checkpoint(cps[round % 2])).unwrap();
        }
        servers[0].clock.advance(Span::minutes(6));
    }
    let mut rng = SeededJitter::new(0xC1A5_7E12);
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
        tasks.spawn(async move { d.sync_until_done(&t, &o, Duration::from_millis(20), 300).await });
    }
    // In the middle of the uploads instance B is drained as SIGTERM drains it: the load balancer takes
    // it out of its pool when readiness fails, and the requests B accepted are answered in full.
    for _ in 0..400 {
        proxy.forwarded().await;
    }
    let (s, _) = servers[1].call(reqwest::Method::GET, "/readyz", None, None).await;
    assert_eq!(s, 200);
    servers[1].state().start_draining();
    let (s, _) = servers[1].call(reqwest::Method::GET, "/readyz", None, None).await;
    assert_eq!(s, 503, "a draining instance is not ready");
    proxy.set_upstreams(&[addrs[0], addrs[2]]);
    servers[1].drain().await;
    let mut runs = 0;
    while let Some(r) = tasks.join_next().await {
        runs += r.unwrap();
    }
    let rows = servers[2].visits(&cps).await;
    let ids: std::collections::HashSet<_> = rows.iter().map(|r| r.id.clone()).collect();
    assert_eq!(ids.len(), rows.len(), "a visit stored twice");
    assert_eq!(rows.len(), 10_000);
    let all: Vec<&Device> = devices.iter().map(AsRef::as_ref).collect();
    assert_eq!(
        tokhai_e2e::assert_same_visits(&servers[0], &all, &cps).await,
        10_000
    );
    let s = proxy.stats();
    eprintln!(
        "3 instances (B drained midway): 10,000 visits from 200 devices in {runs} runs; faults: {} cuts, {} 503s, {} delays, {} drops",
        Stats::get(&s.cuts),
        Stats::get(&s.statuses),
        Stats::get(&s.delays),
        Stats::get(&s.drops)
    );
    assert!(Stats::get(&s.cuts) > 0 && Stats::get(&s.statuses) > 0 && Stats::get(&s.delays) > 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn limits_hold_across_instances() {
    let Some(servers) = TestServer::start_cluster(3, |c| {
        c.otp_limits = OtpLimits::default();
        c.captchas_per_client = 4;
    })
    .await
    else {
        return;
    };
    let per_phone = OtpLimits::default().per_phone;
    for i in 0..per_phone {
        let at = &servers[usize::try_from(i).unwrap() % 3];
        let (s, body) = at
            .call(
                reqwest::Method::POST,
                "/v1/auth/otp",
                None,
                Some(json!({ "phone": "0912000001" })),
            )
            .await;
        assert_eq!(s, 202, "{body}");
    }
    for at in &servers {
        let (s, body) = at
            .call(
                reqwest::Method::POST,
                "/v1/auth/otp",
                None,
                Some(json!({ "phone": "0912000001" })),
            )
            .await;
        assert_eq!(
            s, 429,
            "the phone's limit counts codes asked for at every instance: {body}"
        );
    }
    for i in 0..4 {
        let (s, _) = servers[i % 2]
            .call(reqwest::Method::POST, "/v1/captcha", None, None)
            .await;
        assert_eq!(s, 201);
    }
    let (s, body) = servers[2]
        .call(reqwest::Method::POST, "/v1/captcha", None, None)
        .await;
    assert_eq!(s, 429, "captchas are counted across instances: {body}");
    assert_eq!(body["error"]["code"], "rate_limited");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_key_rotated_at_a_is_honoured_at_c() {
    let refresh = Duration::from_millis(200);
    let Some(servers) = TestServer::start_cluster(3, |c| c.key_refresh = refresh).await else {
        return;
    };
    let (a, c) = (&servers[0], &servers[2]);
    let cp = a.register("0913000001", "Chợ A").await;
    let manager = c.sign_in("0913000001").await;
    let admin = a.sign_in("0913000002").await;
    let (_, me) = a.call(reqwest::Method::GET, "/v1/me", Some(&admin), None).await;
    a.state()
        .store()
        .set_admin(me["id"].as_i64().unwrap(), true)
        .await
        .unwrap();
    let code_key = |view: &serde_json::Value, trust: &TrustStore| {
        trust
            .verify_checkpoint(view["code"].as_str().unwrap(), a.clock.as_ref())
            .unwrap()
            .key_id()
            .0
    };
    let trust_at = |s: &TestServer| {
        let s = s.url();
        async move {
            let list = reqwest::get(format!("{s}/v1/keys"))
                .await
                .unwrap()
                .text()
                .await
                .unwrap();
            TrustStore::from_json(&list).unwrap()
        }
    };
    let view_path = format!("/v1/checkpoints/{cp}");
    let (_, view) = c
        .call(reqwest::Method::GET, &view_path, Some(&manager), None)
        .await;
    assert_eq!(code_key(&view, &trust_at(c).await), 1);

    let (s, rotated) = a
        .call(reqwest::Method::POST, "/v1/admin/keys/rotate", Some(&admin), None)
        .await;
    assert_eq!(s, 200, "{rotated}");
    assert_eq!(rotated["key_id"], 2);
    // C learns of the new key by re-reading the keys every `key_refresh`.
    let started = Instant::now();
    loop {
        let (_, view) = c
            .call(reqwest::Method::GET, &view_path, Some(&manager), None)
            .await;
        if code_key(&view, &trust_at(c).await) == 2 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "C never signed with the new key"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    eprintln!(
        "C signed with the key rotated at A after {} ms (refresh every {} ms)",
        started.elapsed().as_millis(),
        refresh.as_millis()
    );

    // Past the overlap, a code the old key signs now is refused at C; the same code signed by the new
    // key passes verification (and is then unknown: no such pseudonym was ever issued).
    a.clock.advance(Span::minutes(3));
    let now = a.clock.now();
    let payload = PersonalPayload {
        pseudonym: Pseudonym([7; 16]),
        issued_at: now,
        declared_at: now - Span::days(1),
        status: PersonalStatus::NoSymptoms,
        expires_at: now + Span::days(1),
        initials: "NVA".into(),
        birth_year: Some(1990),
    };
    let mut answers = Vec::new();
    for key in [1, 2] {
        let code = tokhai_server::testing::sign_personal_with(c.state(), key, &payload).await;
        let (s, r) = c
            .call(
                reqwest::Method::POST,
                "/v1/sync/scans",
                Some(&manager),
                Some(json!({ "scans": [{
                    "id": uuid_for(key), "checkpoint": cp, "code": code,
                    "scanned_at": now, "checked_out_at": null
                }] })),
            )
            .await;
        assert_eq!(s, 200, "{r}");
        answers.push(r["items"][0]["code"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(answers, ["qr_key_not_valid", "unknown_code"]);
}

fn uuid_for(n: i64) -> String {
    format!("00000000-0000-4000-8000-0000000000{n:02x}")
}
