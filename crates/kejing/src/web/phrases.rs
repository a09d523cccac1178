//! The engine's phrases (a code and its arguments, see `kejing_engine::phrase`) in the reader's
//! language: `say(phrase)` and `trace_value(value)` for the templates. Numbers get thousands
//! separators and at most four decimals (the page's `exact` shows them all); formulas are set
//! as code. Text the organisation wrote, and a phrase of a newer engine that the catalogues do
//! not know, show as written (its English).

use super::fmt;
use super::i18n::I18n;
use minijinja::State as JState;
use minijinja::value::Value as JValue;
use rust_decimal::Decimal;

/// Arguments that are numbers.
const NUMBERS: &[&str] = &[
    "sum", "value", "weight", "amount", "limit", "before", "now", "total", "score", "max",
    "default", "x", "weights", "rate", "from", "to",
];
/// Arguments that are formulas or names from the policy, set as code.
const FORMULAS: &[&str] = &["expr", "when", "cond", "at_least", "award", "by", "step"];
/// Arguments a message chooses its words by (Fluent selectors): passed as they are.
const SELECTORS: &[&str] = &["mode", "rate", "ties", "decision"];
/// Arguments that name a table of the data contract, shown by its label.
const TABLES: &[&str] = &["register", "source"];
/// Trace values that are words.
const WORDS: &[&str] = &["yes", "no"];

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A number as the reader sees it: separators, at most four decimals and "…" where more were
/// cut (all of them when `exact`). Anything else as it is.
pub fn number(s: &str, exact: bool) -> String {
    let Ok(d) = s.parse::<Decimal>() else {
        return s.to_owned();
    };
    if s.starts_with('0') && s.len() > 1 && !s.starts_with("0.") {
        // A code with leading zeros ("007") is not a number.
        return s.to_owned();
    }
    if exact {
        return fmt::decimal(d, 28);
    }
    // Cut (not rounded) at four decimals, so that "…" reads as "and more digits".
    if d.normalize().scale() > 4 {
        format!("{}…", fmt::decimal(d.trunc_with_scale(4), 4))
    } else {
        fmt::decimal(d, 4)
    }
}

fn lang_of(state: &JState) -> String {
    state
        .lookup("lang")
        .and_then(|l| l.as_str().map(str::to_owned))
        .unwrap_or_else(|| super::i18n::DEFAULT.to_owned())
}

fn exact_of(state: &JState) -> bool {
    state.lookup("exact").is_some_and(|v| v.is_true())
}

/// The phrase as safe HTML in the page's language.
pub fn say(i18n: &I18n, state: &JState, phrase: &JValue) -> JValue {
    if let Some(s) = phrase.as_str() {
        return JValue::from(s);
    }
    let text = |key: &str| phrase.get_attr(key).ok().filter(|v| !v.is_undefined());
    let (Some(code), Some(english)) = (text("code"), text("en")) else {
        return JValue::from(phrase.to_string());
    };
    let key = format!("trace-{code}");
    let lang = lang_of(state);
    if !i18n.has(&key).is_empty() {
        return JValue::from(english.to_string());
    }
    let exact = exact_of(state);
    let mut values: Vec<(String, String)> = Vec::new();
    if let Some(args) = text("args")
        && let Ok(keys) = args.try_iter()
    {
        for k in keys {
            let name = k.to_string();
            let v = args
                .get_attr(&name)
                .map(|v| v.to_string())
                .unwrap_or_default();
            values.push((name, v));
        }
    }
    // Each argument goes in as a marker, so that the message is escaped as a whole and the
    // argument then set in place (as code where it is a formula).
    let mut pairs: Vec<(&str, String)> = Vec::new();
    for (i, (name, v)) in values.iter().enumerate() {
        if SELECTORS.contains(&name.as_str()) && !(name == "rate" && v != "none") {
            pairs.push((name.as_str(), v.clone()));
        } else {
            pairs.push((name.as_str(), format!("\u{E000}{i}\u{E001}")));
        }
    }
    let mut html = escape(&i18n.tr(&lang, &key, &pairs));
    for (i, (name, v)) in values.iter().enumerate() {
        let marker = format!("\u{E000}{i}\u{E001}");
        let shown = if FORMULAS.contains(&name.as_str()) {
            format!("<code>{}</code>", escape(v))
        } else if NUMBERS.contains(&name.as_str()) {
            escape(&number(v, exact))
        } else if TABLES.contains(&name.as_str()) && i18n.has(&format!("table-{v}")).is_empty() {
            escape(&i18n.tr(&lang, &format!("table-{v}"), &[]))
        } else {
            escape(v)
        };
        html = html.replace(&marker, &shown);
    }
    JValue::from_safe_string(html)
}

/// A trace node's value: a number as [`number`], yes/no in the page's language.
pub fn trace_value(i18n: &I18n, state: &JState, value: &JValue) -> String {
    let s = value.to_string();
    if WORDS.contains(&s.as_str()) {
        return i18n.tr(&lang_of(state), &format!("trace-{s}"), &[]);
    }
    number(&s, exact_of(state))
}

/// The phrase as plain text in `lang` (for a workbook or a message outside a template).
pub fn plain(i18n: &I18n, lang: &str, phrase: &serde_json::Value) -> String {
    let Some(code) = phrase["code"].as_str() else {
        return phrase.as_str().unwrap_or_default().to_owned();
    };
    let key = format!("trace-{code}");
    if !i18n.has(&key).is_empty() {
        return phrase["en"].as_str().unwrap_or_default().to_owned();
    }
    let args: Vec<(&str, String)> = phrase["args"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or_default().to_owned()))
        .collect();
    i18n.tr(lang, &key, &args)
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_read_easily() {
        assert_eq!(
            number("978260.8695652173913043478261", false),
            "978,260.8695…"
        );
        assert_eq!(
            number("978260.8695652173913043478261", true),
            "978,260.8695652173913043478261"
        );
        assert_eq!(number("0.0225", false), "0.0225");
        assert_eq!(number("90000000", false), "90,000,000");
        assert_eq!(number("2026-09-01", false), "2026-09-01");
        assert_eq!(number("007", false), "007");
    }
}
