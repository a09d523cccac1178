//! Login, sessions, CSRF, lockout, password change and the language switch.
//!
//! Passwords are hashed with argon2. A session is a random token in an HttpOnly, SameSite=Strict
//! cookie (or `Authorization: Bearer` for the API); the database keeps only its SHA-256. Every
//! state-changing request with a cookie session carries the session's CSRF token (a form field
//! `_csrf`, or the `X-CSRF-Token` header), and every form a once-only `_nonce`.

use super::perm::{Action, Role};
use super::{App, AppError, LangSlot, MAX_UPLOAD, i18n};
use axum::Form;
use axum::body::Body;
use axum::extract::{FromRequestParts, Query, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use kejing_store::users::User;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::sync::Arc;

/// How long a session lasts (seconds).
pub const SESSION_SECONDS: i64 = 8 * 3600;
pub use kejing_app::login::{LOCK_SECONDS, MAX_FAILURES};
const COOKIE: &str = "kejing_session";

/// The templates of signing in and changing the password.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("login.html", include_str!("templates/login.html")),
    ("password.html", include_str!("templates/password.html")),
];

super::kit::routes! {
    GET "/login" => login_page,
    POST "/login" => login,
    POST "/logout" => logout,
    GET "/password" => password_page,
    POST "/password" => change_password,
    POST "/lang" => switch_lang,
}

pub fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Random bytes as hex (tokens, nonces, salts of names).
pub fn random_hex(n: usize) -> String {
    let mut buf = vec![0u8; n];
    // The operating system's generator; without it there is no safe token, so say so.
    if getrandom::fill(&mut buf).is_err() {
        return String::new();
    }
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// An argon2 hash of a password (PHC string).
pub fn hash_password(password: &str) -> Result<String, AppError> {
    Ok(kejing_app::access::hash_password(password)?)
}

pub use kejing_app::access::verify_password;

/// Constant-time comparison of two tokens.
fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && !a.is_empty()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A cookie's value from the request headers.
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

/// The signed-in user of a request.
#[derive(Clone)]
pub struct Ctx {
    pub user: User,
    pub role: Role,
    pub csrf: String,
    pub token_hash: String,
    pub lang: String,
    /// Signed in with a bearer token (the API), not a cookie.
    pub bearer: bool,
    /// The managers this user may see; `None`: all of the organisation.
    pub scope: Option<Arc<BTreeSet<String>>>,
    /// The data version when the request began (keys the caches).
    pub version: i64,
    /// How many tasks and unread notices wait in the user's inbox (pages only).
    pub inbox: Option<usize>,
}

impl Ctx {
    /// Refuses the request unless the role may do `action`.
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        if super::perm::allowed(self.role, action) {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }

    pub fn can(&self, action: Action) -> bool {
        super::perm::allowed(self.role, action)
    }

    /// The acting user as the application layer knows them.
    pub fn who(&self) -> kejing_app::Actor {
        kejing_app::Actor {
            name: self.user.username.clone(),
            org: self.user.org.clone(),
            role: self.role,
            scope: self.scope.clone(),
            manager: self.user.manager_code.clone(),
        }
    }

    /// Whether the user may see this manager (their results, clients, statements).
    pub fn sees(&self, manager: &str) -> bool {
        self.scope.as_ref().is_none_or(|s| s.contains(manager))
    }

    /// Refuses unless the user may see this manager.
    pub fn require_manager(&self, manager: &str) -> Result<(), AppError> {
        if self.sees(manager) {
            Ok(())
        } else {
            Err(AppError::forbidden())
        }
    }

    pub fn actor(&self) -> String {
        self.user.username.clone()
    }
}

impl FromRequestParts<App> for Ctx {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &App) -> Result<Ctx, AppError> {
        parts
            .extensions
            .get::<Ctx>()
            .cloned()
            .ok_or_else(|| AppError::new(StatusCode::UNAUTHORIZED, "error-login-required"))
    }
}

