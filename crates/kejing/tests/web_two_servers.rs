//! Two servers on one database (issue 15, Deliver 5): a session signed in on one is valid on the
//! other, with its CSRF token and API token; a form sent to one cannot be sent again to the
//! other, not even at the same moment; a change made through one is seen at once by the other
//! (the caches are keyed by the data version, which lives in the database). Once in process —
//! two `App`s, each with its own connection pool, caches and memory — and once as two `kejing
//! serve` processes on two ports, over the fixture's database: SQLite, PostgreSQL or MariaDB by
//! the environment.

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

/// One HTTP/1.1 exchange with the server on `port` (a new connection, closed after it): the
/// status, the `Set-Cookie` headers and the body.
fn http(
    port: u16,
    method: &str,
    path: &str,
    cookie: &str,
    body: &str,
) -> (u16, Vec<String>, String) {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    let mut req =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    if !cookie.is_empty() {
        req.push_str(&format!("Cookie: {cookie}\r\n"));
    }
    if method == "POST" {
        req.push_str(&format!(
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let cookies = head
        .lines()
        .filter_map(|l| {
            l.strip_prefix("set-cookie: ")
                .or_else(|| l.strip_prefix("Set-Cookie: "))
        })
        .map(str::to_owned)
        .collect();
    (status, cookies, rest.to_owned())
}

/// `kejing serve` processes, stopped when the guard goes.
struct Servers(Vec<std::process::Child>);

impl Drop for Servers {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn two_serve_processes_on_two_ports_share_sessions_and_form_nonces() {
    let fx = common::fixture("two_processes");
    let uploads = fx.dir.path().join("uploads");
    let ports = [free_port(), free_port()];
    let mut servers = Servers(Vec::new());
    for port in ports {
        servers.0.push(
            std::process::Command::new(env!("CARGO_BIN_EXE_kejing"))
                .args([
                    "--db",
                    &fx.url,
                    "serve",
                    "--addr",
                    &format!("127.0.0.1:{port}"),
                ])
                .arg("--policies")
                .arg(common::policies_dir())
                .arg("--uploads")
                .arg(&uploads)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap(),
        );
    }
    for port in ports {
        let up = (0..300).any(|_| {
            let ok = std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
                && http(port, "GET", "/healthz", "", "").0 == 200;
            if !ok {
                std::thread::sleep(std::time::Duration::from_millis(100));
            }
            ok
        });
        assert!(up, "the server on port {port} did not start");
    }
    let [a, b] = ports;
    // Signed in on A.
    let (status, cookies, _) = http(
        a,
        "POST",
        "/login",
        "",
        &format!("username=admin&password={}&next=/", common::PASSWORD),
    );
    assert_eq!(status, 303);
    let cookie = cookies
        .iter()
        .find(|c| c.starts_with("kejing_session="))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_owned();
    // The session on B, and its CSRF token from B's page.
    let (status, _, page) = http(b, "GET", "/password", &cookie, "");
    assert_eq!(status, 200, "{page}");
    let csrf = page
        .split("name=\"_csrf\" value=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_owned();
    // A form with one nonce to A, then the same to B: B says it was sent already.
    let form = format!(
        "run={}&manager=M2&item=%E5%AD%98%E6%AC%BE%E7%BB%A9%E6%95%88%E8%96%AA%E9%85%AC&reason=twice&_csrf={csrf}&_nonce=two-processes-1",
        fx.run
    );
    let (first, _, body) = http(a, "POST", "/disputes", &cookie, &form);
    assert_eq!(first, 303, "{body}");
    let (again, _, body) = http(b, "POST", "/disputes", &cookie, &form);
    assert_eq!(again, 409, "{body}");
    assert!(body.contains("已提交过一次"), "{body}");
    // The dispute raised through A is on B's list.
    let (status, _, list) = http(b, "GET", "/disputes", &cookie, "");
    assert_eq!(status, 200);
    assert!(list.contains("twice"), "{list}");
    drop(servers);
}
