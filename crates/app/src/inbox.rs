//! A user's inbox: what waits for them to decide (disputes, transfers and claims in their
//! scope, runs submitted for review, assessment proposals; never what they asked for or ran
//! themselves) and notices of decisions on what they asked for (a dispute accepted with its
//! amount and period, a transfer or claim decided, a run approved), each marked read per user.

use crate::access::{Action, Actor};
use crate::{Error, Result};
use kejing_store::Store;
use kejing_store::inbox::InboxRow;

/// An entry of the inbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub row: InboxRow,
    /// The notice's key for its read mark (`dispute-12-accepted`): a new decision is new.
    pub key: String,
    /// A notice not yet marked read (tasks are never "read": they leave once decided).
    pub unread: bool,
}

/// The inbox of one user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inbox {
    pub tasks: Vec<Entry>,
    pub notices: Vec<Entry>,
}

impl Inbox {
    /// What the navigation counts: tasks and unread notices.
    pub fn count(&self) -> usize {
        self.tasks.len() + self.notices.iter().filter(|n| n.unread).count()
    }
}

fn key_of(r: &InboxRow) -> String {
    format!("{}-{}-{}", r.kind, r.id, r.status)
}

/// Whether the actor may decide a waiting row: the right, the scope, and never their own.
fn decides(actor: &Actor, r: &InboxRow) -> bool {
    let me = actor.name.as_str();
    let sees = r.manager.as_deref().is_none_or(|m| actor.sees(m));
    match r.kind {
        "dispute" => actor.can(Action::DecideDispute) && sees && r.by != me,
        "transfer" => {
            let to = r
                .args
                .iter()
                .find(|(k, _)| *k == "to")
                .is_none_or(|(_, v)| actor.sees(v));
            actor.can(Action::DecideTransfer) && sees && to && r.by != me
        }
        "claim" => actor.can(Action::DecideTransfer) && sees && r.by != me,
        "run" => {
            let ran = r
                .args
                .iter()
                .any(|(k, v)| *k == "actor" && v.as_str() == me);
            actor.can(Action::ApproveRun) && r.by != me && !ran
        }
        "proposals" => actor.can(Action::ApproveAssessment) && r.by != me,
        _ => false,
    }
}

/// The actor's inbox, newest notices first.
pub fn inbox(store: &mut Store, actor: &Actor) -> Result<Inbox> {
    let org = actor.org.clone();
    let read = store.inbox_read(&org, &actor.name)?;
    let notices = store
        .inbox_notices(&org, &actor.name, actor.manager.as_deref())?
        .into_iter()
        .filter(|r| r.by != actor.name)
        .map(|row| {
            let key = key_of(&row);
            Entry {
                unread: !read.contains(&key),
                key,
                row,
            }
        })
        .collect();
    let tasks = store
        .inbox_waiting(&org)?
        .into_iter()
        .filter(|r| decides(actor, r))
        .map(|row| Entry {
            key: key_of(&row),
            unread: true,
            row,
        })
        .collect();
    Ok(Inbox { tasks, notices })
}

/// Marks the actor's notices read: those named, or every one (`keys` empty). Marking one twice
/// changes nothing; how many were new.
pub fn mark_read(store: &mut Store, actor: &Actor, keys: &[String]) -> Result<u64> {
    if keys.iter().any(|k| k.len() > 64) {
        return Err(Error::invalid("a notice's key is at most 64 characters"));
    }
    let keys: Vec<String> = if keys.is_empty() {
        inbox(store, actor)?
            .notices
            .into_iter()
            .filter(|n| n.unread)
            .map(|n| n.key)
            .collect()
    } else {
        keys.to_vec()
    };
    Ok(store.mark_inbox_read(&actor.org, &actor.name, &keys)?)
}
