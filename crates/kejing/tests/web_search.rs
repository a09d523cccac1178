//! Finding things (issue 14, D16): a client by an account number, the audit log by action
//! prefix, user and days. In process; SQLite, or PostgreSQL with `KEJING_TEST_PG_URL`.

mod common;

use common::web_session::{B, session};
use kejing::web::router;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_by_account_number_and_the_audit_log_by_days() {
    let fx = tokio::task::block_in_place(|| common::fixture("search"));
    let r = router(fx.app.clone());
    let admin = session(&r, "admin").await;
    // A2 is C2's account.
    let page = admin.call("GET", "/clients?q=A2", B::None).await.body;
    assert!(page.contains("/clients/C2"), "{page}");
    assert!(!page.contains("/clients/C1\""), "{page}");
    // The audit log: by action prefix and user, then by days.
    let today = chrono::Utc::now().date_naive();
    let all = admin.call("GET", "/audit?action=rate", B::None).await.body;
    assert!(all.contains("audit-table"), "{all}");
    let from = admin
        .call(
            "GET",
            &format!("/audit?actor=fixture&from={today}&to={today}"),
            B::None,
        )
        .await;
    assert_eq!(from.status, 200, "{}", from.body);
    assert!(
        from.body.contains("<td>fixture</td>"),
        "today's entries: {}",
        from.body
    );
    let later = today.succ_opt().unwrap();
    let none = admin
        .call(
            "GET",
            &format!("/audit?actor=fixture&from={later}"),
            B::None,
        )
        .await
        .body;
    assert!(
        !none.contains("<td>fixture</td>"),
        "nothing after today: {none}"
    );
    let bad = admin.call("GET", "/audit?from=yesterday", B::None).await;
    assert_eq!(bad.status, 422, "{}", bad.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_is_reviewed_by_manager_and_by_unit() {
    let fx = tokio::task::block_in_place(|| common::fixture("run_filter"));
    let r = router(fx.app.clone());
    let admin = session(&r, "admin").await;
    let url = format!("/settlement/runs/{}", fx.run);
    let rows = |page: &str| page.matches("<tr><td><a href=\"/statements/").count();
    let all = admin.call("GET", &url, B::None).await.body;
    assert!(rows(&all) >= 3, "{all}");
    let one = admin
        .call("GET", &format!("{url}?q=m1"), B::None)
        .await
        .body;
    assert_eq!(rows(&one), 1, "{one}");
    assert!(
        one.contains("/statements/") && one.contains(">M1<"),
        "{one}"
    );
    // A unit with the units below it; the sums are those of the rows shown.
    let unit = admin
        .call("GET", &format!("{url}?unit=B01S1"), B::None)
        .await
        .body;
    assert!(rows(&unit) >= 1 && rows(&unit) < rows(&all), "{unit}");
    assert!(
        unit.contains("&amp;unit=B01S1") || unit.contains("&unit=B01S1"),
        "the sort links keep the filter: {unit}"
    );
}
