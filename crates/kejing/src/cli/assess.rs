//! Assessment verbs (assess in file and database mode, assess-approve) and the policy verbs
//! (test the cases, check a file).

use super::{Global, PolicyCommand, files, session};
use anyhow::{Context, Result, anyhow};
use kejing_app::assessment;
use kejing_app::catalogue::load;
use std::path::Path;

pub fn assess(
    g: &Global,
    policy: &Path,
    data: Option<&Path>,
    period: kejing_engine::Period,
    out: Option<&Path>,
    explain: Option<String>,
) -> Result<()> {
    let policy = load(policy)?;
    match data {
        Some(data) => {
            let data = files::load_data(data)?;
            let result = kejing_engine::assess::assess(&policy, &data, period)
                .map_err(|e| anyhow!("{e}"))?;
            if let Some(m) = explain {
                let t = result.traces.get(&m).ok_or_else(|| {
                    anyhow!(
                        "manager {m} is not assessed for {period} (not in post, or not in managers)"
                    )
                })?;
                out!("{}", t.render());
                return Ok(());
            }
            let csv = files::assessment_csv(&policy, &result);
            match out {
                Some(path) => {
                    std::fs::write(path, csv)
                        .with_context(|| format!("writing {}", path.display()))?;
                    eprintln!("wrote {} ({} managers)", path.display(), result.rows.len());
                }
                None => out!("{csv}"),
            }
            Ok(())
        }
        None => {
            let (mut store, actor) = session(g)?;
            let run = assessment::run(&mut store, &actor, &policy, period)?;
            let rows = store.assessment_rows(run)?;
            let changes = rows.iter().filter(|r| r.new_grade != r.grade).count();
            outln!("manager_id,score,rank,grade,new_grade,decision");
            for r in &rows {
                outln!(
                    "{},{},{},{},{},{}",
                    r.manager,
                    r.score,
                    r.rank,
                    r.grade.as_deref().unwrap_or(""),
                    r.new_grade.as_deref().unwrap_or(""),
                    r.decision
                );
            }
            eprintln!(
                "stored as assessment run #{run}: {} managers, {changes} proposed grade change(s); nothing changes until approved: kejing assess-approve --run {run}",
                rows.len()
            );
            Ok(())
        }
    }
}

pub fn approve(
    g: &Global,
    run: i64,
    managers: &[String],
    effective: Option<chrono::NaiveDate>,
) -> Result<()> {
    let (mut store, actor) = session(g)?;
    let n = assessment::approve(&mut store, &actor, run, managers, effective)?;
    outln!("approved {n} proposal(s) of assessment run #{run}; grade history updated");
    Ok(())
}

pub fn policy(g: &Global, command: PolicyCommand) -> Result<()> {
    match command {
        PolicyCommand::Adopt { name } => {
            let (mut store, actor) = session(g)?;
            kejing_app::adoption::set_adopted(&mut store, &actor, &name, true)?;
            outln!("{}: policy {name} adopted", actor.org.code);
            Ok(())
        }
        PolicyCommand::Drop { name } => {
            let (mut store, actor) = session(g)?;
            kejing_app::adoption::set_adopted(&mut store, &actor, &name, false)?;
            outln!("{}: policy {name} dropped", actor.org.code);
            Ok(())
        }
        PolicyCommand::Adopted => {
            let (mut store, actor) = session(g)?;
            let adopted = kejing_app::adoption::adopted(&mut store, &actor)?;
            if adopted.is_empty() {
                outln!(
                    "{}: no policy adopted (the pages list every policy of the folder)",
                    actor.org.code
                );
            }
            for p in adopted {
                outln!("{}\t{}\t{}", p.policy, p.adopted_by, p.adopted_at);
            }
            Ok(())
        }
        PolicyCommand::Test { path } => files::test(&path),
        PolicyCommand::Check { path } => {
            let p = load(&path)?;
            outln!(
                "{}: policy {} ({}), settles {}, rounding {}: {} parameter(s), {} tier table(s), {} measure(s), {} value(s), {} item(s), {} test case(s)",
                p.file,
                p.name,
                p.title.as_deref().unwrap_or(""),
                p.frequency.name(),
                p.rounding,
                p.parameters.len(),
                p.tiers.len(),
                p.measures.len(),
                p.values.len(),
                p.items.len(),
                p.cases.len()
            );
            Ok(())
        }
    }
}
