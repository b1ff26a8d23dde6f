//! Deleting an account's data on request (`DELETE /v1/me`): what the account uploaded goes, other
//! people's data and the health authority's records stay, and the answer says what is kept and why.

use axum::http::{Method, StatusCode};
use base64::Engine as _;
use chrono::Duration;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::support::{Env, assert_protocol, both, declaration, t0, visit};

both!(deletion_removes_the_accounts_data, a_manager_keeps_the_account);

fn subject_of(me: &Value) -> Vec<u8> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(me["subject"].as_str().unwrap())
        .unwrap()
}

fn report(episode: Uuid, day: chrono::NaiveDate) -> Value {
    json!({ "id": Uuid::new_v4(), "episode": episode, "day": day, "reported_at": t0(), "temperature_decidegrees": 372,
            "symptoms": { "fever": false, "cough": true, "shortness_of_breath": false, "pneumonia": false,
                          "sore_throat": false, "fatigue": false, "loss_of_taste_or_smell": false, "other": null },
            "note": null })
}

async fn deletion_removes_the_accounts_data(env: Env) {
    let cp = env.register("0912600001", "Chợ").await["id"].as_i64().unwrap();
    let token = env.sign_in("0912600002").await;
    let other = env.sign_in("0912600003").await;
    let me = env.get("/v1/me", Some(&token)).await.1;
    let subject = subject_of(&me);
    let account_id = me["id"].as_i64().unwrap();
    let person = Uuid::new_v4();
    let episode = Uuid::new_v4();
    let day = t0().date_naive();
    let batch = json!({
        "declarations": [declaration(Uuid::new_v4(), person, t0() - Duration::hours(1), "NGUYỄN VĂN A",
                                     "0912600002", "079190001234", "12 Lê Lợi", "")],
        "episodes": [{ "id": episode, "person": person, "kind": "home", "place": null, "start": day,
                       "expected_end": day + Duration::days(13), "ended_on": null, "utc_offset_minutes": 420 }],
        "visits": [visit(Uuid::new_v4(), cp, t0() - Duration::hours(2), Some(t0() - Duration::hours(1)))],
        "reports": [report(episode, day)],
    });
    let (s, b) = env.post("/v1/sync/upload", Some(&token), batch).await;
    assert_eq!(s, StatusCode::OK, "{b}");
    // Someone else's visit at the same place.
    let theirs = json!({ "visits": [visit(Uuid::new_v4(), cp, t0() - Duration::hours(2), None)] });
    assert_eq!(
        env.post("/v1/sync/upload", Some(&other), theirs).await.0,
        StatusCode::OK
    );
    let store = env.state.store();
    let from = (t0() - Duration::days(1)).timestamp_millis();
    let to = (t0() + Duration::days(1)).timestamp_millis();
    assert_eq!(store.declarations_of(account_id).await.unwrap().len(), 1);
    assert_eq!(
        store.visits_of_subject(&subject, from, to).await.unwrap().len(),
        1
    );

    // Without a session: refused.
    assert_eq!(
        env.call(Method::DELETE, "/v1/me", None, None).await.0,
        StatusCode::UNAUTHORIZED
    );
    let (s, answer) = env.call(Method::DELETE, "/v1/me", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{answer}");
    assert_protocol("AccountDeleted", &answer);
    assert_eq!(answer["deleted"]["declarations"], 1, "{answer}");
    assert_eq!(answer["deleted"]["visits"], 1);
    assert_eq!(answer["deleted"]["episodes"], 1);
    assert_eq!(answer["deleted"]["reports"], 1);
    assert_eq!(answer["deleted"]["sessions"], 1);
    assert_eq!(answer["account_removed"], true);
    let kept: Vec<&str> = answer["kept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["what"].as_str().unwrap())
        .collect();
    assert_eq!(kept, ["cases", "audit_log", "staff_lists"]);
    for k in answer["kept"].as_array().unwrap() {
        assert!(!k["vi"].as_str().unwrap().is_empty() && !k["en"].as_str().unwrap().is_empty());
    }

    // Gone from the store; the token is dead; the other account's visit stays.
    assert!(store.declarations_of(account_id).await.unwrap().is_empty());
    assert!(
        store
            .visits_of_subject(&subject, from, to)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(store.account(account_id).await.unwrap().is_none());
    assert_eq!(env.get("/v1/me", Some(&token)).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(env.get("/v1/me", Some(&other)).await.0, StatusCode::OK);
    assert_eq!(
        store
            .visits_overlapping(&[cp], from, to, 100)
            .await
            .unwrap()
            .len(),
        1
    );
    // Signing in again starts a new, empty account.
    let again = env.sign_in("0912600002").await;
    let me2 = env.get("/v1/me", Some(&again)).await.1;
    assert_ne!(subject_of(&me2), subject);
    assert!(
        store
            .declarations_of(me2["id"].as_i64().unwrap())
            .await
            .unwrap()
            .is_empty()
    );
}

async fn a_manager_keeps_the_account(env: Env) {
    let cp = env.register("0912600011", "Nhà sách").await["id"]
        .as_i64()
        .unwrap();
    let token = env.sign_in("0912600011").await;
    let (s, answer) = env.call(Method::DELETE, "/v1/me", Some(&token), None).await;
    assert_eq!(s, StatusCode::OK, "{answer}");
    assert_eq!(answer["account_removed"], false);
    assert!(
        answer["kept"]
            .as_array()
            .unwrap()
            .iter()
            .any(|k| k["what"] == "account")
    );
    // The checkpoint still works, and its manager can sign in again to manage it.
    let token = env.sign_in("0912600011").await;
    let (s, mine) = env.get("/v1/checkpoints", Some(&token)).await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(mine.as_array().unwrap()[0]["id"].as_i64(), Some(cp), "{mine}");
}
