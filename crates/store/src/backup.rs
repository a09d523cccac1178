//! Backup and restore of the whole database, online and consistent: SQLite's `VACUUM INTO`
//! (a transaction-consistent copy written while others keep working), PostgreSQL's `pg_dump`
//! in its custom format (one snapshot) and `pg_restore`. And a dump of every table as text,
//! ordered, to prove that a restore holds exactly what was backed up.

use crate::sql::{Dialect, Ty, Val};
use crate::{Store, StoreError};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Every table's rows as text cells, sorted: the contents of a database, for comparing two.
pub type TableDump = BTreeMap<String, Vec<Vec<String>>>;

impl Store {
    /// Writes a consistent copy of the whole database to `out` (which must not exist).
    pub fn backup(&mut self, url: &str, out: &Path) -> Result<(), StoreError> {
        if out.exists() {
            return Err(StoreError::Invalid(format!(
                "{} exists already: name a new file for the backup",
                out.display()
            )));
        }
        match self.dialect() {
            Dialect::Sqlite => {
                let target = out.display().to_string().replace('\'', "''");
                self.conn.batch(&format!("VACUUM INTO '{target}'"))?;
                Ok(())
            }
            Dialect::Postgres => run(
                Command::new("pg_dump")
                    .args(["--format=custom", "--no-owner", "--file"])
                    .arg(out)
                    .arg("--dbname")
                    .arg(url),
                "pg_dump",
            ),
            Dialect::Mysql => {
                let file = std::fs::File::create_new(out).map_err(|e| {
                    StoreError::Invalid(format!("cannot write {}: {e}", out.display()))
                })?;
                let mut cmd = mysql_tool("mysqldump", url)?;
                cmd.args(["--single-transaction", "--routines", "--triggers"])
                    .stdout(file);
                run(&mut cmd, "mysqldump")
            }
        }
    }

    /// The names of the tables, sorted.
    pub fn table_names(&mut self) -> Result<Vec<String>, StoreError> {
        let sql = match self.dialect() {
            Dialect::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Dialect::Postgres => {
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY table_name"
            }
            Dialect::Mysql => {
                "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name"
            }
        };
        let rows = self.conn.query(sql, &[], &[Ty::Text])?;
        Ok(rows.iter().map(|r| r[0].to_cell()).collect())
    }

    fn column_names(&mut self, table: &str) -> Result<Vec<String>, StoreError> {
        let rows = match self.dialect() {
            Dialect::Sqlite => self.conn.query(
                "SELECT name FROM pragma_table_info($1) ORDER BY cid",
                &[Val::text(table)],
                &[Ty::Text],
            )?,
            Dialect::Postgres => self.conn.query(
                "SELECT column_name::text FROM information_schema.columns WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
                &[Val::text(table)],
                &[Ty::Text],
            )?,
            Dialect::Mysql => self.conn.query(
                // Not the generated columns that stand in for PostgreSQL's partial unique
                // indexes (the migrations of MySQL): the same columns as on the other two.
                "SELECT CAST(column_name AS CHAR) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = $1 AND is_generated = 'NEVER' ORDER BY ordinal_position",
                &[Val::text(table)],
                &[Ty::Text],
            )?,
        };
        Ok(rows.iter().map(|r| r[0].to_cell()).collect())
    }

    /// Every row of every table as text (NULL as `∅`), each table's rows sorted; the schema
    /// migrations' times are left out (a restore applies none).
    pub fn dump_tables(&mut self) -> Result<TableDump, StoreError> {
        let mut out = TableDump::new();
        for table in self.table_names()? {
            let cols = self.column_names(&table)?;
            if cols.is_empty() {
                continue;
            }
            let select: Vec<String> = cols
                .iter()
                .map(|c| format!("CAST(\"{}\" AS TEXT)", c.replace('"', "\"\"")))
                .collect();
            let sql = format!(
                "SELECT {} FROM \"{}\"",
                select.join(", "),
                table.replace('"', "\"\"")
            );
            let types = vec![Ty::Text; cols.len()];
            let mut rows: Vec<Vec<String>> = self
                .conn
                .query(&sql, &[], &types)?
                .into_iter()
                .map(|r| {
                    r.into_iter()
                        .map(|v| match v {
                            Val::Null => "∅".to_owned(),
                            v => v.to_cell(),
                        })
                        .collect()
                })
                .collect();
            rows.sort();
            out.insert(table, rows);
        }
        Ok(out)
    }
}

