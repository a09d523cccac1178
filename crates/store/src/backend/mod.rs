//! The seam between the store and the databases it runs on: every way in which SQLite,
//! PostgreSQL and MySQL/MariaDB differ, answered once per backend.
//!
//! [`Backend`] is the SQL a backend speaks (how a statement is rendered, which statements open,
//! commit and roll back transactions, the organisation's write lock, its schema, upserts, new
//! ids, the bulk path of balances, how its errors read). Each backend is one module with a unit
//! struct implementing it ([`Sqlite`], [`Postgres`], [`Mysql`]) next to its driver glue: connecting, running
//! statements and converting values to and from [`Val`](crate::sql::Val).
//!
//! **Why a trait and not an enum with one method per difference.** With an enum every method
//! would be a `match` over all backends, so a third one (MySQL/MariaDB) would again be an edit in
//! every method, only now in one file. With a trait a backend's answers live together in its own
//! module, and the compiler lists what a new `impl Backend` still has to answer. The trait has no
//! default methods on purpose: where SQLite and PostgreSQL agree (`ON CONFLICT`, `RETURNING id`,
//! `COMMIT`), a new backend must still decide for itself. The backends are stateless unit
//! structs reached as `&'static dyn Backend` ([`Dialect::backend`]), so [`Store`](crate::Store)
//! takes no type parameter and the layers above do not change; a virtual call per statement costs
//! nothing next to a round trip to the database.
//!
//! # What still branches on the backend, and why
//!
//! - [`Dialect::backend`] (and [`Dialect::ALL`]) in this module and
//!   [`Conn::dialect`](crate::sql::Conn::dialect): the one mapping from a connection to its
//!   backend.
//! - `backend::connect`: the URL's scheme selects the backend (`postgres://…`, `mysql://…` or
//!   `mariadb://…`, else a SQLite path).
//! - `sql::Conn::{batch, exec, query}`: [`Conn`] is an enum of the drivers' connections, and
//!   each call goes to the connection's driver module (`sqlite::exec`, `postgres::exec`, …):
//!   different client libraries, not different SQL. `Conn::insert_id` reads MySQL's new id with
//!   `LAST_INSERT_ID()` (an INSERT there returns no rows).
//! - `import/balances.rs`: `import_balances` takes the path [`Backend::bulk_balances`] names,
//!   and each path is code for one driver's bulk API: `stream_balances_sqlite` runs a rusqlite
//!   prepared statement on a `Conn::Sqlite`; the `COPY` path (`copy_balances`, the staging table
//!   `ON COMMIT DROP`, the overlap check) runs on the `postgres` client of a `Conn::Postgres`;
//!   MySQL's multi-row `INSERT`s (`import/balances_mysql.rs`) go through `Conn::exec`.
//! - `backup.rs`: backup and restore use each database's own tool (`VACUUM INTO` and a file
//!   copy for SQLite; `pg_dump`/`pg_restore` for PostgreSQL) and its catalogue
//!   (`sqlite_master`, `information_schema`) to list tables for the table dump. A third
//!   backend has its arm there (MySQL: `mysqldump`/`mysql` and `information_schema`).
//! - `scratch.rs`: a scratch database is created and dropped with each server's own statement.
//! - `login.rs` and `lib.rs`' `Store::write` call the trait (no branch of their own).
//! - The migrations are SQL files per backend (`migrations/<backend>/`), listed by
//!   [`Backend::migrations`].
//! - Tests: `sql::tests`, `backend::tests` and `mysql::tests` check the backends' answers; the
//!   test suites run on PostgreSQL when `KEJING_TEST_PG_URL` is set and on MySQL/MariaDB when
//!   `KEJING_TEST_MYSQL_URL` is.
//!
//! [`DbError::is_unique_violation`](crate::sql::DbError::is_unique_violation) and `is_busy` do
//! not branch: they ask every backend, since an error keeps only the driver's message.
//!
//! A fourth backend is then a module `backend/<name>.rs` with its `impl
//! Backend`, its driver glue and `migrations/<name>/`, plus what the compiler asks for: a
//! `Dialect` variant (in `Dialect::backend` and `Dialect::ALL`), a `Conn` variant (an arm in
//! `dialect`, `batch`, `exec`, `query`), its URL scheme in `connect`, and its bulk path for
//! balances (a [`BulkBalances`] variant with its driver's code in `import/balances.rs`: both
//! existing paths use their driver's own API).
//!
//! One spelling of the store's SQL is common to all backends without a marker: `CAST(x AS
//! TEXT)` to read decimals and JSON as text. A backend that spells it otherwise rewrites it in
//! [`Backend::render`] (MySQL drops the cast and writes the value as text by its column type).

