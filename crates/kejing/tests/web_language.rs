//! One language throughout: every page of the web application, for every role, in Chinese and
//! in English, read as its user reads it (the visible text and the tooltips), and refused on an
//! English phrase in a Chinese page, Chinese in an English page, or a server path anywhere.
//! What the organisation wrote (names, policy labels, the data's values) may stay as written.
//! Runs on SQLite, or PostgreSQL with `KEJING_TEST_PG_URL`.

mod common;

use common::route_cases::{ROLES, cases};
use common::web_session::{B, session};

use axum::http::StatusCode;
use kejing::web::router;
use std::collections::BTreeSet;

/// The text a reader sees: text nodes and the title, placeholder, aria-label and alt of each
/// element, entity-decoded and whitespace-collapsed; scripts, styles and code left out.
fn visible(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_text(&mut out, &rest[..lt]);
        rest = &rest[lt..];
        let lower: String = rest
            .chars()
            .take(8)
            .collect::<String>()
            .to_ascii_lowercase();
        // Scripts and styles are not read; code (a formula, a file's syntax) is read as code.
        for raw in ["<script", "<style", "<code"] {
            if lower.starts_with(raw) {
                let close = format!("</{}", &raw[1..]);
                let at = rest.to_ascii_lowercase().find(&close).unwrap_or(rest.len());
                rest = &rest[at..];
            }
        }
        let end = tag_end(rest);
        let tag = &rest[..end];
        for attr in ["title", "placeholder", "aria-label", "alt"] {
            if let Some(v) = attribute(tag, attr) {
                push_text(&mut out, &v);
            }
        }
        rest = &rest[end..];
    }
    push_text(&mut out, rest);
    out
}

/// Where the tag at the start of `s` ends (after its `>`), quotes respected.
fn tag_end(s: &str) -> usize {
    let mut quote = None;
    for (i, c) in s.char_indices() {
        match (quote, c) {
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (None, '>') => return i + 1,
            _ => {}
        }
    }
    s.len()
}

fn attribute(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!(" {name}=\""))?;
    let v = &tag[at + name.len() + 3..];
    Some(v[..v.find('"')?].to_owned())
}

fn push_text(out: &mut Vec<String>, raw: &str) {
    let text = decode(raw);
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if !text.is_empty() {
        out.push(text);
    }
}

fn decode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|at| *at <= 12) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..semi];
        let c = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            e if e.starts_with("#x") || e.starts_with("#X") => u32::from_str_radix(&e[2..], 16)
                .ok()
                .and_then(char::from_u32),
            e if e.starts_with('#') => e[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x3000..=0x303F | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xFF00..=0xFFEF)
}

/// What the organisation and its people wrote, which a page may show in either language: the
/// data's values, every string of the shipped policies, the fixture's requests and reasons, the
/// user names; and the words a page uses in both (the other language's name, file kinds).
fn written_by_the_organisation(data: &std::path::Path) -> Vec<String> {
    let mut out: BTreeSet<String> = BTreeSet::new();
    // The data contract's table names, which a user names files by.
    out.extend(kejing_io::Table::ALL.iter().map(|t| t.name().to_owned()));
    for entry in std::fs::read_dir(data).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for line in text.lines() {
            out.extend(line.split(',').map(str::to_owned));
        }
    }
    fn strings(v: &toml::Value, out: &mut BTreeSet<String>) {
        match v {
            toml::Value::String(s) => {
                out.insert(s.clone());
                // A policy's test data: its lines and their cells.
                for line in s.lines() {
                    out.insert(line.trim().to_owned());
                    out.extend(line.split(',').map(|c| c.trim().to_owned()));
                }
            }
            toml::Value::Array(a) => a.iter().for_each(|v| strings(v, out)),
            toml::Value::Table(t) => {
                for (k, v) in t {
                    out.insert(k.clone());
                    strings(v, out);
                }
            }
            _ => {}
        }
    }
    for entry in std::fs::read_dir(common::policies_dir()).unwrap() {
        let dir = entry.unwrap().path();
        for file in std::fs::read_dir(&dir).unwrap() {
            let file = file.unwrap().path();
            if file.extension().is_some_and(|e| e == "toml") {
                let text = std::fs::read_to_string(&file).unwrap();
                // The policy page shows the file as written, comments and all.
                out.extend(text.lines().map(|l| l.trim().to_owned()));
                strings(&toml::from_str(&text).unwrap(), &mut out);
            }
        }
    }
    out.extend(common::USERS.iter().map(|u| u.0.to_owned()));
    out.extend(
        [
            "测试银行",
            "M2 调岗",
            "余额有误",
            "存款绩效薪酬",
            "协议价 九折",
            "营业执照已核",
            "共同营销",
            // The fixture's what-if scenarios, named by the office.
            "比例 0.2",
            "支行测算",
            "setup",
            "fixture",
            "中文",
            "English",
            "kejing",
            "客经",
            "CSV",
            "XLSX",
            "PDF",
            "API",
            "OpenAPI",
            "JSON",
            "CNY",
            "UTF-8",
            "GBK",
            "MB",
        ]
        .map(str::to_owned),
    );
    let out: BTreeSet<String> = out
        .into_iter()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|s| s.chars().count() >= 2)
        .collect();
    let mut v: Vec<String> = out.into_iter().collect();
    v.sort_by_key(|s| std::cmp::Reverse(s.len()));
    v
}

