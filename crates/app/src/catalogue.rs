//! The catalogue of policies: loading and checking a policy file (every error with its file
//! and line), the policies shipped with kejing, and a policy's fingerprint.

use crate::{Error, Result};
use kejing_engine::policy::Policy;
use std::path::{Path, PathBuf};

/// The policy file of a path: the file itself, or `policy.toml` in a folder.
pub fn policy_file(path: &Path) -> PathBuf {
    if path.is_dir() {
        path.join("policy.toml")
    } else {
        path.to_owned()
    }
}

/// Loads and checks a policy; every error names the file and line.
pub fn load(path: &Path) -> Result<Policy> {
    let file = policy_file(path);
    let text = std::fs::read_to_string(&file)
        .map_err(|e| Error::invalid(format!("{}: cannot read the policy: {e}", file.display())))?;
    load_text(&file.display().to_string(), &text)
}

/// Loads and checks a policy from its text; `name` is what errors call the file.
pub fn load_text(name: &str, text: &str) -> Result<Policy> {
    Policy::load(name, text).map_err(|errors| {
        let lines: Vec<String> = errors.iter().map(ToString::to_string).collect();
        Error::invalid(format!(
            "the policy has {} error(s):\n{}",
            errors.len(),
            lines.join("\n")
        ))
    })
}

/// A fingerprint of the policy's file (FNV-1a of its bytes), stored with every run.
pub fn policy_hash(policy: &Policy) -> String {
    let text = std::fs::read(&policy.file).unwrap_or_default();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in text {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{h:016x}")
}

/// The policies shipped with kejing, embedded in the binary.
pub const SHIPPED: &[(&str, &str)] = &[
    (
        "abc-grades",
        include_str!("../../../policies/abc-grades/policy.toml"),
    ),
    (
        "bank-11-tiers",
        include_str!("../../../policies/bank-11-tiers/policy.toml"),
    ),
    (
        "bank-grades",
        include_str!("../../../policies/bank-grades/policy.toml"),
    ),
    (
        "bank-performance",
        include_str!("../../../policies/bank-performance/policy.toml"),
    ),
    (
        "ccb-advice",
        include_str!("../../../policies/ccb-advice/policy.toml"),
    ),
    (
        "ccb-team",
        include_str!("../../../policies/ccb-team/policy.toml"),
    ),
    (
        "cixi-deposits",
        include_str!("../../../policies/cixi-deposits/policy.toml"),
    ),
    (
        "hotel-sales",
        include_str!("../../../policies/hotel-sales/policy.toml"),
    ),
    (
        "oil-distributor",
        include_str!("../../../policies/oil-distributor/policy.toml"),
    ),
    (
        "rcc-review",
        include_str!("../../../policies/rcc-review/policy.toml"),
    ),
    (
        "rcc-selection",
        include_str!("../../../policies/rcc-selection/policy.toml"),
    ),
    (
        "selection-round",
        include_str!("../../../policies/selection-round/policy.toml"),
    ),
    (
        "telecom-grades",
        include_str!("../../../policies/telecom-grades/policy.toml"),
    ),
    (
        "tobacco-assessment",
        include_str!("../../../policies/tobacco-assessment/policy.toml"),
    ),
];

/// Files the shipped policies read beside them (policy, file name, text): letter templates.
pub const SHIPPED_FILES: &[(&str, &str, &str)] = &[(
    "ccb-advice",
    "letter.html",
    include_str!("../../../policies/ccb-advice/letter.html"),
)];

/// Writes the shipped policies into `dir` (each `<name>/policy.toml`, with the files it reads)
/// and returns it.
pub fn write_shipped(dir: &Path) -> Result<PathBuf> {
    for (name, text) in SHIPPED {
        let d = dir.join(name);
        std::fs::create_dir_all(&d)
            .map_err(|e| Error::Internal(format!("creating {}: {e}", d.display())))?;
        std::fs::write(d.join("policy.toml"), text)
            .map_err(|e| Error::Internal(format!("writing {}: {e}", d.display())))?;
    }
    for (name, file, text) in SHIPPED_FILES {
        let p = dir.join(name).join(file);
        std::fs::write(&p, text)
            .map_err(|e| Error::Internal(format!("writing {}: {e}", p.display())))?;
    }
    Ok(dir.to_owned())
}

/// The shipped policies written into a new private folder of this process (removed when the
/// returned value is dropped): never a fixed, shared path.
pub fn shipped_folder() -> Result<tempfile::TempDir> {
    let dir = tempfile::Builder::new()
        .prefix("kejing-policies-")
        .tempdir()
        .map_err(|e| Error::Internal(format!("a folder for the shipped policies: {e}")))?;
    write_shipped(dir.path())?;
    Ok(dir)
}

/// A new private folder of this process (mode 0700 on Unix, a random name in the temporary
/// directory) that outlives the returned path: for uploads waiting between preview and commit.
pub fn private_folder(prefix: &str) -> Result<PathBuf> {
    tempfile::Builder::new()
        .prefix(prefix)
        .tempdir()
        .map(tempfile::TempDir::keep)
        .map_err(|e| Error::Internal(format!("a private folder for uploads: {e}")))
}

#[cfg(test)]
mod tests {
    /// Every policy folder of the repository is embedded, and each embedded one loads: a new
    /// shipped policy cannot be forgotten in the binary.
    #[test]
    fn every_policy_of_the_repository_is_shipped_in_the_binary() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../policies");
        let mut folders: Vec<String> = std::fs::read_dir(&root)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        folders.sort();
        let shipped: Vec<String> = super::SHIPPED
            .iter()
            .map(|(n, _)| (*n).to_owned())
            .collect();
        assert_eq!(shipped, folders);
        for (name, text) in super::SHIPPED {
            super::load_text(name, text).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
    }
}
