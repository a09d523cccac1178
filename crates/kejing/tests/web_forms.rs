//! What the guard asks of a form: the CSRF token in the body (never the URL), a once-only nonce
//! on every form, and sign-in attempts bounded per client address. In process; SQLite, or
//! PostgreSQL with `KEJING_TEST_PG_URL`.

mod common;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kejing::web::limits::{ADDRESS_ATTEMPTS, PeerAddr};
use kejing::web::router;
use tower::ServiceExt;

async fn send(r: &Router, req: Request<Body>) -> (StatusCode, String) {
    let res = r.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

/// Signs `admin` in; the session cookie and its CSRF token.
async fn admin(r: &Router) -> (String, String) {
    let res = r
        .clone()
        .oneshot(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(format!(
                    "username=admin&password={}&next=/",
                    common::PASSWORD
                )))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::SEE_OTHER);
    let cookie = res
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("kejing_session="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned();
    let (_, page) = send(
        r,
        Request::get("/imports")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    let csrf = page
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    (cookie, csrf)
}

fn multipart(fields: &[(&str, &str)], csv: &str) -> (String, String) {
    let b = "FORMBOUNDARY";
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"targets.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{b}--\r\n"
    ));
    (format!("multipart/form-data; boundary={b}"), body)
}

const TARGETS: &str = "manager_id,period,measure,target\nM1,2026-10,deposit_avg,1\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_import_form_carries_its_token_in_the_body_and_never_in_the_url() {
    let fx = tokio::task::block_in_place(|| common::fixture("forms_import"));
    let r = router(fx.app.clone());
    let (cookie, csrf) = admin(&r).await;
    let (_, page) = send(
        &r,
        Request::get("/imports")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(!page.contains("_csrf="), "no token in any URL of the page");
    assert!(page.contains("action=\"/imports\""), "{page}");

    // The token in the query string, as the page used to send it: refused.
    let (ct, body) = multipart(&[("_nonce", "n-query"), ("table", "targets")], TARGETS);
    let (status, _) = send(
        &r,
        Request::post(format!("/imports?_csrf={csrf}"))
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // In the form's body, before the file: the preview.
    let (ct, body) = multipart(
        &[("_csrf", &csrf), ("_nonce", "n-body"), ("table", "targets")],
        TARGETS,
    );
    let (status, page) = send(
        &r,
        Request::post("/imports")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    assert!(page.contains("id=\"import-preview-ok\""), "{page}");

    // The same upload without its nonce: refused, saying what to do.
    let (ct, body) = multipart(&[("_csrf", &csrf), ("table", "targets")], TARGETS);
    let (status, page) = send(
        &r,
        Request::post("/imports")
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, ct)
            .body(Body::from(body))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(page.contains("刷新页面"), "{page}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_form_needs_its_nonce() {
    let fx = tokio::task::block_in_place(|| common::fixture("forms_nonce"));
    let r = router(fx.app.clone());
    let (cookie, csrf) = admin(&r).await;
    let post = |path: &str, form: String| {
        Request::post(path)
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form))
            .unwrap()
    };
    // A dispute without a nonce: refused, and none raised.
    let dispute = format!(
        "run={}&manager=M2&item=%E5%AD%98%E6%AC%BE%E7%BB%A9%E6%95%88%E8%96%AA%E9%85%AC&reason=no-nonce&_csrf={csrf}",
        fx.run
    );
    let (status, _) = send(&r, post("/disputes", dispute.clone())).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _) = send(&r, post("/disputes", format!("{dispute}&_nonce="))).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "an empty nonce is none");
    let (_, list) = send(
        &r,
        Request::get("/api/disputes")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(!list.contains("no-nonce"), "{list}");
    // The forms that used to go without one: the language switch, the password, logout.
    for (path, form) in [
        ("/lang", "lang=en".to_owned()),
        ("/password", "current=x&new=y&confirm=y".to_owned()),
        ("/logout", String::new()),
    ] {
        let (status, _) = send(&r, post(path, format!("{form}&_csrf={csrf}"))).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
    }
    // With a nonce the language switch works (and the session is still there).
    let (status, _) = send(&r, post("/lang", format!("lang=en&_csrf={csrf}&_nonce=n1"))).await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // A script that sends the token as a header needs no nonce.
    let (status, _) = send(
        &r,
        Request::post("/lang")
            .header(header::COOKIE, &cookie)
            .header("x-csrf-token", &csrf)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("lang=zh-CN"))
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::SEE_OTHER);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_gets_a_bounded_number_of_sign_in_attempts() {
    let fx = tokio::task::block_in_place(|| common::fixture("forms_address"));
    let r = router(fx.app.clone());
    let from = |ip: &str, user: &str, password: &str| {
        let mut req = Request::post("/api/login")
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(format!(
                r#"{{"username":"{user}","password":"{password}"}}"#
            )))
            .unwrap();
        req.extensions_mut().insert(PeerAddr(ip.parse().unwrap()));
        req
    };
    // Successes do not count against the address.
    for _ in 0..3 {
        let (status, body) = send(&r, from("10.1.1.1", "cm", common::PASSWORD)).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    // Wrong passwords spread over many names, so that no account locks: the address does.
    for i in 0..ADDRESS_ATTEMPTS {
        let (status, _) = send(&r, from("10.1.1.1", &format!("nobody{i}"), "guess")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    let (status, body) = send(&r, from("10.1.1.1", "cm", common::PASSWORD)).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert!(body.contains("15"), "{body}");
    // Another address is not affected.
    let (status, body) = send(&r, from("10.2.2.2", "cm", common::PASSWORD)).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The transfer form's receiver starts unchosen (issue 14, D11): submitting it without choosing
/// is stopped by the browser instead of sending the client to the first manager in the list.
#[tokio::test(flavor = "multi_thread")]
async fn the_transfer_receiver_starts_unchosen() {
    let fx = tokio::task::block_in_place(|| common::fixture("transfer_to"));
    let r = router(fx.app.clone());
    let (cookie, _) = admin(&r).await;
    let (status, page) = send(
        &r,
        Request::get("/clients/C1")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let select = page.split("<select id=\"to\"").nth(1).unwrap();
    let select = select.split("</select>").next().unwrap();
    assert!(select.starts_with(" name=\"to\" required>"), "{select}");
    assert!(
        select.contains("<option value=\"\" selected disabled>"),
        "{select}"
    );
    assert_eq!(select.matches(" selected").count(), 1, "{select}");
}
