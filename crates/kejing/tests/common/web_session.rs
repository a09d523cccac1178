//! A signed-in session of the web application in process (tower `oneshot`, no network): the
//! page cookie, the form guard's token and an API token, and requests made with them.

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use tower::ServiceExt;

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    /// The body as it came (a PDF, a workbook).
    pub bytes: Vec<u8>,
}

pub async fn send(r: &Router, req: Request<Body>) -> Reply {
    let res = r.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    Reply {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

pub struct Session {
    pub r: Router,
    pub cookie: String,
    pub csrf: String,
    pub token: String,
}

pub fn nonce() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    format!(
        "test{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

pub async fn login(r: &Router, user: &str, password: &str) -> Reply {
    send(
        r,
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "username={user}&password={password}&next=/"
            )))
            .unwrap(),
    )
    .await
}

pub async fn session(r: &Router, user: &str) -> Session {
    let res = login(r, user, super::PASSWORD).await;
    assert_eq!(
        res.status,
        StatusCode::SEE_OTHER,
        "login {user}: {}",
        res.body
    );
    let cookie = res
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kejing_session="))
        .expect("session cookie")
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let cookie = cookie.split(';').next().unwrap().to_owned();
    let page = send(
        r,
        Request::get("/password")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let csrf = page
        .body
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("csrf field")
        .to_owned();
    let api = send(
        r,
        Request::post("/api/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!(
                r#"{{"username":"{user}","password":"{}"}}"#,
                super::PASSWORD
            )))
            .unwrap(),
    )
    .await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let v: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    let token = v["token"].as_str().unwrap().to_owned();
    Session {
        r: r.clone(),
        cookie,
        csrf,
        token,
    }
}

pub enum B {
    None,
    Form(String),
    Multipart(&'static str, String),
    Json(String),
}

impl Session {
    pub async fn call(&self, method: &str, path: &str, body: B) -> Reply {
        let api = path.starts_with("/api/");
        let mut req = Request::builder().method(method).uri(path);
        if api {
            req = req.header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        } else {
            req = req.header(header::COOKIE, &self.cookie);
        }
        let req = match body {
            B::None => req.body(Body::empty()),
            B::Form(f) => req
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!("{f}&_csrf={}&_nonce={}", self.csrf, nonce()))),
            B::Multipart(table, csv) => {
                let b = "XBOUNDARYX";
                let (csrf, nonce) = (&self.csrf, nonce());
                let body = format!(
                    "--{b}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--{b}\r\nContent-Disposition: form-data; name=\"_nonce\"\r\n\r\n{nonce}\r\n--{b}\r\nContent-Disposition: form-data; name=\"table\"\r\n\r\n{table}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{table}.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{b}--\r\n"
                );
                req.header(header::CONTENT_TYPE, format!("multipart/form-data; boundary={b}"))
                    .body(Body::from(body))
            }
            B::Json(j) => req.header(header::CONTENT_TYPE, "application/json").body(Body::from(j)),
        }
        .unwrap();
        send(&self.r, req).await
    }
}
