//! The web application: server-rendered pages (Chinese first, English by a switch kept per
//! user) and a JSON API beside them, on axum. Templates, styles, scripts and messages are
//! embedded in the binary; there is no JavaScript build step and nothing is fetched from a CDN.
//!
//! Every request passes [`guard`]: it resolves the session (cookie, or a bearer token for the
//! API), checks the CSRF token and the once-only form nonce of every state-changing request,
//! refuses oversized bodies, and renders errors as a page in the user's language (or JSON under
//! `/api/`). Handlers then ask [`Ctx::require`] for the action they perform; the role matrix
//! is [`perm::allowed`], and which managers a user may see is [`Ctx::scope`].
//!
//! The pages are in areas (the dashboard, managers, clients and transfers, imports, settlement,
//! statements and disputes, what-if, policies, the audit log, assessments), each with its
//! routes and templates, over a shared [`kit`]; [`ROUTES`], [`TEMPLATES`] and the [`router`] are
//! gathered from them. Each page's data is built by a `*_data` function of its area that the
//! JSON API shares, so a page and its API answer never disagree; the page renders it with a
//! template.

// What every request goes through, and the kit the pages share.
pub mod api;
pub mod assets;
pub mod auth;
pub mod cache;
pub mod charts;
pub mod fmt;
pub mod form_fields;
pub mod i18n;
pub mod kit;
pub mod limits;
pub mod payroll;
pub mod perm;
pub mod phrases;
pub mod scenarios;
pub mod statement_pdf;
pub mod statement_view;

// The areas: each its view data (`*_data`, shared with the API), handlers, routes and
// templates. An area uses the kit, never another area.
pub mod advice;
pub mod agreements;
pub mod assessment;
pub mod audit;
pub mod claims;
pub mod clients;
pub mod daily;
pub mod daily_api;
pub mod daily_period;
pub mod dashboard;
pub mod imports;
pub mod inbox;
pub mod managers;
pub mod policies;
pub mod rating;
pub mod reconciliation;
pub mod settlement;
pub mod statements;
pub mod whatif;

use anyhow::{Context as _, Result};
use axum::Router;
use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use kejing_store::{Store, StoreError};
use minijinja::Environment;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub use auth::Ctx;

/// The largest request body (an upload) accepted.
pub const MAX_UPLOAD: usize = 20 * 1024 * 1024;

/// Declares the parts that serve requests (each declares its routes with [`kit::routes!`]):
/// [`ROUTES`] and the router are both built from this one list, so a part's routes are never in
/// one and not the other.
macro_rules! parts {
    ($($part:ident),* $(,)?) => {
        const ROUTE_LISTS: &[&[(&str, &str)]] = &[$($part::ROUTES),*];

        /// The routers of the parts, merged.
        fn part_routes() -> Router<App> {
            Router::new()$(.merge($part::routes()))*
        }
    };
}

parts! {
    auth,
    dashboard,
    managers,
    clients,
    advice,
    agreements,
    claims,
    daily,
    daily_api,
    daily_period,
    imports,
    inbox,
    settlement,
    reconciliation,
    statements,
    whatif,
    scenarios,
    policies,
    audit,
    assessment,
    rating,
    assets,
    api,
}

/// Every route of the application (method, path), pages and API: those of its parts. The
/// role-matrix test checks that it covers exactly these.
pub const ROUTES: &[(&str, &str)] = &kit::flatten::<{ kit::total(ROUTE_LISTS) }>(ROUTE_LISTS);

const TEMPLATE_LISTS: &[&[(&str, &str)]] = &[
    kit::TEMPLATES,
    auth::TEMPLATES,
    dashboard::TEMPLATES,
    managers::TEMPLATES,
    clients::TEMPLATES,
    advice::TEMPLATES,
    agreements::TEMPLATES,
    claims::TEMPLATES,
    daily::TEMPLATES,
    daily_period::TEMPLATES,
    imports::TEMPLATES,
    inbox::TEMPLATES,
    settlement::TEMPLATES,
    reconciliation::TEMPLATES,
    statements::TEMPLATES,
    whatif::TEMPLATES,
    policies::TEMPLATES,
    audit::TEMPLATES,
    assessment::TEMPLATES,
    rating::TEMPLATES,
];

/// Every template of the application (name, source): the kit's, the login's and the areas'.
pub const TEMPLATES: &[(&str, &str)] =
    &kit::flatten::<{ kit::total(TEMPLATE_LISTS) }>(TEMPLATE_LISTS);

