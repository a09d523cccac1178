//! What the application layer's tests share: a scratch database on PostgreSQL when
//! `KEJING_TEST_PG_URL` is set (dropped when the guard goes), else an SQLite file.
#![allow(dead_code)]

use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

pub struct PgScratch {
    admin_url: String,
    name: String,
}

impl Drop for PgScratch {
    fn drop(&mut self) {
        if let Ok(mut c) = postgres::Client::connect(&self.admin_url, postgres::NoTls) {
            let _ = c.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A new database's URL and its guard: PostgreSQL when `KEJING_TEST_PG_URL` is set, else
/// `dir/<file>`.
pub fn scratch(dir: &Path, file: &str) -> (String, Option<PgScratch>) {
    match std::env::var("KEJING_TEST_PG_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!(
                "kejing_c_{}_{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::SeqCst)
            );
            let mut c =
                postgres::Client::connect(&admin_url, postgres::NoTls).unwrap_or_else(|e| {
                    panic!("KEJING_TEST_PG_URL is set but PostgreSQL is unreachable: {e}")
                });
            c.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .unwrap();
            c.batch_execute(&format!("CREATE DATABASE {name}")).unwrap();
            let (base, _) = admin_url
                .rsplit_once('/')
                .expect("KEJING_TEST_PG_URL ends with /database");
            (
                format!("{base}/{name}"),
                Some(PgScratch { admin_url, name }),
            )
        }
        _ => (dir.join(file).display().to_string(), None),
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
