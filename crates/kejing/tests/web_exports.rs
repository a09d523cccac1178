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
        let office = kejing_app::Actor::admin(&org, "office");
        kejing_app::run_review::submit(&mut s, &office, fx.run).unwrap();
        kejing_app::run_review::approve(
            &mut s,
            &kejing_app::Actor::admin(&org, "reviewer"),
            fx.run,
        )
        .unwrap();
        kejing_app::settlement::lock(&mut s, &office, fx.run).unwrap();
    });
    let (_, _, locked) = send(&r, payroll()).await;
    let text = cells(&locked).join("|");
    assert!(!text.contains("草稿"), "{text}");
    read_back(&locked, fx.run);
}

/// The locked run's workbook read back by calamine (a reader other than the writer): the header
/// block names the organisation, period, run and approver; amounts are numeric cells; each
/// unit's subtotal and the total row equal the sums of the rows above them; the signature block
/// names who prepared, reviewed and approved it; the name column is wide enough for Chinese.
fn read_back(xlsx: &[u8], run: i64) {
    use calamine::{Data, Reader};
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let name = wb.sheet_names()[0].clone();
    assert_eq!(name, "提成工资表");
    let range = wb.worksheet_range(&name).unwrap();
    let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
    let first = |r: &[Data]| r.first().map(|c| c.to_string()).unwrap_or_default();
    let head: String = rows[..4]
        .iter()
        .map(|r| first(r))
        .collect::<Vec<_>>()
        .join("\n");
    for want in [
        "提成工资表",
        "2026-09",
        &format!("第 {run} 批"),
        "审批：reviewer",
        "锁定：office",
    ] {
        assert!(head.contains(want), "header block lacks {want:?}:\n{head}");
    }
    let header = rows
        .iter()
        .position(|r| first(r) == "客户经理编号")
        .expect("column headers");
    let total_at = header
        + 1
        + rows[header + 1..]
            .iter()
            .position(|r| first(r) == "合计")
            .expect("a total row");
    let columns = rows[header].len();
    let fen = common::xlsx_fen;
    let mut managers = 0;
    for c in 4..columns {
        let (mut sum, mut subtotals, mut unit) = (0i64, 0i64, 0i64);
        for r in &rows[header + 1..total_at] {
            let v = r.get(c);
            if first(r).starts_with("小计") {
                let st = v.and_then(fen).expect("a numeric subtotal");
                assert_eq!(st, unit, "the subtotal of {} in column {c}", first(r));
                subtotals += st;
                unit = 0;
            } else if let Some(v) = v.filter(|v| !matches!(v, Data::Empty)) {
                let f = fen(v).unwrap_or_else(|| panic!("amount {v:?} is not a number"));
                sum += f;
                unit += f;
                managers += 1;
            }
        }
        let total = rows[total_at]
            .get(c)
            .and_then(fen)
            .expect("a numeric total");
        assert_eq!(total, sum, "the total of column {c}");
        assert_eq!(total, subtotals, "the subtotals of column {c}");
    }
    assert!(managers > 0, "amount cells read back");
    let tail: String = rows[total_at + 1..]
        .iter()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect::<Vec<_>>()
        .join("|");
    for want in ["制表：", "复核：office", "审批：reviewer", "签字"] {
        assert!(
            tail.contains(want),
            "signature block lacks {want:?}: {tail}"
        );
    }
    // The name column's width, from the sheet's XML: wider than four CJK characters.
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(
        &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
        &mut xml,
    )
    .unwrap();
    let col2 = xml
        .split("<col ")
        .find(|c| c.contains(r#"min="2""#))
        .expect("a width for the name column");
    let width: f64 = col2
        .split(r#"width=""#)
        .nth(1)
        .and_then(|w| w.split('"').next())
        .and_then(|w| w.parse().ok())
        .unwrap();
    assert!(width >= 8.0, "name column width {width}");
    assert!(!xml.contains("<f>"), "amounts are values, not formulas");
}
