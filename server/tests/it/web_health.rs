//! The daily health log on the web (`/v1/me/quarantine`, `/v1/me/reports`) under a browser session: a
//! quarantine order for the holder or a dependant checked by core's rules (refusals next to their field),
//! one open episode per person (a second order extends it), each day's state, today's report checked by
//! core and stored like an app's (officers' quarantine monitoring counts it), one report per day, and the
//! refusals (no session, no CSRF token, another account's person or episode).

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::{Value, json};

use crate::api::officer_of_province_79;
use crate::citizen::{child_form, form, web, web_json, web_sign_in};
use crate::support::{Env, assert_protocol, both, t0};

both!(
    a_quarantine_order_and_daily_reports_on_the_web,
    the_web_health_log_refuses_other_accounts_and_missing_tokens,
);

fn today() -> chrono::NaiveDate {
    (t0() + Duration::hours(7)).date_naive()
}

fn report(episode: &str, temperature: &str) -> Value {
    json!({ "episode": episode, "temperature": temperature,
            "symptoms": { "fever": false, "cough": true, "shortness_of_breath": false, "pneumonia": false,
                          "sore_throat": false, "fatigue": false, "loss_of_taste_or_smell": false, "other": null },
            "note": "" })
}

async fn a_quarantine_order_and_daily_reports_on_the_web(env: Env) {
    let me = web_sign_in(&env, "0912710001").await;
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/declarations",
        Some(json!({ "form": form("Trần Thị Cúc", "0912710001") })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/declarations",
        Some(json!({ "dependant": true, "form": child_form("Lê Minh Khang") })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let child = b["person"].as_str().unwrap().to_owned();
    let (s, list) = web_json(&env, Some(&me), Method::GET, "/v1/me/quarantine", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_protocol("MyQuarantine", &list);
    assert_eq!(list, json!({ "today": today(), "episodes": [] }));

    // Core's rules, next to the field, in both languages.
    let order = |start: chrono::NaiveDate, end: chrono::NaiveDate| json!({ "person": child, "kind": "home", "place": "12 Lê Lợi", "start": start, "expected_end": end });
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/quarantine",
        Some(order(today(), today() - Duration::days(1))),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_protocol("ErrorBody", &b);
    assert_eq!(b["error"]["field"], "expected_end");
    assert_eq!(b["error"]["vi"], "Ngày kết thúc cách ly phải sau ngày bắt đầu.");
    assert_eq!(b["error"]["en"], "The quarantine must end after it starts.");
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/quarantine",
        Some(order(today(), today() + Duration::days(200))),
    )
    .await;
    assert_eq!(
        (s, &b["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("expected_end"))
    );

    // A 14-day home quarantine for the child, from yesterday.
    let start = today() - Duration::days(1);
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/quarantine",
        Some(order(start, start + Duration::days(13))),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_protocol("QuarantineStarted", &b);
    assert_eq!(b["extended"], false);
    let episode = b["episode"]["id"].as_str().unwrap().to_owned();
    // A second order while it is open extends it (same id), as core plans it.
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/quarantine",
        Some(order(today(), today() + Duration::days(20))),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(
        (b["extended"].clone(), b["episode"]["id"].clone()),
        (json!(true), json!(episode))
    );
    assert_eq!(b["episode"]["start"], json!(start));
    assert_eq!(b["episode"]["expected_end"], json!(today() + Duration::days(20)));

    let (s, all) = web_json(&env, Some(&me), Method::GET, "/v1/me/quarantine", None).await;
    assert_eq!(s, StatusCode::OK, "{all}");
    assert_protocol("MyQuarantine", &all);
    let list = all["episodes"].as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["full_name"], "LÊ MINH KHANG");
    assert_eq!(list[0]["open"], true);
    assert_eq!(list[0]["today"], json!(today()));
    // Yesterday is late (still in grace), today due: both reportable, today first.
    assert_eq!(list[0]["reportable"], json!([today(), start]));
    assert_eq!(list[0]["days"][0]["status"], "late");
    assert_eq!(list[0]["days"][1]["status"], "due");
    assert_eq!(list[0]["days"][2]["status"], "upcoming");

    // A bad temperature: core's words next to the field; nothing stored.
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/reports",
        Some(report(&episode, "45")),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["field"], "temperature");
    assert_eq!(
        b["error"]["vi"],
        "Nhiệt độ phải từ 34,0 đến 43,0 °C; vui lòng đo lại."
    );
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/reports",
        Some(report(&episode, "ba bảy")),
    )
    .await;
    assert_eq!(
        (s, &b["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("temperature"))
    );
    let mut future = report(&episode, "36,8");
    future["day"] = json!(today() + Duration::days(1));
    let (s, b) = web_json(&env, Some(&me), Method::POST, "/v1/me/reports", Some(future)).await;
    assert_eq!(
        (s, &b["error"]["field"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("day"))
    );

    // Today's report: stored, sealed, the day done.
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/reports",
        Some(report(&episode, "37,2")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_protocol("ReportFiled", &b);
    assert_eq!(b["status"], "accepted");
    assert_eq!(b["day_status"], "done");
    assert_eq!(b["day"], json!(today()));
    let (_, me_body) = web_json(&env, Some(&me), Method::GET, "/v1/me", None).await;
    let account = me_body["id"].as_i64().unwrap();
    let rows = env.state.store().reports_of(account).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].has_symptoms);
    assert!(!String::from_utf8_lossy(&rows[0].sealed).contains("372"));
    // A day has one report: a second one is refused, the first kept.
    let (s, _) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/reports",
        Some(report(&episode, "36,5")),
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT);
    assert_eq!(env.state.store().reports_of(account).await.unwrap().len(), 1);
    let (_, all) = web_json(&env, Some(&me), Method::GET, "/v1/me/quarantine", None).await;
    let list = &all["episodes"];
    assert_eq!(list[0]["days"][1]["status"], "done");
    assert!(list[0]["days"][1]["reported_at"].is_string());
    assert_eq!(list[0]["reportable"], json!([start]));

    // The health office sees the person in quarantine in the child's ward, reported today.
    let (officer, _) = officer_of_province_79(&env, "0912710099").await;
    let (s, q) = env
        .get(
            &format!("/v1/officer/quarantine?province=79&ward=26743&day={}", today()),
            Some(&officer),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{q}");
    let rows = q.as_array().unwrap();
    assert_eq!(rows.len(), 1, "{q}");
    assert_eq!(rows[0]["episode"], episode.as_str());
    assert_eq!(rows[0]["missed"], false, "{q}");
    assert_eq!(rows[0]["last_report"], json!(today()));
    assert_eq!(rows[0]["symptomatic_reports"], 1);
    // The next day, without a report, it is a missed day there.
    env.clock.advance(Duration::days(1));
    let (_, q) = env
        .get(
            &format!(
                "/v1/officer/quarantine?province=79&ward=26743&day={}",
                today() + Duration::days(1)
            ),
            Some(&officer),
        )
        .await;
    assert_eq!(q[0]["missed"], true, "{q}");
}

async fn the_web_health_log_refuses_other_accounts_and_missing_tokens(env: Env) {
    let me = web_sign_in(&env, "0912720001").await;
    let (_, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/declarations",
        Some(json!({ "form": form("Phạm Văn Đức", "0912720001") })),
    )
    .await;
    let person = b["person"].as_str().unwrap().to_owned();
    let order = json!({ "person": person, "kind": "facility", "place": null, "start": today(),
                        "expected_end": today() + Duration::days(13) });
    // Without the CSRF token, without a session.
    let (s, _, _) = web(
        &env,
        Some(&me),
        false,
        Method::POST,
        "/v1/me/quarantine",
        Some(order.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = web(&env, None, false, Method::GET, "/v1/me/quarantine", None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // A body of another shape.
    let mut extra = order.clone();
    extra["utc_offset_minutes"] = json!(0);
    let (s, _) = web_json(&env, Some(&me), Method::POST, "/v1/me/quarantine", Some(extra)).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/quarantine",
        Some(order.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let episode = b["episode"]["id"].as_str().unwrap().to_owned();

    // Another account can neither order a quarantine for this person nor report for the episode.
    let other = web_sign_in(&env, "0912720002").await;
    let (s, _) = web_json(&env, Some(&other), Method::POST, "/v1/me/quarantine", Some(order)).await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = web_json(
        &env,
        Some(&other),
        Method::POST,
        "/v1/me/reports",
        Some(report(&episode, "36,8")),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (_, list) = web_json(&env, Some(&other), Method::GET, "/v1/me/quarantine", None).await;
    assert_eq!(list["episodes"], json!([]));
    // The owner still can.
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/reports",
        Some(report(&episode, "36,8")),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
}