/// Every template source (for the test that every message key exists in every language).
pub fn template_sources() -> impl Iterator<Item = &'static str> {
    TEMPLATES.iter().map(|(_, s)| *s)
}

/// How the server is set up.
#[derive(Debug, Clone)]
pub struct Config {
    /// The database URL.
    pub db: String,
    /// The folder of policies (each `<name>/policy.toml`).
    pub policies: PathBuf,
    /// Where uploads wait between preview and commit.
    pub uploads: PathBuf,
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
}

/// The application state shared by every request.
#[derive(Clone)]
pub struct App(Arc<Inner>);

/// A daily page's data with the data version and the minute it was computed for.
pub type DailyPage = (i64, i64, Arc<serde_json::Value>);

pub struct Inner {
    pub config: Config,
    pool: Mutex<Vec<Store>>,
    pub templates: Environment<'static>,
    pub i18n: Arc<i18n::I18n>,
    /// Form nonces checked by this server (the used ones are in the database, shared by every
    /// server): every 1,000th also forgets the nonces older than a day.
    nonces_checked: std::sync::atomic::AtomicU64,
    /// Repeated reads (see [`cache`]).
    pub cache: Mutex<cache::Cache>,
    /// Policies loaded, by file, with the text they were loaded from (reloaded when it changes).
    pub policies: Mutex<HashMap<std::path::PathBuf, (String, Arc<kejing_engine::policy::Policy>)>>,
    /// Daily pages computed, by user, page and arguments, with the data version and the minute
    /// they were computed for (an outing becomes overdue with the clock, so a minute later is
    /// recomputed; any change of data is a new version).
    pub daily_pages: Mutex<HashMap<String, DailyPage>>,
    /// One computation of a daily page at a time per key: concurrent requests for the same page
    /// wait for the first and share its result instead of all computing it.
    pub daily_flights: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    /// Turns for password hashing: one per core (argon2 is expensive by design).
    pub hashing: Arc<tokio::sync::Semaphore>,
    /// Sign-in attempts per client address.
    pub login_addresses: limits::AddressAttempts,
    /// Turns at the database: at most this many requests use a connection at once (the others
    /// wait their turn), so connections, threads and memory stay bounded under any load.
    db_turns: Arc<tokio::sync::Semaphore>,
}

/// Requests at the database at once (`KEJING_DB_CONNECTIONS`, default 8).
fn db_connections() -> usize {
    std::env::var("KEJING_DB_CONNECTIONS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|n| (1..=256).contains(n))
        .unwrap_or(8)
}

/// The page cache of each of the server's SQLite connections (MiB).
const SERVER_CACHE_MIB: u32 = 8;

/// A connection for the server: opened, its cache capped.
fn open_store(url: &str) -> Result<Store, StoreError> {
    let mut store = Store::open(url)?;
    store.limit_cache(SERVER_CACHE_MIB)?;
    Ok(store)
}

impl Drop for Inner {
    fn drop(&mut self) {
        // A PostgreSQL connection closes by blocking on its own runtime, which is not allowed
        // on a thread of the server's runtime: close them on a plain thread.
        let stores = self.pool.get_mut().map(std::mem::take).unwrap_or_default();
        if !stores.is_empty() {
            let _ = std::thread::spawn(move || drop(stores)).join();
        }
    }
}

impl std::ops::Deref for App {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl App {
    pub fn new(config: Config) -> Result<App> {
        // Open once now so that a bad URL fails at start, not on the first request.
        let store = open_store(&config.db)?;
        std::fs::create_dir_all(&config.uploads)
            .with_context(|| format!("creating {}", config.uploads.display()))?;
        let i18n = Arc::new(i18n::I18n::new()?);
        let templates = kit::templates(i18n.clone(), TEMPLATES)?;
        Ok(App(Arc::new(Inner {
            config,
            pool: Mutex::new(vec![store]),
            templates,
            i18n,
            nonces_checked: std::sync::atomic::AtomicU64::new(0),
            cache: Mutex::new(cache::Cache::default()),
            policies: Mutex::new(HashMap::new()),
            daily_pages: Mutex::new(HashMap::new()),
            daily_flights: Mutex::new(HashMap::new()),
            hashing: Arc::new(tokio::sync::Semaphore::new(
                std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get),
            )),
            login_addresses: limits::AddressAttempts::default(),
            db_turns: Arc::new(tokio::sync::Semaphore::new(db_connections())),
        })))
    }

    /// Runs `f` with a store (from the pool) on a blocking thread, acting as `actor`.
    pub async fn db<T: Send + 'static>(
        &self,
        actor: &str,
        f: impl FnOnce(&mut Store) -> Result<T, AppError> + Send + 'static,
    ) -> Result<T, AppError> {
        let app = self.clone();
        let actor = actor.to_owned();
        let turn = self
            .db_turns
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| AppError::internal("the server is stopping"))?;
        tokio::task::spawn_blocking(move || {
            let _turn = turn;
            let pooled = app.pool.lock().ok().and_then(|mut p| p.pop());
            let mut store = match pooled {
                Some(s) => s,
                None => open_store(&app.config.db).map_err(AppError::from)?,
            };
            store.set_actor(actor);
            let out = f(&mut store);
            // A connection the database dropped (a restart, an idle timeout) is not kept: the
            // next request opens a new one.
            if out.is_err() && !store.conn().alive() {
                return out;
            }
            // As many connections are kept as there are turns: never more are open.
            if let Ok(mut p) = app.pool.lock() {
                p.push(store);
            }
            out
        })
        .await
        .map_err(|e| AppError::internal(format!("worker failed: {e}")))?
    }

    /// Whether a form nonce is new (and marks it used, in the database: a second server on the
    /// same database refuses it too).
    async fn fresh_nonce(&self, nonce: &str) -> Result<bool, AppError> {
        let now = auth::now();
        let nonce = nonce.to_owned();
        let prune = self
            .nonces_checked
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            % 1000
            == 999;
        self.db("form-guard", move |s| {
            if prune {
                s.forget_old_form_nonces(now)?;
            }
            Ok(s.use_form_nonce(&nonce, now)?)
        })
        .await
    }
}

