//! Data verbs: the database and organisation, imports and exports of the contract's tables,
//! the ledger and grade history, the audit log, status, and the generator.

use super::{open, org, seconds, session, table_arg};
use crate::generate;
use anyhow::{Context, Result, anyhow, bail};
use indicatif::{ProgressBar, ProgressStyle};
use kejing_app::{Actor, Error as AppError, imports};
use kejing_io::{Encoding, ReadOptions, Table};
use kejing_store::{ImportOptions, ImportReport, Store};
use std::path::Path;

pub fn init(g: &super::Global, org_name: Option<String>) -> Result<()> {
    let mut store = open(g)?;
    let o = store.ensure_org(&g.org, org_name.as_deref().unwrap_or(&g.org))?;
    let version = store.schema_version()?;
    outln!(
        "database {} ready (schema version {version}); organisation {} ({})",
        store.url(),
        o.code,
        o.name
    );
    Ok(())
}

pub fn import(
    g: &super::Global,
    table: &str,
    file: &Path,
    (encoding, sheet): (Encoding, Option<String>),
    errors: Option<std::path::PathBuf>,
    effective: Option<chrono::NaiveDate>,
    create_org: bool,
) -> Result<()> {
    let mut store = open(g)?;
    let o = match store.org(&g.org)? {
        Some(o) => o,
        // A new database's first import creates its organisation; later a mistyped --org is
        // an error, never a second organisation.
        None if create_org || store.orgs()?.is_empty() => {
            let o = store.ensure_org(&g.org, &g.org)?;
            eprintln!("created organisation {} in {}", o.code, store.url());
            o
        }
        None => bail!(
            "no organisation {:?} in the database (it holds {}): check --org, or create it with `kejing init --org {}` (or import with --create-org)",
            g.org,
            store
                .orgs()?
                .iter()
                .map(|o| o.code.clone())
                .collect::<Vec<_>>()
                .join(", "),
            g.org
        ),
    };
    let actor = Actor::admin(&o, store.actor());
    let options = ImportOptions {
        read: ReadOptions { encoding, sheet },
        today: effective,
        source: None,
    };
    if table == "all" {
        import_folder(&mut store, &actor, file, &options, errors.as_deref())
    } else {
        let t = table_arg(table)?;
        import_one(&mut store, &actor, t, file, &options, errors.as_deref()).map(|_| ())
    }
}

pub fn export(g: &super::Global, table: &str, file: &Path) -> Result<()> {
    let t = table_arg(table)?;
    let mut store = open(g)?;
    let o = org(&mut store, &g.org)?;
    let rows = store.export_rows(&o, t)?;
    kejing_io::write_table(file, t, &rows).map_err(|e| anyhow!(e))?;
    outln!(
        "exported {} row(s) of {t} to {}",
        rows.len(),
        file.display()
    );
    Ok(())
}

