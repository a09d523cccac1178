//! A generated month of daily-management registers for the demo bank (E1–E7, B5): briefings,
//! outings and returns, visit records, work logs and their signatures, prospects, the credit
//! register and the internal assessment tables — mostly in order, with the late returns,
//! missing and unsigned logs, unannounced absences, short weeks and unchecked loan cards a head
//! meets, so that every daily page and `kejing daily` show something. Deterministic; its own
//! random stream, so the bank's other files do not change with it.

use crate::generate::{Rng, Spec, csv_file};
use anyhow::Result;
use chrono::{Datelike, Days, NaiveDate, NaiveTime, Weekday};
use std::io::Write;
use std::path::Path;

/// The public holidays and make-up working days around the demo month (2026: 中秋节 on
/// 25 September, 国庆节 1–7 October with Saturday 10 October worked).
const CALENDAR: &[(&str, bool, &str)] = &[
    ("2026-09-25", false, "中秋节"),
    ("2026-10-01", false, "国庆节"),
    ("2026-10-02", false, "国庆节"),
    ("2026-10-05", false, "国庆节"),
    ("2026-10-06", false, "国庆节"),
    ("2026-10-07", false, "国庆节"),
    ("2026-10-10", true, "国庆调休上班"),
];

fn working(day: NaiveDate) -> bool {
    let s = day.to_string();
    match CALENDAR.iter().find(|(d, _, _)| *d == s) {
        Some((_, w, _)) => *w,
        None => !matches!(day.weekday(), Weekday::Sat | Weekday::Sun),
    }
}

fn at(day: NaiveDate, minutes: u64) -> String {
    let t = NaiveTime::from_hms_opt(0, 0, 0).unwrap_or(NaiveTime::MIN)
        + chrono::Duration::minutes(i64::try_from(minutes).unwrap_or(0));
    format!("{day} {}", t.format("%H:%M"))
}

