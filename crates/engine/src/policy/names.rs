//! The names and functions policy expressions may use, and the checks that they use only those.

use super::loader::Loader;
use super::{ItemKind, Lookup, Policy, PolicyError, Source, TierTable};
use crate::expr::{BUILTINS, Expr};
use std::collections::BTreeMap;

/// Names a manager-level expression may use besides measures, values and parameters.
pub const MANAGER_FIELDS: &[&str] = &[
    "id",
    "name",
    "org",
    "track",
    "grade",
    "tier",
    "staff_grade",
    "status",
    "hired_on",
    "trial_end",
    "left_on",
    "base_salary",
    "is_cm",
];

/// Fields of `client.` in a row expression.
pub const CLIENT_FIELDS: &[&str] = &["id", "name", "kind", "client_type", "agreement"];

/// Fields of `period.`.
pub const PERIOD_FIELDS: &[&str] = &["first_day", "last_day", "days", "working_days"];

/// The policy's own functions: (name, arguments).
pub const POLICY_FUNCTIONS: &[(&str, usize)] = &[("tier", 2), ("lookup", 2)];

impl Policy {
    /// Every name a manager-level expression uses must exist, every function be known, and
    /// values must not depend on themselves.
    pub(super) fn check_names(&self, l: &mut Loader<'_>) {
        let mut exprs: Vec<(usize, String, &Expr)> = Vec::new();
        exprs.push((self.pays_line.unwrap_or(1), "pays".to_owned(), &self.pays));
        for v in self.values.values() {
            exprs.push((v.line, format!("value {}", v.name), &v.expr));
        }
        for it in &self.items {
            let what = format!("item {}", it.name);
            match &it.kind {
                ItemKind::Formula { amount, when } => {
                    exprs.push((it.line, what.clone(), amount));
                    if let Some(w) = when {
                        exprs.push((it.line, what, w));
                    }
                }
                ItemKind::Streak { when, step } => {
                    exprs.push((it.line, what.clone(), when));
                    exprs.push((it.line, what, step));
                }
                ItemKind::Rank {
                    by, among, awards, ..
                } => {
                    exprs.push((it.line, what.clone(), by));
                    for a in awards {
                        exprs.push((it.line, what.clone(), a));
                    }
                    if let Some(a) = among {
                        exprs.push((it.line, what, a));
                    }
                }
                ItemKind::Adjustments => {}
                ItemKind::Threshold {
                    at_least, award, ..
                } => {
                    exprs.push((it.line, what.clone(), at_least));
                    exprs.push((it.line, what, award));
                }
            }
        }
        for (line, what, e) in exprs {
            for path in e.names() {
                if let Some(problem) = self.manager_name_problem(&path) {
                    l.errors.push(PolicyError {
                        file: self.file.clone(),
                        line,
                        message: format!("{what}: {problem}"),
                    });
                }
            }
            for (f, n) in e.calls() {
                if let Some(problem) = function_problem(&f, n, &self.tiers) {
                    l.errors.push(PolicyError {
                        file: self.file.clone(),
                        line,
                        message: format!("{what}: {problem}"),
                    });
                }
            }
            if let Some(t) = table_argument_problem(e, &self.tiers, &self.lookups) {
                l.errors.push(PolicyError {
                    file: self.file.clone(),
                    line,
                    message: format!("{what}: {t}"),
                });
            }
        }
        // Cycles among values.
        for v in self.values.values() {
            let mut stack = vec![v.name.clone()];
            if let Some(cycle) = self.find_cycle(&v.expr, &mut stack) {
                l.errors.push(PolicyError {
                    file: self.file.clone(),
                    line: v.line,
                    message: format!("value {} depends on itself: {}", v.name, cycle.join(" → ")),
                });
            }
        }
    }

    fn find_cycle(&self, e: &Expr, stack: &mut Vec<String>) -> Option<Vec<String>> {
        for path in e.names() {
            if path.len() != 1 {
                continue;
            }
            let n = &path[0];
            if let Some(v) = self.values.get(n) {
                if stack.contains(n) {
                    let mut c = stack.clone();
                    c.push(n.clone());
                    return Some(c);
                }
                stack.push(n.clone());
                if let Some(c) = self.find_cycle(&v.expr, stack) {
                    return Some(c);
                }
                stack.pop();
            }
        }
        None
    }

