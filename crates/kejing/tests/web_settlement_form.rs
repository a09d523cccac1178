//! The settlement form as the performance office meets it: a refused form comes back with its
//! input and the reason beside the field, in the user's language; the period field suggests
//! the periods the chosen policy settles; the lists offer only the policies the organisation
//! uses and the page can run. In process; SQLite, or PostgreSQL with `KEJING_TEST_PG_URL`.

mod common;

use common::web_session::{B, Session, session};
use kejing::web::router;

/// The `<select id="policy">` of a page, up to its end.
fn policy_select(page: &str) -> &str {
    page.split("<select id=\"policy\"")
        .nth(1)
        .and_then(|s| s.split("</select>").next())
        .unwrap_or_else(|| panic!("no policy list: {page}"))
}

/// The options' values of a list.
fn options(select: &str) -> Vec<&str> {
    select
        .split("<option value=\"")
        .skip(1)
        .filter_map(|o| o.split('"').next())
        .collect()
}

async fn run(s: &Session, policy: &str, period: &str) -> common::web_session::Reply {
    s.call(
        "POST",
        "/settlement/run",
        B::Form(format!("policy={policy}&period={period}")),
    )
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_settlement_keeps_its_input_and_says_why_beside_the_field() {
    let fx = tokio::task::block_in_place(|| common::fixture("settle_form"));
    let r = router(fx.app.clone());
    let s = session(&r, "admin").await;

    // A quarter under a monthly policy: 422, the settlement page again (not an error page),
    // the policy still chosen, the period still typed, the reason next to the period field.
    let res = run(&s, "cixi-deposits", "2026-Q3").await;
    assert_eq!(res.status.as_u16(), 422, "{}", res.body);
    let page = &res.body;
    assert!(page.contains("id=\"run-form\""), "{page}");
    assert!(!page.contains("出错了"), "not the bare error page: {page}");
    assert!(
        page.contains("value=\"2026-Q3\""),
        "the input is kept: {page}"
    );
    let select = policy_select(page);
    assert!(
        select.contains("<option value=\"cixi-deposits\" data-periods"),
        "{select}"
    );
    let chosen: Vec<&str> = select
        .split("<option ")
        .filter(|o| o.contains(" selected"))
        .collect();
    assert_eq!(chosen.len(), 1, "{select}");
    assert!(chosen[0].contains("value=\"cixi-deposits\""), "{select}");
    let error = page
        .split("id=\"period-error\">")
        .nth(1)
        .and_then(|e| e.split("</span>").next())
        .unwrap_or_else(|| panic!("no error beside the period: {page}"));
    assert_eq!(
        error,
        "制度 cixi-deposits 按月 结算，请填写如 2026-09 的期间，而不是 2026-Q3。"
    );
    assert!(page.contains("id=\"period\" name=\"period\""), "{page}");
    assert!(page.contains("aria-invalid=\"true\" aria-describedby=\"period-error\""));
    assert!(
        !page.contains(&fx.dir.path().display().to_string()),
        "no server path"
    );

    // Something that is not a period at all, and nothing at all.
    let res = run(&s, "cixi-deposits", "%E4%B9%9D%E6%9C%88").await;
    assert_eq!(res.status.as_u16(), 422);
    assert!(res.body.contains("“九月”不是期间"), "{}", res.body);
    assert!(res.body.contains("value=\"九月\""), "{}", res.body);
    let res = run(&s, "cixi-deposits", "").await;
    assert!(res.body.contains("请填写期间"), "{}", res.body);

    // A policy the folder does not hold: said beside the policy list.
    let res = run(&s, "no-such-policy", "2026-09").await;
    assert_eq!(res.status.as_u16(), 422);
    assert!(
        res.body
            .contains("id=\"policy-error\">制度目录中没有制度“no-such-policy”"),
        "{}",
        res.body
    );
    assert!(res.body.contains("value=\"2026-09\""), "{}", res.body);

    // The same in English.
    s.call("POST", "/lang", B::Form("lang=en".into())).await;
    let res = run(&s, "cixi-deposits", "2026-Q3").await;
    assert!(
        res.body.contains(
            "Policy cixi-deposits settles monthly periods: give a period such as 2026-09, not 2026-Q3."
        ),
        "{}",
        res.body
    );
    s.call("POST", "/lang", B::Form("lang=zh-CN".into())).await;

    // The API answers the same refusal with its code and parameters.
    let res = s
        .call(
            "POST",
            "/api/runs",
            B::Json(r#"{"policy":"cixi-deposits","period":"2026-Q3"}"#.into()),
        )
        .await;
    assert_eq!(res.status.as_u16(), 422, "{}", res.body);
    let v: serde_json::Value = serde_json::from_str(&res.body).unwrap();
    assert_eq!(v["code"], "period-wrong-frequency", "{v}");
    assert_eq!(v["params"]["example"], "2026-09", "{v}");

    // A right one still settles.
    let res = run(&s, "cixi-deposits", "2026-09").await;
    assert_eq!(res.status.as_u16(), 303, "{}", res.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_lists_offer_the_policies_the_organisation_uses_and_the_periods_they_settle() {
    let fx = tokio::task::block_in_place(|| common::fixture("settle_lists"));
    let r = router(fx.app.clone());
    let s = session(&r, "admin").await;

    // Nothing adopted yet: every policy that settles pay, none that only assesses or advises.
    let page = s.call("GET", "/settlement", B::None).await.body;
    let offered = options(policy_select(&page));
    assert!(offered.contains(&"cixi-deposits"), "{offered:?}");
    assert!(offered.contains(&"oil-distributor"), "{offered:?}");
    for only_assesses in ["abc-grades", "ccb-advice", "ccb-team"] {
        assert!(!offered.contains(&only_assesses), "{offered:?}");
    }
    // The first policy's periods: the months the data covers (September 2026) and those run.
    let cixi = policy_select(&page)
        .split("<option value=\"cixi-deposits\" data-periods=\"")
        .nth(1)
        .and_then(|o| o.split('"').next())
        .unwrap();
    assert!(cixi.split(' ').any(|p| p == "2026-09"), "{cixi}");
    assert!(cixi.split(' ').all(|p| p.len() == 7), "months only: {cixi}");
    let hint = s.call("GET", "/policies", B::None).await.body;
    assert!(hint.contains("本机构尚未选定使用的制度"), "{hint}");

    // The office adopts two; the lists now offer just those (of what each page can run).
    for name in ["cixi-deposits", "bank-grades"] {
        let res = s
            .call(
                "POST",
                &format!("/policies/{name}/adopt"),
                B::Form("adopt=1".into()),
            )
            .await;
        assert_eq!(res.status.as_u16(), 303, "{}", res.body);
    }
    let page = s.call("GET", "/settlement", B::None).await.body;
    assert_eq!(
        options(policy_select(&page)),
        vec!["bank-grades", "cixi-deposits"]
    );
    let page = s.call("GET", "/whatif", B::None).await.body;
    assert_eq!(
        options(policy_select(&page)),
        vec!["bank-grades", "cixi-deposits"]
    );
    let page = s.call("GET", "/assessments", B::None).await.body;
    assert!(
        page.contains("bank-grades") && !page.contains("abc-grades"),
        "{page}"
    );
    let page = s.call("GET", "/policies", B::None).await.body;
    assert!(page.contains("结算、考核、测算等页面只列出本机构使用的制度（共 2 个）"));
    assert!(page.contains("admin 于"), "who adopted it: {page}");

    // Adopting it again is refused with who did it; someone else's page says the same.
    let res = s
        .call(
            "POST",
            "/policies/cixi-deposits/adopt",
            B::Form("adopt=1".into()),
        )
        .await;
    assert_eq!(res.status.as_u16(), 409, "{}", res.body);
    assert!(
        res.body.contains("制度 cixi-deposits 已由 admin 于"),
        "{}",
        res.body
    );
    // A branch head may not choose the policies.
    let branch = session(&r, "branch").await;
    let res = branch
        .call(
            "POST",
            "/policies/bank-grades/adopt",
            B::Form("adopt=0".into()),
        )
        .await;
    assert_eq!(res.status.as_u16(), 403);
    // Dropped, it leaves the lists; on record in the audit log.
    let res = s
        .call(
            "POST",
            "/policies/bank-grades/adopt",
            B::Form("adopt=0".into()),
        )
        .await;
    assert_eq!(res.status.as_u16(), 303);
    let page = s.call("GET", "/settlement", B::None).await.body;
    assert_eq!(options(policy_select(&page)), vec!["cixi-deposits"]);
    let audit = s.call("GET", "/audit?action=policy.", B::None).await.body;
    assert!(
        audit.contains("采用制度") && audit.contains("停用制度"),
        "{audit}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_that_cannot_be_read_is_said_without_the_servers_path_and_keeps_the_table() {
    let fx = tokio::task::block_in_place(|| common::fixture("import_header"));
    let r = router(fx.app.clone());
    let s = session(&r, "admin").await;
    let res = s
        .call(
            "POST",
            "/imports",
            B::Multipart("targets", "who,what\nM1,3\n".to_owned()),
        )
        .await;
    assert_eq!(res.status.as_u16(), 422, "{}", res.body);
    assert!(
        res.body.contains("targets.csv 无法读取，未写入任何数据"),
        "{}",
        res.body
    );
    assert!(!res.body.contains("有 0 行错误"), "{}", res.body);
    let uploads = fx.dir.path().join("uploads").display().to_string();
    assert!(!res.body.contains(&uploads), "no server path: {}", res.body);
    assert!(
        res.body.contains("<option value=\"targets\" selected>"),
        "the table stays chosen: {}",
        res.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn what_if_changes_a_parameter_by_a_percentage_and_shows_units_and_grades() {
    let fx = tokio::task::block_in_place(|| common::fixture("whatif_percent"));
    let r = router(fx.app.clone());
    let s = session(&r, "admin").await;
    let page = s.call("GET", "/whatif", B::None).await.body;
    let params = page
        .split("id=\"params-cixi-deposits\"")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .unwrap_or_else(|| panic!("{page}"));
    assert!(params.contains("<code>incremental_rate</code>"), "{params}");
    assert!(params.contains(">0.1<"), "the value in effect: {params}");
    let res = s
        .call(
            "POST",
            "/whatif",
            B::Form(
                "policy=cixi-deposits&period=2026-09&changes=incremental_rate%3D%2B20%25".into(),
            ),
        )
        .await;
    assert_eq!(res.status.as_u16(), 200, "{}", res.body);
    assert!(
        res.body
            .contains("incremental_rate=+20% → incremental_rate=0.12"),
        "{}",
        res.body
    );
    assert!(res.body.contains("id=\"whatif-by_unit\""), "{}", res.body);
    assert!(res.body.contains("id=\"whatif-by_grade\""), "{}", res.body);
    assert!(res.body.contains("<svg class=\"chart\""), "{}", res.body);
    // A percentage without a sign is said beside the changes, which stay.
    let res = s
        .call(
            "POST",
            "/whatif",
            B::Form("policy=cixi-deposits&period=2026-09&changes=incremental_rate%3D20%25".into()),
        )
        .await;
    assert_eq!(res.status.as_u16(), 422, "{}", res.body);
    assert!(res.body.contains("id=\"changes-error\""), "{}", res.body);
    assert!(
        res.body.contains(">incremental_rate=20%</textarea>"),
        "{}",
        res.body
    );
}