fn public(method: &Method, path: &str) -> bool {
    path == "/login"
        || path == "/api/login"
        || path == "/healthz"
        || path == "/api/openapi.json"
        || (method == Method::GET && path.starts_with("/static/"))
}

/// Resolves the session and checks CSRF, nonce and size; returns the request (with its body
/// buffered when it was read) for the handler.
pub async fn check(app: &App, req: Request, slot: &LangSlot) -> Result<Request, AppError> {
    let (mut parts, body) = req.into_parts();
    let path = parts.uri.path().to_owned();
    let bearer = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned());
    let token = bearer.clone().or_else(|| cookie(&parts.headers, COOKIE));
    let changing = !matches!(parts.method, Method::GET | Method::HEAD);
    // Read the body now (bounded) so that an oversized upload gets a clear answer and the CSRF
    // field of a form can be checked before any handler runs.
    let body = if changing {
        let bytes = axum::body::to_bytes(body, MAX_UPLOAD + 64 * 1024)
            .await
            .map_err(|_| {
                AppError::new(StatusCode::PAYLOAD_TOO_LARGE, "error-too-large")
                    .with(format!("{} MB", MAX_UPLOAD / (1024 * 1024)))
            })?;
        Some(bytes)
    } else {
        None
    };
    if public(&parts.method, &path) {
        let body = body.map_or_else(Body::empty, Body::from);
        // A session is still resolved for the language of the login page.
        return Ok(Request::from_parts(parts, body));
    }
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Err(AppError::new(
            StatusCode::UNAUTHORIZED,
            "error-login-required",
        ));
    };
    let hash = sha256_hex(&token);
    let page_view = !changing
        && bearer.is_none()
        && !path.starts_with("/api/")
        && !path.starts_with("/static/")
        && !path.ends_with(".xlsx")
        && !path.ends_with(".csv")
        && !path.ends_with("/pdf");
    // One trip to the database: the session, its user, the managers they may see and, for a
    // page, their inbox's count.
    let found = {
        let (hash, app2) = (hash.clone(), app.clone());
        app.db("web", move |s| {
            let Some((user, csrf, expires, version)) = s.session_at(&hash)? else {
                return Ok(None);
            };
            if expires <= now() {
                s.end_session(&hash, None)?;
                return Ok(Some(Err(AppError::new(
                    StatusCode::UNAUTHORIZED,
                    "error-session-expired",
                ))));
            }
            let role = Role::parse(&user.role).ok_or_else(|| {
                AppError::internal(format!("user {} has no known role", user.username))
            })?;
            let scope = scope_of(&app2, s, &user, role, version)?;
            // A page's navigation counts the inbox; the API, files and forms do not.
            let inbox = if page_view {
                let actor = kejing_app::Actor {
                    name: user.username.clone(),
                    org: user.org.clone(),
                    role,
                    scope: scope.clone(),
                    manager: user.manager_code.clone(),
                };
                Some(super::cache::Reads::at(&app2, s, version).inbox_count(&actor)?)
            } else {
                None
            };
            Ok(Some(Ok((user, csrf, role, scope, version, inbox))))
        })
        .await?
    };
    let (user, csrf, role, scope, version, inbox) = match found {
        None => {
            return Err(AppError::new(
                StatusCode::UNAUTHORIZED,
                "error-login-required",
            ));
        }
        Some(Err(e)) => return Err(e),
        Some(Ok(v)) => v,
    };
    if let Ok(mut l) = slot.0.lock() {
        *l = Some(user.lang.clone());
    }
    let ctx = Ctx {
        lang: user.lang.clone(),
        user,
        role,
        csrf,
        token_hash: hash,
        bearer: bearer.is_some(),
        scope,
        version,
        inbox,
    };
    if let Some(bytes) = &body
        && !ctx.bearer
    {
        let content_type = parts
            .headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let fields = super::form_fields::guard_fields(&content_type, bytes).await;
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        };
        // A script sends the token in a header; a form sends it as a field, never in the URL
        // (where it would reach logs and the Referer of the next page).
        let header_token = parts
            .headers
            .get("x-csrf-token")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let from_form = header_token.is_none();
        let sent = header_token.or_else(|| field("_csrf")).unwrap_or_default();
        if !same_token(&sent, &ctx.csrf) {
            let (org, name, p) = (ctx.user.org.id, ctx.user.username.clone(), path.clone());
            app.db(&name.clone(), move |s| {
                Ok(s.audit_event(
                    Some(org),
                    "csrf_rejected",
                    "requests",
                    &p,
                    Some(serde_json::json!({"user": name})),
                )?)
            })
            .await?;
            return Err(AppError::new(StatusCode::FORBIDDEN, "error-csrf"));
        }
        // Every form carries a once-only nonce: a second submission of the same page (a double
        // click, a reload, the back button) is refused instead of acting twice.
        if from_form {
            match field("_nonce") {
                // A page's nonce is 24 hex digits; anything far longer is not one of ours.
                Some(nonce) if !nonce.is_empty() && nonce.len() <= 128 => {
                    if !app.fresh_nonce(&nonce).await? {
                        return Err(AppError::new(StatusCode::CONFLICT, "error-double-submit"));
                    }
                }
                _ => {
                    return Err(AppError::new(
                        StatusCode::BAD_REQUEST,
                        "error-nonce-missing",
                    ));
                }
            }
        }
    }
    parts.extensions.insert(ctx);
    let body = body.map_or_else(Body::empty, Body::from);
    Ok(Request::from_parts(parts, body))
}

