//! The daily-management registers (E1–E7, B5): briefings, the outing register, visit records,
//! work logs, prospects, the credit-business register, tobacco retail visits and the periodic
//! reports (internal assessment tables). Every register is a list of rows of named, typed
//! fields; the schema below is the one source of their names for the importer, the policy
//! loader, measures and the daily rules.

use crate::expr::Value;
use chrono::{Datelike, NaiveDate, Weekday};
use std::collections::{BTreeMap, BTreeSet};

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A code: a manager, client, outing… id.
    Id,
    Text,
    Date,
    /// `YYYY-MM-DD HH:MM` (a date without a time is refused).
    Stamp,
    /// `true`/`false` (是/否); empty is false.
    Flag,
    Number,
    /// A month `2026-09`; the row also gets `<name>_end`, the month's last day.
    Month,
    /// One of the listed codes.
    Codes(&'static [&'static str]),
}

/// A field of a register.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub name: &'static str,
    pub kind: FieldKind,
    pub required: bool,
}

const fn f(name: &'static str, kind: FieldKind) -> Field {
    Field {
        name,
        kind,
        required: false,
    }
}
const fn r(name: &'static str, kind: FieldKind) -> Field {
    Field {
        name,
        kind,
        required: true,
    }
}

use FieldKind::*;

/// Attendance at a briefing (E1).
pub const BRIEFING_STATUS: &[&str] = &["present", "absent", "leave"];
/// The meetings of E2 and the hotel's 篇二: the monthly work meeting, the weekly team
/// discussion, a meeting called by phone notice (mandatory).
pub const MEETING_KINDS: &[&str] = &["monthly", "weekly", "notice"];
/// A prospect's stage (E6).
pub const PROSPECT_STAGES: &[&str] = &["prospect", "contacted", "client"];

macro_rules! registers {
    ($($variant:ident => $name:literal, key $key:literal, day $day:literal, [$($field:expr),+ $(,)?];)+) => {
        /// A daily-management register.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Register { $($variant,)+ }

        impl Register {
            pub const ALL: &'static [Register] = &[$(Register::$variant,)+];

            /// The table name: `outings`, `work_logs`, …
            pub fn name(self) -> &'static str {
                match self { $(Register::$variant => $name,)+ }
            }

            /// The fields besides `manager_id`, in the contract's order.
            pub fn fields(self) -> &'static [Field] {
                match self { $(Register::$variant => { const F: &[Field] = &[$($field),+]; F },)+ }
            }

            /// The field that identifies a row within a manager's rows (`outing_id`), or the
            /// date field for registers keyed by manager and day (`work_logs`, `briefings`).
            pub fn key(self) -> &'static str {
                match self { $(Register::$variant => $key,)+ }
            }

            /// The field whose day a row concerns (a period holds the rows whose day falls in it).
            pub fn day_field(self) -> &'static str {
                match self { $(Register::$variant => $day,)+ }
            }
        }
    };
}

registers! {
    Briefings => "briefings", key "date", day "date", [
        r("date", Date), f("unit", Id), r("status", Codes(BRIEFING_STATUS)),
        f("notified_at", Stamp), f("chaired_by", Id),
    ];
    Outings => "outings", key "outing_id", day "left_at", [
        r("outing_id", Id), f("client_id", Id), f("purpose", Text), r("left_at", Stamp),
        f("expected_back_at", Stamp), f("returned_at", Stamp), f("duty", Flag),
    ];
    Visits => "visits", key "visit_id", day "visited_on", [
        r("visit_id", Id), r("client_id", Id), f("outing_id", Id), r("visited_on", Date),
        f("person", Text), f("department", Text), f("title", Text), f("purpose", Text),
        f("expected_result", Text), f("outcome", Text), f("info", Text), f("next_step", Text),
        f("next_on", Date),
    ];
    WorkLogs => "work_logs", key "date", day "date", [
        r("date", Date), f("text", Text), f("signed_by", Id), f("signed_at", Stamp),
        f("comment", Text), f("plan_next", Text),
    ];
    Prospects => "prospects", key "prospect_id", day "first_contact_on", [
        r("prospect_id", Id), r("name", Text), r("stage", Codes(PROSPECT_STAGES)),
        r("first_contact_on", Date), f("converted_on", Date), f("client_id", Id),
    ];
    CreditRegister => "credit_register", key "entry_id", day "registered_at", [
        r("entry_id", Id), r("client_id", Id), r("kind", Text), f("amount", Number),
        f("reported_at", Stamp), r("registered_at", Stamp), f("loan_card_checked_at", Stamp),
    ];
    RetailVisits => "retail_visits", key "visit_id", day "visited_on", [
        r("visit_id", Id), r("client_id", Id), r("visited_on", Date), f("stock", Number),
        f("sales_trend", Text), f("demand", Text), f("listed_brands", Number),
        f("new_brand_packs", Number), f("advice", Text),
    ];
    Meetings => "meetings", key "meeting_id", day "held_on", [
        r("meeting_id", Id), r("kind", Codes(MEETING_KINDS)), r("held_on", Date),
        f("called_at", Stamp), r("status", Codes(BRIEFING_STATUS)), f("notified_at", Stamp),
        f("chaired_by", Id), f("minutes", Text),
    ];
    ActionItems => "action_items", key "item_id", day "due_on", [
        r("item_id", Id), f("meeting_id", Id), r("text", Text), r("due_on", Date),
        f("done_on", Date),
    ];
    Reports => "reports", key "report_id", day "period_end", [
        r("report_id", Id), r("kind", Text), r("period", Month), f("submitted_at", Stamp),
    ];
}

impl Register {
    pub fn parse(name: &str) -> Option<Register> {
        Register::ALL.iter().copied().find(|r| r.name() == name)
    }

