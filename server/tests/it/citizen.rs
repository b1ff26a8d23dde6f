//! The web portal's citizen endpoints (`/v1/me/people`, `/v1/me/declarations`, `/v1/me/card`) under a
//! browser session: core's rules answer every bad field, declarations are stored sealed like uploads,
//! dependants, the card of a fresh declaration only, and the refusals (no session, no CSRF token, another
//! account's person).

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::Duration;
use serde_json::{Value, json};

use crate::support::{Env, both};

both!(
    a_web_declaration_is_validated_by_core_and_stored_sealed,
    dependants_and_the_card,
    citizen_endpoints_refuse_without_session_csrf_or_ownership,
);

/// A browser's session: the cookie and the CSRF token.
pub(crate) struct Web {
    cookie: String,
    csrf: String,
}

pub(crate) async fn web_sign_in(env: &Env, phone: &str) -> Web {
    let (s, _) = env.post("/v1/auth/otp", None, json!({ "phone": phone })).await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let code = env.last_code(&format!("+84{}", &phone[1..]));
    let req = Request::post("/v1/web/session")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(json!({ "phone": phone, "code": code }).to_string()))
        .unwrap();
    let (s, body, headers) = env.raw(&env.app, req).await;
    assert_eq!(s, StatusCode::CREATED);
    let set = headers[header::SET_COOKIE].to_str().unwrap();
    let cookie = set.split(';').next().unwrap().to_owned();
    let body: Value = serde_json::from_slice(&body).unwrap();
    Web {
        cookie,
        csrf: body["csrf"].as_str().unwrap().to_owned(),
    }
}

/// A request with the browser's cookie, and its CSRF token when `csrf`.
pub(crate) async fn web(
    env: &Env,
    who: Option<&Web>,
    csrf: bool,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Vec<u8>, axum::http::HeaderMap) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(w) = who {
        req = req.header(header::COOKIE, &w.cookie);
        if csrf {
            req = req.header("x-csrf-token", &w.csrf);
        }
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string()))
            .unwrap(),
        None => req.body(Body::empty()).unwrap(),
    };
    env.raw(&env.app, req).await
}

