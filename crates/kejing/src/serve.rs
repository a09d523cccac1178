//! The web server. The pages come with the web application; for now a status page (Chinese
//! first, English second) and a health check.

use anyhow::{Context, Result};
use axum::Router;
use axum::extract::State;
use axum::response::Html;
use axum::routing::get;
use kejing_store::Store;

#[derive(Clone)]
struct App {
    db: String,
}

pub fn serve(db: &str, addr: &str, demo: bool) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .with_context(|| format!("cannot listen on {addr}: is another program using it? Pass --addr 127.0.0.1:PORT"))?;
        let local = listener.local_addr()?;
        let app = Router::new()
            .route("/", get(status_page))
            .route("/healthz", get(|| async { "ok" }))
            .with_state(App { db: db.to_owned() });
        outln!("kejing 客经 is serving at http://{local}/");
        if demo {
            outln!("demo organisations: demo-bank (示范银行), oil (日照油品经销公司). Press Ctrl-C to stop.");
        }
        axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = tokio::signal::ctrl_c().await;
            })
            .await
            .context("serving")
    })
}

async fn status_page(State(app): State<App>) -> Html<String> {
    let body = tokio::task::spawn_blocking(move || render_status(&app.db))
        .await
        .unwrap_or_else(|e| Err(anyhow::anyhow!("{e}")));
    Html(match body {
        Ok(b) => b,
        Err(e) => page(&format!(
            "<p>数据库不可用 / Database unavailable: {}</p>",
            escape(&e.to_string())
        )),
    })
}

fn render_status(db: &str) -> Result<String> {
    let mut store = Store::open(db)?;
    let version = store.schema_version()?;
    let mut html = format!(
        "<p>数据库 Database: <code>{}</code>, 版本 schema v{version}</p>",
        escape(store.url())
    );
    for org in store.orgs()? {
        html.push_str(&format!(
            "<h2>{} <small>{}</small></h2><table><tr><th>数据表 Table</th><th>行数 Rows</th></tr>",
            escape(&org.name),
            escape(&org.code)
        ));
        for (t, n) in store.counts(&org)? {
            html.push_str(&format!(
                "<tr><td>{} {}</td><td style=\"text-align:right\">{n}</td></tr>",
                t.zh(),
                t.name()
            ));
        }
        html.push_str("</table>");
    }
    Ok(page(&html))
}

fn page(body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>客经 kejing</title><style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:2px 10px;border-bottom:1px solid #ddd}}</style></head>\
         <body><h1>客经 kejing <small>客户经理制 · customer-manager system</small></h1>{body}</body></html>"
    )
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
