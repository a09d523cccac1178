//! Two servers on one database (issue 15, Deliver 5): a session signed in on one is valid on the
//! other, with its CSRF token and API token; a form sent to one cannot be sent again to the
//! other, not even at the same moment; a change made through one is seen at once by the other
//! (the caches are keyed by the data version, which lives in the database). In process: two
//! `App`s — each with its own connection pool, caches and memory, as two `kejing serve`
//! processes have — over the fixture's database: SQLite, PostgreSQL or MariaDB by the
//! environment.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::web_session::{B, Session, send, session};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_on_one_database_behave_as_one() {
    let fx = tokio::task::block_in_place(|| common::fixture("two_servers"));
    let a = kejing::web::router(fx.app.clone());
    // Opened off the runtime's threads, as a server does (the PostgreSQL driver blocks).
    let config = fx.app.config.clone();
    let second = tokio::task::spawn_blocking(move || kejing::web::App::new(config))
        .await
        .unwrap()
        .unwrap();
    let b = kejing::web::router(second);

    // Signed in on A; the same cookie and tokens on B.
    let on_a = session(&a, "admin").await;
    let on_b = Session {
        r: b.clone(),
        cookie: on_a.cookie.clone(),
        csrf: on_a.csrf.clone(),
        token: on_a.token.clone(),
    };
    let me = on_b.call("GET", "/api/me", B::None).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    assert!(me.body.contains("admin"), "{}", me.body);

    // B's client search, cached by B, then a client imported through A: B finds it at once.
    let before = on_b.call("GET", "/clients?q=C77", B::None).await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(!before.body.contains("双服客户"), "{}", before.body);
    let imported = on_a
        .call(
            "POST",
            "/api/imports/clients",
            B::Json("client_id,name,kind\nC77,双服客户,company\n".to_owned()),
        )
        .await;
    assert_eq!(imported.status, StatusCode::OK, "{}", imported.body);
    let after = on_b.call("GET", "/clients?q=C77", B::None).await;
    assert!(after.body.contains("双服客户"), "{}", after.body);

    // A form sent to A, then the same form (same nonce) to B: B refuses it as sent already.
    let form = |nonce: &str, item: &str| {
        format!(
            "run={}&manager=M2&item={item}&reason=twice&_csrf={}&_nonce={nonce}",
            fx.run, on_a.csrf
        )
    };
    let post = |body: String| {
        Request::post("/disputes")
            .header(header::COOKIE, &on_a.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(body))
            .unwrap()
    };
    // 存款绩效薪酬
    let item = "%E5%AD%98%E6%AC%BE%E7%BB%A9%E6%95%88%E8%96%AA%E9%85%AC";
    let first = send(&a, post(form("two-servers-1", item))).await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    let again = send(&b, post(form("two-servers-1", item))).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("已提交过一次"), "{}", again.body);

    // The same nonce to both at the same moment, twenty times: one passes the guard, the other
    // is refused as sent already (never both, never a server error).
    for round in 0..20 {
        let nonce = format!("two-servers-race-{round}");
        let (x, y) = tokio::join!(
            send(&a, post(form(&nonce, "x"))),
            send(&b, post(form(&nonce, "x")))
        );
        let refused = [&x, &y]
            .iter()
            .filter(|r| r.status == StatusCode::CONFLICT && r.body.contains("已提交过一次"))
            .count();
        assert_eq!(
            refused, 1,
            "round {round}: {} {} / {} {}",
            x.status, x.body, y.status, y.body
        );
        for r in [&x, &y] {
            assert!(
                !r.status.is_server_error(),
                "round {round}: {} {}",
                r.status,
                r.body
            );
        }
    }
}
