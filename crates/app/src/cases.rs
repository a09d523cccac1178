//! A policy's test cases: each case's tables are settled (or assessed) and compared with
//! what the case expects, in words a finance officer can check.

use crate::{Error, Result};
use kejing_engine::data::DataSet;
use kejing_engine::policy::Policy;
use kejing_engine::settle::settle;
use kejing_io::dataset::{Tables, load_dataset};
use std::path::{Path, PathBuf};

/// Every policy file at `path`: the file itself, `policy.toml` in the folder, or those of its
/// sub-folders (sorted).
pub fn find_policies(path: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    if path.is_file() {
        out.push(path.to_owned());
        return Ok(());
    }
    if path.join("policy.toml").is_file() {
        out.push(path.join("policy.toml"));
        return Ok(());
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
        .map_err(|e| {
            Error::invalid(format!(
                "{}: no such policy file or folder ({e})",
                path.display()
            ))
        })?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    for e in entries {
        find_policies(&e, out)?;
    }
    Ok(())
}

/// Runs one case; the problems found, if any.
pub fn run_case(
    policy: &Policy,
    case: &kejing_engine::policy::Case,
) -> std::result::Result<(), Vec<String>> {
    if let Some(want) = &case.risk {
        let problems = crate::advice::check_risk_case(policy, case, want);
        if case.expect.is_empty() && case.assess.is_empty() && case.daily.is_none() {
            return if problems.is_empty() {
                Ok(())
            } else {
                Err(problems)
            };
        }
        if !problems.is_empty() {
            return Err(problems);
        }
    }
    let data = load_dataset(&Tables::Texts(&case.name, &case.tables)).map_err(|errors| {
        errors
            .iter()
            .map(|e| e.to_string().trim_end().to_owned())
            .collect::<Vec<_>>()
    });
    let data = match data {
        Ok(d) => d,
        // A case may expect its data to be refused, with a message.
        Err(messages) => {
            let want = case
                .assess
                .get("error")
                .or_else(|| case.expect.get("error"))
                .and_then(|m| m.get("contains"));
            return match want {
                Some(want) if messages.iter().any(|m| m.contains(want.as_str())) => Ok(()),
                _ => Err(messages),
            };
        }
    };
    let mut problems = Vec::new();
    if let Some(want) = &case.daily {
        check_daily_case(policy, case, want, &data, &mut problems);
        if case.expect.is_empty() && case.assess.is_empty() && case.reconcile.is_empty() {
            return if problems.is_empty() {
                Ok(())
            } else {
                Err(problems)
            };
        }
    }
    if !case.assess.is_empty() {
        check_assessment_case(policy, case, &data, &mut problems);
        if case.expect.is_empty() {
            return if problems.is_empty() {
                Ok(())
            } else {
                Err(problems)
            };
        }
    }
    if !case.reconcile.is_empty() {
        check_reconciliation_case(policy, case, &data, &mut problems);
        if case.expect.is_empty() {
            return if problems.is_empty() {
                Ok(())
            } else {
                Err(problems)
            };
        }
    }
    // A pay case may expect the settlement to stop with a message (`error = { contains = … }`).
    let expected_error = case.expect.get("error").and_then(|m| m.get("contains"));
    let result = match (settle(policy, &data, case.period), expected_error) {
        (Ok(r), None) => r,
        (Err(e), None) => return Err(vec![e.to_string()]),
        (Err(e), Some(want)) if e.0.contains(want.as_str()) => return Ok(()),
        (Err(e), Some(want)) => {
            return Err(vec![format!(
                "expected an error containing {want:?}, got: {e}"
            )]);
        }
        (Ok(_), Some(want)) => {
            return Err(vec![format!(
                "expected an error containing {want:?}, but the settlement succeeded"
            )]);
        }
    };
    for (manager, items) in &case.expect {
        // `paid = "false"`: the policy pays this manager nothing, not even a line of 0.
        if let Some(paid) = items.get("paid") {
            let has_lines = result.lines.iter().any(|l| &l.manager == manager);
            match paid.as_str() {
                "false" if has_lines => problems.push(format!(
                    "{manager}: expected not to be paid by this policy, but has lines"
                )),
                "true" if !has_lines => {
                    problems.push(format!("{manager}: expected to be paid, but has no lines"))
                }
                "true" | "false" => {}
                other => problems.push(format!(
                    "{manager} paid = {other:?}: write \"true\" or \"false\""
                )),
            }
        }
        for (item, want) in items.iter().filter(|(i, _)| i.as_str() != "paid") {
            let want_money = match kejing_engine::Money::parse(want) {
                Ok(m) => m,
                Err(e) => {
                    problems.push(format!("expected {manager} {item} = {want:?}: {e}"));
                    continue;
                }
            };
            match result.amount(manager, item) {
                Some(got) if got == want_money => {}
                Some(got) => {
                    let why = result
                        .traces
                        .get(manager)
                        .map(|t| format!("\n{}", indent(&t.render(), "         ")))
                        .unwrap_or_default();
                    problems.push(format!(
                        "{manager} {item}: expected {want_money}, got {got}{why}"
                    ));
                }
                None if want_money.is_zero() => {}
                None => problems.push(format!(
                    "{manager} {item}: expected {want_money}, but there is no such line"
                )),
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// Compares a daily case (`daily = ["manager_id,rule,date", …]`) with the breaches of the
/// policy's daily rules over its data as of the end of the period: exactly those, no more.
fn check_daily_case(
    policy: &Policy,
    case: &kejing_engine::policy::Case,
    want: &[String],
    data: &DataSet,
    problems: &mut Vec<String>,
) {
    let got = match kejing_engine::daily::breaches(
        policy,
        data,
        case.period,
        kejing_engine::daily::end_of(case.period),
    ) {
        Ok(b) => b,
        Err(e) => {
            problems.push(format!("daily: {e}"));
            return;
        }
    };
    let got: Vec<(String, String)> = got
        .iter()
        .map(|b| {
            (
                format!("{},{},{}", b.manager, b.rule, b.date),
                b.detail.to_string(),
            )
        })
        .collect();
    let want: Vec<String> = want
        .iter()
        .map(|w| w.split(',').map(str::trim).collect::<Vec<_>>().join(","))
        .collect();
    for w in &want {
        if !got.iter().any(|(g, _)| g == w) {
            problems.push(format!(
                "daily: expected the breach {w}, but it is not reported"
            ));
        }
    }
    for (g, detail) in &got {
        if !want.contains(g) {
            problems.push(format!(
                "daily: {g} ({detail}) is reported, but the case does not expect it"
            ));
        }
    }
}

/// Compares a reconciliation case (`[cases.reconcile]`: manager → measure → the expected
/// difference of their own tally from the keeper's, `0` when they agree, or `missing`) with the
/// reconciliation of its data; a difference the case does not name is a problem too.
fn check_reconciliation_case(
    policy: &Policy,
    case: &kejing_engine::policy::Case,
    data: &DataSet,
    problems: &mut Vec<String>,
) {
    let report = match kejing_engine::settle::Prepared::new(data)
        .and_then(|p| kejing_engine::settle::reconcile(policy, &p, case.period))
    {
        Ok(r) => r,
        Err(e) => {
            match case.reconcile.get("error").and_then(|m| m.get("contains")) {
                Some(want) if e.0.contains(want.as_str()) => {}
                _ => problems.push(e.to_string()),
            }
            return;
        }
    };
    if case.reconcile.contains_key("error") {
        problems.push("expected the reconciliation to fail, but it succeeded".to_owned());
        return;
    }
    for (manager, measures) in &case.reconcile {
        for (measure, want) in measures {
            let Some(line) = report
                .lines
                .iter()
                .find(|l| &l.manager == manager && &l.measure == measure)
            else {
                problems.push(format!(
                    "{manager} {measure}: not reconciled (not in post, does not keep a tally, or not a measure of [reconciliation])"
                ));
                continue;
            };
            let got = match line.difference() {
                None if line.status == kejing_engine::settle::TallyStatus::Missing => {
                    "missing".to_owned()
                }
                None => "0".to_owned(),
                Some(d) => d.normalize().to_string(),
            };
            let same = match (
                want.parse::<rust_decimal::Decimal>(),
                got.parse::<rust_decimal::Decimal>(),
            ) {
                (Ok(a), Ok(b)) => a == b,
                _ => want == &got,
            };
            if !same {
                problems.push(format!(
                    "{manager} {measure}: expected a difference of {want}, got {got} (keeper {}, own {})",
                    line.keeper.normalize(),
                    line.own.map_or("none".to_owned(), |o| o.normalize().to_string())
                ));
            }
        }
    }
    for l in report.differences() {
        if !case
            .reconcile
            .get(&l.manager)
            .is_some_and(|m| m.contains_key(&l.measure))
        {
            problems.push(format!(
                "{} {}: an unexpected difference (keeper {}, own {})",
                l.manager,
                l.measure,
                l.keeper.normalize(),
                l.own
                    .map_or("none".to_owned(), |o| o.normalize().to_string())
            ));
        }
    }
}

fn indent(text: &str, pad: &str) -> String {
    text.lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Compares an assessment case's expectations (score, rank, grade, new_grade, decision) with
/// the assessment of its data.
fn check_assessment_case(
    policy: &Policy,
    case: &kejing_engine::policy::Case,
    data: &DataSet,
    problems: &mut Vec<String>,
) {
    let result = match kejing_engine::assess::assess(policy, data, case.period) {
        Ok(r) => r,
        Err(e) => {
            // A case may expect the assessment to fail with a message.
            match case.assess.get("error").and_then(|m| m.get("contains")) {
                Some(want) if e.0.contains(want.as_str()) => {}
                _ => problems.push(e.to_string()),
            }
            return;
        }
    };
    if case.assess.contains_key("error") {
        problems.push("expected the assessment to fail, but it succeeded".to_owned());
        return;
    }
    for (manager, want) in &case.assess {
        let row = result.rows.iter().find(|r| &r.manager == manager);
        if want.get("assessed").map(String::as_str) == Some("no") {
            if row.is_some() {
                problems.push(format!("{manager}: expected not to be assessed, but was"));
            }
            continue;
        }
        let Some(row) = row else {
            problems.push(format!(
                "{manager}: not assessed (not in post, or not in managers)"
            ));
            continue;
        };
        for (col, value) in want {
            let got = match col.as_str() {
                "score" => {
                    let ok = value
                        .parse::<rust_decimal::Decimal>()
                        .is_ok_and(|v| v == row.score);
                    if !ok {
                        problems.push(format!(
                            "{manager} score: expected {value}, got {}",
                            row.score.normalize()
                        ));
                    }
                    continue;
                }
                "rank" => row.rank.to_string(),
                "grade" => row.grade.clone().unwrap_or_default(),
                "new_grade" => row.new_grade.clone().unwrap_or_default(),
                "decision" => row.decision.code().to_owned(),
                other => {
                    let item = row
                        .items
                        .iter()
                        .find(|i| i.item == other.trim_start_matches("item:"));
                    match item {
                        Some(i) if other.starts_with("item:") => {
                            if value
                                .parse::<rust_decimal::Decimal>()
                                .is_ok_and(|v| v == i.score)
                            {
                                continue;
                            }
                            i.score.normalize().to_string()
                        }
                        _ => {
                            problems.push(format!("{manager}: unknown column {other:?} (score, rank, grade, new_grade, decision, item:<name>)"));
                            continue;
                        }
                    }
                }
            };
            if &got != value {
                let why = result
                    .traces
                    .get(manager)
                    .map(|t| format!("\n{}", indent(&t.render(), "         ")))
                    .unwrap_or_default();
                problems.push(format!(
                    "{manager} {col}: expected {value:?}, got {got:?}{why}"
                ));
            }
        }
    }
}