pub(crate) async fn web_json(
    env: &Env,
    who: Option<&Web>,
    method: Method,
    path: &str,
    body: Option<Value>,
) -> (StatusCode, Value) {
    let (s, bytes, _) = web(env, who, true, method, path, body).await;
    (s, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

/// The form as a person types it (a woman born 1990 in Ho Chi Minh City, with her CCCD).
pub(crate) fn form(name: &str, phone: &str) -> Value {
    json!({
        "full_name": name, "id_kind": "cccd", "id_number": "079 190 001 234", "birth_year": "1990",
        "sex": "female", "nationality": "VN",
        "address": { "scheme": "2025", "province": "79", "district": "", "ward": "26743", "street": "12 Lê Lợi" },
        "phone": phone, "email": "", "travel": [],
        "symptoms": { "fever": false, "cough": false, "shortness_of_breath": false, "pneumonia": false,
                      "sore_throat": false, "fatigue": false, "loss_of_taste_or_smell": false, "other": null },
        "exposure": { "confirmed_or_suspected_case": false, "person_from_country_with_cases": false,
                      "person_with_symptoms": false },
        "chronic_conditions": [], "pregnant": null
    })
}

/// A child born 2020 without a document (core allows it under 14), phone left blank.
pub(crate) fn child_form(name: &str) -> Value {
    let mut f = form(name, "");
    f["id_kind"] = json!("none");
    f["id_number"] = json!("");
    f["birth_year"] = json!("2020");
    f["sex"] = json!("male");
    f
}

async fn a_web_declaration_is_validated_by_core_and_stored_sealed(env: Env) {
    let me = web_sign_in(&env, "0912700001").await;
    // Bad answers: every invalid field, with core's words in both languages; the first one is `field`.
    let mut bad = form("nguyễn thị  bình", "0912700001");
    bad["birth_year"] = json!("1800");
    bad["id_number"] = json!("12345");
    bad["address"]["ward"] = json!("99999");
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/declarations",
        Some(json!({ "form": bad })),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["code"], "invalid_field");
    let errors = b["error"]["errors"].as_array().unwrap();
    let fields: Vec<&str> = errors.iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"birth_year"), "{fields:?}");
    assert!(fields.contains(&"address.ward"), "{fields:?}");
    assert_eq!(b["error"]["field"], errors[0]["field"]);
    assert_eq!(b["error"]["vi"], errors[0]["vi"]);
    for e in errors {
        assert!(!e["vi"].as_str().unwrap().is_empty() && !e["en"].as_str().unwrap().is_empty());
        assert_ne!(e["vi"], e["en"]);
    }
    let by_field = |f: &str| errors.iter().find(|e| e["field"] == f).unwrap()["code"].clone();
    assert_eq!(by_field("birth_year"), "birth_year_range");
    // Nothing was stored.
    let (_, people) = web_json(&env, Some(&me), Method::GET, "/v1/me/people", None).await;
    assert_eq!(people, json!([]));

    // Correct answers: stored through the upload's path (sealed), the name as core cleans it.
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/declarations",
        Some(json!({ "form": form("nguyễn thị  bình", "0912 700 001") })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["status"], "accepted");
    let person = b["person"].as_str().unwrap().to_owned();
    let (s, people) = web_json(&env, Some(&me), Method::GET, "/v1/me/people", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(people.as_array().unwrap().len(), 1);
    assert_eq!(people[0]["person"], person.as_str());
    assert_eq!(people[0]["holder"], true);
    assert_eq!(people[0]["full_name"], "NGUYỄN THỊ BÌNH");
    assert_eq!(people[0]["form"]["phone"], "+84912700001");
    assert_eq!(
        people[0]["stale_at"].as_str().unwrap(),
        (crate::support::t0() + Duration::hours(24)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let (_, me_body) = web_json(&env, Some(&me), Method::GET, "/v1/me", None).await;
    let account = me_body["id"].as_i64().unwrap();
    let rows = env.state.store().declarations_of(account).await.unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].province, rows[0].ward), (79, 26743));
    let sealed = String::from_utf8_lossy(&rows[0].sealed);
    assert!(!sealed.contains("BÌNH") && !sealed.contains("001234"));

    // Declaring again for the holder (no person named) makes a new version of the same person.
    env.clock.advance(Duration::hours(2));
    let mut again = form("Nguyễn Thị Bình", "0912700001");
    again["symptoms"]["cough"] = json!(true);
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/declarations",
        Some(json!({ "form": again })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["person"], person.as_str());
    let (_, people) = web_json(&env, Some(&me), Method::GET, "/v1/me/people", None).await;
    assert_eq!(people.as_array().unwrap().len(), 1);
    assert_eq!(people[0]["has_symptoms"], true);
    assert_eq!(env.state.store().declarations_of(account).await.unwrap().len(), 2);

    // The holder must give a phone; a body of another shape is refused as such.
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/declarations",
        Some(json!({ "form": form("NGUYỄN THỊ BÌNH", "") })),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["field"], "phone");
    let (s, _) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/declarations",
        Some(json!({ "form": form("A", "0912700001"), "extra": 1 })),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
}

