//! Users of the web application and their sessions: accounts, passwords, lockout, language.

use crate::sql::{Cols, DbError, Ty, Val};
use crate::{Org, Store, StoreError};
use chrono::Utc;

/// A user of the web application.
#[derive(Debug, Clone)]
pub struct User {
    pub id: i64,
    pub org: Org,
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    /// manager | team_head | branch_head | admin | auditor
    pub role: String,
    pub manager_code: Option<String>,
    pub org_unit: Option<String>,
    pub lang: String,
    pub failed_logins: i64,
    /// Unix seconds until which logging in is refused.
    pub locked_until: Option<i64>,
}

/// A new user.
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub role: &'a str,
    pub manager_code: Option<&'a str>,
    pub org_unit: Option<&'a str>,
}

const USER_COLS: &str = "u.id, u.username, u.display_name, u.password_hash, u.role, u.manager_code, u.org_unit, u.lang, u.failed_logins, u.locked_until, o.id, o.code, o.name";
const USER_TYS: &[Ty] = &[
    Ty::Int,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Text,
    Ty::Int,
    Ty::Int,
    Ty::Int,
    Ty::Text,
    Ty::Text,
];

fn user_of(r: &[Val]) -> Result<User, DbError> {
    let c = Cols::new("users", r);
    Ok(User {
        id: c.int(0)?,
        username: c.text(1)?,
        display_name: c.text(2)?,
        password_hash: c.text(3)?,
        role: c.text(4)?,
        manager_code: c.opt_text(5),
        org_unit: c.opt_text(6),
        lang: c.text(7)?,
        failed_logins: c.int(8)?,
        locked_until: c.opt_int(9),
        org: Org {
            id: c.int(10)?,
            code: c.text(11)?,
            name: c.text(12)?,
        },
    })
}

impl Store {
    /// Adds a user, or leaves an existing one with that name as it is. Returns whether it was
    /// added. Audited (without the hash).
    pub fn add_user(&mut self, org: &Org, u: &NewUser<'_>) -> Result<bool, StoreError> {
        if self.user_by_name(u.username)?.is_some() {
            return Ok(false);
        }
        self.transaction(|s| {
            s.conn.exec(
                "INSERT INTO users (org_id, username, display_name, password_hash, role, manager_code, org_unit, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                &[
                    Val::Int(org.id),
                    Val::text(u.username),
                    Val::text(u.display_name),
                    Val::text(u.password_hash),
                    Val::text(u.role),
                    Val::opt_text(u.manager_code),
                    Val::opt_text(u.org_unit),
                    Val::Time(Utc::now()),
                ],
            )?;
            s.audit(
                Some(org.id),
                "add",
                "users",
                u.username,
                None,
                Some(serde_json::json!({"role": u.role, "manager": u.manager_code, "org_unit": u.org_unit})),
            )?;
            Ok::<_, StoreError>(true)
        })
    }

    pub fn user_by_name(&mut self, username: &str) -> Result<Option<User>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {USER_COLS} FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.username = $1"),
            &[Val::text(username)],
            USER_TYS,
        )?;
        Ok(rows.first().map(|r| user_of(r)).transpose()?)
    }

    pub fn users(&mut self, org: &Org) -> Result<Vec<User>, StoreError> {
        let rows = self.conn.query(
            &format!("SELECT {USER_COLS} FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.org_id = $1 ORDER BY u.username"),
            &[Val::Int(org.id)],
            USER_TYS,
        )?;
        Ok(rows.iter().map(|r| user_of(r)).collect::<Result<_, _>>()?)
    }

    /// A successful login: clears the failure count and stores the session.
    pub fn login_ok(
        &mut self,
        user: &User,
        token_hash: &str,
        csrf: &str,
        expires_at: i64,
    ) -> Result<(), StoreError> {
        self.transaction(|s| {
            s.conn.exec(
                "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
                &[Val::Int(user.id)],
            )?;
            s.conn.exec(
                "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                &[
                    Val::text(token_hash),
                    Val::Int(user.id),
                    Val::text(csrf),
                    Val::Time(Utc::now()),
                    Val::Int(expires_at),
                ],
            )?;
            s.audit(Some(user.org.id), "login", "users", &user.username, None, None)?;
            Ok::<_, StoreError>(())
        })
    }

    /// The session's user, its CSRF token, expiry (unix seconds) and the data version (see
    /// [`Store::data_version`]), in one statement.
    pub fn session_at(
        &mut self,
        token_hash: &str,
    ) -> Result<Option<(User, String, i64, i64)>, StoreError> {
        let rows = self.conn.query(
            &format!(
                "SELECT {USER_COLS}, s.csrf, s.expires_at, (SELECT COALESCE(MAX(id), 0) FROM audit_log) \
                 FROM sessions s JOIN users u ON u.id = s.user_id \
                 JOIN organisations o ON o.id = u.org_id WHERE s.token_hash = $1"
            ),
            &[Val::text(token_hash)],
            &[USER_TYS, &[Ty::Text, Ty::Int, Ty::Int]].concat(),
        )?;
        Ok(rows
            .first()
            .map(|r| {
                let c = Cols::new("sessions", r);
                // The data version is a COALESCE: never NULL.
                let version = r[15].as_i64().unwrap_or(0);
                Ok::<_, DbError>((user_of(r)?, c.text(13)?, c.int(14)?, version))
            })
            .transpose()?)
    }

    /// The session's user, its CSRF token and expiry (unix seconds).
    pub fn session(&mut self, token_hash: &str) -> Result<Option<(User, String, i64)>, StoreError> {
        let rows = self.conn.query(
            &format!(
                "SELECT {USER_COLS}, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id \
                 JOIN organisations o ON o.id = u.org_id WHERE s.token_hash = $1"
            ),
            &[Val::text(token_hash)],
            &[USER_TYS, &[Ty::Text, Ty::Int]].concat(),
        )?;
        Ok(rows
            .first()
            .map(|r| {
                let c = Cols::new("sessions", r);
                Ok::<_, DbError>((user_of(r)?, c.text(13)?, c.int(14)?))
            })
            .transpose()?)
    }

    /// Ends a session (logout or expiry).
    pub fn end_session(&mut self, token_hash: &str, user: Option<&User>) -> Result<(), StoreError> {
        self.transaction(|s| {
            s.conn.exec(
                "DELETE FROM sessions WHERE token_hash = $1",
                &[Val::text(token_hash)],
            )?;
            if let Some(u) = user {
                s.audit(Some(u.org.id), "logout", "users", &u.username, None, None)?;
            }
            Ok::<_, StoreError>(())
        })
    }

    /// Sets a new password hash and ends the user's other sessions. Audited (without the hash).
    pub fn set_password(
        &mut self,
        user: &User,
        hash: &str,
        keep_session: &str,
    ) -> Result<(), StoreError> {
        self.transaction(|s| {
            s.conn.exec(
                "UPDATE users SET password_hash = $1 WHERE id = $2",
                &[Val::text(hash), Val::Int(user.id)],
            )?;
            s.conn.exec(
                "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
                &[Val::Int(user.id), Val::text(keep_session)],
            )?;
            s.audit(
                Some(user.org.id),
                "password",
                "users",
                &user.username,
                None,
                None,
            )?;
            Ok::<_, StoreError>(())
        })
    }

    pub fn set_lang(&mut self, user: &User, lang: &str) -> Result<(), StoreError> {
        self.conn.exec(
            "UPDATE users SET lang = $1 WHERE id = $2",
            &[Val::text(lang), Val::Int(user.id)],
        )?;
        Ok(())
    }
}
