//! Command-line verbs. Every failure prints a message naming the file, row and column (or what
//! to do) and exits with status 1.

use crate::{generate, web};
use anyhow::{Context, Result, anyhow, bail};
use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use kejing_io::{Encoding, ReadOptions, Table};
use kejing_store::{ImportError, ImportOptions, ImportReport, Org, Store};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "kejing",
    version,
    about = "kejing (客经): grade, assess, pay and manage customer managers (客户经理制)",
    long_about = "kejing (客经) runs an organisation's customer-manager system: grade ladders, the 管户 ownership \
ledger, imports of master data and business facts, and the settlement of performance pay from policy files \
(file mode with --data, or over the database), with explanations, locked periods, corrections, disputes and what-if.\n\n\
The database is --db URL or KEJING_DATABASE_URL: an SQLite file (default kejing.db in the current folder) \
or postgres://user@host/database."
)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone)]
struct Global {
    /// Database: an SQLite file path (or sqlite:PATH) or postgres://user@host:port/database.
    #[arg(
        long,
        global = true,
        env = "KEJING_DATABASE_URL",
        default_value = "kejing.db"
    )]
    db: String,
    /// Organisation code the command works on.
    #[arg(long, global = true, env = "KEJING_ORG", default_value = "default")]
    org: String,
    /// Who is acting, as written to the audit log (default: $USER, else "cli").
    #[arg(long, global = true, env = "KEJING_ACTOR")]
    actor: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Create the database (or bring its schema up to date) and the organisation.
    Init {
        /// Display name of the organisation (default: its code).
        #[arg(long)]
        org_name: Option<String>,
    },
    /// Import one table from a CSV or XLSX file, or `all` tables found in a data folder.
    ///
    /// All or nothing: one bad row and nothing is written; every bad row is listed.
    /// Re-importing the same file changes nothing.
    Import {
        /// Table name (managers, clients, accounts, ownership, balances, targets, sales, payments,
        /// bookings, scores, adjustments, org_units, tracks, grades; Chinese names accepted), or `all`.
        table: String,
        /// The file (.csv or .xlsx), or with `all` a data folder or one workbook.
        file: PathBuf,
        /// Text encoding of CSV files: auto (UTF-8, else GBK with a warning), utf-8 or gbk.
        #[arg(long, default_value = "auto")]
        encoding: Encoding,
        /// For an XLSX file: the sheet to read (default: the sheet named like the table).
        #[arg(long)]
        sheet: Option<String>,
        /// Write every bad row to this CSV file (file,row,column,value,reason).
        #[arg(long)]
        errors: Option<PathBuf>,
        /// Day on which grade or status changes take effect when the file has no changed_on.
        #[arg(long)]
        effective: Option<chrono::NaiveDate>,
    },
    /// Export a table to a CSV or XLSX file (by extension) with the canonical headers.
    Export { table: String, file: PathBuf },
    /// Show who owns a client or account on a day, or the whole ownership history of a client.
    Owners {
        /// Client id.
        #[arg(long)]
        client: String,
        /// Account number (account-level ownership overrides the client's).
        #[arg(long)]
        account: Option<String>,
        /// Day (YYYY-MM-DD); without it, the whole history.
        #[arg(long)]
        on: Option<chrono::NaiveDate>,
    },
    /// Show a customer manager's grade and status history.
    History {
        /// Manager id.
        manager: String,
    },
    /// Show the newest entries of the audit log.
    Audit {
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
    /// Show the organisations and how many rows each table holds.
    Status,
    /// Write a generated data folder in the contract's format (deterministic).
    Gen {
        /// N×100 managers, N×10,000 clients, N×20,000 accounts, a month of daily balances.
        #[arg(long, default_value_t = 1)]
        scale: u32,
        #[arg(long)]
        out: PathBuf,
        /// The month of balances.
        #[arg(long, default_value = "2026-09")]
        period: kejing_engine::Period,
    },
    /// Load demo organisations (a bank and the oil distributor of the source) and start the server.
    Demo {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Size of the demo bank (see `gen --scale`).
        #[arg(long, default_value_t = 1)]
        scale: u32,
        /// Load the data and exit without starting the server.
        #[arg(long)]
        no_serve: bool,
        #[command(flatten)]
        web: WebArgs,
    },
    /// Settle a period. With --data: file mode, a policy and a data folder in, pay lines out (no
    /// database). Without: database mode over the imported data; the run is stored with its
    /// traces, and locked earlier periods that changed are corrected in it.
    Settle {
        /// The policy: a folder with policy.toml (e.g. policies/oil-distributor) or a .toml file.
        #[arg(long)]
        policy: PathBuf,
        /// The data folder (one CSV per table, or XLSX); without it, the database.
        #[arg(long)]
        data: Option<PathBuf>,
        /// The period: 2026-09, 2026-Q3, 2026-H2 or 2026.
        #[arg(long)]
        period: kejing_engine::Period,
        /// Write the lines to this file (.csv or .xlsx); default standard output.
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Assess a period (考核): scorecards, raters, ranking within the policy's group and the grade
    /// decisions. With --data: file mode, prints `manager_id,score,rank,grade,new_grade,decision`
    /// (or writes --out). Without: database mode; the results are stored as proposals that
    /// change nothing until `kejing assess-approve` approves them.
    Assess {
        /// The policy (a folder with policy.toml or a .toml file) with an [assessment].
        #[arg(long)]
        policy: PathBuf,
        #[arg(long)]
        data: Option<PathBuf>,
        /// 2026-09, 2026-Q3, 2026-H2 or 2026: a period of one of the policy's scorecards.
        #[arg(long)]
        period: kejing_engine::Period,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print this manager's scorecard as a tree: items, raters, rules.
        #[arg(long)]
        explain: Option<String>,
    },
    /// Approve stored assessment proposals: each grade change takes effect on --effective
    /// (default: the day after the period), with the audit trail. Proposals not approved
    /// change nothing.
    AssessApprove {
        /// The assessment run.
        #[arg(long)]
        run: i64,
        /// Only these managers (default: every proposal of the run).
        #[arg(long)]
        manager: Vec<String>,
        #[arg(long)]
        effective: Option<chrono::NaiveDate>,
    },
    /// Explain one customer manager's pay for a period as a tree: rules, inputs, source rows,
    /// parameters with their effective dates, roundings. With --policy and --data: file mode;
    /// without: the stored trace of the period's newest run (or --run).
    Explain {
        #[arg(long)]
        policy: Option<PathBuf>,
        #[arg(long)]
        data: Option<PathBuf>,
        /// A stored run (database mode).
        #[arg(long)]
        run: Option<i64>,
        #[arg(long)]
        period: kejing_engine::Period,
        #[arg(long)]
        manager: String,
        /// Print JSON instead of the tree.
        #[arg(long)]
        json: bool,
    },
    /// What-if: settle a period under a changed policy beside the current one and print each
    /// customer manager's difference. Writes nothing.
    Simulate {
        #[arg(long)]
        policy: PathBuf,
        #[arg(long)]
        data: PathBuf,
        #[arg(long)]
        period: kejing_engine::Period,
        /// A change: NAME=VALUE (a parameter), tier.TABLE.N=VALUE (row N of a tier table),
        /// lookup.TABLE.KEY=VALUE. Repeatable.
        #[arg(long = "set")]
        set: Vec<String>,
        /// Compare with another policy file instead of (or as well as) --set changes.
        #[arg(long)]
        other: Option<PathBuf>,
    },
    /// Lock a settled period: its results never change again; later corrections are settled as
    /// adjustment lines in the next open period.
    Lock {
        #[arg(long)]
        period: kejing_engine::Period,
        /// The run to lock (default: the period's newest run).
        #[arg(long)]
        run: Option<i64>,
    },
    /// List the stored settlement runs.
    Runs,
    /// Disputes (申诉) on settlement lines: raise, accept, reject, list.
    Dispute {
        #[command(subcommand)]
        command: DisputeCommand,
    },
    /// Compare two stored runs, per customer manager and item.
    Compare { a: i64, b: i64 },
    /// Work with policy files.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Start the web server (pages and the JSON API).
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        #[command(flatten)]
        web: WebArgs,
    },
    /// Users of the web application: add, list.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
}

