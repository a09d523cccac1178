//! Rating as raters meet it: the grid of everyone a head rates across the scorecard's items,
//! with the progress; a score corrected and withdrawn (audited); a customer manager refused
//! where the policy has no self-rating (D4); nothing changes once the period's assessment is
//! approved. In process; SQLite, or PostgreSQL with `KEJING_TEST_PG_URL`.

mod common;

use common::web_session::{B, session};
use kejing::web::router;

fn cell(manager: &str) -> String {
    form_urlencoded::byte_serialize(format!("g:{manager}|综合|职业操守与服务").as_bytes()).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_head_rates_the_team_in_one_grid_corrects_and_withdraws() {
    let fx = tokio::task::block_in_place(|| common::fixture("rating"));
    let r = router(fx.app.clone());
    let team = session(&r, "team").await;
    let grid = team
        .call(
            "GET",
            "/rate/grid?policy=bank-grades&period=2026-Q3",
            B::None,
        )
        .await;
    assert_eq!(grid.status, 200, "{}", grid.body);
    let rows = grid.body.matches("<tr id=\"row-").count();
    assert!(rows >= 1, "{}", grid.body);
    assert!(grid.body.contains("职业操守与服务"), "{}", grid.body);
    let progress = |page: &str| -> String {
        page.split("id=\"rate-progress\"><strong>")
            .nth(1)
            .and_then(|p| p.split("</strong>").next())
            .unwrap_or_default()
            .to_owned()
    };
    let before = progress(&grid.body);
    assert!(before.starts_with("已评 "), "{before}");
    // Above the maximum: the whole form is refused, what was typed stays.
    let res = team
        .call(
            "POST",
            "/rate/grid",
            B::Form(format!(
                "policy=bank-grades&period=2026-Q3&{}=45",
                cell("M1")
            )),
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.body);
    assert!(
        res.body.contains("M1 的“职业操守与服务”：45 超出 0…40"),
        "{}",
        res.body
    );
    assert!(res.body.contains("value=\"45\""), "{}", res.body);
    // A score, then a correction, then withdrawn by emptying the cell.
    for v in ["35", "38"] {
        let res = team
            .call(
                "POST",
                "/rate/grid",
                B::Form(format!(
                    "policy=bank-grades&period=2026-Q3&{}={v}",
                    cell("M1")
                )),
            )
            .await;
        assert_eq!(res.status, 200, "{}", res.body);
        assert!(res.body.contains("已保存 1 项评分"), "{}", res.body);
        assert!(
            res.body.contains(&format!("value=\"{v}\" ")),
            "{}",
            res.body
        );
    }
    let res = team
        .call(
            "POST",
            "/rate/grid",
            B::Form(format!("policy=bank-grades&period=2026-Q3&{}=", cell("M1"))),
        )
        .await;
    assert!(res.body.contains("已撤回 1 项评分"), "{}", res.body);
    assert_eq!(progress(&res.body), before, "back where it was");
    let admin = session(&r, "admin").await;
    let audit = admin
        .call("GET", "/audit?action=rate.withdraw", B::None)
        .await
        .body;
    assert!(audit.contains("撤回评分"), "{audit}");

    // The customer manager: bank-grades has superiors' ratings only.
    let cm = session(&r, "cm").await;
    let page = cm
        .call(
            "GET",
            "/rate?policy=bank-grades&period=2026-Q3&manager=M1",
            B::None,
        )
        .await;
    assert!(
        page.body.contains("id=\"rate-not-allowed\""),
        "{}",
        page.body
    );
    let res = cm
        .call(
            "POST",
            "/rate/grid",
            B::Form(format!(
                "policy=bank-grades&period=2026-Q3&{}=40",
                cell("M1")
            )),
        )
        .await;
    assert_eq!(res.status, 403, "{}", res.body);
    assert!(res.body.contains("不设自评"), "{}", res.body);

    // Once the period's assessment is approved, scores no longer change.
    let reviewer = session(&r, "reviewer").await;
    let res = reviewer
        .call(
            "POST",
            &format!("/assessments/{}/approve", fx.assessment),
            B::Form("effective_on=2026-10-01".into()),
        )
        .await;
    assert!(
        res.status.is_redirection() || res.status == 200,
        "{}: {}",
        res.status,
        res.body
    );
    let res = team
        .call(
            "POST",
            "/rate/grid",
            B::Form(format!(
                "policy=bank-grades&period=2026-Q3&{}=30",
                cell("M1")
            )),
        )
        .await;
    assert_eq!(res.status, 409, "{}", res.body);
    assert!(res.body.contains("的考核已由 reviewer"), "{}", res.body);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_office_approves_the_ticked_proposals_with_one_effective_day() {
    let fx = tokio::task::block_in_place(|| common::fixture("bulk_approve"));
    let r = router(fx.app.clone());
    let reviewer = session(&r, "reviewer").await;
    let url = format!("/assessments/{}", fx.assessment);
    let all = reviewer.call("GET", &url, B::None).await.body;
    let rows = |page: &str| page.matches("<tr").count() - 1;
    let changed = reviewer
        .call("GET", &format!("{url}?changes=1"), B::None)
        .await
        .body;
    assert!(changed.contains("只看有变化的（"), "{changed}");
    assert!(rows(&changed) <= rows(&all), "the filter keeps a subset");
    assert!(all.contains("form=\"approve-selected\""), "{all}");
    assert!(all.contains("data-confirm="), "approval asks first: {all}");
    // Tick two: only those are approved, from the one day given.
    let res = reviewer
        .call(
            "POST",
            &format!("{url}/approve"),
            B::Form("manager=M1&manager=M2&effective_on=2026-10-01".into()),
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let after = reviewer.call("GET", &url, B::None).await.body;
    assert_eq!(
        after.matches("已批准，2026-10-01 起生效").count(),
        2,
        "{after}"
    );
}
