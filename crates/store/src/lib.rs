//! Storage for kejing: the embedded SQLite default and PostgreSQL, behind one `Store`.
//!
//! Both backends run the same SQL (see [`sql`]) and the same import logic; what differs between
//! them (placeholders, transactions, the organisation's write lock, upserts, new ids, the bulk
//! path of balances) is answered by each one's [`backend::Backend`]. Each has its own migrations
//! in `migrations/<backend>/`. Bulk loads use each backend's fast path (prepared statements in
//! one transaction on SQLite, `COPY` on PostgreSQL).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod advice;
pub mod agreements;
pub mod assessment;
pub mod assessment_steps;
pub mod audit;
pub mod backend;
pub mod backup;
pub mod claims;
pub mod clock;
pub mod daily;
pub mod dataset;
pub mod disputes;
pub mod form_nonces;
pub mod import;
pub mod inbox;
pub mod login;
pub mod org_policies;
pub mod query;
pub mod read_models;
pub mod reconciliation;
pub mod run_review;
pub mod scenarios;
pub mod scratch;
pub mod settlement;
pub mod sql;
pub mod transfers;
pub mod users;
pub mod workflow;

use backend::Backend;
use chrono::Utc;
use sql::{Cols, Conn, DbError, Dialect, Ty, Val};
use std::fmt;

pub use import::{ImportError, ImportOptions, ImportReport};

/// An error of the store.
#[derive(Debug)]
pub enum StoreError {
    Db(DbError),
    /// Something the user asked for does not exist or is not allowed; the message says what to do.
    Invalid(String),
    /// The thing was already decided or done by someone else (a state change found the row no
    /// longer in the state it expected); the message says by whom and when.
    Conflict(String),
    /// What the request names does not exist (in this organisation).
    NotFound(String),
    /// A [`StoreError::Conflict`] with a stable code and its parameters, so that the caller
    /// says it in the user's language (the application layer's `Said`); `english` is the text.
    Taken(Box<Taken>),
    /// A [`StoreError::Invalid`] with a stable code and its parameters (said like `Taken`).
    Refused(Box<Taken>),
}

/// A coded conflict: someone else did or decided it first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taken {
    pub code: &'static str,
    pub args: Vec<(&'static str, String)>,
    pub english: String,
}

impl StoreError {
    /// A coded conflict (see [`StoreError::Taken`]).
    pub fn taken(code: &'static str, args: &[(&'static str, String)], english: String) -> Self {
        StoreError::Taken(Box::new(Taken {
            code,
            args: args.to_vec(),
            english,
        }))
    }

    /// A coded refusal: what was asked cannot be done as asked (see [`StoreError::Refused`]).
    pub fn refused(code: &'static str, args: &[(&'static str, String)], english: String) -> Self {
        StoreError::Refused(Box::new(Taken {
            code,
            args: args.to_vec(),
            english,
        }))
    }
}

impl fmt::Display for StoreError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StoreError::Db(e) => write!(f, "{e}"),
            StoreError::Invalid(m) | StoreError::Conflict(m) | StoreError::NotFound(m) => {
                f.write_str(m)
            }
            StoreError::Taken(t) | StoreError::Refused(t) => f.write_str(&t.english),
        }
    }
}

impl std::error::Error for StoreError {}

impl From<DbError> for StoreError {
    fn from(e: DbError) -> Self {
        StoreError::Db(e)
    }
}

/// An organisation kept in the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Org {
    pub id: i64,
    pub code: String,
    pub name: String,
}

/// The database, with who is acting (for the audit log).
pub struct Store {
    pub(crate) conn: Conn,
    actor: String,
    url: String,
    /// Audit entries of the open transaction, written in batches before it commits.
    pending_audit: Vec<Vec<Val>>,
    /// While set, transactions roll back instead of committing (a preview).
    rollback_only: bool,
    /// How many [`Store::transaction`] calls are open: an inner one joins the outer one.
    depth: u32,
    /// The organisation's clock: every "today" of the store and the layers above.
    clock: clock::Clock,
    /// What the import under way names as its source in the logs (else the file's path).
    import_source: Option<String>,
}

impl Store {
    /// Opens (and creates, for SQLite) the database named by `url`, and brings its schema up to
    /// date. `postgres://…` or `postgresql://…` selects PostgreSQL; `sqlite:PATH`, `sqlite::memory:`
    /// or a plain file path selects SQLite.
    pub fn open(url: &str) -> Result<Store, StoreError> {
        let conn = backend::connect(url)?;
        let mut store = Store {
            conn,
            actor: "cli".to_owned(),
            url: redact(url),
            pending_audit: Vec::new(),
            rollback_only: false,
            depth: 0,
            clock: match std::env::var("KEJING_TIME_ZONE") {
                Ok(zone) if !zone.trim().is_empty() => clock::Clock::in_zone(&zone)
                    .map_err(|e| StoreError::Invalid(format!("KEJING_TIME_ZONE: {e}")))?,
                _ => clock::Clock::default(),
            },
            import_source: None,
        };
        store.migrate()?;
        Ok(store)
    }

