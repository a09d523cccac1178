//! The kit every area shares: rendering a page, the template environment, list paging, the
//! form and query types of more than one area, argument parsing, the policies of the folder,
//! and the macro that declares an area's routes. Nothing here belongs to one area: an area uses
//! the kit and never another area (what two areas need is here).

use super::auth::{Ctx, random_hex};
use super::perm::Action;
use super::{App, AppError, fmt, i18n::I18n};
use axum::http::{HeaderValue, header};
use axum::response::{Html, IntoResponse, Response};
use kejing_engine::{Money, Period};
use minijinja::value::{Kwargs, Value as JValue};
use minijinja::{Environment, State as JState};
use rust_decimal::Decimal;
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// Rows per page of a long list.
pub const PER_PAGE: usize = 50;

/// The templates every page shares: the layout, the pager and the error page.
pub const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("templates/base.html")),
    ("pager.html", include_str!("templates/pager.html")),
    ("error.html", include_str!("templates/error.html")),
];

/// The template environment of `sources` (every template: [`super::TEMPLATES`]): auto-escaping
/// (names end in `.html`), `t(key, arg=…)` for messages in the page's language, `nonce()` for
/// once-only forms, and filters for amounts.
pub fn templates(
    i18n: Arc<I18n>,
    sources: &[(&'static str, &'static str)],
) -> anyhow::Result<Environment<'static>> {
    let mut env = Environment::new();
    for (name, src) in sources {
        env.add_template(name, src)
            .map_err(|e| anyhow::anyhow!("template {name}: {e}"))?;
    }
    // label("prefix-", code[, "other-prefix-"]): the code's label in the page's language (dots
    // in the code become dashes), else the code itself.
    let labels = i18n.clone();
    env.add_function(
        "label",
        move |state: &JState, prefix: String, code: String, other: Option<String>| -> String {
            let lang = state
                .lookup("lang")
                .and_then(|l| l.as_str().map(str::to_owned))
                .unwrap_or_else(|| super::i18n::DEFAULT.to_owned());
            let code_key = code.replace('.', "-");
            std::iter::once(prefix)
                .chain(other)
                .map(|p| format!("{p}{code_key}"))
                .find(|k| labels.has(k).is_empty())
                .map_or(code, |k| labels.tr(&lang, &k, &[]))
        },
    );
    let phrases = i18n.clone();
    env.add_function("say", move |state: &JState, phrase: JValue| {
        super::phrases::say(&phrases, state, &phrase)
    });
    let values = i18n.clone();
    env.add_function("trace_value", move |state: &JState, value: JValue| {
        super::phrases::trace_value(&values, state, &value)
    });
    env.add_function(
        "t",
        move |state: &JState,
              key: String,
              given: Option<JValue>,
              kwargs: Kwargs|
              -> Result<String, minijinja::Error> {
            let lang = state
                .lookup("lang")
                .and_then(|l| l.as_str().map(str::to_owned))
                .unwrap_or_else(|| super::i18n::DEFAULT.to_owned());
            let mut args = Vec::new();
            // t(key, map): the arguments from a map (an entry's), then any named ones.
            if let Some(map) = given.filter(|m| m.kind() == minijinja::value::ValueKind::Map) {
                for k in map.try_iter()? {
                    let v = map.get_item(&k)?;
                    if let Some(name) = k.as_str() {
                        args.push((name.to_owned(), v.to_string()));
                    }
                }
            }
            for k in kwargs.args() {
                let v: JValue = kwargs.get(k)?;
                args.push((k.to_owned(), v.to_string()));
            }
            let pairs: Vec<(&str, String)> =
                args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
            Ok(i18n.tr(&lang, &key, &pairs))
        },
    );
    env.add_function("nonce", || random_hex(12));
    env.add_filter("money", |v: JValue| -> String {
        money_text(&v).map_or_else(|| v.to_string(), fmt::amount)
    });
    env.add_filter("wan", |v: JValue| -> String {
        money_text(&v).map_or_else(|| v.to_string(), |m| fmt::wan(m.fen()))
    });
    env.add_filter("num", |v: JValue| -> String {
        let s = v.to_string();
        s.parse::<Decimal>().map_or(s, |d| fmt::decimal(d, 2))
    });
    Ok(env)
}

fn money_text(v: &JValue) -> Option<Money> {
    if v.is_undefined() || v.is_none() {
        return None;
    }
    Money::parse(&v.to_string()).ok()
}

/// Renders a page with the common context: language, user, CSRF token and what they may do.
pub fn render(app: &App, ctx: &Ctx, name: &str, extra: JValue) -> Result<Response, AppError> {
    let can: BTreeMap<&str, bool> = Action::ALL
        .iter()
        .map(|a| (a.code(), ctx.can(*a)))
        .collect();
    let base = minijinja::context! {
        lang => ctx.lang.clone(),
        csrf => ctx.csrf.clone(),
        me => json!({
            "username": ctx.user.username,
            "name": ctx.user.display_name,
            "role": ctx.role.code(),
            "manager": ctx.user.manager_code,
            "org": ctx.user.org.name,
        }),
        can => can,
        inbox_count => ctx.inbox,
    };
    let body = app
        .templates
        .get_template(name)?
        .render(minijinja::context! { ..extra, ..base })?;
    let mut r = Html(body).into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(r)
}

