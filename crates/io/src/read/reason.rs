//! Why a cell or row is refused: a stable code with its parameters, for a message in the
//! reader's language, and the English text the command line prints.

use kejing_engine::{CodeError, DecimalError, MoneyError, PeriodError, RatioError};

/// Why a cell or row is refused. `code` is one of [`REASON_CODES`]; `args` are its parameters
/// by name (all text); `english` is the message as the command line and the error files show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub code: &'static str,
    pub args: Vec<(String, String)>,
    pub english: String,
}

impl Reason {
    /// A reason with the code `code` (one of [`REASON_CODES`]) and its English text.
    pub fn new(code: &'static str, english: impl Into<String>) -> Self {
        debug_assert!(
            REASON_CODES.contains(&code),
            "{code} is not in REASON_CODES"
        );
        Reason {
            code,
            args: Vec::new(),
            english: english.into(),
        }
    }

    /// The reason with the parameter `name` set to `value`.
    #[must_use]
    pub fn arg(mut self, name: &str, value: impl ToString) -> Self {
        self.args.push((name.to_owned(), value.to_string()));
        self
    }

    /// "a value is required here".
    pub fn required() -> Self {
        Reason::new("required", "a value is required here")
    }

    /// A value outside a closed vocabulary: `english` says so, `choices` lists what is accepted.
    pub fn not_one_of(english: impl Into<String>, choices: impl ToString) -> Self {
        Reason::new("not-one-of", english).arg("choices", choices)
    }
}

impl std::fmt::Display for Reason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.english)
    }
}

/// Every code a [`Reason`] may carry. The web's catalogues have `import-reason-<code>` for each
/// in every language (a test checks), and every code written in the sources is listed here (a
/// test checks that too).
pub const REASON_CODES: &[&str] = &[
    // A whole file (its header, its encoding, its being empty).
    "columns-missing",
    "columns-duplicate",
    "not-utf8",
    "mixed-encodings",
    "file-empty",
    "sheet-empty",
    "no-data-rows",
    "xls-not-read",
    "sheet-not-found",
    // Any table.
    "required",
    "required-one-of",
    "not-one-of",
    "not-whole-number",
    "not-yes-no",
    "id-empty",
    "id-too-long",
    "id-control",
    "number-empty",
    "number-invalid",
    "number-separators",
    "number-too-large",
    "amount-too-precise",
    "amount-out-of-range",
    "ratio-out-of-range",
    "period-invalid",
    "date-invalid",
    "date-not-in-calendar",
    "timestamp-invalid",
    "time-invalid",
    "too-many-fields",
    "nul-characters",
    "spreadsheet-error",
    // The tables of the data contract.
    "own-parent",
    "rank-required",
    "negative-base-salary",
    "left-before-hired",
    "loan-card-chars",
    "currency-invalid",
    "negative-term",
    "closed-before-opened",
    "ends-before-starts",
    "negative-target",
    "tally-not-month",
    "self-rating-relation",
    "self-needs-same-rater",
    "total-reserved",
    "dispute-item-reserved",
    "spot-check-invalid",
    "report-not-month",
    "outing-back-before-left",
    "signature-needs-signer",
    "signed-before-log-day",
    "done-long-before-due",
    "prospect-needs-converted-on",
    "converted-before-first-contact",
    "working-required",
    "risk-level-invalid",
    "risk-level-required",
    "term-out-of-range",
    "negative-min-amount",
    "finance-kind-invalid",
    "negative-finance-amount",
    "goal-amount-not-positive",
    "negative-holding",
    // Checks against the rest of the file and the database.
    "duplicate-product",
    "unknown-product",
    "duplicate-key",
    "duplicate-balance",
    "unknown-account",
    "unknown-client",
    "unknown-manager",
    "unknown-org-unit",
    "unknown-track",
    "unknown-parent-unit",
    "grade-not-in-ladder",
    "account-of-other-client",
    "ownership-duplicate",
    "ownership-rewrites-history",
    "ownership-sum",
    "ownership-overlap",
];

impl From<CodeError> for Reason {
    fn from(e: CodeError) -> Self {
        let code = match e {
            CodeError::Empty => "id-empty",
            CodeError::TooLong => "id-too-long",
            CodeError::Control => "id-control",
        };
        Reason::new(code, e.to_string())
    }
}

