//! Ownership claims (认领, B3): request, approve, reject, list — the use cases of
//! `kejing_app::claims`. The one who asked cannot decide (say who you are with --actor or --as).

use super::{Global, session};
use anyhow::Result;
use clap::Subcommand;
use kejing_app::claims::{self, ClaimInput};

#[derive(Subcommand)]
pub enum ClaimCommand {
    /// Claim an unowned client, or (--share) a share of an owned one, from a day.
    Request {
        #[arg(long)]
        client: String,
        /// The claimant.
        #[arg(long)]
        manager: String,
        /// The share asked for, e.g. 0.5 (taken from the owners in proportion); without it,
        /// the whole client (only while nobody owns it).
        #[arg(long)]
        share: Option<String>,
        #[arg(long)]
        effective: chrono::NaiveDate,
        #[arg(long)]
        reason: String,
    },
    /// Approve an open claim (not the one who asked): the ledger changes from its day.
    Approve {
        id: i64,
        #[arg(long, default_value = "")]
        reason: String,
    },
    /// Reject an open claim with a reason.
    Reject {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// List the claims: owners on the day, not-new flags, rival claims on the same client.
    List,
}

pub fn claim(g: &Global, command: ClaimCommand) -> Result<()> {
    let (mut store, actor) = session(g)?;
    match command {
        ClaimCommand::Request {
            client,
            manager,
            share,
            effective,
            reason,
        } => {
            let id = claims::request(
                &mut store,
                &actor,
                &ClaimInput {
                    client: client.clone(),
                    manager: manager.clone(),
                    share,
                    effective_on: effective,
                    reason,
                },
            )?;
            outln!(
                "claim #{id}: {manager} on client {client} from {effective}; someone other than {} decides it: kejing claim approve {id}",
                actor.name
            );
        }
        ClaimCommand::Approve { id, reason } => {
            let c = claims::decide(&mut store, &actor, id, true, &reason)?;
            outln!(
                "claim #{id} approved: {} owns {} of client {} from {}",
                c.manager,
                c.share,
                c.client,
                c.effective_on
            );
        }
        ClaimCommand::Reject { id, reason } => {
            claims::decide(&mut store, &actor, id, false, &reason)?;
            outln!("claim #{id} rejected");
        }
        ClaimCommand::List => {
            outln!(
                "id,client,manager,share,effective_on,status,owners,not_new,rivals,requested_by,decided_by"
            );
            for v in claims::list(&mut store, &actor)? {
                let c = &v.claim;
                let owners: Vec<String> =
                    v.owners.iter().map(|(m, r)| format!("{m} {r}")).collect();
                let not_new = match (v.agreement, v.returning) {
                    (true, _) => "agreement unit",
                    (_, true) => "returning old client",
                    _ => "",
                };
                let rivals: Vec<String> = v.rivals.iter().map(|r| format!("#{r}")).collect();
                outln!(
                    "{},{},{},{},{},{},{},{},{},{},{}",
                    c.id,
                    c.client,
                    c.manager,
                    c.share,
                    c.effective_on,
                    c.status,
                    owners.join(" "),
                    not_new,
                    rivals.join(" "),
                    c.requested_by,
                    c.decided_by.as_deref().unwrap_or("")
                );
            }
        }
    }
    Ok(())
}
