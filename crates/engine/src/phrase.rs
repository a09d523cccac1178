//! A phrase the engine says to a reader: a stable code and its arguments, which the web
//! application renders in the reader's language (its catalogues have a message `trace-<code>`
//! for every code in [`CODES`]), with the English text the command line prints.
//!
//! What the organisation wrote (an item's name, a formula, a grade) stays [`Phrase::Plain`].

use std::fmt;

/// Builds a [`Phrase::Coded`]: `say!("code", "English with {name}", name = value, …)`. Every
/// argument is named, so the catalogues can place it where each language wants it.
#[macro_export]
macro_rules! say {
    ($code:literal, $fmt:literal $(, $name:ident = $val:expr)* $(,)?) => {{
        // All values first, then the names: an argument may be named like a variable another
        // argument reads.
        #[allow(unused_parens)]
        let ($($name),*) = ($(($val).to_string()),*);
        $crate::phrase::Phrase::coded(
            $code,
            format!($fmt $(, $name = $name)*),
            vec![$((stringify!($name), $name)),*],
        )
    }};
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Phrase {
    /// Shown as written.
    Plain(String),
    Coded(Box<Coded>),
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Coded {
    pub code: &'static str,
    pub english: String,
    pub args: Vec<(&'static str, String)>,
}

impl Phrase {
    pub fn coded(code: &'static str, english: String, args: Vec<(&'static str, String)>) -> Phrase {
        Phrase::Coded(Box::new(Coded {
            code,
            english,
            args,
        }))
    }

    pub fn code(&self) -> Option<&'static str> {
        match self {
            Phrase::Plain(_) => None,
            Phrase::Coded(c) => Some(c.code),
        }
    }
}

impl Default for Phrase {
    fn default() -> Phrase {
        Phrase::Plain(String::new())
    }
}

impl From<String> for Phrase {
    fn from(s: String) -> Phrase {
        Phrase::Plain(s)
    }
}

impl From<&str> for Phrase {
    fn from(s: &str) -> Phrase {
        Phrase::Plain(s.to_owned())
    }
}

impl fmt::Display for Phrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Phrase::Plain(s) => f.write_str(s),
            Phrase::Coded(c) => f.write_str(&c.english),
        }
    }
}

/// Plain text as a JSON string; a coded phrase as `{"code", "args": {name: value}, "en"}`.
impl serde::Serialize for Phrase {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            Phrase::Plain(t) => s.serialize_str(t),
            Phrase::Coded(c) => {
                struct Args<'a>(&'a [(&'static str, String)]);
                impl serde::Serialize for Args<'_> {
                    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                        let mut m = s.serialize_map(Some(self.0.len()))?;
                        for (k, v) in self.0 {
                            m.serialize_entry(k, v)?;
                        }
                        m.end()
                    }
                }
                let mut m = s.serialize_map(Some(3))?;
                m.serialize_entry("code", c.code)?;
                m.serialize_entry("args", &Args(&c.args))?;
                m.serialize_entry("en", &c.english)?;
                m.end()
            }
        }
    }
}

/// Every code the engine says (a test reads the sources and fails on one missing here; the web
/// application's test fails on one its catalogues lack).
pub const CODES: &[&str] = &[
    "account-line",
    "adjustment-label",
    "average-label",
    "award-first-reached",
    "balances-average-label",
    "daily-count-over",
    "daily-count-short",
    "daily-no-linked",
    "daily-no-row",
    "balances-label",
    "before-data",
    "before-hire",
    "capped",
    "client-label",
    "grade-rules",
    "item-dimension",
    "item-dimension-standard",
    "item-label",
    "lookup-default",
    "lookup-label",
    "lookup-row",
    "new-client",
    "no-rule-holds",
    "not-in-post",
    "parameter-effective",
    "parameter-label",
    "place-label",
    "rank-everyone-label",
    "rank-label",
    "rated-label",
    "rater-gave",
    "relation-label",
    "returning-client",
    "rounded",
    "row-value",
    "rows-client-label",
    "rows-excluded",
    "rows-label",
    "rule-label",
    "rule-line",
    "rule-line-reason",
    "score",
    "streak-call-label",
    "streak-item-label",
    "streak-label",
    "streak-zero",
    "sub-period",
    "target-default",
    "target-label",
    "target-row",
    "threshold",
    "tied",
    "tier-label",
    "tier-row",
    "total-of",
    "total-rounded",
    "value-label",
    "weights-left-out",
    "when-no",
    "when-yes",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_keeps_its_arguments_and_its_english() {
        let p = crate::say!(
            "rounded",
            "rounded {from} → {to}",
            from = "1.005",
            to = "1.01"
        );
        assert_eq!(p.to_string(), "rounded 1.005 → 1.01");
        assert_eq!(p.code(), Some("rounded"));
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["args"]["to"], "1.01");
        assert_eq!(json["en"], "rounded 1.005 → 1.01");
        assert_eq!(serde_json::to_value(Phrase::from("王一")).unwrap(), "王一");
    }

    /// Every `say!("code", …)` in the engine's sources is listed in [`CODES`], and every listed
    /// code is said somewhere.
    #[test]
    fn every_code_said_is_listed() {
        fn sources(dir: &std::path::Path, out: &mut String) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    sources(&p, out);
                } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("phrase.rs") {
                    out.push_str(&std::fs::read_to_string(&p).unwrap());
                }
            }
        }
        let mut src = String::new();
        sources(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"),
            &mut src,
        );
        let said: std::collections::BTreeSet<&str> = src
            .split("say!(")
            .skip(1)
            .filter_map(|s| s.trim_start().strip_prefix('"')?.split('"').next())
            .collect();
        let listed: std::collections::BTreeSet<&str> = CODES.iter().copied().collect();
        assert_eq!(said, listed);
    }
}
