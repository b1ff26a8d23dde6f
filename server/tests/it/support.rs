//! Test environment: a fresh database (SQLite file or a uniquely named PostgreSQL database, dropped
//! afterwards), the router with a fixed clock and the development SMS sender, and request helpers.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::connect_info::MockConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use chrono::{DateTime, TimeZone, Utc};
use http_body_util::BodyExt;
use serde_json::{Value, json};
use tokhai_core::FixedClock;
use tokhai_server::store::{StoreUrl, open_store};
use tokhai_server::testing::PgTestDb;
use tokhai_server::{AppState, Config, DevSms, Kek, router};
use tower::ServiceExt;

/// Which database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Db {
    Sqlite,
    Postgres,
}

/// Runs `$test(env)` against SQLite and PostgreSQL.
macro_rules! both {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    if let Some(env) = crate::support::Env::new(crate::support::Db::Sqlite).await {
                        super::$name(env).await;
                    }
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    if let Some(env) = crate::support::Env::new(crate::support::Db::Postgres).await {
                        super::$name(env).await;
                    }
                }
            }
        )*
    };
}
pub(crate) use both;

/// `body`, a real answer of the server, is exactly what the sync protocol's type `type_name` encodes
/// (`tokhai_core::protocol`, which the client decodes with): no field the client would not read, none
/// missing, every feed entry's body readable and re-encoded the same (`protocol::roundtrip`).
pub(crate) fn assert_protocol(type_name: &str, body: &Value) {
    if let Err(e) = tokhai_server::protocol::roundtrip(type_name, body) {
        panic!("{type_name}: {e}\n{body}");
    }
}

/// The fixed start time of every test.
pub(crate) fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 20, 8, 0, 0).unwrap()
}

/// One test's server.
pub(crate) struct Env {
    pub(crate) db: Db,
    pub(crate) state: AppState,
    pub(crate) app: Router,
    pub(crate) sms: DevSms,
    pub(crate) clock: Arc<FixedClock>,
    pub(crate) dir: tempfile::TempDir,
    pub(crate) pg: Option<PgTestDb>,
}

impl Env {
    pub(crate) async fn new(db: Db) -> Option<Self> {
        Self::with_config(db, |_| {}).await
    }

    pub(crate) async fn with_config(db: Db, tweak: impl FnOnce(&mut Config)) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let (url, pg) = match db {
            Db::Sqlite => (StoreUrl::Sqlite(dir.path().join("t.sqlite3")), None),
            Db::Postgres => {
                let pg = PgTestDb::create("tokhai_t").await?;
                (StoreUrl::Postgres(pg.url()), Some(pg))
            }
        };
        let mut config = Config::for_tests(url.clone(), dir.path().to_owned());
        tweak(&mut config);
        let store = open_store(&url, 8).await.unwrap();
        let clock = Arc::new(FixedClock::new(t0()));
        let sms = DevSms::new();
        let kek = Kek::generate().unwrap();
        let state = AppState::new(config, store, clock.clone(), &kek, Arc::new(sms.clone()))
            .await
            .unwrap()
            .with_captcha_peek();
        let app = router(state.clone()).layer(MockConnectInfo(SocketAddr::from(([198, 51, 100, 7], 4000))));
        Some(Self {
            db,
            state,
            app,
            sms,
            clock,
            dir,
            pg,
        })
    }

    /// An environment around a state built elsewhere (its own database and key) with the SMS sender
    /// that state was given; `clock` here is not that state's.
    pub(crate) fn from_state(db: Db, state: AppState, sms: DevSms) -> Self {
        let app = router(state.clone()).layer(MockConnectInfo(SocketAddr::from(([198, 51, 100, 7], 4000))));
        Self {
            db,
            state,
            app,
            sms,
            clock: Arc::new(FixedClock::new(t0())),
            dir: tempfile::tempdir().unwrap(),
            pg: None,
        }
    }

    /// The same service seen from another client address.
    pub(crate) fn app_from(&self, addr: [u8; 4]) -> Router {
        router(self.state.clone()).layer(MockConnectInfo(SocketAddr::from((addr, 4000))))
    }

    pub(crate) async fn raw(
        &self,
        app: &Router,
        req: Request<Body>,
    ) -> (StatusCode, Vec<u8>, axum::http::HeaderMap) {
        let resp = app.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, bytes, headers)
    }

    pub(crate) async fn call_on(
        &self,
        app: &Router,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut req = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string()))
                .unwrap(),
            None => req.body(Body::empty()).unwrap(),
        };
        let (status, bytes, _) = self.raw(app, req).await;
        let value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        (status, value)
    }

    pub(crate) async fn call(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call_on(&self.app, method, path, token, body).await
    }

    pub(crate) async fn get(&self, path: &str, token: Option<&str>) -> (StatusCode, Value) {
        self.call(Method::GET, path, token, None).await
    }

    pub(crate) async fn post(&self, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
        self.call(Method::POST, path, token, Some(body)).await
    }

    /// The code the development sender sent to `e164`.
    pub(crate) fn last_code(&self, e164: &str) -> String {
        let msg = self.sms.last_to(e164).expect("a code was sent");
        msg.split(|c: char| !c.is_ascii_digit())
            .find(|w| w.len() == 6)
            .unwrap()
            .to_owned()
    }

    /// Signs in by one-time code; returns the session token.
    pub(crate) async fn sign_in(&self, phone: &str) -> String {
        let (s, sent) = self.post("/v1/auth/otp", None, json!({ "phone": phone })).await;
        assert_eq!(s, StatusCode::ACCEPTED);
        assert_protocol("OtpSent", &sent);
        let e164 = format!("+84{}", &phone[1..]);
        let code = self.last_code(&e164);
        let (s, body) = self
            .post("/v1/auth/session", None, json!({ "phone": phone, "code": code }))
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        assert_protocol("SessionCreated", &body);
        body["token"].as_str().unwrap().to_owned()
    }

    /// A solved captcha: (id, answer).
    pub(crate) async fn captcha(&self) -> (String, String) {
        let (s, body) = self.call(Method::POST, "/v1/captcha", None, None).await;
        assert_eq!(s, StatusCode::CREATED);
        let id = body["id"].as_str().unwrap().to_owned();
        let answer = self.state.peek_captcha(&id).unwrap();
        (id, answer)
    }

    /// Registers a checkpoint for `phone`; returns its view.
    pub(crate) async fn register(&self, phone: &str, name: &str) -> Value {
        let (id, answer) = self.captcha().await;
        let (s, body) = self
            .post(
                "/v1/checkpoints",
                None,
                checkpoint_body(&id, &answer, phone, name),
            )
            .await;
        assert_eq!(s, StatusCode::CREATED, "{body}");
        body
    }
}

