//! Daily management verbs (日常管理): `daily` (the breaches of the policy's daily rules, in file
//! mode or over the database), `outing`, `log`, `record` and `team-day` — the use cases of
//! `kejing_app::daily`, the same the web calls. Say who you are with `--as <user>` (a head signs
//! logs; a customer manager keeps their own registers).

use super::{Global, files, session};
use anyhow::{Context, Result, anyhow, bail};
use clap::Subcommand;
use kejing_app::catalogue::load;
use kejing_app::daily::{self, Signature};
use kejing_engine::Period;
use kejing_engine::daily::{Breach, end_of};
use kejing_engine::registers::Register;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Subcommand)]
pub enum OutingCommand {
    /// Register an outing (外出登记) leaving now, or at --at.
    Register {
        #[arg(long)]
        manager: String,
        #[arg(long)]
        client: Option<String>,
        #[arg(long)]
        purpose: Option<String>,
        /// When the outing left, `YYYY-MM-DD HH:MM` (default: now).
        #[arg(long)]
        at: Option<String>,
        /// Expected back, `YYYY-MM-DD HH:MM`.
        #[arg(long)]
        expected_back: Option<String>,
        /// The manager is the day's duty manager (当日坐班).
        #[arg(long)]
        duty: bool,
    },
    /// Record the return of an outing, now or at --at.
    Return {
        #[arg(long)]
        manager: String,
        #[arg(long)]
        outing: String,
        #[arg(long)]
        at: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum LogCommand {
    /// Write the day's work log (工作日志).
    Write {
        #[arg(long)]
        manager: String,
        #[arg(long)]
        date: chrono::NaiveDate,
        #[arg(long)]
        text: String,
    },
    /// Sign a customer manager's log as their head (签阅), with a comment and tomorrow's plan.
    Sign {
        #[arg(long)]
        manager: String,
        #[arg(long)]
        date: chrono::NaiveDate,
        #[arg(long)]
        comment: String,
        #[arg(long, default_value = "")]
        plan_next: String,
    },
}

fn stamp(s: &str, what: &str) -> Result<chrono::NaiveDateTime> {
    kejing_io::read::parse_datetime_cell(s).map_err(|e| anyhow!("--{what}: {e}"))
}

/// `kejing daily`: file mode (`--data`) or the stored registers.
pub fn daily(
    g: &Global,
    policy: &Path,
    data: Option<&Path>,
    period: Period,
    out: Option<&Path>,
) -> Result<()> {
    let policy = load(policy)?;
    if policy.daily.is_none() {
        bail!("{}: the policy has no [daily] rules", policy.file);
    }
    let found: Vec<Breach> = match data {
        Some(dir) => {
            let data = files::load_data(dir)?;
            kejing_engine::daily::breaches(&policy, &data, period, end_of(period))
                .map_err(|e| anyhow!("{e}"))?
        }
        None => {
            let (mut store, actor) = session(g)?;
            daily::breaches(&mut store, &actor, &policy, period)?
        }
    };
    let mut csv = String::from("manager_id,rule,date,detail\n");
    for b in &found {
        csv.push_str(&format!(
            "{},{},{},{}\n",
            field(&b.manager),
            field(&b.rule),
            b.date,
            field(&b.detail.to_string())
        ));
    }
    match out {
        None => out!("{csv}"),
        Some(path) => {
            std::fs::write(path, &csv).with_context(|| format!("writing {}", path.display()))?
        }
    }
    let mut by_rule: BTreeMap<&str, usize> = BTreeMap::new();
    for b in &found {
        *by_rule.entry(b.rule.as_str()).or_default() += 1;
    }
    let summary: Vec<String> = by_rule.iter().map(|(r, n)| format!("{r} {n}")).collect();
    eprintln!(
        "{period}: {} breach(es) (违规 {} 条){}{}",
        found.len(),
        found.len(),
        if summary.is_empty() { "" } else { ": " },
        summary.join(", ")
    );
    Ok(())
}

/// A CSV field, quoted when it holds a comma, a quote or a line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}

pub fn outing(g: &Global, command: OutingCommand) -> Result<()> {
    let (mut store, actor) = session(g)?;
    match command {
        OutingCommand::Register {
            manager,
            client,
            purpose,
            at,
            expected_back,
            duty,
        } => {
            let mut cells = BTreeMap::new();
            for (k, v) in [
                ("client_id", client),
                ("purpose", purpose),
                ("left_at", at),
                ("expected_back_at", expected_back),
            ] {
                if let Some(v) = v {
                    cells.insert(k.to_owned(), v);
                }
            }
            cells.insert("duty".into(), duty.to_string());
            let id = daily::register_outing(&mut store, &actor, &manager, cells)?;
            outln!(
                "outing {id} of {manager} registered (外出已登记); record the return with: kejing outing return --manager {manager} --outing {id}"
            );
        }
        OutingCommand::Return {
            manager,
            outing,
            at,
        } => {
            let at = at.map(|a| stamp(&a, "at")).transpose()?;
            let back = daily::record_return(&mut store, &actor, &manager, &outing, at)?;
            outln!(
                "outing {outing} of {manager}: back at {} (已返回)",
                back.format("%Y-%m-%d %H:%M")
            );
        }
    }
    Ok(())
}

pub fn log(g: &Global, command: LogCommand) -> Result<()> {
    let (mut store, actor) = session(g)?;
    match command {
        LogCommand::Write {
            manager,
            date,
            text,
        } => {
            let cells = BTreeMap::from([
                ("date".to_owned(), date.to_string()),
                ("text".to_owned(), text),
            ]);
            daily::record(&mut store, &actor, Register::WorkLogs, &manager, &cells)?;
            outln!("work log of {manager} for {date} written (工作日志已填写); the head signs it");
        }
        LogCommand::Sign {
            manager,
            date,
            comment,
            plan_next,
        } => {
            daily::sign_log(
                &mut store,
                &actor,
                &manager,
                date,
                &Signature { comment, plan_next },
            )?;
            outln!(
                "work log of {manager} for {date} signed by {} (已签阅)",
                actor.name
            );
        }
    }
    Ok(())
}

/// `kejing record <register> --manager M field=value …`: a row of any register.
pub fn record(g: &Global, register: &str, manager: &str, set: &[String]) -> Result<()> {
    let reg = Register::parse(register).ok_or_else(|| {
        anyhow!(
            "unknown register {register:?}; the registers are {}",
            Register::ALL
                .iter()
                .map(|r| r.name())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })?;
    let mut cells = BTreeMap::new();
    for s in set {
        let (k, v) = s
            .split_once('=')
            .ok_or_else(|| anyhow!("{s:?}: write field=value, e.g. client_id=C001"))?;
        cells.insert(k.trim().to_owned(), v.trim().to_owned());
    }
    let (mut store, actor) = session(g)?;
    let key = daily::record(&mut store, &actor, reg, manager, &cells)?;
    outln!("{} {key} of {manager} recorded", reg.name());
    Ok(())
}

/// `kejing team-day`: the head's view of a day, as text.
pub fn team_day(g: &Global, policy: Option<&Path>, day: Option<chrono::NaiveDate>) -> Result<()> {
    let policy = policy.map(load).transpose()?;
    let (mut store, actor) = session(g)?;
    let day = day.unwrap_or_else(|| store.today());
    let t = daily::team_day(&mut store, &actor, policy.as_ref(), day)?;
    outln!("{} (as of {})", t.day, t.now.format("%H:%M"));
    outln!("manager_id,name,briefing,outings,out_now,visits,log,breaches,week_new_clients");
    for m in &t.managers {
        let out_now = m
            .outings
            .iter()
            .filter(|o| o.row.get("returned_at") == kejing_engine::expr::Value::Null)
            .count();
        let log = match &m.log {
            None => "missing",
            Some(l) if l.row.text("signed_by").is_some() => "signed",
            Some(_) => "unsigned",
        };
        let breaches: Vec<&str> = m.breaches.iter().map(|b| b.rule.as_str()).collect();
        outln!(
            "{},{},{},{},{},{},{},{},{}{}",
            field(&m.manager),
            field(&m.name),
            m.briefing.as_deref().unwrap_or("-"),
            m.outings.len(),
            out_now,
            m.visits,
            log,
            field(&breaches.join(" ")),
            m.week_new_clients,
            m.week_goal
                .as_ref()
                .map(|g| format!("/{g}"))
                .unwrap_or_default()
        );
    }
    if !t.unsigned.is_empty() {
        outln!("unsigned logs (待签阅): {}", t.unsigned.len());
        for l in &t.unsigned {
            outln!("  {} {}", l.row.manager, l.row.key());
        }
    }
    Ok(())
}