#[derive(Args, Clone)]
struct WebArgs {
    /// The folder of policies the web application settles with (each <name>/policy.toml);
    /// the shipped policies when the folder does not exist.
    #[arg(long, default_value = "policies")]
    policies: PathBuf,
    /// Where uploads wait between preview and commit (default: a folder in the temporary
    /// directory).
    #[arg(long)]
    uploads: Option<PathBuf>,
    /// Mark the session cookie Secure (serve behind HTTPS).
    #[arg(long)]
    secure_cookies: bool,
}

#[derive(Subcommand)]
enum UserCommand {
    /// Add a user (an existing user of that name is left as it is).
    Add {
        #[arg(long)]
        org: String,
        #[arg(long)]
        username: String,
        /// manager (客户经理), team_head (团队负责人), branch_head (支行行长), admin (绩效管理员),
        /// auditor (审计).
        #[arg(long)]
        role: String,
        /// The display name (default: the user name).
        #[arg(long)]
        name: Option<String>,
        /// For a customer manager: their manager ID.
        #[arg(long)]
        manager: Option<String>,
        /// For a head: the org unit they are responsible for (with the units below it).
        #[arg(long)]
        unit: Option<String>,
        /// The password (at least 8 characters); or set KEJING_PASSWORD.
        #[arg(long, env = "KEJING_PASSWORD", hide_env_values = true)]
        password: String,
    },
    /// List the users of an organisation.
    List {
        #[arg(long)]
        org: String,
    },
}

