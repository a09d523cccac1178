//! A CM's statement as a PDF (issue 14, Deliver 3): the CM downloads their own statement, reads
//! it back with poppler's `pdftotext` and finds what the page says — the same total to the fen,
//! each item's path in words, the organisation, period, run and status, the privacy notice and
//! the page numbers — in their language; a draft says so until the run is approved and locked;
//! another CM's statement is refused. In process; SQLite, or PostgreSQL with
//! `KEJING_TEST_PG_URL`. Needs poppler-utils (CI installs it).

mod common;

use common::web_session::{B, Session, session};
use kejing::web::router;
use std::process::Command;

fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("statement.pdf");
    std::fs::write(&file, pdf).unwrap();
    let out = Command::new("pdftotext")
        .args([file.to_str().unwrap(), "-"])
        .output()
        .unwrap_or_else(|e| {
            panic!("pdftotext (poppler-utils) reads the statement back: {e}; apt-get install poppler-utils")
        });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The statement's total as the page shows it (`1,234.56`).
fn page_total(page: &str) -> String {
    let row = page
        .split("<tr class=\"total\">")
        .nth(1)
        .unwrap_or_else(|| panic!("no total row: {page}"));
    row.split("<td class=\"num\">")
        .nth(1)
        .and_then(|c| c.split('<').next())
        .unwrap()
        .to_owned()
}

/// Keeps the PDF and its first page as a picture with the screenshots (CI artefacts).
fn keep(pdf: &[u8], name: &str) {
    let dir = common::chromium::shots();
    let file = dir.join(format!("{name}.pdf"));
    std::fs::write(&file, pdf).unwrap();
    let png = dir.join(name);
    let out = Command::new("pdftoppm")
        .args(["-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile"])
        .arg(&file)
        .arg(&png)
        .output()
        .expect("pdftoppm (poppler-utils)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

async fn pdf(s: &Session, path: &str, name: &str) -> (String, String) {
    let res = s.call("GET", path, B::None).await;
    assert_eq!(res.status.as_u16(), 200, "{}", res.body);
    assert_eq!(res.headers["content-type"], "application/pdf");
    assert!(
        res.headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains("statement-"),
        "{:?}",
        res.headers
    );
    assert!(res.bytes.starts_with(b"%PDF-"), "not a PDF");
    keep(&res.bytes, name);
    (pdf_text(&res.bytes), res.body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cm_downloads_their_statement_as_a_pdf_that_says_what_the_page_says() {
    let fx = tokio::task::block_in_place(|| common::fixture("statement_pdf"));
    let r = router(fx.app.clone());
    let run = fx.run;
    let cm = session(&r, "cm").await;

    let page = cm
        .call("GET", &format!("/statements/{run}/M1"), B::None)
        .await;
    assert_eq!(page.status.as_u16(), 200);
    assert!(
        page.body
            .contains(&format!("href=\"/statements/{run}/M1/pdf\"")),
        "the page links its PDF: {}",
        page.body
    );
    let total = page_total(&page.body);
    assert!(total.contains('.'), "{total}");

    let (text, _) = pdf(
        &cm,
        &format!("/statements/{run}/M1/pdf"),
        "statement-pdf-draft",
    )
    .await;
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "薪酬明细 M1",
        "测试银行",
        "期间 2026-09",
        &format!("第 {run} 次结算"),
        "cixi-deposits",
        "草稿",
        "计算依据",
        "合计",
        total.as_str(),
        "涉及个人隐私，请妥善保管",
        "第 1 页 / 共",
        "生成于",
        "操作人 cm",
    ] {
        assert!(flat.contains(want), "{want:?} not in the PDF:\n{text}");
    }
    // The path in words of the page is in the PDF too (its first words).
    let path = page
        .body
        .split("class=\"path\"")
        .nth(1)
        .and_then(|p| p.split_once("= "))
        .map(|(_, rest)| rest.split('<').next().unwrap_or(""))
        .unwrap_or_else(|| panic!("no path in words on the page: {}", page.body));
    let first_words: String = path.chars().take(6).collect();
    assert!(
        flat.contains(first_words.trim()),
        "{first_words:?} not in the PDF:\n{text}"
    );
    assert!(!flat.contains("/tmp"), "no server path: {text}");

    // In English, the same statement in English words.
    let res = cm.call("POST", "/lang", B::Form("lang=en".into())).await;
    assert!(res.status.is_redirection() || res.status.is_success());
    let (en, _) = pdf(
        &cm,
        &format!("/statements/{run}/M1/pdf"),
        "statement-pdf-en",
    )
    .await;
    let en_flat: String = en.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Statement M1",
        "DRAFT",
        "page 1 of",
        total.as_str(),
        "by cm",
    ] {
        assert!(en_flat.contains(want), "{want:?} not in the PDF:\n{en}");
    }
    assert!(!en_flat.contains("草稿"), "{en}");

    // Someone else's statement is not theirs to download.
    let res = cm
        .call("GET", &format!("/statements/{run}/M3/pdf"), B::None)
        .await;
    assert_eq!(res.status.as_u16(), 403, "{}", res.body);

    // Submitted, approved by a second person and locked: no longer a draft, and who approved
    // it is on the statement.
    let admin = session(&r, "admin").await;
    let reviewer = session(&r, "reviewer").await;
    for (who, step) in [(&admin, "submit"), (&reviewer, "approve"), (&admin, "lock")] {
        let res = who
            .call(
                "POST",
                &format!("/settlement/runs/{run}/{step}"),
                B::Form(String::new()),
            )
            .await;
        assert!(
            res.status.is_redirection() || res.status.is_success(),
            "{step}: {} {}",
            res.status,
            res.body
        );
    }
    let res = cm.call("POST", "/lang", B::Form("lang=zh-CN".into())).await;
    assert!(res.status.is_redirection() || res.status.is_success());
    let (locked, _) = pdf(
        &cm,
        &format!("/statements/{run}/M1/pdf"),
        "statement-pdf-locked",
    )
    .await;
    let locked: String = locked.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(!locked.contains("草稿"), "{locked}");
    assert!(locked.contains("审批：reviewer"), "{locked}");
    assert!(locked.contains("已锁定"), "{locked}");
    assert!(locked.contains(total.as_str()), "{locked}");
}
