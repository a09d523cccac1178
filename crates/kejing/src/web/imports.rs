//! Imports: upload a table (CSV or XLSX), check it against the database without writing, then
//! commit it.

use super::auth::{Ctx, random_hex};
use super::i18n::I18n;
use super::kit::{page_of, render};
use super::perm::Action;
use super::{App, AppError};
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kejing_store::{ImportOptions, Org, Store};
use minijinja::value::Value as JValue;
use serde_json::{Value, json};
use std::path::PathBuf;

/// The templates of this area.
pub const TEMPLATES: &[(&str, &str)] = &[("imports.html", include_str!("templates/imports.html"))];

super::kit::routes! {
    GET "/imports" => imports,
    POST "/imports" => upload,
    POST "/imports/{id}/commit" => commit_import,
}

pub async fn imports(State(app): State<App>, ctx: Ctx) -> Result<Response, AppError> {
    ctx.require(Action::Import)?;
    render(&app, &ctx, "imports.html", imports_context(&app, None))
}

fn imports_context(_app: &App, result: Option<Value>) -> JValue {
    let tables: Vec<Value> = kejing_io::Table::ALL
        .iter()
        .map(|t| json!({"name": t.name(), "zh": t.zh()}))
        .collect();
    page_of(json!({ "tables": tables, "result": result }))
}

/// A coded reason (`code` and `args` of `item`) as the message `import-reason-<code>` in
/// `lang`, if the catalogues have it.
fn said_reason(i18n: &I18n, lang: &str, item: &Value) -> Option<String> {
    let key = format!("import-reason-{}", item["code"].as_str()?);
    if !i18n.has(&key).is_empty() {
        return None;
    }
    let args: Vec<(&str, String)> = item["args"]
        .as_object()
        .map(|a| {
            a.iter()
                .map(|(k, v)| (k.as_str(), v.as_str().unwrap_or("").to_owned()))
                .collect()
        })
        .unwrap_or_default();
    Some(i18n.tr(lang, &key, &args))
}

/// A reason's parameters as a JSON object of strings.
fn args_json(args: &[(String, String)]) -> Value {
    Value::Object(args.iter().map(|(k, v)| (k.clone(), json!(v))).collect())
}

/// The reason of each bad row in `lang`, as `text`: the message `import-reason-<code>` with the
/// reason's parameters, or the English reason if there is no such message; a file refused as a
/// whole (a missing column, an empty file, an encoding) gets its `message` said the same way.
pub fn localise_reasons(i18n: &I18n, lang: &str, result: &mut Value) {
    if let Some(text) = said_reason(i18n, lang, result) {
        result["message"] = json!(text);
    }
    let Some(errors) = result.get_mut("errors").and_then(Value::as_array_mut) else {
        return;
    };
    for e in errors {
        let text = said_reason(i18n, lang, e)
            .unwrap_or_else(|| e["reason"].as_str().unwrap_or("").to_owned());
        e["text"] = json!(text);
    }
}

/// Checks an uploaded file against the database without writing: the report, or every bad row.
pub fn preview_import(
    s: &mut Store,
    org: &Org,
    table: kejing_io::Table,
    file: &std::path::Path,
    commit: bool,
) -> Value {
    let opts = ImportOptions::default();
    let run = |s: &mut Store| s.import(org, table, file, &opts, &mut |_, _, _| {});
    let result = if commit { run(s) } else { s.preview(run) };
    match result {
        Ok(r) => json!({
            "ok": true, "rows": r.rows_read, "written": r.written, "unchanged": r.unchanged,
            "warnings": r.warnings,
        }),
        Err(kejing_store::ImportError::Read(e)) if !e.row_errors().is_empty() => {
            let errors = e.row_errors();
            json!({
                "ok": false,
                "message": format!("{} bad row(s); nothing was written", errors.len()),
                "errors": errors.iter().take(1000).map(|r| json!({
                    "row": r.row, "column": r.column, "value": r.value, "reason": r.reason,
                    "code": r.code,
                    "args": args_json(&r.args),
                })).collect::<Vec<_>>(),
                "error_count": errors.len(),
            })
        }
        Err(e) => {
            let mut v = json!({ "ok": false, "message": e.to_string(), "errors": [] });
            if let kejing_store::ImportError::Read(r) = &e
                && let Some(reason) = r.reason()
            {
                v["code"] = json!(reason.code);
                v["args"] = args_json(&reason.args);
            }
            v
        }
    }
}

