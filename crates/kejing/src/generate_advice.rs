//! Generated advice data for the demo bank (F1–F2): a shelf of products R1–R5, and for a few
//! hundred personal clients a risk questionnaire (the ten questions of `policies/ccb-advice`,
//! some answered more than a year ago so that they have expired), a balance sheet and cash flow,
//! and a goal — so that every client's advice page and `kejing letter` show something.
//! Deterministic; its own random stream, so the bank's other files do not change with it.

use crate::generate::{Rng, Spec, csv_file};
use anyhow::Result;
use std::io::Write;
use std::path::Path;

const SHELF: &[(&str, &str, &str, &str, &str, &str, &str)] = &[
    ("PD01", "活期宝货币基金", "货币基金", "R1", "1.80", "", "1"),
    (
        "PD02",
        "大额存单 3 年期",
        "大额存单",
        "R1",
        "2.35",
        "36",
        "200000",
    ),
    (
        "PD03",
        "稳利 90 天理财",
        "理财产品",
        "R2",
        "2.90",
        "3",
        "10000",
    ),
    ("PD04", "纯债债券基金", "债券基金", "R2", "3.40", "", "1000"),
    (
        "PD05",
        "平衡优选混合基金",
        "混合基金",
        "R3",
        "5.00",
        "",
        "1000",
    ),
    ("PD06", "黄金积存", "黄金", "R3", "", "", "1000"),
    (
        "PD07",
        "成长精选股票基金",
        "股票基金",
        "R4",
        "8.00",
        "",
        "1000",
    ),
    (
        "PD08",
        "科技创新股票基金",
        "股票基金",
        "R5",
        "10.00",
        "",
        "1000",
    ),
];

/// Writes the advice tables; the rows per table. `is_company[i]` tells whether client `i + 1`
/// is a company (companies get no questionnaire).
pub fn write_advice(
    spec: &Spec,
    dir: &Path,
    is_company: &[bool],
) -> Result<Vec<(&'static str, usize)>> {
    let mut rng = Rng(0x6164_7669_6365 ^ u64::from(spec.scale));
    let mut counts = Vec::new();
    let mut w = csv_file(
        dir,
        "products",
        "product_id,name,kind,risk_level,expected_return,term_months,min_amount",
    )?;
    for p in SHELF {
        writeln!(w, "{},{},{},{},{},{},{}", p.0, p.1, p.2, p.3, p.4, p.5, p.6)?;
    }
    w.flush()?;
    counts.push(("products", SHELF.len()));

    let persons: Vec<usize> = is_company
        .iter()
        .enumerate()
        .filter(|(_, c)| !**c)
        .map(|(i, _)| i + 1)
        .take(300 * spec.scale.clamp(1, 10) as usize)
        .collect();
    let mut answers = csv_file(dir, "risk_answers", "client_id,answered_on,question,answer")?;
    let mut finances = csv_file(dir, "finances", "client_id,as_of,kind,category,amount")?;
    let mut goals = csv_file(dir, "goals", "client_id,goal,amount,due_on")?;
    let (mut na, mut nf, mut ng) = (0, 0, 0);
    for &c in &persons {
        // One in eight answered early in 2025, more than a year ago by the demo's winter:
        // expired; the rest during 2026.
        let (year, month) = if rng.chance(12) {
            (2025, 1 + rng.below(8))
        } else {
            (2026, 1 + rng.below(11))
        };
        let day = 1 + rng.below(28);
        // A temperament from cautious to bold; each answer near it.
        let bold = rng.below(5);
        for q in 1..=10 {
            let options = if q == 1 { 6 } else { 5 };
            let pick = (bold + rng.below(3)).saturating_sub(1).min(options - 1);
            let letter = (b'A'
                + u8::try_from(if q == 1 { options - 1 - pick } else { pick }).unwrap_or(0))
                as char;
            writeln!(answers, "C{c:07},{year}-{month:02}-{day:02},q{q},{letter}")?;
            na += 1;
        }
        let income = 60_000 + rng.below(60) * 10_000;
        let expense = income * (40 + rng.below(50)) / 100;
        let deposit = 10_000 + rng.below(100) * 5_000;
        let time = rng.below(60) * 10_000;
        let funds = rng.below(40) * 10_000;
        for (kind, cat, amount) in [
            ("income", "工资薪金", income),
            ("expense", "日常生活", expense),
            ("asset", "活期存款", deposit),
            ("asset", "定期存款", time),
            ("asset", "理财产品", funds),
        ] {
            if amount > 0 {
                writeln!(finances, "C{c:07},2026-09-30,{kind},{cat},{amount}")?;
                nf += 1;
            }
        }
        if rng.chance(30) {
            writeln!(
                finances,
                "C{c:07},2026-09-30,asset,自住房产,{}",
                800_000 + rng.below(30) * 100_000
            )?;
            writeln!(
                finances,
                "C{c:07},2026-09-30,liability,住房贷款,{}",
                200_000 + rng.below(20) * 50_000
            )?;
            nf += 2;
        }
        if rng.chance(50) {
            let (goal, amount, years) = [
                ("子女教育", 300_000, 6 + rng.below(10)),
                ("养老", 1_000_000, 10 + rng.below(20)),
                ("购房首付", 500_000, 2 + rng.below(5)),
            ][rng.below(3) as usize];
            writeln!(goals, "C{c:07},{goal},{amount},{}-06-30", 2027 + years)?;
            ng += 1;
        }
    }
    answers.flush()?;
    finances.flush()?;
    goals.flush()?;
    counts.push(("risk_answers", na));
    counts.push(("finances", nf));
    counts.push(("goals", ng));
    Ok(counts)
}
