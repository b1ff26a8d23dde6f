//! What health officers enter is checked with core's rules (issue 9, item 7): cases (area from the unit
//! list, plausible test and onset dates, one case per infection), safety levels (real wards of the given
//! province) and exposure windows (in the case's infectious past). Refusals are bilingual 422s naming the
//! field, and store nothing.

use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDate};
use serde_json::{Value, json};
use tokhai_server::store::Scope;

use crate::support::{Env, both, t0};

both!(officer_input_is_checked, one_case_per_infection);

/// Signs `phone` in as a health officer for all of province 79; its token.
async fn officer(env: &Env, phone: &str) -> String {
    let token = env.sign_in(phone).await;
    let id = env.get("/v1/me", Some(&token)).await.1["id"].as_i64().unwrap();
    env.state
        .store()
        .set_scopes(
            id,
            &[Scope {
                province: 79,
                ward: 0,
            }],
        )
        .await
        .unwrap();
    token
}

fn case(phone: &str, province: u32, ward: u32, test: NaiveDate, onset: Option<NaiveDate>) -> Value {
    json!({ "phone": phone, "province": province, "ward": ward, "test_date": test, "symptom_onset": onset,
            "purpose": "case_investigation: điều tra dịch tễ" })
}

/// A 422 `invalid_field` naming `field`, Vietnamese and English.
fn assert_field(status: StatusCode, body: &Value, field: &str) {
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let e = &body["error"];
    assert_eq!(e["code"], "invalid_field", "{body}");
    assert_eq!(e["field"], field, "{body}");
    let (vi, en) = (e["vi"].as_str().unwrap(), e["en"].as_str().unwrap());
    assert!(vi.contains(&format!("«{field}»")) && vi.contains("không"), "{vi}");
    assert!(en.contains(&format!("“{field}”")), "{en}");
}

async fn officer_input_is_checked(env: Env) {
    let token = officer(&env, "0917000099").await;
    env.sign_in("0917000001").await;
    let today = t0().date_naive();
    let day = |n: i64| today - Duration::days(n);
    let p = "0917000001";
    let refused: [(Value, &str, &str); 7] = [
        (
            case(p, 79, 26743, NaiveDate::from_ymd_opt(2030, 1, 1).unwrap(), None),
            "test_date",
            "sau hôm nay",
        ),
        (case(p, 79, 26743, day(400), None), "test_date", "ngày trước"),
        (
            case(p, 79, 26743, day(3), Some(day(1))),
            "symptom_onset",
            "sau ngày xét nghiệm",
        ),
        (
            case(p, 79, 26743, day(3), Some(day(60))),
            "symptom_onset",
            "trước ngày xét nghiệm",
        ),
        // 229 (Kim Liên) is a ward of Hà Nội; 99999 is no ward; 999 no province.
        (case(p, 79, 229, day(1), None), "ward", "không thuộc tỉnh"),
        (case(p, 79, 99999, day(1), None), "ward", "Không tìm thấy phường"),
        (
            case(p, 999, 26743, day(1), None),
            "province",
            "Không tìm thấy tỉnh",
        ),
    ];
    for (body, field, words) in refused {
        let (s, b) = env.post("/v1/cases", Some(&token), body).await;
        assert_field(s, &b, field);
        assert!(b["error"]["vi"].as_str().unwrap().contains(words), "{b}");
    }
    let (s, created) = env
        .post(
            "/v1/cases",
            Some(&token),
            case(p, 79, 26743, day(1), Some(day(2))),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{created}");
    let case_id = created["id"].as_i64().unwrap();

    // Safety levels: real wards of the given province only.
    let level = |province: i64, ward: i64| json!({ "province": province, "ward": ward, "level": 3 });
    let put = |body: Value| env.call(Method::PUT, "/v1/officer/safety-levels", Some(&token), Some(body));
    let (s, b) = put(level(79, 229)).await;
    assert_field(s, &b, "ward");
    let (s, b) = put(level(79, 99999)).await;
    assert_field(s, &b, "ward");
    let (s, b) = put(level(79, -5)).await;
    assert_field(s, &b, "ward");
    let (s, b) = put(level(999, 26743)).await;
    assert_field(s, &b, "province");
    // A real ward of another province is out of this officer's scope.
    let (s, b) = put(level(1, 229)).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("out_of_scope"))
    );
    assert_eq!(put(level(79, 26743)).await.0, StatusCode::NO_CONTENT);

    // Areas asked about exist too.
    let (s, b) = env
        .get("/v1/officer/aggregates?province=79&ward=99999", Some(&token))
        .await;
    assert_field(s, &b, "ward");
    let (s, b) = env.get("/v1/officer/quarantine?province=999", Some(&token)).await;
    assert_field(s, &b, "province");

    // Exposure windows: ended, at most 7 days, not before the case was infectious (2 days before onset).
    let cp = env.register("0917000050", "Chợ").await["id"].as_i64().unwrap();
    let path = format!("/v1/cases/{case_id}/exposures");
    let window = |from, to| json!({ "checkpoint": cp, "starts_at": from, "ends_at": to, "advice": "Theo dõi sức khỏe" });
    let y2031 = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2031, 1, 1, 8, 0, 0).unwrap();
    let (s, b) = env
        .post(&path, Some(&token), window(y2031, y2031 + Duration::hours(2)))
        .await;
    assert_field(s, &b, "ends_at");
    assert!(b["error"]["en"].as_str().unwrap().contains("future"), "{b}");
    let (s, b) = env
        .post(
            &path,
            Some(&token),
            window(t0() - Duration::hours(1), t0() + Duration::hours(2)),
        )
        .await;
    assert_field(s, &b, "ends_at");
    let (s, b) = env
        .post(
            &path,
            Some(&token),
            window(
                t0() - Duration::days(5),
                t0() - Duration::days(5) + Duration::hours(1),
            ),
        )
        .await;
    assert_field(s, &b, "starts_at");
    let (s, b) = env
        .post(
            &path,
            Some(&token),
            window(t0() - Duration::hours(3), t0() - Duration::hours(1)),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");

    // Nothing refused was stored: one case, one safety level, one exposure in the feed.
    let (_, feed) = env.get("/v1/sync/pull", None).await;
    let items = feed["items"].as_array().unwrap();
    let kinds = |k: &str| items.iter().filter(|i| i["kind"] == k).count();
    assert_eq!((kinds("safety_level"), kinds("exposure")), (1, 1), "{feed}");
    let log = env.state.store().audit_log(0, 100).await.unwrap();
    assert_eq!(log.iter().filter(|a| a.action == "case_create").count(), 1);
}

