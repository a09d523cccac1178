//! A CM's statement as a PDF (Deliver 3): the page's content laid out on A4 with the letters'
//! PDF engine and its embedded CJK font, in the reader's language: the header (organisation,
//! period, run, policy, status, who approved it), a draft notice on a run that is not locked,
//! target attainment, the lines with last period and the change, each item's path in words,
//! the source accounts by product with subtotals, the disputes, and the privacy notice with
//! the page number on every page.

use super::AppError;
use super::fmt;
use super::i18n::I18n;
use super::phrases::{number, plain};
use kejing_engine::Money;
use kejing_letter::markup::{Align, Block, Cell, Row, Run, Style};
use serde_json::Value;

/// Who asks and when, for the line at the end of the statement.
pub struct Stamp<'a> {
    pub organisation: &'a str,
    pub by: &'a str,
    pub at: &'a str,
}

fn runs(text: impl Into<String>) -> Vec<Run> {
    vec![Run {
        text: text.into(),
        bold: false,
    }]
}

fn cell(text: impl Into<String>, header: bool, align: Align) -> Cell {
    Cell {
        runs: vec![Run {
            text: text.into(),
            bold: header,
        }],
        header,
        align,
        bar: None,
        colspan: 1,
    }
}

fn para(text: impl Into<String>, style: Style) -> Block {
    Block::Paragraph {
        runs: runs(text),
        style,
        bullet: false,
    }
}

fn heading(level: u8, text: impl Into<String>) -> Block {
    Block::Heading {
        level,
        runs: runs(text),
        style: Style::default(),
    }
}

/// An amount as the page shows it (`1,234.50`), anything else as it is.
fn money(v: &Value) -> String {
    match v.as_str() {
        Some(s) => Money::parse(s).map_or_else(|_| s.to_owned(), fmt::amount),
        None => "—".to_owned(),
    }
}

/// The trace nodes (their label in words) that have source accounts grouped by product,
/// depth-first, at most `64` levels down.
fn account_nodes<'a>(node: &'a Value, depth: usize, out: &mut Vec<&'a Value>) {
    if depth > 64 {
        return;
    }
    if node["account_groups"]
        .as_array()
        .is_some_and(|g| !g.is_empty())
    {
        out.push(node);
    }
    for c in node["children"].as_array().into_iter().flatten() {
        account_nodes(c, depth + 1, out);
    }
}

