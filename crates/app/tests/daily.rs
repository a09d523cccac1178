//! Daily management's use cases over a real database (PostgreSQL when `KEJING_TEST_PG_URL` is
//! set, else an SQLite file): who may sign a log and who may not, a bad form that writes
//! nothing, and changes that really overlap — heads signing the same log, returns of the same
//! outing, the same outing registered twice — released together by a barrier: exactly one takes
//! effect, every other gets a conflict saying what was already done, never a database error.

use kejing_app::Error;
use kejing_app::access::{Actor, Role};
use kejing_app::daily::{self, Signature};
use kejing_engine::registers::Register;
use kejing_io::Table;
use kejing_store::{Org, Store};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Barrier};

mod support;

const ROUNDS: usize = 8;

fn at(s: &str) -> chrono::NaiveDateTime {
    chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").unwrap()
}

struct Team {
    _dir: tempfile::TempDir,
    url: String,
    org: Org,
    _pg: Option<support::ServerDb>,
}

fn team() -> Team {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = support::scratch(dir.path(), "team.db");
    let mut store = Store::open(&url).unwrap();
    store.set_actor("setup");
    let org = store.ensure_org("ccb", "铁路支行").unwrap();
    support::import_tables(
        &mut store,
        &org,
        dir.path(),
        &[
            (Table::OrgUnits, "unit_id,name\nBR1,铁路支行\n"),
            (
                Table::Managers,
                "manager_id,name,org,track,grade,status,hired_on\nM1,李明,BR1,personal,客户经理,active,2025-01-01\nM2,王芳,BR1,corporate,客户经理,active,2025-01-01\n",
            ),
            (Table::Clients, "client_id,name,kind\nC1,机务段,company\n"),
            (
                Table::Outings,
                "outing_id,manager_id,client_id,purpose,left_at,expected_back_at,returned_at,duty\nO1,M1,C1,回访,2026-11-03 09:00,,,false\n",
            ),
            (
                Table::WorkLogs,
                "manager_id,date,text,signed_by,signed_at,comment,plan_next\nM1,2026-11-03,回访机务段,,,,\n",
            ),
        ],
    );
    Team {
        _dir: dir,
        url,
        org,
        _pg: pg,
    }
}

fn actor(org: &Org, name: &str, role: Role, manager: Option<&str>) -> Actor {
    Actor {
        name: name.to_owned(),
        org: org.clone(),
        role,
        scope: match role {
            Role::Manager => Some(Arc::new(
                manager
                    .iter()
                    .map(|m| (*m).to_owned())
                    .collect::<BTreeSet<_>>(),
            )),
            _ => Some(Arc::new(["M1".to_owned(), "M2".to_owned()].into())),
        },
        manager: manager.map(str::to_owned),
    }
}

impl Team {
    fn store(&self) -> Store {
        Store::open(&self.url).unwrap()
    }

