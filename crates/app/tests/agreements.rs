//! The hotel's agreement prices (协议价, C3): a customer manager asks with the investigation of
//! the unit, the department manager decides, never the one who asked; never for an individual;
//! an approval makes the client an agreement unit, whose bookings then earn no commission under
//! hotel-sales; of decisions made at the same moment exactly one takes effect. On PostgreSQL
//! when `KEJING_TEST_PG_URL` is set, else on an SQLite file.

use kejing_app::access::{Actor, Role};
use kejing_app::agreements::{self, AgreementInput};
use kejing_app::error::Kind;
use kejing_app::{Error, imports, settlement};
use kejing_io::{ReadOptions, Table};
use kejing_store::{ImportOptions, Org, Store};
use std::path::PathBuf;
use std::sync::{Arc, Barrier};

mod support;

struct Hotel {
    dir: tempfile::TempDir,
    url: String,
    org: Org,
    _pg: Option<support::ServerDb>,
}

fn hotel() -> Hotel {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = support::scratch(dir.path(), "hotel.db");
    let mut store = Store::open(&url).unwrap();
    store.set_actor("setup");
    let org = store.ensure_org("hotel", "饭店").unwrap();
    let h = Hotel {
        dir,
        url,
        org,
        _pg: pg,
    };
    for (table, text) in [
        (
            Table::Managers,
            "manager_id,name,hired_on\nH1,李红,2013-01-01\nH2,王军,2013-01-01\n",
        ),
        (
            Table::Clients,
            "client_id,name,kind,agreement\nU1,港务局,company,false\nU2,张先生,person,false\nU3,老协议单位,company,true\n",
        ),
        (
            Table::Bookings,
            "booking_id,manager_id,client_id,registered_at,arrival_at,amount,approved,complaint\nB1,H1,U1,2013-09-02 09:00,2013-09-02 18:00,10000,true,false\nB2,H1,U1,2013-09-20 09:00,2013-09-20 18:00,4000,true,false\n",
        ),
    ] {
        let p = h.dir.path().join(format!("{}.csv", table.name()));
        std::fs::write(&p, text).unwrap();
        let options = ImportOptions {
            read: ReadOptions::default(),
            today: Some("2013-09-01".parse().unwrap()),
            source: None,
        };
        imports::import(
            &mut store,
            &Actor::admin(&h.org, "setup"),
            table,
            &p,
            &options,
            &mut |_, _, _| {},
        )
        .unwrap_or_else(|e| panic!("{table:?}: {e}"));
    }
    h
}

impl Hotel {
    fn store(&self, actor: &str) -> Store {
        let mut s = Store::open(&self.url).unwrap();
        s.set_actor(actor);
        s
    }

    fn cm(&self, manager: &str) -> Actor {
        let mut a = Actor::admin(&self.org, manager);
        a.role = Role::Manager;
        a.manager = Some(manager.to_owned());
        a.scope = Some(Arc::new([manager.to_owned()].into_iter().collect()));
        a
    }

    fn head(&self, name: &str) -> Actor {
        Actor::admin(&self.org, name)
    }

    fn ask(&self, client: &str, investigation: &str) -> Result<i64, Error> {
        agreements::request(
            &mut self.store("H1"),
            &self.cm("H1"),
            &AgreementInput {
                client: client.into(),
                manager: "H1".into(),
                terms: "标间 380 元/间夜".into(),
                investigation: investigation.into(),
            },
        )
    }

    fn is_agreement(&self, client: &str) -> bool {
        self.store("check")
            .client_kind(&self.org, client)
            .unwrap()
            .unwrap()
            .1
    }

    fn commission(&self) -> String {
        let policy = kejing_app::catalogue::load(
            &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../policies/hotel-sales"),
        )
        .unwrap();
        let run = settlement::run(
            &mut self.store("office"),
            &self.head("office"),
            &policy,
            "2013-09".parse().unwrap(),
        )
        .unwrap();
        run.lines
            .iter()
            .find(|l| l.manager == "H1" && l.item == "total")
            .map(|l| l.amount.to_string())
            .unwrap_or_default()
    }
}

