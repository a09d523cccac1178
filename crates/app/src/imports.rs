//! Imports of the contract's tables from CSV or XLSX: every row checked, all or nothing, in
//! one change of the organisation (two imports of the same file at once: one effect, one
//! "unchanged"). A preview runs the same import and rolls it back.

use crate::access::{Action, Actor};
use crate::{Error, Result};
use kejing_io::Table;
use kejing_store::import::Progress;
use kejing_store::{ImportOptions, ImportReport, Store};
use std::path::Path;

/// Imports one table from a file into the actor's organisation.
pub fn import(
    store: &mut Store,
    actor: &Actor,
    table: Table,
    path: &Path,
    options: &ImportOptions,
    progress: Progress<'_>,
) -> Result<ImportReport> {
    actor.require(Action::Import)?;
    store.set_actor(actor.name.clone());
    let org = actor.org.clone();
    store
        .import(&org, table, path, options, progress)
        .map_err(Error::from)
}

/// What importing the file would do, checked against the database, with nothing written.
pub fn preview(
    store: &mut Store,
    actor: &Actor,
    table: Table,
    path: &Path,
    options: &ImportOptions,
) -> Result<ImportReport> {
    actor.require(Action::Import)?;
    store.set_actor(actor.name.clone());
    let org = actor.org.clone();
    store
        .preview(|s| s.import(&org, table, path, options, &mut |_, _, _| {}))
        .map_err(Error::from)
}
