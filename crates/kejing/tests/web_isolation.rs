//! Organisation isolation: the admin and the auditor of a second organisation in the same
//! database see nothing of the first — not its managers, clients, runs, statements, disputes,
//! transfers, nor a line of its audit log (failed logins included). On SQLite, or PostgreSQL
//! with `KEJING_TEST_PG_URL`.

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kejing::web::router;
use tower::ServiceExt;

async fn call(
    r: &axum::Router,
    token: Option<&str>,
    method: &str,
    path: &str,
    body: &str,
) -> (StatusCode, String) {
    let mut req = Request::builder().method(method).uri(path);
    if let Some(t) = token {
        req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    let req = req
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(body.to_owned()))
        .unwrap();
    let res = r.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_organisation_sees_nothing_of_the_first() {
    let fx = tokio::task::block_in_place(|| common::fixture("isolation"));
    tokio::task::block_in_place(|| {
        let mut s = kejing_store::Store::open(&fx.url).unwrap();
        let other = s.ensure_org("other", "另一家银行").unwrap();
        for (user, role) in [("other-admin", "admin"), ("other-auditor", "auditor")] {
            kejing::cli::add_user(
                &mut s,
                &other,
                user,
                user,
                role,
                None,
                None,
                common::PASSWORD,
            )
            .unwrap();
        }
    });
    let r = router(fx.app.clone());
    // Failed logins at the first organisation, one of them with a password typed as the name.
    for (user, password) in [("cm", "wrong-password"), ("kejing2026-secret", "x")] {
        call(
            &r,
            None,
            "POST",
            "/api/login",
            &format!(r#"{{"username":"{user}","password":"{password}"}}"#),
        )
        .await;
    }
    for user in ["other-admin", "other-auditor"] {
        let (status, login) = call(
            &r,
            None,
            "POST",
            "/api/login",
            &format!(
                r#"{{"username":"{user}","password":"{}"}}"#,
                common::PASSWORD
            ),
        )
        .await;
        assert_eq!(status, StatusCode::OK, "{login}");
        let v: serde_json::Value = serde_json::from_str(&login).unwrap();
        let token = v["token"].as_str().unwrap().to_owned();
        for path in [
            "/api/managers",
            "/api/clients",
            "/api/runs",
            "/api/disputes",
            "/api/transfers",
            "/api/audit",
            "/api/assessments",
            "/api/dashboard",
        ] {
            let (status, body) = call(&r, Some(&token), "GET", path, "").await;
            assert!(status.is_success(), "{user} {path}: {status} {body}");
            for first in [
                "M1",
                "M2",
                "C2",
                "测试银行",
                "fixture",
                "setup",
                "kejing2026-secret",
                "\"cm\"",
            ] {
                assert!(
                    !body.contains(first),
                    "{user} {path} shows {first:?} of the first organisation: {body}"
                );
            }
        }
        let (status, _) = call(
            &r,
            Some(&token),
            "GET",
            &format!("/api/runs/{}", fx.run),
            "",
        )
        .await;
        assert_eq!(
            status,
            StatusCode::NOT_FOUND,
            "{user}: another organisation's run"
        );
        let (status, _) = call(
            &r,
            Some(&token),
            "GET",
            &format!("/api/statements/{}/M1", fx.run),
            "",
        )
        .await;
        assert!(
            matches!(status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
            "{user}: another organisation's statement: {status}"
        );
    }
}