    /// Every name an expression over a row may use: the fields, `manager_id`, and for a month
    /// field its `<name>_end`.
    pub fn names(self) -> Vec<String> {
        let mut out = vec!["manager_id".to_owned()];
        for fd in self.fields() {
            out.push(fd.name.to_owned());
            if fd.kind == Month {
                out.push(format!("{}_end", fd.name));
            }
        }
        out
    }

    pub fn field(self, name: &str) -> Option<&'static Field> {
        self.fields().iter().find(|f| f.name == name)
    }
}

/// A row of a register: its manager and its fields by name (absent = empty).
#[derive(Debug, Clone, PartialEq)]
pub struct RegisterRow {
    /// Where the row came from (`outings.csv:12`, `outings #12`).
    pub source: String,
    pub register: Register,
    pub manager: String,
    pub fields: BTreeMap<String, Value>,
}

impl RegisterRow {
    pub fn get(&self, field: &str) -> Value {
        if field == "manager_id" {
            return Value::Text(self.manager.clone());
        }
        self.fields.get(field).cloned().unwrap_or(Value::Null)
    }

    /// The day a field refers to: a date, or a time stamp's date.
    pub fn day_of(&self, field: &str) -> Option<NaiveDate> {
        match self.fields.get(field)? {
            Value::Date(d) => Some(*d),
            Value::DateTime(t) => Some(t.date()),
            _ => None,
        }
    }

    /// The day the row concerns (its register's day field).
    pub fn day(&self) -> Option<NaiveDate> {
        self.day_of(self.register.day_field())
    }

    /// The row's key within its manager's rows, as text.
    pub fn key(&self) -> String {
        match self.fields.get(self.register.key()) {
            Some(Value::Text(s)) => s.clone(),
            Some(v) => v.to_string(),
            None => String::new(),
        }
    }

    pub fn text(&self, field: &str) -> Option<&str> {
        match self.fields.get(field)? {
            Value::Text(s) => Some(s),
            _ => None,
        }
    }
}

/// The organisation's working-day calendar (E5): the policy's working weekdays, changed by the
/// calendar table's dated exceptions (public holidays off, make-up working days on).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Calendar {
    pub weekdays: BTreeSet<u32>,
    pub exceptions: BTreeMap<NaiveDate, bool>,
}

/// The days a run may step through when it looks for a working day: a calendar with no working
/// day at all gives up after a year instead of looping.
const SEARCH_DAYS: u32 = 400;

impl Calendar {
    /// Monday to Friday, no exceptions.
    pub fn weekdays_only(weekdays: &[Weekday]) -> Calendar {
        Calendar {
            weekdays: weekdays.iter().map(|d| d.num_days_from_monday()).collect(),
            exceptions: BTreeMap::new(),
        }
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        match self.exceptions.get(&day) {
            Some(w) => *w,
            None => self
                .weekdays
                .contains(&day.weekday().num_days_from_monday()),
        }
    }

    /// The `n`-th working day after `day` (n = 0: `day` itself if it is a working day, else the
    /// next one).
    pub fn working_day_after(&self, day: NaiveDate, n: u32) -> Option<NaiveDate> {
        let mut d = day;
        let mut left = n;
        if n == 0 {
            for _ in 0..SEARCH_DAYS {
                if self.is_working_day(d) {
                    return Some(d);
                }
                d = d.succ_opt()?;
            }
            return None;
        }
        let mut steps = 0u32;
        while left > 0 {
            d = d.succ_opt()?;
            steps += 1;
            if steps > SEARCH_DAYS.saturating_mul(n.min(50)) {
                return None;
            }
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        Some(d)
    }

    /// The working days from `first` through `last`.
    pub fn working_days(&self, first: NaiveDate, last: NaiveDate) -> Vec<NaiveDate> {
        first
            .iter_days()
            .take_while(|d| *d <= last)
            .filter(|d| self.is_working_day(*d))
            .collect()
    }
}

/// A dated exception of the calendar table (`calendar.csv`: date, working, note).
#[derive(Debug, Clone, PartialEq)]
pub struct CalendarDay {
    pub source: String,
    pub date: NaiveDate,
    pub working: bool,
    pub note: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn working_days_follow_the_exceptions() {
        let mut c = Calendar::weekdays_only(&[
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ]);
        // National Day week 2026: 1–7 October off, Saturday 10 October a make-up day.
        for day in 1..=7 {
            c.exceptions
                .insert(NaiveDate::from_ymd_opt(2026, 10, day).unwrap(), false);
        }
        c.exceptions.insert(d("2026-10-10"), true);
        assert!(!c.is_working_day(d("2026-10-05")));
        assert!(c.is_working_day(d("2026-10-10")));
        // Five working days after 30 September: 8, 9, 10 (Sat), 12, 13 October.
        assert_eq!(
            c.working_day_after(d("2026-09-30"), 5),
            Some(d("2026-10-13"))
        );
        assert_eq!(
            c.working_day_after(d("2026-10-03"), 0),
            Some(d("2026-10-08"))
        );
        assert_eq!(c.working_days(d("2026-10-01"), d("2026-10-11")).len(), 3);
    }

    #[test]
    fn a_calendar_without_working_days_gives_up() {
        let c = Calendar::default();
        assert_eq!(c.working_day_after(d("2026-10-01"), 3), None);
        assert_eq!(c.working_day_after(d("2026-10-01"), 0), None);
    }

    #[test]
    fn every_register_has_its_key_and_day_among_its_fields() {
        for r in Register::ALL {
            let names = r.names();
            assert!(names.iter().any(|n| n == r.key()), "{r:?}");
            assert!(names.iter().any(|n| n == r.day_field()), "{r:?}");
        }
    }
}
