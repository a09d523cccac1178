//! Ownership claims (B3) over a real database: an unowned client claimed whole, a share asked
//! of an owned one and taken from the owners in proportion, rival claims shown side by side and
//! resolved by the ledger (the second whole claim cannot be approved once the first is),
//! agreement units and returning old clients flagged as not new, and concurrent approvals of
//! one claim taking effect once.

use kejing_app::Error;
use kejing_app::access::{Actor, Role};
use kejing_app::claims::{self, ClaimInput};
use kejing_app::error::Kind;
use kejing_io::Table;
use kejing_store::{Org, Store};
use std::sync::{Arc, Barrier};

mod support;

struct Bank {
    _dir: tempfile::TempDir,
    url: String,
    org: Org,
    _pg: Option<support::ServerDb>,
}

fn bank() -> Bank {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = support::scratch(dir.path(), "claims.db");
    let mut store = Store::open(&url).unwrap();
    store.set_actor("setup");
    let org = store.ensure_org("bank", "Test Bank").unwrap();
    support::import_tables(
        &mut store,
        &org,
        dir.path(),
        &[
            (
                Table::Managers,
                "manager_id,name,track,status,hired_on\nM1,张三,personal,active,2020-01-01\nM2,李四,personal,active,2020-01-01\nM3,王五,personal,active,2020-01-01\n",
            ),
            (
                Table::Clients,
                "client_id,name,kind,agreement\nC1,新客户,company,false\nC2,老客户,company,false\nC3,协议单位,company,true\nC4,共管客户,company,false\n",
            ),
            (
                Table::Ownership,
                "client_id,manager_id,ratio,from,to\nC2,M3,1,2025-01-01,2025-12-31\nC4,M2,0.6,2026-01-01,\nC4,M3,0.4,2026-01-01,\n",
            ),
        ],
    );
    Bank {
        _dir: dir,
        url,
        org,
        _pg: pg,
    }
}

fn cm(org: &Org, m: &str) -> Actor {
    Actor {
        name: format!("cm-{m}"),
        org: org.clone(),
        role: Role::Manager,
        scope: Some(Arc::new([m.to_owned()].into())),
        manager: Some(m.to_owned()),
    }
}

fn head(org: &Org, name: &str) -> Actor {
    Actor {
        name: name.to_owned(),
        org: org.clone(),
        role: Role::BranchHead,
        scope: None,
        manager: None,
    }
}

fn claim(client: &str, manager: &str, share: Option<&str>) -> ClaimInput {
    ClaimInput {
        client: client.into(),
        manager: manager.into(),
        share: share.map(str::to_owned),
        effective_on: "2026-10-01".parse().unwrap(),
        reason: "首次营销成功".into(),
    }
}

#[test]
fn rival_claims_are_resolved_by_the_ledger_and_shares_sum_to_one() {
    let b = bank();
    let mut s = Store::open(&b.url).unwrap();
    // Two CMs claim the unowned C1; both stand side by side.
    let a = claims::request(&mut s, &cm(&b.org, "M1"), &claim("C1", "M1", None)).unwrap();
    let r = claims::request(&mut s, &cm(&b.org, "M2"), &claim("C1", "M2", None)).unwrap();
    let views = claims::list(&mut s, &head(&b.org, "boss")).unwrap();
    let va = views.iter().find(|v| v.claim.id == a).unwrap();
    assert_eq!(va.rivals, vec![r]);
    assert!(va.owners.is_empty() && !va.agreement && !va.returning);
    // The claimant cannot decide their own claim.
    let own = claims::decide(&mut s, &cm(&b.org, "M1"), a, true, "");
    assert!(
        own.as_ref().err().and_then(Error::kind) == Some(Kind::Forbidden),
        "{own:?}"
    );
    claims::decide(&mut s, &head(&b.org, "boss"), a, true, "").unwrap();
    // The rival whole claim cannot be approved now: the ledger says M1 owns C1.
    let e = claims::decide(&mut s, &head(&b.org, "boss"), r, true, "").unwrap_err();
    assert!(
        e.kind() == Some(kejing_app::error::Kind::Conflict)
            && e.to_string().contains("owned on 2026-10-01 by M1 1"),
        "{e:?}"
    );
    // … and nothing changed: the rival is still open, M1 still the only owner.
    let still = claims::list(&mut s, &head(&b.org, "boss")).unwrap();
    assert_eq!(
        still.iter().find(|v| v.claim.id == r).unwrap().claim.status,
        "open"
    );
    let owners = s
        .owners_on(&b.org, "C1", None, "2026-10-01".parse().unwrap())
        .unwrap();
    assert_eq!(owners.len(), 1);
    claims::decide(&mut s, &head(&b.org, "boss"), r, false, "已由 M1 认领").unwrap();
    // A share of C4 (M2 0.6, M3 0.4): 0.5 to M1, the rest in proportion: M2 0.3, M3 0.2.
    let sh = claims::request(&mut s, &cm(&b.org, "M1"), &claim("C4", "M1", Some("0.5"))).unwrap();
    claims::decide(&mut s, &head(&b.org, "boss"), sh, true, "").unwrap();
    let owners = s
        .owners_on(&b.org, "C4", None, "2026-10-01".parse().unwrap())
        .unwrap();
    let got: Vec<(String, String)> = owners
        .iter()
        .map(|(m, r)| (m.clone(), r.value().normalize().to_string()))
        .collect();
    assert_eq!(
        got,
        [("M1", "0.5"), ("M2", "0.3"), ("M3", "0.2")].map(|(m, r)| (m.to_owned(), r.to_owned()))
    );
    // Before the effective day the old shares stand.
    let before = s
        .owners_on(&b.org, "C4", None, "2026-09-30".parse().unwrap())
        .unwrap();
    assert_eq!(before.len(), 2);
}