pub mod mysql;
pub mod postgres;
pub mod sqlite;

pub use self::mysql::Mysql;
pub use self::postgres::Postgres;
pub use self::sqlite::Sqlite;

use crate::StoreError;
use crate::sql::Conn;
use std::borrow::Cow;

/// Which database a connection talks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
    Mysql,
}

impl Dialect {
    /// Every backend (to recognise any driver's error messages).
    pub const ALL: [Dialect; 3] = [Dialect::Sqlite, Dialect::Postgres, Dialect::Mysql];

    /// The SQL this backend speaks.
    pub fn backend(self) -> &'static dyn Backend {
        match self {
            Dialect::Sqlite => &Sqlite,
            Dialect::Postgres => &Postgres,
            Dialect::Mysql => &Mysql,
        }
    }
}

/// How balances are written in bulk (see `import/balances.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BulkBalances {
    /// A reader thread parses the file while the importing thread writes each row with one
    /// prepared upsert in the open transaction (SQLite).
    PreparedStream,
    /// The rows are read and sorted first, then sent with `COPY`: directly into the table when
    /// the period holds no balances yet, else into a staging table merged with an upsert
    /// (PostgreSQL).
    Copy,
    /// The rows are read and sorted first, then written by multi-row `INSERT`s of 500 rows:
    /// directly into the table when the period holds no balances yet, else into a temporary
    /// table merged with an upsert (MySQL/MariaDB).
    MultiRowInsert,
}

/// The SQL of one backend. See the [module documentation](self) for why this is a trait.
pub trait Backend: Sync {
    /// The backend's name, for messages.
    fn name(&self) -> &'static str;

    /// The statement as this backend runs it: the store writes `$1…` placeholders, `{dec}`
    /// after a placeholder for an exact decimal passed as text and `{json}` for JSON text.
    /// Text inside string literals (`'…'`, with `''` for a quote) and quoted identifiers
    /// (`"…"`) is left as it is (see [`rewrite_outside_literals`]).
    fn render<'a>(&self, sql: &'a str) -> Cow<'a, str>;

    /// Begins a transaction that writes: it must hold what keeps two writers of one
    /// organisation apart from its first statement, together with [`Backend::org_write_lock`].
    fn begin_write(&self) -> &'static str;

    /// Begins a read-only transaction that sees one consistent snapshot.
    fn begin_read(&self) -> &'static str;

    /// Begins the transaction of one schema migration.
    fn begin_migration(&self) -> &'static str;

    fn commit(&self) -> &'static str;

    fn rollback(&self) -> &'static str;

    /// The statement that takes the organisation's write lock (`$1` is its id) as the first
    /// statement of [`Store::write`](crate::Store::write), or `None` when
    /// [`Backend::begin_write`] already holds a lock that serialises writers.
    fn org_write_lock(&self) -> Option<&'static str>;

    /// The column type of `schema_migrations.applied_at`.
    fn timestamp_type(&self) -> &'static str;

    /// The backend's migrations, in order. Never edit one once committed: add a new one.
    fn migrations(&self) -> &'static [(i64, &'static str)];

    /// The clause after `INSERT INTO table (…) VALUES (…)` (or `… SELECT …`) that turns it into
    /// an upsert: on a row with the same `key`, the `update` columns take the new values, and a
    /// row whose values are all the same is not changed (and not counted as changed).
    fn upsert_tail(&self, table: &str, key: &[&str], update: &[&str]) -> String;

    /// `insert` (an `INSERT` statement) as a statement that returns the new row's `id` as its
    /// one column.
    fn insert_returning_id(&self, insert: &str) -> String;

    /// Which bulk path balances take.
    fn bulk_balances(&self) -> BulkBalances;

    /// Whether a driver message says a unique key or index refused a row.
    fn is_unique_violation(&self, message: &str) -> bool;

    /// Whether a driver message says the database gave up waiting for a lock (the request may
    /// be tried again).
    fn is_busy(&self, message: &str) -> bool;

    /// The statement that brings the planner's statistics of `table` up to date after a large
    /// import, or `None` when the backend plans well without them.
    fn refresh_statistics(&self, table: &str) -> Option<String>;
}

