//! `tokhai-server admin …` (issue 9, items 8 and 9): scopes are checked against the unit list, granting
//! and revoking are separate audited acts, an existing officer's scopes are not silently replaced; admin
//! commands open the server's existing database only, never create one, and say which one they changed;
//! the server reads `TOKHAI_SERVER_DATA_DIR`, not the client's `TOKHAI_DATA_DIR`.

use tokhai_server::store::{Scope, StoreUrl, open_existing_store};
use tokhai_server::testing::PgTestDb;
use tokhai_server::{AdminCommand, Config, StartError, admin, build_state};

use crate::support::{Db, Env, both};

both!(
    scopes_are_checked_granted_and_revoked,
    admin_never_creates_a_database
);

/// A fresh database of `env`'s kind that the server has started on once (so it exists, with its key
/// file in `dir`); the configuration an admin command uses for it.
async fn started_server(env: &Env, dir: &std::path::Path) -> Option<(Config, Option<PgTestDb>)> {
    let (url, pg) = match env.db {
        Db::Sqlite => (StoreUrl::Sqlite(dir.join("server.sqlite3")), None),
        Db::Postgres => {
            let pg = PgTestDb::create("tokhai_admin").await?;
            (StoreUrl::Postgres(pg.url()), Some(pg))
        }
    };
    let config = Config::for_tests(url, dir.to_owned());
    drop(build_state(&config).await.unwrap());
    Some((config, pg))
}

