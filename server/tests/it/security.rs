//! Security: one-time-code brute force, expiry and reuse; SMS limits; cross-tenant access; officer scope;
//! tracing without a case; bad bodies; the HTTP SMS sender against a fake gateway.

use std::sync::{Arc, Mutex};

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::{Value, json};
use tokhai_server::store::Scope;

use crate::support::{Db, Env, both, child_body};

both!(
    wrong_key_refuses_to_start,
    otp_brute_force_expiry_and_reuse,
    sms_limits,
    guesses_per_address,
    otp_limits_hold_under_concurrency,
    captcha_limits,
    cross_tenant_refused,
    officer_scope_and_cases,
    bad_bodies_get_error_bodies
);

async fn otp_brute_force_expiry_and_reuse(env: Env) {
    let phone = "0913000001";
    env.post("/v1/auth/otp", None, json!({ "phone": phone })).await;
    let code = env.last_code("+84913000001");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let (s, b) = env
            .post("/v1/auth/session", None, json!({ "phone": phone, "code": wrong }))
            .await;
        assert_eq!(
            (s, b["error"]["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("otp_wrong"))
        );
    }
    let (s, b) = env
        .post("/v1/auth/session", None, json!({ "phone": phone, "code": code }))
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("otp_wrong")),
        "right code after 5 wrong from the same address: the same answer as a wrong one"
    );

    // Expiry (an hour later: this address's tries at this phone start again).
    env.clock.advance(Duration::hours(1));
    env.post("/v1/auth/otp", None, json!({ "phone": phone })).await;
    let code = env.last_code("+84913000001");
    env.clock.advance(Duration::minutes(5) + Duration::seconds(1));
    let (s, _) = env
        .post("/v1/auth/session", None, json!({ "phone": phone, "code": code }))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "expired code");

    // Reuse.
    env.post("/v1/auth/otp", None, json!({ "phone": phone })).await;
    let code = env.last_code("+84913000001");
    let (s, b) = env
        .post("/v1/auth/session", None, json!({ "phone": phone, "code": code }))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let token = b["token"].as_str().unwrap().to_owned();
    let (s, _) = env
        .post("/v1/auth/session", None, json!({ "phone": phone, "code": code }))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "a used code");

    // Logout ends the session; an expired session is refused.
    assert_eq!(env.get("/v1/me", Some(&token)).await.0, StatusCode::OK);
    assert_eq!(
        env.call(Method::POST, "/v1/auth/logout", Some(&token), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(env.get("/v1/me", Some(&token)).await.0, StatusCode::UNAUTHORIZED);
    let token = env.sign_in("0913000002").await;
    env.clock.advance(Duration::days(31));
    assert_eq!(env.get("/v1/me", Some(&token)).await.0, StatusCode::UNAUTHORIZED);
}

async fn otp(env: &Env, app: &axum::Router, phone: &str) -> (StatusCode, Value) {
    env.call_on(
        app,
        Method::POST,
        "/v1/auth/otp",
        None,
        Some(json!({ "phone": phone })),
    )
    .await
}

async fn otp_with_captcha(env: &Env, app: &axum::Router, phone: &str) -> (StatusCode, Value) {
    let (id, answer) = env.captcha().await;
    env.call_on(
        app,
        Method::POST,
        "/v1/auth/otp",
        None,
        Some(json!({ "phone": phone, "captcha_id": id, "captcha_answer": answer })),
    )
    .await
}

/// The limits of ADR 0015: per phone the main guard; per address much higher and then a captcha, not a
/// lock (a school or a shop behind one NAT, carrier-grade NAT).
async fn sms_limits(env: Env) {
    // 50 people behind one address (the old limit locked out everyone after the tenth).
    let school = env.app_from([203, 0, 113, 1]);
    for i in 0..50 {
        let (s, b) = otp(&env, &school, &format!("09140001{i:02}")).await;
        assert_eq!(s, StatusCode::ACCEPTED, "phone {i}: {b}");
    }
    // Per phone and address: 5 an hour, and a captcha does not lift it.
    let phone = "0914000001";
    let one = env.app_from([198, 18, 0, 1]);
    for _ in 0..5u8 {
        let (s, _) = otp(&env, &one, phone).await;
        assert_eq!(s, StatusCode::ACCEPTED);
    }
    let req = axum::http::Request::post("/v1/auth/otp")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(json!({ "phone": phone }).to_string()))
        .unwrap();
    let (s, b, headers) = env.raw(&one, req).await;
    let b: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited"))
    );
    // t0 is on the hour: the window ends an hour later.
    assert_eq!(headers["retry-after"], "3600");
    assert!(b["error"]["en"].as_str().unwrap().contains("60 minutes"), "{b}");
    let (s, _) = otp_with_captcha(&env, &one, phone).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    // From another address (the phone's owner, issue 14 item 4): past the phone's free 5, a captcha.
    let owner = env.app_from([198, 18, 0, 9]);
    let (s, b) = otp(&env, &owner, phone).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("captcha_required"))
    );
    assert_eq!(
        otp_with_captcha(&env, &owner, phone).await.0,
        StatusCode::ACCEPTED
    );

    // Past the free 60 an hour from one address: a captcha, not a lock; a forged X-Forwarded-For
    // changes nothing.
    for i in 50..60 {
        assert_eq!(
            otp(&env, &school, &format!("09140001{i:02}")).await.0,
            StatusCode::ACCEPTED
        );
    }
    let req = axum::http::Request::post("/v1/auth/otp")
        .header("content-type", "application/json")
        .header("x-forwarded-for", "192.0.2.99")
        .body(axum::body::Body::from(
            json!({ "phone": "0914000199" }).to_string(),
        ))
        .unwrap();
    let (s, b, _) = env.raw(&school, req).await;
    let b: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("captcha_required"))
    );
    let sent = env.sms.count();
    assert_eq!(
        otp_with_captcha(&env, &school, "0914000199").await.0,
        StatusCode::ACCEPTED
    );
    assert_eq!(env.sms.count(), sent + 1);
    // A wrong captcha answer, or half a captcha, is refused and sends nothing.
    let (id, _) = env.captcha().await;
    let (s, b) = env
        .call_on(
            &school,
            Method::POST,
            "/v1/auth/otp",
            None,
            Some(json!({ "phone": "0914000198", "captcha_id": id, "captcha_answer": "?????" })),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("captcha_failed"))
    );
    let (s, _) = env
        .call_on(
            &school,
            Method::POST,
            "/v1/auth/otp",
            None,
            Some(json!({ "phone": "0914000198", "captcha_id": "x" })),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(env.sms.count(), sent + 1);
    // Another address is not affected.
    assert_eq!(
        otp(&env, &env.app_from([203, 0, 113, 2]), "0914000197").await.0,
        StatusCode::ACCEPTED
    );
    // After the window, the phone and the address start again.
    env.clock.advance(Duration::minutes(60));
    assert_eq!(otp(&env, &school, phone).await.0, StatusCode::ACCEPTED);

    // Even with captchas an address has a ceiling.
    let Some(small) = Env::with_config(env.db, |c| c.otp_limits.per_client_captcha = 1).await else {
        return;
    };
    let app = small.app_from([5, 5, 5, 5]);
    assert_eq!(
        otp_with_captcha(&small, &app, "0914000301").await.0,
        StatusCode::ACCEPTED
    );
    assert_eq!(
        otp_with_captcha(&small, &app, "0914000302").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );

    // Overall: past the hour's budget every request needs a captcha, nobody is locked out.
    let Some(small) = Env::with_config(env.db, |c| c.otp_limits.global = 2).await else {
        return;
    };
    for (i, addr) in [[1, 1, 1, 1], [2, 2, 2, 2]].into_iter().enumerate() {
        let app = small.app_from(addr);
        let phone = format!("091400020{i}");
        assert_eq!(otp(&small, &app, &phone).await.0, StatusCode::ACCEPTED);
    }
    let app = small.app_from([3, 3, 3, 3]);
    let (s, b) = otp(&small, &app, "0914000209").await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("captcha_required"))
    );
    assert_eq!(
        otp_with_captcha(&small, &app, "0914000209").await.0,
        StatusCode::ACCEPTED
    );
}

