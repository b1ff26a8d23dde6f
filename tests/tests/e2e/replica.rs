//! Officers' reads on a streaming-replication standby (`--read-database-url`, issue 16): a throw-away
//! primary cluster, a standby made from it with `pg_basebackup` on another port, one instance reading
//! its officers' queries there and one reading the primary. Once the standby has caught up, the trace
//! read from it is the primary's; its answers say where they were read and how fresh that is; the
//! writes of the same requests (cases, the audit log) went to the primary.

use std::time::{Duration, Instant};

use tokhai_core::sync_client::{HttpTransport, SyncOptions};
use tokhai_core::{Clock as _, Relation};
use tokhai_e2e::{Device, TestServer, checkpoint, fast_tempdir};
use tokhai_server::testing::PgCluster;

/// The trace of `case` at `server`: its freshness headers and its body.
async fn trace(
    server: &TestServer,
    token: &str,
    case: i64,
) -> (reqwest::header::HeaderMap, serde_json::Value) {
    let url = format!(
        "{}/v1/cases/{case}/trace?purpose=contact_tracing%3A%20truy%20vet%20ca%20F0&buffer_minutes=0&depth=2",
        server.url()
    );
    let resp = reqwest::Client::new()
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let headers = resp.headers().clone();
    (headers, resp.json().await.unwrap())
}

fn header<'a>(h: &'a reqwest::header::HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn traces_from_the_standby_match_the_primary() {
    let primary = match PgCluster::start() {
        Ok(c) => c,
        Err(why) => {
            assert!(
                std::env::var("TOKHAI_CI").as_deref() != Ok("1"),
                "TOKHAI_CI=1 but no PostgreSQL: {why}"
            );
            eprintln!("SKIPPED: no PostgreSQL for the tests ({why})");
            return;
        }
    };
    primary
        .psql("postgres", "CREATE DATABASE tokhai_replica")
        .unwrap();
    let standby = primary.start_standby().unwrap();
    assert_ne!(standby.port(), primary.port());
    let on_primary = TestServer::start_on(&primary.url("tokhai_replica"), |_| {}).await;
    let on_standby = on_primary
        .sibling(|c| c.read_database = Some(standby.url("tokhai_replica")))
        .await;

    let cp = on_primary.register("0900000090", "Chợ Bến Thành").await;
    let dir = fast_tempdir();
    let t = HttpTransport::new(&on_primary.url(), Duration::from_secs(10)).unwrap();
    let mut devices = Vec::new();
    for n in 0..12 {
        let d = Device::new(dir.path(), n, on_primary.clock.clone());
        d.declare(Relation::Myself, "NGUYỄN VĂN BA", 1980, &format!("0790800{n:05}"));
        d.sign_in(&on_primary, &t).await;
        d.engine.check_in(checkpoint(cp)).unwrap();
        devices.push(d);
    }
    on_primary.clock.advance(chrono::Duration::minutes(30));
    for d in &devices {
        d.engine.check_out().unwrap();
        d.sync_until_done(&t, &SyncOptions::default(), Duration::from_millis(50), 5)
            .await;
    }
    let officer = on_primary.officer("0900000099").await;
    let today = on_primary.clock.now().date_naive();
    let (s, case) = on_standby
        .call(
            reqwest::Method::POST,
            "/v1/cases",
            Some(&officer),
            Some(
                serde_json::json!({ "phone": devices[0].phone, "province": 79, "ward": 26743,
                "test_date": today, "symptom_onset": null, "purpose": "case_investigation: ca F0 tại chợ" }),
            ),
        )
        .await;
    assert_eq!(
        s, 201,
        "the case is written through the instance that reads on the standby: {case}"
    );
    let case = case["id"].as_i64().unwrap();

    let (h, from_primary) = trace(&on_primary, &officer, case).await;
    assert_eq!(header(&h, "tokhai-read-from"), "primary");
    assert_eq!(
        from_primary["contacts"].as_array().unwrap().len(),
        11,
        "{from_primary}"
    );
    let started = Instant::now();
    let (h, from_standby) = loop {
        let (h, body) = trace(&on_standby, &officer, case).await;
        assert_eq!(header(&h, "tokhai-read-from"), "standby");
        if header(&h, "tokhai-replica-caught-up") == "true" && body["contacts"] == from_primary["contacts"] {
            break (h, body);
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the standby never caught up: {body}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    eprintln!(
        "standby trace matched the primary's after {} ms; lag header {} ms, data as of {}",
        started.elapsed().as_millis(),
        header(&h, "tokhai-replica-lag-ms"),
        header(&h, "tokhai-data-as-of")
    );
    assert_eq!(from_standby["index_visits"], from_primary["index_visits"]);
    // Every trace was audited on the primary (the standby takes no writes).
    let audited = on_primary
        .state()
        .store()
        .audit_log(0, 1000)
        .await
        .unwrap()
        .iter()
        .filter(|a| a.action == "trace" && a.case_id == Some(case))
        .count();
    assert!(audited >= 2, "{audited}");
}