/// The segment without what the organisation wrote: each written string where it stands as a
/// whole (not the "on" inside "month").
fn without_written(seg: &str, written: &[String]) -> String {
    let mut s = seg.to_owned();
    let alnum = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    for w in written {
        let mut from = 0;
        while let Some(at) = s[from..].find(w.as_str()).map(|i| i + from) {
            let end = at + w.len();
            let before = s[..at].chars().next_back();
            let after = s[end..].chars().next();
            let first = w.chars().next();
            let last = w.chars().next_back();
            let glued = (alnum(first) && alnum(before)) || (alnum(last) && alnum(after));
            let whole = !glued;
            if whole {
                s.replace_range(at..end, " ");
                from = at + 1;
            } else {
                from = end;
            }
        }
    }
    s
}

/// An English phrase in a Chinese page: two words of letters in a row, or one lowercase word
/// of three letters or more standing alone (a code like `active`).
fn english_in(seg: &str) -> Option<String> {
    let words: Vec<&str> = seg
        .split(|c: char| c.is_whitespace() || is_cjk(c))
        .filter(|w| !w.is_empty())
        .collect();
    let wordish = |w: &str| {
        let core = w.trim_matches(|c: char| ",.:;()!?\"'“”".contains(c));
        core.len() >= 2 && core.chars().all(|c| c.is_ascii_alphabetic())
    };
    for pair in words.windows(2) {
        if wordish(pair[0]) && wordish(pair[1]) {
            return Some(format!("{} {}", pair[0], pair[1]));
        }
    }
    words
        .iter()
        .map(|w| w.trim_matches(|c: char| ",.:;()!?\"'“”".contains(c)))
        .find(|w| w.len() >= 3 && w.chars().all(|c| c.is_ascii_lowercase()))
        .map(str::to_owned)
}

/// Where a page shows a file or folder of the server.
fn server_path(body: &str, dir: &str) -> Option<String> {
    [
        dir,
        "/tmp/",
        "/work/",
        "/root/",
        "/home/",
        "target/debug",
        ".rs:",
        "panicked",
    ]
    .iter()
    .find(|p| body.contains(*p))
    .map(|p| (*p).to_owned())
}

