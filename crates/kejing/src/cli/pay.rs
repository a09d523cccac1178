//! Pay verbs: settle (file mode and database mode), explain, simulate, lock, runs, compare,
//! and disputes. Database-mode verbs call the application layer.

use super::{DisputeCommand, Global, files, open, org, seconds, session};
use anyhow::{Context, Result, anyhow, bail};
use kejing_app::catalogue::load;
use kejing_app::{disputes, settlement};
use std::path::{Path, PathBuf};

/// `settle`: file mode with `data`, else database mode (the run is stored).
pub fn settle(
    g: &Global,
    policy: &Path,
    data: Option<&Path>,
    period: kejing_engine::Period,
    out: Option<&Path>,
) -> Result<()> {
    let policy = load(policy)?;
    let Some(data) = data else {
        let (mut store, actor) = session(g)?;
        let run = settlement::run(&mut store, &actor, &policy, period)?;
        let csv = files::stored_csv(&run.lines);
        match out {
            None => out!("{csv}"),
            Some(path) => {
                std::fs::write(path, csv).with_context(|| format!("writing {}", path.display()))?
            }
        }
        eprintln!(
            "stored as run #{} ({} line(s)); submit it for review with: kejing submit --run {}",
            run.id,
            run.lines.len(),
            run.id
        );
        return Ok(());
    };
    let started = std::time::Instant::now();
    let data = files::load_data(data)?;
    let loaded = started.elapsed();
    // The lines only: the explanation of every account is for `explain`.
    let prepared = kejing_engine::settle::Prepared::new(&data).map_err(|e| anyhow!("{e}"))?;
    prepared.explain_accounts(false);
    let has_tallies = data.tallies.iter().any(|t| t.period == period);
    super::reconcile::check_file_mode(&policy, &prepared, has_tallies, period)?;
    let result = kejing_engine::settle::settle_prepared(&policy, &prepared, period)
        .map_err(|e| anyhow!("{e}"))?;
    if std::env::var_os("KEJING_TIMING").is_some() {
        eprintln!(
            "read the data in {}, settled in {}",
            seconds(loaded),
            seconds(started.elapsed() - loaded)
        );
    }
    match out {
        None => out!("{}", result.to_csv()),
        Some(path) => {
            files::write_settlement(path, &result)?;
            eprintln!("wrote {} line(s) to {}", result.lines.len(), path.display());
        }
    }
    Ok(())
}

/// `explain`: the tree of one manager's pay, from files or from a stored run.
pub fn explain(
    g: &Global,
    policy: Option<PathBuf>,
    data: Option<PathBuf>,
    run: Option<i64>,
    period: kejing_engine::Period,
    manager: &str,
    json: bool,
) -> Result<()> {
    let trace: serde_json::Value = match (policy, data) {
        (Some(policy), Some(data)) => {
            let policy = load(&policy)?;
            let data = files::load_data(&data)?;
            let result = kejing_engine::settle::settle(&policy, &data, period)
                .map_err(|e| anyhow!("{e}"))?;
            let trace = result.traces.get(manager).ok_or_else(|| {
                anyhow!("manager {manager:?} is not in post in {period} (or not in managers); nothing to explain")
            })?;
            if !json {
                out!("{}", trace.render());
                return Ok(());
            }
            serde_json::to_value(trace)?
        }
        (None, None) => {
            let mut store = open(g)?;
            let o = org(&mut store, &g.org)?;
            let run = match run {
                Some(r) => r,
                None => store.latest_run(&o, period)?.ok_or_else(|| {
                    anyhow!("{period} has not been settled in the database: run kejing settle --policy … --period {period}")
                })?,
            };
            store
                .run_trace(run, manager)?
                .ok_or_else(|| anyhow!("run #{run} has no explanation for manager {manager:?}"))?
        }
        _ => {
            bail!("give both --policy and --data (file mode), or neither (the stored run)")
        }
    };
    if json {
        outln!("{}", serde_json::to_string_pretty(&trace)?);
    } else {
        out!("{}", render_json_trace(&trace, 0));
    }
    Ok(())
}

