//! The advice pages in process (SQLite, or PostgreSQL with `KEJING_TEST_PG_URL`): a customer
//! manager assesses their client with the questionnaire, sees the level and which products it
//! allows (an unsuitable one disabled with the reason), is refused an R4 product for a lower
//! level even when the request is made by hand, makes and keeps a letter, previews it and
//! downloads its PDF; bad profile input names the field and writes nothing.

mod common;

use common::web_session::{B, session};
use kejing::web::router;

#[tokio::test(flavor = "multi_thread")]
async fn a_customer_manager_assesses_advises_and_keeps_the_letter() {
    let fx = tokio::task::block_in_place(|| common::fixture("advice"));
    let r = router(fx.app.clone());
    let cm = session(&r, "cm").await;

    // A cautious questionnaire today: 2+2+1+2+2+2+2+2+2+3 = 20 → C2 (R1, R2).
    let picks = "D B A B B B B B B C";
    let form: Vec<String> = picks
        .split(' ')
        .enumerate()
        .map(|(i, o)| format!("q{}={o}", i + 1))
        .collect();
    let res = cm
        .call("POST", "/clients/C1/advice/risk", B::Form(form.join("&")))
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let page = cm.call("GET", "/clients/C1/advice", B::None).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("<strong>C2</strong> 稳健型"),
        "{}",
        page.body
    );
    assert!(page.body.contains("R1、R2"));
    // P3 (R3) and P4 (R4) are shown disabled, with the reason.
    assert!(
        page.body.contains(r#"value="P3" id="product-P3" disabled"#),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("产品风险等级 R3 高于 C2 可购买的 R1、R2，不能推荐"),
        "{}",
        page.body
    );

    // A request made by hand for P4 is refused naming both levels; nothing is kept.
    let before = cm
        .call("GET", "/letters", B::None)
        .await
        .body
        .matches("<tr><td>")
        .count();
    let res = cm
        .call(
            "POST",
            "/clients/C1/advice/letter",
            B::Form("products=P4".into()),
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.body);
    assert!(
        res.body.contains("R4") && res.body.contains("C2"),
        "{}",
        res.body
    );
    let after = cm
        .call("GET", "/letters", B::None)
        .await
        .body
        .matches("<tr><td>")
        .count();
    assert_eq!(before, after);

    // A profile line with a negative amount names the field; nothing written.
    let res = cm
        .call(
            "POST",
            "/clients/C1/advice/profile",
            B::Form("table=finances&kind=income&category=工资&amount=-5".into()),
        )
        .await;
    assert_eq!(res.status, 422, "{}", res.body);
    assert!(res.body.contains("amount"), "{}", res.body);

    // The letter for P1, kept, previewed and downloaded.
    let res = cm
        .call(
            "POST",
            "/clients/C1/advice/letter",
            B::Form("products=P1".into()),
        )
        .await;
    assert_eq!(res.status, 303, "{}", res.body);
    let to = res.headers["location"].to_str().unwrap().to_owned();
    assert!(to.starts_with("/letters/"), "{to}");
    let preview = cm.call("GET", &to, B::None).await;
    assert_eq!(preview.status, 200);
    assert!(preview.body.contains("甲公司") && preview.body.contains("⊙涉及个人隐私"));
    assert!(preview.body.contains("C2（稳健型）") && preview.body.contains("活期宝"));
    let pdf = cm.call("GET", &format!("{to}/pdf"), B::None).await;
    assert_eq!(pdf.status, 200);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.body.starts_with("%PDF"));

    // The letters page has the re-assessment reminder (nobody due in the fixture today).
    let list = cm.call("GET", "/letters", B::None).await;
    assert!(list.body.contains("id=\"reassess\"") && list.body.contains("待重新评估"));

    // Another customer manager (M3) cannot open it.
    let cm3 = session(&r, "cm3").await;
    assert_eq!(cm3.call("GET", &to, B::None).await.status, 403);
}

/// The letters follow the policies the organisation uses: one that adopted only a pay policy
/// writes no letter by the folder's advice policy, and is told why; adopting the advice policy
/// brings the letters back.
#[tokio::test(flavor = "multi_thread")]
async fn letters_are_written_by_an_adopted_advice_policy_only() {
    let fx = tokio::task::block_in_place(|| common::fixture("advice_adopted"));
    let r = router(fx.app.clone());
    let admin = session(&r, "admin").await;
    let adopt = |name: &'static str| {
        let admin = &admin;
        async move {
            let res = admin
                .call(
                    "POST",
                    &format!("/policies/{name}/adopt"),
                    B::Form("adopt=1".into()),
                )
                .await;
            assert!(res.status.is_redirection(), "{}", res.body);
        }
    };
    adopt("cixi-deposits").await;
    let page = admin.call("GET", "/clients/C1/advice", B::None).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("没有带建议书模板的投资建议政策"),
        "{}",
        page.body
    );
    adopt("ccb-advice").await;
    let page = admin.call("GET", "/clients/C1/advice", B::None).await;
    assert_eq!(page.status, 200, "{}", page.body);
}
