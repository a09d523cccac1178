//! The rating grid in a real browser (headless Chromium): a team head rates the team across the
//! scorecard's items on a desktop, sees the progress move, and on a 390 px phone the grid
//! scrolls inside the page. Screenshots go to `target/screenshots/`.

mod common;

use common::chromium::{css, login, open, shot, submit, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_team_head_rates_the_team_in_the_grid() {
    let fx = tokio::task::block_in_place(|| common::fixture("browser_rating"));
    let (base, _driver, c) = open(&fx).await;

    c.set_window_size(1366, 900).await.unwrap();
    login(&c, &base, "team").await;
    c.goto(&format!("{base}/rate")).await.unwrap();
    submit(&c, css(&c, "#grid-link").await).await;
    css(&c, "#policy")
        .await
        .select_by_value("bank-grades")
        .await
        .unwrap();
    css(&c, "#period").await.send_keys("2026-Q3").await.unwrap();
    submit(&c, css(&c, "#grid-open").await).await;
    let before = text(&c, "#rate-progress").await;
    assert!(before.starts_with("已评 "), "{before}");
    let done = |p: &str| -> u32 {
        p.trim_start_matches("已评 ")
            .split(" / ")
            .next()
            .unwrap()
            .trim()
            .parse()
            .unwrap()
    };
    // The standards are one click away; every cell names its person and item.
    css(&c, "#standards summary").await.click().await.unwrap();
    assert!(text(&c, "#standards").await.contains("职业操守与服务"));
    let cell = css(&c, "#row-M1 input").await;
    assert!(
        cell.attr("aria-label")
            .await
            .unwrap()
            .unwrap()
            .starts_with("M1 ")
    );
    cell.clear().await.unwrap();
    cell.send_keys("36").await.unwrap();
    submit(&c, css(&c, "#grid-submit").await).await;
    assert!(text(&c, "#rate-notice").await.contains("已保存 1 项评分"));
    let after = text(&c, "#rate-progress").await;
    assert_eq!(done(&after), done(&before) + 1, "{before} → {after}");
    shot(&c, "rating-grid").await;

    // On a phone the grid scrolls inside its box; the page stays as wide as the screen.
    c.set_window_size(390, 844).await.unwrap();
    c.goto(&format!(
        "{base}/rate/grid?policy=bank-grades&period=2026-Q3"
    ))
    .await
    .unwrap();
    css(&c, "#grid").await;
    let width = c
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .unwrap();
    assert!(width.as_i64().unwrap() <= 390, "{width}");
    shot(&c, "rating-grid-phone").await;
}
