//! `docs/policy.schema.json` is kept in sync with the policy loader: for every object of the
//! schema, the loader refuses an unknown key and names the keys it accepts, and those must be
//! exactly the schema's properties.

use kejing_engine::policy::Policy;
use std::collections::BTreeSet;

const SCHEMA: &str = include_str!("../../../docs/policy.schema.json");

/// A minimal valid policy; `{X}` marks where the object under test gets a bogus key.
fn policy_with(def: &str) -> String {
    let bogus = "bogus_key = \"x\"";
    let (
        header,
        parameter,
        dated,
        tiers_t,
        tier_v,
        tier_row,
        lookup,
        lookup_v,
        measure,
        item,
        streak,
        rank,
        threshold,
        case,
        manager_field,
    ) = {
        let on = |d: &str| if d == def { bogus } else { "" };
        (
            on("header"),
            on("parameter"),
            on("dated"),
            on("tier_table"),
            on("tier_version"),
            on("tier_row"),
            on("lookup"),
            on("lookup_version"),
            on("measure"),
            on("item"),
            on("streak"),
            on("rank"),
            on("threshold"),
            on("case"),
            on("manager_field"),
        )
    };
    let comma = |s: &str| {
        if s.is_empty() {
            String::new()
        } else {
            format!(", {s}")
        }
    };
    format!(
        r#"{root}
[policy]
name = "t"
frequency = "monthly"
{header}

[parameters.p]
values = [{{ from = "2020-01-01", value = "1", ref = "r"{dated} }}]
{parameter}

[tiers.t]
versions = [{{ from = "2020-01-01", ref = "r", rows = [{{ value = "1"{tier_row} }}]{tier_v} }}]
{tiers_t}

[lookups.l]
versions = [{{ from = "2020-01-01", ref = "r", values = {{ a = "1" }}{lookup_v} }}]
{lookup}

[measures.m]
from = "payments"
sum = "amount"
window = "to_date"
{measure}

[manager_fields.f]
type = "bool"
{manager_field}

[[items]]
name = "a"
amount = "m * p * tier(t, m) * lookup(l, 'a')"
{item}

[[items]]
name = "b"
streak = {{ when = "m > 0", step = "p"{streak} }}

[[items]]
name = "c"
rank = {{ by = "m", awards = ["p"], ties = "all"{rank} }}

[[items]]
name = "d"
threshold = {{ measure = "m", at_least = "1", award = "p"{threshold} }}

[[cases]]
name = "c"
period = "2026-09"
expect = {{}}
{case}
"#,
        root = if def == "root" { bogus } else { "" },
        dated = comma(dated),
        tier_row = comma(tier_row),
        tier_v = comma(tier_v),
        lookup_v = comma(lookup_v),
        streak = comma(streak),
        rank = comma(rank),
        threshold = comma(threshold),
    )
}

/// The keys the loader names in its "unknown field" message.
fn accepted_keys(def: &str) -> BTreeSet<String> {
    let errors = Policy::load("t.toml", &policy_with(def)).expect_err(def);
    let message = errors
        .iter()
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        message.contains("bogus_key"),
        "{def}: the loader must refuse an unknown key: {message}"
    );
    let list = message
        .split("expected one of ")
        .nth(1)
        .or_else(|| message.split("expected ").nth(1))
        .unwrap_or_else(|| panic!("{def}: {message}"));
    list.replace(" or ", ",")
        .split(',')
        .map(|k| k.trim().trim_matches('`').trim_end_matches('.').to_owned())
        .filter(|k| !k.is_empty())
        .collect()
}

#[test]
fn the_schema_lists_exactly_the_keys_the_loader_accepts() {
    let schema: serde_json::Value = serde_json::from_str(SCHEMA).unwrap();
    let props = |v: &serde_json::Value| -> BTreeSet<String> {
        v["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(accepted_keys("root"), props(&schema), "root");
    for def in [
        "header",
        "parameter",
        "dated",
        "tier_table",
        "tier_version",
        "tier_row",
        "lookup",
        "lookup_version",
        "measure",
        "item",
        "streak",
        "rank",
        "threshold",
        "case",
        "manager_field",
    ] {
        assert_eq!(accepted_keys(def), props(&schema["$defs"][def]), "{def}");
    }
}

#[test]
fn the_minimal_policy_of_this_test_is_valid() {
    Policy::load("t.toml", &policy_with("none")).unwrap();
}
