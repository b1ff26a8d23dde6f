//! What an attacker found at 721cdf9 (issue 14): each test here failed there. An officer tracing outside
//! their area, forged and moved staff scans, inflated contact time, and the smaller holes.

use axum::http::StatusCode;
use chrono::Duration;
use serde_json::{Value, json};
use tokhai_server::store::{AuditRow, Scope};
use uuid::Uuid;

use crate::support::{Env, both, checkpoint_body, declaration, t0, visit};

both!(
    officer_scope_comes_from_the_data,
    refusals_are_audited_and_purposes_name_a_reason,
    staff_scans_are_bound_and_bounded,
    revoked_checkpoints_and_own_ends,
    contact_time_counts_covered_time_once,
    nobody_locks_a_victim_out,
    pseudonyms_belong_to_their_declaration,
    answers_are_not_cached_or_sniffed,
    checkpoint_edits_follow_the_registration_rule,
    dates_are_plausible,
    admin_registers_a_checkpoint_without_a_captcha
);

/// Signs `phone` in; (token, account id).
async fn account(env: &Env, phone: &str) -> (String, i64) {
    let token = env.sign_in(phone).await;
    let id = env.get("/v1/me", Some(&token)).await.1["id"].as_i64().unwrap();
    (token, id)
}

/// Signs `phone` in as an officer of `scopes`; the token and id.
async fn officer(env: &Env, phone: &str, scopes: &[Scope]) -> (String, i64) {
    let (token, id) = account(env, phone).await;
    env.state.store().set_scopes(id, scopes).await.unwrap();
    (token, id)
}

/// Registers a checkpoint in (province, ward); its id.
async fn checkpoint_in(env: &Env, phone: &str, name: &str, province: u32, ward: u32) -> i64 {
    let (id, answer) = env.captcha().await;
    let mut body = checkpoint_body(&id, &answer, phone, name);
    body["province"] = json!(province);
    body["ward"] = json!(ward);
    let (s, b) = env.post("/v1/checkpoints", None, body).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    b["id"].as_i64().unwrap()
}

