//! A letter template's HTML as the PDF reads it: parsed into blocks and laid out on pages with
//! the embedded font, whatever an organisation's template (or a client's name in it) holds.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let html = String::from_utf8_lossy(data);
    let blocks = kejing_letter::markup::blocks(&html);
    // Layout and PDF writing only for inputs of a letter's size (each run stays fast).
    if data.len() < 4096 {
        let _ = kejing_letter::pdf::write_pdf(&blocks, "fuzz", "⊙涉及个人隐私，请妥善保管");
    }
    std::hint::black_box(blocks);
});
