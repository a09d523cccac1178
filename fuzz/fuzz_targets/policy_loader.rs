//! The policy loader: a policy file's text (TOML) parsed and checked as `kejing policy check`
//! does, with the summary or the errors formatted as it prints them.
#![no_main]

use kejing_engine::policy::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match Policy::load("fuzz/policy.toml", &text) {
        Ok(p) => {
            let summary = format!(
                "{} {:?} {} {} {} {} {} {} {} {}",
                p.name,
                p.title,
                p.frequency.name(),
                p.rounding,
                p.parameters.len(),
                p.tiers.len(),
                p.measures.len(),
                p.values.len(),
                p.items.len(),
                p.cases.len()
            );
            std::hint::black_box(summary);
        }
        Err(errors) => {
            let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
            std::hint::black_box(lines);
        }
    }
});