/// An error of a request: the HTTP status and a message (an i18n key with arguments, or a
/// text from below, e.g. a store error that says what to do).
#[derive(Debug, Clone)]
pub struct AppError {
    pub status: StatusCode,
    pub key: &'static str,
    pub detail: Option<String>,
    /// The detail as a coded message (`msg-<code>` and its parameters), said in the user's
    /// language instead of the English detail.
    pub said: Option<(&'static str, Vec<(&'static str, String)>)>,
    /// The form field the error is about, where a form shows it next to that field.
    pub field: Option<&'static str>,
}

impl AppError {
    pub fn new(status: StatusCode, key: &'static str) -> AppError {
        AppError {
            status,
            key,
            detail: None,
            said: None,
            field: None,
        }
    }
    /// The error is about form field `field`.
    pub fn at(mut self, field: &'static str) -> AppError {
        self.field = Some(field);
        self
    }
    /// The message the user reads, in `lang`: the coded detail through the catalogue, else
    /// the detail, else the error's own words.
    pub fn text(&self, i18n: &i18n::I18n, lang: &str) -> String {
        if let Some((code, args)) = &self.said {
            let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.clone())).collect();
            return i18n.tr(lang, &format!("msg-{code}"), &args);
        }
        match &self.detail {
            Some(d) if self.status != StatusCode::INTERNAL_SERVER_ERROR => d.clone(),
            _ => i18n.tr(lang, self.key, &[]),
        }
    }
    pub fn with(mut self, detail: impl Into<String>) -> AppError {
        self.detail = Some(detail.into());
        self
    }
    pub fn forbidden() -> AppError {
        AppError::new(StatusCode::FORBIDDEN, "error-forbidden")
    }
    pub fn not_found() -> AppError {
        AppError::new(StatusCode::NOT_FOUND, "error-not-found")
    }
    pub fn bad(detail: impl Into<String>) -> AppError {
        AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "error-invalid").with(detail)
    }
    /// Already decided or done by someone else: 409 with who and when.
    pub fn conflict(detail: impl Into<String>) -> AppError {
        AppError::new(StatusCode::CONFLICT, "error-conflict").with(detail)
    }
    pub fn internal(detail: impl Into<String>) -> AppError {
        AppError::new(StatusCode::INTERNAL_SERVER_ERROR, "error-internal").with(detail)
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(m) => AppError::bad(m),
            StoreError::Conflict(m) => AppError::conflict(m),
            StoreError::Taken(t) => AppError::from(kejing_app::Error::from(StoreError::Taken(t))),
            StoreError::Refused(t) => {
                AppError::from(kejing_app::Error::from(StoreError::Refused(t)))
            }
            StoreError::NotFound(m) => AppError::not_found().with(m),
            StoreError::Db(e) if e.is_unique_violation() => {
                AppError::from(kejing_app::Error::from(StoreError::Db(e)))
            }
            StoreError::Db(e) => AppError::internal(e.to_string()),
        }
    }
}

