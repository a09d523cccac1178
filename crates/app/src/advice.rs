//! Investment advice (F1–F2), alike for the CLI and the web: the clients' risk levels
//! (`kejing risk`), and a letter — checked, filled, laid out — from a data folder or from the
//! database, where it is kept with its inputs and every refusal is audited.

use crate::{Error, Result};
use chrono::NaiveDate;
use kejing_engine::advice::{self, RiskAssessment};
use kejing_engine::policy::{Advice, Policy};
use kejing_io::advice::{AdviceFolder, load_advice};
use kejing_io::dataset::Tables;
use kejing_letter::{LetterModel, LetterRequest};
use std::path::Path;

/// The policy's advice rules, or a message saying the policy has none.
pub fn advice_of(policy: &Policy) -> Result<&Advice> {
    policy.advice.as_ref().ok_or_else(|| {
        Error::invalid(format!(
            "{}: the policy has no [advice] section (questionnaire, bands, suitability); use an advice policy such as policies/ccb-advice",
            policy.file
        ))
    })
}

fn rows_error(errors: Vec<kejing_io::ReadError>) -> Error {
    let mut it = errors.into_iter();
    match (it.next(), it.next()) {
        (Some(e), None) => Error::Rows(e),
        (Some(e), Some(f)) => Error::invalid(
            std::iter::once(e)
                .chain(std::iter::once(f))
                .chain(it)
                .map(|e| e.to_string().trim_end().to_owned())
                .collect::<Vec<_>>()
                .join("\n"),
        ),
        _ => Error::invalid("the data could not be read"),
    }
}

/// The advice tables of a data folder or a case's texts.
pub fn load(tables: &Tables<'_>) -> Result<AdviceFolder> {
    load_advice(tables).map_err(rows_error)
}

/// Every client's assessment on `on` (the latest questionnaire on or before it).
pub fn risk_levels(
    advice: &Advice,
    folder: &AdviceFolder,
    on: NaiveDate,
) -> Result<Vec<RiskAssessment>> {
    advice::assess_all(advice, &folder.data.answers, on).map_err(|errors| {
        Error::invalid(
            errors
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n"),
        )
    })
}

/// `kejing risk`'s CSV: `client_id,score,risk_level,assessed_on,valid_until`.
pub fn risk_csv(levels: &[RiskAssessment]) -> String {
    let mut out = String::from("client_id,score,risk_level,assessed_on,valid_until\n");
    for r in levels {
        out.push_str(&risk_line(r));
        out.push('\n');
    }
    out
}

fn risk_line(r: &RiskAssessment) -> String {
    format!(
        "{},{},{},{},{}",
        r.client, r.score, r.level, r.assessed_on, r.valid_until
    )
}

/// A letter made: the content, its HTML and (when asked) its PDF.
#[derive(Debug)]
pub struct Letter {
    pub model: LetterModel,
    pub html: String,
    pub pdf: Option<Vec<u8>>,
}

/// The template of the policy's letter, read from the policy's folder.
pub fn template_of(policy: &Policy, policy_dir: &Path) -> Result<(String, String)> {
    let advice = advice_of(policy)?;
    let settings = advice.letter.as_ref().ok_or_else(|| {
        Error::invalid(format!(
            "{}: the policy has no [advice.letter] template",
            policy.file
        ))
    })?;
    let path = policy_dir.join(&settings.template);
    let meta = std::fs::metadata(&path).map_err(|e| {
        Error::invalid(format!(
            "{}: the letter template {} cannot be read ({e})",
            policy.file, settings.template
        ))
    })?;
    if meta.len() > kejing_letter::MAX_TEMPLATE as u64 {
        return Err(Error::invalid(format!(
            "{}: the letter template is {} bytes; at most {}",
            settings.template,
            meta.len(),
            kejing_letter::MAX_TEMPLATE
        )));
    }
    let text = std::fs::read_to_string(&path).map_err(|e| {
        Error::invalid(format!(
            "the letter template {} cannot be read as UTF-8 text ({e})",
            settings.template
        ))
    })?;
    Ok((settings.template.clone(), text))
}

