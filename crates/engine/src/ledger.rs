//! The ownership ledger (管户): which customer managers own a subject (a client, or one account
//! of a client) on which days, with which allocation ratios.
//!
//! Rules (domain B2, data contract `ownership`):
//! - a *version* says "manager M owns subject S with ratio r from day `from` to day `to`"
//!   (both inclusive; `to = None` means still open);
//! - on every day on which a subject has any owner, its ratios sum to exactly 1;
//! - one manager has at most one version of a subject on any day;
//! - an account-level version overrides the client-level ones for that account on its days;
//! - a change never rewrites history: the old version is closed the day before the new one
//!   takes effect ([`plan_changes`]).
//!
//! The functions here are generic over the key types, so the store can use its integer keys and
//! file mode its codes.

use crate::ratio::Ratio;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

/// One version of ownership of a subject by a manager.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version<S, M> {
    pub subject: S,
    pub manager: M,
    pub ratio: Ratio,
    pub from: NaiveDate,
    /// Last day owned (inclusive); `None` = open.
    pub to: Option<NaiveDate>,
}

impl<S, M> Version<S, M> {
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|t| day <= t)
    }

    /// Whether the two versions share at least one day.
    pub fn overlaps<S2, M2>(&self, other: &Version<S2, M2>) -> bool {
        let a_end = self.to.unwrap_or(NaiveDate::MAX);
        let b_end = other.to.unwrap_or(NaiveDate::MAX);
        self.from <= b_end && other.from <= a_end
    }
}

/// Prints `2026-09-01..2026-09-15` or `2026-09-16..` (open).
pub struct Span(pub NaiveDate, pub Option<NaiveDate>);

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.1 {
            Some(t) => write!(f, "{}..{}", self.0, t),
            None => write!(f, "{}..", self.0),
        }
    }
}

/// Something wrong with the versions of one subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem<M> {
    /// On the days `first..=last` (`last = None`: from `first` on) the ratios sum to `sum`, not 1.
    Sum {
        first: NaiveDate,
        last: Option<NaiveDate>,
        sum: Decimal,
        shares: Vec<(M, Ratio)>,
    },
    /// The same manager has two versions that share days.
    Overlap {
        manager: M,
        a: (NaiveDate, Option<NaiveDate>),
        b: (NaiveDate, Option<NaiveDate>),
    },
}

impl<M: fmt::Display> fmt::Display for Problem<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::Sum {
                first,
                last,
                sum,
                shares,
            } => {
                let parts: Vec<String> = shares.iter().map(|(m, r)| format!("{m} {r}")).collect();
                let days = match last {
                    Some(l) if l == first => format!("on {first}"),
                    Some(l) => format!("on {first} (through {l})"),
                    None => format!("on {first} (and every day after)"),
                };
                write!(
                    f,
                    "ratios sum to {} {days}, not 1 ({}); the shares of one subject must add up to exactly 1 on every day",
                    sum.normalize(),
                    parts.join(" + ")
                )
            }
            Problem::Overlap { manager, a, b } => write!(
                f,
                "manager {manager} has two versions that share days ({} and {}); close one before the other starts",
                Span(a.0, a.1),
                Span(b.0, b.1)
            ),
        }
    }
}