/// A use case's error as the page or the API answers it: 403, 404, 422, 409, or a logged 500.
impl From<kejing_app::Error> for AppError {
    fn from(e: kejing_app::Error) -> Self {
        use kejing_app::Error as E;
        match e {
            // Why it is refused (outside one's scope, one's own request to decide): the user's
            // own action, so the reason is theirs to see.
            E::Forbidden(m) => AppError::forbidden().with(m),
            E::NotFound(m) => AppError::not_found().with(m),
            E::Invalid(m) => AppError::bad(m),
            E::Rows(r) => AppError::bad(r.to_string()),
            E::Conflict(m) => AppError::conflict(m),
            E::Internal(m) => AppError::internal(m),
            E::Said(kind, said) => {
                use kejing_app::error::Kind;
                let said = *said;
                let mut e = match kind {
                    Kind::Forbidden => AppError::forbidden(),
                    Kind::NotFound => AppError::not_found(),
                    Kind::Invalid => {
                        AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "error-invalid")
                    }
                    Kind::Conflict => AppError::new(StatusCode::CONFLICT, "error-conflict"),
                }
                .with(said.english);
                e.said = Some((said.code, said.args));
                e
            }
        }
    }
}

/// An error nobody anticipated is an internal error: logged with a reference, shown as 500
/// (what a user can fix comes as a [`kejing_app::Error`] or a [`StoreError`]).
impl From<anyhow::Error> for AppError {
    fn from(e: anyhow::Error) -> Self {
        AppError::internal(format!("{e:#}"))
    }
}

impl From<minijinja::Error> for AppError {
    fn from(e: minijinja::Error) -> Self {
        AppError::internal(format!("template: {e:#}"))
    }
}

/// Rendered by [`guard`] in the user's language.
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let mut r = self.status.into_response();
        r.extensions_mut().insert(self);
        r
    }
}

/// The language of the request, filled in by whoever learns it (the session).
#[derive(Clone, Default)]
pub struct LangSlot(pub Arc<Mutex<Option<String>>>);

/// Builds the router over the application state.
pub fn router(app: App) -> Router {
    part_routes()
        .fallback(|| async { AppError::not_found() })
        .layer(axum::middleware::from_fn_with_state(app.clone(), guard))
        .layer(DefaultBodyLimit::max(MAX_UPLOAD + 64 * 1024))
        .with_state(app)
}

/// Session, CSRF, once-only forms, body size, security headers and error pages.
async fn guard(State(app): State<App>, req: Request, next: Next) -> Response {
    let is_api = req.uri().path().starts_with("/api/");
    let slot = LangSlot::default();
    let cookie_lang = auth::cookie(req.headers(), "kejing_lang");
    let path = req.uri().path().to_owned();
    let mut who = None;
    let mut response = match auth::check(&app, req, &slot).await {
        Ok(req) => {
            who = req
                .extensions()
                .get::<Ctx>()
                .map(|c| (c.user.org.id, c.user.username.clone()));
            next.run(req).await
        }
        Err(e) => e.into_response(),
    };
    if let Some(err) = response.extensions_mut().remove::<AppError>() {
        // A refused request is on record: who asked for what.
        if err.key == "error-forbidden"
            && let Some((org, name)) = who
        {
            let p = path.clone();
            let _ = app
                .db(&name, move |s| {
                    Ok(s.audit_event(Some(org), "forbidden", "requests", &p, None)?)
                })
                .await;
        }
        let lang = slot
            .0
            .lock()
            .ok()
            .and_then(|l| l.clone())
            .or(cookie_lang)
            .unwrap_or_else(|| i18n::DEFAULT.to_owned());
        response = render_error(&app, &lang, &err, is_api);
    }
    let h = response.headers_mut();
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    // A page may set a stricter policy of its own (a kept letter: its inline style, no script).
    h.entry("content-security-policy").or_insert(HeaderValue::from_static(
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; frame-ancestors 'none'",
    ));
    response
}