/// The managers a user may see.
fn scope_of(
    app: &App,
    s: &mut kejing_store::Store,
    user: &User,
    role: Role,
    version: i64,
) -> Result<Option<Arc<BTreeSet<String>>>, AppError> {
    if role.sees_all() {
        return Ok(None);
    }
    if role == Role::Manager {
        return Ok(Some(Arc::new(
            user.manager_code.iter().cloned().collect::<BTreeSet<_>>(),
        )));
    }
    let Some(unit) = user.org_unit.as_deref() else {
        return Ok(Some(Arc::new(BTreeSet::new())));
    };
    let mut reads = super::cache::Reads::at(app, s, version);
    let set = reads.unit_managers(&user.org, unit)?;
    match &user.manager_code {
        Some(own) if !set.contains(own) => {
            let mut with = (*set).clone();
            with.insert(own.clone());
            Ok(Some(Arc::new(with)))
        }
        _ => Ok(Some(set)),
    }
}

fn session_cookie(app: &App, token: &str, max_age: i64) -> HeaderValue {
    let secure = if app.config.secure_cookies {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("kejing_session=; Path=/; Max-Age=0"))
}

fn lang_cookie(lang: &str) -> HeaderValue {
    HeaderValue::from_str(&format!(
        "kejing_lang={lang}; Path=/; SameSite=Strict; Max-Age=31536000"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("kejing_lang=zh-CN; Path=/"))
}

/// Checks a username and password; on success stores a new session and returns the user, the
/// token and its expiry.
pub async fn authenticate(
    app: &App,
    peer: Option<std::net::IpAddr>,
    username: &str,
    password: &str,
) -> Result<(User, String, i64), AppError> {
    let name = username.trim().to_owned();
    let password = password.to_owned();
    // One address gets a bounded number of attempts in a window, counted before any checking.
    let attempt = match peer.map(|a| app.login_addresses.claim(a, now())) {
        Some(Err(wait)) => {
            return Err(
                AppError::new(StatusCode::TOO_MANY_REQUESTS, "error-too-many-attempts")
                    .with(format!("{} min", (wait + 59) / 60)),
            );
        }
        Some(Ok(a)) => Some(a),
        None => None,
    };
    // Password hashing is bounded: at most one check per core at a time; a request that cannot
    // get a turn within a moment is answered 429 at once instead of piling up memory.
    let turn = tokio::time::timeout(
        std::time::Duration::from_secs(2),
        app.hashing.clone().acquire_owned(),
    )
    .await;
    let Ok(Ok(turn)) = turn else {
        return Err(AppError::new(StatusCode::TOO_MANY_REQUESTS, "error-busy"));
    };
    let signed_in = app
        .db(&name.clone(), move |s| {
            let _turn = turn;
            let t = now();
            // An unknown name, a wrong password and a locked account get the same answer.
            let Some(user) = kejing_app::login::sign_in(s, &name, &password, t)? else {
                return Err(AppError::new(
                    StatusCode::UNAUTHORIZED,
                    "error-wrong-password",
                ));
            };
            let token = random_hex(32);
            if token.is_empty() {
                return Err(AppError::internal(
                    "no random numbers from the operating system",
                ));
            }
            let csrf = random_hex(24);
            let expires = t + SESSION_SECONDS;
            s.login_ok(&user, &sha256_hex(&token), &csrf, expires)?;
            Ok((user, token, expires))
        })
        .await;
    if let (Ok(_), Some(a)) = (&signed_in, attempt) {
        app.login_addresses.succeeded(a);
    }
    signed_in
}

/// Whether a request comes from this server's own pages: an `Origin` (or, without one, a
/// `Referer`) naming another host is refused (login CSRF); a request with neither passes, as
/// from the command line or an API client.
pub fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or("");
    let from = headers
        .get(header::ORIGIN)
        .or_else(|| headers.get(header::REFERER))
        .and_then(|h| h.to_str().ok());
    match from {
        None => true,
        Some(url) => {
            let rest = url
                .strip_prefix("https://")
                .or_else(|| url.strip_prefix("http://"))
                .unwrap_or("");
            let origin_host = rest.split('/').next().unwrap_or("");
            !host.is_empty() && origin_host == host
        }
    }
}

