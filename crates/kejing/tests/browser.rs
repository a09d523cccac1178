//! The web application in a real browser: Debian's headless Chromium driven through
//! ChromeDriver (WebDriver) by fantoccini. Logs in as each role, uploads an import with a bad
//! row, runs, approves and locks a settlement, drills a statement down to its source rows,
//! raises and resolves a dispute, switches language, and looks at the dashboard on a phone.
//! Screenshots of the main pages go to `target/screenshots/`.
//!
//! Needs /usr/bin/chromium and /usr/bin/chromedriver (`apt-get install chromium
//! chromium-driver`; `.ci/run` installs them). Without them the test fails, saying so.

mod common;

use common::chromium::{css, login, logout, open, shot, submit, text};
use fantoccini::Locator;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_flows_for_every_role() {
    let fx = tokio::task::block_in_place(|| common::fixture("browser"));
    let (base, _driver, c) = open(&fx).await;

    // Every role logs in and reaches its dashboard.
    for (user, role_zh) in [
        ("cm", "客户经理"),
        ("team", "团队负责人"),
        ("branch", "支行行长"),
        ("admin", "绩效管理员"),
        ("auditor", "审计"),
    ] {
        login(&c, &base, user).await;
        assert!(text(&c, ".who").await.contains(role_zh), "{user}");
        assert_eq!(text(&c, "h1").await, "工作台");
        shot(&c, &format!("dashboard-{user}")).await;
        logout(&c).await;
    }

    // A wrong password is reported on the login page.
    c.goto(&format!("{base}/login")).await.unwrap();
    css(&c, "#username").await.send_keys("admin").await.unwrap();
    css(&c, "#password")
        .await
        .send_keys("not-the-password")
        .await
        .unwrap();
    submit(&c, css(&c, "#login-submit").await).await;
    assert!(text(&c, "#login-error").await.contains("不正确"));

    // The performance office uploads a file with a bad row and sees it reported.
    login(&c, &base, "admin").await;
    let bad = fx.dir.path().join("targets-bad.csv");
    std::fs::write(&bad, "manager_id,period,measure,target\nM1,2026-10,deposit_avg,1000000\nM2,2026-10,deposit_avg,十万\n").unwrap();
    c.goto(&format!("{base}/imports")).await.unwrap();
    css(&c, "#table")
        .await
        .select_by_value("targets")
        .await
        .unwrap();
    css(&c, "#file")
        .await
        .send_keys(&bad.display().to_string())
        .await
        .unwrap();
    submit(&c, css(&c, "#import-preview").await).await;
    let errors = text(&c, "#import-errors").await;
    assert!(errors.contains('3') && errors.contains("十万"), "{errors}");
    shot(&c, "import-bad-row").await;
    // The corrected file previews clean and is committed.
    let good = fx.dir.path().join("targets-good.csv");
    std::fs::write(&good, "manager_id,period,measure,target\nM1,2026-10,deposit_avg,1000000\nM2,2026-10,deposit_avg,100000\n").unwrap();
    css(&c, "#table")
        .await
        .select_by_value("targets")
        .await
        .unwrap();
    css(&c, "#file")
        .await
        .send_keys(&good.display().to_string())
        .await
        .unwrap();
    submit(&c, css(&c, "#import-preview").await).await;
    assert!(text(&c, "#import-preview-ok").await.contains("2"));
    submit(&c, css(&c, "#import-commit").await).await;
    assert!(text(&c, "#import-done").await.contains("写入 2 行"));

    // Run a settlement, review it, approve and lock it.
    c.goto(&format!("{base}/settlement")).await.unwrap();
    css(&c, "#policy")
        .await
        .select_by_value("cixi-deposits")
        .await
        .unwrap();
    css(&c, "#period").await.send_keys("2026-09").await.unwrap();
    submit(&c, css(&c, "#run-submit").await).await;
    assert!(text(&c, "#run-status").await.contains("草稿"));
    let total = text(&c, "#run-total").await;
    assert!(
        total.contains(','),
        "an amount with thousands separators: {total}"
    );
    shot(&c, "settlement-run").await;
    // Submitted for review by admin, who then cannot approve it …
    submit(&c, css(&c, "#submit-run").await).await;
    assert!(text(&c, "#run-status").await.contains("待复核"));
    assert!(text(&c, "#run-steps").await.contains("admin"));
    assert!(text(&c, "#approve-own").await.contains("另一位"));
    assert!(c.find(Locator::Css("#approve-run")).await.is_err());
    let run_url = c.current_url().await.unwrap();
    // … not even by posting the form by hand: refused, with the reason.
    c.execute(
        "const f = document.createElement('form'); f.method = 'post'; \
         f.action = location.pathname + '/approve'; \
         const t = document.createElement('input'); t.name = '_csrf'; \
         t.value = document.querySelector('input[name=_csrf]').value; f.appendChild(t); \
         const n = document.createElement('input'); n.name = '_nonce'; \
         n.value = 'by-hand-' + Date.now(); f.appendChild(n); \
         document.body.appendChild(f); f.submit();",
        vec![],
    )
    .await
    .unwrap();
    css(&c, "main").await;
    let refused = text(&c, "main").await;
    assert!(
        refused.contains("someone else") || refused.contains("另"),
        "{refused}"
    );
    shot(&c, "settlement-approve-own-refused").await;
    c.goto(run_url.as_str()).await.unwrap();
    logout(&c).await;
    // A second person approves it; then it is locked.
    login(&c, &base, "reviewer").await;
    c.goto(run_url.as_str()).await.unwrap();
    css(&c, "#approve-run").await.click().await.unwrap();
    c.accept_alert().await.unwrap();
    css(&c, ".badge.status-approved").await;
    assert!(text(&c, "#run-steps").await.contains("reviewer"));
    css(&c, "#lock-run").await.click().await.unwrap();
    c.accept_alert().await.unwrap();
    css(&c, ".badge.status-locked").await;
    assert!(text(&c, "#run-status").await.contains("已锁定"));
    shot(&c, "settlement-run-locked").await;
    logout(&c).await;

    // A customer manager opens their statement and drills down to the source rows.
    login(&c, &base, "cm").await;
    submit(&c, css(&c, "#my-statement").await).await;
    let lines = text(&c, "#statement-lines").await;
    assert!(lines.contains("存款绩效薪酬"), "{lines}");
    css(&c, "#statement-lines a[href^='#t-']")
        .await
        .click()
        .await
        .unwrap();
    // The balances measure lists the accounts it summed (the source rows).
    for d in c.find_all(Locator::Css("#trace details")).await.unwrap() {
        if d.attr("open").await.unwrap().is_none() {
            let s = d.find(Locator::Css("summary")).await.unwrap();
            let _ = s.click().await;
        }
    }
    let trace = text(&c, "#trace").await;
    assert!(
        trace.contains("A1") && trace.contains("deposit_performance"),
        "{trace}"
    );
    shot(&c, "statement-trace").await;

    // … raises a dispute on a line …
    css(&c, "#statement-lines details summary")
        .await
        .click()
        .await
        .unwrap();
    css(&c, "#statement-lines textarea")
        .await
        .send_keys("9 月 A1 余额少计")
        .await
        .unwrap();
    submit(&c, css(&c, ".dispute-form button").await).await;
    assert!(
        text(&c, "#statement-disputes")
            .await
            .contains("9 月 A1 余额少计")
    );
    logout(&c).await;

    // … and the performance office resolves it with an adjustment in an open period.
    login(&c, &base, "admin").await;
    c.goto(&format!("{base}/disputes")).await.unwrap();
    let row = c
        .find(Locator::XPath("//tr[td[contains(., '9 月 A1 余额少计')]]"))
        .await
        .unwrap();
    row.find(Locator::Css("input[name=decision]"))
        .await
        .unwrap()
        .send_keys("核实后补发")
        .await
        .unwrap();
    row.find(Locator::Css("input[name=period]"))
        .await
        .unwrap()
        .send_keys("2026-10")
        .await
        .unwrap();
    row.find(Locator::Css("input[name=amount]"))
        .await
        .unwrap()
        .send_keys("120.50")
        .await
        .unwrap();
    submit(
        &c,
        row.find(Locator::Css("button[value=yes]")).await.unwrap(),
    )
    .await;
    let table = text(&c, "#disputes-table").await;
    assert!(
        table.contains("核实后补发") && table.contains("120.50"),
        "{table}"
    );
    shot(&c, "disputes").await;

    // The audit log shows what happened.
    c.goto(&format!("{base}/audit?entity=disputes"))
        .await
        .unwrap();
    assert!(text(&c, "#audit-table").await.contains("accept"));
    shot(&c, "audit").await;

    // Switch to English and back; the choice is kept.
    c.goto(run_url.as_str()).await.unwrap();
    common::chromium::open_menu(&c).await;
    submit(&c, css(&c, "#lang-switch").await).await;
    assert!(text(&c, "#run-status").await.contains("Locked and paid"));
    c.goto(&format!("{base}/")).await.unwrap();
    assert_eq!(text(&c, "h1").await, "Dashboard");
    shot(&c, "dashboard-admin-en").await;
    c.goto(&format!("{base}/whatif")).await.unwrap();
    css(&c, "#policy")
        .await
        .select_by_value("cixi-deposits")
        .await
        .unwrap();
    css(&c, "#period").await.send_keys("2026-09").await.unwrap();
    css(&c, "#changes")
        .await
        .send_keys("incremental_rate=0.12")
        .await
        .unwrap();
    submit(&c, css(&c, "#whatif-submit").await).await;
    assert!(text(&c, "#whatif-result").await.contains("Simulated"));
    shot(&c, "whatif-en").await;
    common::chromium::open_menu(&c).await;
    submit(&c, css(&c, "#lang-switch").await).await;
    assert!(text(&c, "h1").await.contains("模拟测算"));
    logout(&c).await;

    // On a phone.
    c.set_window_size(390, 844).await.unwrap();
    login(&c, &base, "cm").await;
    assert!(text(&c, "#my-pay").await.contains('.'));
    shot(&c, "dashboard-cm-phone").await;
    logout(&c).await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_rating_and_approval() {
    let fx = tokio::task::block_in_place(|| common::fixture("browser_assess"));
    let (base, _driver, c) = open(&fx).await;

    // A team head rates a customer manager; the form shows each item's standard and maximum.
    login(&c, &base, "team").await;
    c.goto(&format!("{base}/rate")).await.unwrap();
    css(&c, "#policy")
        .await
        .select_by_value("bank-grades")
        .await
        .unwrap();
    css(&c, "#period").await.send_keys("2026-Q3").await.unwrap();
    css(&c, "#manager")
        .await
        .select_by_value("M2")
        .await
        .unwrap();
    submit(&c, css(&c, "#rate-open").await).await;
    let form = text(&c, "#rate-form").await;
    assert!(form.contains("上级评分") && form.contains("40"), "{form}");
    // Above the maximum: refused, nothing saved.
    css(&c, "#s1").await.clear().await.unwrap();
    css(&c, "#s1").await.send_keys("45").await.unwrap();
    submit(&c, css(&c, "#rate-submit").await).await;
    assert!(text(&c, "#rate-error").await.contains("0…40"));
    css(&c, "#s1").await.clear().await.unwrap();
    css(&c, "#s1").await.send_keys("39.5").await.unwrap();
    submit(&c, css(&c, "#rate-submit").await).await;
    assert!(text(&c, "#rate-notice").await.contains("1"));
    shot(&c, "rate-form").await;
    logout(&c).await;

    // The performance office runs the assessment and approves the proposals.
    login(&c, &base, "admin").await;
    c.goto(&format!("{base}/assessments")).await.unwrap();
    css(&c, "#policy")
        .await
        .select_by_value("bank-grades")
        .await
        .unwrap();
    css(&c, "#period").await.send_keys("2026-Q3").await.unwrap();
    submit(&c, css(&c, "#assess-submit").await).await;
    let table = text(&c, "#assessment-table").await;
    // Quarterly results propose no change (grades change on the annual result).
    assert!(table.contains("M2") && table.contains("保级"), "{table}");
    assert!(text(&c, "#assess-open").await.contains('3'));
    let run_url = c.current_url().await.unwrap();
    shot(&c, "assessment-proposals").await;
    // admin ran it, so a second person approves its proposals.
    assert!(text(&c, "#approve-own").await.contains("另一位"));
    assert!(c.find(Locator::Css("#approve-all")).await.is_err());
    logout(&c).await;
    login(&c, &base, "reviewer").await;
    c.goto(run_url.as_str()).await.unwrap();
    css(&c, "#approve-all").await.click().await.unwrap();
    c.accept_alert().await.unwrap();
    css(&c, "#assess-open").await;
    for _ in 0..50 {
        if text(&c, "#assess-open").await.contains('0') {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(text(&c, "#assessment-table").await.contains("已批准"));
    logout(&c).await;

    // The customer manager sees their scorecard: each item, its standard, and the rule.
    login(&c, &base, "cm").await;
    c.goto(&format!("{}/M1", run_url.as_str())).await.unwrap();
    let items = text(&c, "#scorecard-items").await;
    assert!(
        items.contains("存款达标") && items.contains("职业操守与服务"),
        "{items}"
    );
    assert!(text(&c, "#decision-reason").await.contains("保级"));
    shot(&c, "scorecard").await;
    logout(&c).await;
    c.close().await.unwrap();
}
