//! Advice letters over a real database (SQLite, and PostgreSQL when KEJING_TEST_PG_URL is
//! set): the hand-written folder of the CLI tests imported, a letter made and kept with its
//! inputs and audit entry, a refusal audited with nothing kept, and a customer manager refused
//! a client outside their scope.

use kejing_app::Error;
use kejing_app::access::{Actor, Role};
use kejing_app::advice;
use kejing_app::catalogue::load;
use kejing_app::error::Kind;
use kejing_io::Table;
use kejing_letter::LetterRequest;
use kejing_store::Store;
use std::path::Path;

mod support;

fn folder(name: &str) -> String {
    std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../kejing/tests/data/advice")
            .join(format!("{name}.csv")),
    )
    .unwrap()
}

#[test]
fn a_stored_letter_keeps_its_inputs_and_a_refusal_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _pg) = support::scratch(dir.path(), "advice.db");
    let mut store = Store::open(&url).unwrap();
    store.set_actor("setup");
    let org = store.ensure_org("bank", "Test Bank").unwrap();
    let tables: Vec<(Table, String)> = [
        Table::OrgUnits,
        Table::Managers,
        Table::Clients,
        Table::Ownership,
        Table::Products,
        Table::RiskAnswers,
        Table::Finances,
        Table::Goals,
        Table::Holdings,
    ]
    .iter()
    .map(|t| (*t, folder(t.name())))
    .collect();
    let refs: Vec<(Table, &str)> = tables.iter().map(|(t, s)| (*t, s.as_str())).collect();
    support::import_tables(&mut store, &org, dir.path(), &refs);

    let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies/ccb-advice");
    let policy = load(&policies).unwrap();
    let template = advice::template_of(&policy, &policies).unwrap();
    let admin = Actor::admin(&org, "officer");
    let on = "2026-10-15".parse().unwrap();
    let req = LetterRequest {
        client: "A2",
        on,
        manager: None,
        products: vec!["P1".into(), "P2".into()],
    };
    let (id, letter) =
        advice::generate_stored(&mut store, &admin, &policy, &template, &req, true).unwrap();
    assert!(letter.pdf.as_ref().is_some_and(|p| p.starts_with(b"%PDF")));
    assert_eq!(
        letter.model.branch.telephone.as_deref(),
        Some("0571-87001234")
    );
    assert_eq!(letter.model.manager.name, "陈静");
    let (kept, html) = store.letter(&org, id).unwrap().unwrap();
    assert_eq!(
        (
            kept.client.as_str(),
            kept.risk_level.as_str(),
            kept.products.as_str()
        ),
        ("A2", "C2", "P1,P2")
    );
    assert_eq!(kept.generated_by, "officer");
    assert!(kept.policy.starts_with("ccb-advice@"), "{}", kept.policy);
    assert_eq!(html, letter.html);
    assert!(html.contains("李娜") && html.contains("35.29 %"));

    // An R4 product for the C2 client: refused, audited, nothing kept.
    let bad = LetterRequest {
        products: vec!["P4".into()],
        ..req.clone()
    };
    let e =
        advice::generate_stored(&mut store, &admin, &policy, &template, &bad, false).unwrap_err();
    assert!(
        matches!(&e, Error::Invalid(m) if m.contains("R4") && m.contains("C2")),
        "{e}"
    );
    assert_eq!(store.letters(&org, Some("A2"), 10).unwrap().len(), 1);
    let audit = store.audit_log(20).unwrap();
    assert!(
        audit
            .iter()
            .any(|a| a.action == "letter.refuse" && a.key == "A2")
    );
    assert!(
        audit
            .iter()
            .any(|a| a.action == "letter.generate" && a.key == id.to_string())
    );

    // A customer manager outside the owner's scope may not write the client's letter.
    let cm = Actor {
        name: "m9".into(),
        org: org.clone(),
        role: Role::Manager,
        scope: Some(std::sync::Arc::new(["M9".to_owned()].into_iter().collect())),
        manager: Some("M9".into()),
    };
    let e = advice::generate_stored(&mut store, &cm, &policy, &template, &req, false).unwrap_err();
    assert!(e.kind() == Some(Kind::Forbidden), "{e}");

    // The re-assessment reminder on the letter's day: A3's assessment expired on 2026-05-31.
    let due = advice::reassessments_due(&mut store, &admin, &policy, on).unwrap();
    assert_eq!(
        due.iter()
            .map(|a| (a.client.as_str(), a.status.code()))
            .collect::<Vec<_>>(),
        vec![("A3", "expired")]
    );
    // A2's assessment of 2026-08-20 is due a month before 2027-08-19.
    let later = "2027-08-01".parse().unwrap();
    let due = advice::reassessments_due(&mut store, &admin, &policy, later).unwrap();
    assert!(
        due.iter()
            .any(|a| a.client == "A2" && a.status.code() == "due"),
        "{due:?}"
    );

    // The advice tables export as they were imported.
    let rows = store.export_rows(&org, Table::RiskAnswers).unwrap();
    assert_eq!(rows.len(), 40);
    assert_eq!(rows[0], vec!["A1", "2026-05-10", "q1", "B"]);
}

/// Two customer managers' devices submit the same client's questionnaire for the same day at
/// once: each submission is one step, so the day ends with exactly one whole questionnaire
/// (ten answers, all of one submission), and neither gets a server error.
#[test]
fn overlapping_questionnaires_leave_one_whole_set() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _pg) = support::scratch(dir.path(), "advice_race.db");
    let mut store = Store::open(&url).unwrap();
    store.set_actor("setup");
    let org = store.ensure_org("bank", "Test Bank").unwrap();
    let tables: Vec<(Table, String)> = [
        Table::OrgUnits,
        Table::Managers,
        Table::Clients,
        Table::Ownership,
    ]
    .iter()
    .map(|t| (*t, folder(t.name())))
    .collect();
    let refs: Vec<(Table, &str)> = tables.iter().map(|(t, s)| (*t, s.as_str())).collect();
    support::import_tables(&mut store, &org, dir.path(), &refs);
    drop(store);
    let policies = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies/ccb-advice");
    let policy = std::sync::Arc::new(load(&policies).unwrap());
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(4));
    let day: chrono::NaiveDate = "2026-10-15".parse().unwrap();
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let (url, org, policy, barrier) =
                (url.clone(), org.clone(), policy.clone(), barrier.clone());
            std::thread::spawn(move || {
                let mut s = Store::open(&url).unwrap();
                let actor = Actor::admin(&org, &format!("device{i}"));
                // Device i answers every question with option A, B, C or D.
                let pick = ["A", "B", "C", "D"][i];
                let answers: std::collections::BTreeMap<String, String> = (1..=10)
                    .map(|q| (format!("q{q}"), pick.to_owned()))
                    .collect();
                barrier.wait();
                advice::record_questionnaire(&mut s, &actor, &policy, "A1", day, &answers)
            })
        })
        .collect();
    let results: Vec<_> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    for r in &results {
        assert!(
            r.is_ok() || r.as_ref().err().and_then(Error::kind) == Some(Kind::Conflict),
            "neither done nor 'already done': {r:?}"
        );
    }
    let mut store = Store::open(&url).unwrap();
    let rows = store
        .advice_cells(&org, Table::RiskAnswers, Some("A1"))
        .unwrap();
    assert_eq!(rows.len(), 10, "{rows:?}");
    let picks: std::collections::BTreeSet<&str> =
        rows.iter().map(|r| r["answer"].as_str()).collect();
    assert_eq!(picks.len(), 1, "answers of two submissions mixed: {rows:?}");
}
