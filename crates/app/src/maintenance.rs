//! Maintenance of the whole database, for its administrator (the command line): an online,
//! consistent backup and a restore into a new database.

use crate::Result;
use kejing_store::Store;
use std::path::Path;

/// Writes a consistent copy of the database at `url` (opened as `store`) to `out`.
pub fn backup(store: &mut Store, url: &str, out: &Path) -> Result<()> {
    Ok(store.backup(url, out)?)
}

/// Restores `file` into the new database at `url` (an SQLite file that does not exist yet, or
/// an empty PostgreSQL database); then brings its schema up to date.
pub fn restore(file: &Path, url: &str) -> Result<()> {
    kejing_store::backup::restore(file, url)?;
    drop(Store::open(url)?);
    Ok(())
}
