//! Daily management in a real browser (headless Chromium): a customer manager registers an
//! outing on a 390 px phone, the head sees the late return on the team's day on a desktop and
//! signs the log with a comment, in Chinese and in English. Screenshots go to
//! `target/screenshots/`.

mod common;

use common::chromium::{css, login, logout, open, shot, submit, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outing_on_a_phone_a_late_return_for_the_head_and_a_signed_log() {
    let fx = tokio::task::block_in_place(|| common::fixture("browser_daily"));
    let (base, _driver, c) = open(&fx).await;

    // A customer manager in the street, on a phone: register an outing, see it out.
    c.set_window_size(390, 844).await.unwrap();
    login(&c, &base, "cm").await;
    c.goto(&format!("{base}/daily")).await.unwrap();
    assert!(text(&c, "h1").await.contains("我的今天"));
    css(&c, "#outing-client")
        .await
        .send_keys("C2")
        .await
        .unwrap();
    css(&c, "#outing-purpose")
        .await
        .send_keys("上门营销")
        .await
        .unwrap();
    submit(&c, css(&c, "#outing-submit").await).await;
    let out = text(&c, "#out-now").await;
    assert!(out.contains("C2") && out.contains("上门营销"), "{out}");
    // Nothing wider than the phone.
    let width = c
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .unwrap();
    assert!(
        width.as_i64().unwrap() <= 390,
        "the page is {width} px wide on a 390 px phone"
    );
    shot(&c, "daily-cm-phone").await;
    // Back: the return is recorded once, the outing leaves the "out now" list.
    let back = c
        .find(fantoccini::Locator::Css("#out-now button"))
        .await
        .unwrap();
    submit(&c, back).await;
    assert!(
        c.find(fantoccini::Locator::Css("#out-now")).await.is_err(),
        "the outing is back"
    );
    // A prospect met today joins the pipeline (E6).
    css(&c, "#prospect-card summary")
        .await
        .click()
        .await
        .unwrap();
    css(&c, "#prospect-name")
        .await
        .send_keys("孙女士")
        .await
        .unwrap();
    submit(&c, css(&c, "#prospect-submit").await).await;
    assert!(text(&c, "#pipeline").await.contains("孙女士"));
    logout(&c).await;

    // The head on a desktop: 1 September's outing OFX1 never came back — overdue, highlighted;
    // M1's log of that day waits for a signature.
    c.set_window_size(1280, 900).await.unwrap();
    login(&c, &base, "team").await;
    c.goto(&format!("{base}/daily/team?day=2026-09-01&policy=ccb-team"))
        .await
        .unwrap();
    let row = css(&c, "#m-M1").await;
    assert_eq!(row.attr("class").await.unwrap().as_deref(), Some("overdue"));
    let row_text = row.text().await.unwrap();
    assert!(
        row_text.contains("OFX1") && row_text.contains("逾时"),
        "{row_text}"
    );
    assert!(row_text.contains("外出逾时未归"), "{row_text}");
    shot(&c, "daily-team-desktop").await;
    css(&c, "#comment-M1-2026-09-01")
        .await
        .send_keys("抓紧回访")
        .await
        .unwrap();
    css(&c, "#plan-M1-2026-09-01")
        .await
        .send_keys("准备授信材料")
        .await
        .unwrap();
    submit(&c, css(&c, "#sign-M1-2026-09-01 button[type=submit]").await).await;
    c.goto(&format!("{base}/daily/team?day=2026-09-01&policy=ccb-team"))
        .await
        .unwrap();
    assert!(text(&c, "#m-M1").await.contains("已签阅"));
    assert!(
        c.find(fantoccini::Locator::Css("#sign-M1-2026-09-01"))
            .await
            .is_err(),
        "no longer waiting for a signature"
    );
    // The outing register of the month, each row with what the rules found on it.
    c.goto(&format!(
        "{base}/daily/registers/outings?period=2026-09&policy=ccb-team"
    ))
    .await
    .unwrap();
    let register = text(&c, "#register-rows").await;
    assert!(
        register.contains("OFX1") && register.contains("外出逾时未归"),
        "{register}"
    );
    c.goto(&format!("{base}/daily/team?day=2026-09-01&policy=ccb-team"))
        .await
        .unwrap();
    // In English.
    common::chromium::open_menu(&c).await;
    submit(&c, css(&c, "#lang-switch").await).await;
    assert!(text(&c, "h1").await.contains("Team's day"));
    assert!(text(&c, "#m-M1").await.contains("signed"));
    c.goto(&format!(
        "{base}/daily/breaches?policy=ccb-team&period=2026-09"
    ))
    .await
    .unwrap();
    assert!(text(&c, "#breach-summary").await.contains("外出逾时未归"));
    shot(&c, "daily-breaches-en").await;
    logout(&c).await;
    c.close().await.unwrap();
}