pub fn owners(
    g: &super::Global,
    client: &str,
    account: Option<&str>,
    on: Option<chrono::NaiveDate>,
) -> Result<()> {
    let (mut store, actor) = session(g)?;
    let o = actor.org;
    match on {
        Some(day) => {
            let owners = store.owners_on(&o, client, account, day)?;
            if owners.is_empty() {
                outln!("nobody owns {client} on {day}");
            }
            for (m, r) in owners {
                outln!("{day}\t{m}\t{r}");
            }
        }
        None => {
            outln!("client\taccount\tmanager\tratio\tfrom\tto");
            for l in store.ownership_history(&o, client)? {
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    l.client,
                    l.account.unwrap_or_default(),
                    l.manager,
                    l.ratio,
                    l.from,
                    l.to.map(|d| d.to_string()).unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}

pub fn history(g: &super::Global, manager: &str) -> Result<()> {
    let (mut store, actor) = session(g)?;
    outln!("effective_on\torg\ttrack\tgrade\ttier\tstaff_grade\tstatus");
    for h in store.grade_history(&actor.org, manager)? {
        outln!(
            "{}\t{}\t{}\t{}\t{}\t{}\t{}",
            h.effective_on,
            h.org_unit.unwrap_or_default(),
            h.track.unwrap_or_default(),
            h.grade.unwrap_or_default(),
            h.tier.unwrap_or_default(),
            h.staff_grade.unwrap_or_default(),
            h.status
        );
    }
    Ok(())
}

pub fn audit(g: &super::Global, limit: i64) -> Result<()> {
    let mut store = open(g)?;
    for e in store.audit_log(limit)? {
        outln!(
            "#{} {} {} {} {} {} before={} after={}",
            e.id,
            e.at,
            e.actor,
            e.action,
            e.entity,
            e.key,
            e.before
                .map(|j| j.to_string())
                .unwrap_or_else(|| "-".into()),
            e.after.map(|j| j.to_string()).unwrap_or_else(|| "-".into())
        );
    }
    Ok(())
}

pub fn status(g: &super::Global) -> Result<()> {
    let mut store = open(g)?;
    let version = store.schema_version()?;
    outln!("database {} (schema version {version})", store.url());
    for o in store.orgs()? {
        outln!("organisation {} ({})", o.code, o.name);
        for (t, n) in store.counts(&o)? {
            if n > 0 {
                outln!("  {:<12} {n}", t.name());
            }
        }
    }
    Ok(())
}

pub fn backup(g: &super::Global, out: &Path) -> Result<()> {
    let mut store = open(g)?;
    let started = std::time::Instant::now();
    kejing_app::maintenance::backup(&mut store, &g.db, out)?;
    outln!(
        "backed up {} to {} in {}",
        store.url(),
        out.display(),
        seconds(started.elapsed())
    );
    Ok(())
}

pub fn restore(g: &super::Global, file: &Path) -> Result<()> {
    kejing_app::maintenance::restore(file, &g.db)?;
    outln!(
        "restored {} into {}",
        file.display(),
        kejing_store::redact(&g.db)
    );
    Ok(())
}

pub fn gen_folder(scale: u32, out: &Path, period: kejing_engine::Period) -> Result<()> {
    let spec = generate::Spec::new(scale, period)?;
    let started = std::time::Instant::now();
    let written = generate::write_bank(&spec, out)?;
    outln!(
        "wrote {} in {}: {}",
        out.display(),
        seconds(started.elapsed()),
        written
            .iter()
            .map(|(t, n)| format!("{t} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

fn progress_bar(label: &str) -> ProgressBar {
    let bar = ProgressBar::new(0);
    bar.set_style(
        ProgressStyle::with_template(
            "{prefix:>10} {msg:<6} [{bar:40}] {percent:>3}% {elapsed_precise}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_prefix(label.to_owned());
    bar
}

fn import_one(
    store: &mut Store,
    actor: &Actor,
    table: Table,
    file: &Path,
    options: &ImportOptions,
    errors_file: Option<&Path>,
) -> Result<ImportReport> {
    let bar = progress_bar(table.name());
    let result = imports::import(
        store,
        actor,
        table,
        file,
        options,
        &mut |phase, done, total| {
            bar.set_message(phase.to_owned());
            bar.set_length(total);
            bar.set_position(done);
        },
    );
    bar.finish_and_clear();
    match result {
        Ok(report) => {
            for w in &report.warnings {
                eprintln!("warning: {}: {w}", file.display());
            }
            outln!(
                "imported {} into {}: {} rows read, {} written, {} unchanged (already present), {} (reading {}), {} rows/s",
                file.display(),
                table,
                report.rows_read,
                report.written,
                report.unchanged,
                seconds(report.elapsed),
                seconds(report.read_elapsed),
                report.rows_per_second()
            );
            Ok(report)
        }
        Err(e) => {
            if let (Some(path), AppError::Rows(read)) = (errors_file, &e) {
                write_errors(path, file, read.row_errors())?;
                eprintln!("all bad rows written to {}", path.display());
            }
            Err(anyhow!("{e}"))
        }
    }
}

fn write_errors(path: &Path, file: &Path, errors: &[kejing_io::RowError]) -> Result<()> {
    let mut w =
        csv::Writer::from_path(path).with_context(|| format!("writing {}", path.display()))?;
    w.write_record(["file", "row", "column", "value", "reason"])?;
    for e in errors {
        w.write_record([
            file.display().to_string(),
            e.row.to_string(),
            e.column.clone(),
            e.value.clone(),
            e.reason.clone(),
        ])?;
    }
    w.flush()?;
    Ok(())
}

/// Imports every table found in a data folder (`<table>.csv` or `.xlsx`) or one workbook, in
/// dependency order. Each table is its own transaction; the first failing table stops the run.
fn import_folder(
    store: &mut Store,
    actor: &Actor,
    source: &Path,
    options: &ImportOptions,
    errors_file: Option<&Path>,
) -> Result<()> {
    let mut found = Vec::new();
    if source.is_dir() {
        for &t in Table::ALL {
            for ext in ["csv", "xlsx"] {
                let p = source.join(format!("{}.{ext}", t.name()));
                if p.exists() {
                    found.push((t, p));
                }
            }
        }
    } else if source.exists() {
        let names = workbook_sheets(source)?;
        for &t in Table::ALL {
            if names
                .iter()
                .any(|n| n.eq_ignore_ascii_case(t.name()) || n == t.zh())
            {
                found.push((t, source.to_owned()));
            }
        }
    } else {
        bail!("{}: no such folder or workbook", source.display());
    }
    if found.is_empty() {
        bail!(
            "{}: no table files found (expected files named like managers.csv, balances.csv, …: {})",
            source.display(),
            Table::names()
        );
    }
    found.sort_by_key(|(t, _)| t.order());
    for (t, p) in found {
        import_one(store, actor, t, &p, options, errors_file)?;
    }
    Ok(())
}

fn workbook_sheets(path: &Path) -> Result<Vec<String>> {
    use calamine::Reader;
    let wb = calamine::open_workbook_auto(path)
        .map_err(|e| anyhow!("{}: not a readable workbook: {e}", path.display()))?;
    Ok(wb.sheet_names())
}

/// Loads (or reuses) the demo organisations: a bank generated at `scale`, and the oil
/// distributor with the traditional client list of the source (B4).
pub fn load_demo(store: &mut Store, scale: u32) -> Result<()> {
    // The folder name carries the generator's version: a folder an older kejing wrote (without
    // the qualification column, say) is not reused.
    let dir = std::env::temp_dir().join(format!("kejing-demo-v4-{scale}"));
    let period: kejing_engine::Period = "2026-09".parse().map_err(|e| anyhow!("{e}"))?;
    let spec = generate::Spec::new(scale, period)?;
    if !dir.join("balances.csv").exists() {
        generate::write_bank(&spec, &dir)?;
    }
    let bank = store.ensure_org("demo-bank", "示范银行 Demo Bank")?;
    let as_bank = Actor::admin(&bank, store.actor());
    import_folder(store, &as_bank, &dir, &ImportOptions::default(), None)?;
    let oil_dir = std::env::temp_dir().join("kejing-demo-oil");
    generate::write_oil(&oil_dir)?;
    let oil = store.ensure_org("oil", "日照油品经销公司 Oil Distributor")?;
    let as_oil = Actor::admin(&oil, store.actor());
    import_folder(store, &as_oil, &oil_dir, &ImportOptions::default(), None)?;
    let hotel_dir = std::env::temp_dir().join("kejing-demo-hotel");
    generate::write_hotel(&hotel_dir)?;
    let hotel = store.ensure_org("hotel", "海滨饭店 Seaside Hotel")?;
    let as_hotel = Actor::admin(&hotel, store.actor());
    import_folder(
        store,
        &as_hotel,
        &hotel_dir,
        &ImportOptions::default(),
        None,
    )?;
    Ok(())
}