/// Checks all versions of one subject: no manager twice on a day, and on every day with an
/// owner the ratios sum to exactly 1. Returns every problem found, in date order.
pub fn check_subject<S, M: Clone + Eq + Ord>(versions: &[&Version<S, M>]) -> Vec<Problem<M>> {
    let mut problems = Vec::new();
    for (i, a) in versions.iter().enumerate() {
        for b in &versions[i + 1..] {
            if a.manager == b.manager && a.overlaps(b) {
                problems.push(Problem::Overlap {
                    manager: a.manager.clone(),
                    a: (a.from, a.to),
                    b: (b.from, b.to),
                });
            }
        }
    }
    // Sweep over the days on which the set of versions changes.
    let mut bounds: BTreeSet<NaiveDate> = BTreeSet::new();
    for v in versions {
        bounds.insert(v.from);
        if let Some(t) = v.to
            && let Some(next) = t.succ_opt()
        {
            bounds.insert(next);
        }
    }
    let bounds: Vec<NaiveDate> = bounds.into_iter().collect();
    for (i, &start) in bounds.iter().enumerate() {
        let active: Vec<&&Version<S, M>> = versions.iter().filter(|v| v.covers(start)).collect();
        if active.is_empty() {
            continue;
        }
        let sum: Decimal = active.iter().map(|v| v.ratio.value()).sum();
        if sum != Decimal::ONE {
            let last = bounds.get(i + 1).and_then(|n| n.pred_opt());
            let mut shares: Vec<(M, Ratio)> = active
                .iter()
                .map(|v| (v.manager.clone(), v.ratio))
                .collect();
            shares.sort();
            problems.push(Problem::Sum {
                first: start,
                last,
                sum,
                shares,
            });
        }
    }
    problems
}

/// The owners of an account on a day: the account-level versions that cover the day if there
/// are any, otherwise the client-level ones. Empty when nobody owns it that day.
pub fn owners_on<'a, S, M>(
    account_versions: &'a [Version<S, M>],
    client_versions: &'a [Version<S, M>],
    day: NaiveDate,
) -> Vec<(&'a M, Ratio)> {
    let own: Vec<(&M, Ratio)> = account_versions
        .iter()
        .filter(|v| v.covers(day))
        .map(|v| (&v.manager, v.ratio))
        .collect();
    if !own.is_empty() {
        return own;
    }
    client_versions
        .iter()
        .filter(|v| v.covers(day))
        .map(|v| (&v.manager, v.ratio))
        .collect()
}

/// A version already in the ledger, with its storage id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stored<S, M> {
    pub id: i64,
    pub version: Version<S, M>,
}

/// A version asked for by an import row (`row` as a spreadsheet numbers it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Incoming<S, M> {
    pub row: usize,
    pub version: Version<S, M>,
}

/// Closing a stored version: its last day becomes `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Close {
    pub id: i64,
    pub old_to: Option<NaiveDate>,
    pub to: NaiveDate,
    /// The import row that caused it.
    pub row: usize,
}

/// What applying a batch of incoming versions does to the ledger.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan<S, M> {
    pub inserts: Vec<Incoming<S, M>>,
    pub closes: Vec<Close>,
    /// Rows already in the ledger exactly (or closed since): nothing to do.
    pub unchanged: Vec<usize>,
}

/// Why a batch of versions cannot be applied. `rows` are the import rows concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanError<S, M> {
    pub rows: Vec<usize>,
    pub subject: S,
    pub kind: PlanErrorKind<M>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanErrorKind<M> {
    /// Two rows give the same manager, subject and start day.
    Duplicate { manager: M, from: NaiveDate },
    /// The ledger already has a version from `stored_from`; a new version may not start on or
    /// before it.
    RewritesHistory {
        manager: M,
        stored_from: NaiveDate,
        stored_to: Option<NaiveDate>,
        new_from: NaiveDate,
    },
    /// The resulting versions break a ledger rule.
    Invalid(Problem<M>),
}

impl<M: fmt::Display> fmt::Display for PlanErrorKind<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PlanErrorKind::Duplicate { manager, from } => write!(
                f,
                "manager {manager} is given twice from {from}; keep one row"
            ),
            PlanErrorKind::RewritesHistory {
                manager,
                stored_from,
                stored_to,
                new_from,
            } => write!(
                f,
                "a version starting {new_from} would rewrite history: the ledger already records {manager} for {}; a change takes effect after the last recorded start",
                Span(*stored_from, *stored_to)
            ),
            PlanErrorKind::Invalid(p) => write!(f, "{p}"),
        }
    }
}

