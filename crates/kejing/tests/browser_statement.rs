//! A customer manager reads their statement in a real browser (headless Chromium), on a
//! desktop and on a 390 px phone: each item's path in words with separators, the target
//! attainment, one item opened down to its accounts grouped by product with a subtotal, an
//! account found by its number, and the page printed with every explanation open.
//! Screenshots go to `target/screenshots/`.

mod common;

use common::chromium::{css, login, logout, open, shot, text};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_manager_reads_opens_and_prints_a_statement() {
    let fx = tokio::task::block_in_place(|| common::fixture("browser_statement"));
    let (base, _driver, c) = open(&fx).await;
    let url = format!("{base}/statements/{}/M1", fx.run);

    for (width, height, name) in [(1366, 900, "desktop"), (390, 844, "phone")] {
        c.set_window_size(width, height).await.unwrap();
        login(&c, &base, "cm").await;
        c.goto(&url).await.unwrap();
        // The item's path in words: the policy's words, the values with separators, × and ÷.
        let path = text(&c, "#statement-lines small.path").await;
        assert!(path.starts_with("= "), "{path}");
        assert!(path.contains(" × ") && path.contains(" ÷ 365"), "{path}");
        assert!(path.contains("本期天数 30"), "{path}");
        assert!(!path.contains("_part"), "names are said in words: {path}");
        // The target attainment as a gauge.
        let gauge = text(&c, "#attainment").await;
        assert!(
            gauge.contains("目标完成率") && gauge.contains('%'),
            "{gauge}"
        );
        // Open the deposits measure: its accounts come grouped by product, each with a subtotal.
        let opened = c
            .execute(
                "var box = document.querySelector('#trace .accounts');
                 var d = box.parentElement;
                 while (d) { if (d.tagName === 'DETAILS' && !d.open) { d.querySelector('summary').click(); } d = d.parentElement; }
                 box.id = 'first-accounts';
                 var g = box.querySelector('details.account-group summary');
                 g.click();
                 return {group: g.textContent, lines: g.closest('details').querySelectorAll('li').length};",
                vec![],
            )
            .await
            .unwrap();
        let group = opened["group"].as_str().unwrap();
        assert!(
            group.contains("个账户") && group.contains("小计"),
            "{opened}"
        );
        assert!(opened["lines"].as_i64().unwrap() >= 1, "{opened}");
        // Find an account by its number: only its line is left.
        let find = css(&c, "#first-accounts input[data-filter-accounts]").await;
        find.send_keys("A1").await.unwrap();
        let left = c
            .execute(
                "return Array.from(document.querySelectorAll('#first-accounts details.account-group li'))
                   .filter(function (li) { return !li.hidden && li.offsetParent !== null; })
                   .map(function (li) { return li.textContent; });",
                vec![],
            )
            .await
            .unwrap();
        let left: Vec<&str> = left
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|l| l.as_str())
            .collect();
        assert!(
            !left.is_empty() && left.iter().all(|l| l.contains("A1")),
            "{left:?}"
        );
        let width_now = c
            .execute("return document.documentElement.scrollWidth;", vec![])
            .await
            .unwrap();
        assert!(
            width_now.as_i64().unwrap() <= i64::from(width),
            "{width_now}"
        );
        shot(&c, &format!("statement-accounts-{name}")).await;
        // Print: the button asks the browser to print; on paper every explanation is open.
        let printed = c
            .execute(
                "window.__printed = false; window.print = function () { window.__printed = true; };
                 document.getElementById('print-statement').click();
                 window.dispatchEvent(new Event('beforeprint'));
                 var closed = document.querySelectorAll('details:not([open])').length;
                 window.dispatchEvent(new Event('afterprint'));
                 return {printed: window.__printed, closedOnPaper: closed,
                         closedAfter: document.querySelectorAll('details:not([open])').length};",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(printed["printed"], true, "{printed}");
        assert_eq!(printed["closedOnPaper"], 0, "{printed}");
        assert!(printed["closedAfter"].as_i64().unwrap() > 0, "{printed}");
        logout(&c).await;
    }
}