/// Writes the registers of `spec.period` for the customer managers in post; the rows per table.
pub fn write_registers(
    spec: &Spec,
    dir: &Path,
    corporate: &[String],
    personal: &[String],
) -> Result<Vec<(&'static str, usize)>> {
    let mut rng = Rng(0x6461_696C_7921 ^ u64::from(spec.scale));
    let first = spec.period.first_day();
    let last = spec.period.last_day();
    let days: Vec<NaiveDate> = first
        .iter_days()
        .take_while(|d| *d <= last)
        .filter(|d| working(*d))
        .collect();
    let client = |rng: &mut Rng| format!("C{:07}", 1 + rng.below(spec.clients as u64));

    let mut cal = csv_file(dir, "calendar", "date,working,note")?;
    for (d, w, n) in CALENDAR {
        writeln!(cal, "{d},{w},{n}")?;
    }
    cal.flush()?;
    let mut briefings = csv_file(
        dir,
        "briefings",
        "date,unit,manager_id,status,notified_at,chaired_by",
    )?;
    let mut outings = csv_file(
        dir,
        "outings",
        "outing_id,manager_id,client_id,purpose,left_at,expected_back_at,returned_at,duty",
    )?;
    let mut visits = csv_file(
        dir,
        "visits",
        "visit_id,manager_id,client_id,outing_id,visited_on,person,department,title,purpose,expected_result,outcome,info,next_step,next_on",
    )?;
    let mut logs = csv_file(
        dir,
        "work_logs",
        "manager_id,date,text,signed_by,signed_at,comment,plan_next",
    )?;
    let mut prospects = csv_file(
        dir,
        "prospects",
        "prospect_id,manager_id,name,stage,first_contact_on,converted_on,client_id",
    )?;
    let mut credit = csv_file(
        dir,
        "credit_register",
        "entry_id,manager_id,client_id,kind,amount,reported_at,registered_at,loan_card_checked_at",
    )?;
    let mut reports = csv_file(
        dir,
        "reports",
        "report_id,manager_id,kind,period,submitted_at",
    )?;
    let mut n = [0usize; 7];
    let all: Vec<(&String, bool)> = corporate
        .iter()
        .map(|m| (m, true))
        .chain(personal.iter().map(|m| (m, false)))
        .collect();
    for (m, is_corporate) in all {
        let mut outing_no = 0;
        for (i, day) in days.iter().enumerate() {
            let next_working = days.get(i + 1).copied().unwrap_or(*day + Days::new(1));
            let prev = *day - Days::new(1);
            // Briefing: mostly present; now and then absent, or on leave told the day before
            // (or, against the rule, the same morning).
            let roll = rng.below(100);
            let (status, notified) = match roll {
                0..=1 => ("absent", String::new()),
                2 => ("leave", at(prev, 16 * 60 + rng.below(90))),
                3 => ("leave", at(*day, 8 * 60 + rng.below(20))),
                _ => ("present", String::new()),
            };
            writeln!(briefings, "{day},,{m},{status},{notified},H1")?;
            n[0] += 1;
            if status == "leave" && roll == 2 {
                continue; // on leave all day, told in time: no log due
            }
            // Outings: none, one or two.
            let count: u64 = match rng.below(10) {
                0..=3 => 0,
                4..=8 => 1,
                _ => 2,
            };
            for k in 0..count {
                outing_no += 1;
                let id = format!("O{}-{m}-{outing_no}", day.format("%m%d"));
                let c = client(&mut rng);
                let left = 9 * 60 + k * 240 + rng.below(120);
                let duty = rng.chance(4);
                let returned = match rng.below(100) {
                    0..=2 => String::new(),
                    3..=9 => at(*day, 17 * 60 + 5 + rng.below(90)),
                    _ => at(*day, (left + 60 + rng.below(180)).min(16 * 60 + 55)),
                };
                writeln!(
                    outings,
                    "{id},{m},{c},{},{},{},{returned},{duty}",
                    ["走访", "营销", "贷后检查", "送资料"][rng.below(4) as usize],
                    at(*day, left),
                    at(*day, (left + 180).min(16 * 60 + 30))
                )?;
                n[1] += 1;
                if rng.chance(93) {
                    let complete = rng.chance(90);
                    writeln!(
                        visits,
                        "V{}-{m}-{outing_no},{m},{c},{id},{day},{},{},{},了解需求,建立联系,{},,{},{}",
                        day.format("%m%d"),
                        ["财务负责人", "总经理", "办公室主任"][rng.below(3) as usize],
                        ["财务部", "综合部", "业务部"][rng.below(3) as usize],
                        ["经理", "主任", "科长"][rng.below(3) as usize],
                        if complete { "有合作意向" } else { "" },
                        if complete { "准备方案" } else { "" },
                        if complete {
                            (*day + Days::new(7)).to_string()
                        } else {
                            String::new()
                        },
                    )?;
                    n[2] += 1;
                }
            }
            // The day's log: nearly always written; the head signs it that evening, sometimes
            // only the next morning after the briefing, sometimes not at all.
            if rng.chance(95) {
                let (by, signed) = match rng.below(100) {
                    0..=5 => (String::new(), String::new()),
                    6..=9 => ("H1".to_owned(), at(next_working, 9 * 60 + rng.below(60))),
                    _ => ("H1".to_owned(), at(*day, 17 * 60 + 30 + rng.below(60))),
                };
                let comment = if by.is_empty() { "" } else { "阅" };
                writeln!(logs, "{m},{day},走访客户 整理档案,{by},{signed},{comment},")?;
                n[3] += 1;
            }
            // Credit business (corporate): reported the same day, loan card checked first —
            // mostly.
            if is_corporate && rng.chance(20) {
                let reg = 10 * 60 + rng.below(300);
                let reported = if rng.chance(92) {
                    at(*day, reg + 30)
                } else {
                    at(next_working, 9 * 60)
                };
                let checked = if rng.chance(94) {
                    at(*day, reg - 30)
                } else {
                    String::new()
                };
                writeln!(
                    credit,
                    "K{}-{m},{m},{},{},{},{reported},{},{checked}",
                    day.format("%m%d"),
                    client(&mut rng),
                    ["loan", "guarantee", "acceptance_bill", "proof_of_funds"]
                        [rng.below(4) as usize],
                    (1 + rng.below(500)) * 10_000,
                    at(*day, reg)
                )?;
                n[5] += 1;
            }
        }
        // Prospecting (personal CMs, E6): 1–4 first contacts a week, half of them clients.
        if !is_corporate {
            let mut p = 0;
            let mut monday = first;
            while monday.weekday() != Weekday::Mon {
                monday = monday + Days::new(1);
            }
            while monday <= last {
                for _ in 0..(1 + rng.below(4)) {
                    p += 1;
                    let met = monday + Days::new(rng.below(5));
                    let (stage, conv) = if rng.chance(55) {
                        ("client", (met + Days::new(rng.below(3))).to_string())
                    } else {
                        (
                            ["prospect", "contacted"][rng.below(2) as usize],
                            String::new(),
                        )
                    };
                    writeln!(prospects, "P{p}-{m},{m},潜在客户{p},{stage},{met},{conv},")?;
                    n[4] += 1;
                }
                monday = monday + Days::new(7);
            }
        }
        // The month's internal assessment table, due within 5 working days of month end.
        let due: Vec<NaiveDate> = (last + Days::new(1))
            .iter_days()
            .filter(|d| working(*d))
            .take(7)
            .collect();
        let window = if rng.chance(85) { 5 } else { 7 };
        let handed = due[rng.below(window) as usize];
        writeln!(
            reports,
            "T{}-{m},{m},internal_assessment,{},{}",
            spec.period,
            spec.period,
            at(handed, 10 * 60)
        )?;
        n[6] += 1;
    }
    for w in [
        &mut briefings,
        &mut outings,
        &mut visits,
        &mut logs,
        &mut prospects,
        &mut credit,
        &mut reports,
    ] {
        w.flush()?;
    }
    Ok(vec![
        ("calendar", CALENDAR.len()),
        ("briefings", n[0]),
        ("outings", n[1]),
        ("visits", n[2]),
        ("work_logs", n[3]),
        ("prospects", n[4]),
        ("credit_register", n[5]),
        ("reports", n[6]),
    ])
}
