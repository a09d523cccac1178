//! The advice tables (F1–F2) as records: risk questionnaire answers, the product shelf, the
//! client's finances, goals and holdings; and loading them from a data folder into the engine's
//! `AdviceData`, with the branch and client details a letter prints.

use crate::dataset::{Tables, for_each};
use crate::read::{ReadError, Reason, Reject, RowCursor};
use crate::records::{ClientRec, ManagerRec, OrgUnitRec, Record};
use crate::tables::Table;
use chrono::NaiveDate;
use kejing_engine::Code;
use kejing_engine::advice::{
    AdviceData, Answer, FinanceKind, FinanceLine, Goal, Holding, Product, ProductLevel,
};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq)]
pub struct RiskAnswerRec {
    pub client_id: Code,
    pub answered_on: NaiveDate,
    pub question: String,
    pub answer: String,
}

impl Record for RiskAnswerRec {
    const TABLE: Table = Table::RiskAnswers;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        Some(RiskAnswerRec {
            client_id: c.req_code("client_id")?,
            answered_on: c.req_date("answered_on")?,
            question: c.req_text("question")?,
            answer: c.req_text("answer")?,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProductRec(pub Product);

impl Record for ProductRec {
    const TABLE: Table = Table::Products;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let id = c.req_code("product_id");
        let name = c.req_text("name");
        let kind = c.req_text("kind");
        let level = c.raw("risk_level").and_then(|s| {
            let l = ProductLevel::parse(s);
            if l.is_none() {
                c.fail(
                    "risk_level",
                    s,
                    Reason::new("risk-level-invalid", "write a product risk level R1 to R5"),
                );
            }
            l
        });
        if c.raw("risk_level").is_none() {
            c.fail(
                "risk_level",
                "",
                Reason::new("risk-level-required", "a value is required here (R1 to R5)"),
            );
        }
        let expected_return = c.decimal("expected_return");
        let term_months = c.int("term_months").and_then(|t| {
            let t = u32::try_from(t).ok().filter(|t| *t <= 1200);
            if t.is_none() {
                c.fail(
                    "term_months",
                    "",
                    Reason::new("term-out-of-range", "a term is 0 to 1200 months"),
                );
            }
            t
        });
        let min_amount = c.decimal("min_amount");
        if min_amount.is_some_and(|m| m < Decimal::ZERO) {
            c.fail(
                "min_amount",
                "",
                Reason::new("negative-min-amount", "a minimum amount cannot be negative"),
            );
        }
        Some(ProductRec(Product {
            id: id?.to_string(),
            name: name?,
            kind: kind?,
            level: level?,
            expected_return,
            term_months,
            min_amount,
        }))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct FinanceRec(pub FinanceLine);

impl Record for FinanceRec {
    const TABLE: Table = Table::Finances;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let client = c.req_code("client_id");
        let as_of = c.req_date("as_of");
        let kind = c.raw("kind").and_then(|s| {
            let k = FinanceKind::parse(s);
            if k.is_none() {
                c.fail(
                    "kind",
                    s,
                    Reason::new(
                        "finance-kind-invalid",
                        "write income, expense, asset or liability (收入, 支出, 资产, 负债)",
                    ),
                );
            }
            k
        });
        if c.raw("kind").is_none() {
            c.fail("kind", "", Reason::required());
        }
        let category = c.req_text("category");
        let amount = c.req_decimal("amount");
        if let Some(a) = amount
            && a < Decimal::ZERO
        {
            c.fail(
                "amount",
                &a.to_string(),
                Reason::new(
                    "negative-finance-amount",
                    "an amount is never negative: write an expense as a positive amount of kind expense, a debt as a liability",
                ),
            );
        }
        Some(FinanceRec(FinanceLine {
            client: client?.to_string(),
            as_of: as_of?,
            kind: kind?,
            category: category?,
            amount: amount.filter(|a| *a >= Decimal::ZERO)?,
        }))
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GoalRec {
    pub client_id: Code,
    pub goal: String,
    pub amount: Decimal,
    pub due_on: NaiveDate,
}

impl Record for GoalRec {
    const TABLE: Table = Table::Goals;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let client_id = c.req_code("client_id");
        let goal = c.req_text("goal");
        let amount = c.req_decimal("amount");
        if amount.is_some_and(|a| a <= Decimal::ZERO) {
            c.fail(
                "amount",
                "",
                Reason::new(
                    "goal-amount-not-positive",
                    "a goal needs an amount above zero",
                ),
            );
        }
        let due_on = c.req_date("due_on");
        Some(GoalRec {
            client_id: client_id?,
            goal: goal?,
            amount: amount.filter(|a| *a > Decimal::ZERO)?,
            due_on: due_on?,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HoldingRec {
    pub client_id: Code,
    pub product_id: Code,
    pub amount: Decimal,
    pub as_of: NaiveDate,
}

impl Record for HoldingRec {
    const TABLE: Table = Table::Holdings;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let client_id = c.req_code("client_id");
        let product_id = c.req_code("product_id");
        let amount = c.req_decimal("amount");
        if amount.is_some_and(|a| a < Decimal::ZERO) {
            c.fail(
                "amount",
                "",
                Reason::new("negative-holding", "a holding cannot be negative"),
            );
        }
        Some(HoldingRec {
            client_id: client_id?,
            product_id: product_id?,
            amount: amount.filter(|a| *a >= Decimal::ZERO)?,
            as_of: c.req_date("as_of")?,
        })
    }
}

/// A branch (网点) as the letter shows it.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Branch {
    pub id: String,
    pub name: String,
    pub telephone: Option<String>,
    pub fax: Option<String>,
    pub address: Option<String>,
}

/// A client as the letter addresses them.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct LetterClient {
    pub id: String,
    pub name: String,
    /// `male`, `female` or `None` (the `gender`/`性别` column of clients).
    pub gender: Option<&'static str>,
    pub phone: Option<String>,
}

/// A customer manager as the letter signs.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct LetterManager {
    pub id: String,
    pub name: String,
    pub unit: Option<String>,
    pub phone: Option<String>,
}

/// What a data folder holds for the advice: the engine's data plus the people and branches.
#[derive(Debug, Clone, Default)]
pub struct AdviceFolder {
    pub data: AdviceData,
    pub clients: BTreeMap<String, LetterClient>,
    pub managers: BTreeMap<String, LetterManager>,
    pub branches: BTreeMap<String, Branch>,
    /// Client → the manager owning the largest share of the client (first by id on a tie).
    pub owners: BTreeMap<String, String>,
}

fn gender_of(extra: &[(String, String)]) -> Option<&'static str> {
    let v = extra
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("gender") || k == "性别")
        .map(|(_, v)| v.trim())?;
    match v {
        "男" | "m" | "M" | "male" | "Male" => Some("male"),
        "女" | "f" | "F" | "female" | "Female" => Some("female"),
        _ => None,
    }
}

/// Reads the advice tables of a folder (or a policy case's texts). Every file's bad rows are
/// reported together; holdings of products not on the shelf are refused naming the row.
pub fn load_advice(tables: &Tables<'_>) -> Result<AdviceFolder, Vec<ReadError>> {
    let mut f = AdviceFolder::default();
    let mut errors = Vec::new();
    let mut run = |r: Result<bool, ReadError>| {
        if let Err(e) = r {
            errors.push(e);
        }
    };
    run(for_each::<RiskAnswerRec>(tables, |src, r| {
        f.data.answers.push(Answer {
            client: r.client_id.to_string(),
            answered_on: r.answered_on,
            question: r.question,
            option: r.answer,
            source: src(),
        });
        Ok(())
    }));
    let mut seen = std::collections::BTreeSet::new();
    run(for_each::<ProductRec>(tables, |_, r| {
        if !seen.insert(r.0.id.clone()) {
            return Err(vec![Reject::new(
                "product_id",
                r.0.id.clone(),
                Reason::new(
                    "duplicate-product",
                    "this product is listed twice; keep one row per product",
                ),
            )]);
        }
        f.data.products.push(r.0);
        Ok(())
    }));
    run(for_each::<FinanceRec>(tables, |_, r| {
        f.data.finances.push(r.0);
        Ok(())
    }));
    run(for_each::<GoalRec>(tables, |src, r| {
        f.data.goals.push(Goal {
            client: r.client_id.to_string(),
            goal: r.goal,
            amount: r.amount,
            due_on: r.due_on,
            source: src(),
        });
        Ok(())
    }));
    let products = seen;
    run(for_each::<HoldingRec>(tables, |src, r| {
        if !products.contains(r.product_id.as_str()) {
            return Err(vec![Reject::new(
                "product_id",
                r.product_id.to_string(),
                Reason::new(
                    "unknown-product",
                    "this product is not in products.csv; add it to the shelf first",
                ),
            )]);
        }
        f.data.holdings.push(Holding {
            client: r.client_id.to_string(),
            product: r.product_id.to_string(),
            amount: r.amount,
            as_of: r.as_of,
            source: src(),
        });
        Ok(())
    }));
    run(for_each::<OrgUnitRec>(tables, |_, r| {
        f.branches.insert(
            r.unit_id.to_string(),
            Branch {
                id: r.unit_id.to_string(),
                name: r.name,
                telephone: r.telephone,
                fax: r.fax,
                address: r.address,
            },
        );
        Ok(())
    }));
    run(for_each::<ClientRec>(tables, |_, r| {
        f.clients.insert(
            r.client_id.to_string(),
            LetterClient {
                id: r.client_id.to_string(),
                name: r.name,
                gender: gender_of(&r.extras),
                phone: r.phone,
            },
        );
        Ok(())
    }));
    run(for_each::<ManagerRec>(tables, |_, r| {
        let phone = r
            .extras
            .iter()
            .find(|(k, _)| k == "phone" || k == "联系电话" || k == "手机")
            .map(|(_, v)| v.clone());
        f.managers.insert(
            r.manager_id.to_string(),
            LetterManager {
                id: r.manager_id.to_string(),
                name: r.name,
                unit: r.org.map(String::from),
                phone,
            },
        );
        Ok(())
    }));
    let mut shares: BTreeMap<String, BTreeMap<String, Decimal>> = BTreeMap::new();
    run(for_each::<crate::records::OwnershipRec>(tables, |_, r| {
        if r.account_id.is_none() && r.to.is_none() {
            *shares
                .entry(r.client_id.to_string())
                .or_default()
                .entry(r.manager_id.to_string())
                .or_default() += r.ratio.value();
        }
        Ok(())
    }));
    for (client, by) in shares {
        let best = by
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(m, _)| m.clone());
        if let Some(m) = best {
            f.owners.insert(client, m);
        }
    }
    if errors.is_empty() {
        Ok(f)
    } else {
        Err(errors)
    }
}

/// A row of an advice table as the store keeps it: its identity (re-importing the same row
/// changes nothing; a new date is a new version), its client and day, and its cells as the
/// contract writes them (decimals without trailing zeros, so that a spreadsheet's number reads
/// back the same).
pub trait AdviceRow: Record {
    fn key(&self) -> String;
    fn client(&self) -> Option<String>;
    fn day(&self) -> Option<NaiveDate>;
    /// `(column, text)` in the contract's column order.
    fn cells(&self) -> Vec<(&'static str, String)>;
}

fn opt_text<T: ToString>(v: &Option<T>) -> String {
    v.as_ref().map(ToString::to_string).unwrap_or_default()
}

impl AdviceRow for RiskAnswerRec {
    fn key(&self) -> String {
        format!("{}|{}|{}", self.client_id, self.answered_on, self.question)
    }
    fn client(&self) -> Option<String> {
        Some(self.client_id.to_string())
    }
    fn day(&self) -> Option<NaiveDate> {
        Some(self.answered_on)
    }
    fn cells(&self) -> Vec<(&'static str, String)> {
        vec![
            ("client_id", self.client_id.to_string()),
            ("answered_on", self.answered_on.to_string()),
            ("question", self.question.clone()),
            ("answer", self.answer.clone()),
        ]
    }
}

impl AdviceRow for ProductRec {
    fn key(&self) -> String {
        self.0.id.clone()
    }
    fn client(&self) -> Option<String> {
        None
    }
    fn day(&self) -> Option<NaiveDate> {
        None
    }
    fn cells(&self) -> Vec<(&'static str, String)> {
        let p = &self.0;
        vec![
            ("product_id", p.id.clone()),
            ("name", p.name.clone()),
            ("kind", p.kind.clone()),
            ("risk_level", p.level.to_string()),
            (
                "expected_return",
                opt_text(&p.expected_return.map(|d| d.normalize())),
            ),
            ("term_months", opt_text(&p.term_months)),
            ("min_amount", opt_text(&p.min_amount.map(|d| d.normalize()))),
        ]
    }
}

fn kind_code(k: FinanceKind) -> &'static str {
    match k {
        FinanceKind::Income => "income",
        FinanceKind::Expense => "expense",
        FinanceKind::Asset => "asset",
        FinanceKind::Liability => "liability",
    }
}

impl AdviceRow for FinanceRec {
    fn key(&self) -> String {
        let f = &self.0;
        format!(
            "{}|{}|{}|{}",
            f.client,
            f.as_of,
            kind_code(f.kind),
            f.category
        )
    }
    fn client(&self) -> Option<String> {
        Some(self.0.client.clone())
    }
    fn day(&self) -> Option<NaiveDate> {
        Some(self.0.as_of)
    }
    fn cells(&self) -> Vec<(&'static str, String)> {
        let f = &self.0;
        vec![
            ("client_id", f.client.clone()),
            ("as_of", f.as_of.to_string()),
            ("kind", kind_code(f.kind).to_owned()),
            ("category", f.category.clone()),
            ("amount", f.amount.normalize().to_string()),
        ]
    }
}

impl AdviceRow for GoalRec {
    fn key(&self) -> String {
        format!("{}|{}", self.client_id, self.goal)
    }
    fn client(&self) -> Option<String> {
        Some(self.client_id.to_string())
    }
    fn day(&self) -> Option<NaiveDate> {
        Some(self.due_on)
    }
    fn cells(&self) -> Vec<(&'static str, String)> {
        vec![
            ("client_id", self.client_id.to_string()),
            ("goal", self.goal.clone()),
            ("amount", self.amount.normalize().to_string()),
            ("due_on", self.due_on.to_string()),
        ]
    }
}

impl AdviceRow for HoldingRec {
    fn key(&self) -> String {
        format!("{}|{}|{}", self.client_id, self.product_id, self.as_of)
    }
    fn client(&self) -> Option<String> {
        Some(self.client_id.to_string())
    }
    fn day(&self) -> Option<NaiveDate> {
        Some(self.as_of)
    }
    fn cells(&self) -> Vec<(&'static str, String)> {
        vec![
            ("client_id", self.client_id.to_string()),
            ("product_id", self.product_id.to_string()),
            ("amount", self.amount.normalize().to_string()),
            ("as_of", self.as_of.to_string()),
        ]
    }
}

/// The advice tables.
pub const ADVICE_TABLES: &[Table] = &[
    Table::RiskAnswers,
    Table::Products,
    Table::Finances,
    Table::Goals,
    Table::Holdings,
];

/// A CSV text of `table` from rows of cells (column → text), for loading what the store keeps
/// through the same checks as a file.
pub fn csv_text(table: Table, rows: &[BTreeMap<String, String>]) -> String {
    let cols: Vec<&str> = table.columns().iter().map(|c| c.name).collect();
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(&cols);
    for r in rows {
        let _ = w.write_record(cols.iter().map(|c| r.get(*c).map_or("", String::as_str)));
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// One row of an advice table entered on a form (column → text), read through the same checks
/// as a file's row; the error names the form's fields.
pub fn parse_one<T: AdviceRow>(cells: &BTreeMap<String, String>) -> Result<T, ReadError> {
    let text = csv_text(T::TABLE, std::slice::from_ref(cells));
    let mut got = None;
    crate::read::read_records_text::<T>(std::path::Path::new(T::TABLE.name()), &text, |_, r| {
        got = Some(r);
        Ok(())
    })?;
    got.ok_or_else(|| ReadError::Format {
        file: std::path::PathBuf::from(T::TABLE.name()),
        message: "the form has no row".to_owned(),
        reason: None,
    })
}

/// The cells of a row as the store keeps them (JSON object of column → text).
pub fn cells_json<T: AdviceRow>(r: &T) -> String {
    let m: serde_json::Map<String, serde_json::Value> = r
        .cells()
        .into_iter()
        .map(|(k, v)| (k.to_owned(), serde_json::Value::String(v)))
        .collect();
    serde_json::Value::Object(m).to_string()
}
