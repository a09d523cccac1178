//! What-if scenarios on the web (issue 14, Deliver 7): the performance office simulates a
//! change, saves it under a name, finds it in the list, opens it again with its result as
//! saved, exports it as a workbook that a second reader (calamine) reads back with numeric
//! cells, totals equal to the sums and the header block; a second save of the name is refused
//! beside the name field in the user's language; an auditor sees scenarios but saves none. In
//! process; SQLite, or PostgreSQL with `KEJING_TEST_PG_URL`.

mod common;

use calamine::{Data, Reader};
use common::web_session::{B, session};
use kejing::web::router;

use common::xlsx_fen as fen;

/// `1,234.50` → 123450.
fn page_fen(s: &str) -> i64 {
    let d: rust_decimal::Decimal = s.replace(',', "").trim().parse().unwrap();
    rust_decimal::prelude::ToPrimitive::to_i64(&(d * rust_decimal::Decimal::ONE_HUNDRED)).unwrap()
}

fn cell_text<'a>(page: &'a str, id: &str) -> &'a str {
    page.split(&format!("id=\"{id}\">"))
        .nth(1)
        .and_then(|s| s.split('<').next())
        .unwrap_or_else(|| panic!("no {id}: {page}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scenario_is_saved_listed_opened_and_exported() {
    let fx = tokio::task::block_in_place(|| common::fixture("scenarios"));
    let r = router(fx.app.clone());
    let admin = session(&r, "admin").await;
    let form = "policy=cixi-deposits&period=2026-09&changes=incremental_rate%3D%2B50%25";

    // The simulation offers to save it.
    let res = admin.call("POST", "/whatif", B::Form(form.into())).await;
    assert_eq!(res.status.as_u16(), 200, "{}", res.body);
    assert!(res.body.contains("id=\"scenario-form\""), "{}", res.body);
    let total_b = cell_text(&res.body, "whatif-total-b").to_owned();

    // Saved: to its own page, with the result as computed.
    let name = "增量上调五成";
    let named = format!(
        "name={}&{form}",
        form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>()
    );
    let res = admin
        .call("POST", "/whatif/scenarios", B::Form(named.clone()))
        .await;
    assert_eq!(res.status.as_u16(), 303, "{}", res.body);
    let at = res.headers["location"].to_str().unwrap().to_owned();
    assert!(at.starts_with("/whatif/scenarios/"), "{at}");
    let id: i64 = at.rsplit('/').next().unwrap().parse().unwrap();
    let page = admin.call("GET", &at, B::None).await;
    assert_eq!(page.status.as_u16(), 200, "{}", page.body);
    assert!(page.body.contains("id=\"scenario-saved\""), "{}", page.body);
    assert!(page.body.contains(name), "{}", page.body);
    assert_eq!(cell_text(&page.body, "whatif-total-b"), total_b);
    // The form is filled to run it again as written (the percentage, not what it came to).
    assert!(
        page.body.contains(">incremental_rate=+50%</textarea>"),
        "{}",
        page.body
    );

    // Listed on the what-if page.
    let list = admin.call("GET", "/whatif", B::None).await;
    assert!(list.body.contains("id=\"scenario-list\""), "{}", list.body);
    assert!(
        list.body
            .contains(&format!("<a href=\"/whatif/scenarios/{id}\">{name}</a>")),
        "{}",
        list.body
    );

    // The same name again: refused beside the name field, in Chinese, the input kept.
    let res = admin
        .call("POST", "/whatif/scenarios", B::Form(named))
        .await;
    assert_eq!(res.status.as_u16(), 409, "{}", res.body);
    assert!(res.body.contains("id=\"name-error\""), "{}", res.body);
    assert!(
        res.body.contains(&format!("已有名为「{name}」的方案")),
        "{}",
        res.body
    );
    assert!(
        res.body.contains(&format!("value=\"{name}\"")),
        "{}",
        res.body
    );

    // The workbook: a sheet by manager, unit and grade; the header block; numeric amounts
    // whose totals are the sums of the rows and equal the page's.
    let res = admin
        .call("GET", &format!("/whatif/scenarios/{id}/xlsx"), B::None)
        .await;
    assert_eq!(res.status.as_u16(), 200, "{}", res.body);
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(res.bytes)).unwrap();
    assert_eq!(wb.sheet_names(), ["按客户经理", "按机构", "按等级"]);
    for sheet in wb.sheet_names() {
        let range = wb.worksheet_range(&sheet).unwrap();
        let rows: Vec<Vec<Data>> = range.rows().map(|r| r.to_vec()).collect();
        let first = |r: &[Data]| r.first().map(|c| c.to_string()).unwrap_or_default();
        let head: String = rows[..6]
            .iter()
            .map(|r| first(r))
            .collect::<Vec<_>>()
            .join("\n");
        for want in [
            format!("测算方案：{name}").as_str(),
            "机构：测试银行",
            "政策 cixi-deposits · 期间 2026-09",
            "保存：admin",
            "incremental_rate=+50% → incremental_rate=",
        ] {
            assert!(head.contains(want), "{sheet}: {want:?} not in\n{head}");
        }
        let header = rows
            .iter()
            .position(|r| {
                r.iter()
                    .any(|c| matches!(c, Data::String(s) if s == "差额"))
            })
            .expect("column headers");
        let total_at = rows
            .iter()
            .position(|r| first(r) == "合计")
            .expect("a total row");
        let columns = rows[header].len();
        for c in columns - 3..columns {
            let sum: i64 = rows[header + 1..total_at]
                .iter()
                .map(|r| fen(&r[c]).unwrap_or_else(|| panic!("{sheet} {:?} is not a number", r[c])))
                .sum();
            let total = fen(&rows[total_at][c]).expect("a numeric total");
            assert_eq!(total, sum, "{sheet}: the total of column {c}");
            if c == columns - 2 {
                assert_eq!(total, page_fen(&total_b), "{sheet}: the simulated total");
            }
        }
        assert!(total_at > header + 1, "{sheet}: rows read back");
    }

    // An auditor sees and exports scenarios but keeps none.
    let auditor = session(&r, "auditor").await;
    let seen = auditor.call("GET", &at, B::None).await;
    assert_eq!(seen.status.as_u16(), 200);
    assert!(
        !seen.body.contains("id=\"scenario-delete\""),
        "{}",
        seen.body
    );
    let res = auditor
        .call(
            "POST",
            "/whatif/scenarios",
            B::Form(format!("name=x&{form}")),
        )
        .await;
    assert_eq!(res.status.as_u16(), 403, "{}", res.body);

    // Deleted by its author; then gone.
    let res = admin
        .call("POST", &format!("{at}/delete"), B::Form(String::new()))
        .await;
    assert_eq!(res.status.as_u16(), 303, "{}", res.body);
    let res = admin.call("GET", &at, B::None).await;
    assert_eq!(res.status.as_u16(), 404, "{}", res.body);
    let res = admin
        .call("POST", &format!("{at}/delete"), B::Form(String::new()))
        .await;
    assert_eq!(res.status.as_u16(), 409, "{}", res.body);
    assert!(res.body.contains("不存在"), "{}", res.body);
}
