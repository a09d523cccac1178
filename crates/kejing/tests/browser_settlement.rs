//! The settlement form in a real browser (headless Chromium), on a desktop and on a 390 px
//! phone: a wrong period comes back beside the field with the input kept, in Chinese and in
//! English, and the period suggestions follow the chosen policy. Screenshots go to
//! `target/screenshots/`.

mod common;

use common::chromium::{css, login, open, shot, submit, text};
use fantoccini::Client;

/// The period field's value, its suggestions and the error beside it, as the browser has them.
async fn period_field(c: &Client) -> serde_json::Value {
    c.execute(
        "var i = document.getElementById('period');
         var e = document.getElementById('period-error');
         var r = e ? e.getBoundingClientRect() : null;
         return {value: i.value, placeholder: i.placeholder,
                 options: Array.from(i.list.options).map(function (o) { return o.value; }),
                 invalid: i.getAttribute('aria-invalid'),
                 error: e ? e.textContent : null,
                 errorRight: r ? r.right : null,
                 width: document.documentElement.scrollWidth};",
        vec![],
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_period_is_said_beside_the_field_and_the_input_stays() {
    let fx = tokio::task::block_in_place(|| common::fixture("browser_settle_form"));
    let (base, _driver, c) = open(&fx).await;

    for (width, height, name) in [(1366, 900, "desktop"), (390, 844, "phone")] {
        c.set_window_size(width, height).await.unwrap();
        login(&c, &base, "admin").await;
        c.goto(&format!("{base}/settlement")).await.unwrap();
        // The suggestions follow the chosen policy (its frequency over the data's days and
        // the periods it ran): the months July to September 2026 of the fixture's data.
        for policy in ["oil-distributor", "cixi-deposits"] {
            css(&c, "#policy")
                .await
                .select_by_value(policy)
                .await
                .unwrap();
            let own = c
                .execute(
                    "var s = document.getElementById('policy'); return s.options[s.selectedIndex].getAttribute('data-periods');",
                    vec![],
                )
                .await
                .unwrap();
            let f = period_field(&c).await;
            let shown: Vec<&str> = f["options"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|o| o.as_str())
                .collect();
            assert_eq!(shown.join(" "), own.as_str().unwrap(), "{policy}: {f}");
            assert_eq!(shown, ["2026-09", "2026-08", "2026-07"], "{policy}: {f}");
        }
        let f = period_field(&c).await;
        assert_eq!(f["placeholder"], "2026-09", "{f}");
        // A quarter under a monthly policy: refused beside the field, the input kept.
        css(&c, "#period").await.send_keys("2026-Q3").await.unwrap();
        submit(&c, css(&c, "#run-submit").await).await;
        let f = period_field(&c).await;
        assert_eq!(f["value"], "2026-Q3", "the input is kept: {f}");
        assert_eq!(f["invalid"], "true", "{f}");
        assert_eq!(
            f["error"], "制度 cixi-deposits 按月 结算，请填写如 2026-09 的期间，而不是 2026-Q3。",
            "{f}"
        );
        assert!(
            f["width"].as_i64().unwrap() <= i64::from(width),
            "the page is wider than the window: {f}"
        );
        assert!(
            f["errorRight"]
                .as_f64()
                .is_some_and(|r| r <= f64::from(width)),
            "the error is on screen: {f}"
        );
        assert_eq!(
            css(&c, "#policy")
                .await
                .prop("value")
                .await
                .unwrap()
                .as_deref(),
            Some("cixi-deposits")
        );
        assert!(text(&c, "h1").await.contains("结算"));
        shot(&c, &format!("settlement-inline-error-{name}")).await;
        // Corrected in place, it settles.
        let period = css(&c, "#period").await;
        period.clear().await.unwrap();
        period.send_keys("2026-09").await.unwrap();
        submit(&c, css(&c, "#run-submit").await).await;
        assert!(
            c.current_url()
                .await
                .unwrap()
                .path()
                .starts_with("/settlement/runs/"),
            "{:?}",
            c.current_url().await
        );
        common::chromium::logout(&c).await;
    }

    // In English, the same refusal in English.
    c.set_window_size(1366, 900).await.unwrap();
    login(&c, &base, "admin").await;
    c.goto(&format!("{base}/settlement")).await.unwrap();
    common::chromium::open_menu(&c).await;
    submit(&c, css(&c, "#lang-switch").await).await;
    c.goto(&format!("{base}/settlement")).await.unwrap();
    css(&c, "#policy")
        .await
        .select_by_value("cixi-deposits")
        .await
        .unwrap();
    css(&c, "#period").await.send_keys("Sept").await.unwrap();
    submit(&c, css(&c, "#run-submit").await).await;
    let f = period_field(&c).await;
    assert_eq!(f["value"], "Sept", "{f}");
    assert_eq!(
        f["error"], "“Sept” is not a period: write it as 2026-09.",
        "{f}"
    );
    shot(&c, "settlement-inline-error-en").await;
}