/// Makes a letter from the policy, the data and the template; refuses (naming product and
/// levels, or the dates of an expired assessment) before anything is written.
pub fn make_letter(
    policy: &Policy,
    template: &(String, String),
    folder: &AdviceFolder,
    req: &LetterRequest<'_>,
    with_pdf: bool,
) -> Result<Letter> {
    let advice = advice_of(policy)?;
    let model = kejing_letter::prepare(&policy.name, advice, folder, req).map_err(letter_error)?;
    let html =
        kejing_letter::render_html(&template.0, &template.1, &model).map_err(letter_error)?;
    let pdf = if with_pdf {
        let title = format!("投资理财建议书 {} {}", model.client.name, model.on);
        Some(kejing_letter::render_pdf(&html, &title).map_err(letter_error)?)
    } else {
        None
    };
    Ok(Letter { model, html, pdf })
}

fn letter_error(e: kejing_letter::LetterError) -> Error {
    use kejing_letter::LetterError as L;
    match e {
        L::UnknownClient(_) | L::UnknownManager(_) => Error::NotFound(e.to_string()),
        L::Pdf(_) => Error::Internal(e.to_string()),
        _ => Error::invalid(e.to_string()),
    }
}

/// A policy case's risk lines (`client_id,score,risk_level,assessed_on,valid_until[,status]`)
/// compared with the assessments on the period's last day.
pub fn check_risk_case(
    policy: &Policy,
    case: &kejing_engine::policy::Case,
    want: &[String],
) -> Vec<String> {
    let mut problems = Vec::new();
    let advice = match advice_of(policy) {
        Ok(a) => a,
        Err(e) => return vec![e.to_string()],
    };
    let folder = match load(&Tables::Texts(&case.name, &case.tables)) {
        Ok(f) => f,
        Err(e) => return vec![e.to_string()],
    };
    let on = case.period.last_day();
    let got = match risk_levels(advice, &folder, on) {
        Ok(g) => g,
        Err(e) => return vec![format!("risk: {e}")],
    };
    for w in want {
        let fields: Vec<&str> = w.split(',').map(str::trim).collect();
        let Some(g) = got
            .iter()
            .find(|g| Some(&g.client.as_str()) == fields.first())
        else {
            problems.push(format!(
                "risk: expected {w}, but the client has no assessment"
            ));
            continue;
        };
        let line = format!("{},{}", risk_line(g), g.status.code());
        let got_fields: Vec<&str> = line.split(',').collect();
        if fields.len() < 5 || got_fields[..fields.len().min(6)] != fields[..] {
            problems.push(format!("risk: expected {w}, got {line}"));
        }
    }
    for g in &got {
        if !want
            .iter()
            .any(|w| w.split(',').next().map(str::trim) == Some(g.client.as_str()))
        {
            problems.push(format!(
                "risk: {} is assessed, but the case does not expect it",
                risk_line(g)
            ));
        }
    }
    problems
}

