//! File-mode helpers: loading policies and data folders, writing settlements, running policy
//! test cases.

use anyhow::{Context, Result, anyhow, bail};
use kejing_engine::data::DataSet;
use kejing_engine::policy::Policy;
use kejing_engine::settle::{Settlement, settle};
use kejing_io::ReadOptions;
use kejing_io::dataset::{Tables, load_dataset};
use std::path::{Path, PathBuf};

/// The policy file of a path: the file itself, or `policy.toml` in a folder.
fn policy_file(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join("policy.toml")
    } else {
        path.to_owned()
    }
}

/// Loads and checks a policy; every error names the file and line.
pub fn load(path: &Path) -> Result<Policy> {
    let file = policy_file(path);
    let text = std::fs::read_to_string(&file)
        .with_context(|| format!("{}: cannot read the policy", file.display()))?;
    Policy::load(&file.display().to_string(), &text).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        anyhow!(
            "the policy has {} error(s):\n{}",
            errors.len(),
            lines.join("\n")
        )
    })
}

/// Loads a data folder in the contract's format.
pub fn load_data(dir: &Path) -> Result<DataSet> {
    if !dir.is_dir() {
        bail!("{}: no such data folder", dir.display());
    }
    let options = ReadOptions::default();
    load_dataset(&Tables::Folder(dir, &options)).map_err(|errors| {
        let lines: Vec<String> = errors
            .iter()
            .map(|e| e.to_string().trim_end().to_owned())
            .collect();
        anyhow!("{}", lines.join("\n"))
    })
}