/// A page's data as the template's context.
pub(crate) fn page_of(data: Value) -> JValue {
    JValue::from_serialize(&data)
}

/// A page of a list: which rows, and the links' numbers.
pub(crate) fn paginate(total: usize, page: Option<usize>) -> (usize, Value) {
    let pages = total.div_ceil(PER_PAGE).max(1);
    let page = page.unwrap_or(1).clamp(1, pages);
    (
        (page - 1) * PER_PAGE,
        json!({"page": page, "pages": pages, "total": total,
               "prev": (page > 1).then(|| page - 1), "next": (page < pages).then(|| page + 1)}),
    )
}

/// A period from a form field, or a clear error.
pub fn period_arg(s: &str) -> Result<Period, AppError> {
    let t = s.trim();
    let example = "2026-09, 2026-Q3, 2026-H2, 2026";
    let e = if t.is_empty() {
        kejing_app::Error::said(
            kejing_app::error::Kind::Invalid,
            "period-missing",
            &[("example", example.to_owned())],
            format!("give a period, such as {example}"),
        )
    } else {
        match t.parse::<Period>() {
            Ok(p) => return Ok(p),
            Err(_) => kejing_app::Error::said(
                kejing_app::error::Kind::Invalid,
                "period-invalid",
                &[("value", t.to_owned()), ("example", example.to_owned())],
                format!("{t:?} is not a period: write it as {example}"),
            ),
        }
    };
    Err(AppError::from(e).at("period"))
}

// ---------------------------------------------------------------- forms and queries

/// The query of a list page (managers, clients, a run's lines).
#[derive(Deserialize, Default)]
pub struct ListQuery {
    pub q: Option<String>,
    pub unit: Option<String>,
    pub status: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub page: Option<usize>,
}

/// The decision on a request (a transfer, a dispute).
#[derive(Deserialize, Clone)]
pub struct DecideForm {
    pub approve: String,
    #[serde(default)]
    pub decision: String,
    pub period: Option<String>,
    pub amount: Option<String>,
}

// ---------------------------------------------------------------- policies

/// The policies of the folder: name → file.
pub fn policy_files(dir: &std::path::Path) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    if kejing_app::cases::find_policies(dir, &mut files).is_err() {
        return Vec::new();
    }
    files
        .into_iter()
        .map(|f| {
            let name = f
                .parent()
                .and_then(|p| p.file_name())
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| f.display().to_string());
            (name, f)
        })
        .collect()
}

/// A policy of the folder, loaded once and kept while its file's text stays the same (a page
/// that reads several policies does not parse them on every request).
pub(crate) fn cached_policy(
    app: &App,
    path: &std::path::Path,
) -> Result<std::sync::Arc<kejing_engine::policy::Policy>, AppError> {
    let file = kejing_app::catalogue::policy_file(path);
    let text = std::fs::read_to_string(&file)
        .map_err(|e| AppError::bad(format!("{}: cannot read the policy: {e}", file.display())))?;
    if let Ok(cache) = app.policies.lock()
        && let Some((t, p)) = cache.get(&file)
        && *t == text
    {
        return Ok(p.clone());
    }
    let p = std::sync::Arc::new(kejing_app::catalogue::load_text(
        &file.display().to_string(),
        &text,
    )?);
    if let Ok(mut cache) = app.policies.lock() {
        cache.insert(file, (text, p.clone()));
    }
    Ok(p)
}

/// A policy of the folder a page offers.
pub(crate) struct Offered {
    pub name: String,
    pub policy: Arc<kejing_engine::policy::Policy>,
}

/// The policies of the folder a page offers: those it can run (`fits`) among the ones the
/// organisation adopted, or among all of them when it adopted none; policies that do not load
/// are left out (the policies page shows why).
pub(crate) async fn offered_policies(
    app: &App,
    ctx: &Ctx,
    fits: fn(&kejing_engine::policy::Policy) -> bool,
) -> Result<Vec<Offered>, AppError> {
    let who = ctx.who();
    let adopted: Vec<String> = app
        .db(&ctx.actor(), move |s| {
            Ok(kejing_app::adoption::adopted(s, &who)?
                .into_iter()
                .map(|p| p.policy)
                .collect())
        })
        .await?;
    Ok(policy_files(&app.config.policies)
        .into_iter()
        .filter(|(n, _)| adopted.is_empty() || adopted.contains(n))
        .filter_map(|(name, file)| {
            let policy = cached_policy(app, &file).ok()?;
            fits(&policy).then_some(Offered { name, policy })
        })
        .collect())
}