#[derive(Deserialize)]
pub struct LoginQuery {
    pub next: Option<String>,
    pub lang: Option<String>,
    pub expired: Option<String>,
}

#[derive(Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    pub next: Option<String>,
}

/// The login page's language: asked for (`?lang=`), else the one chosen before (the cookie),
/// else the browser's first (`Accept-Language`), else Chinese.
fn page_lang(headers: &HeaderMap, asked: Option<&str>) -> String {
    let browser = || {
        let first = headers
            .get(header::ACCEPT_LANGUAGE)?
            .to_str()
            .ok()?
            .split(',')
            .next()?
            .split(';')
            .next()?
            .trim()
            .to_owned();
        (!first.is_empty() && first != "*").then(|| i18n::normalise(&first))
    };
    asked
        .map(i18n::normalise)
        .or_else(|| cookie(headers, "kejing_lang").map(|l| i18n::normalise(&l)))
        .or_else(browser)
        .unwrap_or_else(|| i18n::DEFAULT.to_owned())
}

/// Where to go after signing in: a path of this server only. Anything else — another host
/// (`//evil`, `/\\evil`), a control character (a tab or CR/LF that browsers drop or that would
/// split the header) or a non-ASCII trick — goes to the dashboard.
pub fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && n.bytes().all(|b| b.is_ascii_graphic())
                && !n.contains('\\') =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

fn render_login(
    app: &App,
    lang: &str,
    error: Option<String>,
    notice: Option<String>,
    next: &str,
    username: &str,
) -> Result<Response, AppError> {
    let body = app
        .templates
        .get_template("login.html")?
        .render(minijinja::context! {
            lang => lang,
            error => error,
            notice => notice,
            next => next,
            username => username,
        })?;
    let mut r = Html(body).into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, lang_cookie(lang));
    Ok(r)
}

pub async fn login_page(
    State(app): State<App>,
    headers: HeaderMap,
    Query(q): Query<LoginQuery>,
) -> Result<Response, AppError> {
    let lang = page_lang(&headers, q.lang.as_deref());
    let notice = q
        .expired
        .as_ref()
        .map(|_| app.i18n.tr(&lang, "error-session-expired", &[]));
    render_login(&app, &lang, None, notice, &safe_next(q.next.as_deref()), "")
}

