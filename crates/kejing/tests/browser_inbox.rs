//! The inbox in a real browser (headless Chromium): the office accepts a dispute on a desktop
//! (a missing period is said beside the field first); the customer manager, on a 390 px phone,
//! sees the count on the menu button, opens the inbox, reads the decision with its amount and
//! period, and marks it read. Screenshots go to `target/screenshots/`.

mod common;

use common::chromium::{css, login, logout, open, open_menu, shot, submit, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_manager_hears_that_their_dispute_was_accepted() {
    let fx = tokio::task::block_in_place(|| common::fixture("browser_inbox"));
    let (base, _driver, c) = open(&fx).await;
    let id = fx.dispute;

    // The office, on a desktop: the dispute waits in its inbox; it decides on the disputes page.
    c.set_window_size(1366, 900).await.unwrap();
    login(&c, &base, "admin").await;
    c.goto(&format!("{base}/inbox")).await.unwrap();
    assert!(text(&c, "#tasks").await.contains(&format!("申诉 #{id}")));
    c.goto(&format!("{base}/disputes?status=open"))
        .await
        .unwrap();
    css(&c, &format!("#decision-{id}"))
        .await
        .send_keys("余额核实有误，补发")
        .await
        .unwrap();
    css(&c, &format!("#amount-{id}"))
        .await
        .send_keys("100")
        .await
        .unwrap();
    let accept = css(&c, &format!("#decide-{id} button[value=yes]")).await;
    submit(&c, accept).await;
    // No period: said beside the field, the decision and the amount kept.
    assert!(
        text(&c, &format!("#period-error-{id}"))
            .await
            .contains("请填写期间")
    );
    let kept = css(&c, &format!("#amount-{id}"))
        .await
        .prop("value")
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some("100"));
    shot(&c, "dispute-inline-error").await;
    css(&c, &format!("#period-{id}"))
        .await
        .send_keys("2026-10")
        .await
        .unwrap();
    let accept = css(&c, &format!("#decide-{id} button[value=yes]")).await;
    submit(&c, accept).await;
    assert!(text(&c, "#disputes-table").await.contains("100.00"));
    logout(&c).await;

    // The customer manager, on a phone: the count is on the menu button.
    c.set_window_size(390, 844).await.unwrap();
    login(&c, &base, "cm").await;
    assert_eq!(text(&c, "#nav-toggle .count").await, "1");
    open_menu(&c).await;
    submit(&c, css(&c, "#nav-inbox").await).await;
    let notice = text(&c, &format!("#notice-dispute-{id}-accepted")).await;
    assert!(
        notice.contains(&format!(
            "您对第 {} 批（2026-09）“存款绩效薪酬”的申诉已由 admin 受理：在 2026-10 调整 100.00 元",
            fx.run
        )),
        "{notice}"
    );
    let width = c
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .unwrap();
    assert!(width.as_i64().unwrap() <= 390, "{width}");
    shot(&c, "inbox-cm-phone").await;
    let read = css(
        &c,
        &format!("#notice-dispute-{id}-accepted button[type=submit]"),
    )
    .await;
    submit(&c, read).await;
    assert!(text(&c, "#notices").await.contains("0 条未读"));
    assert!(
        c.find(fantoccini::Locator::Css("#nav-toggle .count"))
            .await
            .is_err(),
        "nothing left to count"
    );
}