#[test]
fn an_agreement_is_asked_for_with_its_investigation_and_decided_by_someone_else() {
    let h = hotel();
    // No agreement price for individuals; none without the investigation; none twice.
    let person = h.ask("U2", "已核实").unwrap_err();
    assert!(person.to_string().contains("individual"), "{person}");
    let bare = h.ask("U1", " ").unwrap_err();
    assert!(bare.to_string().contains("investigation"), "{bare}");
    let old = h.ask("U3", "已核实").unwrap_err();
    assert!(old.to_string().contains("already"), "{old}");
    // A customer manager asks only for themself.
    let other = agreements::request(
        &mut h.store("H1"),
        &h.cm("H1"),
        &AgreementInput {
            client: "U1".into(),
            manager: "H2".into(),
            terms: "x".into(),
            investigation: "y".into(),
        },
    );
    assert!(
        other.as_ref().err().and_then(Error::kind) == Some(Kind::Forbidden),
        "{other:?}"
    );

    let before = h.commission();
    let id = h
        .ask("U1", "港务局后勤处, 年接待约 200 间夜, 营业执照已核")
        .unwrap();
    let twice = h.ask("U1", "again").unwrap_err();
    assert!(twice.kind() == Some(Kind::Conflict), "{twice:?}");
    // The customer manager may not decide, nor may the one who asked.
    let own = agreements::decide(&mut h.store("H1"), &h.cm("H1"), id, true, "");
    assert!(
        own.as_ref().err().and_then(Error::kind) == Some(Kind::Forbidden),
        "{own:?}"
    );
    let asked_by_me = agreements::decide(&mut h.store("H1"), &h.head("H1"), id, true, "");
    assert!(
        asked_by_me.as_ref().err().and_then(Error::kind) == Some(Kind::Forbidden),
        "{asked_by_me:?}"
    );
    assert!(!h.is_agreement("U1"));

    // The department manager approves on 2013-09-15: the agreement holds from that day.
    let mut dept = h.store("dept");
    dept.set_clock(kejing_app::Clock::default().fixed_at("2013-09-15T02:00:00Z".parse().unwrap()));
    let r = agreements::decide(&mut dept, &h.head("dept"), id, true, "同意").unwrap();
    assert_eq!(
        (r.status.as_str(), r.decided_by.as_deref()),
        ("approved", Some("dept"))
    );
    assert!(h.is_agreement("U1"));
    // hotel-sales pays no commission on an agreement unit's bookings, from the day the
    // agreement holds: before, 1.5 % of 14,000 = 210 and the A award 1,500; after, B1 (2nd,
    // before the agreement) still earns 150 and the award, B2 (20th) nothing. A month already
    // paid does not change because an agreement was approved later.
    assert_eq!(before, "1710.00");
    assert_eq!(h.commission(), "1650.00");
    let listed = agreements::list(&mut h.store("H1"), &h.cm("H1")).unwrap();
    assert_eq!(listed.len(), 1);
    assert!(listed[0].investigation.contains("营业执照"));
}

#[test]
fn decisions_of_one_agreement_request_at_once_take_effect_once() {
    for round in 0..10 {
        let h = Arc::new(hotel());
        let id = h.ask("U1", "已核实").unwrap();
        let n = 6;
        let barrier = Arc::new(Barrier::new(n));
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let h = h.clone();
                let barrier = barrier.clone();
                let name = format!("dept-{i}");
                let mut store = h.store(&name);
                let actor = h.head(&name);
                std::thread::spawn(move || {
                    barrier.wait();
                    agreements::decide(&mut store, &actor, id, i % 2 == 0, "decided")
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|x| x.join().unwrap()).collect();
        let mut winner = None;
        for (i, r) in results.iter().enumerate() {
            match r {
                Ok(_) => {
                    assert!(winner.is_none(), "round {round}: two took effect");
                    winner = Some(i);
                }
                Err(e) if e.kind() == Some(kejing_app::error::Kind::Conflict) => {
                    let m = e.to_string();
                    assert!(m.contains("already decided"), "{m}")
                }
                Err(e) => panic!("round {round}: expected a conflict, got {e:?}"),
            }
        }
        let w = winner.unwrap_or_else(|| panic!("round {round}: none took effect"));
        assert_eq!(h.is_agreement("U1"), w % 2 == 0, "round {round}");
    }
}