#[derive(Subcommand)]
enum DisputeCommand {
    /// A customer manager disputes a line of a stored run.
    Raise {
        #[arg(long)]
        run: i64,
        #[arg(long)]
        manager: String,
        #[arg(long)]
        item: String,
        #[arg(long)]
        reason: String,
    },
    /// Accept a dispute: the amount is paid as an adjustment line in an open period.
    Accept {
        id: i64,
        /// The adjustment (negative to take back).
        #[arg(long, allow_hyphen_values = true)]
        amount: String,
        /// The open period that pays it.
        #[arg(long)]
        period: kejing_engine::Period,
        #[arg(long)]
        reason: String,
    },
    /// Reject a dispute with a reason.
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// List the disputes.
    List,
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Run the test cases of a policy, or of every policy under a folder.
    Test {
        /// A policy file, a policy folder, or a folder of policy folders (e.g. policies/).
        path: PathBuf,
    },
    /// Check a policy file and print what it defines.
    Check { path: PathBuf },
}

pub fn run() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of standard output went away (`| head`): not an error of ours.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn open(global: &Global) -> Result<Store> {
    let mut store = Store::open(&global.db)?;
    let actor = global
        .actor
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "cli".to_owned());
    store.set_actor(actor);
    Ok(store)
}

fn org(store: &mut Store, code: &str) -> Result<Org> {
    store
        .org(code)?
        .ok_or_else(|| anyhow!("no organisation {code:?} in the database: run `kejing init --org {code}` first, or pass --org"))
}

fn table_arg(name: &str) -> Result<Table> {
    Table::parse(name)
        .ok_or_else(|| anyhow!("unknown table {name:?}: use one of {}", Table::names()))
}

