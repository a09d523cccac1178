//! Loading a data folder (file mode) or a policy test case into the engine's `DataSet`.

use crate::read::{ReadError, ReadOptions, Reason, Reject, read_records, read_records_text};
use crate::records::*;
use crate::{Record, Table};
use kejing_engine::data::{
    Account, Adjustment, Balance, Booking, Client, DataSet, Flow, Manager, Score, Tally, Target,
};
use kejing_engine::ledger::Version;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where the tables come from.
pub enum Tables<'a> {
    /// A folder of `<table>.csv` / `<table>.xlsx` files.
    Folder(&'a Path, &'a ReadOptions),
    /// CSV texts by table name (a policy test case); `label` prefixes the names in messages.
    Texts(&'a str, &'a BTreeMap<String, String>),
}

/// Reads table `T` if present, handing each record with its source (`file:row`, made only when
/// asked for) to `f`, which may reject it.
pub(crate) fn for_each<T: Record>(
    tables: &Tables<'_>,
    mut f: impl FnMut(&dyn Fn() -> String, T) -> Result<(), Vec<Reject>>,
) -> Result<bool, ReadError> {
    let name = T::TABLE.name();
    match tables {
        Tables::Folder(dir, options) => {
            let path = ["csv", "xlsx"]
                .iter()
                .map(|e| dir.join(format!("{name}.{e}")))
                .find(|p| p.exists());
            let Some(path) = path else { return Ok(false) };
            let file = path
                .file_name()
                .map_or_else(String::new, |f| f.to_string_lossy().into_owned());
            read_records::<T>(
                &path,
                options,
                |row, r| f(&|| format!("{file}:{row}"), r),
                &mut |_, _| {},
            )?;
            Ok(true)
        }
        Tables::Texts(label, texts) => {
            let Some(text) = texts.get(name) else {
                return Ok(false);
            };
            let path = PathBuf::from(format!("{label} {name}"));
            read_records_text::<T>(&path, text, |row, r| f(&|| format!("{name}:{row}"), r))?;
            Ok(true)
        }
    }
}