pub fn dispute(g: &Global, command: DisputeCommand) -> Result<()> {
    let (mut store, actor) = session(g)?;
    match command {
        DisputeCommand::Raise {
            run,
            manager,
            item,
            reason,
        } => {
            let id = disputes::raise(&mut store, &actor, run, &manager, &item, &reason)?;
            outln!("dispute #{id} raised on run #{run}, {manager} {item}");
        }
        DisputeCommand::Accept {
            id,
            amount,
            period,
            reason,
        } => {
            let amount = kejing_engine::Money::parse(&amount)
                .map_err(|e| anyhow!("--amount {amount:?}: {e}"))?;
            disputes::decide(
                &mut store,
                &actor,
                id,
                disputes::Verdict::Accept { period, amount },
                &reason,
            )?;
            outln!("dispute #{id} accepted: {amount} is paid in {period} as item 申诉 #{id}");
        }
        DisputeCommand::Reject { id, reason } => {
            disputes::decide(&mut store, &actor, id, disputes::Verdict::Reject, &reason)?;
            outln!("dispute #{id} rejected");
        }
        DisputeCommand::List => {
            outln!("id\trun\tmanager\titem\tstatus\treason\tdecision\tadjustment");
            for d in disputes::list(&mut store, &actor)? {
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    d.id,
                    d.run,
                    d.manager,
                    d.item,
                    d.status,
                    d.reason,
                    d.decision.unwrap_or_default(),
                    d.adjustment
                        .map(|(p, a)| format!("{a} in {p}"))
                        .unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}

pub fn lock(g: &Global, period: kejing_engine::Period, run: Option<i64>) -> Result<()> {
    let (mut store, actor) = session(g)?;
    let run = match run {
        Some(run) => {
            // The run must be one of the period, checked before anything is locked.
            match settlement::runs(&mut store, &actor)?
                .into_iter()
                .find(|r| r.id == run)
            {
                Some(r) if r.period != period.to_string() => {
                    bail!("run #{run} is a run of {}, not {period}", r.period)
                }
                _ => {}
            }
            settlement::lock(&mut store, &actor, run)?;
            run
        }
        None => settlement::lock_period(&mut store, &actor, period)?,
    };
    outln!("{period} locked on run #{run}");
    Ok(())
}

/// Submits (`approve` false) or approves a run.
pub fn review(g: &Global, run: i64, approve: bool) -> Result<()> {
    let (mut store, actor) = session(g)?;
    let info = if approve {
        kejing_app::run_review::approve(&mut store, &actor, run)?
    } else {
        kejing_app::run_review::submit(&mut store, &actor, run)?
    };
    let next = if approve {
        format!(
            "lock it with: kejing lock --period {} --run {run}",
            info.period
        )
    } else {
        format!("someone else approves it with: kejing approve --run {run}")
    };
    outln!(
        "run #{run} of {} is {}; {next}",
        info.period,
        info.status.code()
    );
    Ok(())
}

pub fn runs(g: &Global) -> Result<()> {
    let (mut store, actor) = session(g)?;
    outln!("run\tperiod\tpolicy\thash\tcreated\tactor\tstatus");
    for r in settlement::runs(&mut store, &actor)? {
        outln!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            r.id,
            r.period,
            r.policy,
            r.policy_hash,
            r.created_at,
            r.actor,
            r.status.code()
        );
    }
    Ok(())
}

pub fn compare(g: &Global, a: i64, b: i64) -> Result<()> {
    let mut store = open(g)?;
    let la = store.run_lines(a)?;
    let lb = store.run_lines(b)?;
    let mut all: std::collections::BTreeMap<
        (String, String),
        (kejing_engine::Money, kejing_engine::Money),
    > = Default::default();
    for l in la {
        all.entry((l.manager, l.item)).or_default().0 = l.amount;
    }
    for l in lb {
        all.entry((l.manager, l.item)).or_default().1 = l.amount;
    }
    outln!("manager_id,item,run_{a},run_{b},difference");
    for ((m, item), (x, y)) in all {
        let d = y
            .checked_sub(x)
            .ok_or_else(|| anyhow!("difference out of range"))?;
        if !d.is_zero() {
            outln!("{m},{item},{x},{y},{d}");
        }
    }
    Ok(())
}

pub fn simulate(
    policy: &Path,
    data: &Path,
    period: kejing_engine::Period,
    set: &[String],
    other: Option<&Path>,
) -> Result<()> {
    let current = load(policy)?;
    let mut changed = match &other {
        Some(o) => load(o)?,
        None => current.clone(),
    };
    if set.is_empty() && other.is_none() {
        bail!("say what changes: --set NAME=VALUE (repeatable) or --other POLICY");
    }
    for s in set {
        changed = changed.with_override(s).map_err(|e| anyhow!("--set {e}"))?;
    }
    let data = files::load_data(data)?;
    files::simulate(&current, &changed, &data, period)
}

/// A stored trace (JSON) as the same indented tree `explain` prints in file mode.
fn render_json_trace(t: &serde_json::Value, depth: usize) -> String {
    let pad = "  ".repeat(depth);
    let mut out = format!(
        "{pad}{} = {}\n",
        phrase_text(&t["label"]),
        t["value"].as_str().unwrap_or("")
    );
    for n in t["notes"].as_array().into_iter().flatten() {
        out.push_str(&format!("{pad}    · {}\n", phrase_text(n)));
    }
    for c in t["children"].as_array().into_iter().flatten() {
        out.push_str(&render_json_trace(c, depth + 1));
    }
    out
}

/// A stored phrase in English: the text itself, or a coded phrase's `en`.
fn phrase_text(v: &serde_json::Value) -> &str {
    v.as_str().or_else(|| v["en"].as_str()).unwrap_or("")
}
