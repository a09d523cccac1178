//! Investment advice verbs (F1–F2): `risk` (every client's risk level from the questionnaire)
//! and `letter` (the 投资理财建议书 as PDF or HTML), in file mode as the data contract says —
//! the use cases of `kejing_app::advice`, the same the web calls.

use super::{Global, session};
use anyhow::{Context, Result, anyhow, bail};
use chrono::NaiveDate;
use kejing_app::advice;
use kejing_app::catalogue::{load, policy_file};
use kejing_io::ReadOptions;
use kejing_io::dataset::Tables;
use kejing_letter::LetterRequest;
use std::path::Path;

fn folder(dir: &Path) -> Result<kejing_io::advice::AdviceFolder> {
    if !dir.is_dir() {
        bail!("{}: no such data folder", dir.display());
    }
    let options = ReadOptions::default();
    Ok(advice::load(&Tables::Folder(dir, &options))?)
}

/// `kejing risk --policy P [--data D] --on DATE [--out F]`.
pub fn risk(
    g: &Global,
    policy: &Path,
    data: Option<&Path>,
    on: NaiveDate,
    out: Option<&Path>,
) -> Result<()> {
    let policy = load(policy)?;
    let rules = advice::advice_of(&policy)?;
    let folder = match data {
        Some(d) => folder(d)?,
        None => {
            let (mut store, actor) = session(g)?;
            advice::stored_answers(&mut store, &actor)?
        }
    };
    let levels = advice::risk_levels(rules, &folder, on)?;
    let csv = advice::risk_csv(&levels);
    match out {
        None => out!("{csv}"),
        Some(path) => {
            std::fs::write(path, &csv).with_context(|| format!("writing {}", path.display()))?
        }
    }
    let expired = levels
        .iter()
        .filter(|l| l.status == kejing_engine::advice::Validity::Expired)
        .count();
    let due = levels
        .iter()
        .filter(|l| l.status == kejing_engine::advice::Validity::Due)
        .count();
    eprintln!(
        "{on}: {} client(s) assessed ({} 位客户); {expired} expired (已过期), {due} due for re-assessment within {} days (即将到期)",
        levels.len(),
        levels.len(),
        rules.remind_days
    );
    Ok(())
}

/// `kejing letter --policy P --data D --client C --on DATE --out F.pdf|F.html
/// [--manager M] [--products A,B]`.
#[allow(clippy::too_many_arguments)]
pub fn letter(
    g: &Global,
    policy_path: &Path,
    data: Option<&Path>,
    client: &str,
    on: NaiveDate,
    out: &Path,
    manager: Option<&str>,
    products: Option<&str>,
) -> Result<()> {
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let pdf = match ext.as_deref() {
        Some("pdf") => true,
        Some("html") | Some("htm") => false,
        _ => bail!(
            "--out {}: name a .pdf or .html file (写 .pdf 或 .html 文件)",
            out.display()
        ),
    };
    let policy = load(policy_path)?;
    let file = policy_file(policy_path);
    let dir = file.parent().unwrap_or(Path::new("."));
    let template = advice::template_of(&policy, dir)?;
    let req = LetterRequest {
        client,
        on,
        manager,
        products: products
            .map(|p| {
                p.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default(),
    };
    let letter = match data {
        Some(d) => advice::make_letter(&policy, &template, &folder(d)?, &req, pdf)?,
        None => {
            let (mut store, actor) = session(g)?;
            let (id, letter) =
                advice::generate_stored(&mut store, &actor, &policy, &template, &req, pdf)?;
            eprintln!("kept as letter {id} (已保存建议书 {id})");
            letter
        }
    };
    let bytes = match &letter.pdf {
        Some(p) => p.as_slice(),
        None => letter.html.as_bytes(),
    };
    std::fs::write(out, bytes).with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "{}: letter for {} ({}), risk level {}, {} product(s): {}",
        out.display(),
        letter.model.client.name,
        client,
        letter.model.risk.level,
        letter.model.products.len(),
        letter
            .model
            .products
            .iter()
            .map(|p| format!("{} {}", p.id, p.level))
            .collect::<Vec<_>>()
            .join(", ")
    );
    if letter.model.products.is_empty() {
        return Err(anyhow!(
            "no product on the shelf suits risk level {}; the letter has no recommendation",
            letter.model.risk.level
        ));
    }
    Ok(())
}