async fn dependants_and_the_card(env: Env) {
    let me = web_sign_in(&env, "0912700002").await;
    let (s, _) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/declarations",
        Some(json!({ "form": form("TRẦN THỊ HOA", "0912700002") })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED);
    // A child without a document and without a phone: the holder's number is used.
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/declarations",
        Some(json!({ "dependant": true, "form": child_form("lê minh an") })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let child = b["person"].as_str().unwrap().to_owned();
    // Core's rules for dependants are the app's: "no document yet" is only for a child under 14.
    let mut adult = child_form("LÊ VĂN BA");
    adult["birth_year"] = json!("1950");
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/declarations",
        Some(json!({ "dependant": true, "form": adult })),
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(b["error"]["field"], "id_kind");
    assert_eq!(b["error"]["errors"][0]["code"], "id_required_from_14");

    let (_, people) = web_json(&env, Some(&me), Method::GET, "/v1/me/people", None).await;
    let people = people.as_array().unwrap().clone();
    assert_eq!(people.len(), 2);
    assert_eq!(people[0]["holder"], true);
    assert_eq!(people[1]["person"], child.as_str());
    assert_eq!(people[1]["holder"], false);
    assert_eq!(people[1]["full_name"], "LÊ MINH AN");
    assert_eq!(people[1]["form"]["phone"], "+84912700002");
    // Declaring again for the child keeps the child.
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/declarations",
        Some(json!({ "person": child, "form": child_form("LÊ MINH AN") })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    assert_eq!(b["person"], child.as_str());

    // The card: a PNG by default, a PDF on request, never cached.
    let holder = people[0]["person"].as_str().unwrap();
    let (s, png, headers) = web(
        &env,
        Some(&me),
        false,
        Method::GET,
        &format!("/v1/me/card?person={holder}"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "image/png");
    assert_eq!(headers[header::CACHE_CONTROL], "no-store");
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000);
    let (s, pdf, headers) = web(
        &env,
        Some(&me),
        false,
        Method::GET,
        &format!("/v1/me/card?person={child}&format=pdf"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.starts_with(b"%PDF"));
    // The card's code is the server's signature over the declaration's pseudonym: bound to this account.
    let (s, _) = web_json(
        &env,
        Some(&me),
        Method::GET,
        &format!("/v1/me/card?person={holder}&format=svg"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // Once the declaration is stale, no card: declare again first.
    env.clock.advance(Duration::hours(25));
    // (A browser session lasts 12 hours: sign in again.)
    let me = web_sign_in(&env, "0912700002").await;
    let (s, b) = web_json(
        &env,
        Some(&me),
        Method::GET,
        &format!("/v1/me/card?person={holder}"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::CONFLICT, "{b}");
}

async fn citizen_endpoints_refuse_without_session_csrf_or_ownership(env: Env) {
    let me = web_sign_in(&env, "0912700003").await;
    let other = web_sign_in(&env, "0912700004").await;
    let (s, b) = web_json(
        &env,
        Some(&other),
        Method::POST,
        "/v1/me/declarations",
        Some(json!({ "form": form("PHẠM VĂN C", "0912700004") })),
    )
    .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let theirs = b["person"].as_str().unwrap().to_owned();

    // No session.
    for (method, path) in [
        (Method::GET, "/v1/me/people".to_owned()),
        (Method::POST, "/v1/me/declarations".to_owned()),
        (Method::GET, format!("/v1/me/card?person={theirs}")),
        (Method::GET, "/v1/me/visits".to_owned()),
    ] {
        let body = (method == Method::POST).then(|| json!({ "form": form("A B", "0912700003") }));
        let (s, _) = web_json(&env, None, method, &path, body).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED, "{path}");
    }
    // A cookie without its CSRF token, with another session's token, or from another site.
    let body = json!({ "form": form("LÊ THỊ D", "0912700003") });
    let (s, _, _) = web(
        &env,
        Some(&me),
        false,
        Method::POST,
        "/v1/me/declarations",
        Some(body.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let crossed = Web {
        cookie: me.cookie.clone(),
        csrf: other.csrf.clone(),
    };
    let (s, _) = web_json(
        &env,
        Some(&crossed),
        Method::POST,
        "/v1/me/declarations",
        Some(body.clone()),
    )
    .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let req = Request::post("/v1/me/declarations")
        .header(header::COOKIE, &me.cookie)
        .header("x-csrf-token", &me.csrf)
        .header("sec-fetch-site", "cross-site")
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_string()))
        .unwrap();
    assert_eq!(env.raw(&env.app, req).await.0, StatusCode::FORBIDDEN);
    let (_, people) = web_json(&env, Some(&me), Method::GET, "/v1/me/people", None).await;
    assert_eq!(people, json!([]), "nothing was stored by the refused requests");
    let (s, visits) = web_json(&env, Some(&me), Method::GET, "/v1/me/visits", None).await;
    assert_eq!((s, visits), (StatusCode::OK, json!([])));

    // Another account's person: neither declared for nor printed, as if it did not exist.
    let (s, _) = web_json(
        &env,
        Some(&me),
        Method::POST,
        "/v1/me/declarations",
        Some(json!({ "person": theirs, "form": form("LÊ THỊ D", "0912700003") })),
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = web_json(
        &env,
        Some(&me),
        Method::GET,
        &format!("/v1/me/card?person={theirs}"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = web_json(
        &env,
        Some(&me),
        Method::GET,
        "/v1/me/card?person=not-a-uuid",
        None,
    )
    .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    // The other account's own card still works (nothing was bound to the wrong account).
    let (s, _, _) = web(
        &env,
        Some(&other),
        false,
        Method::GET,
        &format!("/v1/me/card?person={theirs}"),
        None,
    )
    .await;
    assert_eq!(s, StatusCode::OK);
}
