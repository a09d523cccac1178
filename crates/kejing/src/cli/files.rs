//! File mode: data folders in, settlements and assessments out, and the policy test runner
//! that prints each case and the closing `N passed, M failed` line.

use super::seconds;
use anyhow::{Context, Result, anyhow, bail};
use kejing_app::cases::{find_policies, run_case};
use kejing_app::catalogue::load;
use kejing_engine::data::DataSet;
use kejing_engine::policy::Policy;
use kejing_engine::settle::Settlement;
use kejing_io::ReadOptions;
use kejing_io::dataset::{Tables, load_dataset};
use std::path::Path;

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
        seconds(first),
        seconds(second)
    );
    Ok(())
}

/// `manager_id,item,amount` of stored lines.
pub fn stored_csv(lines: &[kejing_store::settlement::StoredLine]) -> String {
    let mut s = String::from("manager_id,item,amount\n");
    for l in lines {
        s.push_str(&format!("{},{},{}\n", l.manager, l.item, l.amount));
    }
    s
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
