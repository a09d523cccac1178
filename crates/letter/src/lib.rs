//! Investment-advice letters (投资理财建议书, F1–F2): the content from the policy's `[advice]`
//! rules and the client's data ([`model::prepare`], where unsuitable products and expired
//! assessments are refused), the organisation's HTML template filled with it
//! ([`render_html`]: the preview), and the same HTML laid out as a PDF with an embedded CJK
//! font ([`render_pdf`]). The template is a file beside the policy, edited like one; its
//! placeholders are the fields of [`model::LetterModel`] (docs/letters.md).
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod markup;
pub mod model;
pub mod pdf;

pub use model::{LetterError, LetterModel, LetterRequest, prepare};

/// The privacy notice every letter carries (F1).
pub const PRIVACY_NOTICE: &str = "⊙涉及个人隐私，请妥善保管";

/// The most a template may be (bytes).
pub const MAX_TEMPLATE: usize = 512 * 1024;

/// Fills the organisation's template (`name` is its file name, for messages) with the letter.
pub fn render_html(name: &str, template: &str, model: &LetterModel) -> Result<String, LetterError> {
    let err = |message: String| LetterError::Template {
        file: name.to_owned(),
        message,
    };
    if template.len() > MAX_TEMPLATE {
        return Err(err(format!(
            "is {} bytes; a letter template is at most {MAX_TEMPLATE}",
            template.len()
        )));
    }
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_fuel(Some(2_000_000));
    env.set_recursion_limit(32);
    // Autoescape as HTML whatever the file is called.
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::Html);
    env.add_template("letter.html", template)
        .map_err(|e| err(describe(&e)))?;
    let t = env
        .get_template("letter.html")
        .map_err(|e| err(describe(&e)))?;
    let html = t.render(model).map_err(|e| err(describe(&e)))?;
    if !html.contains(PRIVACY_NOTICE) && !html.contains("涉及个人隐私") {
        return Err(err(format!(
            "the letter has no privacy notice; keep {PRIVACY_NOTICE} in the template"
        )));
    }
    Ok(html)
}

fn describe(e: &minijinja::Error) -> String {
    match e.line() {
        Some(l) => format!("line {l}: {}", e.detail().unwrap_or(&e.kind().to_string())),
        None => e.to_string(),
    }
}

/// The letter's HTML laid out as a PDF.
pub fn render_pdf(html: &str, title: &str) -> Result<Vec<u8>, LetterError> {
    let blocks = markup::blocks(html);
    Ok(pdf::write_pdf(&blocks, title, PRIVACY_NOTICE)?)
}
