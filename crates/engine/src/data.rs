//! The data a settlement reads: plain rows, already parsed and checked by the shell (file mode
//! from a data folder, database mode from the store).

use crate::ledger::Version;
use crate::money::Money;
use chrono::{NaiveDate, NaiveDateTime};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Manager {
    pub id: String,
    pub name: String,
    pub org: Option<String>,
    pub track: Option<String>,
    pub grade: Option<String>,
    pub tier: Option<String>,
    pub staff_grade: Option<String>,
    /// `active`, `trainee`, `dismissed`, `back_office`.
    pub status: String,
    pub hired_on: Option<NaiveDate>,
    pub trial_end: Option<NaiveDate>,
    pub left_on: Option<NaiveDate>,
    pub base_salary: Option<Money>,
    /// Further columns of the file, by header.
    pub extra: BTreeMap<String, String>,
    /// The manager's track is not a customer-manager track (`tracks.is_cm` false, A3: e.g.
    /// 专业经理). A track the tracks table does not list counts as a CM track.
    pub non_cm: bool,
}

impl Manager {
    /// In post as a customer manager at some time in `first..=last`: hired by `last`, not left
    /// before `first`, and not dismissed or back-office staff (A3).
    pub fn in_post(&self, first: NaiveDate, last: NaiveDate) -> bool {
        self.hired_on.is_none_or(|h| h <= last)
            && self.left_on.is_none_or(|l| l >= first)
            && !matches!(self.status.as_str(), "dismissed" | "back_office")
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Client {
    pub id: String,
    pub name: String,
    pub kind: Option<String>,
    pub client_type: Option<String>,
    pub agreement: bool,
    pub extra: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Account {
    pub id: String,
    pub client: String,
    pub product: String,
    pub currency: String,
    pub rate: Option<Decimal>,
    pub term_months: Option<i64>,
    pub opened_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
}

/// A sale or a payment (same shape).
#[derive(Debug, Clone, PartialEq)]
pub struct Flow {
    /// Where the row came from, for the trace (`payments.csv:12`).
    pub source: String,
    pub doc_id: Option<String>,
    pub date: NaiveDate,
    pub manager: String,
    pub client: String,
    pub quantity: Decimal,
    pub amount: Money,
    pub gross_profit: Option<Money>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Booking {
    pub source: String,
    pub id: String,
    pub manager: String,
    pub client: Option<String>,
    pub registered_at: NaiveDateTime,
    pub arrival_at: NaiveDateTime,
    pub amount: Money,
    pub approved: bool,
    pub complaint: bool,
    /// The manager's call-back spot check (C3): `confirmed`, `collusive`, or `None`.
    pub spot_check: Option<String>,
}

/// An end-of-day balance. `account` is the index of the account in `DataSet::accounts`
/// (16 bytes a row: a month of 6 million balances fits in 96 MB).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Balance {
    pub account: u32,
    pub date: NaiveDate,
    pub balance: Money,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub manager: String,
    pub period: crate::Period,
    pub measure: String,
    pub target: Decimal,
}

/// A customer manager's own monthly tally of a measure (tallies table), reconciled with the
/// keeper's figures (the imported sales and payments) before the month is settled (B3).
#[derive(Debug, Clone, PartialEq)]
pub struct Tally {
    pub source: String,
    pub manager: String,
    pub period: crate::Period,
    pub measure: String,
    pub value: Decimal,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Adjustment {
    pub source: String,
    pub period: crate::Period,
    pub manager: String,
    pub item: String,
    pub amount: Money,
    pub reason: Option<String>,
}

/// A score given by a rater (scores table).
#[derive(Debug, Clone, PartialEq)]
pub struct Score {
    pub source: String,
    pub period: crate::Period,
    pub manager: String,
    pub rater: String,
    /// self, superior, peer or subordinate.
    pub relation: String,
    pub dimension: String,
    pub item: String,
    pub score: Decimal,
}

/// A version of the ownership ledger in file mode: subject (client, account or "" for the
/// client level) and manager by their codes.
pub type OwnershipVersion = Version<(String, String), String>;

/// Everything a settlement may read. Tables a policy does not use may be empty.
#[derive(Debug, Clone, Default)]
pub struct DataSet {
    pub managers: Vec<Manager>,
    pub clients: Vec<Client>,
    pub accounts: Vec<Account>,
    /// Ownership versions keyed by (client, account or "" for the client level).
    pub ownership: Vec<OwnershipVersion>,
    pub balances: Vec<Balance>,
    pub targets: Vec<Target>,
    pub sales: Vec<Flow>,
    pub payments: Vec<Flow>,
    pub bookings: Vec<Booking>,
    pub adjustments: Vec<Adjustment>,
    pub scores: Vec<Score>,
    pub tallies: Vec<Tally>,
    /// Rows of the daily-management registers, every register together.
    pub registers: Vec<crate::registers::RegisterRow>,
    /// The calendar table's dated exceptions (public holidays, make-up working days).
    pub calendar: Vec<crate::registers::CalendarDay>,
}

impl DataSet {
    /// The first day any fact in the data set refers to: periods before it have no history.
    pub fn first_fact_day(&self) -> Option<NaiveDate> {
        let days = self
            .sales
            .iter()
            .map(|f| f.date)
            .chain(self.payments.iter().map(|f| f.date))
            .chain(self.bookings.iter().map(|b| b.arrival_at.date()))
            .chain(self.balances.iter().map(|b| b.date));
        days.min()
    }
}
