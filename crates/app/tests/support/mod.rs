//! What the application layer's tests share: a scratch database on MySQL/MariaDB or
//! PostgreSQL when `KEJING_TEST_MYSQL_URL` or `KEJING_TEST_PG_URL` is set (dropped when the
//! guard goes), else an SQLite file.
#![allow(dead_code)]

use std::path::Path;

/// A scratch database on the server the environment names (dropped when the guard goes).
pub type ServerDb = kejing_store::scratch::ScratchDb;

/// A new database's URL and its guard: on MySQL/MariaDB when `KEJING_TEST_MYSQL_URL` is set,
/// PostgreSQL when `KEJING_TEST_PG_URL` is, else `dir/<file>`.
pub fn scratch(dir: &Path, file: &str) -> (String, Option<ServerDb>) {
    let db = ServerDb::for_tests("kejing_c", &dir.join(file)).unwrap();
    if db.on_server() {
        (db.url.clone(), Some(db))
    } else {
        (db.url.clone(), None)
    }
}

/// Exactly one of overlapping requests took effect; every other got a conflict (never a
/// database error). The winner's index.
pub fn one_winner<T: std::fmt::Debug>(results: &[Result<T, kejing_app::Error>]) -> usize {
    let mut winner = None;
    for (i, r) in results.iter().enumerate() {
        match r {
            Ok(_) => {
                assert!(winner.is_none(), "two took effect: {results:?}");
                winner = Some(i);
            }
            Err(e) if e.kind() == Some(kejing_app::error::Kind::Conflict) => {}
            Err(e) => panic!("expected a conflict, got {e:?}"),
        }
    }
    winner.unwrap_or_else(|| panic!("none took effect: {results:?}"))
}

/// Imports each (table, CSV text) into `org` as its administrator, through files in `dir`.
pub fn import_tables(
    store: &mut kejing_store::Store,
    org: &kejing_store::Org,
    dir: &Path,
    tables: &[(kejing_io::Table, &str)],
) {
    let admin = kejing_app::access::Actor::admin(org, "setup");
    for (table, text) in tables {
        let p = dir.join(format!("{}.csv", table.name()));
        std::fs::write(&p, text).unwrap();
        kejing_app::imports::import(
            store,
            &admin,
            *table,
            &p,
            &kejing_store::ImportOptions {
                read: kejing_io::ReadOptions::default(),
                today: None,
                source: None,
            },
            &mut |_, _, _| {},
        )
        .unwrap_or_else(|e| panic!("{table:?}: {e}"));
    }
}
