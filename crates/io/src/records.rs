//! Typed records, one per table, parsed from a row with every bad cell reported.

use crate::read::{Reason, RowCursor};
use crate::tables::Table;
use chrono::{NaiveDate, NaiveDateTime};
use kejing_engine::model::{ClientKind, ManagerStatus, Relation, UnitKind};
use kejing_engine::{Code, Money, Period, Ratio};
use rust_decimal::Decimal;

/// A record of one table, parsed from one row.
pub trait Record: Sized {
    const TABLE: Table;
    /// Parses the row; records errors in the cursor and may return `None` when there are any.
    fn parse(c: &mut RowCursor<'_>) -> Option<Self>;
}

/// Extra cells (unknown columns) kept as attributes.
pub type Extras = Vec<(String, String)>;

#[derive(Debug, Clone, PartialEq)]
pub struct OrgUnitRec {
    pub unit_id: Code,
    pub name: String,
    pub parent_id: Option<Code>,
    pub kind: Option<UnitKind>,
    pub telephone: Option<String>,
    pub fax: Option<String>,
    pub address: Option<String>,
}

impl Record for OrgUnitRec {
    const TABLE: Table = Table::OrgUnits;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let unit_id = c.req_code("unit_id");
        let name = c.req_text("name");
        let parent_id = c.code("parent_id");
        let kind = c.vocab(
            "kind",
            UnitKind::parse,
            UnitKind::expected,
            UnitKind::choices,
        );
        if let (Some(u), Some(p)) = (&unit_id, &parent_id)
            && u == p
        {
            c.fail(
                "parent_id",
                p.as_str(),
                Reason::new("own-parent", "a unit cannot be its own parent"),
            );
        }
        Some(OrgUnitRec {
            unit_id: unit_id?,
            name: name?,
            parent_id,
            kind,
            telephone: c.text("telephone"),
            fax: c.text("fax"),
            address: c.text("address"),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TrackRec {
    pub track: Code,
    pub name: Option<String>,
    /// Whether people on this track are customer managers (paid and assessed as such).
    pub is_cm: bool,
}

impl Record for TrackRec {
    const TABLE: Table = Table::Tracks;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let track = c.req_code("track");
        let name = c.text("name");
        let is_cm = c.flag("is_cm").unwrap_or(true);
        Some(TrackRec {
            track: track?,
            name,
            is_cm,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct GradeRec {
    pub track: Code,
    pub grade: Code,
    pub tier: Option<Code>,
    pub class: Option<String>,
    /// Position on the ladder: higher is more senior.
    pub rank: i64,
    pub staff_grade: Option<String>,
    pub title: Option<String>,
}

impl Record for GradeRec {
    const TABLE: Table = Table::Grades;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let track = c.req_code("track");
        let grade = c.req_code("grade");
        let tier = c.code("tier");
        let class = c.text("class");
        let rank = c.int("rank");
        if rank.is_none() && c.raw("rank").is_none() {
            c.fail(
                "rank",
                "",
                Reason::new(
                    "rank-required",
                    "a value is required here (position on the ladder, higher = more senior)",
                ),
            );
        }
        let staff_grade = c.text("staff_grade");
        let title = c.text("title");
        Some(GradeRec {
            track: track?,
            grade: grade?,
            tier,
            class,
            rank: rank?,
            staff_grade,
            title,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ManagerRec {
    pub manager_id: Code,
    pub name: String,
    pub org: Option<Code>,
    pub track: Option<Code>,
    pub grade: Option<Code>,
    pub tier: Option<Code>,
    pub staff_grade: Option<String>,
    pub status: Option<ManagerStatus>,
    pub hired_on: Option<NaiveDate>,
    pub trial_end: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
    pub base_salary: Option<Money>,
    /// When a change of grade, track or status in this row takes effect.
    pub changed_on: Option<NaiveDate>,
    pub extras: Extras,
}

impl Record for ManagerRec {
    const TABLE: Table = Table::Managers;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let manager_id = c.req_code("manager_id");
        let name = c.req_text("name");
        let org = c.code("org");
        let track = c.code("track");
        let grade = c.code("grade");
        let tier = c.code("tier");
        let staff_grade = c.text("staff_grade");
        let status = c.vocab(
            "status",
            ManagerStatus::parse,
            ManagerStatus::expected,
            ManagerStatus::choices,
        );
        let hired_on = c.date("hired_on");
        let trial_end = c.date("trial_end");
        let left_on = c.date("left_on");
        let base_salary = c.money("base_salary");
        if base_salary.is_some_and(|m| m.fen() < 0) {
            c.fail(
                "base_salary",
                c.raw("base_salary").unwrap_or(""),
                Reason::new("negative-base-salary", "a base salary cannot be negative"),
            );
        }
        let changed_on = c.date("changed_on");
        if let (Some(h), Some(l)) = (hired_on, left_on)
            && l < h
        {
            c.fail(
                "left_on",
                &l.to_string(),
                Reason::new(
                    "left-before-hired",
                    format!("leaves before being hired on {h}"),
                )
                .arg("hired", h),
            );
        }
        Some(ManagerRec {
            manager_id: manager_id?,
            name: name?,
            org,
            track,
            grade,
            tier,
            staff_grade,
            status,
            hired_on,
            trial_end,
            left_on,
            base_salary,
            changed_on,
            extras: c.extras(),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ClientRec {
    pub client_id: Code,
    pub name: String,
    pub kind: Option<ClientKind>,
    pub client_type: Option<String>,
    pub agreement: bool,
    pub loan_card: Option<String>,
    pub contact: Option<String>,
    pub phone: Option<String>,
    pub extras: Extras,
}

impl Record for ClientRec {
    const TABLE: Table = Table::Clients;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let client_id = c.req_code("client_id");
        let name = c.req_text("name");
        let kind = c.vocab(
            "kind",
            ClientKind::parse,
            ClientKind::expected,
            ClientKind::choices,
        );
        let client_type = c.text("client_type");
        let agreement = c.flag("agreement").unwrap_or(false);
        let loan_card = c.text("loan_card");
        if let Some(card) = &loan_card
            && !card.chars().all(|ch| ch.is_ascii_alphanumeric())
        {
            c.fail(
                "loan_card",
                card,
                Reason::new(
                    "loan-card-chars",
                    "a loan-card number has only letters and digits",
                ),
            );
        }
        let contact = c.text("contact");
        let phone = c.text("phone");
        Some(ClientRec {
            client_id: client_id?,
            name: name?,
            kind,
            client_type,
            agreement,
            loan_card,
            contact,
            phone,
            extras: c.extras(),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct AccountRec {
    pub account_id: Code,
    pub client_id: Code,
    pub product: Code,
    pub currency: String,
    /// Executed rate, annual percent (`1.75` = 1.75 %).
    pub rate: Option<Decimal>,
    pub term_months: Option<i64>,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub extras: Extras,
}

impl Record for AccountRec {
    const TABLE: Table = Table::Accounts;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let account_id = c.req_code("account_id");
        let client_id = c.req_code("client_id");
        let product = c.req_code("product");
        let currency = c
            .text("currency")
            .map_or_else(|| "CNY".to_owned(), |s| s.to_uppercase());
        if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
            c.fail(
                "currency",
                &currency,
                Reason::new(
                    "currency-invalid",
                    "a currency is a 3-letter ISO code such as CNY or USD",
                ),
            );
        }
        let rate = c.decimal("rate");
        let term_months = c.int("term_months");
        if term_months.is_some_and(|t| t < 0) {
            c.fail(
                "term_months",
                c.raw("term_months").unwrap_or(""),
                Reason::new("negative-term", "a term cannot be negative"),
            );
        }
        let opened_on = c.date("opened_on");
        let closed_on = c.date("closed_on");
        if let (Some(o), Some(cl)) = (opened_on, closed_on)
            && cl < o
        {
            c.fail(
                "closed_on",
                &cl.to_string(),
                Reason::new(
                    "closed-before-opened",
                    format!("closed before it was opened on {o}"),
                )
                .arg("opened", o),
            );
        }
        Some(AccountRec {
            account_id: account_id?,
            client_id: client_id?,
            product: product?,
            currency,
            rate,
            term_months,
            opened_on,
            closed_on,
            extras: c.extras(),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct OwnershipRec {
    pub client_id: Code,
    pub account_id: Option<Code>,
    pub manager_id: Code,
    pub ratio: Ratio,
    pub from: NaiveDate,
    pub to: Option<NaiveDate>,
}

impl Record for OwnershipRec {
    const TABLE: Table = Table::Ownership;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let client_id = c.req_code("client_id");
        let account_id = c.code("account_id");
        let manager_id = c.req_code("manager_id");
        let ratio = c.req_ratio("ratio");
        let from = c.req_date("from");
        let to = c.date("to");
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            c.fail(
                "to",
                &t.to_string(),
                Reason::new(
                    "ends-before-starts",
                    format!("ends before it starts on {f}"),
                )
                .arg("from", f),
            );
        }
        Some(OwnershipRec {
            client_id: client_id?,
            account_id,
            manager_id: manager_id?,
            ratio: ratio?,
            from: from?,
            to,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BalanceRec {
    pub account_id: Code,
    pub date: NaiveDate,
    pub balance: Money,
}

impl Record for BalanceRec {
    const TABLE: Table = Table::Balances;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let account_id = c.req_code("account_id");
        let date = c.req_date("date");
        let balance = c.req_money("balance");
        Some(BalanceRec {
            account_id: account_id?,
            date: date?,
            balance: balance?,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct TargetRec {
    pub manager_id: Code,
    pub period: Period,
    pub measure: Code,
    pub target: Decimal,
}

impl Record for TargetRec {
    const TABLE: Table = Table::Targets;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let manager_id = c.req_code("manager_id");
        let period = c.req_period("period");
        let measure = c.req_code("measure");
        let target = c.req_decimal("target");
        if target.is_some_and(|t| t < Decimal::ZERO) {
            c.fail(
                "target",
                c.raw("target").unwrap_or(""),
                Reason::new("negative-target", "a target cannot be negative"),
            );
        }
        Some(TargetRec {
            manager_id: manager_id?,
            period: period?,
            measure: measure?,
            target: target?,
        })
    }
}

/// A customer manager's own tally of a measure for a month (自建统计表, B3).
#[derive(Debug, Clone, PartialEq)]
pub struct TallyRec {
    pub manager_id: Code,
    pub period: Period,
    pub measure: Code,
    pub value: Decimal,
    pub note: Option<String>,
}

impl Record for TallyRec {
    const TABLE: Table = Table::Tallies;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let manager_id = c.req_code("manager_id");
        let period = c.req_period("period");
        let measure = c.req_code("measure");
        let value = c.req_decimal("value");
        if let Some(p) = period
            && !matches!(p, Period::Month { .. })
        {
            c.fail(
                "period",
                c.raw("period").unwrap_or(""),
                Reason::new(
                    "tally-not-month",
                    "a tally is kept for a month: write it as 2013-08",
                ),
            );
        }
        let note = c.text("note");
        Some(TallyRec {
            manager_id: manager_id?,
            period: period?,
            measure: measure?,
            value: value?,
            note,
        })
    }
}

/// A sale (shipment, 发货) or a payment (cash received, 回款): the same shape.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowRec {
    /// The document number, if the source system has one.
    pub doc_id: Option<Code>,
    pub date: NaiveDate,
    pub manager_id: Code,
    pub client_id: Code,
    pub quantity: Decimal,
    pub amount: Money,
    pub gross_profit: Option<Money>,
}

fn parse_flow(c: &mut RowCursor<'_>, id_column: &str) -> Option<FlowRec> {
    let doc_id = c.code(id_column);
    let date = c.req_date("date");
    let manager_id = c.req_code("manager_id");
    let client_id = c.req_code("client_id");
    let quantity = c.decimal("quantity").unwrap_or(Decimal::ZERO);
    let amount = c.req_money("amount");
    let gross_profit = c.money("gross_profit");
    Some(FlowRec {
        doc_id,
        date: date?,
        manager_id: manager_id?,
        client_id: client_id?,
        quantity,
        amount: amount?,
        gross_profit,
    })
}

/// Sales (shipments).
#[derive(Debug, Clone, PartialEq)]
pub struct SaleRec(pub FlowRec);

impl Record for SaleRec {
    const TABLE: Table = Table::Sales;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        parse_flow(c, "sale_id").map(SaleRec)
    }
}

/// Payments (cash received).
#[derive(Debug, Clone, PartialEq)]
pub struct PaymentRec(pub FlowRec);

impl Record for PaymentRec {
    const TABLE: Table = Table::Payments;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        parse_flow(c, "payment_id").map(PaymentRec)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BookingRec {
    pub booking_id: Code,
    pub manager_id: Code,
    pub client_id: Option<Code>,
    pub registered_at: NaiveDateTime,
    pub arrival_at: NaiveDateTime,
    pub amount: Money,
    pub approved: bool,
    pub complaint: bool,
    /// The manager's call-back spot check (C3 回访抽查): `confirmed` (属实) or `collusive`
    /// (串通: the booking earns nothing); `None` when not checked.
    pub spot_check: Option<&'static str>,
}

/// The spot-check codes and the words accepted for each.
fn spot_check(v: &str) -> Result<&'static str, Reason> {
    match v.trim().to_lowercase().as_str() {
        "confirmed" | "属实" | "正常" => Ok("confirmed"),
        "collusive" | "串通" | "串通作弊" => Ok("collusive"),
        _ => Err(Reason::new(
            "spot-check-invalid",
            "a spot check is confirmed (属实) or collusive (串通); leave it empty when the booking was not checked",
        )),
    }
}

impl Record for BookingRec {
    const TABLE: Table = Table::Bookings;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let booking_id = c.req_code("booking_id");
        let manager_id = c.req_code("manager_id");
        let client_id = c.code("client_id");
        let registered_at = c.req_datetime("registered_at");
        let arrival_at = c.req_datetime("arrival_at");
        let amount = c.req_money("amount");
        let approved = c.flag("approved").unwrap_or(false);
        let complaint = c.flag("complaint").unwrap_or(false);
        let spot_check = c.parse_with("spot_check", spot_check);
        Some(BookingRec {
            booking_id: booking_id?,
            manager_id: manager_id?,
            client_id,
            registered_at: registered_at?,
            arrival_at: arrival_at?,
            amount: amount?,
            approved,
            complaint,
            spot_check,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct ScoreRec {
    pub period: Period,
    pub manager_id: Code,
    pub rater_id: Code,
    pub relation: Relation,
    pub dimension: String,
    pub item: String,
    pub score: Decimal,
}

impl Record for ScoreRec {
    const TABLE: Table = Table::Scores;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let period = c.req_period("period");
        let manager_id = c.req_code("manager_id");
        let rater_id = c.req_code("rater_id");
        let relation = c.vocab(
            "relation",
            Relation::parse,
            Relation::expected,
            Relation::choices,
        );
        if relation.is_none() && c.raw("relation").is_none() {
            c.fail(
                "relation",
                "",
                Reason::new("required-one-of", Relation::expected())
                    .arg("choices", Relation::choices()),
            );
        }
        let dimension = c.req_text("dimension");
        let item = c.req_text("item");
        let score = c.req_decimal("score");
        match (&manager_id, &rater_id, relation) {
            (Some(m), Some(r), Some(rel)) if m == r && rel != Relation::SelfRating => {
                c.fail(
                    "relation",
                    rel.code(),
                    Reason::new(
                        "self-rating-relation",
                        "a rater scoring themself must use relation self",
                    ),
                );
            }
            (Some(m), Some(r), Some(Relation::SelfRating)) if m != r => {
                c.fail(
                    "relation",
                    "self",
                    Reason::new(
                        "self-needs-same-rater",
                        "relation self needs rater_id = manager_id",
                    ),
                );
            }
            _ => {}
        }
        Some(ScoreRec {
            period: period?,
            manager_id: manager_id?,
            rater_id: rater_id?,
            relation: relation?,
            dimension: dimension?,
            item: item?,
            score: score?,
        })
    }
}

/// The item name of the adjustment a dispute's decision writes (`申诉 #<id>`): reserved, an
/// import cannot write one (one per dispute, kept by a unique index).
pub const DISPUTE_ITEM_PREFIX: &str = "申诉 #";

#[derive(Debug, Clone, PartialEq)]
pub struct AdjustmentRec {
    pub period: Period,
    pub manager_id: Code,
    pub item: String,
    pub amount: Money,
    pub reason: Option<String>,
}

impl Record for AdjustmentRec {
    const TABLE: Table = Table::Adjustments;
    fn parse(c: &mut RowCursor<'_>) -> Option<Self> {
        let period = c.req_period("period");
        let manager_id = c.req_code("manager_id");
        let mut item = c.req_text("item");
        if let Some(name) = item.as_deref()
            && name.eq_ignore_ascii_case("total")
        {
            c.fail(
                "item",
                name,
                Reason::new(
                    "total-reserved",
                    "total is reserved for the sum of a manager's lines: give the adjustment another name (e.g. 调整 or 奖励)",
                ),
            );
            item = None;
        } else if let Some(name) = item.as_deref()
            && name.starts_with(DISPUTE_ITEM_PREFIX)
        {
            c.fail(
                "item",
                name,
                Reason::new(
                    "dispute-item-reserved",
                    "items named 申诉 #… are the adjustments of decided disputes, written by the decision: give the adjustment another name",
                ),
            );
            item = None;
        }
        let amount = c.req_money("amount");
        let reason = c.text("reason");
        Some(AdjustmentRec {
            period: period?,
            manager_id: manager_id?,
            item: item?,
            amount: amount?,
            reason,
        })
    }
}
