//! Exports a performance office relies on: the payroll workbook of a run that is not locked
//! says 草稿 / DRAFT on the sheet; once the period is locked on it, it does not. On SQLite, or
//! PostgreSQL with `KEJING_TEST_PG_URL`.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kejing::web::router;
use tower::ServiceExt;

async fn send(
    r: &axum::Router,
    req: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = r.clone().oneshot(req).await.unwrap();
    let (status, headers) = (res.status(), res.headers().clone());
    let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, bytes)
}

fn cells(xlsx: &[u8]) -> Vec<String> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let name = wb.sheet_names()[0].clone();
    let range = wb.worksheet_range(&name).unwrap();
    range
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_payroll_of_an_unlocked_run_says_draft() {
    let fx = tokio::task::block_in_place(|| common::fixture("payroll"));
    let r = router(fx.app.clone());
    let (status, headers, _) = send(
        &r,
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "username=admin&password={}&next=/",
                common::PASSWORD
            )))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    let cookie = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kejing_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let payroll = || {
        Request::get(format!("/settlement/runs/{}/payroll.xlsx", fx.run))
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap()
    };
    let (status, _, draft) = send(&r, payroll()).await;
    assert_eq!(status, StatusCode::OK);
    let text = cells(&draft).join("|");
    assert!(text.contains("草稿") && text.contains("DRAFT"), "{text}");
    tokio::task::block_in_place(|| {
        let mut s = kejing_store::Store::open(&fx.url).unwrap();
        let org = s.org("bank").unwrap().unwrap();
        kejing_app::settlement::lock(&mut s, &kejing_app::Actor::admin(&org, "office"), fx.run)
            .unwrap();
    });
    let (_, _, locked) = send(&r, payroll()).await;
    let text = cells(&locked).join("|");
    assert!(!text.contains("草稿"), "{text}");
}
