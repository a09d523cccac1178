//! Concurrent decisions through the web API, as several reviewers clicking at once: requests
//! that really overlap (released together by a barrier, each on its own database connection
//! from the server's pool). Exactly one takes effect and answers 200; every other answers 409
//! saying who decided, never 500. On SQLite, or PostgreSQL with `KEJING_TEST_PG_URL`. (The
//! application layer's suite, `crates/app/tests/concurrency.rs`, runs 20 rounds of each; here
//! a few rounds through the whole server.)

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use kejing::web::router;
use std::sync::Arc;
use tower::ServiceExt;

const ROUNDS: usize = 3;

async fn token(r: &axum::Router, user: &str) -> String {
    let res = r
        .clone()
        .oneshot(
            Request::post("/api/login")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(format!(
                    r#"{{"username":"{user}","password":"{}"}}"#,
                    common::PASSWORD
                )))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let v: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    v["token"].as_str().unwrap().to_owned()
}

/// Posts each body to `path` at once; (status, body) in order.
async fn race(
    r: &axum::Router,
    token: &str,
    path: &str,
    bodies: Vec<String>,
) -> Vec<(StatusCode, String)> {
    let barrier = Arc::new(tokio::sync::Barrier::new(bodies.len()));
    let tasks: Vec<_> = bodies
        .into_iter()
        .map(|body| {
            let (r, barrier) = (r.clone(), barrier.clone());
            let req = Request::post(path)
                .header(header::AUTHORIZATION, format!("Bearer {token}"))
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body))
                .unwrap();
            tokio::spawn(async move {
                barrier.wait().await;
                let res = r.oneshot(req).await.unwrap();
                let status = res.status();
                let bytes = res.into_body().collect().await.unwrap().to_bytes();
                (status, String::from_utf8_lossy(&bytes).into_owned())
            })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

fn one_ok(results: &[(StatusCode, String)]) -> usize {
    let ok: Vec<usize> = (0..results.len())
        .filter(|i| results[*i].0 == StatusCode::OK)
        .collect();
    assert_eq!(ok.len(), 1, "exactly one takes effect: {results:?}");
    for (i, (status, body)) in results.iter().enumerate() {
        if i != ok[0] {
            assert_eq!(*status, StatusCode::CONFLICT, "{body}");
            // A stable code and its parameters for a script; who decided it, in words.
            let v: serde_json::Value = serde_json::from_str(body).unwrap();
            assert_eq!(v["code"], "decided-already", "{body}");
            assert!(v["params"]["by"].is_string(), "{body}");
            assert!(
                v["detail"].as_str().is_some_and(|d| d.contains("已由")),
                "{body}"
            );
        }
    }
    ok[0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifteen_accepts_of_one_dispute_through_the_api_pay_once() {
    for round in 0..ROUNDS {
        let fx = tokio::task::block_in_place(|| common::fixture(&format!("race_d{round}")));
        let r = router(fx.app.clone());
        let admin = token(&r, "admin").await;
        let bodies = (0..15)
            .map(|i| {
                format!(
                    r#"{{"approve":"yes","decision":"accepted {i}","period":"2026-1{}","amount":"{}.00"}}"#,
                    i % 3,
                    100 + i
                )
            })
            .collect();
        let results = race(
            &r,
            &admin,
            &format!("/api/disputes/{}/decide", fx.dispute),
            bodies,
        )
        .await;
        let w = one_ok(&results);
        let (status, paid) = tokio::task::block_in_place(|| {
            let mut s = kejing_store::Store::open(&fx.url).unwrap();
            let org = s.org("bank").unwrap().unwrap();
            let d = s.dispute(&org, fx.dispute).unwrap().unwrap();
            let rows = s.export_rows(&org, kejing_io::Table::Adjustments).unwrap();
            let paid: Vec<Vec<String>> = rows
                .into_iter()
                .filter(|r| r.iter().any(|c| c == &format!("申诉 #{}", fx.dispute)))
                .collect();
            (d.status, paid)
        });
        assert_eq!(status, "accepted", "round {round}");
        assert_eq!(paid.len(), 1, "round {round}: {paid:?}");
        assert!(
            paid[0].iter().any(|c| c == &format!("{}.00", 100 + w)),
            "the winner's amount: {paid:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn approve_and_reject_of_one_transfer_through_the_api_leave_the_ledger_as_decided() {
    for round in 0..ROUNDS {
        let fx = tokio::task::block_in_place(|| common::fixture(&format!("race_t{round}")));
        let r = router(fx.app.clone());
        let branch = token(&r, "branch").await;
        let bodies = vec![
            r#"{"approve":"yes","decision":"ok"}"#.to_owned(),
            r#"{"approve":"no","decision":"the client objects"}"#.to_owned(),
        ];
        let results = race(
            &r,
            &branch,
            &format!("/api/transfers/{}/decide", fx.transfer),
            bodies,
        )
        .await;
        let w = one_ok(&results);
        let (status, owner) = tokio::task::block_in_place(|| {
            let mut s = kejing_store::Store::open(&fx.url).unwrap();
            let org = s.org("bank").unwrap().unwrap();
            let t = s.transfer(&org, fx.transfer).unwrap().unwrap();
            let owners = s
                .owners_on(&org, "C2", None, "2026-10-01".parse().unwrap())
                .unwrap();
            (t.status, owners[0].0.clone())
        });
        if w == 0 {
            assert_eq!(
                (status.as_str(), owner.as_str()),
                ("approved", "M1"),
                "round {round}"
            );
        } else {
            assert_eq!(
                (status.as_str(), owner.as_str()),
                ("rejected", "M2"),
                "round {round}"
            );
        }
    }
}