    pub(super) fn manager_name_problem(&self, path: &[String]) -> Option<String> {
        let first = path[0].as_str();
        match (first, path.len()) {
            ("manager", 2) if MANAGER_FIELDS.contains(&path[1].as_str()) => None,
            ("manager", 2) => None, // further columns of the managers file are read as text
            ("period", 2) if PERIOD_FIELDS.contains(&path[1].as_str()) => None,
            ("client", 2) => None, // only meaningful in per-client thresholds; checked when evaluated
            (_, 1)
                if self.parameters.contains_key(first)
                    || self.measures.contains_key(first)
                    || self.values.contains_key(first)
                    || self.tiers.contains_key(first)
                    || self.lookups.contains_key(first) =>
            {
                None
            }
            _ => Some(format!(
                "unknown name {}; a name is a measure, a value, a parameter, a table (inside tier() or lookup()), manager.<column> or period.first_day/last_day/days/working_days",
                path.join(".")
            )),
        }
    }
}

pub(super) fn function_problem(
    name: &str,
    n: usize,
    _tiers: &BTreeMap<String, TierTable>,
) -> Option<String> {
    if let Some((_, arity)) = POLICY_FUNCTIONS.iter().find(|(f, _)| *f == name) {
        return (*arity != n).then(|| format!("{name} takes {arity} arguments"));
    }
    if name == "if" || BUILTINS.iter().any(|(f, _, _)| *f == name) {
        return None;
    }
    let known: Vec<&str> = BUILTINS
        .iter()
        .map(|(f, _, _)| *f)
        .chain(POLICY_FUNCTIONS.iter().map(|(f, _)| *f))
        .collect();
    Some(format!(
        "unknown function {name}; the functions are {}",
        known.join(", ")
    ))
}

fn table_argument_problem(
    e: &Expr,
    tiers: &BTreeMap<String, TierTable>,
    lookups: &BTreeMap<String, Lookup>,
) -> Option<String> {
    let recurse = |a: &Expr| table_argument_problem(a, tiers, lookups);
    match e {
        Expr::Call(name, args) if name == "tier" || name == "lookup" => {
            let ok = match args.first() {
                Some(Expr::Name(p)) if p.len() == 1 => {
                    if name == "tier" {
                        tiers.contains_key(&p[0])
                    } else {
                        lookups.contains_key(&p[0])
                    }
                }
                _ => false,
            };
            if ok {
                args.iter().skip(1).find_map(recurse)
            } else if name == "tier" {
                Some("the first argument of tier() is the name of a table under [tiers]".to_owned())
            } else {
                Some(
                    "the first argument of lookup() is the name of a table under [lookups]"
                        .to_owned(),
                )
            }
        }
        Expr::Neg(a) | Expr::Not(a) => recurse(a),
        Expr::Bin(_, a, b) => recurse(a).or_else(|| recurse(b)),
        Expr::Call(_, args) => args.iter().find_map(recurse),
        _ => None,
    }
}

/// Whether `name` is a built-in or one of `extra` (name, arity, description) with `n` arguments.
pub(super) fn function_known(name: &str, n: usize, extra: &[(&str, usize, &str)]) -> bool {
    if let Some((_, arity, _)) = extra.iter().find(|(f, _, _)| *f == name) {
        return *arity == n;
    }
    name == "if" || BUILTINS.iter().any(|(f, _, _)| *f == name)
}

/// The built-ins and `extra`, for a message.
pub(super) fn function_list(extra: &[(&str, usize, &str)]) -> String {
    let all: Vec<&str> = BUILTINS
        .iter()
        .map(|(f, _, _)| *f)
        .chain(extra.iter().map(|(f, _, _)| *f))
        .collect();
    all.join(", ")
}

pub(super) fn check_row_names(
    l: &mut Loader<'_>,
    offset: usize,
    measure: &str,
    source: Source,
    e: &Expr,
) {
    for path in e.names() {
        // client.<column> and manager.<column> may name further columns of those files.
        let ok = match (path[0].as_str(), path.len()) {
            (f, 1) => source.has_field(f),
            ("client" | "manager", 2) => true,
            _ => false,
        };
        if !ok {
            l.err(
                offset,
                format!(
                    "measure {measure}: unknown name {} for a row of {}; the row has {}, client.<column> and manager.<column>",
                    path.join("."),
                    source.name(),
                    source.field_list()
                ),
            );
        }
    }
}