/// Codes typed from one address are limited too (each code has its own 5 tries; this bounds guessing
/// across many phones).
async fn guesses_per_address(env: Env) {
    let Some(env) = Env::with_config(env.db, |c| c.otp_limits.guesses_per_client = 3).await else {
        return;
    };
    for i in 0..2 {
        env.post("/v1/auth/otp", None, json!({ "phone": format!("091300010{i}") }))
            .await;
    }
    let code0 = env.last_code("+84913000100");
    for _ in 0..3 {
        let (s, b) = env
            .post(
                "/v1/auth/session",
                None,
                json!({ "phone": "0913000101", "code": "000000" }),
            )
            .await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{b}");
    }
    let (s, b) = env
        .post(
            "/v1/auth/session",
            None,
            json!({ "phone": "0913000100", "code": code0 }),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited"))
    );
    // Another address still signs in.
    let other = env.app_from([203, 0, 113, 77]);
    let (s, _) = env
        .call_on(
            &other,
            Method::POST,
            "/v1/auth/session",
            None,
            Some(json!({ "phone": "0913000100", "code": code0 })),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
}

/// 100 requests released together never pass a limit: the check and the increment are one step in the
/// store (issue 14 item 3: 66 of 100 on SQLite and 100 on PostgreSQL for a limit of 3).
async fn otp_limits_hold_under_concurrency(env: Env) {
    let Some(env) = Env::with_config(env.db, |c| {
        c.otp_limits.per_phone = 5;
        c.otp_limits.per_client = 10;
    })
    .await
    else {
        return;
    };
    let env = Arc::new(env);
    async fn together(env: &Arc<Env>, reqs: Vec<(axum::Router, String)>) -> Vec<StatusCode> {
        let gate = Arc::new(tokio::sync::Barrier::new(reqs.len()));
        let tasks: Vec<_> = reqs
            .into_iter()
            .map(|(app, phone)| {
                let env = env.clone();
                let gate = gate.clone();
                tokio::spawn(async move {
                    gate.wait().await;
                    otp(&env, &app, &phone).await.0
                })
            })
            .collect();
        let mut out = Vec::new();
        for t in tasks {
            out.push(t.await.unwrap());
        }
        out
    }
    // One phone from 100 addresses.
    let reqs = (0..100u8)
        .map(|i| (env.app_from([198, 19, 1, i]), "0914000401".to_owned()))
        .collect();
    let got = together(&env, reqs).await;
    let ok = got.iter().filter(|s| **s == StatusCode::ACCEPTED).count();
    assert_eq!(ok, 5, "{got:?}");
    // Past the phone's free allowance: a captcha (issue 14 item 4: no lock-out of the phone's owner).
    assert!(
        got.iter()
            .all(|s| *s == StatusCode::ACCEPTED || *s == StatusCode::FORBIDDEN)
    );
    assert_eq!(env.sms.count(), 5);
    // 100 phones from one address.
    let app = env.app_from([198, 19, 2, 1]);
    let reqs = (0..100)
        .map(|i| (app.clone(), format!("09140005{i:02}")))
        .collect();
    let got = together(&env, reqs).await;
    let ok = got.iter().filter(|s| **s == StatusCode::ACCEPTED).count();
    assert_eq!(ok, 10, "{got:?}");
    assert!(
        got.iter()
            .all(|s| *s == StatusCode::ACCEPTED || *s == StatusCode::FORBIDDEN)
    );
    assert_eq!(env.sms.count(), 15);
}

/// Captcha images are limited per client address, so rendering and storing them is not a cheap attack.
async fn captcha_limits(env: Env) {
    let Some(env) = Env::with_config(env.db, |c| c.captchas_per_client = 20).await else {
        return;
    };
    for _ in 0..20 {
        env.captcha().await;
    }
    let req = axum::http::Request::post("/v1/captcha")
        .body(axum::body::Body::empty())
        .unwrap();
    let (s, b, headers) = env.raw(&env.app, req).await;
    assert_eq!(s, StatusCode::TOO_MANY_REQUESTS);
    let b: Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(b["error"]["code"], "rate_limited");
    assert_eq!(headers["retry-after"], "900");
    // Another address is not affected.
    let other = env.app_from([203, 0, 113, 9]);
    let (s, _) = env.call_on(&other, Method::POST, "/v1/captcha", None, None).await;
    assert_eq!(s, StatusCode::CREATED);
    // After the window the first address gets captchas again.
    env.clock.advance(Duration::minutes(15));
    env.captcha().await;
}

async fn cross_tenant_refused(env: Env) {
    let a = env.register("0915000001", "A").await["id"].as_i64().unwrap();
    let b = env.register("0915000002", "B").await["id"].as_i64().unwrap();
    let token_b = env.sign_in("0915000002").await;
    let (_, child) = env
        .post(
            &format!("/v1/checkpoints/{b}/children"),
            Some(&token_b),
            child_body("B1"),
        )
        .await;
    let b_child = child["id"].as_i64().unwrap();
    let token_a = env.sign_in("0915000001").await;
    let staff = json!({ "phone": "0915000009" });
    for id in [b, b_child] {
        let calls: Vec<(Method, String, Option<Value>)> = vec![
            (Method::GET, format!("/v1/checkpoints/{id}"), None),
            (
                Method::PUT,
                format!("/v1/checkpoints/{id}"),
                Some(child_body("taken")),
            ),
            (
                Method::POST,
                format!("/v1/checkpoints/{id}/children"),
                Some(child_body("x")),
            ),
            (Method::POST, format!("/v1/checkpoints/{id}/deactivate"), None),
            (Method::GET, format!("/v1/checkpoints/{id}/poster"), None),
            (
                Method::POST,
                format!("/v1/checkpoints/{id}/staff"),
                Some(staff.clone()),
            ),
            (Method::GET, format!("/v1/checkpoints/{id}/staff"), None),
            (
                Method::POST,
                format!("/v1/checkpoints/{id}/staff/remove"),
                Some(staff.clone()),
            ),
            (Method::GET, format!("/v1/checkpoints/{id}/visits"), None),
            (Method::GET, format!("/v1/checkpoints/{id}/occupancy"), None),
            (Method::POST, format!("/v1/checkpoints/{id}/checkout-all"), None),
            (Method::GET, format!("/v1/checkpoints/{id}/stats"), None),
        ];
        for (m, path, body) in calls {
            let (s, resp) = env.call(m.clone(), &path, Some(&token_a), body).await;
            assert_eq!(s, StatusCode::FORBIDDEN, "{m} {path}: {resp}");
            assert_eq!(resp["error"]["code"], "forbidden");
        }
    }
    // A's own checkpoint still works, B's is untouched.
    assert_eq!(
        env.get(&format!("/v1/checkpoints/{a}"), Some(&token_a)).await.0,
        StatusCode::OK
    );
    let (_, bv) = env.get(&format!("/v1/checkpoints/{b}"), Some(&token_b)).await;
    assert_eq!(
        (bv["active"].as_bool(), bv["name"].as_str()),
        (Some(true), Some("B"))
    );
}

async fn officer_scope_and_cases(env: Env) {
    let citizen = env.sign_in("0916000001").await;
    let token = env.sign_in("0916000099").await;
    let me = env.get("/v1/me", Some(&token)).await.1;
    let id = me["id"].as_i64().unwrap();
    let case_body = |province: u32, ward: u32| {
        json!({ "phone": "0916000001", "province": province, "ward": ward, "test_date": "2026-05-19", "symptom_onset": null,
                "purpose": "case_investigation: điều tra dịch tễ" })
    };
    // Not an officer at all.
    assert_eq!(
        env.post("/v1/cases", Some(&token), case_body(79, 26743)).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        env.get(
            "/v1/cases/1/trace?purpose=contact_tracing%3A%20xyz%20probe%20now",
            Some(&citizen)
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    env.state
        .store()
        .set_scopes(
            id,
            &[Scope {
                province: 79,
                ward: 26743,
            }],
        )
        .await
        .unwrap();
    // Outside the scope.
    let (s, b) = env.post("/v1/cases", Some(&token), case_body(1, 229)).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("out_of_scope"))
    );
    assert_eq!(
        env.get("/v1/officer/quarantine?province=1", Some(&token)).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        env.get("/v1/officer/aggregates?province=79", Some(&token))
            .await
            .0,
        StatusCode::FORBIDDEN,
        "ward scope only"
    );
    assert_eq!(
        env.get("/v1/officer/aggregates?province=79&ward=26743", Some(&token))
            .await
            .0,
        StatusCode::OK
    );
    // Tracing without a (registered) case.
    let (s, b) = env
        .get(
            "/v1/cases/424242/trace?purpose=contact_tracing%3A%20curious%20about%20this",
            Some(&token),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("case_required"))
    );
    // A case in scope, then a case another officer registered out of this one's scope.
    let (s, case) = env.post("/v1/cases", Some(&token), case_body(79, 26743)).await;
    assert_eq!(s, StatusCode::CREATED);
    let other = env.sign_in("0916000098").await;
    let other_id = env.get("/v1/me", Some(&other)).await.1["id"].as_i64().unwrap();
    env.state
        .store()
        .set_scopes(other_id, &[Scope { province: 1, ward: 0 }])
        .await
        .unwrap();
    let path = format!(
        "/v1/cases/{}/trace?purpose=contact_tracing%3A%20checking%20a%20case",
        case["id"]
    );
    let (s, b) = env.get(&path, Some(&other)).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("out_of_scope"))
    );
    // Every read was audited, and so was every refusal that says something about the data (issue 14,
    // item 18): they read nothing (no rows).
    let log = env.state.store().audit_log(0, 100).await.unwrap();
    assert_eq!(
        log.iter().map(|a| a.action.as_str()).collect::<Vec<_>>(),
        [
            "case_create_refused:out_of_scope",
            "trace_refused:case_required",
            "case_create",
            "trace_refused:out_of_scope"
        ]
    );
    assert_eq!(log[2].officer_id, id);
    assert!(
        log.iter()
            .filter(|a| a.action.contains("refused"))
            .all(|a| a.rows == 0)
    );
}