/// Works out how to apply incoming versions to the stored ledger without rewriting history.
///
/// - A row equal to a stored version (same subject, manager, ratio and start) is unchanged;
///   with an earlier end day than an open stored version it closes that version.
/// - The other rows of a subject state its ownership from their earliest start day `D` on:
///   stored versions still open on `D` that began before it are closed on `D − 1`. A stored
///   version that begins on or after `D` cannot be superseded (that would rewrite history).
/// - The resulting versions of every touched subject must pass [`check_subject`].
///
/// All errors are returned, not only the first.
pub fn plan_changes<S, M>(
    stored: &[Stored<S, M>],
    incoming: &[Incoming<S, M>],
) -> Result<Plan<S, M>, Vec<PlanError<S, M>>>
where
    S: Clone + Ord,
    M: Clone + Ord,
{
    let mut errors = Vec::new();
    let mut by_subject: BTreeMap<&S, Vec<&Stored<S, M>>> = BTreeMap::new();
    for s in stored {
        by_subject.entry(&s.version.subject).or_default().push(s);
    }

    // Duplicates inside the batch.
    let mut seen: BTreeMap<(&S, &M, NaiveDate), usize> = BTreeMap::new();
    for inc in incoming {
        let v = &inc.version;
        if let Some(&first) = seen.get(&(&v.subject, &v.manager, v.from)) {
            errors.push(PlanError {
                rows: vec![first, inc.row],
                subject: v.subject.clone(),
                kind: PlanErrorKind::Duplicate {
                    manager: v.manager.clone(),
                    from: v.from,
                },
            });
        } else {
            seen.insert((&v.subject, &v.manager, v.from), inc.row);
        }
    }

    // The end day each stored version will have after the plan (id -> to).
    let mut new_end: BTreeMap<i64, (Option<NaiveDate>, usize)> = BTreeMap::new();
    let mut unchanged = Vec::new();
    let mut fresh: BTreeMap<&S, Vec<&Incoming<S, M>>> = BTreeMap::new();

    for inc in incoming {
        let v = &inc.version;
        let same_start = by_subject.get(&v.subject).and_then(|list| {
            list.iter()
                .find(|s| s.version.manager == v.manager && s.version.from == v.from)
        });
        match same_start {
            Some(s) if s.version.ratio == v.ratio => match (s.version.to, v.to) {
                (None, None) => unchanged.push(inc.row),
                (Some(a), Some(b)) if a == b => unchanged.push(inc.row),
                (None, Some(t)) => {
                    new_end.insert(s.id, (Some(t), inc.row));
                }
                (Some(_), None) => unchanged.push(inc.row), // closed since
                (Some(a), Some(b)) if a < b => unchanged.push(inc.row), // closed since
                (Some(_), Some(_)) => errors.push(PlanError {
                    rows: vec![inc.row],
                    subject: v.subject.clone(),
                    kind: PlanErrorKind::RewritesHistory {
                        manager: v.manager.clone(),
                        stored_from: s.version.from,
                        stored_to: s.version.to,
                        new_from: v.from,
                    },
                }),
            },
            _ => fresh.entry(&v.subject).or_default().push(inc),
        }
    }

    for (subject, rows) in &fresh {
        let Some(start) = rows.iter().map(|r| r.version.from).min() else {
            continue;
        };
        let first_row = rows.iter().map(|r| r.row).min().unwrap_or(0);
        for s in by_subject.get(subject).into_iter().flatten() {
            let end = new_end.get(&s.id).map_or(s.version.to, |e| e.0);
            let still_open_on_start = end.is_none_or(|e| e >= start);
            if !still_open_on_start {
                continue;
            }
            if s.version.from >= start {
                errors.push(PlanError {
                    rows: rows.iter().map(|r| r.row).collect(),
                    subject: (*subject).clone(),
                    kind: PlanErrorKind::RewritesHistory {
                        manager: s.version.manager.clone(),
                        stored_from: s.version.from,
                        stored_to: end,
                        new_from: start,
                    },
                });
            } else if let Some(day_before) = start.pred_opt() {
                new_end.insert(s.id, (Some(day_before), first_row));
            }
        }
    }

    // Check every touched subject as it will be.
    let mut touched: BTreeSet<&S> = fresh.keys().copied().collect();
    for s in stored {
        if new_end.contains_key(&s.id) {
            touched.insert(&s.version.subject);
        }
    }
    for subject in touched {
        let mut result: Vec<Version<S, M>> = Vec::new();
        for s in by_subject.get(subject).into_iter().flatten() {
            let mut v = s.version.clone();
            if let Some((end, _)) = new_end.get(&s.id) {
                v.to = *end;
            }
            result.push(v);
        }
        let new_rows = fresh.get(subject).cloned().unwrap_or_default();
        result.extend(new_rows.iter().map(|r| r.version.clone()));
        let refs: Vec<&Version<S, M>> = result.iter().collect();
        for problem in check_subject(&refs) {
            let day = match &problem {
                Problem::Sum { first, .. } => *first,
                Problem::Overlap { a, b, .. } => a.0.max(b.0),
            };
            let mut rows: Vec<usize> = new_rows
                .iter()
                .filter(|r| r.version.covers(day))
                .map(|r| r.row)
                .collect();
            if rows.is_empty() {
                rows = new_rows.iter().map(|r| r.row).collect();
            }
            if rows.is_empty() {
                rows = new_end.values().map(|e| e.1).collect();
            }
            errors.push(PlanError {
                rows,
                subject: subject.clone(),
                kind: PlanErrorKind::Invalid(problem),
            });
        }
    }

    if !errors.is_empty() {
        errors.sort_by(|a, b| a.rows.cmp(&b.rows));
        return Err(errors);
    }
    let closes = stored
        .iter()
        .filter_map(|s| {
            new_end.get(&s.id).and_then(|(end, row)| {
                end.map(|to| Close {
                    id: s.id,
                    old_to: s.version.to,
                    to,
                    row: *row,
                })
            })
        })
        .collect();
    let inserts = fresh.into_values().flatten().cloned().collect();
    Ok(Plan {
        inserts,
        closes,
        unchanged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }
    fn r(s: &str) -> Ratio {
        Ratio::parse(s).unwrap()
    }
    fn v(
        subject: &'static str,
        m: &'static str,
        ratio: &str,
        from: &str,
        to: Option<&str>,
    ) -> Version<&'static str, &'static str> {
        Version {
            subject,
            manager: m,
            ratio: r(ratio),
            from: d(from),
            to: to.map(d),
        }
    }

    #[test]
    fn shares_that_do_not_add_up_to_one_are_reported_with_day_and_sum() {
        let a = v("C1", "M1", "0.6", "2026-09-01", None);
        let b = v("C1", "M2", "0.3", "2026-09-01", None);
        let problems = check_subject(&[&a, &b]);
        assert_eq!(problems.len(), 1);
        let text = problems[0].to_string();
        assert!(text.contains("sum to 0.9 on 2026-09-01"), "{text}");
        let b = v("C1", "M2", "0.4", "2026-09-01", None);
        assert!(check_subject(&[&a, &b]).is_empty());
    }

    #[test]
    fn a_gap_in_one_share_is_caught_on_exactly_those_days() {
        let a = v("C1", "M1", "0.6", "2026-09-01", None);
        let b = v("C1", "M2", "0.4", "2026-09-01", Some("2026-09-10"));
        let c = v("C1", "M3", "0.4", "2026-09-12", None);
        let problems = check_subject(&[&a, &b, &c]);
        assert_eq!(problems.len(), 1);
        match &problems[0] {
            Problem::Sum {
                first, last, sum, ..
            } => {
                assert_eq!((*first, *last), (d("2026-09-11"), Some(d("2026-09-11"))));
                assert_eq!(sum.to_string(), "0.6");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_same_manager_twice_on_a_day_is_an_overlap() {
        let a = v("C1", "M1", "0.5", "2026-09-01", Some("2026-09-20"));
        let b = v("C1", "M1", "0.5", "2026-09-15", None);
        let problems = check_subject(&[&a, &b]);
        assert!(
            problems
                .iter()
                .any(|p| matches!(p, Problem::Overlap { .. }))
        );
    }

    #[test]
    fn account_level_ownership_overrides_the_client_on_its_days() {
        let client = vec![v("C1", "M1", "1", "2026-01-01", None)];
        let account = vec![
            v("A1", "M2", "0.6", "2026-09-10", Some("2026-09-20")),
            v("A1", "M3", "0.4", "2026-09-10", Some("2026-09-20")),
        ];
        let on = |day| owners_on(&account, &client, d(day));
        assert_eq!(on("2026-09-09"), vec![(&"M1", r("1"))]);
        assert_eq!(on("2026-09-10"), vec![(&"M2", r("0.6")), (&"M3", r("0.4"))]);
        assert_eq!(on("2026-09-21"), vec![(&"M1", r("1"))]);
    }

    #[test]
    fn a_transfer_closes_the_old_version_the_day_before() {
        let stored = vec![Stored {
            id: 7,
            version: v("C1", "M1", "1", "2026-01-01", None),
        }];
        let incoming = vec![Incoming {
            row: 2,
            version: v("C1", "M2", "1", "2026-09-16", None),
        }];
        let plan = plan_changes(&stored, &incoming).unwrap();
        assert_eq!(
            plan.closes,
            vec![Close {
                id: 7,
                old_to: None,
                to: d("2026-09-15"),
                row: 2
            }]
        );
        assert_eq!(plan.inserts, incoming);
        // Re-applying the same rows after the transfer changes nothing.
        let after = vec![
            Stored {
                id: 7,
                version: v("C1", "M1", "1", "2026-01-01", Some("2026-09-15")),
            },
            Stored {
                id: 8,
                version: v("C1", "M2", "1", "2026-09-16", None),
            },
        ];
        let again = plan_changes(&after, &incoming).unwrap();
        assert!(again.inserts.is_empty() && again.closes.is_empty());
        assert_eq!(again.unchanged, vec![2]);
        // The original load, re-imported, is also unchanged (closed since).
        let original = vec![Incoming {
            row: 2,
            version: v("C1", "M1", "1", "2026-01-01", None),
        }];
        assert_eq!(plan_changes(&after, &original).unwrap().unchanged, vec![2]);
    }

    #[test]
    fn a_change_dated_before_a_recorded_start_is_refused() {
        let stored = vec![Stored {
            id: 1,
            version: v("C1", "M1", "1", "2026-09-16", None),
        }];
        let incoming = vec![Incoming {
            row: 5,
            version: v("C1", "M2", "1", "2026-09-01", None),
        }];
        let errors = plan_changes(&stored, &incoming).unwrap_err();
        assert!(matches!(
            errors[0].kind,
            PlanErrorKind::RewritesHistory { .. }
        ));
        assert_eq!(errors[0].rows, vec![5]);
    }

    #[test]
    fn a_split_that_does_not_sum_to_one_names_its_rows() {
        let incoming = vec![
            Incoming {
                row: 2,
                version: v("C1", "M1", "0.6", "2026-09-01", None),
            },
            Incoming {
                row: 3,
                version: v("C1", "M2", "0.3", "2026-09-01", None),
            },
            Incoming {
                row: 4,
                version: v("C2", "M1", "0.6", "2026-09-01", None),
            },
            Incoming {
                row: 5,
                version: v("C2", "M2", "0.4", "2026-09-01", None),
            },
        ];
        let errors = plan_changes(&[], &incoming).unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].rows, vec![2, 3]);
        assert_eq!(errors[0].subject, "C1");
    }

    #[test]
    fn an_explicit_end_day_closes_an_open_version() {
        let stored = vec![Stored {
            id: 3,
            version: v("C1", "M1", "1", "2026-01-01", None),
        }];
        let incoming = vec![Incoming {
            row: 2,
            version: v("C1", "M1", "1", "2026-01-01", Some("2026-06-30")),
        }];
        let plan = plan_changes(&stored, &incoming).unwrap();
        assert_eq!(plan.closes.len(), 1);
        assert_eq!(plan.closes[0].to, d("2026-06-30"));
        assert!(plan.inserts.is_empty());
    }
}