/// Uploads one closed visit; the item's answer.
async fn visit_at(env: &Env, token: &str, cp: i64, from_h: i64, to_h: i64) -> Value {
    let h = |n: i64| t0() - Duration::hours(n);
    let (s, r) = env
        .post(
            "/v1/sync/upload",
            Some(token),
            json!({ "visits": [visit(Uuid::new_v4(), cp, h(from_h), Some(h(to_h)))] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{r}");
    r["items"][0].clone()
}

/// Uploads a declaration of someone living in (province, ward).
async fn declare_in(env: &Env, token: &str, phone: &str, province: u32, ward: u32) {
    let mut d = declaration(
        Uuid::new_v4(),
        Uuid::new_v4(),
        t0() - Duration::hours(30),
        "NGUYỄN VĂN A",
        phone,
        "001190001234",
        "1 Phố Huế",
        "",
    );
    d["declaration"]["address"]["province"] = json!(province);
    d["declaration"]["address"]["ward"] = json!(ward);
    let (_, r) = env
        .post("/v1/sync/upload", Some(token), json!({ "declarations": [d] }))
        .await;
    assert_eq!(r["items"][0]["status"], "accepted", "{r}");
}

fn case_body(phone: &str, province: u32, ward: u32) -> Value {
    json!({ "phone": phone, "province": province, "ward": ward, "test_date": t0().date_naive(),
            "symptom_onset": null, "purpose": "case_investigation: F0 tại chợ Bến Thành" })
}

const TRACE: &str =
    "trace?purpose=contact_tracing%3A%20F0%20t%E1%BA%A1i%20ch%E1%BB%A3&buffer_minutes=0&depth=1";

/// Item 1: an officer of one ward cannot open a case on someone living elsewhere by typing their own
/// ward; a trace keeps to checkpoints in the officer's scope (and names those left out); an exposure
/// window cannot be published for a checkpoint outside it; an administrator's grant (audited) opens
/// the other area.
async fn officer_scope_comes_from_the_data(env: Env) {
    let ward = Scope {
        province: 79,
        ward: 26743,
    };
    let (officer_token, officer_id) = officer(&env, "0915100099", &[ward]).await;
    let here = checkpoint_in(&env, "0915100001", "Chợ Bến Thành", 79, 26743).await;
    let far = checkpoint_in(&env, "0915100002", "Chợ Kim Liên", 1, 229).await;

    // A person living in Hà Nội who visited the far market: a case typed as this officer's own ward is
    // refused, because the area is the declared address, not what was typed.
    let (hanoi, _) = account(&env, "0915100010").await;
    declare_in(&env, &hanoi, "0915100010", 1, 229).await;
    assert_eq!(visit_at(&env, &hanoi, far, 10, 9).await["status"], "accepted");
    let (s, b) = env
        .post(
            "/v1/cases",
            Some(&officer_token),
            case_body("0915100010", 79, 26743),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("out_of_scope")),
        "{b}"
    );

    // A person without a declaration, seen at both markets: the case opens in the typed ward, and its
    // trace names the contact here but not the one in Hà Nội, whose checkpoint is named as left out.
    let (case_tok, _) = account(&env, "0915100011").await;
    let (near_tok, _) = account(&env, "0915100012").await;
    let (far_tok, _) = account(&env, "0915100013").await;
    visit_at(&env, &case_tok, here, 10, 9).await;
    visit_at(&env, &near_tok, here, 10, 9).await;
    visit_at(&env, &case_tok, far, 6, 5).await;
    visit_at(&env, &far_tok, far, 6, 5).await;
    let (s, case) = env
        .post(
            "/v1/cases",
            Some(&officer_token),
            case_body("0915100011", 79, 26743),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{case}");
    let case_id = case["id"].as_i64().unwrap();
    let (s, t) = env
        .get(&format!("/v1/cases/{case_id}/{TRACE}"), Some(&officer_token))
        .await;
    assert_eq!(s, StatusCode::OK, "{t}");
    let phones: Vec<&str> = t["contacts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["phone"].as_str().unwrap())
        .collect();
    assert_eq!(phones, ["+84915100012"], "{t}");
    assert_eq!(t["index_visits"], 1, "{t}");
    assert_eq!(t["outside_scope_checkpoints"], json!([far]), "{t}");

    // No exposure window for the far checkpoint.
    let window = |cp: i64| {
        json!({ "checkpoint": cp, "starts_at": t0() - Duration::hours(6), "ends_at": t0() - Duration::hours(5),
                "advice": "Theo dõi sức khỏe 14 ngày." })
    };
    let path = format!("/v1/cases/{case_id}/exposures");
    let (s, b) = env.post(&path, Some(&officer_token), window(far)).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("out_of_scope")),
        "{b}"
    );
    assert_eq!(
        env.post(&path, Some(&officer_token), window(here)).await.0,
        StatusCode::CREATED
    );

    // An administrator's grant of Hà Nội (written to the audit log in the same transaction) opens it.
    let hanoi_scope = Scope { province: 1, ward: 0 };
    let granted = env
        .state
        .store()
        .change_scope(
            officer_id,
            hanoi_scope,
            true,
            AuditRow {
                id: 0,
                at: t0().timestamp_millis(),
                officer_id,
                case_id: None,
                action: "grant_scope".into(),
                purpose: "1 (tokhai-server admin)".into(),
                rows: 0,
            },
        )
        .await
        .unwrap();
    assert!(granted);
    let (_, t) = env
        .get(&format!("/v1/cases/{case_id}/{TRACE}"), Some(&officer_token))
        .await;
    assert_eq!(t["contacts"].as_array().unwrap().len(), 2, "{t}");
    assert_eq!(t["outside_scope_checkpoints"], json!([]), "{t}");
    assert_eq!(
        env.post(&path, Some(&officer_token), window(far)).await.0,
        StatusCode::CREATED
    );
    let log = env.state.store().audit_log(0, 100).await.unwrap();
    assert!(log.iter().any(|a| a.action == "grant_scope"));
}

/// Items 18 and 10: a purpose names a reason from the list and says more ("abc" is refused); refusals
/// that tell something (no such phone, no such case, out of scope) are audited; exposure advice with
/// control characters is refused.
async fn refusals_are_audited_and_purposes_name_a_reason(env: Env) {
    let (officer_token, officer_id) = officer(
        &env,
        "0915200099",
        &[Scope {
            province: 79,
            ward: 0,
        }],
    )
    .await;
    account(&env, "0915200001").await;
    let mut body = case_body("0915200001", 79, 26743);
    for bad in ["abc", "curiosity: looking at my neighbour", "contact_tracing: x"] {
        body["purpose"] = json!(bad);
        let (s, b) = env.post("/v1/cases", Some(&officer_token), body.clone()).await;
        assert_eq!(
            (s, b["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("purpose")),
            "{b}"
        );
        assert!(
            b["error"]["en"].as_str().unwrap().contains("contact_tracing"),
            "{b}"
        );
    }
    // Probing whether a number has an account leaves a trace.
    let (s, _) = env
        .post(
            "/v1/cases",
            Some(&officer_token),
            case_body("0915200002", 79, 26743),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _) = env
        .get(&format!("/v1/cases/999/{TRACE}"), Some(&officer_token))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let log = env.state.store().audit_log(0, 100).await.unwrap();
    let seen: Vec<(&str, &str, i64, i64)> = log
        .iter()
        .map(|a| (a.action.as_str(), a.purpose.as_str(), a.officer_id, a.rows))
        .collect();
    assert_eq!(
        seen,
        [
            (
                "case_create_refused:not_found",
                "case_investigation: F0 tại chợ Bến Thành",
                officer_id,
                0
            ),
            (
                "trace_refused:case_required",
                "contact_tracing: F0 tại chợ",
                officer_id,
                0
            ),
        ]
    );

    // Exposure advice: no control characters (ESC, BEL, NUL) reach devices.
    let (s, case) = env
        .post(
            "/v1/cases",
            Some(&officer_token),
            case_body("0915200001", 79, 26743),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{case}");
    let cp = checkpoint_in(&env, "0915200003", "Chợ", 79, 26743).await;
    let path = format!("/v1/cases/{}/exposures", case["id"]);
    for advice in ["Ở nhà\u{1b}[2J", "bell\u{7}", "nul\u{0}", "bidi\u{202e}tfel"] {
        let body = json!({ "checkpoint": cp, "starts_at": t0() - Duration::hours(6),
                           "ends_at": t0() - Duration::hours(5), "advice": advice });
        let (s, b) = env.post(&path, Some(&officer_token), body).await;
        assert_eq!(
            (s, b["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("advice")),
            "{advice:?} {b}"
        );
    }
    let body = json!({ "checkpoint": cp, "starts_at": t0() - Duration::hours(6),
                       "ends_at": t0() - Duration::hours(5), "advice": "Ở nhà 14 ngày.\nGọi 115 khi sốt." });
    assert_eq!(
        env.post(&path, Some(&officer_token), body).await.0,
        StatusCode::CREATED
    );
}

/// A victim's signed personal code (declared an hour before t0): (token, code).
async fn signed_code(env: &Env, phone: &str) -> (String, String) {
    let (token, _) = account(env, phone).await;
    let at = t0() - Duration::hours(1);
    let decl_id = Uuid::new_v4();
    let d = declaration(
        decl_id,
        Uuid::new_v4(),
        at,
        "NGUYỄN VĂN A",
        phone,
        "079190001234",
        "12 Lê Lợi",
        "",
    );
    let (_, r) = env
        .post("/v1/sync/upload", Some(&token), json!({ "declarations": [d] }))
        .await;
    assert_eq!(r["items"][0]["status"], "accepted", "{r}");
    let payload = tokhai_core::PersonalPayload {
        pseudonym: tokhai_core::Pseudonym::of_declaration(&tokhai_core::DeclarationId::from_uuid(decl_id)),
        issued_at: t0(),
        declared_at: at,
        status: tokhai_core::PersonalStatus::Symptoms,
        expires_at: t0() + Duration::days(7),
        initials: "NVA".into(),
        birth_year: Some(1990),
    };
    let pending = tokhai_core::encode_pending_personal(&payload).unwrap();
    let (s, b) = env
        .post(
            "/v1/sync/personal-code",
            Some(&token),
            json!({ "pending": pending.as_str() }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");
    (token, b["code"].as_str().unwrap().to_owned())
}

fn scan(id: Uuid, cp: i64, code: &str, at: chrono::DateTime<chrono::Utc>) -> Value {
    json!({ "scans": [{ "id": id, "checkpoint": cp, "scanned_at": at, "checked_out_at": null, "code": code }] })
}

/// Item 7: a scan is bound to the staff account that uploaded it and to its checkpoint — another
/// building's manager reusing its id is refused and the visit stays where it was; back-dating is bounded
/// by the staff device's offline window (3 days) and by when the account became staff.
async fn staff_scans_are_bound_and_bounded(env: Env) {
    let (victim, code) = signed_code(&env, "0915300001").await;
    let mine = checkpoint_in(&env, "0915300002", "Nhà thuốc", 79, 26743).await;
    let theirs = checkpoint_in(&env, "0915300003", "Quán", 79, 26743).await;
    let manager = env.sign_in("0915300002").await;
    let other = env.sign_in("0915300003").await;

    let id = Uuid::new_v4();
    let (_, r) = env
        .post("/v1/sync/scans", Some(&manager), scan(id, mine, &code, t0()))
        .await;
    assert_eq!(r["items"][0]["status"], "accepted", "{r}");
    // The same id from another building's manager, at their checkpoint: refused, nothing moves.
    let (_, r) = env
        .post("/v1/sync/scans", Some(&other), scan(id, theirs, &code, t0()))
        .await;
    assert_eq!(
        (r["items"][0]["status"].as_str(), r["items"][0]["code"].as_str()),
        (Some("refused"), Some("conflict")),
        "{r}"
    );
    let stored = env
        .state
        .store()
        .visits_by_ids(&[id.as_bytes().to_vec()])
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(
        (stored[0].checkpoint_id, stored[0].checked_in_at),
        (mine, t0().timestamp_millis())
    );
    // The victim's own upload of that id is refused too.
    let (_, r) = env
        .post(
            "/v1/sync/upload",
            Some(&victim),
            json!({ "visits": [visit(id, theirs, t0(), None)] }),
        )
        .await;
    assert_eq!(r["items"][0]["status"], "refused", "{r}");

    // Back-dated scans: past the 3-day offline window, or from before the account was staff (or before
    // the checkpoint existed).
    env.clock.advance(Duration::days(2));
    let (_, r) = env
        .post(
            "/v1/sync/scans",
            Some(&manager),
            scan(Uuid::new_v4(), mine, &code, t0() - Duration::days(2)),
        )
        .await;
    assert_eq!(
        (r["items"][0]["status"].as_str(), r["items"][0]["code"].as_str()),
        (Some("refused"), Some("too_old")),
        "{r}"
    );
    let (_, r) = env
        .post(
            "/v1/sync/scans",
            Some(&manager),
            scan(Uuid::new_v4(), mine, &code, t0() - Duration::hours(1)),
        )
        .await;
    assert_eq!(
        (r["items"][0]["status"].as_str(), r["items"][0]["code"].as_str()),
        (Some("refused"), Some("not_staff")),
        "{r}"
    );
    env.post(
        &format!("/v1/checkpoints/{mine}/staff"),
        Some(&manager),
        json!({ "phone": "0915300005" }),
    )
    .await;
    let staff = env.sign_in("0915300005").await;
    let (_, r) = env
        .post(
            "/v1/sync/scans",
            Some(&staff),
            scan(Uuid::new_v4(), mine, &code, t0() + Duration::days(1)),
        )
        .await;
    assert_eq!(r["items"][0]["code"], "not_staff", "{r}");
    let (_, r) = env
        .post(
            "/v1/sync/scans",
            Some(&staff),
            scan(Uuid::new_v4(), mine, &code, t0() + Duration::days(2)),
        )
        .await;
    assert_eq!(r["items"][0]["status"], "accepted", "{r}");
}

/// Item 15: no visit (own upload or staff scan) starting after its checkpoint was deactivated; a device
/// cannot close its own visit `by_checkpoint` (only the manager's "check out everyone" does, and the
/// device may send that end back).
async fn revoked_checkpoints_and_own_ends(env: Env) {
    let cp = checkpoint_in(&env, "0915400001", "Chợ đêm", 79, 26743).await;
    let manager = env.sign_in("0915400001").await;
    let (citizen, code) = signed_code(&env, "0915400002").await;
    let h = |n: i64| t0() + Duration::hours(n);
    // Before the deactivation: accepted; after it: refused.
    let early = Uuid::new_v4();
    let (_, r) = env
        .post(
            "/v1/sync/upload",
            Some(&citizen),
            json!({ "visits": [visit(early, cp, t0(), None)] }),
        )
        .await;
    assert_eq!(r["items"][0]["status"], "accepted", "{r}");
    env.clock.advance(Duration::hours(2));
    let (s, _) = env
        .call(
            axum::http::Method::POST,
            &format!("/v1/checkpoints/{cp}/deactivate"),
            Some(&manager),
            None,
        )
        .await;
    assert!(s.is_success(), "{s}");
    env.clock.advance(Duration::hours(1));
    let (_, r) = env
        .post(
            "/v1/sync/upload",
            Some(&citizen),
            json!({ "visits": [visit(Uuid::new_v4(), cp, h(3), None)] }),
        )
        .await;
    assert_eq!(r["items"][0]["code"], "checkpoint_revoked", "{r}");
    let (_, r) = env
        .post(
            "/v1/sync/scans",
            Some(&manager),
            scan(Uuid::new_v4(), cp, &code, h(3)),
        )
        .await;
    assert_eq!(r["items"][0]["code"], "checkpoint_revoked", "{r}");
    // A visit from before the deactivation, uploaded late, still counts.
    let (_, r) = env
        .post(
            "/v1/sync/upload",
            Some(&citizen),
            json!({ "visits": [visit(Uuid::new_v4(), cp, h(1), Some(h(1) + Duration::minutes(20)))] }),
        )
        .await;
    assert_eq!(r["items"][0]["status"], "accepted", "{r}");

    // An end the manager did not give.
    let cp2 = checkpoint_in(&env, "0915400003", "Siêu thị", 79, 26743).await;
    let mut own = visit(Uuid::new_v4(), cp2, h(3), Some(h(3) + Duration::minutes(10)));
    own["end"] = json!("by_checkpoint");
    let (_, r) = env
        .post("/v1/sync/upload", Some(&citizen), json!({ "visits": [own] }))
        .await;
    assert_eq!(
        (r["items"][0]["status"].as_str(), r["items"][0]["code"].as_str()),
        (Some("refused"), Some("invalid")),
        "{r}"
    );
    // After "check out everyone", the device may send the end it was given.
    let open = Uuid::new_v4();
    let (_, r) = env
        .post(
            "/v1/sync/upload",
            Some(&citizen),
            json!({ "visits": [visit(open, cp2, h(3), None)] }),
        )
        .await;
    assert_eq!(r["items"][0]["status"], "accepted", "{r}");
    let manager2 = env.sign_in("0915400003").await;
    let (s, b) = env
        .call(
            axum::http::Method::POST,
            &format!("/v1/checkpoints/{cp2}/checkout-all"),
            Some(&manager2),
            None,
        )
        .await;
    assert!(s.is_success(), "{s} {b}");
    let stored = env
        .state
        .store()
        .visits_by_ids(&[open.as_bytes().to_vec()])
        .await
        .unwrap();
    let out = chrono::DateTime::from_timestamp_millis(stored[0].checked_out_at.unwrap()).unwrap();
    let mut back = visit(open, cp2, h(3), Some(out));
    back["end"] = json!("by_checkpoint");
    let (_, r) = env
        .post("/v1/sync/upload", Some(&citizen), json!({ "visits": [back] }))
        .await;
    assert_eq!(r["items"][0]["status"], "duplicate", "{r}");
}

/// Item 6: a hundred copies of one 10-minute visit make a 10-minute contact, not 1,000 minutes: the
/// copies are refused at upload (`overlapping`), and copies stored before that rule (written here
/// straight to the store) are merged by tracing, as are the case's own overlapping visits.
async fn contact_time_counts_covered_time_once(env: Env) {
    let (officer_token, _) = officer(
        &env,
        "0915500099",
        &[Scope {
            province: 79,
            ward: 0,
        }],
    )
    .await;
    let cp = checkpoint_in(&env, "0915500001", "Quán cà phê", 79, 26743).await;
    let (case_tok, _) = account(&env, "0915500010").await;
    let (contact_tok, _) = account(&env, "0915500011").await;
    let h = |n: i64| t0() - Duration::hours(n);
    let ten = |id: Uuid| visit(id, cp, h(3), Some(h(3) + Duration::minutes(10)));
    // The case twice over the same time (a device that uploaded two ids for one stay): one is refused.
    let (_, r) = env
        .post(
            "/v1/sync/upload",
            Some(&case_tok),
            json!({ "visits": [ten(Uuid::new_v4()), ten(Uuid::new_v4())] }),
        )
        .await;
    let mut status: Vec<(&str, Option<&str>)> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["status"].as_str().unwrap(), i["code"].as_str()))
        .collect();
    status.sort_unstable();
    assert_eq!(
        status,
        [("accepted", None), ("refused", Some("overlapping"))],
        "{r}"
    );
    // The contact sends 100 copies in one batch and again in a second one: one is kept.
    let batch: Vec<Value> = (0..100).map(|_| ten(Uuid::new_v4())).collect();
    let (_, r) = env
        .post(
            "/v1/sync/upload",
            Some(&contact_tok),
            json!({ "visits": batch.clone() }),
        )
        .await;
    let accepted = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["status"] == "accepted")
        .count();
    assert_eq!(accepted, 1, "{r}");
    let fresh: Vec<Value> = (0..100).map(|_| ten(Uuid::new_v4())).collect();
    let (_, r) = env
        .post("/v1/sync/upload", Some(&contact_tok), json!({ "visits": fresh }))
        .await;
    assert!(
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["code"] == "overlapping"),
        "{r}"
    );
    // A shifted overlapping copy that got through, and 100 copies stored before the rule.
    let (_, r) = env
        .post("/v1/sync/upload", Some(&contact_tok), json!({ "visits": [visit(Uuid::new_v4(), cp, h(3) + Duration::minutes(2), Some(h(3) + Duration::minutes(8)))] }))
        .await;
    assert_eq!(r["items"][0]["status"], "accepted", "{r}");
    let store = env.state.store();
    let stored = store
        .visits_of_subject(&subject_of(&env, &contact_tok).await, 0, i64::MAX)
        .await
        .unwrap();
    let copies: Vec<_> = (0..100)
        .map(|_| tokhai_server::store::VisitRow {
            id: Uuid::new_v4().as_bytes().to_vec(),
            ..stored[0].clone()
        })
        .collect();
    store.upsert_visits(copies).await.unwrap();

    let (s, case) = env
        .post(
            "/v1/cases",
            Some(&officer_token),
            case_body("0915500010", 79, 26743),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{case}");
    let (_, t) = env
        .get(&format!("/v1/cases/{}/{TRACE}", case["id"]), Some(&officer_token))
        .await;
    assert_eq!(t["contacts"].as_array().unwrap().len(), 1, "{t}");
    assert_eq!(t["contacts"][0]["overlap_minutes"], 10, "{t}");
}

/// The subject pseudonym of a signed-in account.
async fn subject_of(env: &Env, token: &str) -> Vec<u8> {
    use base64::Engine as _;
    let me = env.get("/v1/me", Some(token)).await.1;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(me["subject"].as_str().unwrap())
        .unwrap()
}

async fn ask_code(env: &Env, app: &axum::Router, phone: &str, captcha: bool) -> (StatusCode, Value) {
    let mut body = json!({ "phone": phone });
    if captcha {
        let (id, answer) = env.captcha().await;
        body["captcha_id"] = json!(id);
        body["captcha_answer"] = json!(answer);
    }
    env.call_on(app, axum::http::Method::POST, "/v1/auth/otp", None, Some(body))
        .await
}

async fn type_code(env: &Env, app: &axum::Router, phone: &str, code: &str) -> (StatusCode, Value) {
    env.call_on(
        app,
        axum::http::Method::POST,
        "/v1/auth/session",
        None,
        Some(json!({ "phone": phone, "code": code })),
    )
    .await
}

/// Item 4: an attacker who knows a victim's number cannot lock them out. Their requests for the victim's
/// codes use up their own address's allowance, after which the victim needs a captcha, not a wait; their
/// wrong guesses use up their own tries, not the victim's; and wrong, expired and never-sent codes get
/// one answer, so nobody learns that a phone is signing in now.
async fn nobody_locks_a_victim_out(env: Env) {
    let victim = "0915600001";
    let attacker = env.app_from([203, 0, 113, 66]);
    let home = env.app_from([198, 51, 100, 200]);
    for _ in 0..5 {
        assert_eq!(
            ask_code(&env, &attacker, victim, false).await.0,
            StatusCode::ACCEPTED
        );
    }
    let (s, b) = ask_code(&env, &attacker, victim, true).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited")),
        "{b}"
    );
    let (s, b) = ask_code(&env, &home, victim, false).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("captcha_required")),
        "{b}"
    );
    assert_eq!(ask_code(&env, &home, victim, true).await.0, StatusCode::ACCEPTED);
    let code = env.last_code("+84915600001");
    let wrong = if code == "000000" { "111111" } else { "000000" };
    // Ten wrong guesses from the attacker's address: the same answer each time, and then even the right
    // code from there is refused alike.
    let mut answers = Vec::new();
    for _ in 0..10 {
        answers.push(type_code(&env, &attacker, victim, wrong).await);
    }
    answers.push(type_code(&env, &attacker, victim, &code).await);
    for (s, b) in &answers {
        assert_eq!(
            (*s, b["error"]["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("otp_wrong")),
            "{b}"
        );
        assert_eq!(b["error"], answers[0].1["error"], "one answer for every failure");
    }
    // The victim's code still works from their own address.
    let (s, b) = type_code(&env, &home, victim, &code).await;
    assert_eq!(s, StatusCode::CREATED, "{b}");

    // A used code, an expired one and a phone that never asked: the same answer as a wrong code.
    let (_, used) = type_code(&env, &home, victim, &code).await;
    let (_, never) = type_code(&env, &home, "0915600002", "123456").await;
    assert_eq!(
        ask_code(&env, &home, "0915600003", false).await.0,
        StatusCode::ACCEPTED
    );
    let late = env.last_code("+84915600003");
    env.clock.advance(Duration::minutes(6));
    let (_, expired) = type_code(&env, &home, "0915600003", &late).await;
    for b in [used, never, expired] {
        assert_eq!(b["error"], answers[0].1["error"], "{b}");
    }
}

/// Item 11: someone who read a victim's pseudonym off their pending code and uploaded it in a declaration
/// of their own cannot have it signed, and the victim's own request still succeeds afterwards; a code
/// without initials or birth year is not signed.
async fn pseudonyms_belong_to_their_declaration(env: Env) {
    let at = t0() - Duration::hours(1);
    let (victim, _) = account(&env, "0915700001").await;
    let decl_id = Uuid::new_v4();
    let d = declaration(
        decl_id,
        Uuid::new_v4(),
        at,
        "NGUYỄN VĂN A",
        "0915700001",
        "079190001234",
        "12 Lê Lợi",
        "",
    );
    let pseudonym = tokhai_core::Pseudonym::of_declaration(&tokhai_core::DeclarationId::from_uuid(decl_id));
    assert_eq!(d["pseudonym"], json!(pseudonym.to_hex()));
    env.post("/v1/sync/upload", Some(&victim), json!({ "declarations": [d] }))
        .await;
    let payload = tokhai_core::PersonalPayload {
        pseudonym,
        issued_at: t0(),
        declared_at: at,
        status: tokhai_core::PersonalStatus::Symptoms,
        expires_at: t0() + Duration::days(1),
        initials: "NVA".into(),
        birth_year: Some(1990),
    };
    let pending = |p: &tokhai_core::PersonalPayload| json!({ "pending": tokhai_core::encode_pending_personal(p).unwrap().as_str() });

    // The thief copies the pseudonym into a declaration of the same minute, name and birth year.
    let (thief, _) = account(&env, "0915700002").await;
    let mut stolen = declaration(
        Uuid::new_v4(),
        Uuid::new_v4(),
        at,
        "NGUYỄN VĂN AN",
        "0915700002",
        "079190005678",
        "1 A",
        "",
    );
    stolen["pseudonym"] = json!(pseudonym.to_hex());
    let (_, r) = env
        .post(
            "/v1/sync/upload",
            Some(&thief),
            json!({ "declarations": [stolen] }),
        )
        .await;
    assert_eq!(r["items"][0]["status"], "accepted", "{r}");
    let (s, b) = env
        .post("/v1/sync/personal-code", Some(&thief), pending(&payload))
        .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("pseudonym")),
        "{b}"
    );
    let (s, b) = env
        .post("/v1/sync/personal-code", Some(&victim), pending(&payload))
        .await;
    assert_eq!(s, StatusCode::OK, "{b}");

    // Codes that name nobody.
    for (field, p) in [
        (
            "initials",
            tokhai_core::PersonalPayload {
                initials: String::new(),
                ..payload.clone()
            },
        ),
        (
            "birth_year",
            tokhai_core::PersonalPayload {
                birth_year: None,
                ..payload.clone()
            },
        ),
    ] {
        let (s, b) = env
            .post("/v1/sync/personal-code", Some(&victim), pending(&p))
            .await;
        assert_eq!(
            (s, b["error"]["field"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some(field)),
            "{b}"
        );
    }
}

/// Items 12 and 13: every answer says `Cache-Control: no-store` and `X-Content-Type-Options: nosniff`
/// (tokens, personal data, posters); `/metrics` needs the operator's token on the API's address, and is
/// served without one on its own address; a body over the limit with a `Content-Length` gets the JSON
/// error body.
async fn answers_are_not_cached_or_sniffed(env: Env) {
    let Some(env) = Env::with_config(env.db, |c| {
        c.metrics_token = Some("op-secret-token".into());
        c.max_body_bytes = 4096;
    })
    .await
    else {
        return;
    };
    let cp = checkpoint_in(&env, "0915800001", "Chợ", 79, 26743).await;
    let token = env.sign_in("0915800001").await;
    let get = |path: String, token: Option<String>| {
        let mut req = axum::http::Request::get(path);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        req.body(axum::body::Body::empty()).unwrap()
    };
    for path in [
        "/v1/me".to_owned(),
        format!("/v1/checkpoints/{cp}"),
        format!("/v1/checkpoints/{cp}/poster?format=png"),
        "/v1/keys".to_owned(),
        "/healthz".to_owned(),
        "/v1/nothing-here".to_owned(),
    ] {
        let (s, _, h) = env.raw(&env.app, get(path.clone(), Some(token.clone()))).await;
        assert_eq!(h["cache-control"], "no-store", "{path} {s}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path} {s}");
    }
    // The session answer carries a token.
    let (s, _) = env
        .post("/v1/auth/otp", None, json!({ "phone": "0915800002" }))
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
    let code = env.last_code("+84915800002");
    let req = axum::http::Request::post("/v1/auth/session")
        .header("content-type", "application/json")
        .body(axum::body::Body::from(
            json!({ "phone": "0915800002", "code": code }).to_string(),
        ))
        .unwrap();
    let (s, _, h) = env.raw(&env.app, req).await;
    assert_eq!(
        (s, &h["cache-control"]),
        (StatusCode::CREATED, &"no-store".parse().unwrap())
    );

    // /metrics: the operator's token, nothing else.
    let (s, _, _) = env.raw(&env.app, get("/metrics".into(), None)).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _, _) = env
        .raw(&env.app, get("/metrics".into(), Some(token.clone())))
        .await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "a user's session is not the operator's token"
    );
    let (s, text, _) = env
        .raw(&env.app, get("/metrics".into(), Some("op-secret-token".into())))
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(String::from_utf8(text).unwrap().contains("tokhai_http_requests"));
    let own = tokhai_server::metrics_router(env.state.clone());
    let (s, text, h) = env.raw(&own, get("/metrics".into(), None)).await;
    assert_eq!(s, StatusCode::OK);
    assert!(String::from_utf8(text).unwrap().contains("tokhai_http_requests"));
    assert_eq!(h["cache-control"], "no-store");

    // Item 12: too large, announced by Content-Length: a JSON error body.
    let big = "x".repeat(10_000);
    let req = axum::http::Request::post("/v1/sync/upload")
        .header("content-type", "application/json")
        .header("content-length", big.len().to_string())
        .header("authorization", format!("Bearer {token}"))
        .body(axum::body::Body::from(big))
        .unwrap();
    let (s, body, h) = env.raw(&env.app, req).await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        h["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json"),
        "{h:?}"
    );
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "payload_too_large", "{body}");
}