/// Restores a backup made by [`Store::backup`] into the database at `url`, which must be new
/// (an SQLite file that does not exist yet, or an empty PostgreSQL database).
pub fn restore(file: &Path, url: &str) -> Result<(), StoreError> {
    if !file.is_file() {
        return Err(StoreError::Invalid(format!(
            "{}: no such backup file",
            file.display()
        )));
    }
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let mut client = postgres::Client::connect(url, postgres::NoTls).map_err(|e| {
            StoreError::Invalid(format!(
                "cannot connect to {}: {}",
                crate::redact(url),
                crate::sql::pg_msg(&e)
            ))
        })?;
        let tables: i64 = client
            .query_one(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'",
                &[],
            )
            .and_then(|r| r.try_get(0))
            .map_err(|e| StoreError::Invalid(crate::sql::pg_msg(&e)))?;
        if tables > 0 {
            return Err(StoreError::Invalid(format!(
                "{}: the database is not empty; restore into a new database (createdb) so that nothing is overwritten",
                crate::redact(url)
            )));
        }
        drop(client);
        return run(
            Command::new("pg_restore")
                .args([
                    "--no-owner",
                    "--exit-on-error",
                    "--single-transaction",
                    "--dbname",
                ])
                .arg(url)
                .arg(file),
            "pg_restore",
        );
    }
    if url.starts_with("mysql://") || url.starts_with("mariadb://") {
        // Checked without opening a store, which would create the schema.
        let mut conn = crate::backend::connect(url)?;
        let tables = conn
            .scalar(
                "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE()",
                &[],
                Ty::Int,
            )?
            .as_i64()
            .unwrap_or(0);
        if tables > 0 {
            return Err(StoreError::Invalid(format!(
                "{}: the database is not empty; restore into a new database (CREATE DATABASE) so that nothing is overwritten",
                crate::redact(url)
            )));
        }
        drop(conn);
        let input = std::fs::File::open(file)
            .map_err(|e| StoreError::Invalid(format!("cannot read {}: {e}", file.display())))?;
        let mut cmd = mysql_tool("mysql", url)?;
        cmd.stdin(input);
        return run(&mut cmd, "mysql");
    }
    let path = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .unwrap_or(url);
    let path = Path::new(path);
    if path.exists() {
        return Err(StoreError::Invalid(format!(
            "{} exists already: restore into a new file so that nothing is overwritten",
            path.display()
        )));
    }
    // The backup must be a sound SQLite database before it becomes the database.
    let check =
        rusqlite::Connection::open_with_flags(file, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .and_then(|c| c.query_row("PRAGMA integrity_check", [], |r| r.get::<_, String>(0)))
            .map_err(|e| {
                StoreError::Invalid(format!("{}: not an SQLite backup: {e}", file.display()))
            })?;
    if check != "ok" {
        return Err(StoreError::Invalid(format!(
            "{}: the backup is damaged ({check})",
            file.display()
        )));
    }
    std::fs::copy(file, path).map_err(|e| {
        StoreError::Invalid(format!(
            "copying {} to {}: {e}",
            file.display(),
            path.display()
        ))
    })?;
    Ok(())
}

/// MySQL's client program `tool` (`mysqldump`, `mysql`) with the connection of `url`
/// (`mysql://user:password@host:port/database`): the password goes by the environment, never
/// on the command line.
fn mysql_tool(tool: &str, url: &str) -> Result<Command, StoreError> {
    let normal = match url.strip_prefix("mariadb://") {
        Some(rest) => format!("mysql://{rest}"),
        None => url.to_owned(),
    };
    let opts = mysql::Opts::from_url(&normal)
        .map_err(|e| StoreError::Invalid(format!("{}: {e}", crate::redact(url))))?;
    let mut cmd = Command::new(tool);
    cmd.arg(format!("--host={}", opts.get_ip_or_hostname()))
        .arg(format!("--port={}", opts.get_tcp_port()))
        .arg("--default-character-set=utf8mb4");
    if let Some(user) = opts.get_user() {
        cmd.arg(format!("--user={user}"));
    }
    if let Some(p) = opts.get_pass() {
        cmd.env("MYSQL_PWD", p);
    }
    let Some(db) = opts.get_db_name() else {
        return Err(StoreError::Invalid(format!(
            "{}: name the database (mysql://user@host:port/database)",
            crate::redact(url)
        )));
    };
    cmd.arg(db);
    Ok(cmd)
}

fn run(cmd: &mut Command, what: &str) -> Result<(), StoreError> {
    let out = cmd.output().map_err(|e| {
        let package = if what.starts_with("pg_") {
            "PostgreSQL's client programs (Debian: postgresql-client)"
        } else {
            "MariaDB's client programs (Debian: mariadb-client)"
        };
        StoreError::Invalid(format!("cannot run {what}: {e}. Install {package}"))
    })?;
    if out.status.success() {
        Ok(())
    } else {
        Err(StoreError::Invalid(format!(
            "{what} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        )))
    }
}
