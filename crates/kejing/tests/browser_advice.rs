//! The advice flow in a real browser (headless Chromium): a customer manager on a 390 px phone
//! opens their client, answers the risk questionnaire, sees the level and the products it
//! allows (an R4 fund disabled with the reason), ticks a product, makes the letter and opens
//! its preview; the branch head on a desktop finds it among the letters in scope and its PDF.
//! Screenshots go to `target/screenshots/`.

mod common;

use common::chromium::{css, login, logout, open, shot, submit, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_letter_from_the_questionnaire_to_the_pdf() {
    let fx = tokio::task::block_in_place(|| common::fixture("browser_advice"));
    let (base, _driver, c) = open(&fx).await;

    c.set_window_size(390, 844).await.unwrap();
    login(&c, &base, "cm").await;
    c.goto(&format!("{base}/clients/C1")).await.unwrap();
    submit(&c, css(&c, "#client-advice").await).await;
    assert!(text(&c, "h1").await.contains("投资理财建议"));
    // The questionnaire: a cautious client, 20 points → C2.
    css(&c, "#advice-risk details summary")
        .await
        .click()
        .await
        .unwrap();
    for (i, o) in "D B A B B B B B B C".split(' ').enumerate() {
        let sel = format!("input[name='q{}'][value='{o}']", i + 1);
        css(&c, &sel).await.click().await.unwrap();
    }
    submit(&c, css(&c, "#risk-submit").await).await;
    let level = text(&c, "#risk-level").await;
    assert!(level.contains("C2") && level.contains("R1、R2"), "{level}");
    // P4 (R4) cannot be ticked; the reason is beside it.
    let p4 = css(&c, "#product-P4").await;
    assert_eq!(p4.attr("disabled").await.unwrap().as_deref(), Some("true"));
    assert!(
        text(&c, "#advice-products")
            .await
            .contains("产品风险等级 R4 高于 C2 可购买的 R1、R2，不能推荐")
    );
    let width = c
        .execute("return document.documentElement.scrollWidth;", vec![])
        .await
        .unwrap();
    assert!(
        width.as_i64().unwrap() <= 390,
        "the page is {width} px wide on a 390 px phone"
    );
    shot(&c, "advice-cm-phone").await;
    css(&c, "#product-P1").await.click().await.unwrap();
    submit(&c, css(&c, "#letter-submit").await).await;
    let body = text(&c, "body").await;
    assert!(
        body.contains("致尊敬的 甲公司") && body.contains("⊙涉及个人隐私"),
        "{body}"
    );
    assert!(body.contains("活期宝") && body.contains("C2"), "{body}");
    let letter_url = c.current_url().await.unwrap().to_string();
    shot(&c, "advice-letter-preview").await;
    c.goto(&format!("{base}/")).await.unwrap();
    logout(&c).await;

    // The branch head on a desktop: the letter is among those in scope, with its PDF.
    c.set_window_size(1280, 900).await.unwrap();
    login(&c, &base, "branch").await;
    c.goto(&format!("{base}/letters")).await.unwrap();
    let list = text(&c, "#letters").await;
    assert!(
        list.contains("C1") && list.contains("P1") && list.contains("cm"),
        "{list}"
    );
    let outside = c
        .execute(
            "return document.querySelectorAll(\"#letters a[href='/clients/C3/advice']\").length;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(
        outside.as_i64(),
        Some(0),
        "a letter outside the branch is listed: {list}"
    );
    shot(&c, "advice-letters-branch").await;
    let id = letter_url.rsplit('/').next().unwrap();
    let pdf: serde_json::Value = c
        .execute(
            &format!("return fetch('/letters/{id}/pdf').then(r => r.headers.get('content-type') + ' ' + r.status);"),
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(pdf.as_str(), Some("application/pdf 200"));
}
