//! Every server refusal in its own words, through a real HTTP round trip to the in-process server: a
//! wrong one-time code is not "update the app", a rate limit is not "will try again".

use chrono::Duration;
use tokhai_core::{Clock as _, SystemClock};
use tokhai_e2e::{Db, TestServer};

use crate::{Home, error_code, stderr};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn sign_in_refusals_say_what_happened() {
    let rt = runtime();
    let server = rt.block_on(TestServer::start(Db::Sqlite)).unwrap();
    server.clock.set(SystemClock.now());
    let url = server.url();
    let home = Home::new();
    let login = |args: &[&str]| {
        let mut all = vec!["--server", url.as_str(), "--lang", "en", "login"];
        all.extend_from_slice(args);
        home.run(&all)
    };
    let login_json = |args: &[&str]| {
        let mut all = vec!["--server", url.as_str(), "--json", "login"];
        all.extend_from_slice(args);
        home.run(&all)
    };
    let phone = "0912000222";
    home.ok(&["--server", &url, "login", phone]);
    let real = server.last_code(phone);
    let wrong = if real == "000000" { "111111" } else { "000000" };

    // A wrong code: what you typed was refused (exit 3), and the words say so.
    let out = login(&[phone, "--code", wrong]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("[otp_wrong]"), "{err}");
    assert!(err.contains("The verification code is wrong"), "{err}");
    assert!(!err.contains("update the app"), "{err}");
    assert_eq!(error_code(&login_json(&[phone, "--code", wrong])), "otp_wrong");

    // A malformed code: the server names the field it refused.
    let out = login(&[phone, "--code", "12ab56"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("[invalid_field]"), "{err}");
    assert!(err.contains("“code”"), "{err}");

    // A landline: core's own words for it.
    let out = login(&["02838123456"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("[phone_not_mobile]"), "{}", stderr(&out));

    // The right code after five minutes: the same answer as a wrong one (an outsider cannot tell that
    // this phone is signing in now, issue 14 item 4), and the words say to ask for a new one.
    server.clock.advance(Duration::minutes(6));
    let out = login(&[phone, "--code", &real]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("[otp_wrong]"), "{err}");
    assert!(
        err.contains("no longer valid") && err.contains("ask for a new one"),
        "{err}"
    );

    // A new code works.
    home.ok(&["--server", &url, "login", phone]);
    let code = server.last_code(phone);
    assert!(
        home.ok(&["--server", &url, "--lang", "en", "login", phone, "--code", &code])
            .contains("Signed in")
    );
}

#[test]
fn a_rate_limit_says_when_to_try_again() {
    let rt = runtime();
    let server = rt
        .block_on(TestServer::start_with(Db::Sqlite, |c| c.otp_limits.per_phone = 2))
        .unwrap();
    // A minute into the current hour's window, so the wait left is in minutes whenever the test runs
    // (the limits count per clock hour: at 10:59:20 the honest answer is "in 40 seconds").
    let now = SystemClock.now();
    server
        .clock
        .set(now - Duration::seconds(now.timestamp().rem_euclid(3600)) + Duration::minutes(1));
    let url = server.url();
    let home = Home::new();
    let phone = "0912000333";
    for _ in 0..2 {
        home.ok(&["--server", &url, "login", phone]);
    }
    let out = home.run(&["--server", &url, "--lang", "en", "login", phone]);
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("[rate_limited]"), "{err}");
    // The server's Retry-After, in minutes; nothing promises a retry the command will not make.
    assert!(err.contains("Too many requests. Try again in "), "{err}");
    assert!(err.contains(" minutes."), "{err}");
    assert!(
        !err.contains("will try again") && !err.contains("Will try again"),
        "{err}"
    );
    let out = home.run(&["--server", &url, "--lang", "vi", "login", phone]);
    assert!(stderr(&out).contains("Hãy thử lại sau "), "{}", stderr(&out));
}
