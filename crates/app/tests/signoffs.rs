//! The telecom promotion chain (D8) as sign-offs: a confirmation at the end of the trial is
//! approved only after the customer manager's self-summary and the team head's appraisal, in
//! order, each signed once by the role the policy names, and never approved by someone who
//! signed it; of signatures of one step at the same moment one is recorded. On PostgreSQL when
//! `KEJING_TEST_PG_URL` is set, else on an SQLite file.

use kejing_app::access::{Actor, Role};
use kejing_app::error::Kind;
use kejing_app::{Error, assessment, imports};
use kejing_io::{ReadOptions, Table};
use kejing_store::{ImportOptions, Org, Store};
use std::path::PathBuf;
use std::sync::{Arc, Barrier};

mod support;

struct Telecom {
    dir: tempfile::TempDir,
    url: String,
    org: Org,
    run: i64,
    _pg: Option<support::ServerDb>,
}

fn telecom() -> Telecom {
    let dir = tempfile::tempdir().unwrap();
    let (url, pg) = support::scratch(dir.path(), "telecom.db");
    let mut store = Store::open(&url).unwrap();
    store.set_actor("setup");
    let org = store.ensure_org("telecom", "电信").unwrap();
    for (table, text) in [
        (
            Table::OrgUnits,
            "unit_id,name,parent_id\nS1,市场部,\nS1T1,营业一组,S1\n",
        ),
        (
            Table::Managers,
            "manager_id,name,org_unit,status,hired_on,training_passed_on\nT1,冯涛,S1T1,trial,2026-01-10,2026-02-20\nT2,何敏,S1T1,trial,2026-01-10,2026-02-20\n",
        ),
        (
            Table::Scores,
            "period,manager_id,rater_id,relation,dimension,item,score\n2026-03,T1,H1,superior,试岗表现,主管评价,75\n2026-03,T2,H1,superior,试岗表现,主管评价,80\n",
        ),
    ] {
        let p = dir.path().join(format!("{}.csv", table.name()));
        std::fs::write(&p, text).unwrap();
        let options = ImportOptions {
            read: ReadOptions::default(),
            today: Some("2026-03-01".parse().unwrap()),
            source: None,
        };
        imports::import(
            &mut store,
            &Actor::admin(&org, "setup"),
            table,
            &p,
            &options,
            &mut |_, _, _| {},
        )
        .unwrap_or_else(|e| panic!("{table:?}: {e}"));
    }
    let policy = kejing_app::catalogue::load(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../policies/telecom-grades"),
    )
    .unwrap();
    let run = assessment::run(
        &mut store,
        &Actor::admin(&org, "hr-run"),
        &policy,
        "2026-03".parse().unwrap(),
    )
    .unwrap();
    Telecom {
        dir,
        url,
        org,
        run,
        _pg: pg,
    }
}

impl Telecom {
    fn store(&self, actor: &str) -> Store {
        let mut s = Store::open(&self.url).unwrap();
        s.set_actor(actor);
        s
    }

    fn actor(&self, name: &str, role: Role, manager: Option<&str>) -> Actor {
        let mut a = Actor::admin(&self.org, name);
        a.role = role;
        a.manager = manager.map(str::to_owned);
        if let Some(m) = manager {
            a.scope = Some(Arc::new([m.to_owned()].into_iter().collect()));
        }
        a
    }

    fn sign(&self, a: &Actor, manager: &str, step: &str) -> Result<String, Error> {
        assessment::sign(&mut self.store(&a.name), a, self.run, manager, step, "")
            .map(|s| s.signed_by.unwrap_or_default())
    }

    fn approve(&self, name: &str, managers: &[&str]) -> Result<usize, Error> {
        let managers: Vec<String> = managers.iter().map(|m| (*m).to_owned()).collect();
        assessment::approve(
            &mut self.store(name),
            &Actor::admin(&self.org, name),
            self.run,
            &managers,
            None,
        )
    }
}