/// Opens the database `url` names: `postgres://…` or `postgresql://…` is PostgreSQL;
/// `mysql://…` or `mariadb://…` is MySQL/MariaDB; `sqlite:PATH`, `sqlite::memory:` or a plain
/// file path is SQLite.
pub(crate) fn connect(url: &str) -> Result<Conn, StoreError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Conn::Postgres(Box::new(postgres::connect(url)?)))
    } else if url.starts_with("mysql://") || url.starts_with("mariadb://") {
        Ok(Conn::Mysql(Box::new(mysql::connect(url)?)))
    } else {
        Ok(Conn::Sqlite(sqlite::connect(url)?))
    }
}

/// Rewrites the SQL text outside string literals and quoted identifiers with `code` (which
/// sees each stretch between literals whole); literals are copied as they are.
pub fn rewrite_outside_literals(sql: &str, code: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut stretch = String::new();
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\'' || c == '"' {
            out.push_str(&code(&stretch));
            stretch.clear();
            out.push(c);
            while let Some(d) = chars.next() {
                out.push(d);
                if d == c {
                    if chars.peek() == Some(&c) {
                        // A doubled quote stays inside the literal.
                        if let Some(e) = chars.next() {
                            out.push(e);
                        }
                    } else {
                        break;
                    }
                }
            }
        } else {
            stretch.push(c);
        }
    }
    out.push_str(&code(&stretch));
    out
}

/// `ON CONFLICT (key) DO UPDATE SET c = excluded.c, … WHERE table.c IS DISTINCT FROM
/// excluded.c OR …`, which SQLite and PostgreSQL both understand.
pub(crate) fn on_conflict_do_update(table: &str, key: &[&str], update: &[&str]) -> String {
    let key = key.join(", ");
    if update.is_empty() {
        return format!("ON CONFLICT ({key}) DO NOTHING");
    }
    let set: Vec<String> = update
        .iter()
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let differs: Vec<String> = update
        .iter()
        .map(|c| format!("{table}.{c} IS DISTINCT FROM excluded.{c}"))
        .collect();
    format!(
        "ON CONFLICT ({key}) DO UPDATE SET {} WHERE {}",
        set.join(", "),
        differs.join(" OR ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_backends_answer_every_difference() {
        let tail = "ON CONFLICT (org_id, fact_key) DO UPDATE SET day = excluded.day, amount_fen = excluded.amount_fen \
                    WHERE sales.day IS DISTINCT FROM excluded.day OR sales.amount_fen IS DISTINCT FROM excluded.amount_fen";
        for d in [Dialect::Sqlite, Dialect::Postgres] {
            let b = d.backend();
            assert_eq!(
                b.upsert_tail("sales", &["org_id", "fact_key"], &["day", "amount_fen"]),
                tail,
                "{}",
                b.name()
            );
            assert_eq!(
                b.insert_returning_id("INSERT INTO t (a) VALUES ($1)"),
                "INSERT INTO t (a) VALUES ($1) RETURNING id"
            );
        }
        for d in Dialect::ALL {
            assert_eq!(d.backend().migrations().len(), 20, "{}", d.backend().name());
        }
        assert_eq!(Mysql.bulk_balances(), BulkBalances::MultiRowInsert);
        assert!(Mysql.is_unique_violation("Duplicate entry 'x' for key 'PRIMARY'"));
        assert!(Mysql.is_busy("Deadlock found when trying to get lock"));
        assert_eq!(Sqlite.begin_write(), "BEGIN IMMEDIATE");
        assert_eq!(Sqlite.org_write_lock(), None);
        assert!(
            Postgres
                .org_write_lock()
                .is_some_and(|l| l.contains("FOR NO KEY UPDATE"))
        );
        assert_eq!(Sqlite.bulk_balances(), BulkBalances::PreparedStream);
        assert_eq!(Postgres.bulk_balances(), BulkBalances::Copy);
        assert!(Sqlite.is_unique_violation("UNIQUE constraint failed: disputes.org_id"));
        assert!(!Sqlite.is_unique_violation("duplicate key value violates unique constraint"));
        assert!(Postgres.is_busy("deadlock detected"));
    }
}
