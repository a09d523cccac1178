//! Signing in: at most [`MAX_FAILURES`] passwords in a row are ever checked for an account,
//! however many guesses arrive at once (each attempt is claimed in the database before the
//! password is checked); a locked account, an unknown name and a wrong password get the same
//! answer; failures are audited once per burst (the first and the one that locks), with the
//! organisation, and never with what was typed as a password.

use crate::Result;
use crate::access::{Actor, Role, verify_password};
use crate::{Error, access};
use kejing_store::Store;
use kejing_store::login::Attempt;
use kejing_store::users::User;

/// Unsuccessful attempts in a row before the account is locked.
pub const MAX_FAILURES: i64 = 5;
/// How long a lock lasts.
pub const LOCK_SECONDS: i64 = 15 * 60;

/// The user, if `password` is theirs and the account may sign in now (`now`: unix seconds).
/// `None` for an unknown name, a wrong password and a locked account alike.
pub fn sign_in(
    store: &mut Store,
    username: &str,
    password: &str,
    now: i64,
) -> Result<Option<User>> {
    let name = username.trim();
    let Some(user) = store.user_by_name(name)? else {
        // The same work as for a real user, so that timing does not tell names apart. Nothing
        // is audited: what was typed may be a password, and it belongs to no organisation.
        let _ = verify_password(password, dummy_hash());
        return Ok(None);
    };
    store.set_actor(user.username.clone());
    let n = match store.claim_login_attempt(user.id, MAX_FAILURES, now, now + LOCK_SECONDS)? {
        Attempt::Refused => return Ok(None),
        Attempt::Check(n) => n,
    };
    if verify_password(password, &user.password_hash) {
        return Ok(Some(user));
    }
    if n == 1 || n >= MAX_FAILURES {
        let action = if n >= MAX_FAILURES {
            "lockout"
        } else {
            "login_failed"
        };
        store.audit_event(
            Some(user.org.id),
            action,
            "users",
            &user.username,
            Some(serde_json::json!({"failures": n})),
        )?;
    }
    Ok(None)
}

/// An argon2 hash of a random password, checked against when the user does not exist.
fn dummy_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        let mut raw = [0u8; 16];
        let _ = getrandom::fill(&mut raw);
        let text: String = raw.iter().map(|b| format!("{b:02x}")).collect();
        access::hash_password(&text).unwrap_or_default()
    })
}

/// Unlocks a user of the actor's organisation (the performance office only).
pub fn unlock(store: &mut Store, actor: &Actor, username: &str) -> Result<()> {
    if actor.role != Role::Admin {
        return Err(Error::Forbidden(format!(
            "{} may not unlock users",
            actor.name
        )));
    }
    store.set_actor(actor.name.clone());
    Ok(store.unlock_user(&actor.org, username)?)
}
