//! A real browser for the web tests: Debian's headless Chromium driven through ChromeDriver
//! (WebDriver) by fantoccini, and the steps the tests take with it.
#![allow(dead_code)]

use fantoccini::{Client, ClientBuilder, Locator};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn shots() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    let dir = target.join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

pub async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(shots().join(format!("{name}.png")), png).unwrap();
}

/// Serves the fixture's application on a free port and opens a browser with a profile of its
/// own: the base URL, the driver (kept while it lives) and the client.
pub async fn open(fx: &super::Fixture) -> (String, Driver, Client) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let app = kejing::web::router(fx.app.clone());
    tokio::spawn(async move { axum::serve(listener, app).await });
    let (driver, c) = browser(&fx.dir.path().join("chromium-profile")).await;
    (base, driver, c)
}

pub async fn browser(profile: &Path) -> (Driver, Client) {
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

pub async fn css(c: &Client, sel: &str) -> fantoccini::elements::Element {
    c.wait()
        .at_most(Duration::from_secs(10))
        .for_element(Locator::Css(sel))
        .await
        .unwrap_or_else(|e| panic!("{sel}: {e}"))
}

pub async fn text(c: &Client, sel: &str) -> String {
    css(c, sel).await.text().await.unwrap()
}

/// Clicks and waits until the next page has loaded (a form's answer may be the same URL).
pub async fn submit(c: &Client, el: fantoccini::elements::Element) {
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

pub async fn login(c: &Client, base: &str, user: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    css(c, "#username").await.send_keys(user).await.unwrap();
    css(c, "#password")
        .await
        .send_keys(super::PASSWORD)
        .await
        .unwrap();
    submit(c, css(c, "#login-submit").await).await;
    css(c, "#logout").await;
}

/// Opens the phone's menu when the navigation is folded away (a narrow window).
pub async fn open_menu(c: &Client) {
    if let Ok(t) = c.find(Locator::Css("#nav-toggle")).await
        && t.is_displayed().await.unwrap_or(false)
        && t.attr("aria-expanded").await.ok().flatten().as_deref() == Some("false")
    {
        t.click().await.unwrap();
    }
}

pub async fn logout(c: &Client) {
    open_menu(c).await;
    submit(c, css(c, "#logout").await).await;
    css(c, "#login-submit").await;
}