pub async fn upload(
    State(app): State<App>,
    ctx: Ctx,
    mut form: Multipart,
) -> Result<Response, AppError> {
    ctx.require(Action::Import)?;
    let mut table = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| AppError::bad(format!("the upload is not readable: {e}")))?
    {
        match field.name() {
            Some("table") => table = Some(field.text().await.unwrap_or_default()),
            Some("file") => {
                let name = field.file_name().unwrap_or("upload.csv").to_owned();
                let data = field
                    .bytes()
                    .await
                    .map_err(|e| AppError::bad(format!("the upload is not readable: {e}")))?;
                file = Some((name, data.to_vec()));
            }
            _ => {}
        }
    }
    let table = table.unwrap_or_default();
    let t = kejing_io::Table::parse(&table)
        .ok_or_else(|| AppError::bad(format!("unknown table {table:?}")))?;
    let Some((name, data)) = file.filter(|f| !f.1.is_empty()) else {
        return Err(AppError::bad("choose a CSV or XLSX file to upload"));
    };
    let ext = if name.to_ascii_lowercase().ends_with(".xlsx") {
        "xlsx"
    } else {
        "csv"
    };
    let id = random_hex(12);
    sweep_uploads(&app.config.uploads, UPLOAD_LIFETIME);
    let path = app.config.uploads.join(format!("{id}.{ext}"));
    std::fs::write(&path, &data)
        .map_err(|e| AppError::internal(format!("saving the upload: {e}")))?;
    let meta = json!({"table": t.name(), "file": name, "user": ctx.user.username, "ext": ext});
    std::fs::write(
        app.config.uploads.join(format!("{id}.json")),
        meta.to_string(),
    )
    .map_err(|e| AppError::internal(format!("saving the upload: {e}")))?;
    let org = ctx.user.org.clone();
    let p = path.clone();
    let mut result = app
        .db(&ctx.actor(), move |s| {
            Ok(preview_import(s, &org, t, &p, false))
        })
        .await?;
    // The message names the file as the user chose it, never where the server keeps it.
    if let Some(m) = result["message"].as_str() {
        let m = m.replace(&path.display().to_string(), &name);
        result["message"] = json!(m);
    }
    result["id"] = json!(id);
    result["file"] = json!(name);
    result["table"] = json!(t.name());
    result["table_zh"] = json!(t.zh());
    result["table_name"] = json!(t.name());
    localise_reasons(&app.i18n, &ctx.lang, &mut result);
    if result["ok"] != json!(true) {
        let _ = std::fs::remove_file(&path);
        let _ = std::fs::remove_file(app.config.uploads.join(format!("{id}.json")));
    }
    let status = if result["ok"] == json!(true) {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut r = render(
        &app,
        &ctx,
        "imports.html",
        imports_context(&app, Some(result)),
    )?;
    *r.status_mut() = status;
    Ok(r)
}

pub async fn commit_import(
    State(app): State<App>,
    ctx: Ctx,
    Path(id): Path<String>,
) -> Result<Response, AppError> {
    ctx.require(Action::Import)?;
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::not_found());
    }
    let meta_path = app.config.uploads.join(format!("{id}.json"));
    let meta: Value = std::fs::read_to_string(&meta_path)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .ok_or_else(|| AppError::new(StatusCode::CONFLICT, "error-upload-gone"))?;
    if meta["user"] != json!(ctx.user.username) {
        return Err(AppError::forbidden());
    }
    let t = kejing_io::Table::parse(meta["table"].as_str().unwrap_or(""))
        .ok_or_else(|| AppError::bad("the upload's table is unknown"))?;
    let path: PathBuf = app
        .config
        .uploads
        .join(format!("{id}.{}", meta["ext"].as_str().unwrap_or("csv")));
    let org = ctx.user.org.clone();
    let p = path.clone();
    let mut result = app
        .db(&ctx.actor(), move |s| {
            Ok(preview_import(s, &org, t, &p, true))
        })
        .await?;
    let _ = std::fs::remove_file(&path);
    let _ = std::fs::remove_file(&meta_path);
    result["committed"] = json!(true);
    localise_reasons(&app.i18n, &ctx.lang, &mut result);
    result["file"] = meta["file"].clone();
    result["table"] = json!(t.name());
    result["table_zh"] = json!(t.zh());
    result["table_name"] = json!(t.name());
    render(
        &app,
        &ctx,
        "imports.html",
        imports_context(&app, Some(result)),
    )
}

/// How long an upload waits for its commit before it is removed.
const UPLOAD_LIFETIME: std::time::Duration = std::time::Duration::from_secs(24 * 3600);

/// Removes uploads (and their notes) that were never committed and are older than `max_age`.
pub fn sweep_uploads(dir: &std::path::Path, max_age: std::time::Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let old = e
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > max_age);
        let ours = e
            .file_name()
            .to_str()
            .is_some_and(|n| n.ends_with(".csv") || n.ends_with(".xlsx") || n.ends_with(".json"));
        if old && ours && e.path().is_file() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn old_uploads_are_swept_and_new_ones_kept() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("abc.csv");
        std::fs::write(&old, "x").unwrap();
        std::thread::sleep(std::time::Duration::from_millis(30));
        super::sweep_uploads(dir.path(), std::time::Duration::from_millis(10));
        assert!(!old.exists());
        let new = dir.path().join("def.csv");
        std::fs::write(&new, "x").unwrap();
        super::sweep_uploads(dir.path(), std::time::Duration::from_secs(3600));
        assert!(new.exists());
    }
}
