//! The XLSX reader: the workbook (zip, XML) as calamine reads it, the sheet's cells and every
//! record kind's row parsing. Byte 0 picks the record kind; the rest is the workbook.
#![no_main]

use kejing_io::Encoding;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    kejing_fuzz::read_table(pick, "xlsx", file, Encoding::Auto);
});