fn is_page(path: &str) -> bool {
    !(path.starts_with("/api/")
        || path.starts_with("/static/")
        || path == "/healthz"
        || path.contains("/payroll.xlsx")
        || path.ends_with("/pdf")
        || path.ends_with("/xlsx")
        || path.ends_with(".csv")
        || path.contains("format=csv")
        || path.contains("/export"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_page_speaks_one_language_for_every_role() {
    let fx = tokio::task::block_in_place(|| common::fixture("language"));
    let r = router(fx.app.clone());
    let written = written_by_the_organisation(&fx.dir.path().join("data"));
    let dir = fx.dir.path().display().to_string();
    let mut findings = BTreeSet::new();
    let mut read = 0;
    for role in ROLES {
        let s = session(&r, role).await;
        for lang in ["zh-CN", "en"] {
            let switched = s
                .call("POST", "/lang", B::Form(format!("lang={lang}")))
                .await;
            assert_eq!(switched.status, StatusCode::SEE_OTHER);
            for (method, _, path, _, _) in cases(
                fx.run,
                fx.transfer,
                fx.dispute,
                fx.assessment,
                fx.agreement,
                fx.scenarios,
            ) {
                if method != "GET" || !is_page(&path) {
                    continue;
                }
                let page = if path == "/login" {
                    // The login page knows the reader's language from the browser's cookie.
                    let req = axum::http::Request::get("/login")
                        .header(
                            axum::http::header::COOKIE,
                            format!("{}; kejing_lang={lang}", s.cookie),
                        )
                        .body(axum::body::Body::empty())
                        .unwrap();
                    common::web_session::send(&r, req).await
                } else {
                    s.call("GET", &path, B::None).await
                };
                if page.status.is_redirection() {
                    continue;
                }
                // A letter is the client's document, in the language the organisation wrote
                // its template in, whatever the reader's: only paths are checked.
                if path.starts_with("/letters/") {
                    if let Some(p) = server_path(&page.body, &dir) {
                        findings.insert(format!("{path} ({role}): server path {p}"));
                    }
                    continue;
                }
                assert!(
                    page.body.contains(&format!("lang=\"{lang}\"")),
                    "{role} {lang} {path}: {} {}",
                    page.status,
                    &page.body[..page.body.len().min(300)]
                );
                read += 1;
                if let Some(p) = server_path(&page.body, &dir) {
                    findings.insert(format!("{lang} {path} ({role}): server path {p}"));
                }
                for seg in visible(&page.body) {
                    let rest = without_written(&seg, &written);
                    let wrong = if lang == "en" {
                        rest.chars().any(is_cjk).then(|| rest.trim().to_owned())
                    } else {
                        english_in(&rest)
                    };
                    if let Some(w) = wrong {
                        findings.insert(format!("{lang} {path} ({role}): «{w}» in «{seg}»"));
                    }
                }
            }
        }
    }
    assert!(read >= 5 * 2 * 30, "{read} pages read");
    assert!(
        findings.is_empty(),
        "{} findings:\n{}",
        findings.len(),
        findings.into_iter().collect::<Vec<_>>().join("\n")
    );
}

/// Every phrase the engine says, every table of the data contract, every coded message of the
/// application layer and every reason the importer gives for a bad row has its words in both
/// languages.
#[test]
fn every_code_has_its_words_in_both_languages() {
    let i18n = kejing::web::i18n::I18n::new().unwrap();
    let keys = kejing_engine::phrase::CODES
        .iter()
        .map(|c| format!("trace-{c}"))
        .chain(
            kejing_io::Table::ALL
                .iter()
                .map(|t| format!("table-{}", t.name())),
        )
        .chain(kejing_app::error::CODES.iter().map(|c| format!("msg-{c}")))
        .chain(
            kejing_io::read::REASON_CODES
                .iter()
                .map(|c| format!("import-reason-{c}")),
        );
    for key in keys {
        assert!(
            i18n.has(&key).is_empty(),
            "{key} missing in {:?}",
            i18n.has(&key)
        );
    }
    // A reason's message reads whole with the parameters the importer gives.
    let args: Vec<(&str, String)> = [
        "choices",
        "value",
        "fields",
        "header_fields",
        "hired",
        "opened",
        "from",
        "left",
        "day",
        "due",
        "first",
        "track",
        "grades",
        "client",
        "subject",
        "manager",
        "new_from",
        "recorded",
        "sum",
        "days",
        "shares",
        "a",
        "b",
        "missing",
        "table",
        "found",
        "second",
        "column",
        "line",
        "utf8",
        "other",
        "example",
        "sheet",
        "sheets",
    ]
    .iter()
    .map(|a| (*a, "X1".to_owned()))
    .chain([("subject_kind", "account".to_owned())])
    .collect();
    for lang in ["zh-CN", "en"] {
        for code in kejing_io::read::REASON_CODES {
            let text = i18n.tr(lang, &format!("import-reason-{code}"), &args);
            assert!(
                !text.contains('{') && !text.is_empty(),
                "{lang} {code}: {text}"
            );
        }
    }
    let sum = |kind: &str| {
        let mut a = args.clone();
        a.retain(|(k, _)| *k != "subject_kind");
        a.push(("subject_kind", kind.to_owned()));
        i18n.tr("zh-CN", "import-reason-ownership-sum", &a)
    };
    assert!(
        sum("account").starts_with("账户 X1："),
        "{}",
        sum("account")
    );
    assert!(sum("client").starts_with("客户 X1："), "{}", sum("client"));
}

#[test]
fn the_reader_finds_what_it_should() {
    let page = r#"<html lang="zh-CN"><head><style>body{color:red}</style></head><body>
        <p title="提示 &amp; more">结算 状态 active</p><script>var x = "no rule holds";</script>
        <input placeholder="no rule holds"><td>王一 — rounded half up</td></body></html>"#;
    let segs = visible(page);
    assert!(segs.contains(&"结算 状态 active".to_owned()), "{segs:?}");
    assert!(segs.contains(&"提示 & more".to_owned()), "{segs:?}");
    assert!(segs.contains(&"no rule holds".to_owned()), "{segs:?}");
    assert!(
        !visible("<p>结算 <code>period.days</code></p>")
            .iter()
            .any(|s| s.contains("days"))
    );
    assert!(!segs.iter().any(|s| s.contains("color")), "{segs:?}");
    assert_eq!(english_in("结算 状态 active").as_deref(), Some("active"));
    assert_eq!(
        english_in("王一 — rounded half up").as_deref(),
        Some("rounded half")
    );
    assert_eq!(english_in("M1 王一 cixi-deposits 2026-09 CNY"), None);
    let written = vec!["出售价格 sell rate".to_owned()];
    assert_eq!(
        english_in(&without_written("出售价格 sell rate: 2.60", &written)),
        None
    );
    assert_eq!(
        server_path("see /tmp/x/policy.toml", "/nowhere"),
        Some("/tmp/".into())
    );
}

/// The reasons in the rows of the imports page's table of bad rows.
fn reasons_on(page: &str) -> Vec<String> {
    let Some(table) = page
        .split("id=\"import-errors\"")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
    else {
        return Vec::new();
    };
    table
        .split("<tr>")
        .skip(2)
        .filter_map(|row| row.split("<td>").nth(4))
        .map(|cell| decode(cell.split("</td>").next().unwrap_or("")))
        .collect()
}

/// An upload with bad rows: the imports page gives each row's reason in the reader's language,
/// and the API gives the English reason with its code and parameters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn import_reasons_speak_the_readers_language() {
    let fx = tokio::task::block_in_place(|| common::fixture("import_reasons"));
    let r = router(fx.app.clone());
    let s = session(&r, "admin").await;
    let csv = "account_id,date,balance\nA1,16.09.2026,100\nA2,2026-09-16,\n";
    let cases = [
        (
            "zh-CN",
            [
                "不是日期：请按 YYYY-MM-DD 填写，例如 2026-09-16",
                "此处必须填写",
            ],
            [
                "not a date: write YYYY-MM-DD, e.g. 2026-09-16",
                "a value is required here",
            ],
        ),
        (
            "en",
            [
                "not a date: write YYYY-MM-DD, e.g. 2026-09-16",
                "a value is required here",
            ],
            [
                "不是日期：请按 YYYY-MM-DD 填写，例如 2026-09-16",
                "此处必须填写",
            ],
        ),
    ];
    for (lang, shown, not_shown) in cases {
        let switched = s
            .call("POST", "/lang", B::Form(format!("lang={lang}")))
            .await;
        assert_eq!(switched.status, StatusCode::SEE_OTHER);
        let page = s
            .call("POST", "/imports", B::Multipart("balances", csv.to_owned()))
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            page.body
        );
        let reasons = reasons_on(&page.body);
        assert_eq!(reasons, shown, "{lang}: {}", page.body);
        for text in not_shown {
            assert!(!page.body.contains(text), "{lang}: «{text}» shown");
        }
        for reason in &reasons {
            let wrong = if lang == "en" {
                reason.chars().any(is_cjk).then(|| reason.clone())
            } else {
                english_in(&reason.replace("YYYY-MM-DD", " "))
            };
            assert!(wrong.is_none(), "{lang}: «{wrong:?}» in «{reason}»");
        }
    }
    // The API keeps the English reason and adds its code and parameters.
    let reply = s
        .call(
            "POST",
            "/api/imports/balances?dry_run=true",
            B::Json(csv.to_owned()),
        )
        .await;
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reply.body
    );
    let v: serde_json::Value = serde_json::from_str(&reply.body).unwrap();
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{v}");
    assert_eq!(errors[0]["code"], "date-invalid");
    assert_eq!(
        errors[0]["reason"],
        "not a date: write YYYY-MM-DD, e.g. 2026-09-16"
    );
    assert_eq!(errors[0]["args"], serde_json::json!({}));
    assert_eq!(errors[1]["code"], "required");
    assert_eq!(errors[1]["reason"], "a value is required here");
    assert_eq!(errors[1]["column"], "balance");
}

