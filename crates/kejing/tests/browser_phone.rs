//! The application on a 390 px phone in a real browser (headless Chromium): the navigation
//! folds behind one menu button and opens on a tap, pages fit the screen, chart text stays
//! readable (≥ 11 px); on a desktop the navigation is simply there. Screenshots go to
//! `target/screenshots/`.

mod common;

use common::chromium::{css, login, logout, open, shot, submit};
use fantoccini::{Client, Locator};

/// Facts of the page's layout as the browser has them.
async fn layout(c: &Client) -> serde_json::Value {
    c.execute(
        "var h = document.querySelector('header.top').getBoundingClientRect();
         var t = document.getElementById('nav-toggle');
         var link = document.querySelector('header nav a');
         var sizes = Array.from(document.querySelectorAll('svg.chart text')).map(function (x) {
           var m = x.getScreenCTM();
           return parseFloat(getComputedStyle(x).fontSize) * (m ? m.a : 1);
         });
         return {header: h.height, width: document.documentElement.scrollWidth,
                 toggle: t && getComputedStyle(t).display !== 'none',
                 expanded: t ? t.getAttribute('aria-expanded') : null,
                 navShown: !!link && link.getClientRects().length > 0,
                 smallestChartText: sizes.length ? Math.min.apply(null, sizes) : null,
                 charts: sizes.length};",
        vec![],
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_a_phone_the_navigation_folds_away_and_charts_stay_readable() {
    let fx = tokio::task::block_in_place(|| common::fixture("browser_phone"));
    let (base, _driver, c) = open(&fx).await;

    c.set_window_size(390, 844).await.unwrap();
    for user in ["admin", "cm"] {
        login(&c, &base, user).await;
        c.goto(&format!("{base}/?period=2026-09")).await.unwrap();
        css(&c, "h1").await;
        let l = layout(&c).await;
        assert_eq!(l["toggle"], true, "{user}: {l}");
        assert_eq!(l["expanded"], "false", "{user}: {l}");
        assert_eq!(l["navShown"], false, "{user}: the menu starts closed: {l}");
        assert!(
            l["header"].as_f64().unwrap() <= 80.0,
            "{user}: the closed header is {} px tall on an 844 px screen",
            l["header"]
        );
        assert!(l["width"].as_i64().unwrap() <= 390, "{user}: {l}");
        assert!(l["charts"].as_i64().unwrap() > 0, "{user}: a chart: {l}");
        assert!(
            l["smallestChartText"].as_f64().unwrap() >= 11.0,
            "{user}: chart text of {} px",
            l["smallestChartText"]
        );
        shot(&c, &format!("phone-{user}-dashboard")).await;
        // A tap opens the menu; a link in it goes where it says.
        css(&c, "#nav-toggle").await.click().await.unwrap();
        let l = layout(&c).await;
        assert_eq!(l["expanded"], "true", "{user}: {l}");
        assert_eq!(l["navShown"], true, "{user}: {l}");
        shot(&c, &format!("phone-{user}-menu")).await;
        if user == "admin" {
            let link = c
                .find(Locator::Css("header nav a[href=\"/settlement\"]"))
                .await
                .unwrap();
            submit(&c, link).await;
            assert_eq!(c.current_url().await.unwrap().path(), "/settlement");
            let l = layout(&c).await;
            assert_eq!(
                l["navShown"], false,
                "a new page starts with the menu closed"
            );
            assert!(l["width"].as_i64().unwrap() <= 390, "{l}");
        }
        logout(&c).await;
    }

    // On a desktop the navigation is there, with no menu button.
    c.set_window_size(1366, 900).await.unwrap();
    login(&c, &base, "admin").await;
    c.goto(&format!("{base}/?period=2026-09")).await.unwrap();
    let l = layout(&c).await;
    assert_eq!(l["toggle"], false, "{l}");
    assert_eq!(l["navShown"], true, "{l}");
    assert!(l["smallestChartText"].as_f64().unwrap() >= 11.0, "{l}");
    shot(&c, "desktop-admin-dashboard").await;
}
