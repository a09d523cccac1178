//! Command-line verbs, one module per group: data (init, import, export, ledger queries,
//! status, gen), pay (settle, explain, simulate, lock, runs, compare, disputes), assess,
//! policy, transfer, users. Every verb parses its input, calls the application layer
//! (`kejing_app`) and prints; every failure prints a message naming the file, row and column
//! (or what to do) and exits with status 1. `serve` and `demo` start the web server and are
//! run by [`crate::launch`], so this module never imports the web.

mod advice;
mod agreement;
mod assess;
mod claim;
mod daily;
mod data;
pub mod files;
mod pay;
mod reconcile;
mod transfer;
mod users;

pub use data::load_demo;
pub use users::{DEMO_PASSWORD, add_user, demo_web};

use anyhow::{Result, anyhow};
use clap::{Args, Parser, Subcommand};
use kejing_app::Actor;
use kejing_io::{Encoding, Table};
use kejing_store::{Org, Store};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser)]
#[command(
    name = "kejing",
    version,
    about = "kejing (客经): grade, assess, pay and manage customer managers (客户经理制)",
    long_about = "kejing (客经) runs an organisation's customer-manager system: grade ladders, the 管户 ownership \
ledger, imports of master data and business facts, and the settlement of performance pay from policy files \
(file mode with --data, or over the database), with explanations, locked periods, corrections, disputes and what-if.\n\n\
The database is --db URL or KEJING_DATABASE_URL: an SQLite file (default kejing.db in the current folder), \
postgres://user@host/database or mysql://user:password@host:port/database (MySQL or MariaDB)."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Clone)]
pub struct Global {
    /// Database: an SQLite file path (or sqlite:PATH), postgres://user@host:port/database or
    /// mysql://user:password@host:port/database.
    #[arg(
        long,
        global = true,
        env = "KEJING_DATABASE_URL",
        default_value = "kejing.db"
    )]
    pub db: String,
    /// Organisation code the command works on.
    #[arg(long, global = true, env = "KEJING_ORG", default_value = "default")]
    pub org: String,
    /// Who is acting, as written to the audit log (default: $USER, else "cli").
    #[arg(long, global = true, env = "KEJING_ACTOR")]
    pub actor: Option<String>,
    /// Act as this stored user (their role and scope, e.g. a team head signing logs) instead of
    /// the organisation's administrator.
    #[arg(long = "as", global = true, env = "KEJING_AS", value_name = "USER")]
    pub as_user: Option<String>,
}

