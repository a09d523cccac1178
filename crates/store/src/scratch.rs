//! Scratch databases on a database server: created under a new name on the server a URL
//! names, dropped when their guard goes. The test suites run on PostgreSQL or MySQL/MariaDB
//! this way (`KEJING_TEST_PG_URL`, `KEJING_TEST_MYSQL_URL`: a URL of the server ending with
//! some database, e.g. `postgres://postgres@127.0.0.1:5432/postgres` or
//! `mysql://root@127.0.0.1:3306/mysql`), else on an SQLite file.

use crate::StoreError;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A database made for one test (or one run), dropped with the guard when it is on a server.
#[derive(Debug)]
pub struct ScratchDb {
    /// The URL to open it with.
    pub url: String,
    server: Option<(String, String)>,
}

/// The server the environment names for the test suites, if any: `KEJING_TEST_MYSQL_URL`,
/// else `KEJING_TEST_PG_URL`.
pub fn test_server() -> Option<String> {
    ["KEJING_TEST_MYSQL_URL", "KEJING_TEST_PG_URL"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))
}

impl ScratchDb {
    /// A new database named `<prefix>_<process>_<n>` on the server of [`test_server`], else
    /// the SQLite file `sqlite_file`. An error when the server named cannot be reached: a test
    /// run that asked for a server must never quietly fall back to SQLite.
    pub fn for_tests(prefix: &str, sqlite_file: &Path) -> Result<ScratchDb, StoreError> {
        match test_server() {
            Some(server) => {
                let name = format!(
                    "{prefix}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst)
                );
                ScratchDb::create(&server, &name).map_err(|e| {
                    StoreError::Invalid(format!(
                        "the test database server {} cannot give a scratch database: {e}",
                        crate::redact(&server)
                    ))
                })
            }
            None => Ok(ScratchDb {
                url: sqlite_file.display().to_string(),
                server: None,
            }),
        }
    }

    /// Creates database `name` (replacing one of that name) on the server of `server_url`.
    pub fn create(server_url: &str, name: &str) -> Result<ScratchDb, StoreError> {
        if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return Err(StoreError::Invalid(format!(
                "{name}: a scratch database's name is letters, digits and _"
            )));
        }
        let Some((base, _)) = server_url.rsplit_once('/') else {
            return Err(StoreError::Invalid(format!(
                "{}: the URL must end with /database",
                crate::redact(server_url)
            )));
        };
        server_sql(server_url, &drop_statement(server_url, name))?;
        server_sql(server_url, &create_statement(server_url, name))?;
        Ok(ScratchDb {
            url: format!("{base}/{name}"),
            server: Some((server_url.to_owned(), name.to_owned())),
        })
    }

    /// Whether the database is on a server (not an SQLite file).
    pub fn on_server(&self) -> bool {
        self.server.is_some()
    }
}

impl Drop for ScratchDb {
    fn drop(&mut self) {
        if let Some((server, name)) = &self.server {
            let _ = server_sql(server, &drop_statement(server, name));
        }
    }
}

fn is_mysql(url: &str) -> bool {
    url.starts_with("mysql://") || url.starts_with("mariadb://")
}

fn drop_statement(server: &str, name: &str) -> String {
    if is_mysql(server) {
        format!("DROP DATABASE IF EXISTS {name}")
    } else {
        format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    }
}

fn create_statement(server: &str, name: &str) -> String {
    if is_mysql(server) {
        format!("CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
    } else {
        format!("CREATE DATABASE {name}")
    }
}

/// Runs one statement outside any transaction on the server's database of `url`, on a plain
/// thread: the PostgreSQL driver blocks on a runtime of its own, which a caller inside an
/// async runtime (a `#[tokio::test]`) must not do on its own thread.
fn server_sql(url: &str, sql: &str) -> Result<(), StoreError> {
    let (url, sql) = (url.to_owned(), sql.to_owned());
    std::thread::spawn(move || {
        let mut conn = crate::backend::connect(&url)?;
        conn.batch(&sql)?;
        Ok(())
    })
    .join()
    .unwrap_or_else(|_| {
        Err(StoreError::Invalid(
            "the thread that talks to the database server stopped".into(),
        ))
    })
}