fn scopes(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn refused(r: Result<String, StartError>) -> String {
    match r {
        Err(StartError::Refused(m)) => m,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn scopes_are_checked_granted_and_revoked(env: Env) {
    let dir = tempfile::tempdir().unwrap();
    let Some((config, _pg)) = started_server(&env, dir.path()).await else {
        return;
    };
    let run = |cmd| admin(config.clone(), cmd);
    let phone = || "0918000001".to_owned();
    let create = |s: &[&str]| AdminCommand::CreateOfficer {
        phone: phone(),
        scopes: scopes(s),
    };
    // Unknown province, unknown ward, a ward of another province: refused, bilingual, naming the scope.
    for (bad, words) in [
        (
            "999",
            "Không tìm thấy tỉnh/thành phố này. / This province or city does not exist.",
        ),
        ("79:99999", "This ward or commune does not exist."),
        ("79:229", "The ward is not in the chosen province."),
        ("79:abc", "PROVINCE:WARD"),
    ] {
        let m = refused(run(create(&["79", bad])).await);
        assert!(m.contains(&format!("{bad:?}")) && m.contains(words), "{m}");
    }
    let out = run(create(&["79:26743"])).await.unwrap();
    assert!(out.contains("health officer for 79:26743"), "{out}");
    assert!(
        out.contains(&format!("database: {}", config.database.describe())),
        "{out}"
    );
    let account: i64 = out.split_whitespace().nth(1).unwrap().parse().unwrap();
    let state = build_state(&config).await.unwrap();
    let held = || async { state.store().scopes(account).await.unwrap() };
    let ward = Scope {
        province: 79,
        ward: 26743,
    };
    let province_1 = Scope { province: 1, ward: 0 };
    assert_eq!(held().await, [ward]);

    // Creating an existing officer does not replace its scopes.
    let m = refused(run(create(&["79"])).await);
    assert!(
        m.contains("already a health officer for 79:26743") && m.contains("grant-scope"),
        "{m}"
    );
    assert_eq!(held().await, [ward]);

    // Granting adds (all or nothing when one scope is unknown); revoking removes only what is held.
    let grant = |s: &[&str]| AdminCommand::GrantScope {
        phone: phone(),
        scopes: scopes(s),
    };
    let revoke = |s: &[&str]| AdminCommand::RevokeScope {
        phone: phone(),
        scopes: scopes(s),
    };
    refused(run(grant(&["1", "999"])).await);
    assert_eq!(held().await, [ward]);
    let out = run(grant(&["1", "79:26743"])).await.unwrap();
    assert!(out.contains("granted 1; scopes now 1, 79:26743"), "{out}");
    assert_eq!(held().await, [province_1, ward]);
    let m = refused(run(revoke(&["79", "1"])).await);
    assert!(
        m.contains("does not hold 79") && m.contains("nothing changed"),
        "{m}"
    );
    assert_eq!(held().await, [province_1, ward]);
    let out = run(revoke(&["79:26743"])).await.unwrap();
    assert!(out.contains("revoked 79:26743; scopes now 1"), "{out}");
    let out = run(revoke(&["1"])).await.unwrap();
    assert!(out.contains("no longer a health officer"), "{out}");
    assert!(held().await.is_empty());
    let m = refused(run(grant(&["1"])).await);
    assert!(
        m.contains("not a health officer") && m.contains("create-officer"),
        "{m}"
    );

    // Each change is in the audit log, under the officer whose scope changed; refusals are not.
    let log = state.store().audit_log(0, 100).await.unwrap();
    let entries: Vec<(&str, &str, i64)> = log
        .iter()
        .map(|a| (a.action.as_str(), a.purpose.as_str(), a.officer_id))
        .collect();
    let admin = "(tokhai-server admin)";
    assert_eq!(
        entries,
        [
            ("scope_grant", &*format!("79:26743 {admin}"), account),
            ("scope_grant", &*format!("1 {admin}"), account),
            ("scope_revoke", &*format!("79:26743 {admin}"), account),
            ("scope_revoke", &*format!("1 {admin}"), account),
        ]
    );
}

async fn admin_never_creates_a_database(env: Env) {
    let dir = tempfile::tempdir().unwrap();
    let grant = || AdminCommand::GrantAdmin {
        phone: "0918100001".to_owned(),
    };
    // Nothing where the configuration points: refused, naming the place; nothing created there.
    let (url, _pg) = match env.db {
        Db::Sqlite => (
            StoreUrl::Sqlite(dir.path().join("nowhere").join("tokhai.sqlite3")),
            None,
        ),
        Db::Postgres => {
            let Some(pg) = PgTestDb::create("tokhai_empty").await else {
                return;
            };
            (StoreUrl::Postgres(pg.url()), Some(pg))
        }
    };
    let config = Config::for_tests(url.clone(), dir.path().join("keys"));
    match admin(config.clone(), grant()).await {
        Err(e @ StartError::NoDatabase(_)) => {
            let m = e.to_string();
            assert!(m.contains(&url.describe()) && m.contains("--data-dir"), "{m}");
            assert!(m.starts_with("không có cơ sở dữ liệu"), "{m}");
        }
        other => panic!("expected no database, got {other:?}"),
    }
    assert!(!dir.path().join("nowhere").exists());
    assert!(!dir.path().join("keys").exists(), "no key file either");
    // Still no tokhai schema in the empty PostgreSQL database.
    assert!(open_existing_store(&url, 1).await.is_err());

    // On the server's database it works and says which one it changed.
    let Some((config, _pg)) = started_server(&env, dir.path()).await else {
        return;
    };
    let out = admin(config.clone(), grant()).await.unwrap();
    let last = out.lines().last().unwrap();
    assert_eq!(last, format!("database: {}", config.database.describe()));
    if env.db == Db::Postgres {
        assert!(last.starts_with("database: PostgreSQL postgres"), "{last}");
    }
    // Its key file gone, the command refuses rather than making a new key.
    std::fs::remove_file(&config.kek_file).unwrap();
    let m = refused(admin(config.clone(), AdminCommand::Keys).await);
    assert!(m.contains("no key file"), "{m}");
    assert!(!config.kek_file.exists());
}

#[test]
fn describe_hides_passwords() {
    let url = StoreUrl::Postgres("postgres://tokhai:s3cret@db.example:5432/tokhai?password=s3cret".into());
    assert_eq!(
        url.describe(),
        "PostgreSQL postgres://tokhai@db.example:5432/tokhai"
    );
}

/// The binary reads `TOKHAI_SERVER_DATA_DIR`; the client's `TOKHAI_DATA_DIR` does not point it anywhere.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_has_its_own_data_dir_variable() {
    let home = tempfile::tempdir().unwrap();
    let server_dir = tempfile::tempdir().unwrap();
    let client_dir = tempfile::tempdir().unwrap();
    let config = Config::for_tests(
        StoreUrl::Sqlite(server_dir.path().join("tokhai.sqlite3")),
        server_dir.path().to_owned(),
    );
    drop(build_state(&config).await.unwrap());
    let run = |vars: &[(&str, &std::path::Path)]| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_tokhai-server"));
        cmd.args(["admin", "keys"])
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home.path())
            .env("XDG_DATA_HOME", home.path().join("data"));
        for (k, v) in vars {
            cmd.env(k, v);
        }
        cmd.output().unwrap()
    };
    let out = run(&[
        ("TOKHAI_SERVER_DATA_DIR", server_dir.path()),
        ("TOKHAI_DATA_DIR", client_dir.path()),
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!(
            "database: SQLite {}",
            server_dir.path().join("tokhai.sqlite3").display()
        )),
        "{stdout}"
    );
    assert!(stdout.contains("active"), "{stdout}");
    // The client's variable alone: the default place has no database; refused, nothing created anywhere.
    let out = run(&[("TOKHAI_DATA_DIR", server_dir.path())]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("no tokhai database at SQLite"), "{stderr}");
    assert!(!home.path().join("data").exists(), "created {:?}", home.path());
    assert_eq!(std::fs::read_dir(client_dir.path()).unwrap().count(), 0);
}