/// The periods of `frequency` a form offers, newest first: those the data covers (`span`)
/// and those named in `known` (periods already run), at most 36.
pub(crate) fn offered_periods(
    frequency: kejing_engine::policy::Frequency,
    span: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    known: &[String],
) -> Vec<String> {
    let mut out: std::collections::BTreeSet<Period> = known
        .iter()
        .filter_map(|k| k.parse::<Period>().ok())
        .filter(|p| frequency.matches(*p))
        .collect();
    if let Some((first, last)) = span {
        let mut p = frequency.period_of(last);
        while p.last_day() >= first && out.len() < 36 {
            out.insert(p);
            p = p.previous();
        }
    }
    out.into_iter()
        .rev()
        .take(36)
        .map(|p| p.to_string())
        .collect()
}

/// An inline error of a form: the field it is about (none: the form as a whole) and what the
/// user reads, in their language.
pub(crate) fn form_error(app: &App, ctx: &Ctx, err: &AppError) -> Value {
    json!({"field": err.field, "message": err.text(&app.i18n, &ctx.lang)})
}

/// Whether a form's failure is shown on the form (input the user can correct, a step someone
/// else took) rather than on an error page.
pub(crate) fn shown_on_form(err: &AppError) -> bool {
    matches!(
        err.status,
        axum::http::StatusCode::UNPROCESSABLE_ENTITY | axum::http::StatusCode::CONFLICT
    )
}

/// The file of the folder's policy `name`, or not found.
pub(crate) fn policy_file(app: &App, name: &str) -> Result<PathBuf, AppError> {
    policy_files(&app.config.policies)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, f)| f)
        .ok_or_else(AppError::not_found)
}

// ---------------------------------------------------------------- routes

/// Declares the routes of a part of the application from one list of `METHOD "path" => handler`:
/// `ROUTES`, the (method, path) pairs it serves (for [`super::ROUTES`] and so the role-matrix
/// test), and `routes()`, the router of exactly those; the two cannot differ.
macro_rules! routes {
    ($($method:ident $path:literal => $handler:expr),* $(,)?) => {
        /// The routes of this part (method, path).
        pub const ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];

        /// The router of [`ROUTES`].
        pub fn routes() -> ::axum::Router<$crate::web::App> {
            ::axum::Router::new()
                $(.route($path, ::axum::routing::on(::axum::routing::MethodFilter::$method, $handler)))*
        }
    };
}
pub(crate) use routes;

/// How many pairs the lists hold together.
pub const fn total(lists: &[&[(&'static str, &'static str)]]) -> usize {
    let (mut i, mut n) = (0, 0);
    while i < lists.len() {
        n += lists[i].len();
        i += 1;
    }
    n
}

/// The lists one after the other, at compile time (`N` is their [`total`]): how the
/// application's routes and templates are gathered from its parts.
pub const fn flatten<const N: usize>(
    lists: &[&[(&'static str, &'static str)]],
) -> [(&'static str, &'static str); N] {
    let mut out = [("", ""); N];
    let (mut i, mut k) = (0, 0);
    while i < lists.len() {
        let mut j = 0;
        while j < lists[i].len() {
            out[k] = lists[i][j];
            k += 1;
            j += 1;
        }
        i += 1;
    }
    assert!(k == N, "flatten: N is not the lists' total");
    out
}

/// `?exact=1`: a trace's numbers with every decimal, not the four a reader usually needs.
#[derive(Debug, Default, Deserialize)]
pub struct Precision {
    pub exact: Option<String>,
}

impl Precision {
    pub fn exact(&self) -> bool {
        self.exact
            .as_deref()
            .is_some_and(|v| !v.is_empty() && v != "0")
    }
}

#[cfg(test)]
mod tests {
    use super::offered_periods;
    use kejing_engine::policy::Frequency;

    #[test]
    fn a_form_offers_the_periods_of_the_policys_frequency_that_the_data_covers() {
        let day = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
        let span = Some((day("2026-05-20"), day("2026-09-30")));
        assert_eq!(
            offered_periods(
                Frequency::Quarterly,
                span,
                &["2025-Q4".into(), "2026-09".into()]
            ),
            vec!["2026-Q3", "2026-Q2", "2025-Q4"]
        );
        assert_eq!(
            offered_periods(Frequency::Monthly, span, &[]),
            vec!["2026-09", "2026-08", "2026-07", "2026-06", "2026-05"]
        );
        assert_eq!(offered_periods(Frequency::Annual, span, &[]), vec!["2026"]);
        assert!(offered_periods(Frequency::HalfYearly, None, &[]).is_empty());
        // Ten years of data: the newest 36 months.
        let long = Some((day("2016-01-01"), day("2026-09-30")));
        let months = offered_periods(Frequency::Monthly, long, &["2010-01".into()]);
        assert_eq!(months.len(), 36);
        assert_eq!(months[0], "2026-09");
    }
}
