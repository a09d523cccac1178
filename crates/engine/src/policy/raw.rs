//! The policy file as written: the TOML structure, before any check.

use super::assessment_load::RawAssessment;
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPolicy {
    pub(super) policy: RawHeader,
    #[serde(default)]
    pub(super) parameters: BTreeMap<String, Spanned<RawParameter>>,
    #[serde(default)]
    pub(super) tiers: BTreeMap<String, Spanned<RawTierTable>>,
    #[serde(default)]
    pub(super) lookups: BTreeMap<String, Spanned<RawLookup>>,
    #[serde(default)]
    pub(super) measures: BTreeMap<String, Spanned<RawMeasure>>,
    #[serde(default)]
    pub(super) values: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    pub(super) items: Vec<Spanned<RawItem>>,
    #[serde(default)]
    pub(super) cases: Vec<Spanned<RawCase>>,
    pub(super) assessment: Option<Spanned<RawAssessment>>,
    #[serde(default)]
    pub(super) manager_fields: BTreeMap<String, Spanned<RawManagerField>>,
    pub(super) reconciliation: Option<Spanned<RawReconciliation>>,
    pub(super) daily: Option<Spanned<super::daily::RawDaily>>,
    pub(super) advice: Option<Spanned<super::advice::RawAdvice>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawReconciliation {
    pub(super) label: Option<String>,
    pub(super) measures: Vec<String>,
    pub(super) due_day: Option<i64>,
    pub(super) among: Option<Spanned<String>>,
    #[serde(rename = "ref")]
    pub(super) reference: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawManagerField {
    pub(super) label: Option<String>,
    #[serde(rename = "type")]
    pub(super) kind: Option<String>,
    pub(super) required: Option<bool>,
    pub(super) default: Option<String>,
    pub(super) codes: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawHeader {
    pub(super) name: String,
    pub(super) title: Option<String>,
    pub(super) source: Option<String>,
    pub(super) frequency: Spanned<String>,
    pub(super) rounding: Option<Spanned<String>>,
    pub(super) report: Option<Spanned<Vec<String>>>,
    pub(super) pays: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawParameter {
    pub(super) label: Option<String>,
    pub(super) min: Option<String>,
    pub(super) max: Option<String>,
    pub(super) values: Vec<Spanned<RawDated>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDated {
    pub(super) from: String,
    pub(super) value: String,
    #[serde(rename = "ref")]
    pub(super) reference: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLookup {
    pub(super) label: Option<String>,
    pub(super) default: Option<String>,
    pub(super) versions: Vec<Spanned<RawLookupVersion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLookupVersion {
    pub(super) from: String,
    #[serde(rename = "ref")]
    pub(super) reference: String,
    pub(super) values: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTierTable {
    pub(super) label: Option<String>,
    pub(super) versions: Vec<Spanned<RawTierVersion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTierVersion {
    pub(super) from: String,
    #[serde(rename = "ref")]
    pub(super) reference: String,
    pub(super) rows: Vec<Spanned<RawTierRow>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawTierRow {
    pub(super) from: Option<String>,
    pub(super) above: Option<String>,
    pub(super) below: Option<String>,
    pub(super) through: Option<String>,
    pub(super) value: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMeasure {
    pub(super) label: Option<String>,
    pub(super) from: Option<String>,
    pub(super) sum: Option<Spanned<String>>,
    pub(super) count: Option<bool>,
    #[serde(rename = "where")]
    pub(super) filter: Option<Spanned<String>>,
    pub(super) window: Option<String>,
    pub(super) target: Option<String>,
    /// With `target`: the measure that attains it (see `MeasureKind::Target`).
    pub(super) against: Option<String>,
    pub(super) default: Option<String>,
    pub(super) weight: Option<Spanned<String>>,
    pub(super) average: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawItem {
    pub(super) name: String,
    pub(super) label: Option<String>,
    pub(super) amount: Option<Spanned<String>>,
    pub(super) when: Option<Spanned<String>>,
    pub(super) pay: Option<String>,
    pub(super) round: Option<bool>,
    pub(super) streak: Option<RawStreak>,
    pub(super) rank: Option<RawRank>,
    pub(super) adjustments: Option<bool>,
    pub(super) threshold: Option<RawThreshold>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawThreshold {
    pub(super) measure: String,
    pub(super) at_least: Spanned<String>,
    pub(super) award: Spanned<String>,
    pub(super) per: Option<String>,
    pub(super) new_clients_from: Option<String>,
    pub(super) returning_after_days: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawStreak {
    pub(super) when: Spanned<String>,
    pub(super) step: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRank {
    pub(super) by: Spanned<String>,
    pub(super) awards: Vec<Spanned<String>>,
    pub(super) ties: String,
    pub(super) among: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCase {
    pub(super) name: String,
    pub(super) period: String,
    #[serde(default)]
    pub(super) data: BTreeMap<String, String>,
    #[serde(default)]
    pub(super) expect: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    pub(super) assess: BTreeMap<String, BTreeMap<String, String>>,
    #[serde(default)]
    pub(super) reconcile: BTreeMap<String, BTreeMap<String, String>>,
    /// The breaches `kejing daily` reports: `manager_id,rule,date` each.
    pub(super) daily: Option<Vec<String>>,
    /// The assessments `kejing risk` reports on the period's last day.
    pub(super) risk: Option<Vec<String>>,
}
