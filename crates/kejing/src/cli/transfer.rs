//! Transfer verbs: request, approve, reject, list — the same use case as the web's transfer
//! pages (`kejing_app::transfers`). Say who you are with --actor: the one who asked cannot
//! decide.

use super::{Global, TransferCommand, session};
use anyhow::Result;
use kejing_app::transfers::{self, Decision, TransferInput};

pub fn transfer(g: &Global, command: TransferCommand) -> Result<()> {
    let (mut store, actor) = session(g)?;
    match command {
        TransferCommand::Request {
            client,
            from,
            to,
            effective,
            reason,
        } => {
            let id = transfers::request(
                &mut store,
                &actor,
                &TransferInput {
                    client: client.clone(),
                    from: from.clone(),
                    to: to.clone(),
                    effective_on: effective,
                    reason,
                },
            )?;
            outln!(
                "transfer request #{id}: client {client} from {from} to {to} from {effective}; someone other than {} decides it: kejing transfer approve {id}",
                actor.name
            );
        }
        TransferCommand::Approve { id, reason } => {
            let t = transfers::decide(&mut store, &actor, id, Decision::Approve, &reason)?;
            outln!(
                "transfer request #{id} approved: client {} belongs to {} from {}",
                t.client,
                t.to_manager,
                t.effective_on
            );
        }
        TransferCommand::Reject { id, reason } => {
            transfers::decide(&mut store, &actor, id, Decision::Reject, &reason)?;
            outln!("transfer request #{id} rejected");
        }
        TransferCommand::List => {
            outln!(
                "id\tclient\tfrom\tto\teffective_on\tstatus\trequested_by\tdecided_by\treason\tdecision"
            );
            for t in transfers::list(&mut store, &actor)? {
                outln!(
                    "{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}\t{}",
                    t.id,
                    t.client,
                    t.from_manager,
                    t.to_manager,
                    t.effective_on,
                    t.status,
                    t.requested_by,
                    t.decided_by.unwrap_or_default(),
                    t.reason,
                    t.decision.unwrap_or_default()
                );
            }
        }
    }
    Ok(())
}
