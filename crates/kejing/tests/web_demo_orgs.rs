//! The demo's organisations in the web application (issue 11): the hotel's September is
//! settled with its A/B/C awards; the oil distributor's August is refused until its
//! reconciliation is overridden, then settled and locked; each admin sees only their own
//! organisation. Over the demo's own data (`load_demo`, `demo_web`) on an SQLite file.

mod common;

use axum::http::StatusCode;
use common::web_session::{B, session};
use kejing::web::router;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_hotel_and_oil_distributor_settle_in_the_web() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db").display().to_string();
    let hotel_run = tokio::task::block_in_place(|| {
        let mut store = kejing_store::Store::open(&db).unwrap();
        kejing::cli::load_demo(&mut store, 1).unwrap();
        kejing::cli::demo_web(&mut store, &common::policies_dir()).unwrap();
        let hotel = store.org("hotel").unwrap().unwrap();
        store.runs(&hotel).unwrap()[0].id
    });
    let app = tokio::task::block_in_place(|| {
        kejing::web::App::new(kejing::web::Config {
            db: db.clone(),
            policies: common::policies_dir(),
            uploads: dir.path().join("uploads"),
            secure_cookies: false,
        })
        .unwrap()
    });
    let r = router(app);
    // demo_web's accounts share the demo password.
    assert_eq!(kejing::cli::DEMO_PASSWORD, common::PASSWORD);

    let hotel = session(&r, "hotel-admin").await;
    let run = hotel
        .call("GET", &format!("/settlement/runs/{hotel_run}"), B::None)
        .await;
    assert_eq!(run.status, StatusCode::OK, "{}", run.body);
    // The call-back found B06 collusive: 赵敏 earns nothing and 陈刚 is third (C 500).
    for total in ["1,800.00", "1,180.00", "560.00"] {
        assert!(
            run.body.contains(total) || run.body.contains(&total.replace(',', "")),
            "{total} in {}",
            run.body
        );
    }
    // The hotel's admin does not see the oil distributor's runs.
    let oil_admin = session(&r, "oil-admin").await;
    let oil_runs = oil_admin.call("GET", "/settlement", B::None).await;
    assert!(oil_runs.body.contains("oil-distributor"));
    assert!(
        !oil_runs
            .body
            .contains(&format!("/settlement/runs/{hotel_run}\"")),
        "{}",
        oil_runs.body
    );
    let other = oil_admin
        .call("GET", &format!("/settlement/runs/{hotel_run}"), B::None)
        .await;
    assert_eq!(other.status, StatusCode::NOT_FOUND);

    let refused = oil_admin
        .call(
            "POST",
            "/settlement/run",
            B::Form("policy=oil-distributor&period=2013-08".into()),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.body.contains("O002 孙晓明 cash_received"),
        "{}",
        refused.body
    );
    let overridden = oil_admin
        .call(
            "POST",
            "/settlement/reconciliation/override",
            B::Form("policy=oil-distributor&period=2013-08&reason=demo".into()),
        )
        .await;
    assert_eq!(
        overridden.status,
        StatusCode::SEE_OTHER,
        "{}",
        overridden.body
    );
    let settled = oil_admin
        .call(
            "POST",
            "/settlement/run",
            B::Form("policy=oil-distributor&period=2013-08".into()),
        )
        .await;
    assert_eq!(settled.status, StatusCode::SEE_OTHER, "{}", settled.body);
    let location = settled.headers["location"].to_str().unwrap().to_owned();
    let page = oil_admin.call("GET", &location, B::None).await;
    assert!(page.body.contains("O002"), "{}", page.body);
    // Submitted by the oil distributor's admin, approved by its second person, then locked.
    let submitted = oil_admin
        .call(
            "POST",
            &format!("{location}/submit"),
            B::Form(String::new()),
        )
        .await;
    assert_eq!(
        submitted.status,
        StatusCode::SEE_OTHER,
        "{}",
        submitted.body
    );
    let own = oil_admin
        .call(
            "POST",
            &format!("{location}/approve"),
            B::Form(String::new()),
        )
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN, "{}", own.body);
    let reviewer = session(&r, "oil-reviewer").await;
    let approved = reviewer
        .call(
            "POST",
            &format!("{location}/approve"),
            B::Form(String::new()),
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER, "{}", approved.body);
    let locked = oil_admin
        .call("POST", &format!("{location}/lock"), B::Form(String::new()))
        .await;
    assert_eq!(locked.status, StatusCode::SEE_OTHER, "{}", locked.body);
    let page = oil_admin.call("GET", &location, B::None).await;
    assert!(page.body.contains("status-locked"), "{}", page.body);
    assert!(
        page.body.contains("oil-reviewer"),
        "the approver is on the run's page"
    );
    // The dashboard's completion: the targets (rows of `quantity`) against the quantity paid
    // for, the measure the policy says attains them (D15) — a percentage, not "—".
    let dash = oil_admin.call("GET", "/?period=2013-08", B::None).await;
    let done = dash.body.matches("%</td></tr>").count();
    assert!(done >= 3, "every salesman's completion: {}", dash.body);
}