async fn one_case_per_infection(env: Env) {
    let token = officer(&env, "0917100099").await;
    let person = env.sign_in("0917100001").await;
    env.sign_in("0917100002").await;
    let today = t0().date_naive();
    let (s, first) = env
        .post(
            "/v1/cases",
            Some(&token),
            case("0917100001", 79, 26743, today, None),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{first}");
    let first_id = first["id"].as_i64().unwrap();
    // The same person again, by phone or by pseudonym, tested days apart: refused, naming the case.
    let subject = env.get("/v1/me", Some(&person)).await.1["subject"].clone();
    let again = [
        case("0917100001", 79, 26743, today - Duration::days(3), None),
        json!({ "subject": subject, "province": 79, "ward": 26743, "test_date": today, "symptom_onset": null,
                "purpose": "case_investigation: điều tra dịch tễ" }),
    ];
    for body in again {
        let (s, b) = env.post("/v1/cases", Some(&token), body).await;
        assert_eq!(s, StatusCode::CONFLICT, "{b}");
        assert_eq!(b["error"]["code"], "case_exists");
        assert_eq!(b["error"]["case_id"], first_id);
        assert!(
            b["error"]["vi"]
                .as_str()
                .unwrap()
                .contains(&format!("số {first_id}")),
            "{b}"
        );
        assert!(
            b["error"]["en"]
                .as_str()
                .unwrap()
                .contains(&format!("case {first_id}")),
            "{b}"
        );
    }
    // Two officers registering the same person at once make one case.
    env.sign_in("0917100003").await;
    let body = || case("0917100003", 79, 26743, today, None);
    let (a, b) = tokio::join!(
        env.post("/v1/cases", Some(&token), body()),
        env.post("/v1/cases", Some(&token), body())
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::CONFLICT],
        "{} {}",
        a.1,
        b.1
    );
    // Another person is another case.
    let (s, b) = env
        .post(
            "/v1/cases",
            Some(&token),
            case("0917100002", 79, 26743, today, None),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{b}");
    let subject = base64_decode(&subject);
    assert_eq!(
        env.state.store().cases_of_subject(&subject).await.unwrap().len(),
        1
    );
}

fn base64_decode(v: &Value) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(v.as_str().unwrap())
        .unwrap()
}