pub(crate) fn checkpoint_body(captcha_id: &str, answer: &str, phone: &str, name: &str) -> Value {
    json!({
        "captcha_id": captcha_id, "captcha_answer": answer, "phone": phone,
        "name": name, "kind": "market", "scheme": "v2025", "province": 79, "ward": 26743,
        "latitude": 10.772, "longitude": 106.698, "street": "Lê Lợi", "description": "cổng Bắc",
        "default_stay_minutes": 60
    })
}

pub(crate) fn child_body(name: &str) -> Value {
    json!({ "name": name, "kind": "office", "scheme": "v2025", "province": 79, "ward": 26743, "street": "Lê Lợi" })
}

/// A visit as the app sends it.
pub(crate) fn visit(
    id: uuid::Uuid,
    checkpoint: i64,
    cin: DateTime<Utc>,
    cout: Option<DateTime<Utc>>,
) -> Value {
    json!({
        "id": id,
        "checkpoint": { "id": checkpoint, "parent": null, "name": "x", "kind": "market", "ward": 26743,
                        "street": "Lê Lợi", "default_stay_minutes": 60 },
        "checked_in_at": cin, "checked_out_at": cout,
        "end": if cout.is_some() { "checked_out" } else { "open" }, "edited": false
    })
}

/// A declaration record as the app sends it.
#[allow(clippy::too_many_arguments)]
pub(crate) fn declaration(
    id: uuid::Uuid,
    person: uuid::Uuid,
    at: DateTime<Utc>,
    name: &str,
    phone: &str,
    id_number: &str,
    street: &str,
    other: &str,
) -> Value {
    json!({
        "id": id, "person": person, "declared_at": at, "supersedes": null,
        // Derived from the declaration's id, as the app does (`Pseudonym::of_declaration`).
        "pseudonym": tokhai_core::Pseudonym::of_declaration(&tokhai_core::DeclarationId::from_uuid(id)).to_hex(),
        "declaration": {
            "full_name": name, "id_number": { "kind": "cccd", "number": id_number }, "birth_year": 1990,
            "sex": "female", "nationality": "VN",
            "address": { "scheme": "v2025", "province": 79, "district": null, "ward": 26743, "street": street },
            "phone": phone, "email": null, "travel": [],
            "symptoms": { "fever": true, "cough": false, "shortness_of_breath": false, "pneumonia": false,
                          "sore_throat": false, "fatigue": false, "loss_of_taste_or_smell": false, "other": other },
            "exposure": { "confirmed_or_suspected_case": false, "person_from_country_with_cases": false,
                          "person_with_symptoms": false },
            "chronic_conditions": [], "pregnant": null
        }
    })
}
