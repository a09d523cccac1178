//! Agreement prices (协议价, C3, 客户经理规章制度 一(5)): the hotel has no agreement price for
//! individuals; a customer manager whose new unit asks for one investigates the unit and
//! reports it, and only with the department manager's consent is the agreement signed. Here:
//! a request with the terms and what was found out, decided by someone else who may decide
//! agreements; an approval marks the client an agreement unit.

use crate::access::{Action, Actor};
use crate::{Error, Result};
use kejing_store::Store;
use kejing_store::agreements::AgreementRequest;
use kejing_store::workflow::AgreementStatus;

/// What an agreement request says.
#[derive(Debug, Clone)]
pub struct AgreementInput {
    pub client: String,
    /// The customer manager who brought the unit (the actor themself for a customer manager).
    pub manager: String,
    pub terms: String,
    pub investigation: String,
}

/// The requests the actor may see (their managers'), newest first.
pub fn list(store: &mut Store, actor: &Actor) -> Result<Vec<AgreementRequest>> {
    actor.require(Action::ViewClients)?;
    Ok(store
        .agreement_requests(&actor.org)?
        .into_iter()
        .filter(|r| actor.sees(&r.manager))
        .collect())
}

/// Asks for a client to be an agreement unit. Refused for an individual (个人无协议价), for a
/// client that is one already, without the investigation, and while another request for the
/// client is open.
pub fn request(store: &mut Store, actor: &Actor, input: &AgreementInput) -> Result<i64> {
    actor.require(Action::RequestAgreement)?;
    store.set_actor(actor.name.clone());
    let client = input.client.trim();
    let manager = input.manager.trim();
    actor.require_manager(manager)?;
    if input.terms.trim().is_empty() {
        return Err(Error::invalid(
            "an agreement request states the agreed price terms (--terms)",
        ));
    }
    if input.investigation.trim().is_empty() {
        return Err(Error::invalid(
            "an agreement request reports what was found out about the unit (--investigation): 须调查清楚该单位详细资料",
        ));
    }
    let org = actor.org.clone();
    store.write(&org, |s| {
        match s.client_kind(&org, client)? {
            None => return Err(Error::invalid(format!("there is no client {client}"))),
            Some((Some(kind), _)) if kind == "person" => {
                return Err(Error::invalid(format!(
                    "client {client} is an individual: there is no agreement price for individuals (本饭店对个人无享受协议价制度)"
                )));
            }
            Some((_, true)) => {
                return Err(Error::invalid(format!(
                    "client {client} is an agreement unit already"
                )));
            }
            Some(_) => {}
        }
        if s.manager_is_cm(&org, manager)?.is_none() {
            return Err(Error::invalid(format!("there is no customer manager {manager}")));
        }
        let id = s.insert_agreement_request(
            &org,
            client,
            manager,
            input.terms.trim(),
            input.investigation.trim(),
        )?;
        Ok::<_, Error>(id)
    })
}

/// Approves (`approve = true`) or rejects an open request. The one who asked cannot decide
/// it; a rejection needs a reason; of concurrent decisions one takes effect and the others
/// are told who decided and when.
pub fn decide(
    store: &mut Store,
    actor: &Actor,
    id: i64,
    approve: bool,
    text: &str,
) -> Result<AgreementRequest> {
    actor.require(Action::DecideAgreement)?;
    store.set_actor(actor.name.clone());
    if !approve && text.trim().is_empty() {
        return Err(Error::invalid("a rejection needs a reason"));
    }
    let org = actor.org.clone();
    store.write(&org, |s| {
        let Some(r) = s.agreement_request(&org, id)? else {
            return Err(Error::NotFound(format!(
                "there is no agreement request #{id}"
            )));
        };
        if !actor.sees(&r.manager) {
            return Err(Error::Forbidden(format!(
                "agreement request #{id} is outside {}'s scope",
                actor.name
            )));
        }
        actor.require_other_than(&r.requested_by, "agreement", id)?;
        let to = if approve {
            AgreementStatus::Approved
        } else {
            AgreementStatus::Rejected
        };
        s.decide_agreement_request(&org, id, to, text.trim())?;
        s.agreement_request(&org, id)?.ok_or_else(|| {
            Error::Internal(format!(
                "agreement request #{id} vanished while deciding it"
            ))
        })
    })
}
