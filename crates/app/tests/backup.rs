//! Backup → restore → backup: the restored database holds exactly what was backed up, audit
//! log included, and a second round trip changes nothing. On SQLite, or PostgreSQL with
//! `KEJING_TEST_PG_URL` (pg_dump and pg_restore).

mod support;

use kejing_app::{Actor, imports};
use kejing_io::Table;
use kejing_store::{ImportOptions, Store};

#[test]
fn backup_restore_backup_gives_identical_tables() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _g1) = support::scratch(dir.path(), "live.db");
    let mut store = Store::open(&url).unwrap();
    store.set_actor("setup");
    let org = store.ensure_org("bank", "测试银行").unwrap();
    let admin = Actor::admin(&org, "setup");
    for (table, text) in [
        (
            Table::Managers,
            "manager_id,name,hired_on\nM1,张三,2020-01-01\nM2,李四,2021-03-01\n",
        ),
        (Table::Clients, "client_id,name\nC1,甲公司\n"),
        (
            Table::Ownership,
            "client_id,manager_id,ratio,from\nC1,M1,0.6,2026-01-01\nC1,M2,0.4,2026-01-01\n",
        ),
        (
            Table::Adjustments,
            "period,manager_id,item,amount,reason\n2026-09,M1,奖励,100.50,季度之星\n",
        ),
    ] {
        let p = dir.path().join(format!("{}.csv", table.name()));
        std::fs::write(&p, text).unwrap();
        imports::import(
            &mut store,
            &admin,
            table,
            &p,
            &ImportOptions::default(),
            &mut |_, _, _| {},
        )
        .unwrap();
    }
    let before = store.dump_tables().unwrap();
    assert!(
        before["audit_log"].len() > 5,
        "the audit log is part of the backup"
    );

    let first = dir.path().join("first.backup");
    kejing_app::maintenance::backup(&mut store, &url, &first).unwrap();
    let (restored_url, _g2) = support::scratch(dir.path(), "restored.db");
    kejing_app::maintenance::restore(&first, &restored_url).unwrap();
    let mut restored = Store::open(&restored_url).unwrap();
    assert_eq!(restored.dump_tables().unwrap(), before);

    let second = dir.path().join("second.backup");
    kejing_app::maintenance::backup(&mut restored, &restored_url, &second).unwrap();
    let (again_url, _g3) = support::scratch(dir.path(), "again.db");
    kejing_app::maintenance::restore(&second, &again_url).unwrap();
    let mut again = Store::open(&again_url).unwrap();
    assert_eq!(again.dump_tables().unwrap(), before);

    // Restoring over a database that holds data is refused, and nothing is overwritten.
    let err = kejing_app::maintenance::restore(&first, &url).unwrap_err();
    assert!(err.to_string().contains("restore into a new"), "{err}");
    assert_eq!(store.dump_tables().unwrap(), before);
}