pub async fn login(
    State(app): State<App>,
    peer: Option<axum::Extension<super::limits::PeerAddr>>,
    headers: HeaderMap,
    Form(f): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = safe_next(f.next.as_deref());
    if !same_origin(&headers) {
        return Err(AppError::forbidden());
    }
    let peer = peer.map(|p| p.0.0);
    match authenticate(&app, peer, &f.username, &f.password).await {
        Ok((user, token, _)) => {
            let mut r = Redirect::to(&next).into_response();
            r.headers_mut().append(
                header::SET_COOKIE,
                session_cookie(&app, &token, SESSION_SECONDS),
            );
            r.headers_mut()
                .append(header::SET_COOKIE, lang_cookie(&user.lang));
            Ok(r)
        }
        Err(e) if e.status != StatusCode::INTERNAL_SERVER_ERROR => {
            let lang = page_lang(&headers, None);
            let msg = app.i18n.tr(&lang, e.key, &[]);
            let mut r = render_login(&app, &lang, Some(msg), None, &next, &f.username)?;
            *r.status_mut() = e.status;
            Ok(r)
        }
        Err(e) => Err(e),
    }
}

pub async fn logout(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    let (hash, user) = (ctx.token_hash.clone(), ctx.user.clone());
    app.db(
        &ctx.actor(),
        move |s| Ok(s.end_session(&hash, Some(&user))?),
    )
    .await?;
    let mut r = Redirect::to("/login").into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, session_cookie(&app, "", 0));
    Ok(r)
}

pub async fn password_page(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    super::kit::render(&app, &ctx, "password.html", minijinja::context! {})
}

#[derive(Deserialize)]
pub struct PasswordForm {
    pub current: String,
    pub new: String,
    pub confirm: String,
}

pub async fn change_password(
    State(app): State<App>,
    ctx: Ctx,
    Form(f): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let problem = if !verify_password(&f.current, &ctx.user.password_hash) {
        Some("password-wrong-current")
    } else if f.new.chars().count() < 8 {
        Some("password-too-short")
    } else if f.new != f.confirm {
        Some("password-mismatch")
    } else {
        None
    };
    if let Some(key) = problem {
        let mut r = super::kit::render(
            &app,
            &ctx,
            "password.html",
            minijinja::context! { error => app.i18n.tr(&ctx.lang, key, &[]) },
        )?;
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(r);
    }
    let hash = hash_password(&f.new)?;
    let (user, keep) = (ctx.user.clone(), ctx.token_hash.clone());
    app.db(&ctx.actor(), move |s| {
        Ok(s.set_password(&user, &hash, &keep)?)
    })
    .await?;
    super::kit::render(
        &app,
        &ctx,
        "password.html",
        minijinja::context! { notice => app.i18n.tr(&ctx.lang, "password-changed", &[]) },
    )
}

#[derive(Deserialize)]
pub struct LangForm {
    pub lang: String,
    pub back: Option<String>,
}

pub async fn switch_lang(
    State(app): State<App>,
    ctx: Ctx,
    headers: HeaderMap,
    Form(f): Form<LangForm>,
) -> Result<Response, AppError> {
    // Back to the page the switch was pressed on (same site only).
    let referer = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_owned()));
    let lang = i18n::normalise(&f.lang);
    let (user, l) = (ctx.user.clone(), lang.clone());
    app.db(&ctx.actor(), move |s| Ok(s.set_lang(&user, &l)?))
        .await?;
    let back = f.back.or(referer);
    let mut r = Redirect::to(&safe_next(back.as_deref())).into_response();
    r.headers_mut()
        .insert(header::SET_COOKIE, lang_cookie(&lang));
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_server() {
        assert_eq!(safe_next(Some("/settlement?x=1")), "/settlement?x=1");
        for bad in [
            "//evil.example",
            "/\t/evil.example",
            "/\\evil.example",
            "/\r\nSet-Cookie: x",
            "https://evil.example",
            "/ /evil",
            "/é",
        ] {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
