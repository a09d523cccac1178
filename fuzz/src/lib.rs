//! Shared helpers of the fuzz targets: reading a table's bytes with every record kind the
//! importer reads, through the same entry as a file (`read_records_bytes`).

use kejing_io::registers::{
    ActionItemRec, BriefingRec, CalendarRec, CreditEntryRec, MeetingRec, OutingRec, ProspectRec,
    ReportRec, RetailVisitRec, VisitRec, WorkLogRec,
};
use kejing_io::read::Reject;
use kejing_io::records::{
    AccountRec, AdjustmentRec, BalanceRec, BookingRec, ClientRec, GradeRec, ManagerRec, OrgUnitRec,
    OwnershipRec, PaymentRec, Record, SaleRec, ScoreRec, TallyRec, TargetRec, TrackRec,
};
use kejing_io::{Encoding, ReadOptions, read_records_bytes};
use std::path::Path;

/// How many record kinds [`read_table`] chooses from.
pub const KINDS: u8 = 26;

/// Reads `bytes` as the file `name.ext` (its extension picks CSV or a workbook) with the
/// record kind `kind % KINDS`; the result is formatted as the importer would show it. Every
/// fifth parsed row is rejected by the sink, as the importer rejects an unknown reference.
pub fn read_table(kind: u8, ext: &str, bytes: &[u8], encoding: Encoding) {
    match kind % KINDS {
        0 => read::<OrgUnitRec>(ext, bytes, encoding),
        1 => read::<TrackRec>(ext, bytes, encoding),
        2 => read::<GradeRec>(ext, bytes, encoding),
        3 => read::<ManagerRec>(ext, bytes, encoding),
        4 => read::<ClientRec>(ext, bytes, encoding),
        5 => read::<AccountRec>(ext, bytes, encoding),
        6 => read::<OwnershipRec>(ext, bytes, encoding),
        7 => read::<BalanceRec>(ext, bytes, encoding),
        8 => read::<TargetRec>(ext, bytes, encoding),
        9 => read::<SaleRec>(ext, bytes, encoding),
        10 => read::<PaymentRec>(ext, bytes, encoding),
        11 => read::<BookingRec>(ext, bytes, encoding),
        12 => read::<ScoreRec>(ext, bytes, encoding),
        13 => read::<AdjustmentRec>(ext, bytes, encoding),
        14 => read::<TallyRec>(ext, bytes, encoding),
        15 => read::<CalendarRec>(ext, bytes, encoding),
        16 => read::<BriefingRec>(ext, bytes, encoding),
        17 => read::<OutingRec>(ext, bytes, encoding),
        18 => read::<VisitRec>(ext, bytes, encoding),
        19 => read::<WorkLogRec>(ext, bytes, encoding),
        20 => read::<ProspectRec>(ext, bytes, encoding),
        21 => read::<CreditEntryRec>(ext, bytes, encoding),
        22 => read::<RetailVisitRec>(ext, bytes, encoding),
        23 => read::<MeetingRec>(ext, bytes, encoding),
        24 => read::<ActionItemRec>(ext, bytes, encoding),
        _ => read::<ReportRec>(ext, bytes, encoding),
    }
}

fn read<T: Record + std::fmt::Debug>(ext: &str, bytes: &[u8], encoding: Encoding) {
    let table = T::TABLE;
    let label = format!("{}.{ext}", table.name());
    let options = ReadOptions {
        encoding,
        sheet: None,
    };
    let first = table.columns().first().map_or("", |c| c.name);
    let mut n = 0usize;
    let result = read_records_bytes::<T>(
        Path::new(&label),
        bytes.to_vec(),
        &options,
        |row, rec| {
            n += 1;
            // Format the record as a debugging caller would.
            let shown = format!("{rec:?}");
            if n.is_multiple_of(5) {
                let value = shown.chars().take(20).collect::<String>();
                return Err(vec![Reject::new(
                    first,
                    value,
                    format!("row {row} rejected"),
                )]);
            }
            Ok(())
        },
        &mut |done, total| {
            std::hint::black_box((done, total));
        },
    );
    match result {
        Ok(summary) => {
            std::hint::black_box(summary);
        }
        Err(e) => {
            std::hint::black_box(e.to_string());
        }
    }
}
