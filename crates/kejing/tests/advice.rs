//! Investment-advice letters from the command line, on a folder written by hand
//! (`tests/data/advice`: a branch in Hangzhou, one customer manager, four clients and their
//! questionnaires, a shelf of R1–R5 products, one client's finances and goals). The risk levels
//! are those a compliance officer computes on paper from `policies/ccb-advice`:
//!
//! - A1: 4+3+2+3+3+3+3+3+3+4 = 31 → C3 (27–34), assessed 2026-05-10, valid to 2027-05-09;
//! - A2: 2+2+1+2+2+2+2+2+2+3 = 20 → C2 (19–26), assessed 2026-08-20;
//! - A3: 5+5×9 = 50 → C5, assessed 2025-06-01: expired on 2026-05-31;
//! - A4: 0+4×9 = 36 → C4 by score, but over 70 (q1 = F) caps the level at C2.
//!
//! The letters are read back with poppler (`pdftotext`, `pdffonts`, `pdftoppm`), which CI
//! installs; a missing poppler fails the test rather than skipping it.

mod common;

use common::{policies_dir, scratch_db};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn data() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/advice")
}

fn kejing(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_kejing"))
        .env_remove("KEJING_DATABASE_URL")
        .env_remove("KEJING_ORG")
        .env_remove("KEJING_AS")
        .args(args)
        .output()
        .unwrap()
}

fn policy() -> String {
    policies_dir().join("ccb-advice").display().to_string()
}