#[test]
fn claims_that_are_not_new_clients_are_flagged_and_bad_claims_refused() {
    let b = bank();
    let mut s = Store::open(&b.url).unwrap();
    let old = claims::request(&mut s, &cm(&b.org, "M1"), &claim("C2", "M1", None)).unwrap();
    let agreed = claims::request(&mut s, &cm(&b.org, "M1"), &claim("C3", "M1", None)).unwrap();
    let views = claims::list(&mut s, &head(&b.org, "boss")).unwrap();
    assert!(views.iter().find(|v| v.claim.id == old).unwrap().returning);
    assert!(
        views
            .iter()
            .find(|v| v.claim.id == agreed)
            .unwrap()
            .agreement
    );
    // The whole of an owned client; a share of an unowned one; a second open claim; another
    // manager's claim by a CM; no reason.
    let whole = claims::request(&mut s, &cm(&b.org, "M1"), &claim("C4", "M1", None)).unwrap_err();
    assert!(whole.to_string().contains("ask for a share"), "{whole}");
    let part =
        claims::request(&mut s, &cm(&b.org, "M1"), &claim("C1", "M1", Some("0.5"))).unwrap_err();
    assert!(
        part.to_string().contains("claim the whole client"),
        "{part}"
    );
    let twice = claims::request(&mut s, &cm(&b.org, "M1"), &claim("C2", "M1", None)).unwrap_err();
    assert!(twice.kind() == Some(Kind::Conflict), "{twice:?}");
    let other = claims::request(&mut s, &cm(&b.org, "M1"), &claim("C1", "M2", None)).unwrap_err();
    assert!(other.kind() == Some(Kind::Forbidden), "{other:?}");
    let mut no_reason = claim("C1", "M1", None);
    no_reason.reason = " ".into();
    assert!(claims::request(&mut s, &cm(&b.org, "M1"), &no_reason).is_err());
}

#[test]
fn ten_heads_approving_one_claim_at_once_approve_it_once() {
    for _ in 0..5 {
        let b = bank();
        let mut s = Store::open(&b.url).unwrap();
        let id = claims::request(&mut s, &cm(&b.org, "M1"), &claim("C1", "M1", None)).unwrap();
        let barrier = Arc::new(Barrier::new(10));
        let handles: Vec<_> = (0..10)
            .map(|i| {
                let (url, org, barrier) = (b.url.clone(), b.org.clone(), barrier.clone());
                std::thread::spawn(move || {
                    let mut s = Store::open(&url).unwrap();
                    let a = head(&org, &format!("head-{i}"));
                    barrier.wait();
                    claims::decide(&mut s, &a, id, true, "")
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let ok = results.iter().filter(|r| r.is_ok()).count();
        assert_eq!(ok, 1, "{results:?}");
        for r in &results {
            if let Err(e) = r {
                assert!(e.kind() == Some(Kind::Conflict), "{e:?}");
            }
        }
        let owners = s
            .owners_on(&b.org, "C1", None, "2026-10-01".parse().unwrap())
            .unwrap();
        assert_eq!(owners.len(), 1);
    }
}