#[derive(Subcommand)]
pub enum Command {
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
        /// bookings, scores, adjustments, tallies, org_units, tracks, grades; Chinese names accepted), or `all`.
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
        /// Create the organisation --org names if it does not exist yet (otherwise a
        /// mistyped --org is an error, not a new organisation).
        #[arg(long)]
        create_org: bool,
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
    /// The monthly reconciliation (月度对账, B3) of a policy with a [reconciliation] section:
    /// each customer manager's own tally (tallies table) against the keeper's figures (the
    /// policy's measures over the imported sales and payments). Prints
    /// `manager_id,name,measure,keeper,own,difference,status` (or writes --out); exits 1 when
    /// the month is neither reconciled nor overridden. In database mode a month that is not
    /// reconciled is not settled until it is, or until --override records why (audited).
    Reconcile {
        #[arg(long)]
        policy: PathBuf,
        /// The data folder; without it, the database.
        #[arg(long)]
        data: Option<PathBuf>,
        /// The month, e.g. 2013-08.
        #[arg(long)]
        period: kejing_engine::Period,
        #[arg(long)]
        out: Option<PathBuf>,
        /// Database mode: record that the month may be settled although it is not reconciled,
        /// with this reason (once per month, audited).
        #[arg(long = "override", value_name = "REASON")]
        override_reason: Option<String>,
    },
    /// The breaches of the policy's daily rules (日常管理, E1–E7): prints
    /// `manager_id,rule,date,detail`, one row per breach (or writes --out). With --data: file
    /// mode over a data folder; without: the stored registers, as of now for the running month.
    Daily {
        #[arg(long)]
        policy: PathBuf,
        #[arg(long)]
        data: Option<PathBuf>,
        #[arg(long)]
        period: kejing_engine::Period,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Every client's risk level from the risk questionnaire (风险测评), as of --on:
    /// `client_id,score,risk_level,assessed_on,valid_until`; from --data, or the database.
    Risk {
        #[arg(long)]
        policy: PathBuf,
        #[arg(long)]
        data: Option<PathBuf>,
        #[arg(long)]
        on: chrono::NaiveDate,
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// A client's investment-advice letter (投资理财建议书) as PDF or HTML; refuses a product
    /// above the client's risk level or an expired assessment (exit 1). From --data, or from
    /// the database, where the letter is kept and a refusal audited.
    Letter {
        #[arg(long)]
        policy: PathBuf,
        #[arg(long)]
        data: Option<PathBuf>,
        #[arg(long)]
        client: String,
        #[arg(long)]
        on: chrono::NaiveDate,
        #[arg(long)]
        out: PathBuf,
        #[arg(long)]
        manager: Option<String>,
        /// Products to recommend, `P1,P2` (default: every suitable product of the shelf).
        #[arg(long)]
        products: Option<String>,
    },
    /// The outing register (外出登记): register an outing, record its return.
    Outing {
        #[command(subcommand)]
        command: daily::OutingCommand,
    },
    /// Work logs (工作日志): write one; sign one as the head (--as the head's user).
    Log {
        #[command(subcommand)]
        command: daily::LogCommand,
    },
    /// Record a row of any register (visits, prospects, credit_register, retail_visits,
    /// briefings, reports): `kejing record visits --manager M client_id=C1 visited_on=2026-09-03 …`.
    Record {
        register: String,
        #[arg(long)]
        manager: String,
        /// field=value pairs, the register's columns.
        set: Vec<String>,
    },
    /// The head's view of a day (团队日况): attendance, outings, visits, logs, breaches.
    TeamDay {
        #[arg(long)]
        policy: Option<PathBuf>,
        #[arg(long)]
        day: Option<chrono::NaiveDate>,
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
    /// Submit a settlement run for review (复核): a second user then approves it.
    Submit {
        #[arg(long)]
        run: i64,
    },
    /// Approve a submitted settlement run: someone other than who ran or submitted it
    /// (`--as USER` or `--actor NAME`).
    Approve {
        #[arg(long)]
        run: i64,
    },
    /// Lock a settled period on its approved run: its results never change again; later
    /// corrections are settled as adjustment lines in the next open period.
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
    /// Write an online, consistent backup of the whole database (--db) to a new file: SQLite's
    /// VACUUM INTO, pg_dump's custom format for PostgreSQL, mysqldump for MySQL/MariaDB.
    Backup {
        #[arg(long)]
        out: PathBuf,
    },
    /// Restore a backup into a new database (--db names it: an SQLite file that does not exist
    /// yet, or an empty PostgreSQL or MySQL/MariaDB database). Nothing is ever overwritten.
    Restore { file: PathBuf },
    /// Agreement prices (协议价, C3): a customer manager asks with the investigation of the
    /// unit; the department manager decides; the one who asked cannot.
    Agreement {
        #[command(subcommand)]
        command: AgreementCommand,
    },
    /// Ownership claims (认领, B3): claim an unowned client or a share; someone else decides.
    Claim {
        #[command(subcommand)]
        command: claim::ClaimCommand,
    },
    /// Transfers (移交) of a client's share between customer managers: request, decide, list.
    /// The same use case as the web's transfer pages; the one who asked cannot decide.
    Transfer {
        #[command(subcommand)]
        command: TransferCommand,
    },
}

#[derive(Subcommand)]
pub enum AgreementCommand {
    /// Ask for a unit to be an agreement client (协议价), with the terms and what was found out
    /// about it. Never for an individual.
    Request {
        #[arg(long)]
        client: String,
        /// The customer manager who brought the unit.
        #[arg(long)]
        manager: String,
        /// The agreed price terms.
        #[arg(long)]
        terms: String,
        /// What the investigation of the unit found (调查情况).
        #[arg(long)]
        investigation: String,
    },
    /// Approve an open request (the department manager; not the one who asked): the client
    /// becomes an agreement unit.
    Approve {
        id: i64,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Reject an open request with a reason.
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// List the agreement requests.
    List,
}

#[derive(Subcommand)]
pub enum TransferCommand {
    /// Ask to move a manager's share of a client to another manager from a day.
    Request {
        #[arg(long)]
        client: String,
        /// The manager whose share moves.
        #[arg(long)]
        from: String,
        /// The manager who receives it.
        #[arg(long)]
        to: String,
        /// The first day the receiver owns it (YYYY-MM-DD).
        #[arg(long)]
        effective: chrono::NaiveDate,
        #[arg(long)]
        reason: String,
    },
    /// Approve an open request: the ownership changes from its day, through the ledger's rules.
    Approve {
        id: i64,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Reject an open request with a reason.
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// List the transfer requests.
    List,
}

#[derive(Args, Clone)]
pub struct WebArgs {
    /// The folder of policies the web application settles with (each <name>/policy.toml);
    /// the shipped policies when the folder does not exist.
    #[arg(long, default_value = "policies")]
    pub policies: PathBuf,
    /// Where uploads wait between preview and commit (default: a folder in the temporary
    /// directory).
    #[arg(long)]
    pub uploads: Option<PathBuf>,
    /// Mark the session cookie Secure (serve behind HTTPS).
    #[arg(long)]
    pub secure_cookies: bool,
}

#[derive(Subcommand)]
pub enum UserCommand {
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
    /// Unlock a user locked out by failed logins (audited).
    Unlock {
        #[arg(long)]
        org: String,
        #[arg(long)]
        username: String,
    },
}

#[derive(Subcommand)]
pub enum DisputeCommand {
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
pub enum PolicyCommand {
    /// Run the test cases of a policy, or of every policy under a folder.
    Test {
        /// A policy file, a policy folder, or a folder of policy folders (e.g. policies/).
        path: PathBuf,
    },
    /// Check a policy file and print what it defines.
    Check { path: PathBuf },
    /// Adopt a policy (its folder's name) for the organisation (`--org`): the web's pages list
    /// only the adopted ones once any is.
    Adopt { name: String },
    /// Stop using a policy in the organisation.
    Drop { name: String },
    /// The policies the organisation uses, who adopted each and when.
    Adopted,
}

/// Parses the command line.
pub fn parse() -> Cli {
    Cli::parse()
}

/// Runs every verb but `serve` and `demo` (see [`crate::launch`]).
pub fn dispatch(cli: Cli) -> Result<()> {
    let g = cli.global;
    match cli.command {
        Command::Init { org_name } => data::init(&g, org_name),
        Command::Import {
            table,
            file,
            encoding,
            sheet,
            errors,
            effective,
            create_org,
        } => data::import(
            &g,
            &table,
            &file,
            (encoding, sheet),
            errors,
            effective,
            create_org,
        ),
        Command::Export { table, file } => data::export(&g, &table, &file),
        Command::Owners {
            client,
            account,
            on,
        } => data::owners(&g, &client, account.as_deref(), on),
        Command::History { manager } => data::history(&g, &manager),
        Command::Audit { limit } => data::audit(&g, limit),
        Command::Status => data::status(&g),
        Command::Backup { out } => data::backup(&g, &out),
        Command::Restore { file } => data::restore(&g, &file),
        Command::Gen { scale, out, period } => data::gen_folder(scale, &out, period),
        Command::Settle {
            policy,
            data,
            period,
            out,
        } => pay::settle(&g, &policy, data.as_deref(), period, out.as_deref()),
        Command::Reconcile {
            policy,
            data,
            period,
            out,
            override_reason,
        } => reconcile::reconcile(
            &g,
            &policy,
            data.as_deref(),
            period,
            out.as_deref(),
            override_reason.as_deref(),
        ),
        Command::Explain {
            policy,
            data,
            run,
            period,
            manager,
            json,
        } => pay::explain(&g, policy, data, run, period, &manager, json),
        Command::Dispute { command } => pay::dispute(&g, command),
        Command::Lock { period, run } => pay::lock(&g, period, run),
        Command::Submit { run } => pay::review(&g, run, false),
        Command::Approve { run } => pay::review(&g, run, true),
        Command::Runs => pay::runs(&g),
        Command::Compare { a, b } => pay::compare(&g, a, b),
        Command::Simulate {
            policy,
            data,
            period,
            set,
            other,
        } => pay::simulate(&policy, &data, period, &set, other.as_deref()),
        Command::Policy { command } => assess::policy(&g, command),
        Command::Daily {
            policy,
            data,
            period,
            out,
        } => daily::daily(&g, &policy, data.as_deref(), period, out.as_deref()),
        Command::Risk {
            policy,
            data,
            on,
            out,
        } => advice::risk(&g, &policy, data.as_deref(), on, out.as_deref()),
        Command::Letter {
            policy,
            data,
            client,
            on,
            out,
            manager,
            products,
        } => advice::letter(
            &g,
            &policy,
            data.as_deref(),
            &client,
            on,
            &out,
            manager.as_deref(),
            products.as_deref(),
        ),
        Command::Outing { command } => daily::outing(&g, command),
        Command::Log { command } => daily::log(&g, command),
        Command::Record {
            register,
            manager,
            set,
        } => daily::record(&g, &register, &manager, &set),
        Command::TeamDay { policy, day } => daily::team_day(&g, policy.as_deref(), day),
        Command::Assess {
            policy,
            data,
            period,
            out,
            explain,
        } => assess::assess(
            &g,
            &policy,
            data.as_deref(),
            period,
            out.as_deref(),
            explain,
        ),
        Command::AssessApprove {
            run,
            manager,
            effective,
        } => assess::approve(&g, run, &manager, effective),
        Command::User { command } => users::user(&g, command),
        Command::Transfer { command } => transfer::transfer(&g, command),
        Command::Agreement { command } => agreement::agreement(&g, command),
        Command::Claim { command } => claim::claim(&g, command),
        Command::Serve { .. } | Command::Demo { .. } => Err(anyhow!(
            "serve and demo start the web server: run them through the kejing binary"
        )),
    }
}

/// Opens the database as the acting user (--actor, else $USER, else "cli").
pub fn open(global: &Global) -> Result<Store> {
    let mut store = Store::open(&global.db)?;
    store.set_actor(actor_name(global));
    Ok(store)
}

fn actor_name(global: &Global) -> String {
    global
        .actor
        .clone()
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "cli".to_owned())
}

/// The organisation with this code; an unknown code is an error saying how to create it.
pub fn org(store: &mut Store, code: &str) -> Result<Org> {
    store
        .org(code)?
        .ok_or_else(|| anyhow!("no organisation {code:?} in the database: run `kejing init --org {code}` first, or pass --org"))
}

/// The store, the organisation and the acting user (the performance office from the command
/// line, under the --actor name).
fn session(global: &Global) -> Result<(Store, Actor)> {
    let mut store = open(global)?;
    let o = org(&mut store, &global.org)?;
    let actor = match &global.as_user {
        Some(user) => Actor::of_user(&mut store, &o, user)?,
        None => Actor::admin(&o, &actor_name(global)),
    };
    Ok((store, actor))
}

fn table_arg(name: &str) -> Result<Table> {
    Table::parse(name)
        .ok_or_else(|| anyhow!("unknown table {name:?}: use one of {}", Table::names()))
}

/// `12.345 s`, without floating point.
pub fn seconds(d: Duration) -> String {
    let ms = d.as_millis();
    format!("{}.{:03} s", ms / 1000, ms % 1000)
}
