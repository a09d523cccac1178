//! The inbox as each person meets it: the office sees what waits for its decision (a dispute,
//! a transfer, a claim, proposals, a run submitted by someone else), never its own requests;
//! the customer manager hears that their dispute was accepted, with the amount and the period,
//! and marks it read; the navigation counts what is left. In process; SQLite, or PostgreSQL
//! with `KEJING_TEST_PG_URL`.

mod common;

use common::web_session::{B, Session, session};
use kejing::web::router;

/// The navigation's count on a page, if any.
fn nav_count(page: &str) -> Option<u32> {
    page.split("id=\"inbox-count\"")
        .nth(1)?
        .split('>')
        .nth(1)?
        .split('<')
        .next()?
        .trim()
        .parse()
        .ok()
}

async fn page(s: &Session, path: &str) -> String {
    let r = s.call("GET", path, B::None).await;
    assert_eq!(r.status, 200, "{path}: {}", r.body);
    r.body
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_decided_dispute_reaches_the_customer_manager_with_its_amount() {
    let fx = tokio::task::block_in_place(|| common::fixture("inbox"));
    let r = router(fx.app.clone());
    let admin = session(&r, "admin").await;
    let cm = session(&r, "cm").await;

    // The office: the open dispute, transfer, claim and proposals wait for it.
    let inbox = page(&admin, "/inbox").await;
    let tasks = inbox.split("id=\"tasks\"").nth(1).unwrap();
    let tasks = tasks.split("id=\"notices\"").next().unwrap();
    assert!(
        tasks.contains(&format!(
            "申诉 #{}：M1 对第 {} 批（2026-09）“存款绩效薪酬”提出申诉",
            fx.dispute, fx.run
        )),
        "{tasks}"
    );
    assert!(
        tasks.contains(&format!(
            "移交申请 #{}：客户 C2 从 M2 移交给 M1",
            fx.transfer
        )),
        "{tasks}"
    );
    assert!(tasks.contains("认领客户 C1（份额 0.5）"), "{tasks}");
    assert!(tasks.contains("条建议待审批"), "{tasks}");
    let waiting = tasks.matches("<li class=\"task\"").count() as u32;
    assert_eq!(nav_count(&page(&admin, "/").await), Some(waiting));

    // A customer manager decides nothing: nothing waits, nothing counted.
    let before = page(&cm, "/inbox").await;
    assert!(before.contains("没有等待您处理的事项"), "{before}");
    assert_eq!(nav_count(&before), None, "{before}");

    // Accepting without a period, or with a wrong amount, is said on the dispute's row with
    // what was typed kept (D10).
    let res = admin
        .call(
            "POST",
            &format!("/disputes/{}/decide", fx.dispute),
            B::Form("approve=yes&decision=ok&period=&amount=100".into()),
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.body);
    let row = format!("id=\"period-error-{}\">请填写期间", fx.dispute);
    assert!(res.body.contains(&row), "{}", res.body);
    assert!(res.body.contains("value=\"ok\"") && res.body.contains("value=\"100\""));
    let res = admin
        .call(
            "POST",
            &format!("/disputes/{}/decide", fx.dispute),
            B::Form("approve=yes&decision=ok&period=2026-10&amount=1%2C00".into()),
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.body);
    assert!(res.body.contains("“1,00”不是金额"), "{}", res.body);
    let open = page(&admin, "/disputes?status=open").await;
    assert!(
        open.contains(&format!("id=\"decide-{}\"", fx.dispute)),
        "{open}"
    );
    let none = page(&admin, "/disputes?status=accepted").await;
    assert!(
        !none.contains(&format!("id=\"decide-{}\"", fx.dispute)),
        "{none}"
    );

    // The office accepts the dispute: 100 yuan in October.
    let res = admin
        .call(
            "POST",
            &format!("/disputes/{}/decide", fx.dispute),
            B::Form("approve=yes&decision=%E4%BD%99%E9%A2%9D%E5%B7%B2%E6%A0%B8&period=2026-10&amount=100".into()),
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let tasks = page(&admin, "/inbox").await;
    assert!(
        !tasks.contains(&format!("申诉 #{}：", fx.dispute)),
        "a decided dispute no longer waits: {tasks}"
    );

    // The customer manager hears it, with the amount and the period, counted until read.
    let inbox = page(&cm, "/inbox").await;
    let notice = format!(
        "您对第 {} 批（2026-09）“存款绩效薪酬”的申诉已由 admin 受理：在 2026-10 调整 100.00 元",
        fx.run
    );
    assert!(inbox.contains(&notice), "{inbox}");
    assert!(inbox.contains("1 条未读"), "{inbox}");
    assert_eq!(nav_count(&page(&cm, "/").await), Some(1));
    let key = format!("dispute-{}-accepted", fx.dispute);
    assert!(inbox.contains(&format!("id=\"notice-{key}\"")), "{inbox}");
    let res = cm
        .call("POST", "/inbox/read", B::Form(format!("key={key}")))
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let inbox = page(&cm, "/inbox").await;
    assert!(inbox.contains(&notice), "a read notice stays: {inbox}");
    assert!(inbox.contains("0 条未读"), "{inbox}");
    assert_eq!(nav_count(&inbox), None);
    // Marking it again changes nothing; another user's marks are theirs.
    let res = cm
        .call("POST", "/inbox/read", B::Form(format!("key={key}")))
        .await;
    assert_eq!(res.status, 303);

    // In English, the same notice in English.
    cm.call("POST", "/lang", B::Form("lang=en".into())).await;
    let inbox = page(&cm, "/inbox").await;
    assert!(
        inbox.contains(&format!(
            "Your dispute on “存款绩效薪酬” of run {} (2026-09) was accepted by admin: 100.00 adjusted in 2026-10",
            fx.run
        )),
        "{inbox}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submitted_run_waits_for_the_second_person_not_for_who_submitted_it() {
    let fx = tokio::task::block_in_place(|| common::fixture("inbox_runs"));
    let r = router(fx.app.clone());
    let admin = session(&r, "admin").await;
    let reviewer = session(&r, "reviewer").await;
    let res = admin
        .call(
            "POST",
            &format!("/settlement/runs/{}/submit", fx.run),
            B::Form(String::new()),
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let task = format!("第 {} 批结算（2026-09）已提交复核，待您审批", fx.run);
    assert!(
        !page(&admin, "/inbox").await.contains(&task),
        "not for who submitted it"
    );
    assert!(page(&reviewer, "/inbox").await.contains(&task));
    let res = reviewer
        .call(
            "POST",
            &format!("/settlement/runs/{}/approve", fx.run),
            B::Form(String::new()),
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    assert!(!page(&reviewer, "/inbox").await.contains(&task));
    // Who submitted it hears that it was approved; marking all read clears the count.
    let inbox = page(&admin, "/inbox").await;
    assert!(
        inbox.contains(&format!(
            "第 {} 批结算（2026-09）已由 reviewer 审批",
            fx.run
        )),
        "{inbox}"
    );
    let res = admin
        .call("POST", "/inbox/read", B::Form("key=".into()))
        .await;
    assert_eq!(res.status, 303);
    assert!(page(&admin, "/inbox").await.contains("0 条未读"));
}
