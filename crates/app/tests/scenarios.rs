//! What-if scenarios kept by name (issue 14, Deliver 7): of overlapping saves of one name
//! exactly one is kept and the others are told who saved it; of overlapping deletes one takes
//! effect and the others are told it is gone; an auditor keeps none; only the author or an administrator deletes; the result is
//! kept as saved and every step is audited. On SQLite, or PostgreSQL with `KEJING_TEST_PG_URL`.

use kejing_app::error::Kind;
use kejing_app::scenarios::{self, NewScenario};
use kejing_app::{Actor, Role};
use kejing_store::Store;
use std::sync::{Arc, Barrier};

mod support;

const N: usize = 4;

fn new_scenario<'a>(name: &'a str, result: &'a str) -> NewScenario<'a> {
    NewScenario {
        name,
        policy: "cixi-deposits",
        period: "2026-09",
        changes: "incremental_rate=+10% → incremental_rate=0.11",
        total_diff: "123.45",
        result,
    }
}

fn as_role(admin: &Actor, name: &str, role: Role) -> Actor {
    let mut a = admin.clone();
    a.name = name.to_owned();
    a.role = role;
    a
}

/// Runs `f` on N threads at once, each with its own connection and an administrator
/// `office-i`; the results in thread order.
fn race<T: Send + 'static>(
    url: &str,
    admin: &Actor,
    f: impl Fn(&mut Store, &Actor, usize) -> kejing_app::Result<T> + Send + Sync + 'static,
) -> Vec<kejing_app::Result<T>> {
    let barrier = Arc::new(Barrier::new(N));
    let f = Arc::new(f);
    let handles: Vec<_> = (0..N)
        .map(|i| {
            let (url, barrier, f) = (url.to_owned(), barrier.clone(), f.clone());
            let actor = as_role(admin, &format!("office-{i}"), Role::Admin);
            std::thread::spawn(move || {
                let mut s = Store::open(&url).unwrap();
                barrier.wait();
                f(&mut s, &actor, i)
            })
        })
        .collect();
    handles.into_iter().map(|h| h.join().unwrap()).collect()
}

#[test]
fn overlapping_saves_of_one_name_keep_one_and_deletes_take_effect_once() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _pg) = support::scratch(dir.path(), "scenarios.db");
    let mut store = Store::open(&url).unwrap();
    store.set_actor("setup");
    let org = store.ensure_org("bank", "Test Bank").unwrap();
    let admin = Actor::admin(&org, "setup");

    // N saves of one name at once: one kept, the others a conflict naming who saved it.
    let results = race(&url, &admin, |s, actor, i| {
        let body = format!("{{\"who\": {i}}}");
        scenarios::save(s, actor, &new_scenario("上调 10%", &body))
    });
    let winner = support::one_winner(&results);
    for (i, r) in results.iter().enumerate() {
        if i != winner {
            let e = r.as_ref().unwrap_err();
            let text = e.to_string();
            assert!(text.contains("already saved"), "{text}");
            let kejing_app::Error::Said(Kind::Conflict, said) = e else {
                panic!("{e:?}")
            };
            assert_eq!(said.code, "scenario-name-taken");
            assert!(
                said.args
                    .iter()
                    .any(|(k, v)| *k == "by" && *v == format!("office-{winner}")),
                "{said:?}"
            );
        }
    }
    let id = *results[winner].as_ref().unwrap();
    let list = scenarios::list(&mut store, &admin).unwrap();
    assert_eq!(list.len(), 1, "{list:?}");
    assert_eq!(list[0].created_by, format!("office-{winner}"));
    let (row, body) = scenarios::open(&mut store, &admin, id).unwrap();
    assert_eq!(
        body,
        format!("{{\"who\": {winner}}}"),
        "the result as saved"
    );
    assert_eq!(row.total_diff, "123.45");

    // A name is trimmed, and an empty or over-long one is refused.
    for bad in ["   ", &"名".repeat(81)] {
        let e = scenarios::save(&mut store, &admin, &new_scenario(bad, "{}")).unwrap_err();
        assert_eq!(e.kind(), Some(Kind::Invalid), "{e:?}");
    }

    // An auditor sees scenarios but keeps and deletes none.
    let auditor = as_role(&admin, "audit", Role::Auditor);
    assert_eq!(scenarios::list(&mut store, &auditor).unwrap().len(), 1);
    for e in [
        scenarios::save(&mut store, &auditor, &new_scenario("审计的", "{}")).unwrap_err(),
        scenarios::delete(&mut store, &auditor, id).unwrap_err(),
    ] {
        assert_eq!(e.kind(), Some(Kind::Forbidden), "{e:?}");
    }

    // A branch head keeps their own and cannot delete the office's.
    let head = as_role(&admin, "head", Role::BranchHead);
    let own = scenarios::save(&mut store, &head, &new_scenario("支行方案", "{}")).unwrap();
    let e = scenarios::delete(&mut store, &head, id).unwrap_err();
    assert_eq!(e.kind(), Some(Kind::Forbidden), "{e:?}");
    scenarios::delete(&mut store, &head, own).unwrap();

    // N deletes at once: one takes effect, the others are told it is gone.
    let results = race(&url, &admin, move |s, actor, _| {
        scenarios::delete(s, actor, id)
    });
    let done = results.iter().filter(|r| r.is_ok()).count();
    assert_eq!(done, 1, "{results:?}");
    for r in results.iter().filter(|r| r.is_err()) {
        let e = r.as_ref().unwrap_err();
        assert_eq!(e.kind(), Some(Kind::Conflict), "{e:?}");
        assert!(e.to_string().contains("not there"), "{e}");
    }
    assert!(scenarios::list(&mut store, &admin).unwrap().is_empty());

    // Every save and delete is in the audit log.
    let org2 = org.clone();
    let actions: Vec<String> = store
        .audit_search(&org2, &Default::default(), 0, 100)
        .unwrap()
        .0
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("scenario."))
        .collect();
    assert_eq!(
        actions.iter().filter(|a| *a == "scenario.save").count(),
        2,
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| *a == "scenario.delete").count(),
        2,
        "{actions:?}"
    );
}