    /// Who is acting, as written to the audit log.
    pub fn set_actor(&mut self, actor: impl Into<String>) {
        self.actor = actor.into();
    }

    pub fn actor(&self) -> &str {
        &self.actor
    }

    /// Sets the clock (the organisation's time zone, or a fixed instant in tests).
    pub fn set_clock(&mut self, clock: clock::Clock) {
        self.clock = clock;
    }

    pub fn clock(&self) -> clock::Clock {
        self.clock
    }

    /// Today in the organisation's time zone.
    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }

    pub fn dialect(&self) -> Dialect {
        self.conn.dialect()
    }

    /// Caps this connection's page cache (SQLite; PostgreSQL's memory is the server's). A
    /// command-line import keeps the large default; a server holding many connections gives
    /// each a smaller one, so that its memory stays bounded however long it runs.
    pub fn limit_cache(&mut self, mebibytes: u32) -> Result<(), StoreError> {
        if self.dialect() == Dialect::Sqlite {
            let kib = i64::from(mebibytes) * 1024;
            self.conn.batch(&format!("PRAGMA cache_size=-{kib}"))?;
        }
        Ok(())
    }

    /// The SQL the store's database speaks (see [`backend`]).
    pub fn backend(&self) -> &'static dyn Backend {
        self.conn.backend()
    }

    /// The URL without a password.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn conn(&mut self) -> &mut Conn {
        &mut self.conn
    }

    fn migrate(&mut self) -> Result<(), StoreError> {
        let b = self.backend();
        let ts = b.timestamp_type();
        self.conn.batch(&format!(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at {ts} NOT NULL)"
        ))?;
        let applied = self
            .conn
            .query("SELECT version FROM schema_migrations", &[], &[Ty::Int])?;
        let applied: Vec<i64> = applied
            .iter()
            .map(|r| Cols::new("schema_migrations", r).int(0))
            .collect::<Result<_, _>>()?;
        for (version, sql) in b.migrations() {
            if applied.contains(version) {
                continue;
            }
            self.conn.batch(b.begin_migration())?;
            let result = self.conn.batch(sql).and_then(|()| {
                self.conn
                    .exec(
                        "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                        &[Val::Int(*version), Val::Time(Utc::now())],
                    )
                    .map(|_| ())
            });
            match result {
                Ok(()) => self.conn.batch(b.commit())?,
                Err(e) => {
                    let _ = self.conn.batch(b.rollback());
                    return Err(e.into());
                }
            }
        }
        Ok(())
    }

    /// The schema version.
    pub fn schema_version(&mut self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .scalar("SELECT MAX(version) FROM schema_migrations", &[], Ty::Int)?
            .as_i64()
            .unwrap_or(0))
    }

    /// Runs `f` in one transaction: committed if it succeeds, rolled back otherwise.
    ///
    /// Called inside another transaction, `f` joins it: what it writes commits or rolls back
    /// with the outer one (an import and the decision that triggered it are one change). An
    /// inner error must be passed on, never swallowed, or the outer transaction would commit
    /// half of it.
    pub fn transaction<T, E: From<DbError>>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> Result<T, E> {
        if self.depth > 0 {
            self.depth += 1;
            let out = f(self);
            self.depth -= 1;
            return out;
        }
        let b = self.backend();
        self.conn.batch(b.begin_write())?;
        self.pending_audit.clear();
        self.depth = 1;
        let out = f(self).and_then(|v| self.flush_audit().map(|()| v).map_err(E::from));
        self.depth = 0;
        match out {
            Ok(v) => {
                self.conn.batch(if self.rollback_only {
                    b.rollback()
                } else {
                    b.commit()
                })?;
                Ok(v)
            }
            Err(e) => {
                self.pending_audit.clear();
                let _ = self.conn.batch(b.rollback());
                Err(e)
            }
        }
    }

    /// Runs `f` over one consistent snapshot of the database (reads that see no change made
    /// meanwhile: a settlement's data set, its locked periods and their lines). Inside a
    /// transaction it joins it.
    pub fn read<T, E: From<DbError>>(
        &mut self,
        f: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> Result<T, E> {
        if self.depth > 0 {
            return f(self);
        }
        let b = self.backend();
        self.conn.batch(b.begin_read())?;
        self.depth = 1;
        let out = f(self);
        self.depth = 0;
        let end = self.conn.batch(if out.is_ok() {
            b.commit()
        } else {
            b.rollback()
        });
        let v = out?;
        end?;
        Ok(v)
    }

    /// Whether a transaction is open.
    pub fn in_transaction(&self) -> bool {
        self.depth > 0
    }

    /// Runs `f` as one change of the organisation's data: one transaction that holds the
    /// organisation's write lock from its first statement, so that reads, checks and writes of
    /// concurrent changes to the same organisation never interleave (SQLite: `BEGIN IMMEDIATE`
    /// holds the database's write lock; PostgreSQL: the organisation's row is locked `FOR NO KEY
    /// UPDATE`, which inserts referencing it do not wait for). Every use case that changes data
    /// runs in one of these.
    pub fn write<T, E: From<DbError>>(
        &mut self,
        org: &Org,
        f: impl FnOnce(&mut Store) -> Result<T, E>,
    ) -> Result<T, E> {
        self.transaction(|s| {
            if let Some(lock) = s.backend().org_write_lock() {
                s.conn.query(lock, &[Val::Int(org.id)], &[Ty::Int])?;
            }
            f(s)
        })
    }

    fn flush_audit(&mut self) -> Result<(), DbError> {
        let rows = std::mem::take(&mut self.pending_audit);
        self.conn.insert_many(
            "INSERT INTO audit_log (at, actor, org_id, action, entity, entity_key, before, after)",
            &["", "", "", "", "", "", "{json}", "{json}"],
            rows,
            "",
        )?;
        Ok(())
    }

    /// Runs `f` with every transaction rolled back instead of committed: what it would do,
    /// checked against the database, with nothing written (the preview of an import).
    pub fn preview<T>(&mut self, f: impl FnOnce(&mut Store) -> T) -> T {
        self.rollback_only = true;
        let out = f(self);
        self.rollback_only = false;
        out
    }

    /// Appends one entry to the audit log (written with the transaction that makes the change;
    /// call it inside [`Store::transaction`]). There is no way to change or remove one.
    pub fn audit(
        &mut self,
        org: Option<i64>,
        action: &str,
        entity: &str,
        key: &str,
        before: Option<serde_json::Value>,
        after: Option<serde_json::Value>,
    ) -> Result<(), DbError> {
        let actor = self.actor.clone();
        self.pending_audit.push(vec![
            Val::Time(Utc::now()),
            Val::Text(actor),
            Val::opt_int(org),
            Val::text(action),
            Val::text(entity),
            Val::text(key),
            // Serialised now: one string per entry instead of a tree of small allocations.
            before.map_or(Val::Null, |j| Val::Text(j.to_string())),
            after.map_or(Val::Null, |j| Val::Text(j.to_string())),
        ]);
        if self.pending_audit.len() >= 5_000 {
            self.flush_audit()?;
        }
        Ok(())
    }

    /// The organisation with this code, creating it if needed (audited).
    pub fn ensure_org(&mut self, code: &str, name: &str) -> Result<Org, StoreError> {
        if let Some(org) = self.org(code)? {
            return Ok(org);
        }
        let code = kejing_engine::Code::parse(code)
            .map_err(|e| StoreError::Invalid(format!("organisation code {code:?}: {e}")))?;
        self.transaction(|s| {
            s.conn.exec(
                "INSERT INTO organisations (code, name, created_at) VALUES ($1, $2, $3)",
                &[
                    Val::text(code.as_str()),
                    Val::text(name),
                    Val::Time(Utc::now()),
                ],
            )?;
            s.audit(
                None,
                "create",
                "organisations",
                code.as_str(),
                None,
                Some(serde_json::json!({"code": code.as_str(), "name": name})),
            )?;
            Ok::<_, StoreError>(())
        })?;
        self.org(code.as_str())?
            .ok_or_else(|| StoreError::Invalid(format!("organisation {code} vanished")))
    }

    pub fn org(&mut self, code: &str) -> Result<Option<Org>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {ORG_COLS} FROM organisations WHERE code = $1"),
            &[Val::text(code.trim())],
            ORG_TYS,
        )?;
        Ok(rows.first().map(|r| org_of(r)).transpose()?)
    }

    pub fn orgs(&mut self) -> Result<Vec<Org>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {ORG_COLS} FROM organisations ORDER BY code"),
            &[],
            ORG_TYS,
        )?;
        Ok(rows.iter().map(|r| org_of(r)).collect::<Result<_, _>>()?)
    }
}

const ORG_COLS: &str = "id, code, name";
const ORG_TYS: &[Ty] = &[Ty::Int, Ty::Text, Ty::Text];

fn org_of(r: &[Val]) -> Result<Org, DbError> {
    let c = Cols::new("organisations", r);
    Ok(Org {
        id: c.int(0)?,
        code: c.text(1)?,
        name: c.text(2)?,
    })
}

/// The URL with any password replaced by `***`.
pub fn redact(url: &str) -> String {
    if let Some((scheme, rest)) = url.split_once("://")
        && let Some((auth, host)) = rest.split_once('@')
        && let Some((user, _)) = auth.split_once(':')
    {
        return format!("{scheme}://{user}:***@{host}");
    }
    url.to_owned()
}
