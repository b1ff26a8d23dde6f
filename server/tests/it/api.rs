//! The API suite: what a checkpoint manager, a citizen, staff, an officer and an administrator do.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::json;
use tokhai_core::Clock as _;
use tokhai_server::store::Scope;
use uuid::Uuid;

use crate::support::{Env, assert_protocol, both, child_body, declaration, t0, visit};

both!(
    registry_and_manager_views,
    sync_uploads_and_pull,
    officer_tracing_and_publishing,
    open_visits_last_the_devices_auto_checkout,
    open_visits_count_only_until_now,
    quarantine_lists_a_person_once,
    ops_endpoints,
    quarantine_retention_and_key_rotation,
    sub_checkpoints_stay_in_their_buildings_province_and_posters_name_the_building,
);

/// A floor of a building in Hồ Chí Minh City cannot be registered in Hà Nội (nor moved there, nor the
/// building moved away from its floors), and the floor's poster names the building.
async fn sub_checkpoints_stay_in_their_buildings_province_and_posters_name_the_building(env: Env) {
    let cp = env.register("0912000061", "Khu phức hợp Sài Gòn").await;
    let id = cp["id"].as_i64().unwrap();
    let manager = env.sign_in("0912000061").await;
    let ha_noi = json!({ "name": "Tầng 2 — Khối 7", "kind": "office", "scheme": "v2025", "province": 1,
        "ward": 226, "street": "1 Kim Liên" });
    let (s, body) = env
        .post(
            &format!("/v1/checkpoints/{id}/children"),
            Some(&manager),
            ha_noi.clone(),
        )
        .await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "province_of_parent", "{body}");
    assert!(
        body["error"]["en"].as_str().unwrap().contains("same province"),
        "{body}"
    );
    let (_, mine) = env.get("/v1/checkpoints", Some(&manager)).await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "nothing was added");

    let (s, child) = env
        .post(
            &format!("/v1/checkpoints/{id}/children"),
            Some(&manager),
            child_body("Tầng 2 — Khối 7"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{child}");
    let child_id = child["id"].as_i64().unwrap();
    // Moving the floor to Hà Nội, or the building away from its floor: refused alike.
    let (s, body) = env
        .call(
            Method::PUT,
            &format!("/v1/checkpoints/{child_id}"),
            Some(&manager),
            Some(ha_noi.clone()),
        )
        .await;
    assert_eq!(
        (s, &body["error"]["code"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("province_of_parent"))
    );
    let (s, body) = env
        .call(
            Method::PUT,
            &format!("/v1/checkpoints/{id}"),
            Some(&manager),
            Some(ha_noi),
        )
        .await;
    assert_eq!(
        (s, &body["error"]["code"]),
        (StatusCode::UNPROCESSABLE_ENTITY, &json!("province_of_parent"))
    );

    // The floor's poster carries the building's name: renaming the building changes the floor's poster
    // (whose own code is unchanged), and nothing else does.
    let poster = |cp: i64| {
        axum::http::Request::get(format!("/v1/checkpoints/{cp}/poster?format=png"))
            .header("authorization", format!("Bearer {manager}"))
            .body(axum::body::Body::empty())
            .unwrap()
    };
    let (s, before, _) = env.raw(&env.app, poster(child_id)).await;
    assert_eq!(s, StatusCode::OK);
    let (_, again, _) = env.raw(&env.app, poster(child_id)).await;
    assert_eq!(before, again, "a poster is a function of its checkpoint");
    let mut renamed = child_body("Khu phức hợp Sài Gòn — Tòa B");
    renamed["kind"] = json!("market");
    let (s, body) = env
        .call(
            Method::PUT,
            &format!("/v1/checkpoints/{id}"),
            Some(&manager),
            Some(renamed),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (_, code_after) = env
        .get(&format!("/v1/checkpoints/{child_id}"), Some(&manager))
        .await;
    assert_eq!(
        code_after["code"], child["code"],
        "the floor's own code is unchanged"
    );
    let (_, after, _) = env.raw(&env.app, poster(child_id)).await;
    assert_ne!(before, after, "the building's new name is on the floor's poster");
}

async fn registry_and_manager_views(env: Env) {
    let cp = env.register("0912000001", "Chợ Bến Thành").await;
    let id = cp["id"].as_i64().unwrap();
    // The code verifies offline with the published trust list.
    let (_, list) = env.get("/v1/keys", None).await;
    let trust = tokhai_core::TrustStore::from_json(&list.to_string()).unwrap();
    let verified = trust
        .verify_checkpoint(cp["code"].as_str().unwrap(), env.clock.as_ref())
        .unwrap();
    assert_eq!(verified.payload().name, "Chợ Bến Thành");
    let fallback = cp["fallback_code"].as_str().unwrap();
    let parsed: tokhai_core::FallbackCode = fallback.parse().unwrap();
    assert_eq!(parsed.id().0, id as u64);

    let manager = env.sign_in("0912000001").await;
    let (s, me) = env.get("/v1/me", Some(&manager)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(me["roles"].as_array().unwrap().contains(&json!("manager")));
    let (_, mine) = env.get("/v1/checkpoints", Some(&manager)).await;
    assert_eq!(mine.as_array().unwrap().len(), 1);

    let (s, child) = env
        .post(
            &format!("/v1/checkpoints/{id}/children"),
            Some(&manager),
            child_body("Tầng 2"),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{child}");
    let child_id = child["id"].as_i64().unwrap();
    assert_eq!(child["root"].as_i64().unwrap(), id);

    let mut edit = child_body("Tầng 2 - phòng họp");
    edit["default_stay_minutes"] = json!(30);
    let (s, edited) = env
        .call(
            Method::PUT,
            &format!("/v1/checkpoints/{child_id}"),
            Some(&manager),
            Some(edit),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(edited["name"], "Tầng 2 - phòng họp");

    // A citizen checks in at the child and out again; another stays.
    let citizen = env.sign_in("0912000002").await;
    let v1 = Uuid::new_v4();
    let cin = t0() - Duration::minutes(30);
    let batch = json!({ "visits": [visit(v1, child_id, cin, None)], "client_time": t0() });
    let (s, res) = env.post("/v1/sync/upload", Some(&citizen), batch.clone()).await;
    assert_eq!(s, StatusCode::OK, "{res}");
    assert_eq!(res["items"][0]["status"], "accepted");
    assert_eq!(res["clock_offset_ms"], 0);
    let (_, res) = env.post("/v1/sync/upload", Some(&citizen), batch).await;
    assert_eq!(res["items"][0]["status"], "duplicate");
    let other = env.sign_in("0912000003").await;
    let (_, res) = env
        .post(
            "/v1/sync/upload",
            Some(&other),
            json!({ "visits": [visit(Uuid::new_v4(), id, cin, None)] }),
        )
        .await;
    assert_eq!(res["items"][0]["status"], "accepted");
    let out = json!({ "visits": [visit(v1, child_id, cin, Some(t0() - Duration::minutes(5)))] });
    let (_, res) = env.post("/v1/sync/upload", Some(&citizen), out).await;
    assert_eq!(res["items"][0]["status"], "updated");

    let (s, arrivals) = env
        .get(&format!("/v1/checkpoints/{id}/visits"), Some(&manager))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(arrivals.as_array().unwrap().len(), 2);
    let (_, occ) = env
        .get(&format!("/v1/checkpoints/{id}/occupancy"), Some(&manager))
        .await;
    assert_eq!(occ["present"], 1);
    let (_, closed) = env
        .call(
            Method::POST,
            &format!("/v1/checkpoints/{id}/checkout-all"),
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(closed["closed"], 1);
    let (_, stats) = env
        .get(&format!("/v1/checkpoints/{id}/stats"), Some(&manager))
        .await;
    assert_eq!(stats["visits"], 2);
    assert_eq!(stats["checked_out"], 1);
    assert_eq!(stats["share"], 0.5);

    // Poster, staff.
    let req = axum::http::Request::get(format!("/v1/checkpoints/{id}/poster"))
        .header("authorization", format!("Bearer {manager}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let (s, pdf, headers) = env.raw(&env.app, req).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(headers["content-type"], "application/pdf");
    assert!(pdf.starts_with(b"%PDF"));
    let req = axum::http::Request::get(format!("/v1/checkpoints/{id}/poster?format=png"))
        .header("authorization", format!("Bearer {manager}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let (s, png, headers) = env.raw(&env.app, req).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(headers["content-type"], "image/png");
    assert!(png.starts_with(b"\x89PNG"));
    let (s, _) = env
        .post(
            &format!("/v1/checkpoints/{id}/staff"),
            Some(&manager),
            json!({ "phone": "0912000009" }),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, staff) = env
        .get(&format!("/v1/checkpoints/{child_id}/staff"), Some(&manager))
        .await;
    assert_eq!(staff[0]["phone_masked"], "•••••••009");

    // Deactivation puts the checkpoint and its child on the revocation list.
    let (_, d) = env
        .call(
            Method::POST,
            &format!("/v1/checkpoints/{id}/deactivate"),
            Some(&manager),
            None,
        )
        .await;
    assert_eq!(d["revoked"], json!([id, child_id]));
    let (_, feed) = env.get("/v1/sync/pull", None).await;
    assert_protocol("PullResult", &feed);
    let kinds: Vec<&str> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"issuer_key") && kinds.contains(&"checkpoint") && kinds.contains(&"revocation"));
    let dir: Vec<_> = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["kind"] == "checkpoint")
        .collect();
    assert!(dir.iter().any(|e| e["body"]["fallback_code"] == fallback));
}

async fn sync_uploads_and_pull(env: Env) {
    let cp = env.register("0912100001", "Siêu thị").await;
    let cp_id = cp["id"].as_i64().unwrap();
    let citizen = env.sign_in("0912100002").await;
    let person = Uuid::new_v4();
    let decl_id = Uuid::new_v4();
    let episode = Uuid::new_v4();
    let day = t0().date_naive();
    let batch = json!({
        "declarations": [declaration(decl_id, person, t0() - Duration::hours(1), "NGUYỄN VĂN A", "0912100002", "079190001234", "12 Lê Lợi", "")],
        "episodes": [{ "id": episode, "person": person, "kind": "home", "place": null, "start": day,
                       "expected_end": day + Duration::days(13), "ended_on": null, "utc_offset_minutes": 420 }],
        "visits": [
            visit(Uuid::new_v4(), cp_id, t0() - Duration::days(30), None),
            visit(Uuid::new_v4(), cp_id, t0() + Duration::hours(2), None),
            visit(Uuid::new_v4(), 999_999, t0(), None),
        ],
        "reports": [
            { "id": Uuid::new_v4(), "episode": episode, "day": day, "reported_at": t0(), "temperature_decidegrees": 372,
              "symptoms": { "fever": false, "cough": true, "shortness_of_breath": false, "pneumonia": false,
                            "sore_throat": false, "fatigue": false, "loss_of_taste_or_smell": false, "other": null },
              "note": null },
            { "id": Uuid::new_v4(), "episode": Uuid::new_v4(), "day": day, "reported_at": t0(), "temperature_decidegrees": null,
              "symptoms": { "fever": false, "cough": false, "shortness_of_breath": false, "pneumonia": false,
                            "sore_throat": false, "fatigue": false, "loss_of_taste_or_smell": false, "other": null },
              "note": null }
        ]
    });
    let (s, res) = env.post("/v1/sync/upload", Some(&citizen), batch).await;
    assert_eq!(s, StatusCode::OK, "{res}");
    assert_protocol("UploadResult", &res);
    let status: Vec<(String, String, Option<String>)> = res["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["kind"].as_str().unwrap().into(),
                i["status"].as_str().unwrap().into(),
                i["code"].as_str().map(Into::into),
            )
        })
        .collect();
    let expect = |k: &str, st: &str, c: Option<&str>| (k.to_owned(), st.to_owned(), c.map(str::to_owned));
    assert!(status.contains(&expect("declaration", "accepted", None)));
    assert!(status.contains(&expect("episode", "accepted", None)));
    assert!(status.contains(&expect("visit", "refused", Some("too_old"))));
    assert!(status.contains(&expect("visit", "refused", Some("in_future"))));
    assert!(status.contains(&expect("visit", "refused", Some("unknown_checkpoint"))));
    assert!(status.contains(&expect("report", "accepted", None)));
    assert!(status.contains(&expect("report", "refused", Some("unknown_episode"))));

    // Without a session, uploads are refused.
    let (s, body) = env.post("/v1/sync/upload", None, json!({})).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(body["error"]["code"], "unauthorized");
    assert_protocol("ErrorBody", &body);

    // The personal code: the app's pending code, signed once the declaration is on the server.
    let payload = tokhai_core::PersonalPayload {
        pseudonym: tokhai_core::Pseudonym::of_declaration(&tokhai_core::DeclarationId::from_uuid(decl_id)),
        issued_at: t0(),
        declared_at: t0() - Duration::hours(1),
        status: tokhai_core::PersonalStatus::Symptoms,
        expires_at: t0() + Duration::days(7),
        initials: "NVA".into(),
        birth_year: Some(1990),
    };
    let pending = |p: &tokhai_core::PersonalPayload| {
        tokhai_core::encode_pending_personal(p)
            .unwrap()
            .as_str()
            .to_owned()
    };
    let (s, signed) = env
        .post(
            "/v1/sync/personal-code",
            Some(&citizen),
            json!({ "pending": pending(&payload) }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{signed}");
    assert_protocol("SignedCode", &signed);
    let code = signed["code"].as_str().unwrap().to_owned();
    let (_, list) = env.get("/v1/keys", None).await;
    let trust = tokhai_core::TrustStore::from_json(&list.to_string()).unwrap();
    assert_eq!(
        trust
            .verify_personal(&code, env.clock.as_ref())
            .unwrap()
            .payload()
            .pseudonym,
        payload.pseudonym
    );
    for (field, bad) in [
        (
            "initials",
            tokhai_core::PersonalPayload {
                initials: "XYZ".into(),
                ..payload.clone()
            },
        ),
        (
            "status",
            tokhai_core::PersonalPayload {
                status: tokhai_core::PersonalStatus::NoSymptoms,
                ..payload.clone()
            },
        ),
        (
            "birth_year",
            tokhai_core::PersonalPayload {
                birth_year: Some(1991),
                ..payload.clone()
            },
        ),
    ] {
        let (s, b) = env
            .post(
                "/v1/sync/personal-code",
                Some(&citizen),
                json!({ "pending": pending(&bad) }),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {b}");
    }
    let undeclared = tokhai_core::PersonalPayload {
        declared_at: t0() - Duration::hours(5),
        ..payload.clone()
    };
    assert_eq!(
        env.post(
            "/v1/sync/personal-code",
            Some(&citizen),
            json!({ "pending": pending(&undeclared) })
        )
        .await
        .0,
        StatusCode::NOT_FOUND
    );
    // Another account cannot get the same pseudonym signed.
    let other = env.sign_in("0912100003").await;
    let mut decl = declaration(
        Uuid::new_v4(),
        Uuid::new_v4(),
        t0() - Duration::hours(1),
        "NGUYỄN VĂN A",
        "0912100003",
        "079190001235",
        "1 A",
        "",
    );
    decl["pseudonym"] = json!(payload.pseudonym.to_hex());
    env.post("/v1/sync/upload", Some(&other), json!({ "declarations": [decl] }))
        .await;
    assert_eq!(
        env.post(
            "/v1/sync/personal-code",
            Some(&other),
            json!({ "pending": pending(&payload) })
        )
        .await
        .0,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // Scanned by staff.
    let manager = env.sign_in("0912100001").await;
    env.post(
        &format!("/v1/checkpoints/{cp_id}/staff"),
        Some(&manager),
        json!({ "phone": "0912100005" }),
    )
    .await;
    let staff = env.sign_in("0912100005").await;
    let scan_id = Uuid::new_v4();
    let scan = |code: &str| json!({ "scans": [{ "id": scan_id, "checkpoint": cp_id, "scanned_at": t0(), "checked_out_at": null, "code": code }] });
    let (_, res) = env
        .post("/v1/sync/scans", Some(&staff), scan(&pending(&payload)))
        .await;
    assert_eq!(res["items"][0]["code"], "qr_pending");
    assert_protocol("UploadResult", &res);
    let mut tampered = code.clone();
    tampered.pop();
    tampered.push(if code.ends_with('0') { '1' } else { '0' });
    let (_, res) = env.post("/v1/sync/scans", Some(&staff), scan(&tampered)).await;
    assert_eq!(res["items"][0]["status"], "refused");
    let (_, res) = env.post("/v1/sync/scans", Some(&staff), scan(&code)).await;
    assert_eq!(res["items"][0]["status"], "accepted", "{res}");
    let (_, res) = env.post("/v1/sync/scans", Some(&citizen), scan(&code)).await;
    assert_eq!(res["items"][0]["code"], "not_staff");
    // The scanned visit belongs to the code's holder.
    let me = env.get("/v1/me", Some(&citizen)).await.1;
    let subject = {
        use base64::Engine as _;
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(me["subject"].as_str().unwrap())
            .unwrap()
    };
    let visits = env
        .state
        .store()
        .visits_of_subject(&subject, 0, i64::MAX)
        .await
        .unwrap();
    assert_eq!(visits.iter().filter(|v| v.source == "staff").count(), 1);

    // Pulling in pages with the cursor returns each entry once.
    let (_, all) = env.get("/v1/sync/pull?limit=1000", None).await;
    assert_protocol("PullResult", &all);
    let total = all["items"].as_array().unwrap().len();
    let mut cursor = String::new();
    let mut got = 0;
    loop {
        let (s, page) = env
            .get(&format!("/v1/sync/pull?limit=1&cursor={cursor}"), None)
            .await;
        assert_eq!(s, StatusCode::OK);
        got += page["items"].as_array().unwrap().len();
        cursor = page["cursor"].as_str().unwrap().to_owned();
        if page["more"] == false {
            break;
        }
    }
    assert_eq!(got, total);
    let (s, body) = env.get("/v1/sync/pull?cursor=garbage", None).await;
    assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY);
    assert_protocol("ErrorBody", &body);
}

/// Signs `phone` in and makes it a health officer for province 79; its session token and account id.
pub(crate) async fn officer_of_province_79(env: &Env, phone: &str) -> (String, i64) {
    let token = env.sign_in(phone).await;
    let officer = env
        .state
        .store()
        .account_by_subject(&base64_subject(
            &env.get("/v1/me", Some(&token)).await.1["subject"],
        ))
        .await
        .unwrap()
        .unwrap();
    env.state
        .store()
        .set_scopes(
            officer.id,
            &[Scope {
                province: 79,
                ward: 0,
            }],
        )
        .await
        .unwrap();
    (token, officer.id)
}

/// Registers the person of `phone` as a confirmed case tested today; the case id.
async fn open_case(env: &Env, officer_token: &str, phone: &str, purpose: &str) -> i64 {
    let (s, case) = env
        .post(
            "/v1/cases",
            Some(officer_token),
            json!({ "phone": phone, "province": 79, "ward": 26743,
            "test_date": t0().date_naive(), "symptom_onset": null, "purpose": purpose }),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{case}");
    case["id"].as_i64().unwrap()
}

/// For tracing, a visit still open at a checkpoint that names no usual stay lasts the device's automatic
/// check-out time (4 h), so the server and the device agree on when it ended: a case who came 3 h after
/// the check-in still met the visitor.
async fn open_visits_last_the_devices_auto_checkout(env: Env) {
    let cp = env.register("0912300001", "Bệnh viện").await;
    let cp_id = cp["id"].as_i64().unwrap();
    let manager = env.sign_in("0912300001").await;
    let (_, ward) = env
        .post(
            &format!("/v1/checkpoints/{cp_id}/children"),
            Some(&manager),
            child_body("Khoa Nội"),
        )
        .await;
    let ward_id = ward["id"].as_i64().unwrap();
    let case_phone = "0912300010";
    let case_token = env.sign_in(case_phone).await;
    let visitor = env.sign_in("0912300011").await;
    let h = |n: i64| t0() - Duration::hours(n);
    for (token, cin, cout) in [
        (&visitor, h(10), None),
        (&case_token, h(7), Some(h(7) + Duration::minutes(30))),
    ] {
        let (_, r) = env
            .post(
                "/v1/sync/upload",
                Some(token),
                json!({ "visits": [visit(Uuid::new_v4(), ward_id, cin, cout)] }),
            )
            .await;
        assert_eq!(r["items"][0]["status"], "accepted", "{r}");
    }
    let (officer_token, _) = officer_of_province_79(&env, "0912300099").await;
    let case_id = open_case(
        &env,
        &officer_token,
        case_phone,
        "case_investigation: ca F0 tại chợ",
    )
    .await;
    let (s, t) = env
        .get(
            &format!("/v1/cases/{case_id}/trace?purpose=contact_tracing%3A%20truy%20vet%20ca%20F0&buffer_minutes=0&depth=1"),
            Some(&officer_token),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let contacts = t["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 1, "{t}");
    assert_eq!(contacts[0]["phone"], "+84912300011");
    assert_eq!(contacts[0]["overlap_minutes"], 30);
}

/// Traced while two visits are still open: the overlap counts up to the trace's "now", not up to the
/// assumed end (4 h after check-in) that lies in the future.
async fn open_visits_count_only_until_now(env: Env) {
    let cp = env.register("0912400001", "Bệnh viện").await;
    let manager = env.sign_in("0912400001").await;
    let (_, ward) = env
        .post(
            &format!("/v1/checkpoints/{}/children", cp["id"]),
            Some(&manager),
            child_body("Khoa Ngoại"),
        )
        .await;
    let ward_id = ward["id"].as_i64().unwrap();
    let case_phone = "0912400010";
    let case_token = env.sign_in(case_phone).await;
    let visitor = env.sign_in("0912400011").await;
    let ago = |m: i64| t0() - Duration::minutes(m);
    for (token, cin) in [(&visitor, ago(30)), (&case_token, ago(20))] {
        let (_, r) = env
            .post(
                "/v1/sync/upload",
                Some(token),
                json!({ "visits": [visit(Uuid::new_v4(), ward_id, cin, None)] }),
            )
            .await;
        assert_eq!(r["items"][0]["status"], "accepted", "{r}");
    }
    let (officer_token, _) = officer_of_province_79(&env, "0912400099").await;
    let case_id = open_case(
        &env,
        &officer_token,
        case_phone,
        "case_investigation: ca F0 tại chợ",
    )
    .await;
    let (s, t) = env
        .get(
            &format!("/v1/cases/{case_id}/trace?purpose=contact_tracing%3A%20truy%20vet%20ca%20F0&buffer_minutes=0&depth=1"),
            Some(&officer_token),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let contacts = t["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 1, "{t}");
    assert_eq!(contacts[0]["overlap_minutes"], 20, "{t}");
    // A 15-minute buffer moves the contact's start back to the visitor's arrival, never its end past now.
    let (_, t) = env
        .get(
            &format!("/v1/cases/{case_id}/trace?purpose=contact_tracing%3A%20truy%20vet%20ca%20F0&buffer_minutes=15&depth=1"),
            Some(&officer_token),
        )
        .await;
    assert_eq!(t["contacts"][0]["overlap_minutes"], 30, "{t}");
}

/// Episodes that overlap (as an app older than the one-open-episode rule uploads them: a second start,
/// reports in the first) show the person once, and a report in either episode is not a missed day.
async fn quarantine_lists_a_person_once(env: Env) {
    let citizen = env.sign_in("0919100001").await;
    let person = Uuid::new_v4();
    let (first, second) = (Uuid::new_v4(), Uuid::new_v4());
    let today = (t0() + Duration::hours(7)).date_naive();
    let episode = |id: Uuid, start: chrono::NaiveDate, days: i64| {
        json!({ "id": id, "person": person, "kind": "home", "place": null, "start": start,
                "expected_end": start + Duration::days(days), "ended_on": null, "utc_offset_minutes": 420 })
    };
    let batch = json!({
        "declarations": [declaration(Uuid::new_v4(), person, t0() - Duration::days(3), "LÊ VĂN D", "0919100001", "079190002222", "7 Pasteur", "")],
        "episodes": [episode(first, today - Duration::days(2), 13), episode(second, today - Duration::days(1), 13)],
        "reports": [{ "id": Uuid::new_v4(), "episode": first, "day": today, "reported_at": t0(),
              "temperature_decidegrees": 368,
              "symptoms": { "fever": false, "cough": false, "shortness_of_breath": false, "pneumonia": false,
                            "sore_throat": false, "fatigue": false, "loss_of_taste_or_smell": false, "other": null },
              "note": null }]
    });
    let (_, r) = env.post("/v1/sync/upload", Some(&citizen), batch).await;
    assert!(
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["status"] == "accepted"),
        "{r}"
    );
    let (officer, _) = officer_of_province_79(&env, "0919100099").await;
    let (s, q) = env
        .get(
            &format!("/v1/officer/quarantine?province=79&ward=26743&day={today}"),
            Some(&officer),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{q}");
    let rows = q.as_array().unwrap();
    assert_eq!(rows.len(), 1, "one person, one row: {q}");
    assert_eq!(rows[0]["missed"], false, "{q}");
    assert_eq!(rows[0]["episode"], second.to_string());
    assert_eq!(rows[0]["start"], json!(today - Duration::days(2)));
    assert_eq!(rows[0]["expected_end"], json!(today + Duration::days(12)));
    assert_eq!(rows[0]["last_report"], json!(today));
}

async fn officer_tracing_and_publishing(env: Env) {
    let cp = env.register("0912200001", "Trường học").await;
    let cp_id = cp["id"].as_i64().unwrap();
    let manager = env.sign_in("0912200001").await;
    let (_, room) = env
        .post(
            &format!("/v1/checkpoints/{cp_id}/children"),
            Some(&manager),
            child_body("Phòng 1"),
        )
        .await;
    let room_id = room["id"].as_i64().unwrap();

    // The case and three others; B overlaps the case at the checkpoint, C overlaps B later (F2),
    // D was in another room of the same building at the same time.
    let people = ["0912200010", "0912200011", "0912200012", "0912200013"];
    let mut tokens = Vec::new();
    for p in people {
        tokens.push(env.sign_in(p).await);
    }
    let h = |n: i64| t0() - Duration::hours(n);
    let up = |tok: String, cp: i64, a, b| {
        let env = &env;
        async move {
            let (s, r) = env
                .post(
                    "/v1/sync/upload",
                    Some(&tok),
                    json!({ "visits": [visit(Uuid::new_v4(), cp, a, Some(b))] }),
                )
                .await;
            assert_eq!(r["items"][0]["status"], "accepted", "{s} {r}");
        }
    };
    up(tokens[0].clone(), cp_id, h(10), h(9)).await;
    up(tokens[1].clone(), cp_id, h(10) + Duration::minutes(30), h(8)).await;
    up(tokens[1].clone(), room_id, h(6), h(5)).await;
    up(tokens[2].clone(), room_id, h(6) + Duration::minutes(10), h(5)).await;
    up(tokens[3].clone(), room_id, h(10), h(9)).await;
    // C declares a name that a spreadsheet would read as a formula (names may start with '-').
    let evil = "-TRẦN THỊ C";
    let decl = declaration(
        Uuid::new_v4(),
        Uuid::new_v4(),
        h(1),
        evil,
        "0912200012",
        "079190009999",
        "1 Hẻm",
        "",
    );
    let (_, r) = env
        .post(
            "/v1/sync/upload",
            Some(&tokens[2]),
            json!({ "declarations": [decl] }),
        )
        .await;
    assert_eq!(r["items"][0]["status"], "accepted", "{r}");

    // The officer.
    let (officer_token, officer_id) = officer_of_province_79(&env, "0912200099").await;
    let case_id = open_case(&env, &officer_token, people[0], "case_investigation: ca F0 số 1").await;

    let (s, t) = env
        .get(
            &format!(
                "/v1/cases/{case_id}/trace?purpose=contact_tracing%3A%20truy%20vet%20ca%20F0&buffer_minutes=0"
            ),
            Some(&officer_token),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    assert_eq!(t["index_visits"], 1);
    let contacts = t["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 2, "{t}");
    assert_eq!(contacts[0]["level"], "F1");
    assert_eq!(contacts[0]["overlap_minutes"], 30);
    assert_eq!(contacts[0]["phone"], "+84912200011");
    assert_eq!(contacts[1]["level"], "F2");
    assert_eq!(contacts[1]["name"], evil);
    // Rolled up to the building, D (another room, same time) is an F1 too.
    let (_, t) = env
        .get(
            &format!("/v1/cases/{case_id}/trace?purpose=contact_tracing%3A%20truy%20vet%20ca%20F0&buffer_minutes=0&building=true"),
            Some(&officer_token),
        )
        .await;
    let f1 = t["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["level"] == "F1")
        .count();
    assert_eq!(f1, 2);

    // CSV export neutralises the formula.
    let req = axum::http::Request::get(format!(
        "/v1/cases/{case_id}/trace?purpose=contact_tracing%3A%20export%20for%20the%20ward&format=csv&buffer_minutes=0"
    ))
    .header("authorization", format!("Bearer {officer_token}"))
    .body(axum::body::Body::empty())
    .unwrap();
    let (s, csv, _) = env.raw(&env.app, req).await;
    assert_eq!(s, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains(",'-TRẦN THỊ C,"), "{csv}");
    assert!(!csv.contains(",-TRẦN"));
    assert!(csv.contains(",'+84912200011,"));

    // Exposure window and safety level reach the feed.
    let (s, _) = env
        .post(&format!("/v1/cases/{case_id}/exposures"), Some(&officer_token),
            json!({ "checkpoint": cp_id, "starts_at": h(10), "ends_at": h(9), "advice": "Theo dõi sức khỏe 14 ngày" }))
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let (s, _) = env
        .call(
            Method::PUT,
            "/v1/officer/safety-levels",
            Some(&officer_token),
            Some(json!({ "province": 79, "ward": 26743, "level": 3 })),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, feed) = env.get("/v1/sync/pull", None).await;
    assert_protocol("PullResult", &feed);
    let items = feed["items"].as_array().unwrap();
    assert!(
        items
            .iter()
            .any(|i| i["kind"] == "exposure" && i["body"]["checkpoint"] == cp_id)
    );
    assert!(
        items
            .iter()
            .any(|i| i["kind"] == "safety_level" && i["body"]["level"] == 3)
    );

    let (s, agg) = env
        .get("/v1/officer/aggregates?province=79", Some(&officer_token))
        .await;
    assert_eq!(s, StatusCode::OK, "{agg}");
    let check_ins: i64 = agg
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["check_ins"].as_i64().unwrap())
        .sum();
    assert_eq!(check_ins, 5);

    // The audit log holds every read, and only administrators read it.
    let (s, _) = env.get("/v1/admin/audit", Some(&officer_token)).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    env.state.store().set_admin(officer_id, true).await.unwrap();
    let (_, log) = env.get("/v1/admin/audit", Some(&officer_token)).await;
    let actions: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["case_create", "trace", "trace", "trace_export_csv"]);
    assert_eq!(log[1]["case_id"], case_id);
    assert_eq!(log[1]["rows"], 2);
    assert_eq!(log[1]["purpose"], "contact_tracing: truy vet ca F0");
}

fn base64_subject(v: &serde_json::Value) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(v.as_str().unwrap())
        .unwrap()
}

async fn ops_endpoints(env: Env) {
    let (s, h) = env.get("/healthz", None).await;
    assert_eq!((s, h["status"].as_str()), (StatusCode::OK, Some("ok")));
    let (s, r) = env.get("/readyz", None).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        r["database"],
        if env.pg.is_some() { "postgres" } else { "sqlite" }
    );
    let (s, doc) = env.get("/openapi.json", None).await;
    assert_eq!(s, StatusCode::OK);
    assert!(doc["paths"]["/v1/sync/upload"]["post"].is_object());
    let (_, keys) = env.get("/v1/keys", None).await;
    assert_eq!(keys["keys"].as_array().unwrap().len(), 1);
    assert_eq!(keys["keys"][0]["id"], 1);
    let req = axum::http::Request::get("/metrics")
        .body(axum::body::Body::empty())
        .unwrap();
    let (s, _, _) = env.raw(&env.app, req).await;
    // Not public: only with the operator's token, or on an address of its own (tests/it/attack.rs).
    assert_eq!(s, StatusCode::NOT_FOUND);
}

async fn quarantine_retention_and_key_rotation(env: Env) {
    // A citizen in home quarantine reported yesterday but not today.
    let citizen = env.sign_in("0919000001").await;
    let person = Uuid::new_v4();
    let episode = Uuid::new_v4();
    let today = (t0() + Duration::hours(7)).date_naive();
    let yesterday = today - Duration::days(1);
    let batch = json!({
        "declarations": [declaration(Uuid::new_v4(), person, t0() - Duration::days(2), "LÊ VĂN B", "0919000001", "079190001111", "5 Pasteur", "")],
        "episodes": [{ "id": episode, "person": person, "kind": "home", "place": null, "start": yesterday - Duration::days(1),
                       "expected_end": today + Duration::days(10), "ended_on": null, "utc_offset_minutes": 420 }],
        "reports": [{ "id": Uuid::new_v4(), "episode": episode, "day": yesterday, "reported_at": t0() - Duration::days(1),
              "temperature_decidegrees": 380,
              "symptoms": { "fever": true, "cough": false, "shortness_of_breath": false, "pneumonia": false,
                            "sore_throat": false, "fatigue": false, "loss_of_taste_or_smell": false, "other": null },
              "note": null }]
    });
    let (_, r) = env.post("/v1/sync/upload", Some(&citizen), batch).await;
    assert!(
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["status"] == "accepted"),
        "{r}"
    );
    let officer = env.sign_in("0919000099").await;
    let id = env.get("/v1/me", Some(&officer)).await.1["id"].as_i64().unwrap();
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
    let (s, q) = env
        .get(
            &format!("/v1/officer/quarantine?province=79&ward=26743&day={today}"),
            Some(&officer),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{q}");
    assert_eq!(q.as_array().unwrap().len(), 1);
    assert_eq!(q[0]["missed"], true);
    assert_eq!(q[0]["last_report"], json!(yesterday));
    assert_eq!(q[0]["symptomatic_reports"], 1);
    let (_, q) = env
        .get(
            &format!("/v1/officer/quarantine?province=79&ward=26743&day={yesterday}"),
            Some(&officer),
        )
        .await;
    assert_eq!(q[0]["missed"], false);
    let log = env.state.store().audit_log(0, 10).await.unwrap();
    assert_eq!(
        log.iter().filter(|a| a.action == "quarantine_monitoring").count(),
        2
    );

    // Key rotation: the old checkpoint code still verifies with the new trust list; new codes use key 2.
    let cp = env.register("0919000005", "Nhà thuốc").await;
    let old_code = cp["code"].as_str().unwrap().to_owned();
    env.state.store().set_admin(id, true).await.unwrap();
    env.clock.advance(Duration::minutes(3));
    let (s, rotated) = env
        .call(Method::POST, "/v1/admin/keys/rotate", Some(&officer), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(rotated["key_id"], 2);
    let (_, list) = env.get("/v1/keys", None).await;
    assert_eq!(list["keys"].as_array().unwrap().len(), 2);
    assert!(list["keys"][0]["not_after"].is_string());
    let trust = tokhai_core::TrustStore::from_json(&list.to_string()).unwrap();
    assert!(
        trust.verify_checkpoint(&old_code, env.clock.as_ref()).is_ok(),
        "codes of the retired key still verify"
    );
    let manager = env.sign_in("0919000005").await;
    let (_, view) = env
        .get(&format!("/v1/checkpoints/{}", cp["id"]), Some(&manager))
        .await;
    let verified = trust
        .verify_checkpoint(view["code"].as_str().unwrap(), env.clock.as_ref())
        .unwrap();
    assert_eq!(verified.key_id().0, 2);

    // Retention: 22 days later the records are purged, on demand.
    let v = Uuid::new_v4();
    let (_, r) = env
        .post(
            "/v1/sync/upload",
            Some(&citizen),
            json!({ "visits": [visit(v, cp["id"].as_i64().unwrap(), env.clock.now(), None)] }),
        )
        .await;
    assert_eq!(r["items"][0]["status"], "accepted");
    env.clock.advance(Duration::days(22));
    let (s, purged) = env
        .call(Method::POST, "/v1/admin/purge", Some(&officer), None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(purged["visits"], 1);
    assert_eq!(purged["declarations"], 1);
    assert_eq!(purged["reports"], 1);
    assert_eq!(purged["episodes"], 0, "the episode ended less than 21 days ago");
    env.clock.advance(Duration::days(10));
    let now = env.clock.now().timestamp_millis();
    let counts = env.state.store().purge(now - 21 * 86_400_000, now).await.unwrap();
    assert_eq!(counts.episodes, 1);
}
