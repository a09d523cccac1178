//! The web application in a real browser: Debian's headless Chromium driven through
//! ChromeDriver (WebDriver) by fantoccini. Logs in as each role, uploads an import with a bad
//! row, runs, approves and locks a settlement, drills a statement down to its source rows,
//! raises and resolves a dispute, switches language, and looks at the dashboard on a phone.
//! Screenshots of the main pages go to `target/screenshots/`.
//!
//! Needs /usr/bin/chromium and /usr/bin/chromedriver (`apt-get install chromium
//! chromium-driver`; `.ci/run` installs them). Without them the test fails, saying so.

mod common;

use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn shots() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(shots().join(format!("{name}.png")), png).unwrap();
}

async fn browser(profile: &Path) -> (Driver, Client) {
    for exe in [CHROMIUM, CHROMEDRIVER] {
        assert!(
            Path::new(exe).exists(),
            "{exe} is missing: install Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver); .ci/run does"
        );
    }
    let port = free_port();
    let driver = Driver(
        Command::new(CHROMEDRIVER)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("starting chromedriver"),
    );
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": CHROMIUM,
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                "--lang=zh-CN", format!("--user-data-dir={}", profile.display()),
            ],
        }),
    );
    let url = format!("http://127.0.0.1:{port}");
    let mut last = None;
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector)
            .capabilities(caps.clone())
            .connect(&url)
            .await
        {
            Ok(c) => return (driver, c),
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("cannot start a browser session through chromedriver: {last:?}");
}

async fn css(c: &Client, sel: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(sel))
        .await
        .unwrap_or_else(|e| panic!("{sel}: {e}"))
}

async fn text(c: &Client, sel: &str) -> String {
    css(c, sel).await.text().await.unwrap()
}

/// Clicks and waits until the next page has loaded (a form's answer may be the same URL).
async fn submit(c: &Client, el: fantoccini::elements::Element) {
    c.execute("window.__kejingOld = 1; return 1;", vec![])
        .await
        .unwrap();
    el.click().await.unwrap();
    for _ in 0..200 {
        if let Ok(v) = c
            .execute(
                "return window.__kejingOld === undefined && document.readyState === 'complete';",
                vec![],
            )
            .await
            && v == serde_json::Value::Bool(true)
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the page did not change after the click");
}

async fn login(c: &Client, base: &str, user: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    css(c, "#username").await.send_keys(user).await.unwrap();
    css(c, "#password")
        .await
        .send_keys(common::PASSWORD)
        .await
        .unwrap();
    submit(c, css(c, "#login-submit").await).await;
    css(c, "#logout").await;
}

async fn logout(c: &Client) {
    submit(c, css(c, "#logout").await).await;
    css(c, "#login-submit").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browser_flows_for_every_role() {
    let fx = tokio::task::block_in_place(|| common::fixture("browser"));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = kejing::web::router(fx.app.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let profile = fx.dir.path().join("chromium-profile");
    let (_driver, c) = browser(&profile).await;

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
    assert!(text(&c, "#run-status").await.contains("未锁定"));
    let total = text(&c, "#run-total").await;
    assert!(
        total.contains(','),
        "an amount with thousands separators: {total}"
    );
    shot(&c, "settlement-run").await;
    css(&c, "#lock-run").await.click().await.unwrap();
    c.accept_alert().await.unwrap();
    css(&c, ".badge.locked").await;
    assert!(text(&c, "#run-status").await.contains("已审批锁定"));
    let run_url = c.current_url().await.unwrap();
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
    submit(&c, css(&c, "#lang-switch").await).await;
    assert!(
        text(&c, "#run-status")
            .await
            .contains("Approved and locked")
    );
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
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = kejing::web::router(fx.app.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let profile = fx.dir.path().join("chromium-profile");
    let (_driver, c) = browser(&profile).await;

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