/// Item 8: an edit is checked with the registration's rule: a name too long for the checkpoint's code is
/// refused (at 721cdf9 it answered 500 and was saved, and the checkpoint's pages answered 500 after).
async fn checkpoint_edits_follow_the_registration_rule(env: Env) {
    let cp = checkpoint_in(&env, "0915900001", "Nhà văn hóa", 79, 26743).await;
    let manager = env.sign_in("0915900001").await;
    let mut fields = crate::support::child_body("Nhà văn hóa");
    // Under the 200 characters of the text rule, over the 180 bytes a code holds.
    fields["name"] = json!("N".repeat(199));
    let (s, b) = env
        .call(
            axum::http::Method::PUT,
            &format!("/v1/checkpoints/{cp}"),
            Some(&manager),
            Some(fields),
        )
        .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("name")),
        "{b}"
    );
    let (s, b) = env.get(&format!("/v1/checkpoints/{cp}"), Some(&manager)).await;
    assert_eq!(
        (s, b["name"].as_str()),
        (StatusCode::OK, Some("Nhà văn hóa")),
        "{b}"
    );
    let (s, _) = env.get("/v1/checkpoints", Some(&manager)).await;
    assert_eq!(s, StatusCode::OK);
    // Bidirectional controls in a name (U+202E turns what follows around) are refused too (item 16).
    let mut fields = crate::support::child_body("x");
    fields["name"] = json!("Quán \u{202e}ềhp àc");
    let (s, b) = env
        .call(
            axum::http::Method::PUT,
            &format!("/v1/checkpoints/{cp}"),
            Some(&manager),
            Some(fields),
        )
        .await;
    assert_eq!(
        (s, b["error"]["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("name")),
        "{b}"
    );
}

/// Item 9: dates far outside any plausible window are refused with the field named, never a panic: a
/// case tested in year +262142, 0 or 9999, and area queries for such days.
async fn dates_are_plausible(env: Env) {
    let (officer_token, _) = officer(
        &env,
        "0916900099",
        &[Scope {
            province: 79,
            ward: 0,
        }],
    )
    .await;
    account(&env, "0916900001").await;
    for date in ["+262142-12-31", "0000-01-01", "9999-12-31", "-0001-06-01"] {
        let mut body = case_body("0916900001", 79, 26743);
        body["test_date"] = json!(date);
        let (s, b) = env.post("/v1/cases", Some(&officer_token), body.clone()).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{date}: {b}");
        body["test_date"] = json!(t0().date_naive());
        body["symptom_onset"] = json!(date);
        let (s, b) = env.post("/v1/cases", Some(&officer_token), body).await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{date}: {b}");
    }
    for q in ["day=9999-12-31", "day=0000-01-01", "day=%2B262142-12-31"] {
        let (s, b) = env
            .get(
                &format!("/v1/officer/quarantine?province=79&{q}"),
                Some(&officer_token),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {b}");
    }
    for q in [
        "from=9999-12-30T00:00:00Z&to=9999-12-31T00:00:00Z",
        "from=0000-01-01T00:00:00Z&to=0000-01-02T00:00:00Z",
    ] {
        let (s, b) = env
            .get(
                &format!("/v1/officer/aggregates?province=79&{q}"),
                Some(&officer_token),
            )
            .await;
        assert_eq!(s, StatusCode::UNPROCESSABLE_ENTITY, "{q}: {b}");
    }
}

/// Item 17: the server's folder is created 0700, its SQLite file (and the files SQLite makes beside it)
/// and its key file 0600: nobody else on the machine reads them.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_database_is_private() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("server-data");
    let db = data.join("tokhai.sqlite3");
    let config =
        tokhai_server::Config::for_tests(tokhai_server::store::StoreUrl::Sqlite(db.clone()), data.clone());
    let state = tokhai_server::build_state(&config).await.unwrap();
    // Something written, so that the WAL exists.
    state
        .store()
        .meta_insert_or_get("probe", b"x".to_vec())
        .await
        .unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "data folder");
    assert_eq!(mode(&db), 0o600, "database file");
    assert_eq!(mode(&config.kek_file), 0o600, "key file");
    for extra in ["tokhai.sqlite3-wal", "tokhai.sqlite3-shm"] {
        let p = data.join(extra);
        if p.exists() {
            assert_eq!(mode(&p) & 0o077, 0, "{extra}");
        }
    }
    drop(state);
}