fn poppler(tool: &str, args: &[&str]) -> String {
    let out = Command::new(tool).args(args).output().unwrap_or_else(|e| {
        panic!("{tool} (poppler-utils) is needed to read the letters back: {e}; apt-get install poppler-utils")
    });
    assert!(
        out.status.success(),
        "{tool} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn letter(client: &str, out: &Path, extra: &[&str]) -> Output {
    let data = data();
    let policy = policy();
    let mut args = vec![
        "letter",
        "--policy",
        &policy,
        "--data",
        data.to_str().unwrap(),
        "--client",
        client,
        "--on",
        "2026-10-15",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    kejing(&args)
}

#[test]
fn risk_levels_are_those_computed_on_paper() {
    let data = data();
    let out = kejing(&[
        "risk",
        "--policy",
        &policy(),
        "--data",
        data.to_str().unwrap(),
        "--on",
        "2026-10-15",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "client_id,score,risk_level,assessed_on,valid_until\n\
         A1,31,C3,2026-05-10,2027-05-09\n\
         A2,20,C2,2026-08-20,2027-08-19\n\
         A3,50,C5,2025-06-01,2026-05-31\n\
         A4,36,C2,2026-09-01,2027-08-31\n"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("1 expired"));
}

#[test]
fn the_pdf_letter_reads_back_with_every_part_and_chinese_glyphs() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("a2.pdf");
    let out = letter("A2", &pdf, &["--products", "P1,P2"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = poppler("pdftotext", &[pdf.to_str().unwrap(), "-"]);
    for want in [
        "致尊敬的 李娜 女士",
        "网点名称",
        "杭州西湖支行",
        "联系电话",
        "0571-87001234",
        "联系传真",
        "0571-87001235",
        "涉及个人隐私，请妥善保管",
        "C2（稳健型）",
        "R1、R2",
        "2027-08-19",
        "活期宝货币基金",
        "稳利 90 天理财",
        "P1",
        "P2",
        "35.29 %",
        "4.5 个月",
        "28.57 %",
        "子女教育",
        "陈静",
    ] {
        assert!(
            text.contains(want),
            "the letter's text lacks {want:?}:\n{text}"
        );
    }
    assert!(
        !text.contains("成长精选股票基金"),
        "an R4 product is on a C2 letter"
    );

    // The embedded font is the CJK font, as a CID font with a Unicode map.
    let fonts = poppler("pdffonts", &[pdf.to_str().unwrap()]);
    assert!(
        fonts.contains("KejingCJKSans-Regular") && fonts.contains("CID"),
        "{fonts}"
    );

    // Page 1 rendered to a greyscale image is not blank: text covers a share of the page.
    let stem = dir.path().join("page");
    poppler(
        "pdftoppm",
        &[
            "-gray",
            "-r",
            "50",
            "-f",
            "1",
            "-l",
            "1",
            pdf.to_str().unwrap(),
            stem.to_str().unwrap(),
        ],
    );
    let png = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .find(|p| p.extension().is_some_and(|e| e == "pgm"))
        .expect("pdftoppm wrote page 1");
    let img = std::fs::read(&png).unwrap();
    let dark = dark_share(&img);
    assert!(dark > 20, "page 1 is nearly blank: {dark}‰ dark pixels");
}

/// Dark pixels per thousand of a binary PGM (`P5`).
fn dark_share(pgm: &[u8]) -> usize {
    let mut fields = 0;
    let mut i = 0;
    while fields < 4 && i < pgm.len() {
        while i < pgm.len() && pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        while i < pgm.len() && !pgm[i].is_ascii_whitespace() {
            i += 1;
        }
        fields += 1;
    }
    let pixels = &pgm[(i + 1).min(pgm.len())..];
    let dark = pixels.iter().filter(|p| **p < 160).count();
    dark * 1000 / pixels.len().max(1)
}

#[test]
fn refuses_an_r4_product_for_a_c2_client_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let pdf = dir.path().join("a2.pdf");
    let out = letter("A2", &pdf, &["--products", "P1,P4"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("P4") && err.contains("R4") && err.contains("C2"),
        "{err}"
    );
    assert!(!pdf.exists(), "a refused letter was written");
    // The capped client A4 (C4 by score, C2 over 70) is refused an R3 product too.
    let out = letter("A4", &pdf, &["--products", "P3"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("R3, above what client A4's level C2 allows")
    );
}

#[test]
fn refuses_an_expired_assessment_naming_the_dates() {
    let dir = tempfile::tempdir().unwrap();
    let out = letter("A3", &dir.path().join("a3.html"), &[]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("2025-06-01") && err.contains("expired on 2026-05-31"),
        "{err}"
    );
}

#[test]
fn the_html_preview_comes_from_the_same_template() {
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("a1.html");
    let out = letter("A1", &html, &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&html).unwrap();
    // Every suitable product of the shelf for C3, none above; today's allocation from holdings.
    for want in [
        "张伟",
        "先生",
        "P1",
        "P2",
        "P3",
        "持有产品",
        "⊙涉及个人隐私，请妥善保管",
    ] {
        assert!(text.contains(want), "{want:?} missing");
    }
    assert!(!text.contains("P4") && !text.contains("P5"));
}

#[test]
fn bad_advice_data_is_refused_with_file_row_and_column() {
    let dir = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(data()).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, dir.path().join(f.file_name().unwrap())).unwrap();
    }
    let d = dir.path().to_str().unwrap().to_owned();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write(
        "finances.csv",
        "client_id,as_of,kind,category,amount\nA2,2026-09-30,income,工资,-5\n",
    );
    let out = kejing(&[
        "risk",
        "--policy",
        &policy(),
        "--data",
        &d,
        "--on",
        "2026-10-15",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("finances.csv") && err.contains("row 2") && err.contains("amount"),
        "{err}"
    );

    std::fs::remove_file(dir.path().join("finances.csv")).unwrap();
    write(
        "risk_answers.csv",
        "client_id,answered_on,question,answer\nA1,2026-05-10,q1,Z\n",
    );
    let out = kejing(&[
        "risk",
        "--policy",
        &policy(),
        "--data",
        &d,
        "--on",
        "2026-10-15",
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("risk_answers.csv:2: question q1 has no option \"Z\""),
        "{err}"
    );

    write(
        "risk_answers.csv",
        "client_id,answered_on,question,answer\nA1,2026-05-10,q1,A\n",
    );
    let out = kejing(&[
        "risk",
        "--policy",
        &policy(),
        "--data",
        &d,
        "--on",
        "2026-10-15",
    ]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no answer to q2, q3"));

    write(
        "risk_answers.csv",
        &std::fs::read_to_string(data().join("risk_answers.csv")).unwrap(),
    );
    write(
        "goals.csv",
        "client_id,goal,amount,due_on\nA2,购房,500000,2026-01-01\n",
    );
    let pdf = dir.path().join("x.pdf");
    let out = kejing(&[
        "letter",
        "--policy",
        &policy(),
        "--data",
        &d,
        "--client",
        "A2",
        "--on",
        "2026-10-15",
        "--out",
        pdf.to_str().unwrap(),
    ]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("goals.csv:2: goal \"购房\" is due on 2026-01-01, before"),
        "{err}"
    );
    assert!(!pdf.exists());
}

#[test]
fn over_the_database_a_letter_is_kept_and_a_refusal_audited() {
    let dir = tempfile::tempdir().unwrap();
    let db = scratch_db(dir.path(), "advice_cli");
    let data = data();
    let g = ["--db", db.url.as_str(), "--org", "hz"];
    let run = |args: &[&str]| kejing(&[&g[..], args].concat());
    assert!(run(&["init"]).status.success());
    let out = run(&["import", "all", data.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let policy = policy();
    let out = run(&["risk", "--policy", &policy, "--on", "2026-10-15"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("A4,36,C2,2026-09-01,2027-08-31"));
    let pdf = dir.path().join("a2.pdf");
    let args = |products: &str| {
        vec![
            "letter".to_owned(),
            "--policy".into(),
            policy.clone(),
            "--client".into(),
            "A2".into(),
            "--on".into(),
            "2026-10-15".into(),
            "--out".into(),
            pdf.display().to_string(),
            "--products".into(),
            products.to_owned(),
        ]
    };
    let a = args("P1,P2");
    let out = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("kept as letter 1"));
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
    let a = args("P4");
    let out = run(&a.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(out.status.code(), Some(1));
    let audit = run(&["audit", "--limit", "5"]);
    let text = String::from_utf8_lossy(&audit.stdout);
    assert!(
        text.contains("letter.refuse") && text.contains("letter.generate"),
        "{text}"
    );
}
