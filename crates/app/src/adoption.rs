//! Which policies of the folder an organisation uses. Its performance office adopts a policy,
//! or drops it, and the pages that settle, assess or simulate list only the adopted ones. An
//! organisation that adopted none sees every policy. Each change is one audited, conditional
//! step; a second request for the same change is told who already made it.

use crate::access::{Action, Actor};
use crate::error::Kind;
use crate::{Error, Result};
use kejing_store::Store;
pub use kejing_store::org_policies::AdoptedPolicy;

/// The policies the actor's organisation adopted, by name.
pub fn adopted(store: &mut Store, actor: &Actor) -> Result<Vec<AdoptedPolicy>> {
    Ok(store.adopted_policies(&actor.org)?)
}

/// Adopts policy `name` for the actor's organisation (`adopt` true) or drops it. The caller
/// checks that the folder holds the policy.
pub fn set_adopted(store: &mut Store, actor: &Actor, name: &str, adopt: bool) -> Result<()> {
    actor.require(Action::AdoptPolicy)?;
    store.set_actor(actor.name.clone());
    let org = actor.org.clone();
    store.write(&org, |s| {
        let now = s.adopted_policies(&org)?;
        let found = now.iter().find(|p| p.policy == name);
        match (adopt, found) {
            (true, Some(p)) => Err(Error::said(
                Kind::Conflict,
                "policy-already-adopted",
                &[
                    ("policy", name.to_owned()),
                    ("by", p.adopted_by.clone()),
                    ("at", p.adopted_at.clone()),
                ],
                format!(
                    "policy {name} is already adopted by {} at {}",
                    p.adopted_by, p.adopted_at
                ),
            )),
            (false, None) => Err(Error::said(
                Kind::Conflict,
                "policy-not-adopted",
                &[("policy", name.to_owned())],
                format!("policy {name} is not adopted (already dropped)"),
            )),
            _ => Ok(s.set_policy_adopted(&org, name, adopt)?),
        }
    })
}
