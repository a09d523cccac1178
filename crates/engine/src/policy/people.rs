//! Whom a policy pays (`[policy] pays`) and the facts about managers it reads
//! (`[manager_fields]`): declared, typed and, where the policy says so, required.

use super::loader::Loader;
use super::names::MANAGER_FIELDS;
use super::raw::RawManagerField;
use crate::data::Manager;
use crate::expr::{Expr, Value};
use std::collections::BTreeMap;
use toml::Spanned;

/// Whom a policy pays when it does not say: customer managers in post, that is managers whose
/// track is a customer-manager track (`tracks.is_cm`, A3).
pub const DEFAULT_PAYS: &str = "manager.is_cm";

/// The type of a declared manager fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// Read as text (what an undeclared column is).
    Text,
    /// `true`/`false` (also `1`/`0`, `yes`/`no`, `是`/`否`).
    Bool,
    /// A day, `YYYY-MM-DD`.
    Date,
}

/// A further column of the managers table that the policy reads, declared under
/// `[manager_fields.<name>]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ManagerField {
    pub name: String,
    pub label: Option<String>,
    pub kind: FieldKind,
    /// A manager without a value is an error (naming the manager), not an empty value.
    pub required: bool,
    /// The value of a manager without one (text as written, checked against the type).
    pub default: Option<String>,
    /// A list field: the value is one or more of these codes, separated by `|` (e.g. the four
    /// disqualifiers of A5); any other code is an error naming the manager.
    pub codes: Option<Vec<String>>,
    pub line: usize,
}

/// The separators of a list value (as `contains()` reads it).
const LIST_SEPARATORS: [char; 6] = ['|', ',', '，', '、', ';', ' '];

impl ManagerField {
    /// The field's value for manager `m`, by its declaration.
    pub fn value_of(&self, m: &Manager) -> Result<Value, String> {
        let what = self.label.as_deref().unwrap_or(&self.name);
        let Some(text) = m.extra.get(&self.name).or(self.default.as_ref()) else {
            if self.required {
                return Err(format!(
                    "manager {} has no {} ({what}), which the policy requires (policy line {}): give every manager a value in column {} of managers{}",
                    m.id,
                    self.name,
                    self.line,
                    self.name,
                    if self.kind == FieldKind::Bool {
                        " (true or false)"
                    } else {
                        ""
                    }
                ));
            }
            return Ok(Value::Null);
        };
        if let Some(codes) = &self.codes {
            for code in text
                .split(LIST_SEPARATORS)
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                if !codes.iter().any(|c| c == code) {
                    return Err(format!(
                        "manager {}: {} ({what}) has the unknown code {code:?}; the codes are {} (policy line {})",
                        m.id,
                        self.name,
                        codes.join(", "),
                        self.line
                    ));
                }
            }
        }
        match self.kind {
            FieldKind::Text => Ok(Value::Text(text.clone())),
            FieldKind::Bool => parse_bool(text).map(Value::Bool).ok_or_else(|| {
                format!(
                    "manager {}: {} ({what}) is {text:?}, not true or false (policy line {})",
                    m.id, self.name, self.line
                )
            }),
            FieldKind::Date => text
                .trim()
                .parse::<chrono::NaiveDate>()
                .map(Value::Date)
                .map_err(|_| {
                    format!(
                        "manager {}: {} ({what}) is {text:?}, not a date YYYY-MM-DD (policy line {})",
                        m.id, self.name, self.line
                    )
                }),
        }
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_lowercase().as_str() {
        "true" | "1" | "yes" | "y" | "是" => Some(true),
        "false" | "0" | "no" | "n" | "否" => Some(false),
        _ => None,
    }
}

/// Reads `[policy] pays` (the default when absent) and `[manager_fields]`.
pub(super) fn load_people(
    l: &mut Loader<'_>,
    pays: Option<&Spanned<String>>,
    fields: &BTreeMap<String, Spanned<RawManagerField>>,
) -> (Option<Expr>, BTreeMap<String, ManagerField>) {
    let pays = match pays {
        Some(p) => l.expr(p, "pays"),
        None => Expr::parse(DEFAULT_PAYS).ok(),
    };
    let mut out = BTreeMap::new();
    for (name, f) in fields {
        let o = f.span().start;
        let r = f.get_ref();
        if MANAGER_FIELDS.contains(&name.as_str()) {
            l.err(
                o,
                format!("manager_fields.{name}: {name} is a column of the data contract, not a further one; remove the declaration"),
            );
            continue;
        }
        let kind = match r.kind.as_deref() {
            None | Some("text") => FieldKind::Text,
            Some("bool") => FieldKind::Bool,
            Some("date") => FieldKind::Date,
            Some(other) => {
                l.err(
                    o,
                    format!("manager_fields.{name}: type is text, bool or date, not {other:?}"),
                );
                continue;
            }
        };
        if let Some(d) = &r.default {
            let bad = match kind {
                FieldKind::Bool => parse_bool(d).is_none(),
                FieldKind::Date => d.trim().parse::<chrono::NaiveDate>().is_err(),
                FieldKind::Text => false,
            };
            if bad {
                l.err(
                    o,
                    format!(
                        "manager_fields.{name}: default {d:?} is not of type {:?}",
                        r.kind.as_deref().unwrap_or("text")
                    ),
                );
            }
        }
        if r.codes.is_some() && kind != FieldKind::Text {
            l.err(
                o,
                format!("manager_fields.{name}: codes go with type text (a list of codes)"),
            );
        }
        if let Some(codes) = &r.codes
            && codes
                .iter()
                .any(|c| c.trim().is_empty() || c.contains(LIST_SEPARATORS))
        {
            l.err(
                o,
                format!(
                    "manager_fields.{name}: a code is not empty and has no separator (| , ; space)"
                ),
            );
        }
        let required = r.required.unwrap_or(false);
        if required && r.default.is_some() {
            l.err(
                o,
                format!(
                    "manager_fields.{name}: a required field has no default; keep one of the two"
                ),
            );
        }
        out.insert(
            name.clone(),
            ManagerField {
                name: name.clone(),
                label: r.label.clone(),
                kind,
                required,
                default: r.default.clone(),
                codes: r.codes.clone(),
                line: l.line(o),
            },
        );
    }
    (pays, out)
}