/// The blocks of the statement `data` (as [`super::statements::statement_data`] gives it, with
/// the lines' paths in words) in `lang`.
pub fn statement_blocks(i18n: &I18n, lang: &str, data: &Value, stamp: &Stamp<'_>) -> Vec<Block> {
    let tr = |k: &str, a: &[(&str, String)]| i18n.tr(lang, k, a);
    let run = &data["run"];
    let text = |v: &Value| v.as_str().unwrap_or("").to_owned();
    let status = run["status"].as_str().unwrap_or("draft");
    let mut out = vec![heading(
        1,
        format!(
            "{} {}",
            tr("statement-title", &[("manager", text(&data["manager"]))]),
            text(&data["name"])
        ),
    )];
    out.push(para(
        tr(
            "statement-pdf-head",
            &[
                ("organisation", stamp.organisation.to_owned()),
                ("period", text(&run["period"])),
                ("run", run["id"].as_i64().unwrap_or(0).to_string()),
                ("policy", text(&run["policy"])),
                ("status", tr(&format!("run-status-{status}"), &[])),
            ],
        ),
        Style::default(),
    ));
    if let Some(by) = run["approved"]["by"].as_str() {
        out.push(para(
            tr(
                "statement-pdf-approved",
                &[("by", by.to_owned()), ("at", text(&run["approved"]["at"]))],
            ),
            Style {
                small: true,
                muted: true,
                ..Style::default()
            },
        ));
    }
    if status != "locked" {
        out.push(para(
            tr(
                "statement-pdf-draft",
                &[("run", run["id"].as_i64().unwrap_or(0).to_string())],
            ),
            Style {
                notice: true,
                bold: true,
                ..Style::default()
            },
        ));
    }

    if let Some(att) = data["attainment"].as_array().filter(|a| !a.is_empty()) {
        out.push(heading(2, tr("statement-attainment", &[])));
        let mut rows = vec![Row {
            cells: vec![
                cell(tr("col-measure", &[]), true, Align::Left),
                cell(tr("col-actual", &[]), true, Align::Right),
                cell(tr("col-target", &[]), true, Align::Right),
                cell(tr("col-completion", &[]), true, Align::Left),
            ],
        }];
        for a in att {
            let percent = text(&a["percent"]);
            let mut gauge = cell(format!("{}%", number(&percent, false)), false, Align::Left);
            gauge.bar = percent
                .parse::<rust_decimal::Decimal>()
                .ok()
                .and_then(|d| u32::try_from(d.round().mantissa()).ok())
                .map(|p| p.min(100));
            rows.push(Row {
                cells: vec![
                    cell(
                        a["label"]
                            .as_str()
                            .map_or_else(|| text(&a["measure"]), str::to_owned),
                        false,
                        Align::Left,
                    ),
                    cell(number(&text(&a["actual"]), false), false, Align::Right),
                    cell(number(&text(&a["target"]), false), false, Align::Right),
                    gauge,
                ],
            });
        }
        out.push(Block::Table { rows });
    }

    let has_previous = data["has_previous"].as_bool().unwrap_or(false);
    let mut head = vec![
        cell(tr("col-item", &[]), true, Align::Left),
        cell(tr("col-amount", &[]), true, Align::Right),
    ];
    if has_previous {
        head.push(cell(tr("statement-previous", &[]), true, Align::Right));
        head.push(cell(tr("col-diff", &[]), true, Align::Right));
    }
    let mut rows = vec![Row { cells: head }];
    let lines = data["lines"].as_array().cloned().unwrap_or_default();
    for l in &lines {
        let total = l["item"] == "total";
        let name = if total {
            tr("col-total", &[])
        } else {
            text(&l["item"])
        };
        let mut cells = vec![
            cell(name, total, Align::Left),
            cell(money(&l["amount"]), total, Align::Right),
        ];
        if has_previous {
            cells.push(cell(money(&l["previous"]), total, Align::Right));
            cells.push(cell(money(&l["change"]), total, Align::Right));
        }
        rows.push(Row { cells });
    }
    out.push(heading(2, tr("statement-pdf-lines", &[])));
    out.push(Block::Table { rows });

    let paths: Vec<&Value> = lines.iter().filter(|l| l["path"].is_string()).collect();
    if !paths.is_empty() {
        out.push(heading(2, tr("statement-trace", &[])));
        for l in paths {
            out.push(Block::Paragraph {
                runs: vec![
                    Run {
                        text: format!("{} = ", text(&l["item"])),
                        bold: true,
                    },
                    Run {
                        text: format!("{} = {}", text(&l["path"]), money(&l["amount"])),
                        bold: false,
                    },
                ],
                style: Style::default(),
                bullet: true,
            });
        }
    }

    let mut nodes = Vec::new();
    account_nodes(&data["trace"], 0, &mut nodes);
    if !nodes.is_empty() {
        out.push(heading(2, tr("statement-pdf-accounts", &[])));
        for n in nodes {
            out.push(para(
                plain(i18n, lang, &n["label"]),
                Style {
                    bold: true,
                    ..Style::default()
                },
            ));
            let mut rows = vec![Row {
                cells: vec![
                    cell(tr("col-product", &[]), true, Align::Left),
                    cell(tr("statement-pdf-count", &[]), true, Align::Right),
                    cell(tr("statement-subtotal", &[]), true, Align::Right),
                ],
            }];
            for g in n["account_groups"].as_array().into_iter().flatten() {
                rows.push(Row {
                    cells: vec![
                        cell(
                            g["product"]
                                .as_str()
                                .filter(|p| !p.is_empty())
                                .unwrap_or("—"),
                            false,
                            Align::Left,
                        ),
                        cell(g["count"].to_string(), false, Align::Right),
                        cell(number(&text(&g["subtotal"]), false), false, Align::Right),
                    ],
                });
            }
            out.push(Block::Table { rows });
        }
    }

    if let Some(ds) = data["disputes"].as_array().filter(|d| !d.is_empty()) {
        out.push(heading(2, tr("nav-disputes", &[])));
        for d in ds {
            let status = text(&d["status"]);
            let decision = d["decision"]
                .as_str()
                .map(|x| format!(" ({x})"))
                .unwrap_or_default();
            out.push(Block::Paragraph {
                runs: runs(format!(
                    "#{} {}: {} — {}{decision}",
                    d["id"],
                    text(&d["item"]),
                    text(&d["reason"]),
                    tr(&format!("status-{status}"), &[])
                )),
                style: Style::default(),
                bullet: true,
            });
        }
    }
    out.push(Block::Rule);
    out.push(para(
        tr(
            "statement-pdf-generated",
            &[("at", stamp.at.to_owned()), ("by", stamp.by.to_owned())],
        ),
        Style {
            small: true,
            muted: true,
            ..Style::default()
        },
    ));
    out
}

/// The statement's PDF bytes.
pub fn statement_pdf(
    i18n: &I18n,
    lang: &str,
    data: &Value,
    stamp: &Stamp<'_>,
) -> Result<Vec<u8>, AppError> {
    let blocks = statement_blocks(i18n, lang, data, stamp);
    let title = format!(
        "{} {}",
        i18n.tr(
            lang,
            "statement-title",
            &[("manager", data["manager"].as_str().unwrap_or("").to_owned())]
        ),
        data["run"]["period"].as_str().unwrap_or("")
    );
    let page = |i: usize, n: usize| {
        i18n.tr(
            lang,
            "statement-pdf-page",
            &[("page", i.to_string()), ("pages", n.to_string())],
        )
    };
    kejing_letter::pdf::write_pdf_paged(&blocks, &title, kejing_letter::PRIVACY_NOTICE, &page)
        .map_err(|e| AppError::internal(e.to_string()))
}
