//! The web application in process (tower `oneshot`, no network): the role matrix over every
//! route, and what bad input gets. Runs on SQLite, or PostgreSQL with `KEJING_TEST_PG_URL`.

mod common;

use common::route_cases::{ROLES, cases};
use common::web_session::{B, login, send, session};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use kejing::web::{ROUTES, router};
use std::collections::BTreeSet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn role_matrix_covers_every_route() {
    let fx = tokio::task::block_in_place(|| common::fixture("matrix"));
    let r = router(fx.app.clone());
    let all = cases(
        fx.run,
        fx.transfer,
        fx.dispute,
        fx.assessment,
        fx.agreement,
        fx.scenarios,
    );
    // The matrix names every route the application has, and no other.
    let covered: BTreeSet<(&str, &str)> = all
        .iter()
        .map(|c| (c.0, c.1))
        .chain([("POST", "/login")])
        .collect();
    let routes: BTreeSet<(&str, &str)> = ROUTES.iter().copied().collect();
    assert_eq!(covered, routes, "the matrix and ROUTES differ");
    let mut checked = 0;
    for (i, role) in ROLES.iter().enumerate() {
        let s = session(&r, role).await;
        for (method, _, path, body, expect) in cases(
            fx.run,
            fx.transfer,
            fx.dispute,
            fx.assessment,
            fx.agreement,
            fx.scenarios,
        ) {
            let allowed = expect.as_bytes()[i] == b'A';
            let res = s.call(method, &path, body).await;
            let st = res.status.as_u16();
            if allowed {
                assert!(
                    ![401, 403, 404, 405, 500].contains(&st),
                    "{role} {method} {path}: expected allowed, got {st}: {}",
                    &res.body[..res.body.len().min(600)]
                );
            } else {
                assert_eq!(
                    st,
                    403,
                    "{role} {method} {path}: expected refused, got {st}: {}",
                    &res.body[..res.body.len().min(600)]
                );
                assert!(!res.body.contains("panicked"), "{}", res.body);
            }
            checked += 1;
        }
    }
    assert!(checked >= 5 * 70, "{checked}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_session_pages_go_to_login_and_the_api_says_401() {
    let fx = tokio::task::block_in_place(|| common::fixture("anon"));
    let r = router(fx.app.clone());
    for (method, route) in ROUTES {
        let path = route
            .replace("{code}", "M1")
            .replace("{id}", "1")
            .replace("{run}", "1")
            .replace("{manager}", "M1")
            .replace("{name}", "cixi-deposits")
            .replace("{table}", "targets")
            .replace("{register}", "visits")
            .replace("{file}", "app.css");
        if [
            "/login",
            "/api/login",
            "/healthz",
            "/api/openapi.json",
            "/static/app.css",
        ]
        .contains(&path.as_str())
        {
            continue;
        }
        let res = send(
            &r,
            Request::builder()
                .method(*method)
                .uri(&path)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        if path.starts_with("/api/") {
            assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{method} {path}");
            assert!(res.body.contains("error-login-required"), "{}", res.body);
        } else {
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{method} {path}");
            assert_eq!(res.headers[header::LOCATION], "/login");
        }
    }
}

fn audit_has(fx: &common::Fixture, action: &str) -> bool {
    tokio::task::block_in_place(|| {
        let mut store = kejing_store::Store::open(&fx.url).unwrap();
        store
            .audit_log(500)
            .unwrap()
            .iter()
            .any(|e| e.action == action)
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_gets_a_clear_answer_and_changes_nothing() {
    let fx = tokio::task::block_in_place(|| common::fixture("bad"));
    let r = router(fx.app.clone());

    // Wrong password: the login page again, with the reason; then lockout after five.
    let res = login(&r, "cm", "wrong-password").await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    assert!(res.body.contains("用户名或密码不正确"), "{}", res.body);
    for _ in 0..4 {
        login(&r, "cm", "wrong-password").await;
    }
    let res = login(&r, "cm", common::PASSWORD).await;
    assert_eq!(
        res.status,
        StatusCode::UNAUTHORIZED,
        "locked even with the right password, with the same answer as a wrong one"
    );
    assert!(res.body.contains("锁定"), "{}", res.body);
    let unknown = login(&r, "nobody-here", "wrong-password").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        unknown.body.replace("nobody-here", "cm"),
        res.body,
        "an unknown name and a locked account look the same"
    );
    // A login form posted from another site is refused (login CSRF).
    let cross = send(
        &r,
        Request::post("/login")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "kejing.example")
            .header(header::ORIGIN, "https://evil.example")
            .body(Body::from("username=admin&password=kejing2026&next=/"))
            .unwrap(),
    )
    .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    assert!(audit_has(&fx, "lockout") && audit_has(&fx, "login_failed"));

    let admin = session(&r, "admin").await;

    // A forged CSRF token: refused, nothing changed, on record.
    let res = send(
        &r,
        Request::post(format!("/settlement/runs/{}/lock", fx.run))
            .header(header::COOKIE, &admin.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("_csrf=forged"))
            .unwrap(),
    )
    .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(res.body.contains("安全校验失败"), "{}", res.body);
    assert!(audit_has(&fx, "csrf_rejected"));
    let run = admin
        .call("GET", &format!("/settlement/runs/{}", fx.run), B::None)
        .await;
    assert!(
        run.body.contains("status-draft") && !run.body.contains("已锁定发放"),
        "still a draft"
    );

    // Another CM's statement: refused and on record.
    let cm3 = session(&r, "cm3").await;
    let res = cm3
        .call("GET", &format!("/statements/{}/M1", fx.run), B::None)
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
    assert!(!res.body.contains("王一"), "no data of M1 leaks");
    assert!(audit_has(&fx, "forbidden"));

    // A script tag in a client name is shown as text.
    let page = admin.call("GET", "/clients", B::None).await;
    assert!(page.body.contains("&lt;script&gt;alert(1)&lt;"), "escaped");
    assert!(!page.body.contains("<script>alert(1)"), "not executable");

    // An oversized upload.
    let big = "x".repeat(kejing::web::MAX_UPLOAD + 128 * 1024);
    let res = admin
        .call("POST", "/imports", B::Multipart("targets", big))
        .await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(
        res.body.contains("上传文件过大"),
        "{}",
        &res.body[..res.body.len().min(400)]
    );

    // An import with a bad row: every bad row named, nothing written.
    let res = admin
        .call("POST", "/imports", B::Multipart("targets", "manager_id,period,measure,target\nM1,2026-10,deposit_avg,abc\nM9,2026-10,deposit_avg,1\n".into()))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(res.body.contains("id=\"import-errors\""), "{}", res.body);
    assert!(res.body.contains("abc"));

    // A double-submitted form: the second is refused, one dispute only.
    let form = format!(
        "run={}&manager=M2&item=%E5%AD%98%E6%AC%BE%E7%BB%A9%E6%95%88%E8%96%AA%E9%85%AC&reason=twice&_csrf={}&_nonce=same-nonce",
        fx.run, admin.csrf
    );
    let post = || {
        Request::post("/disputes")
            .header(header::COOKIE, &admin.cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form.clone()))
            .unwrap()
    };
    assert_eq!(send(&r, post()).await.status, StatusCode::SEE_OTHER);
    let again = send(&r, post()).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(again.body.contains("已提交过一次"), "{}", again.body);
    let list = admin.call("GET", "/api/disputes", B::None).await;
    assert_eq!(list.body.matches("\"twice\"").count(), 1, "{}", list.body);

    // An expired session: back to the login page, saying so.
    tokio::task::block_in_place(|| {
        let mut store = kejing_store::Store::open(&fx.url).unwrap();
        store
            .conn()
            .exec("UPDATE sessions SET expires_at = 0", &[])
            .unwrap();
    });
    let res = admin.call("GET", "/", B::None).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER);
    assert_eq!(res.headers[header::LOCATION], "/login?expired=1");
    let page = send(
        &r,
        Request::get("/login?expired=1")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert!(page.body.contains("会话已过期"));

    // No stack trace anywhere: an unknown page is a page.
    let admin = session(&r, "admin").await;
    let res = admin.call("GET", "/settlement/runs/99999", B::None).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    assert!(res.body.contains("找不到"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_message_exists_in_both_languages_and_english_pages_are_english() {
    use kejing::web::i18n::{I18n, LANGS};
    let i18n = I18n::new().unwrap();
    let zh: BTreeSet<String> = I18n::keys("zh-CN").into_iter().collect();
    let en: BTreeSet<String> = I18n::keys("en").into_iter().collect();
    assert_eq!(zh, en, "both languages have the same messages");
    assert_eq!(LANGS.len(), 2);
    for role in ["manager", "team_head", "branch_head", "admin", "auditor"] {
        assert!(i18n.has(&format!("role-{role}")).is_empty(), "role-{role}");
    }
    for status in ["open", "accepted", "rejected", "approved"] {
        assert!(
            i18n.has(&format!("status-{status}")).is_empty(),
            "status-{status}"
        );
    }
    // Every coded message of the application layer, in both languages.
    for code in kejing_app::error::CODES {
        let key = format!("msg-{code}");
        assert!(
            i18n.has(&key).is_empty(),
            "{key} missing in {:?}",
            i18n.has(&key)
        );
    }
    for status in ["draft", "submitted", "approved", "locked", "superseded"] {
        let key = format!("run-status-{status}");
        assert!(
            kejing_store::workflow::RunStatus::parse(status).is_some(),
            "{status}"
        );
        assert!(i18n.has(&key).is_empty(), "{key}");
    }
    for src in kejing::web::template_sources() {
        for part in src.split("t(\"").skip(1) {
            let key = part.split('"').next().unwrap();
            if key.ends_with('-') {
                // A key built in the template ("role-" ~ role): every role is checked below.
                continue;
            }
            assert!(
                i18n.has(key).is_empty(),
                "{key} missing in {:?}",
                i18n.has(key)
            );
        }
    }
    let fx = tokio::task::block_in_place(|| common::fixture("lang"));
    let r = router(fx.app.clone());
    let s = session(&r, "admin").await;
    assert!(s.call("GET", "/", B::None).await.body.contains("工作台"));
    assert_eq!(
        s.call("POST", "/lang", B::Form("lang=en".into()))
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let page = s.call("GET", "/", B::None).await;
    assert!(
        page.body.contains("Dashboard") && page.body.contains("lang=\"en\""),
        "{}",
        page.body
    );
    // Kept per user: a new session is English too.
    let s2 = session(&r, "admin").await;
    assert!(
        s2.call("GET", "/managers", B::None)
            .await
            .body
            .contains("Customer managers")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_approved_transfer_moves_the_client_from_its_effective_day() {
    let fx = tokio::task::block_in_place(|| common::fixture("transfer"));
    let r = router(fx.app.clone());
    let branch = session(&r, "branch").await;
    let res = branch
        .call(
            "POST",
            &format!("/transfers/{}/decide", fx.transfer),
            B::Form("approve=yes&decision=同意".into()),
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
    let owners = tokio::task::block_in_place(|| {
        let mut store = kejing_store::Store::open(&fx.url).unwrap();
        let org = store.org("bank").unwrap().unwrap();
        (
            store
                .owners_on(&org, "C2", None, "2026-09-30".parse().unwrap())
                .unwrap(),
            store
                .owners_on(&org, "C2", None, "2026-10-01".parse().unwrap())
                .unwrap(),
        )
    });
    assert_eq!(owners.0[0].0, "M2", "before the effective day: unchanged");
    assert_eq!(owners.1[0].0, "M1", "from the effective day: the new owner");
    let list = branch.call("GET", "/api/transfers", B::None).await;
    assert!(list.body.contains("\"approved\""), "{}", list.body);
    // Decided once: a second decision changes nothing and says who decided (409).
    let again = branch
        .call(
            "POST",
            &format!("/transfers/{}/decide", fx.transfer),
            B::Form("approve=yes&decision=again".into()),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    // In the reader's language (Chinese here), not the store's English.
    assert!(
        again
            .body
            .contains(&format!("移交申请 #{} 已由 branch 于", fx.transfer))
            && again.body.contains("处理（已批准）"),
        "{}",
        again.body
    );
    assert!(!again.body.contains("already decided"), "{}", again.body);
}

#[test]
fn the_openapi_document_describes_every_api_route() {
    let doc = kejing::web::api::openapi_doc();
    for (method, route) in ROUTES.iter().filter(|(_, r)| r.starts_with("/api/")) {
        let op = &doc["paths"][route][method.to_lowercase()];
        assert!(
            op.is_object(),
            "{method} {route} is not in /api/openapi.json"
        );
        assert!(op["summary"].is_string(), "{method} {route} has no summary");
    }
    assert_eq!(doc["openapi"], "3.1.0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_accounts_reach_every_page_in_both_languages() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.db").display().to_string();
    let (run, client) = tokio::task::block_in_place(|| {
        let mut store = kejing_store::Store::open(&db).unwrap();
        kejing::cli::load_demo(&mut store, 1).unwrap();
        kejing::cli::demo_web(&mut store, &common::policies_dir()).unwrap();
        let bank = store.org("demo-bank").unwrap().unwrap();
        let run = store.runs(&bank).unwrap()[0].id;
        let (clients, _) = store
            .client_rows(
                &bank,
                "2026-09-30".parse().unwrap(),
                Some(&["M00001".to_owned()]),
                None,
                0,
                1,
            )
            .unwrap();
        (run, clients[0].code.clone())
    });
    let app = tokio::task::block_in_place(|| {
        kejing::web::App::new(kejing::web::Config {
            db: db.clone(),
            policies: common::policies_dir(),
            uploads: dir.path().join("uploads"),
            secure_cookies: false,
        })
        .unwrap()
    });
    let r = router(app);
    let pages = [
        "/".to_owned(),
        "/managers".into(),
        "/managers/M00001".into(),
        "/clients".into(),
        format!("/clients/{client}"),
        "/transfers".into(),
        "/imports".into(),
        "/settlement".into(),
        format!("/settlement/runs/{run}"),
        format!("/settlement/compare?a={run}&b={run}"),
        format!("/statements/{run}/M00001"),
        "/disputes".into(),
        "/whatif".into(),
        "/policies".into(),
        "/policies/cixi-deposits".into(),
        "/audit".into(),
        "/password".into(),
    ];
    for user in ["admin", "auditor", "branch", "team", "cm"] {
        let s = session(&r, user).await;
        for lang in ["zh-CN", "en"] {
            assert_eq!(
                s.call("POST", "/lang", B::Form(format!("lang={lang}")))
                    .await
                    .status,
                StatusCode::SEE_OTHER
            );
            for p in &pages {
                let res = s.call("GET", p, B::None).await;
                let st = res.status.as_u16();
                if user == "admin" {
                    assert_eq!(
                        st,
                        200,
                        "{user} {lang} {p}: {}",
                        &res.body[..res.body.len().min(500)]
                    );
                } else {
                    assert!(st == 200 || st == 403, "{user} {lang} {p}: {st}");
                }
                assert!(
                    res.body.contains(&format!("lang=\"{lang}\"")),
                    "{user} {lang} {p}"
                );
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_team_table_sorts_by_any_column_and_keeps_ranks_by_pay() {
    let fx = tokio::task::block_in_place(|| common::fixture("sort"));
    let r = router(fx.app.clone());
    let admin = session(&r, "admin").await;
    let order = |body: &str| -> Vec<String> {
        let table = body.split("id=\"team-table\"").nth(1).unwrap();
        ["M1", "M2", "M3"]
            .iter()
            .map(|m| (table.find(&format!(">{m}</a>")).unwrap(), m.to_string()))
            .collect::<std::collections::BTreeMap<_, _>>()
            .into_values()
            .collect()
    };
    let by_pay = admin.call("GET", "/", B::None).await.body;
    let asc = admin
        .call("GET", "/?sort=manager&dir=asc", B::None)
        .await
        .body;
    let desc = admin
        .call("GET", "/?sort=manager&dir=desc", B::None)
        .await
        .body;
    assert_eq!(order(&asc), ["M1", "M2", "M3"]);
    assert_eq!(order(&desc), ["M3", "M2", "M1"]);
    // Highest pay first by default (M1 owns the most deposits in the fixture).
    assert_eq!(order(&by_pay)[0], "M1");
    assert!(asc.contains("aria-sort=\"ascending\""));
}