/// A file refused as a whole (a required column missing, a header and no rows) is said in the
/// reader's language too, naming the columns, and the page shows no English in Chinese mode.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_file_speaks_the_readers_language() {
    let fx = tokio::task::block_in_place(|| common::fixture("import_file_reasons"));
    let r = router(fx.app.clone());
    let s = session(&r, "admin").await;
    let cases = [
        (
            "zh-CN",
            "account_id,date\nA1,2026-09-16\n",
            "缺少 balances 表的必填列",
        ),
        (
            "zh-CN",
            "account_id,date,balance\n",
            "文件只有表头，没有数据行",
        ),
        (
            "en",
            "account_id,date\nA1,2026-09-16\n",
            "the required column(s)",
        ),
        (
            "en",
            "account_id,date,balance\n",
            "has a header but no data rows",
        ),
    ];
    for (lang, csv, want) in cases {
        let switched = s
            .call("POST", "/lang", B::Form(format!("lang={lang}")))
            .await;
        assert_eq!(switched.status, StatusCode::SEE_OTHER);
        let page = s
            .call("POST", "/imports", B::Multipart("balances", csv.to_owned()))
            .await;
        assert_eq!(
            page.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            page.body
        );
        assert!(
            page.body.contains(want),
            "{lang}: {want:?} not in {}",
            page.body
        );
        if lang == "zh-CN" {
            for english in ["missing required column", "nothing to import"] {
                assert!(!page.body.contains(english), "{english:?} in {}", page.body);
            }
        }
    }
}
