//! The oil distributor's monthly reconciliation (B3) in the web application: the page lists
//! each customer manager's own tally beside the keeper's figures; August, where 孙晓明 wrote
//! 5,500 of the keeper's 5,600, cannot be settled until an approver records an override with a
//! reason; then it can. Runs on SQLite, or PostgreSQL with `KEJING_TEST_PG_URL`.

mod common;

use axum::http::StatusCode;
use common::web_session::{B, session};
use kejing::web::router;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreconciled_month_is_settled_in_the_web_only_after_an_override() {
    let fx = tokio::task::block_in_place(|| {
        let fx = common::fixture("reconcile");
        let mut store = kejing_store::Store::open(&fx.url).unwrap();
        store.set_actor("fixture");
        let oil = store.ensure_org("oil", "日照油品").unwrap();
        let dir = fx.dir.path().join("oil");
        kejing::generate::write_oil(&dir).unwrap();
        for table in kejing_io::Table::ALL {
            let file = dir.join(format!("{}.csv", table.name()));
            if file.exists() {
                store
                    .import(&oil, *table, &file, &Default::default(), &mut |_, _, _| {})
                    .unwrap_or_else(|e| panic!("{table}: {e}"));
            }
        }
        kejing::cli::add_user(
            &mut store,
            &oil,
            "oiladmin",
            "油品绩效管理员",
            "admin",
            None,
            None,
            common::PASSWORD,
        )
        .unwrap();
        fx
    });
    let r = router(fx.app.clone());
    let s = session(&r, "oiladmin").await;
    let page = s
        .call(
            "GET",
            "/settlement/reconciliation?policy=oil-distributor&period=2013-08",
            B::None,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("未对平") && page.body.contains("5500") && page.body.contains("5600"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("recon-override"),
        "the override form is offered"
    );

    let refused = s
        .call(
            "POST",
            "/settlement/run",
            B::Form("policy=oil-distributor&period=2013-08".into()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("not reconciled"), "{}", refused.body);

    let empty = s
        .call(
            "POST",
            "/settlement/reconciliation/override",
            B::Form("policy=oil-distributor&period=2013-08&reason=".into()),
        )
        .await;
    assert_eq!(
        empty.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        empty.body
    );

    let done = s
        .call(
            "POST",
            "/settlement/reconciliation/override",
            B::Form(
                "policy=oil-distributor&period=2013-08&reason=%E4%BB%A5%E5%BA%93%E7%AE%A1%E6%95%B0%E4%B8%BA%E5%87%86"
                    .into(),
            ),
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let again = s
        .call(
            "POST",
            "/settlement/reconciliation/override",
            B::Form("policy=oil-distributor&period=2013-08&reason=twice".into()),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

    let page = s
        .call(
            "GET",
            "/settlement/reconciliation?policy=oil-distributor&period=2013-08",
            B::None,
        )
        .await;
    assert!(
        page.body.contains("已由 oiladmin") && page.body.contains("以库管数为准"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("id=\"recon-override\""));

    let settled = s
        .call(
            "POST",
            "/settlement/run",
            B::Form("policy=oil-distributor&period=2013-08".into()),
        )
        .await;
    assert_eq!(settled.status, StatusCode::SEE_OTHER, "{}", settled.body);
}