async fn bad_bodies_get_error_bodies(env: Env) {
    let big = "x".repeat(2 << 20);
    let req = axum::http::Request::post("/v1/auth/otp")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(format!("{{\"phone\":\"{big}\"}}")))
        .unwrap();
    let (s, body, _) = env.raw(&env.app, req).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    let v: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(v["error"]["code"], "payload_too_large");
    for raw in [
        "{",
        "[]",
        "{\"phone\": 5}",
        "{\"phone\":\"0912\",\"extra\":1}",
        "\u{0}",
    ] {
        let req = axum::http::Request::post("/v1/auth/otp")
            .header("content-type", "application/json")
            .body(axum::body::Body::from(raw))
            .unwrap();
        let (s, body, _) = env.raw(&env.app, req).await;
        assert!(s.is_client_error(), "{raw}: {s}");
        let v: Value = serde_json::from_slice(&body).unwrap();
        assert!(v["error"]["code"].is_string(), "{raw}");
    }
    let (s, b) = env
        .post("/v1/auth/otp", None, json!({ "phone": "not a phone" }))
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_phone"))
    );
    let (s, b) = env.get("/v1/nowhere", None).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (s, b) = env.call(Method::DELETE, "/v1/keys", None, None).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::METHOD_NOT_ALLOWED, Some("method_not_allowed"))
    );
    let (s, _) = env.get("/v1/checkpoints/notanumber", Some("junk")).await;
    assert!(s.is_client_error());
    // A wrong captcha answer is refused, and the captcha cannot be tried again.
    let (id, answer) = env.captcha().await;
    let (s, _) = env
        .post(
            "/v1/checkpoints",
            None,
            crate::support::checkpoint_body(&id, "WRONG", "0917000001", "X"),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, b) = env
        .post(
            "/v1/checkpoints",
            None,
            crate::support::checkpoint_body(&id, &answer, "0917000001", "X"),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("captcha_failed"))
    );
    let _ = Db::Sqlite;
}