impl From<DecimalError> for Reason {
    fn from(e: DecimalError) -> Self {
        let code = match e {
            DecimalError::Empty => "number-empty",
            DecimalError::Invalid => "number-invalid",
            DecimalError::BadSeparators => "number-separators",
            DecimalError::TooLarge => "number-too-large",
        };
        Reason::new(code, e.to_string())
    }
}

impl From<MoneyError> for Reason {
    fn from(e: MoneyError) -> Self {
        let english = e.to_string();
        match e {
            MoneyError::Decimal(d) => Reason::from(d),
            MoneyError::TooPrecise(v) => Reason::new("amount-too-precise", english).arg("value", v),
            MoneyError::Overflow => Reason::new("amount-out-of-range", english),
        }
    }
}

impl From<RatioError> for Reason {
    fn from(e: RatioError) -> Self {
        let english = e.to_string();
        match e {
            RatioError::Decimal(d) => Reason::from(d),
            RatioError::OutOfRange(v) => Reason::new("ratio-out-of-range", english).arg("value", v),
        }
    }
}

impl From<PeriodError> for Reason {
    fn from(e: PeriodError) -> Self {
        let english = e.to_string();
        Reason::new("period-invalid", english).arg("value", e.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_listed_once() {
        let set: std::collections::BTreeSet<&str> = REASON_CODES.iter().copied().collect();
        assert_eq!(set.len(), REASON_CODES.len(), "a code is listed twice");
        for c in REASON_CODES {
            assert!(
                c.chars()
                    .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-'),
                "{c}"
            );
        }
    }

    #[test]
    fn bad_cells_carry_their_codes_and_parameters() {
        let text = "account_id,date,balance\nA1,2026-02-30,1.234\nA2,x,\n";
        let err = crate::read::read_records_text::<crate::records::BalanceRec>(
            std::path::Path::new("balances.csv"),
            text,
            |_, _| Ok(()),
        )
        .unwrap_err();
        type Args = Vec<(String, String)>;
        let got: Vec<(usize, &str, Args)> = err
            .row_errors()
            .iter()
            .map(|e| (e.row, e.code, e.args.clone()))
            .collect();
        let value = |v: &str| vec![("value".to_owned(), v.to_owned())];
        assert_eq!(
            got,
            vec![
                (2, "date-not-in-calendar", value("2026-02-30")),
                (2, "amount-too-precise", value("1.234")),
                (3, "date-invalid", vec![]),
                (3, "required", vec![]),
            ]
        );
        // The English text is what it always was.
        assert_eq!(
            err.row_errors()[2].reason,
            "not a date: write YYYY-MM-DD, e.g. 2026-09-16"
        );
    }

    /// Every code written as the first argument of `Reason::new` in the sources of this crate and of the store's importer
    /// is listed in [`REASON_CODES`], and every listed code is used.
    #[test]
    fn every_code_written_is_listed_and_every_listed_code_is_written() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let dirs = [
            root.join("src"),
            root.join("src/read"),
            root.join("../store/src/import"),
        ];
        let mut written = std::collections::BTreeSet::new();
        for dir in dirs {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.extension().is_some_and(|x| x == "rs") {
                    let src = std::fs::read_to_string(&p).unwrap();
                    // Spelt in two halves so that this test's own source does not match.
                    for part in src.split(concat!("Reason::", "new(")).skip(1) {
                        let part = part.trim_start();
                        if let Some(rest) = part.strip_prefix('"') {
                            let code = &rest[..rest.find('"').unwrap()];
                            written.insert(code.to_owned());
                        }
                    }
                }
            }
        }
        // Codes chosen by a match rather than written in `Reason::new`, here and in the
        // store's reasons for the ownership ledger's plan.
        let by_match = [
            "ownership-duplicate",
            "ownership-rewrites-history",
            "ownership-sum",
            "ownership-overlap",
            "id-empty",
            "id-too-long",
            "id-control",
            "number-empty",
            "number-invalid",
            "number-separators",
            "number-too-large",
        ];
        for code in &written {
            assert!(
                REASON_CODES.contains(&code.as_str()),
                "{code} is not listed"
            );
        }
        for code in REASON_CODES {
            assert!(
                written.contains(*code) || by_match.contains(code),
                "{code} is listed but never used"
            );
        }
    }
}