/// A letter made from the database and kept: the client must be owned (on the letter's day)
/// by a manager in the actor's scope; the letter is stored with its inputs (the whole content
/// the template was filled with), its HTML, the policy, who made it and when (`letter.generate`
/// in the audit log). A refusal — an unsuitable product, an expired assessment, bad data — is
/// audited too (`letter.refuse`), and nothing else is written.
pub fn generate_stored(
    store: &mut kejing_store::Store,
    actor: &crate::access::Actor,
    policy: &Policy,
    template: &(String, String),
    req: &LetterRequest<'_>,
    with_pdf: bool,
) -> Result<(i64, Letter)> {
    actor.require(crate::access::Action::KeepRegisters)?;
    store.set_actor(actor.name.clone());
    let org = actor.org.clone();
    let owners = owners_in_scope(store, actor, req.client, req.on)?;
    let texts = store.advice_texts(&org, req.client)?;
    let folder = load(&Tables::Texts("database", &texts))?;
    let mut req = req.clone();
    let own_manager;
    if req.manager.is_none()
        && let Some(m) = actor
            .manager
            .as_deref()
            .filter(|m| owners.iter().any(|o| o == m))
    {
        own_manager = m.to_owned();
        req.manager = Some(&own_manager);
    }
    match make_letter(policy, template, &folder, &req, with_pdf) {
        Ok(letter) => {
            let products: Vec<&str> = letter
                .model
                .products
                .iter()
                .map(|p| p.id.as_str())
                .collect();
            let inputs = serde_json::to_value(&letter.model)
                .map_err(|e| Error::Internal(format!("the letter's inputs: {e}")))?;
            // The policy's name with its file's fingerprint: the version the letter rests on.
            let version = format!("{}@{}", policy.name, crate::catalogue::policy_hash(policy));
            let id = store.insert_letter(
                &org,
                &kejing_store::advice::NewLetter {
                    client: req.client,
                    manager: Some(letter.model.manager.id.as_str()).filter(|m| !m.is_empty()),
                    on: req.on,
                    policy: &version,
                    risk_level: &letter.model.risk.level,
                    products: &products.join(","),
                    inputs,
                    html: &letter.html,
                },
            )?;
            Ok((id, letter))
        }
        Err(e @ (Error::Invalid(_) | Error::NotFound(_) | Error::Rows(_))) => {
            store.audit_letter_refusal(&org, req.client, &req.products.join(","), &e.message())?;
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// The managers owning `client` on `on`, refused unless one is in the actor's scope.
fn owners_in_scope(
    store: &mut kejing_store::Store,
    actor: &crate::access::Actor,
    client: &str,
    on: NaiveDate,
) -> Result<Vec<String>> {
    // The client's owners on the day, read by the client's key (not the whole ledger).
    let owners: Vec<String> = store
        .owners_on(&actor.org, client, None, on)?
        .into_iter()
        .map(|(m, _)| m)
        .collect();
    if actor.scope.is_some() && !owners.iter().any(|m| actor.sees(m)) {
        return Err(not_in_scope(client, on));
    }
    Ok(owners)
}

/// Records a client's questionnaire of `answered_on`: every question answered with one of its
/// options (the error names the question), all rows in one step; answering again the same day
/// replaces that day's answers. Returns the assessment it gives.
pub fn record_questionnaire(
    store: &mut kejing_store::Store,
    actor: &crate::access::Actor,
    policy: &Policy,
    client: &str,
    answered_on: NaiveDate,
    answers: &std::collections::BTreeMap<String, String>,
) -> Result<RiskAssessment> {
    actor.require(crate::access::Action::KeepRegisters)?;
    store.set_actor(actor.name.clone());
    owners_in_scope(store, actor, client, answered_on)?;
    let rules = advice_of(policy)?;
    let mut parsed = Vec::new();
    for (i, (q, o)) in answers.iter().enumerate() {
        parsed.push(advice::Answer {
            client: client.to_owned(),
            answered_on,
            question: q.clone(),
            option: o.clone(),
            source: format!("answer {}", i + 1),
        });
    }
    let assessment = advice::assess_client(rules, &parsed, client, answered_on)
        .map_err(|e| Error::invalid(e.to_string()))?;
    let code = kejing_engine::Code::parse(client)
        .map_err(|e| Error::invalid(format!("client {client:?}: {e}")))?;
    let rows: Vec<kejing_store::advice::AdviceRowIn> = parsed
        .iter()
        .map(|a| {
            let rec = kejing_io::advice::RiskAnswerRec {
                client_id: code.clone(),
                answered_on,
                question: a.question.clone(),
                answer: a.option.to_ascii_uppercase(),
            };
            use kejing_io::advice::AdviceRow as _;
            kejing_store::advice::AdviceRowIn {
                key: rec.key(),
                client: Some(client.to_owned()),
                day: Some(answered_on.to_string()),
                cells: kejing_io::advice::cells_json(&rec),
            }
        })
        .collect();
    store.put_advice_rows(&actor.org, kejing_io::Table::RiskAnswers, client, &rows)?;
    Ok(assessment)
}

/// Records one row of the client's finances or goals entered on a form (column → text),
/// checked as a file's row would be; a row of the same key (same day, kind and category; same
/// goal) is replaced.
pub fn record_profile_row(
    store: &mut kejing_store::Store,
    actor: &crate::access::Actor,
    table: kejing_io::Table,
    client: &str,
    on: NaiveDate,
    cells: &std::collections::BTreeMap<String, String>,
) -> Result<()> {
    use kejing_io::advice::{AdviceRow, FinanceRec, GoalRec, cells_json, parse_one};
    actor.require(crate::access::Action::KeepRegisters)?;
    store.set_actor(actor.name.clone());
    owners_in_scope(store, actor, client, on)?;
    let mut cells = cells.clone();
    cells.insert("client_id".into(), client.to_owned());
    let row = match table {
        kejing_io::Table::Finances => {
            let r: FinanceRec = parse_one(&cells).map_err(Error::Rows)?;
            (r.key(), r.day(), cells_json(&r))
        }
        kejing_io::Table::Goals => {
            let r: GoalRec = parse_one(&cells).map_err(Error::Rows)?;
            if r.due_on < on {
                return Err(Error::invalid(format!(
                    "due_on: the goal {:?} is due on {}, before today ({on}); give a later date",
                    r.goal, r.due_on
                )));
            }
            (r.key(), r.day(), cells_json(&r))
        }
        other => {
            return Err(Error::invalid(format!(
                "{other}: a profile row is a finances or goals row"
            )));
        }
    };
    store.put_advice_rows(
        &actor.org,
        table,
        client,
        &[kejing_store::advice::AdviceRowIn {
            key: row.0,
            client: Some(client.to_owned()),
            day: row.1.map(|d| d.to_string()),
            cells: row.2,
        }],
    )?;
    Ok(())
}

/// What a client's advice page shows: the folder of the client's data, the current
/// assessment (or why there is none), and the shelf with each product allowed or not.
pub struct ClientAdvice {
    pub folder: AdviceFolder,
    pub assessment: std::result::Result<RiskAssessment, String>,
    /// Product, whether it may be recommended, the reason when not.
    pub shelf: Vec<(kejing_engine::advice::Product, bool, Option<String>)>,
    pub plan: Option<kejing_engine::advice::Plan>,
    pub letters: Vec<kejing_store::advice::StoredLetter>,
}

pub fn client_advice(
    store: &mut kejing_store::Store,
    actor: &crate::access::Actor,
    policy: &Policy,
    client: &str,
    on: NaiveDate,
) -> Result<ClientAdvice> {
    actor.require(crate::access::Action::ViewClients)?;
    owners_in_scope(store, actor, client, on)?;
    let rules = advice_of(policy)?;
    let texts = store.advice_texts(&actor.org, client)?;
    let folder = load(&Tables::Texts("database", &texts))?;
    let assessment = advice::current_assessment(rules, &folder.data.answers, client, on)
        .map_err(|e| e.to_string());
    let shelf = folder
        .data
        .products
        .iter()
        .map(|p| match &assessment {
            Ok(a) => match advice::check_suitable(rules, client, a.level, p) {
                Ok(()) => (p.clone(), true, None),
                Err(e) => (p.clone(), false, Some(e.to_string())),
            },
            Err(e) => (p.clone(), false, Some(e.clone())),
        })
        .collect();
    let plan = assessment
        .as_ref()
        .ok()
        .and_then(|a| advice::plan_for(rules, &folder.data, client, a.level, on).ok());
    let letters = store.letters(&actor.org, Some(client), 50)?;
    Ok(ClientAdvice {
        folder,
        assessment,
        shelf,
        plan,
        letters,
    })
}

/// A kept letter with its HTML, if its client is owned in the actor's scope on its day.
pub fn stored_letter(
    store: &mut kejing_store::Store,
    actor: &crate::access::Actor,
    id: i64,
) -> Result<(kejing_store::advice::StoredLetter, String)> {
    actor.require(crate::access::Action::ViewClients)?;
    let (l, html) = store
        .letter(&actor.org, id)?
        .ok_or_else(|| Error::NotFound(format!("letter {id} does not exist")))?;
    owners_in_scope(store, actor, &l.client, l.on)?;
    Ok((l, html))
}

/// The newest kept letters whose clients are owned in the actor's scope on their day.
pub fn letters_in_scope(
    store: &mut kejing_store::Store,
    actor: &crate::access::Actor,
    limit: i64,
) -> Result<Vec<kejing_store::advice::StoredLetter>> {
    actor.require(crate::access::Action::ViewClients)?;
    match &actor.scope {
        None => Ok(store.letters(&actor.org, None, limit)?),
        Some(scope) => {
            let managers: Vec<String> = scope.iter().cloned().collect();
            Ok(store.letters_owned(&actor.org, &managers, limit)?)
        }
    }
}

/// Every client's questionnaire answers kept in the database (for `kejing risk` over it).
pub fn stored_answers(
    store: &mut kejing_store::Store,
    actor: &crate::access::Actor,
) -> Result<AdviceFolder> {
    actor.require(crate::access::Action::ViewClients)?;
    let rows = store.advice_cells(&actor.org, kejing_io::Table::RiskAnswers, None)?;
    let mut texts = std::collections::BTreeMap::new();
    if !rows.is_empty() {
        texts.insert(
            kejing_io::Table::RiskAnswers.name().to_owned(),
            kejing_io::advice::csv_text(kejing_io::Table::RiskAnswers, &rows),
        );
    }
    let mut folder = load(&Tables::Texts("database", &texts))?;
    if let Some(scope) = &actor.scope {
        // The clients anyone in the scope owns (at any time), once: a set, not a scan of the
        // whole ledger for every answer.
        let managers: Vec<String> = scope.iter().cloned().collect();
        let owned: std::collections::HashSet<String> = store
            .client_ownership(&actor.org, Some(&managers))?
            .into_iter()
            .filter(|v| scope.contains(&v.manager))
            .map(|v| v.subject.0)
            .collect();
        folder.data.answers.retain(|a| owned.contains(&a.client));
    }
    Ok(folder)
}

/// The clients in the actor's scope whose assessment is due for re-assessment within the
/// policy's `remind_days`, or has expired, on `on`: the re-assessment reminder (soonest first).
pub fn reassessments_due(
    store: &mut kejing_store::Store,
    actor: &crate::access::Actor,
    policy: &Policy,
    on: NaiveDate,
) -> Result<Vec<RiskAssessment>> {
    let rules = advice_of(policy)?;
    let folder = stored_answers(store, actor)?;
    let mut due: Vec<RiskAssessment> = risk_levels(rules, &folder, on)?
        .into_iter()
        .filter(|a| a.status != kejing_engine::advice::Validity::Valid)
        .collect();
    due.sort_by(|a, b| {
        a.valid_until
            .cmp(&b.valid_until)
            .then(a.client.cmp(&b.client))
    });
    Ok(due)
}

fn not_in_scope(client: &str, on: NaiveDate) -> Error {
    Error::said(
        crate::error::Kind::Forbidden,
        "client-not-in-scope",
        &[("client", client.to_owned()), ("on", on.to_string())],
        format!("client {client} is not owned by anyone in your scope on {on}"),
    )
}