/// The HTTP SMS sender against a local fake gateway.
#[tokio::test]
async fn http_sms_sender_posts_to_the_gateway() {
    use tokhai_server::{HttpSms, SmsSender};
    type Sent = Arc<Mutex<Vec<(Option<String>, Value)>>>;
    let got: Sent = Arc::default();
    let sink = got.clone();
    let fail = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let fail2 = fail.clone();
    let app = axum::Router::new().route(
        "/send",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, axum::Json(body): axum::Json<Value>| {
                let sink = sink.clone();
                let fail = fail2.clone();
                async move {
                    let auth = headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    sink.lock().unwrap().push((auth, body));
                    if fail.load(std::sync::atomic::Ordering::SeqCst) {
                        StatusCode::BAD_GATEWAY
                    } else {
                        StatusCode::OK
                    }
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let sender = HttpSms::new(format!("http://{addr}/send"), Some("secret".into())).unwrap();
    sender.send("+84912345678", "code 123456").await.unwrap();
    let sent = got.lock().unwrap().clone();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].0.as_deref(), Some("Bearer secret"));
    assert_eq!(sent[0].1, json!({ "to": "+84912345678", "text": "code 123456" }));
    fail.store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(
        sender.send("+84912345678", "x").await.is_err(),
        "a refusing gateway is an error"
    );
}

async fn wrong_key_refuses_to_start(env: Env) {
    let config = env.state.config().clone();
    let store = env.state.store().clone();
    let sms = Arc::new(tokhai_server::DevSms::new());
    let wrong = tokhai_server::Kek::generate().unwrap();
    let started = tokhai_server::AppState::new(config, store, env.clock.clone(), &wrong, sms).await;
    assert!(
        started.is_err(),
        "a key that does not open the database must not start"
    );
}
