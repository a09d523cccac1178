//! Read marks of the inbox under overlap: one user marking the same notices read from several
//! sessions at once leaves one mark a notice, an audit entry only for a session that marked
//! something, and no error for anyone (marking read is idempotent: "already read" is no
//! conflict). On SQLite, or PostgreSQL with
//! `KEJING_TEST_PG_URL`.

use kejing_app::Actor;
use kejing_store::Store;
use std::sync::{Arc, Barrier};

mod support;

const N: usize = 6;

#[test]
fn overlapping_read_marks_leave_one_mark_a_notice_and_one_audit_entry() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _pg) = support::scratch(dir.path(), "inbox.db");
    let mut store = Store::open(&url).unwrap();
    store.set_actor("setup");
    let org = store.ensure_org("bank", "Test Bank").unwrap();
    let me = Actor::admin(&org, "office");
    let keys: Vec<String> = ["dispute:1", "transfer:2", "run:3"]
        .map(str::to_owned)
        .to_vec();
    let barrier = Arc::new(Barrier::new(N));
    let handles: Vec<_> = (0..N)
        .map(|_| {
            let (url, barrier, me, keys) = (url.clone(), barrier.clone(), me.clone(), keys.clone());
            std::thread::spawn(move || {
                let mut s = Store::open(&url).unwrap();
                barrier.wait();
                kejing_app::inbox::mark_read(&mut s, &me, &keys)
            })
        })
        .collect();
    let marked: Vec<u64> = handles
        .into_iter()
        .map(|h| {
            h.join()
                .unwrap()
                .unwrap_or_else(|e| panic!("no error for anyone: {e}"))
        })
        .collect();
    assert_eq!(
        marked.iter().sum::<u64>(),
        3,
        "each notice marked once: {marked:?}"
    );
    let read = store.inbox_read(&org, "office").unwrap();
    assert_eq!(
        read,
        keys.iter().cloned().collect(),
        "every notice marked read"
    );
    let audited = store
        .audit_search(&org, &Default::default(), 0, 100)
        .unwrap()
        .0
        .into_iter()
        .filter(|e| e.action == "inbox.read")
        .count();
    let winners = marked.iter().filter(|n| **n > 0).count();
    assert_eq!(
        audited, winners,
        "one audit entry per session that marked something"
    );
}