#[test]
fn a_confirmation_is_approved_only_after_the_self_summary_and_the_appraisal() {
    let t = telecom();
    let cm = t.actor("T1", Role::Manager, Some("T1"));
    let head = t.actor("head", Role::TeamHead, None);
    let _ = &t.dir;
    // Not yet: both sign-offs are missing.
    let early = t.approve("hr", &["T1"]).unwrap_err().to_string();
    assert!(
        early.contains("T1: 自我总结 (manager)") && early.contains("T1: 数据督导评价 (team_head)"),
        "{early}"
    );
    // In order: the appraisal cannot come before the self-summary.
    let refused = t.sign(&head, "T1", "数据督导评价").unwrap_err();
    // A coded refusal, said in the reader's language by the web (msg-step-out-of-order).
    match &refused {
        Error::Said(kejing_app::error::Kind::Invalid, said) => {
            assert_eq!(said.code, "step-out-of-order");
            assert!(
                said.args.contains(&("step", "自我总结".to_owned())),
                "{said:?}"
            );
        }
        other => panic!("expected a coded refusal, got {other:?}"),
    }
    let order = refused.to_string();
    assert!(
        order.contains("自我总结 (manager) of T1's proposal comes first"),
        "{order}"
    );
    // Only the customer manager themself writes the self-summary.
    let other_cm = t.actor("T2", Role::Manager, Some("T2"));
    assert!(
        t.sign(&other_cm, "T1", "自我总结")
            .as_ref()
            .err()
            .and_then(Error::kind)
            == Some(Kind::Forbidden)
    );
    assert!(
        t.sign(&head, "T1", "自我总结")
            .as_ref()
            .err()
            .and_then(Error::kind)
            == Some(Kind::Forbidden)
    );
    assert_eq!(t.sign(&cm, "T1", "自我总结").unwrap(), "T1");
    assert!(
        t.sign(&cm, "T1", "自我总结")
            .as_ref()
            .err()
            .and_then(Error::kind)
            == Some(Kind::Conflict)
    );
    // The performance office may not sign the team head's step.
    let admin = t.actor("hr", Role::Admin, None);
    assert!(
        t.sign(&admin, "T1", "数据督导评价")
            .as_ref()
            .err()
            .and_then(Error::kind)
            == Some(Kind::Forbidden)
    );
    assert_eq!(t.sign(&head, "T1", "数据督导评价").unwrap(), "head");
    // T2's proposal is still missing its sign-offs: approving both is refused as a whole.
    assert!(t.approve("hr", &["T1", "T2"]).is_err());
    // Someone who signed a step cannot approve it (a head with an admin account, say).
    let own = t.approve("head", &["T1"]).unwrap_err().to_string();
    assert!(own.contains("someone else approves it"), "{own}");
    assert_eq!(t.approve("hr", &["T1"]).unwrap(), 1);
    let mut s = t.store("check");
    let history = s.grade_history(&t.org, "T1").unwrap();
    assert_eq!(history.last().unwrap().grade.as_deref(), Some("初级"));
    let steps = s.assessment_steps(t.run, Some("T1")).unwrap();
    let signed: Vec<(&str, Option<&str>)> = steps
        .iter()
        .map(|x| (x.step.as_str(), x.signed_by.as_deref()))
        .collect();
    assert_eq!(
        signed,
        vec![("自我总结", Some("T1")), ("数据督导评价", Some("head"))]
    );
}

#[test]
fn signatures_of_one_step_at_once_record_one() {
    for round in 0..8 {
        let t = Arc::new(telecom());
        t.sign(&t.actor("T2", Role::Manager, Some("T2")), "T2", "自我总结")
            .unwrap();
        let n = 6;
        let barrier = Arc::new(Barrier::new(n));
        let handles: Vec<_> = (0..n)
            .map(|i| {
                let t = t.clone();
                let barrier = barrier.clone();
                let head = t.actor(&format!("head-{i}"), Role::TeamHead, None);
                let mut store = t.store(&head.name);
                std::thread::spawn(move || {
                    barrier.wait();
                    assessment::sign(&mut store, &head, t.run, "T2", "数据督导评价", "")
                })
            })
            .collect();
        let results: Vec<_> = handles.into_iter().map(|h| h.join().unwrap()).collect();
        let ok: Vec<usize> = results
            .iter()
            .enumerate()
            .filter_map(|(i, r)| match r {
                Ok(_) => Some(i),
                Err(e) if e.kind() == Some(kejing_app::error::Kind::Conflict) => {
                    let m = e.to_string();
                    assert!(
                        m.contains("already signed") || m.contains("meanwhile"),
                        "{m}"
                    );
                    None
                }
                Err(e) => panic!("round {round}: expected a conflict, got {e:?}"),
            })
            .collect();
        assert_eq!(ok.len(), 1, "round {round}: {results:?}");
        let steps = t
            .store("check")
            .assessment_steps(t.run, Some("T2"))
            .unwrap();
        assert_eq!(
            steps[1].signed_by.as_deref(),
            Some(format!("head-{}", ok[0]).as_str())
        );
    }
}
