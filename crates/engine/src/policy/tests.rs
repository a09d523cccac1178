//! Tests of loading policies: good files, bad tiers, bad names and expressions, rounding.

use super::*;

const OK: &str = r#"
[policy]
name = "t"
frequency = "monthly"

[parameters.rate]
values = [
  { from = "2013-01-01", value = "0.015", ref = "doc 1" },
  { from = "2014-01-01", value = "0.02", ref = "doc 2" },
]

[tiers.commission]
versions = [{ from = "2013-01-01", ref = "doc", rows = [
  { below = "0.5", value = "0.06" },
  { from = "0.5", below = "1", value = "0.10" },
  { from = "1", through = "1.5", value = "0.15" },
  { above = "1.5", value = "0.20" },
] }]

[measures.paid]
from = "payments"
sum = "gross_profit"

[measures.qty_target]
target = "quantity"

[values]
completion = "paid / qty_target"

[[items]]
name = "提成"
amount = "paid * tier(commission, completion)"
"#;

#[test]
fn a_good_policy_loads() {
    let p = Policy::load("t.toml", OK).unwrap();
    let t = &p.tiers["commission"].series.versions[0].value;
    let find = |x: &str| {
        t.iter()
            .find(|r| r.contains(x.parse().unwrap()))
            .unwrap()
            .value
            .to_string()
    };
    assert_eq!(find("0.4999"), "0.06");
    assert_eq!(find("0.5"), "0.10");
    assert_eq!(find("1"), "0.15");
    assert_eq!(find("1.5"), "0.15");
    assert_eq!(find("1.5001"), "0.20");
    let rate = &p.parameters["rate"].series;
    assert_eq!(
        rate.at("2013-12-31".parse().unwrap())
            .unwrap()
            .value
            .to_string(),
        "0.015"
    );
    assert!(
        rate.at("2012-12-31".parse().unwrap())
            .unwrap_err()
            .contains("first value takes effect on 2013-01-01")
    );
}

fn errors(text: &str) -> String {
    Policy::load("p.toml", text)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn overlapping_or_gapped_tiers_are_refused_with_the_line() {
    let e = errors(&OK.replace(
        r#"{ above = "1.5", value = "0.20" }"#,
        r#"{ from = "1.5", value = "0.20" }"#,
    ));
    assert!(
        e.contains("p.toml:17:") && e.contains("overlap at 1.5"),
        "{e}"
    );
    let e = errors(&OK.replace(
        r#"{ from = "0.5", below = "1", value = "0.10" }"#,
        r#"{ from = "0.5", below = "0.9", value = "0.10" }"#,
    ));
    assert!(e.contains("must start where"), "{e}");
}

#[test]
fn floats_unknown_names_and_bad_expressions_are_refused() {
    let e = errors(&OK.replace(r#"value = "0.015""#, "value = 0.015"));
    assert!(
        e.contains("p.toml:8:") && e.contains("write decimals and amounts as strings"),
        "{e}"
    );
    let e = errors(&OK.replace("paid / qty_target", "paid / qty_targte"));
    assert!(e.contains("unknown name qty_targte"), "{e}");
    let e = errors(&OK.replace("paid * tier(commission, completion)", "paid * (completion"));
    assert!(e.contains("p.toml:32:") && e.contains("expected )"), "{e}");
    let e = errors(&OK.replace("paid / qty_target", "completion * 2"));
    assert!(e.contains("depends on itself"), "{e}");
    let e = errors(&OK.replace(r#"sum = "gross_profit""#, r#"sum = "gross_proft""#));
    assert!(
        e.contains("unknown name gross_proft for a row of payments"),
        "{e}"
    );
}

#[test]
fn rounding_is_declared() {
    let r = Rounding::parse("half_up 0.01").unwrap();
    assert_eq!(
        r.apply("44040.385".parse().unwrap()).to_string(),
        "44040.39"
    );
    assert_eq!(r.apply("-0.005".parse().unwrap()).to_string(), "-0.01");
    let even = Rounding::parse("half_even 0.01").unwrap();
    assert_eq!(even.apply("0.125".parse().unwrap()).to_string(), "0.12");
    let yuan = Rounding::parse("down 1").unwrap();
    assert_eq!(yuan.apply("99.99".parse().unwrap()).to_string(), "99");
    assert!(Rounding::parse("half_up").is_none());
}

/// Cixi (C1): the incremental pay rate is chosen by each sub-branch within 8 %–15 %.
#[test]
fn a_parameter_outside_its_declared_bounds_is_refused_where_it_is_written() {
    let bounded = |value: &str| {
        OK.replace(
            "[parameters.rate]\nvalues = [",
            &format!(
                "[parameters.incremental]\nlabel = \"增量业务计酬比例\"\nmin = \"0.08\"\nmax = \"0.15\"\nvalues = [{{ from = \"2015-01-01\", value = \"{value}\", ref = \"支行自定\" }}]\n\n[parameters.rate]\nvalues = ["
            ),
        )
    };
    for ok in ["0.08", "0.10", "0.15"] {
        let p = Policy::load("t.toml", &bounded(ok)).unwrap_or_else(|e| panic!("{ok}: {e:?}"));
        // A what-if may move it within the bounds, never outside.
        p.with_override("incremental=0.12").unwrap();
        let e = p.with_override("incremental=0.16").unwrap_err();
        assert!(e.contains("outside its bounds 0.08 to 0.15"), "{e}");
    }
    for bad in ["0.079", "0.1501", "0.2"] {
        let errors = Policy::load("t.toml", &bounded(bad)).unwrap_err();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].line, 10, "{errors:?}");
        assert!(
            errors[0].message.contains("parameter incremental: ")
                && errors[0]
                    .message
                    .contains("is outside its bounds 0.08 to 0.15 (增量业务计酬比例)"),
            "{}",
            errors[0].message
        );
    }
    let errors = Policy::load(
        "t.toml",
        &bounded("0.1").replace("min = \"0.08\"", "min = \"0.2\""),
    )
    .unwrap_err();
    assert!(
        errors[0].message.contains("min 0.2 is above max 0.15"),
        "{errors:?}"
    );
}

#[test]
fn a_target_says_which_reported_measure_attains_it() {
    let with = |against: &str, report: &str| {
        OK.replace(
            "[measures.qty_target]\ntarget = \"quantity\"",
            &format!("[measures.qty_target]\ntarget = \"quantity\"\nagainst = \"{against}\""),
        )
        .replace(
            "frequency = \"monthly\"",
            &format!("frequency = \"monthly\"\nreport = [{report}]"),
        )
    };
    let p = Policy::load("t.toml", &with("paid", "\"paid\"")).unwrap();
    assert_eq!(
        p.attained_by(),
        [("quantity".to_owned(), "paid".to_owned())].into()
    );
    assert!(Policy::load("t.toml", OK).unwrap().attained_by().is_empty());
    let e = errors(&with("nothing", "\"paid\""));
    assert!(
        e.contains("p.toml:25: measure qty_target: against = \"nothing\" is neither"),
        "{e}"
    );
    let e = errors(&with("paid", ""));
    assert!(
        e.contains("is not reported; add it to [policy] report"),
        "{e}"
    );
}
