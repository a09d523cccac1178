//! What a head sees of the period's breaches does not depend on whose ledger they may read: a
//! visit to a client another branch's manager owns is flagged for the visitor's head as for
//! the performance office (the rule reads the visited client's owners, whoever they are).
//! Over a real database (PostgreSQL when `KEJING_TEST_PG_URL` is set, else an SQLite file).

use kejing_app::access::{Actor, Role};
use kejing_app::catalogue::load;
use kejing_app::daily;
use kejing_engine::Period;
use kejing_io::Table;
use kejing_store::Store;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;

mod support;

const RULE: &str = "走访他人管户客户";

#[test]
fn a_visit_to_another_branchs_client_is_flagged_for_the_head_as_for_the_office() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _pg) = support::scratch(dir.path(), "scope.db");
    let mut store = Store::open(&url).unwrap();
    store.set_actor("setup");
    let org = store.ensure_org("ccb", "建设银行").unwrap();
    support::import_tables(
        &mut store,
        &org,
        dir.path(),
        &[
            (
                Table::OrgUnits,
                "unit_id,name\nBR1,铁路支行\nBR2,城东支行\n",
            ),
            (
                Table::Managers,
                "manager_id,name,org,track,grade,status,hired_on\nM1,李明,BR1,personal,客户经理,active,2025-01-01\nM3,赵强,BR2,personal,客户经理,active,2025-01-01\n",
            ),
            (
                Table::Clients,
                "client_id,name,kind\nC1,机务段,company\nC9,城东商贸,company\nC5,新客户,company\n",
            ),
            (
                Table::Ownership,
                "client_id,manager_id,ratio,from\nC1,M1,1,2026-01-01\nC9,M3,1,2026-01-01\n",
            ),
            (
                Table::Visits,
                "visit_id,manager_id,client_id,visited_on,person,purpose,outcome,next_step\n\
                 V1,M1,C1,2026-09-02,王处长,回访,满意,续贷\n\
                 V2,M1,C9,2026-09-03,刘经理,拜访,有意向,再访\n\
                 V3,M1,C5,2026-09-04,陈总,营销,有意向,再访\n",
            ),
        ],
    );
    let policy =
        load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies/ccb-team")).unwrap();
    let period: Period = "2026-09".parse().unwrap();
    let flagged = |actor: &Actor| -> Vec<(String, String)> {
        let mut s = Store::open(&url).unwrap();
        daily::breaches(&mut s, actor, &policy, period)
            .unwrap()
            .into_iter()
            .filter(|b| b.rule == RULE)
            .map(|b| (b.manager, b.source.unwrap_or_default()))
            .collect()
    };
    let office = Actor::admin(&org, "office");
    let head = Actor {
        name: "head-br1".into(),
        org: org.clone(),
        role: Role::BranchHead,
        scope: Some(Arc::new(BTreeSet::from(["M1".to_owned()]))),
        manager: None,
    };
    let by_office = flagged(&office);
    // Only the visit to C9 (M3's): not M1's own client, not a client nobody owns (prospecting).
    assert_eq!(by_office.len(), 1, "{by_office:?}");
    assert_eq!(by_office[0].0, "M1");
    assert_eq!(
        flagged(&head),
        by_office,
        "the head sees what the office sees"
    );
    // The other branch's head sees nothing of M1.
    let other = Actor {
        name: "head-br2".into(),
        scope: Some(Arc::new(BTreeSet::from(["M3".to_owned()]))),
        ..head.clone()
    };
    assert!(flagged(&other).is_empty());
}
