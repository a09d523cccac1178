//! The CSV reader: decoding (UTF-8, GBK, auto), the CSV grammar and every record kind's row
//! parsing. Byte 0 picks the record kind and the encoding; the rest is the file.
#![no_main]

use kejing_io::Encoding;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    let encoding = match (pick / kejing_fuzz::KINDS) % 3 {
        0 => Encoding::Auto,
        1 => Encoding::Utf8,
        _ => Encoding::Gbk,
    };
    kejing_fuzz::read_table(pick, "csv", file, encoding);
});