fn render_error(app: &App, lang: &str, err: &AppError, is_api: bool) -> Response {
    let message = app.i18n.tr(lang, err.key, &[]);
    // An internal error's detail is for the server's log, not the page: a reference links them.
    let mut err = err.clone();
    if err.status == StatusCode::INTERNAL_SERVER_ERROR {
        let reference = auth::random_hex(4);
        eprintln!("error {reference}: {}", err.detail.as_deref().unwrap_or(""));
        err.detail = Some(format!("ref {reference}"));
    }
    // A coded detail in the user's language; the API also gives its code and parameters.
    if let Some((code, args)) = &err.said {
        let args: Vec<(&str, String)> = args.iter().map(|(k, v)| (*k, v.clone())).collect();
        err.detail = Some(app.i18n.tr(lang, &format!("msg-{code}"), &args));
    }
    let err = &err;
    if is_api {
        let body = serde_json::json!({
            "error": err.key,
            "message": message,
            "detail": err.detail,
            "code": err.said.as_ref().map(|(c, _)| *c),
            "params": err.said.as_ref().map(|(_, a)| a.iter().cloned().collect::<std::collections::BTreeMap<_, _>>()),
        });
        return (err.status, axum::Json(body)).into_response();
    }
    if err.status == StatusCode::UNAUTHORIZED {
        // A page without a (valid) session: to the login page, saying why.
        let to = if err.key == "error-session-expired" {
            "/login?expired=1"
        } else {
            "/login"
        };
        return axum::response::Redirect::to(to).into_response();
    }
    let ctx = minijinja::context! {
        lang => lang,
        status => err.status.as_u16(),
        message => message,
        detail => err.detail,
    };
    let body = app
        .templates
        .get_template("error.html")
        .and_then(|t| t.render(ctx))
        .unwrap_or_else(|_| format!("{} {message}", err.status.as_u16()));
    let mut r = (err.status, axum::response::Html(body)).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// Serves on `addr` until Ctrl-C. With `demo`, prints the demo accounts.
pub fn serve(config: Config, addr: &str, banner: &str) -> Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let app = App::new(config)?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| {
            format!(
                "cannot listen on {addr}: is another program using it? Pass --addr 127.0.0.1:PORT"
            )
        })?;
        let local = listener.local_addr()?;
        outln!("kejing 客经 is serving at http://{local}/");
        if !banner.is_empty() {
            outln!("{banner}");
        }
        outln!("Press Ctrl-C to stop. 按 Ctrl-C 停止。");
        serve_connections(listener, router(app)).await
    })
}

/// How long a client may take to send a request's headers, and how long a kept-alive
/// connection may wait idle for its next request (seconds; `KEJING_HEADER_TIMEOUT_SECS`).
fn header_timeout() -> std::time::Duration {
    let secs = std::env::var("KEJING_HEADER_TIMEOUT_SECS")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|s| *s > 0)
        .unwrap_or(15);
    std::time::Duration::from_secs(secs)
}

/// Accepts HTTP/1.1 connections with a header-read timeout (a slow or silent client is cut
/// off, not kept forever: hyper's timer also runs while a kept-alive connection waits for its
/// next request), until Ctrl-C; then waits for the requests in flight.
async fn serve_connections(listener: tokio::net::TcpListener, router: Router) -> Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let timeout = header_timeout();
    let mut stop = std::pin::pin!(tokio::signal::ctrl_c());
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                // A failed accept (too many open files, a reset) is the client's problem.
                Err(_) => continue,
            },
            _ = &mut stop => break,
        };
        let (stream, peer) = stream;
        // Each request knows the address it came from (for the sign-in limit per address).
        let service = hyper_util::service::TowerToHyperService::new(tower::Layer::layer(
            &axum::Extension(limits::PeerAddr(peer.ip())),
            router.clone(),
        ));
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(timeout)
            .keep_alive(true)
            .serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            let _ = conn.await;
        });
    }
    graceful.shutdown().await;
    Ok(())
}

/// A response body from bytes with a content type.
pub fn bytes(content_type: &'static str, body: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(body));
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    r
}

/// The spreadsheet type of a workbook download.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A download: `body` of `content_type`, saved as `file` (ASCII, chosen by the server).
pub fn attachment(content_type: &'static str, body: Vec<u8>, file: &str) -> Response {
    let mut r = bytes(content_type, body);
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{file}\"")) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}