fn dispatch(cli: Cli) -> Result<()> {
    let g = cli.global;
    match cli.command {
        Command::Init { org_name } => {
            let mut store = open(&g)?;
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
        Command::Import {
            table,
            file,
            encoding,
            sheet,
            errors,
            effective,
        } => {
            let mut store = open(&g)?;
            let o = store.ensure_org(&g.org, &g.org)?;
            let options = ImportOptions {
                read: ReadOptions { encoding, sheet },
                today: effective,
            };
            if table == "all" {
                import_folder(&mut store, &o, &file, &options, errors.as_deref())
            } else {
                let t = table_arg(&table)?;
                import_one(&mut store, &o, t, &file, &options, errors.as_deref()).map(|_| ())
            }
        }
        Command::Export { table, file } => {
            let t = table_arg(&table)?;
            let mut store = open(&g)?;
            let o = org(&mut store, &g.org)?;
            let rows = store.export_rows(&o, t)?;
            kejing_io::write_table(&file, t, &rows).map_err(|e| anyhow!(e))?;
            outln!(
                "exported {} row(s) of {t} to {}",
                rows.len(),
                file.display()
            );
            Ok(())
        }
        Command::Owners {
            client,
            account,
            on,
        } => {
            let mut store = open(&g)?;
            let o = org(&mut store, &g.org)?;
            match on {
                Some(day) => {
                    let owners = store.owners_on(&o, &client, account.as_deref(), day)?;
                    if owners.is_empty() {
                        outln!("nobody owns {client} on {day}");
                    }
                    for (m, r) in owners {
                        outln!("{day}\t{m}\t{r}");
                    }
                }
                None => {
                    outln!("client\taccount\tmanager\tratio\tfrom\tto");
                    for l in store.ownership_history(&o, &client)? {
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
        Command::History { manager } => {
            let mut store = open(&g)?;
            let o = org(&mut store, &g.org)?;
            outln!("effective_on\torg\ttrack\tgrade\ttier\tstaff_grade\tstatus");
            for h in store.grade_history(&o, &manager)? {
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
        Command::Audit { limit } => {
            let mut store = open(&g)?;
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
        Command::Status => {
            let mut store = open(&g)?;
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
        Command::Gen { scale, out, period } => {
            let spec = generate::Spec::new(scale, period)?;
            let started = std::time::Instant::now();
            let written = generate::write_bank(&spec, &out)?;
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
        Command::Demo {
            addr,
            scale,
            no_serve,
            web: w,
        } => {
            let config = web_config(&g, &w)?;
            let mut store = open(&g)?;
            load_demo(&mut store, scale)?;
            let banner = demo_web(&mut store, &config.policies)?;
            drop(store);
            if no_serve {
                outln!("{banner}");
                return Ok(());
            }
            web::serve(config, &addr, &banner)
        }
        Command::Settle {
            policy,
            data,
            period,
            out,
        } => {
            let policy = crate::policies::load(&policy)?;
            let Some(data) = data else {
                let mut store = open(&g)?;
                let o = org(&mut store, &g.org)?;
                let (run, lines) = crate::policies::db_settle(&mut store, &o, &policy, period)?;
                let csv = crate::policies::stored_csv(&lines);
                match out {
                    None => out!("{csv}"),
                    Some(path) => std::fs::write(&path, csv)
                        .with_context(|| format!("writing {}", path.display()))?,
                }
                eprintln!(
                    "stored as run #{run} ({} line(s)); lock it with: kejing lock --period {period} --run {run}",
                    lines.len()
                );
                return Ok(());
            };
            let started = std::time::Instant::now();
            let data = crate::policies::load_data(&data)?;
            let loaded = started.elapsed();
            // The lines only: the explanation of every account is for `explain`.
            let prepared =
                kejing_engine::settle::Prepared::new(&data).map_err(|e| anyhow!("{e}"))?;
            prepared.explain_accounts(false);
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
                    crate::policies::write_settlement(&path, &result)?;
                    eprintln!("wrote {} line(s) to {}", result.lines.len(), path.display());
                }
            }
            Ok(())
        }
        Command::Explain {
            policy,
            data,
            run,
            period,
            manager,
            json,
        } => {
            let trace: serde_json::Value = match (policy, data) {
                (Some(policy), Some(data)) => {
                    let policy = crate::policies::load(&policy)?;
                    let data = crate::policies::load_data(&data)?;
                    let result = kejing_engine::settle::settle(&policy, &data, period)
                        .map_err(|e| anyhow!("{e}"))?;
                    let trace = result.traces.get(&manager).ok_or_else(|| {
                        anyhow!("manager {manager:?} is not in post in {period} (or not in managers); nothing to explain")
                    })?;
                    if !json {
                        out!("{}", trace.render());
                        return Ok(());
                    }
                    serde_json::to_value(trace)?
                }
                (None, None) => {
                    let mut store = open(&g)?;
                    let o = org(&mut store, &g.org)?;
                    let run = match run {
                        Some(r) => r,
                        None => store.latest_run(&o, period)?.ok_or_else(|| {
                            anyhow!("{period} has not been settled in the database: run kejing settle --policy … --period {period}")
                        })?,
                    };
                    store.run_trace(run, &manager)?.ok_or_else(|| {
                        anyhow!("run #{run} has no explanation for manager {manager:?}")
                    })?
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
        Command::Dispute { command } => {
            let mut store = open(&g)?;
            let o = org(&mut store, &g.org)?;
            match command {
                DisputeCommand::Raise {
                    run,
                    manager,
                    item,
                    reason,
                } => {
                    let id = store.raise_dispute(&o, run, &manager, &item, &reason)?;
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
                    store.decide_dispute(&o, id, Some((period, amount)), &reason)?;
                    outln!(
                        "dispute #{id} accepted: {amount} is paid in {period} as item 申诉 #{id}"
                    );
                }
                DisputeCommand::Reject { id, reason } => {
                    store.decide_dispute(&o, id, None, &reason)?;
                    outln!("dispute #{id} rejected");
                }
                DisputeCommand::List => {
                    outln!("id\trun\tmanager\titem\tstatus\treason\tdecision\tadjustment");
                    for d in store.disputes(&o)? {
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
        Command::Lock { period, run } => {
            let mut store = open(&g)?;
            let o = org(&mut store, &g.org)?;
            let run = store.lock_period(&o, period, run)?;
            outln!("{period} locked on run #{run}");
            Ok(())
        }
        Command::Runs => {
            let mut store = open(&g)?;
            let o = org(&mut store, &g.org)?;
            outln!("run\tperiod\tpolicy\thash\tcreated\tactor\tlocked");
            for r in store.runs(&o)? {
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.id,
                    r.period,
                    r.policy,
                    r.policy_hash,
                    r.created_at,
                    r.actor,
                    if r.locked { "locked" } else { "" }
                );
            }
            Ok(())
        }
        Command::Compare { a, b } => {
            let mut store = open(&g)?;
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
        Command::Simulate {
            policy,
            data,
            period,
            set,
            other,
        } => {
            let current = crate::policies::load(&policy)?;
            let mut changed = match &other {
                Some(o) => crate::policies::load(o)?,
                None => current.clone(),
            };
            if set.is_empty() && other.is_none() {
                bail!("say what changes: --set NAME=VALUE (repeatable) or --other POLICY");
            }
            for s in &set {
                changed = changed.with_override(s).map_err(|e| anyhow!("--set {e}"))?;
            }
            let data = crate::policies::load_data(&data)?;
            crate::policies::simulate(&current, &changed, &data, period)
        }
        Command::Policy { command } => match command {
            PolicyCommand::Test { path } => crate::policies::test(&path),
            PolicyCommand::Check { path } => {
                let p = crate::policies::load(&path)?;
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
        },
        Command::Assess {
            policy,
            data,
            period,
            out,
            explain,
        } => {
            let policy = crate::policies::load(&policy)?;
            match data {
                Some(data) => {
                    let data = crate::policies::load_data(&data)?;
                    let result = kejing_engine::assess::assess(&policy, &data, period)
                        .map_err(|e| anyhow!("{e}"))?;
                    if let Some(m) = explain {
                        let t = result.traces.get(&m).ok_or_else(|| {
                            anyhow!("manager {m} is not assessed for {period} (not in post, or not in managers)")
                        })?;
                        out!("{}", t.render());
                        return Ok(());
                    }
                    let csv = crate::policies::assessment_csv(&policy, &result);
                    match out {
                        Some(path) => {
                            std::fs::write(&path, csv)
                                .with_context(|| format!("writing {}", path.display()))?;
                            eprintln!("wrote {} ({} managers)", path.display(), result.rows.len());
                        }
                        None => out!("{csv}"),
                    }
                    Ok(())
                }
                None => {
                    let mut store = open(&g)?;
                    let org = org(&mut store, &g.org)?;
                    let run = crate::policies::db_assess(&mut store, &org, &policy, period)?;
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
        Command::AssessApprove {
            run,
            manager,
            effective,
        } => {
            let mut store = open(&g)?;
            let org = org(&mut store, &g.org)?;
            let n = store.approve_assessment(&org, run, &manager, effective)?;
            outln!("approved {n} proposal(s) of assessment run #{run}; grade history updated");
            Ok(())
        }
        Command::Serve { addr, web: w } => {
            drop(open(&g)?);
            web::serve(web_config(&g, &w)?, &addr, "")
        }
        Command::User { command } => match command {
            UserCommand::Add {
                org: code,
                username,
                role,
                name,
                manager,
                unit,
                password,
            } => {
                let mut store = open(&g)?;
                let org = org(&mut store, &code)?;
                let added = add_user(
                    &mut store,
                    &org,
                    &username,
                    name.as_deref().unwrap_or(&username),
                    &role,
                    manager.as_deref(),
                    unit.as_deref(),
                    &password,
                )?;
                if added {
                    outln!("user {username} added ({role}) to {}", org.code);
                } else {
                    outln!("user {username} exists already: left as it is");
                }
                Ok(())
            }
            UserCommand::List { org: code } => {
                let mut store = open(&g)?;
                let org = org(&mut store, &code)?;
                outln!("username,role,manager,org_unit,lang,locked_until");
                for u in store.users(&org)? {
                    outln!(
                        "{},{},{},{},{},{}",
                        u.username,
                        u.role,
                        u.manager_code.unwrap_or_default(),
                        u.org_unit.unwrap_or_default(),
                        u.lang,
                        u.locked_until.map(|t| t.to_string()).unwrap_or_default()
                    );
                }
                Ok(())
            }
        },
    }
}

/// A stored trace (JSON) as the same indented tree `explain` prints in file mode.
fn render_json_trace(t: &serde_json::Value, depth: usize) -> String {
    let pad = "  ".repeat(depth);
    let mut out = format!(
        "{pad}{} = {}\n",
        t["label"].as_str().unwrap_or(""),
        t["value"].as_str().unwrap_or("")
    );
    for n in t["notes"].as_array().into_iter().flatten() {
        out.push_str(&format!("{pad}    · {}\n", n.as_str().unwrap_or("")));
    }
    for c in t["children"].as_array().into_iter().flatten() {
        out.push_str(&render_json_trace(c, depth + 1));
    }
    out
}

/// `12.345 s`, without floating point.
pub fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    format!("{}.{:03} s", ms / 1000, ms % 1000)
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
    org: &Org,
    table: Table,
    file: &Path,
    options: &ImportOptions,
    errors_file: Option<&Path>,
) -> Result<ImportReport> {
    let bar = progress_bar(table.name());
    let result = store.import(org, table, file, options, &mut |phase, done, total| {
        bar.set_message(phase.to_owned());
        bar.set_length(total);
        bar.set_position(done);
    });
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
            if let (Some(path), ImportError::Read(read)) = (errors_file, &e) {
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
    org: &Org,
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
        import_one(store, org, t, &p, options, errors_file)?;
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
    let dir = std::env::temp_dir().join(format!("kejing-demo-{scale}"));
    let period: kejing_engine::Period = "2026-09".parse().map_err(|e| anyhow!("{e}"))?;
    let spec = generate::Spec::new(scale, period)?;
    if !dir.join("balances.csv").exists() {
        generate::write_bank(&spec, &dir)?;
    }
    let bank = store.ensure_org("demo-bank", "示范银行 Demo Bank")?;
    import_folder(store, &bank, &dir, &ImportOptions::default(), None)?;
    let oil_dir = std::env::temp_dir().join("kejing-demo-oil");
    generate::write_oil(&oil_dir)?;
    let oil = store.ensure_org("oil", "日照油品经销公司 Oil Distributor")?;
    import_folder(store, &oil, &oil_dir, &ImportOptions::default(), None)?;
    Ok(())
}

fn web_config(g: &Global, w: &WebArgs) -> Result<web::Config> {
    let policies = if w.policies.is_dir() {
        w.policies.clone()
    } else {
        crate::policies::write_shipped(&std::env::temp_dir().join("kejing-policies"))?
    };
    Ok(web::Config {
        db: g.db.clone(),
        policies,
        uploads: w
            .uploads
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("kejing-uploads")),
        secure_cookies: w.secure_cookies,
    })
}

/// Adds a user with a hashed password; whether it was added (an existing name is kept).
#[allow(clippy::too_many_arguments)]
pub fn add_user(
    store: &mut Store,
    org: &Org,
    username: &str,
    name: &str,
    role: &str,
    manager: Option<&str>,
    unit: Option<&str>,
    password: &str,
) -> Result<bool> {
    let role = web::perm::Role::parse(role).ok_or_else(|| {
        anyhow!("unknown role {role:?}: use manager, team_head, branch_head, admin or auditor")
    })?;
    if password.chars().count() < 8 {
        bail!("the password needs at least 8 characters");
    }
    if role == web::perm::Role::Manager && manager.is_none() {
        bail!("a customer manager user needs --manager <manager ID>");
    }
    if matches!(
        role,
        web::perm::Role::TeamHead | web::perm::Role::BranchHead
    ) && unit.is_none()
    {
        bail!("a head needs --unit <org unit ID> (the unit they are responsible for)");
    }
    let hash = web::auth::hash_password(password)
        .map_err(|e| anyhow!("{}", e.detail.unwrap_or_default()))?;
    Ok(store.add_user(
        org,
        &kejing_store::web::NewUser {
            username,
            display_name: name,
            password_hash: &hash,
            role: role.code(),
            manager_code: manager,
            org_unit: unit,
        },
    )?)
}

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "kejing2026";

/// Demo accounts for each role, and a settled period to look at; returns what to print.
pub fn demo_web(store: &mut Store, policies: &Path) -> Result<String> {
    let bank = org(store, "demo-bank")?;
    let oil = org(store, "oil")?;
    type Account<'a> = (
        &'a Org,
        &'a str,
        &'a str,
        &'a str,
        Option<&'a str>,
        Option<&'a str>,
    );
    let accounts: [Account<'_>; 6] = [
        (
            &bank,
            "admin",
            "绩效管理员 Performance office",
            "admin",
            None,
            None,
        ),
        (&bank, "auditor", "审计 Auditor", "auditor", None, None),
        (
            &bank,
            "branch",
            "第1分行行长 Branch head",
            "branch_head",
            None,
            Some("B01"),
        ),
        (
            &bank,
            "team",
            "第1分行第3支行团队负责人 Team head",
            "team_head",
            None,
            Some("B01S3"),
        ),
        (&bank, "cm", "张芳 M00001", "manager", Some("M00001"), None),
        (&oil, "oil-admin", "油品公司绩效管理员", "admin", None, None),
    ];
    for (o, user, name, role, manager, unit) in accounts {
        add_user(store, o, user, name, role, manager, unit, DEMO_PASSWORD)?;
    }
    store.set_actor("demo");
    let settle = |store: &mut Store, o: &Org, policy: &str, period: &str| -> Result<()> {
        let period: kejing_engine::Period = period.parse().map_err(|e| anyhow!("{e}"))?;
        if store.latest_run(o, period)?.is_none() {
            let p = crate::policies::load(&policies.join(policy).join("policy.toml"))?;
            crate::policies::db_settle(store, o, &p, period)?;
        }
        Ok(())
    };
    settle(store, &bank, "cixi-deposits", "2026-09")?;
    settle(store, &oil, "oil-distributor", "2013-09")?;
    Ok(format!(
        "Demo accounts 演示账号 (password 密码 {DEMO_PASSWORD}):\n  admin      绩效管理员 performance office (everything)\n  auditor    审计 auditor (read-only, audit log)\n  branch     支行行长 branch head of B01 第1分行\n  team       团队负责人 team head of B01S3\n  cm         客户经理 customer manager M00001 张芳\n  oil-admin  绩效管理员 of the oil distributor"
    ))
}
