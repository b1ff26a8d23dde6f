//! Migration 3 (the official 2025 ward codes, ADR 0011) over data stored in the old numbering: the SQL
//! half (checkpoints, safety levels) and the start-up half (sealed declarations, episodes' areas).

use std::sync::Arc;

use axum::http::StatusCode;
use serde_json::json;
use tokhai_core::{DeclarationRecord, FixedClock, UnitScheme, units};
use tokhai_server::store::{Backend, Postgres, Sqlite, StoreUrl, Value, migrate, open_store};
use tokhai_server::testing::PgTestDb;
use tokhai_server::{AppState, Config, DevSms, Kek};

use crate::support::{Db, Env, declaration, t0};

async fn state(url: &StoreUrl, dir: &std::path::Path, kek: &Kek, sms: &DevSms) -> AppState {
    let store = open_store(url, 4).await.unwrap();
    let config = Config::for_tests(url.clone(), dir.to_owned());
    AppState::new(
        config,
        store,
        Arc::new(FixedClock::new(t0())),
        kek,
        Arc::new(sms.clone()),
    )
    .await
    .unwrap()
    .with_captcha_peek()
}

fn backend(url: &StoreUrl) -> Arc<dyn Backend> {
    match url {
        StoreUrl::Sqlite(path) => Arc::new(Sqlite::open(path).unwrap()),
        StoreUrl::Postgres(u) => Arc::new(Postgres::connect(u, 2).unwrap()),
    }
}

/// Forgets that migration 3 ran, so that it runs again over the rows as they are (as if they were in the
/// old numbering), as on a server upgraded from version 2.
async fn rerun_migration_3(url: &StoreUrl) {
    let backend = backend(url);
    let mut tx = backend.begin().await.unwrap();
    tx.execute(
        "DELETE FROM schema_migrations WHERE version = $1",
        vec![Value::I64(3)],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    migrate(backend.as_ref()).await.unwrap();
}

async fn old_codes_come_out_official(db: Db) {
    let dir = tempfile::tempdir().unwrap();
    let (url, _pg) = match db {
        Db::Sqlite => (StoreUrl::Sqlite(dir.path().join("t.sqlite3")), None),
        Db::Postgres => {
            let Some(pg) = PgTestDb::create("tokhai_units").await else {
                return;
            };
            (StoreUrl::Postgres(pg.url()), Some(pg))
        }
    };
    let kek = Kek::generate().unwrap();
    let sms = DevSms::new();
    let env = Env::from_state(db, state(&url, dir.path(), &kek, &sms).await, sms.clone());
    let token = env.sign_in("0912100001").await;
    // In the old numbering 226 was Kim Liên (officially 229), 196 Văn Miếu – Quốc Tử Giám (officially 226).
    let mut new = declaration(
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
        t0(),
        "NGUYỄN VĂN A",
        "0912100001",
        "079190001234",
        "1 Kim Liên",
        "",
    );
    new["declaration"]["address"] =
        json!({ "scheme": "v2025", "province": 1, "district": null, "ward": 226, "street": "1 Kim Liên" });
    let mut old = declaration(
        uuid::Uuid::new_v4(),
        uuid::Uuid::new_v4(),
        t0(),
        "NGUYỄN VĂN B",
        "0912100001",
        "079190001235",
        "2 Trung Tự",
        "",
    );
    old["declaration"]["address"] =
        json!({ "scheme": "v2021", "province": 1, "district": 6, "ward": 226, "street": "2 Trung Tự" });
    let (s, body) = env
        .post(
            "/v1/sync/upload",
            Some(&token),
            json!({ "declarations": [new, old] }),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    let (id, answer) = env.captcha().await;
    let mut cp = crate::support::checkpoint_body(&id, &answer, "0912100003", "Chợ Kim Liên");
    cp["province"] = json!(1);
    cp["ward"] = json!(226);
    let (s, body) = env.post("/v1/checkpoints", None, cp).await;
    assert_eq!(s, StatusCode::CREATED, "{body}");
    let cp_id = body["id"].as_i64().unwrap();
    let store = env.state.store().clone();
    store.set_safety_level(1, 196, 3, 1, 0).await.unwrap();
    drop(store);
    drop(env);

    rerun_migration_3(&url).await;
    let state = self::state(&url, dir.path(), &kek, &sms).await;
    let store = state.store();
    let list = units(UnitScheme::V2025);
    let account = store.declarations_in_wards(&[226, 229]).await.unwrap();
    let mut seen = Vec::new();
    for row in account {
        let plain = state.sealer().open("declarations", &row.id, &row.sealed).unwrap();
        let record: DeclarationRecord = serde_json::from_slice(&plain).unwrap();
        let a = &record.declaration.address;
        assert_eq!(i64::from(a.ward), row.ward, "column and sealed body agree");
        seen.push((a.scheme, a.ward));
    }
    seen.sort_by_key(|&(_, w)| w);
    assert_eq!(seen, [(UnitScheme::V2021, 226), (UnitScheme::V2025, 229)]);
    assert_eq!(list.ward(229).unwrap().name(), "Phường Kim Liên");
    let cp = store.checkpoint(cp_id).await.unwrap().unwrap();
    assert_eq!(cp.info.ward, 229, "the market of Kim Liên");
    let levels = backend(&url)
        .query("SELECT ward, level FROM safety_levels", vec![])
        .await
        .unwrap();
    let levels: Vec<(i64, i64)> = levels
        .iter()
        .map(|r| (r.i64(0).unwrap(), r.i64(1).unwrap()))
        .collect();
    assert_eq!(levels, [(226, 3)]);
    assert_eq!(list.ward(226).unwrap().name(), "Phường Văn Miếu - Quốc Tử Giám");
    assert!(!store.ward_codes_pending().await.unwrap());

    // Opening again changes nothing more (229 stays, and the declaration's 229 is not mapped again).
    drop(state);
    let state = self::state(&url, dir.path(), &kek, &sms).await;
    assert_eq!(
        state.store().checkpoint(cp_id).await.unwrap().unwrap().info.ward,
        229
    );
    let wards: Vec<i64> = state
        .store()
        .declarations_in_wards(&[226, 229])
        .await
        .unwrap()
        .iter()
        .map(|r| r.ward)
        .collect();
    assert_eq!(wards.len(), 2);
    assert!(wards.contains(&229) && wards.contains(&226));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_codes_come_out_official_sqlite() {
    old_codes_come_out_official(Db::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_codes_come_out_official_postgres() {
    old_codes_come_out_official(Db::Postgres).await;
}

/// One-time codes go by SMS: a landline is refused with its own code, before any code is made.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn otp_needs_a_mobile_number() {
    let env = Env::new(Db::Sqlite).await.unwrap();
    for landline in ["024 3825 1234", "(028) 3829 1234", "+84 236 382 5123"] {
        let (s, b) = env.post("/v1/auth/otp", None, json!({ "phone": landline })).await;
        assert_eq!(
            (s, b["error"]["code"].as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, Some("phone_not_mobile")),
            "{landline}"
        );
        assert!(b["error"]["vi"].as_str().unwrap().contains("di động"), "{b}");
    }
    // Pasted forms of a mobile number work.
    let (s, _) = env
        .post(
            "/v1/auth/otp",
            None,
            json!({ "phone": "\u{200e}(84) 0912\u{2013}100\u{2013}002" }),
        )
        .await;
    assert_eq!(s, StatusCode::ACCEPTED);
}
