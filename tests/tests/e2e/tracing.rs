//! Contact tracing over what devices really upload: the server names each contact after the person who
//! checked in, from that person's own declaration.

use std::time::Duration;

use tokhai_core::Relation;
use tokhai_core::sync_client::{HttpTransport, SyncOptions};
use tokhai_e2e::{Db, Device, TestServer, both, checkpoint, fast_tempdir};

/// A father who declared himself and then his daughter on his phone checks in himself; the case meets
/// him. The trace names the father (with his phone), not the daughter, whose declaration is the newest
/// of the account.
async fn tracing_names_the_person_who_checked_in(db: Db) {
    let Some(server) = TestServer::start(db).await else {
        return;
    };
    let cp = server.register("0900000090", "Chợ Bến Thành").await;
    let dir = fast_tempdir();
    let t = HttpTransport::new(&server.url(), Duration::from_secs(10)).unwrap();
    let father = Device::new(dir.path(), 1, server.clock.clone());
    let case = Device::new(dir.path(), 2, server.clock.clone());
    father.declare(Relation::Myself, "NGUYỄN VĂN BA", 1980, "079080001234");
    server.clock.advance(chrono::Duration::minutes(1));
    father.declare(Relation::Child, "NGUYỄN THỊ BÉ", 2016, "");
    case.declare(Relation::Myself, "TRẦN VĂN CA", 1975, "079075005678");
    for d in [&father, &case] {
        d.sign_in(&server, &t).await;
        d.engine.check_in(checkpoint(cp)).unwrap();
    }
    server.clock.advance(chrono::Duration::minutes(30));
    for d in [&father, &case] {
        d.engine.check_out().unwrap();
        d.sync_until_done(&t, &SyncOptions::default(), Duration::from_millis(50), 5)
            .await;
    }
    let officer = server.officer("0900000099").await;
    let trace = server.trace_case(&officer, &case.phone).await;
    let contacts = trace["contacts"].as_array().unwrap();
    assert_eq!(contacts.len(), 1, "{trace}");
    assert_eq!(contacts[0]["name"], "NGUYỄN VĂN BA", "{trace}");
    assert_eq!(contacts[0]["phone"], "+84910000001", "{trace}");
    assert_eq!(contacts[0]["overlap_minutes"], 30, "{trace}");
}

both!(tracing_names_the_person_who_checked_in);
