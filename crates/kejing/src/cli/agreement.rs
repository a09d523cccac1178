//! Agreement-price verbs (协议价, C3): request, approve, reject, list — the use cases of
//! `kejing_app::agreements`. Say who you are with --actor: the one who asked cannot decide.

use super::{AgreementCommand, Global, session};
use anyhow::Result;
use kejing_app::agreements::{self, AgreementInput};

pub fn agreement(g: &Global, command: AgreementCommand) -> Result<()> {
    let (mut store, actor) = session(g)?;
    match command {
        AgreementCommand::Request {
            client,
            manager,
            terms,
            investigation,
        } => {
            let id = agreements::request(
                &mut store,
                &actor,
                &AgreementInput {
                    client: client.clone(),
                    manager,
                    terms,
                    investigation,
                },
            )?;
            outln!(
                "agreement request #{id} for client {client}; the department manager (not {}) decides it: kejing agreement approve {id}",
                actor.name
            );
        }
        AgreementCommand::Approve { id, reason } => {
            let r = agreements::decide(&mut store, &actor, id, true, &reason)?;
            outln!(
                "agreement request #{id} approved: client {} is an agreement unit ({})",
                r.client,
                r.terms
            );
        }
        AgreementCommand::Reject { id, reason } => {
            agreements::decide(&mut store, &actor, id, false, &reason)?;
            outln!("agreement request #{id} rejected");
        }
        AgreementCommand::List => {
            outln!(
                "id\tclient\tmanager\tterms\tinvestigation\tstatus\trequested_by\tdecided_by\tdecision"
            );
            for r in agreements::list(&mut store, &actor)? {
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    r.id,
                    r.client,
                    r.manager,
                    r.terms,
                    r.investigation,
                    r.status,
                    r.requested_by,
                    r.decided_by.unwrap_or_default(),
                    r.decision.unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}
