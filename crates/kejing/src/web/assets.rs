//! The styles and the script, embedded in the binary, and the health check.

use super::{AppError, bytes};
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const ASSETS: &[(&str, &str, &str)] = &[
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("static/app.js"),
    ),
];

super::kit::routes! {
    GET "/static/{file}" => asset,
    GET "/healthz" => || async { "ok" },
}

pub async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(n, _, _)| *n == file) {
        Some((_, ty, body)) => {
            let mut r = bytes(ty, body.as_bytes().to_vec());
            r.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            );
            r
        }
        None => AppError::not_found().into_response(),
    }
}
