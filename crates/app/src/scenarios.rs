//! What-if scenarios a performance office keeps (issue 14, Deliver 7): a simulation saved under
//! a name with its result as computed then, listed, opened, exported and deleted. Saving needs
//! the right to keep scenarios (the performance office, a branch head; not an auditor); a name is the organisation's own, and of two saves of one name at once
//! one is kept and the other is told who saved it. A scenario is deleted by whoever saved it or
//! by an administrator.

use crate::access::{Action, Actor, Role};
use crate::error::Kind;
use crate::{Error, Result};
use kejing_store::Store;
use kejing_store::StoreError;
pub use kejing_store::scenarios::{MAX_RESULT, NewScenario, ScenarioRow};

/// The longest name a scenario may have (characters).
pub const MAX_NAME: usize = 80;

/// The scenarios the actor's organisation saved, newest first.
pub fn list(store: &mut Store, actor: &Actor) -> Result<Vec<ScenarioRow>> {
    actor.require(Action::WhatIf)?;
    Ok(store.scenarios(&actor.org, 200)?)
}

/// Scenario `id` with its result (a JSON document).
pub fn open(store: &mut Store, actor: &Actor, id: i64) -> Result<(ScenarioRow, String)> {
    actor.require(Action::WhatIf)?;
    store
        .scenario(&actor.org, id)?
        .ok_or_else(|| gone(id, Kind::NotFound))
}

/// Scenario `id` is not there: not found to open, already deleted (a conflict) to delete.
fn gone(id: i64, kind: Kind) -> Error {
    Error::said(
        kind,
        "scenario-gone",
        &[("id", id.to_string())],
        format!("scenario #{id} is not there (deleted, or never saved)"),
    )
}

/// Saves a scenario under `new.name` (trimmed); returns its id.
pub fn save(store: &mut Store, actor: &Actor, new: &NewScenario<'_>) -> Result<i64> {
    actor.require(Action::SaveScenario)?;
    let name = new.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control) {
        return Err(Error::said(
            Kind::Invalid,
            "scenario-name-invalid",
            &[("max", MAX_NAME.to_string())],
            format!("give the scenario a name of 1 to {MAX_NAME} characters"),
        ));
    }
    let new = NewScenario {
        name,
        ..new.clone()
    };
    store.set_actor(actor.name.clone());
    let org = actor.org.clone();
    match store.write(&org, |s| s.save_scenario(&org, &new)) {
        Ok(id) => Ok(id),
        Err(StoreError::Conflict(english)) => {
            let by = store
                .scenarios(&org, 10_000)?
                .into_iter()
                .find(|x| x.name == name);
            let (by, at) = by.map_or_else(Default::default, |x| (x.created_by, x.created_at));
            Err(Error::said(
                Kind::Conflict,
                "scenario-name-taken",
                &[("name", name.to_owned()), ("by", by), ("at", at)],
                english,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

/// Deletes scenario `id`: its author or an administrator may.
pub fn delete(store: &mut Store, actor: &Actor, id: i64) -> Result<()> {
    actor.require(Action::SaveScenario)?;
    store.set_actor(actor.name.clone());
    let org = actor.org.clone();
    store.write(&org, |s| {
        let Some((found, _)) = s.scenario(&org, id)? else {
            return Err(gone(id, Kind::Conflict));
        };
        if found.created_by != actor.name && actor.role != Role::Admin {
            return Err(Error::said(
                Kind::Forbidden,
                "scenario-not-yours",
                &[("id", id.to_string()), ("by", found.created_by.clone())],
                format!(
                    "scenario #{id} was saved by {}; only they or an administrator delete it",
                    found.created_by
                ),
            ));
        }
        s.delete_scenario(&org, id).map_err(|e| match e {
            StoreError::Conflict(_) => gone(id, Kind::Conflict),
            e => e.into(),
        })
    })
}