/// Item 5: scripts and tests register checkpoints with an administrator command on the server's machine
/// (no captcha), checked like the API's registration and written to the audit log.
async fn admin_registers_a_checkpoint_without_a_captcha(env: Env) {
    use tokhai_server::store::StoreUrl;
    let dir = tempfile::tempdir().unwrap();
    let (url, _pg) = match env.db {
        crate::support::Db::Sqlite => (StoreUrl::Sqlite(dir.path().join("server.sqlite3")), None),
        crate::support::Db::Postgres => {
            let Some(pg) = tokhai_server::testing::PgTestDb::create("tokhai_admin_cp").await else {
                return;
            };
            (StoreUrl::Postgres(pg.url()), Some(pg))
        }
    };
    let config = tokhai_server::Config::for_tests(url, dir.path().to_owned());
    drop(tokhai_server::build_state(&config).await.unwrap());
    let cmd = |ward: u32, name: &str| tokhai_server::AdminCommand::RegisterCheckpoint {
        phone: "0917700001".into(),
        name: name.into(),
        kind: "market".into(),
        province: 79,
        ward,
        street: "Lê Lợi".into(),
        stay_minutes: Some(60),
    };
    let out = tokhai_server::admin(config.clone(), cmd(26743, "Chợ Bến Thành"))
        .await
        .unwrap();
    let id: i64 = out
        .lines()
        .find_map(|l| l.strip_prefix("checkpoint "))
        .and_then(|l| l.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{out}"));
    assert!(out.contains("code: TK"), "{out}");
    // The same checks as the API: a ward of another province, a name with a bidi control.
    assert!(
        tokhai_server::admin(config.clone(), cmd(229, "Chợ"))
            .await
            .is_err()
    );
    assert!(
        tokhai_server::admin(config.clone(), cmd(26743, "Chợ \u{202e}x"))
            .await
            .is_err()
    );
    let state = tokhai_server::build_state(&config).await.unwrap();
    let cp = state.store().checkpoint(id).await.unwrap().unwrap();
    assert_eq!(cp.info.name, "Chợ Bến Thành");
    let log = state.store().audit_log(0, 100).await.unwrap();
    let entry = log
        .iter()
        .find(|a| a.action == "checkpoint_register_admin")
        .unwrap();
    assert_eq!(entry.officer_id, cp.manager_id);
    assert!(entry.purpose.contains(&format!("checkpoint {id}")), "{entry:?}");
}