/// Reads every table of the contract that is present. Tables a policy does not need may be
/// absent; `managers` must be there. Every file's bad rows are reported together.
pub fn load_dataset(tables: &Tables<'_>) -> Result<DataSet, Vec<ReadError>> {
    let mut d = DataSet::default();
    let mut errors = Vec::new();
    let mut run = |r: Result<bool, ReadError>| -> bool {
        match r {
            Ok(found) => found,
            Err(e) => {
                errors.push(e);
                true
            }
        }
    };
    let have_managers = run(for_each::<ManagerRec>(tables, |_, r| {
        d.managers.push(Manager {
            id: r.manager_id.to_string(),
            name: r.name,
            org: r.org.map(String::from),
            track: r.track.map(String::from),
            grade: r.grade.map(String::from),
            tier: r.tier.map(String::from),
            staff_grade: r.staff_grade,
            status: r
                .status
                .map_or_else(|| "active".to_owned(), |s| s.code().to_owned()),
            hired_on: r.hired_on,
            trial_end: r.trial_end,
            left_on: r.left_on,
            base_salary: r.base_salary,
            extra: r.extras.into_iter().collect(),
            non_cm: false, // set from the tracks table below
        });
        Ok(())
    }));
    // Tracks that are not customer-manager tracks (A3); a track not listed counts as one.
    let mut not_cm = std::collections::BTreeSet::new();
    run(for_each::<TrackRec>(tables, |_, r| {
        if !r.is_cm {
            not_cm.insert(r.track.to_string());
        }
        Ok(())
    }));
    for m in &mut d.managers {
        m.non_cm = m.track.as_ref().is_some_and(|t| not_cm.contains(t));
    }
    run(for_each::<ClientRec>(tables, |_, r| {
        d.clients.push(Client {
            id: r.client_id.to_string(),
            name: r.name,
            kind: r.kind.map(|k| k.code().to_owned()),
            client_type: r.client_type,
            agreement: r.agreement,
            extra: r.extras.into_iter().collect(),
        });
        Ok(())
    }));
    run(for_each::<AccountRec>(tables, |_, r| {
        d.accounts.push(Account {
            id: r.account_id.to_string(),
            client: r.client_id.to_string(),
            product: r.product.to_string(),
            currency: r.currency,
            rate: r.rate,
            term_months: r.term_months,
            opened_on: r.opened_on,
            closed_on: r.closed_on,
        });
        Ok(())
    }));
    // Balances name their account by its index in the accounts table.
    let account_index: std::collections::HashMap<String, u32> = d
        .accounts
        .iter()
        .enumerate()
        .map(|(i, a)| (a.id.clone(), u32::try_from(i).unwrap_or(u32::MAX)))
        .collect();
    run(for_each::<OwnershipRec>(tables, |_, r| {
        d.ownership.push(Version {
            subject: (
                r.client_id.to_string(),
                r.account_id.map(String::from).unwrap_or_default(),
            ),
            manager: r.manager_id.to_string(),
            ratio: r.ratio,
            from: r.from,
            to: r.to,
        });
        Ok(())
    }));
    run(for_each::<BalanceRec>(tables, |_, r| {
        let Some(&account) = account_index.get(r.account_id.as_str()) else {
            return Err(vec![Reject::new(
                "account_id",
                r.account_id.as_str(),
                Reason::new("unknown-account", "unknown account: it is not in accounts"),
            )]);
        };
        d.balances.push(Balance {
            account,
            date: r.date,
            balance: r.balance,
        });
        Ok(())
    }));
    run(for_each::<TargetRec>(tables, |_, r| {
        d.targets.push(Target {
            manager: r.manager_id.to_string(),
            period: r.period,
            measure: r.measure.to_string(),
            target: r.target,
        });
        Ok(())
    }));
    let flow = |source: String, r: FlowRec| Flow {
        source,
        doc_id: r.doc_id.map(String::from),
        date: r.date,
        manager: r.manager_id.to_string(),
        client: r.client_id.to_string(),
        quantity: r.quantity,
        amount: r.amount,
        gross_profit: r.gross_profit,
    };
    run(for_each::<SaleRec>(tables, |s, r| {
        d.sales.push(flow(s(), r.0));
        Ok(())
    }));
    run(for_each::<PaymentRec>(tables, |s, r| {
        d.payments.push(flow(s(), r.0));
        Ok(())
    }));
    run(for_each::<BookingRec>(tables, |s, r| {
        d.bookings.push(Booking {
            source: s(),
            id: r.booking_id.to_string(),
            manager: r.manager_id.to_string(),
            client: r.client_id.map(String::from),
            registered_at: r.registered_at,
            arrival_at: r.arrival_at,
            amount: r.amount,
            approved: r.approved,
            complaint: r.complaint,
            spot_check: r.spot_check.map(str::to_owned),
        });
        Ok(())
    }));
    run(for_each::<TallyRec>(tables, |s, r| {
        d.tallies.push(Tally {
            source: s(),
            manager: r.manager_id.to_string(),
            period: r.period,
            measure: r.measure.to_string(),
            value: r.value,
        });
        Ok(())
    }));
    run(for_each::<AdjustmentRec>(tables, |s, r| {
        d.adjustments.push(Adjustment {
            source: s(),
            period: r.period,
            manager: r.manager_id.to_string(),
            item: r.item,
            amount: r.amount,
            reason: r.reason,
        });
        Ok(())
    }));
    run(for_each::<ScoreRec>(tables, |s, r| {
        d.scores.push(Score {
            source: s(),
            period: r.period,
            manager: r.manager_id.to_string(),
            rater: r.rater_id.to_string(),
            relation: r.relation.code().to_owned(),
            dimension: r.dimension,
            item: r.item,
            score: r.score,
        });
        Ok(())
    }));
    macro_rules! registers {
        ($($rec:ident),+) => {
            $(
                run(for_each::<crate::registers::$rec>(tables, |s, r| {
                    let r = r.0;
                    d.registers.push(kejing_engine::registers::RegisterRow {
                        source: s(),
                        register: r.register,
                        manager: r.manager_id.to_string(),
                        fields: r.fields,
                    });
                    Ok(())
                }));
            )+
        };
    }
    registers!(
        BriefingRec,
        OutingRec,
        VisitRec,
        WorkLogRec,
        ProspectRec,
        CreditEntryRec,
        RetailVisitRec,
        MeetingRec,
        ActionItemRec,
        ReportRec
    );
    run(for_each::<crate::registers::CalendarRec>(tables, |s, r| {
        d.calendar.push(kejing_engine::registers::CalendarDay {
            source: s(),
            date: r.date,
            working: r.working,
            note: r.note,
        });
        Ok(())
    }));
    if !have_managers && errors.is_empty() {
        let place = match tables {
            Tables::Folder(dir, _) => dir.display().to_string(),
            Tables::Texts(label, _) => label.to_string(),
        };
        errors.push(ReadError::Format {
            file: PathBuf::from(place),
            message: format!(
                "no {} table: a settlement needs managers.csv (or a managers sheet)",
                Table::Managers.name()
            ),
            reason: None,
        });
    }
    if errors.is_empty() {
        Ok(d)
    } else {
        Err(errors)
    }
}