    /// `f` on `n` threads at once, each with its own connection and actor.
    fn race<T: Send + 'static>(
        &self,
        n: usize,
        make: impl Fn(usize) -> Actor,
        f: impl Fn(&mut Store, &Actor) -> Result<T, Error> + Send + Sync + 'static,
    ) -> Vec<Result<T, Error>> {
        let barrier = Arc::new(Barrier::new(n));
        let f = Arc::new(f);
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let mut store = self.store();
                let a = make(i);
                let (barrier, f) = (barrier.clone(), f.clone());
                std::thread::spawn(move || {
                    barrier.wait();
                    f(&mut store, &a)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    }
}

#[test]
fn twelve_heads_signing_one_log_at_once_sign_it_once() {
    for _ in 0..ROUNDS {
        let t = team();
        let org = t.org.clone();
        let results = t.race(
            12,
            move |i| actor(&org, &format!("head-{i}"), Role::TeamHead, None),
            |s, a| {
                daily::sign_log(
                    s,
                    a,
                    "M1",
                    "2026-11-03".parse().unwrap(),
                    &Signature {
                        comment: format!("阅 {}", a.name),
                        plan_next: String::new(),
                    },
                )
            },
        );
        let w = support::one_winner(&results);
        for r in &results {
            if let Err(e) = r {
                assert_eq!(e.kind(), Some(kejing_app::error::Kind::Conflict), "{e:?}");
                let m = e.to_string();
                assert!(m.contains(&format!("already signed by head-{w}")), "{m}");
            }
        }
        let mut s = t.store();
        let row = s
            .register_row(&t.org, Register::WorkLogs, "M1", "2026-11-03")
            .unwrap()
            .unwrap();
        assert_eq!(
            row.row.text("signed_by"),
            Some(format!("head-{w}").as_str())
        );
        assert_eq!(
            row.row.text("comment"),
            Some(format!("阅 head-{w}").as_str())
        );
        let signs = s
            .audit_log(100)
            .unwrap()
            .into_iter()
            .filter(|e| e.action == "sign" && e.entity == "work_logs")
            .count();
        assert_eq!(signs, 1);
    }
}

#[test]
fn returns_and_registrations_that_overlap_take_effect_once() {
    for _ in 0..ROUNDS {
        let t = team();
        let org = t.org.clone();
        let results = t.race(
            10,
            move |i| actor(&org, &format!("cm-{i}"), Role::Manager, Some("M1")),
            |s, a| daily::record_return(s, a, "M1", "O1", Some(at("2026-11-03 16:30"))),
        );
        support::one_winner(&results);
        let org = t.org.clone();
        let results = t.race(
            8,
            move |i| actor(&org, &format!("cm-{i}"), Role::Manager, Some("M1")),
            |s, a| {
                let cells = BTreeMap::from([
                    ("outing_id".to_owned(), "O2".to_owned()),
                    ("client_id".to_owned(), "C1".to_owned()),
                    ("left_at".to_owned(), "2026-11-04 09:00".to_owned()),
                ]);
                daily::register_outing(s, a, "M1", cells)
            },
        );
        support::one_winner(&results);
        let mut s = t.store();
        let outings = s
            .register_rows(&t.org, Some(Register::Outings), None)
            .unwrap();
        assert_eq!(outings.len(), 2);
    }
}

#[test]
fn only_the_cms_head_signs_and_a_bad_form_writes_nothing() {
    let t = team();
    let mut s = t.store();
    let day = "2026-11-03".parse().unwrap();
    let sig = Signature {
        comment: "阅".into(),
        plan_next: String::new(),
    };
    // The performance office is not the CM's head; a CM cannot sign; a head without the CM in
    // scope cannot either.
    let admin = Actor::admin(&t.org, "office");
    assert!(matches!(
        daily::sign_log(&mut s, &admin, "M1", day, &sig),
        Err(ref e) if e.kind() == Some(kejing_app::error::Kind::Forbidden)
    ));
    let cm = actor(&t.org, "liming", Role::Manager, Some("M1"));
    assert!(matches!(
        daily::sign_log(&mut s, &cm, "M1", day, &sig),
        Err(ref e) if e.kind() == Some(kejing_app::error::Kind::Forbidden)
    ));
    let mut other = actor(&t.org, "other-head", Role::TeamHead, None);
    other.scope = Some(Arc::new(["M2".to_owned()].into()));
    assert!(matches!(
        daily::sign_log(&mut s, &other, "M1", day, &sig),
        Err(ref e) if e.kind() == Some(kejing_app::error::Kind::Forbidden)
    ));
    // A head who is also a CM cannot sign their own log.
    let mut own = actor(&t.org, "wangfang", Role::TeamHead, None);
    own.manager = Some("M1".into());
    assert!(matches!(
        daily::sign_log(&mut s, &own, "M1", day, &sig),
        Err(ref e) if e.kind() == Some(kejing_app::error::Kind::Forbidden)
    ));
    // A return before the outing left, an outing for a colleague, a time without a date: each
    // refused naming the field, nothing written.
    let before = s.register_rows(&t.org, None, None).unwrap();
    let e =
        daily::record_return(&mut s, &cm, "M1", "O1", Some(at("2026-11-03 08:00"))).unwrap_err();
    assert!(
        e.to_string()
            .contains("field returned_at: before the outing left"),
        "{e}"
    );
    let cells = BTreeMap::from([("left_at".to_owned(), "2026-11-04 09:00".to_owned())]);
    assert!(matches!(
        daily::register_outing(&mut s, &cm, "M2", cells),
        Err(ref e) if e.kind() == Some(kejing_app::error::Kind::Forbidden)
    ));
    let cells = BTreeMap::from([("left_at".to_owned(), "09:00".to_owned())]);
    let e = daily::register_outing(&mut s, &cm, "M1", cells).unwrap_err();
    assert!(e.to_string().contains("left_at"), "{e}");
    let cells = BTreeMap::from([
        ("date".to_owned(), "2026-11-04".to_owned()),
        ("signed_by".to_owned(), "M1".to_owned()),
    ]);
    let e = daily::record(&mut s, &cm, Register::WorkLogs, "M1", &cells).unwrap_err();
    assert!(e.to_string().contains("signed by the head"), "{e}");
    assert_eq!(s.register_rows(&t.org, None, None).unwrap(), before);
}