/// Writes `manager_id,item,amount` to CSV or XLSX (by extension). Nothing is written on error.
pub fn write_settlement(path: &Path, s: &Settlement) -> Result<()> {
    let is_xlsx = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if is_xlsx {
        use rust_xlsxwriter::Workbook;
        let mut wb = Workbook::new();
        let sheet = wb.add_worksheet();
        sheet.set_name("settlement")?;
        for (c, h) in ["manager_id", "item", "amount"].iter().enumerate() {
            sheet.write_string(0, u16::try_from(c)?, *h)?;
        }
        for (r, l) in s.lines.iter().enumerate() {
            let r = u32::try_from(r + 1)?;
            sheet.write_string(r, 0, &l.manager)?;
            sheet.write_string(r, 1, &l.item)?;
            sheet.write_string(r, 2, l.amount.to_string())?;
        }
        wb.save(path)?;
    } else {
        std::fs::write(path, s.to_csv()).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

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
        .with_context(|| format!("{}: no such policy file or folder", path.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    entries.sort();
    for e in entries {
        find_policies(&e, out)?;
    }
    Ok(())
}

/// Runs every test case of every policy under `path`; prints each result and a closing line
/// `N passed, M failed`. Fails if any case fails.
pub fn test(path: &Path) -> Result<()> {
    let mut files = Vec::new();
    find_policies(path, &mut files)?;
    if files.is_empty() {
        bail!("{}: no policy.toml found", path.display());
    }
    let (mut passed, mut failed) = (0usize, 0usize);
    for file in files {
        let policy = match load(&file) {
            Ok(p) => p,
            Err(e) => {
                outln!("FAIL {}: {e}", file.display());
                failed += 1;
                continue;
            }
        };
        if policy.cases.is_empty() {
            outln!("FAIL {}: the policy has no test cases", policy.file);
            failed += 1;
        }
        for case in &policy.cases {
            let label = format!("{}:{} case {:?}", policy.file, case.line, case.name);
            match run_case(&policy, case) {
                Ok(()) => {
                    outln!("ok   {label}");
                    passed += 1;
                }
                Err(problems) => {
                    outln!("FAIL {label}");
                    for p in problems {
                        outln!("       {p}");
                    }
                    failed += 1;
                }
            }
        }
    }
    outln!("{passed} passed, {failed} failed");
    if failed > 0 {
        bail!("{failed} policy test case(s) failed");
    }
    Ok(())
}

pub fn run_case(
    policy: &Policy,
    case: &kejing_engine::policy::Case,
) -> std::result::Result<(), Vec<String>> {
    let data = load_dataset(&Tables::Texts(&case.name, &case.tables)).map_err(|errors| {
        errors
            .iter()
            .map(|e| e.to_string().trim_end().to_owned())
            .collect::<Vec<_>>()
    });
    let data = match data {
        Ok(d) => d,
        // An assessment case may expect its data to be refused, with a message.
        Err(messages) => {
            return match case.assess.get("error").and_then(|m| m.get("contains")) {
                Some(want) if messages.iter().any(|m| m.contains(want.as_str())) => Ok(()),
                _ => Err(messages),
            };
        }
    };
    let mut problems = Vec::new();
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
    let result = settle(policy, &data, case.period).map_err(|e| vec![e.to_string()])?;
    for (manager, items) in &case.expect {
        for (item, want) in items {
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

fn indent(text: &str, pad: &str) -> String {
    text.lines()
        .map(|l| format!("{pad}{l}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Settles the period under both policies over one prepared data set (the balances are scanned
/// once) and prints `manager_id,current,simulated,difference` with a `total` row.
pub fn simulate(
    current: &Policy,
    changed: &Policy,
    data: &DataSet,
    period: kejing_engine::Period,
) -> Result<()> {
    use kejing_engine::Money;
    use kejing_engine::settle::{Prepared, settle_prepared};
    let started = std::time::Instant::now();
    let prepared = Prepared::new(data).map_err(|e| anyhow!("{e}"))?;
    prepared.explain_accounts(false);
    let a = settle_prepared(current, &prepared, period).map_err(|e| anyhow!("{e}"))?;
    let first = started.elapsed();
    let b = settle_prepared(changed, &prepared, period).map_err(|e| anyhow!("{e}"))?;
    let second = started.elapsed() - first;
    let totals = |s: &Settlement| -> std::collections::BTreeMap<String, Money> {
        s.lines
            .iter()
            .filter(|l| l.item == "total")
            .map(|l| (l.manager.clone(), l.amount))
            .collect()
    };
    let (ta, tb) = (totals(&a), totals(&b));
    let mut managers: Vec<&String> = ta.keys().chain(tb.keys()).collect();
    managers.sort();
    managers.dedup();
    outln!("manager_id,current,simulated,difference");
    let (mut sa, mut sb) = (Money::ZERO, Money::ZERO);
    let mut changed_count = 0;
    for m in managers {
        let x = ta.get(m).copied().unwrap_or(Money::ZERO);
        let y = tb.get(m).copied().unwrap_or(Money::ZERO);
        let d = y
            .checked_sub(x)
            .ok_or_else(|| anyhow!("difference out of range"))?;
        if !d.is_zero() {
            changed_count += 1;
        }
        sa = sa
            .checked_add(x)
            .ok_or_else(|| anyhow!("total out of range"))?;
        sb = sb
            .checked_add(y)
            .ok_or_else(|| anyhow!("total out of range"))?;
        outln!("{m},{x},{y},{d}");
    }
    let d = sb
        .checked_sub(sa)
        .ok_or_else(|| anyhow!("difference out of range"))?;
    outln!("total,{sa},{sb},{d}");
    eprintln!(
        "{changed_count} manager(s) change; total {sa} → {sb} ({d}). Current settled in {}, what-if in {} (balances re-used). Nothing was written.",
        crate::cli::seconds(first),
        crate::cli::seconds(second)
    );
    Ok(())
}

/// FNV-1a of the policy text: which policy a stored run used.
pub fn policy_hash(policy: &Policy) -> String {
    let text = std::fs::read(&policy.file).unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// Database mode: settles the period over the organisation's stored data, adds correction
/// lines for locked earlier periods whose re-settlement (today's data and policy) differs from
/// what was locked, stores the run with its traces, and returns it.
pub fn db_settle(
    store: &mut kejing_store::Store,
    org: &kejing_store::Org,
    policy: &Policy,
    period: kejing_engine::Period,
) -> Result<(i64, Vec<kejing_store::settlement::StoredLine>)> {
    use kejing_engine::Money;
    use kejing_engine::settle::{Prepared, settle_prepared};
    use kejing_store::settlement::StoredLine;
    use std::collections::BTreeMap;
    if let Some(run) = store.locked_run(org, period)? {
        bail!(
            "{period} is locked (run #{run}): its results never change. Corrections to it are settled as adjustment lines in the next open period"
        );
    }
    // Grades and statuses as they stand at the end of the period (approved changes take
    // effect from their day).
    let data = store.load_dataset_at(org, period.last_day())?;
    let prepared = Prepared::new(&data).map_err(|e| anyhow!("{e}"))?;
    let result = settle_prepared(policy, &prepared, period).map_err(|e| anyhow!("{e}"))?;
    let mut by_manager: BTreeMap<String, Vec<StoredLine>> = BTreeMap::new();
    for l in result.lines.iter().filter(|l| l.item != "total") {
        by_manager
            .entry(l.manager.clone())
            .or_default()
            .push(StoredLine {
                manager: l.manager.clone(),
                item: l.item.clone(),
                amount: l.amount,
                corrects: None,
                note: None,
            });
    }
    // Managers in post get a total even with no lines.
    for l in result.lines.iter().filter(|l| l.item == "total") {
        by_manager.entry(l.manager.clone()).or_default();
    }
    for (locked, run) in store.locked_periods(org)? {
        if locked >= period || !policy.frequency.matches(locked) {
            continue;
        }
        let again = settle_prepared(policy, &prepared, locked)
            .map_err(|e| anyhow!("re-settling locked {locked}: {e}"))?;
        let mut diff: BTreeMap<(String, String), (Money, Money)> = BTreeMap::new();
        for l in again.lines.iter().filter(|l| l.item != "total") {
            diff.entry((l.manager.clone(), l.item.clone()))
                .or_default()
                .1 = l.amount;
        }
        for l in store
            .run_lines(run)?
            .into_iter()
            .filter(|l| l.item != "total" && l.corrects.is_none())
        {
            diff.entry((l.manager.clone(), l.item.clone()))
                .or_default()
                .0 = l.amount;
        }
        let settled = store.settled_corrections(org, locked)?;
        for ((manager, item), (was, now)) in diff {
            let already = settled
                .get(&(manager.clone(), item.clone()))
                .copied()
                .unwrap_or_default();
            let delta = now
                .checked_sub(was)
                .and_then(|d| d.checked_sub(already))
                .ok_or_else(|| anyhow!("correction out of range"))?;
            if delta.is_zero() {
                continue;
            }
            by_manager.entry(manager.clone()).or_default().push(StoredLine {
                manager: manager.clone(),
                item: format!("更正 {locked} {item}"),
                amount: delta,
                corrects: Some((locked.to_string(), item.clone())),
                note: Some(format!(
                    "{locked} was locked on run #{run} with {item} {was}; re-settled with today's data and policy it is {now}{}",
                    if already.is_zero() { String::new() } else { format!(", of which {already} was corrected before") }
                )),
            });
        }
    }
    let mut lines = Vec::new();
    for (manager, items) in by_manager {
        let mut total = Money::ZERO;
        for l in items {
            total = total
                .checked_add(l.amount)
                .ok_or_else(|| anyhow!("total out of range"))?;
            lines.push(l);
        }
        lines.push(StoredLine {
            manager,
            item: "total".into(),
            amount: total,
            corrects: None,
            note: None,
        });
    }
    let traces: BTreeMap<String, serde_json::Value> = result
        .traces
        .iter()
        .map(|(m, t)| Ok((m.clone(), serde_json::to_value(t)?)))
        .collect::<Result<_>>()?;
    let measures: Vec<(String, String, rust_decimal::Decimal)> = result
        .reported
        .iter()
        .flat_map(|(m, vs)| vs.iter().map(move |(k, v)| (m.clone(), k.clone(), *v)))
        .collect();
    let run = store.save_run(
        org,
        period,
        &policy.name,
        &policy_hash(policy),
        &lines,
        &traces,
        &measures,
    )?;
    Ok((run, lines))
}

/// `manager_id,item,amount` of stored lines.
pub fn stored_csv(lines: &[kejing_store::settlement::StoredLine]) -> String {
    let mut s = String::from("manager_id,item,amount\n");
    for l in lines {
        s.push_str(&format!("{},{},{}\n", l.manager, l.item, l.amount));
    }
    s
}

/// The policies shipped with kejing, embedded in the binary.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "bank-11-tiers",
        include_str!("../../../policies/bank-11-tiers/policy.toml"),
    ),
    (
        "bank-grades",
        include_str!("../../../policies/bank-grades/policy.toml"),
    ),
    (
        "cixi-deposits",
        include_str!("../../../policies/cixi-deposits/policy.toml"),
    ),
    (
        "hotel-sales",
        include_str!("../../../policies/hotel-sales/policy.toml"),
    ),
    (
        "oil-distributor",
        include_str!("../../../policies/oil-distributor/policy.toml"),
    ),
    (
        "selection-round",
        include_str!("../../../policies/selection-round/policy.toml"),
    ),
    (
        "telecom-grades",
        include_str!("../../../policies/telecom-grades/policy.toml"),
    ),
    (
        "tobacco-assessment",
        include_str!("../../../policies/tobacco-assessment/policy.toml"),
    ),
];

/// Writes the shipped policies into `dir` (each `<name>/policy.toml`) and returns it.
pub fn write_shipped(dir: &Path) -> Result<PathBuf> {
    for (name, text) in SHIPPED {
        let d = dir.join(name);
        std::fs::create_dir_all(&d).with_context(|| format!("creating {}", d.display()))?;
        std::fs::write(d.join("policy.toml"), text)
            .with_context(|| format!("writing {}", d.display()))?;
    }
    Ok(dir.to_owned())
}

/// The `assess` output: `manager_id,score,rank,grade,new_grade,decision`, scores with the
/// policy's decimals.
pub fn assessment_csv(policy: &Policy, r: &kejing_engine::assess::AssessmentResult) -> String {
    let decimals = policy.assessment.as_ref().map_or(2, |a| a.decimals) as usize;
    let mut s = String::from("manager_id,score,rank,grade,new_grade,decision\n");
    for row in &r.rows {
        s.push_str(&format!(
            "{},{:.*},{},{},{},{}\n",
            row.manager,
            decimals,
            row.score,
            row.rank,
            row.grade.as_deref().unwrap_or(""),
            row.new_grade.as_deref().unwrap_or(""),
            row.decision.code()
        ));
    }
    s
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

/// Database mode: assesses the period over the stored data (grades as at the period's end) and
/// stores the results as proposals; returns the run.
pub fn db_assess(
    store: &mut kejing_store::Store,
    org: &kejing_store::Org,
    policy: &Policy,
    period: kejing_engine::Period,
) -> Result<i64> {
    let data = store.load_dataset_at(org, period.last_day())?;
    let result =
        kejing_engine::assess::assess(policy, &data, period).map_err(|e| anyhow!("{e}"))?;
    let results: Vec<kejing_store::assessment::NewResult> = result
        .rows
        .iter()
        .map(|r| {
            Ok(kejing_store::assessment::NewResult {
                manager: r.manager.clone(),
                score: r.score,
                rank: i64::from(r.rank),
                group: r.group.clone(),
                group_size: i64::from(r.group_size),
                grade: r.grade.clone(),
                new_grade: r.new_grade.clone(),
                decision: r.decision.code().to_owned(),
                reason: r.reason.clone(),
                items: serde_json::Value::Array(
                    r.items
                        .iter()
                        .map(|i| {
                            serde_json::json!({
                                "dimension": i.dimension, "item": i.item, "max": i.max.normalize().to_string(),
                                "score": i.score.normalize().to_string(), "standard": i.standard, "rated": i.rated,
                            })
                        })
                        .collect(),
                ),
                trace: serde_json::to_value(result.traces.get(&r.manager))?,
            })
        })
        .collect::<Result<_>>()?;
    Ok(store.save_assessment(
        org,
        &period.to_string(),
        (&policy.name, &policy_hash(policy)),
        &result.scorecard,
        &results,
    )?)
}
