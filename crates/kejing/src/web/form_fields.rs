//! The guard's fields of a submitted form: `_csrf` and `_nonce`, read from a URL-encoded body or
//! from the text parts of a multipart upload that come before its file. Nothing is read from
//! the URL's query string.

use axum::body::{Body, Bytes};
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::header;

/// The fields the guard checks.
const GUARD_FIELDS: [&str; 2] = ["_csrf", "_nonce"];

/// `(name, value)` of the guard's fields present in a form body of `content_type`.
pub async fn guard_fields(content_type: &str, body: &Bytes) -> Vec<(String, String)> {
    if content_type.starts_with("application/x-www-form-urlencoded") {
        return form_urlencoded::parse(body)
            .filter(|(k, _)| GUARD_FIELDS.contains(&k.as_ref()))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    }
    if content_type.starts_with("multipart/form-data") {
        return multipart_fields(content_type, body.clone()).await;
    }
    Vec::new()
}

/// The guard's fields among the leading text parts of a multipart body (the forms put them
/// first; reading stops at the first file).
async fn multipart_fields(content_type: &str, body: Bytes) -> Vec<(String, String)> {
    let Ok(req) = Request::builder()
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
    else {
        return Vec::new();
    };
    let Ok(mut parts) = Multipart::from_request(req, &()).await else {
        return Vec::new();
    };
    let mut found = Vec::new();
    while let Ok(Some(part)) = parts.next_field().await {
        if part.file_name().is_some() {
            break;
        }
        let name = part.name().unwrap_or_default().to_owned();
        if GUARD_FIELDS.contains(&name.as_str())
            && let Ok(value) = part.text().await
        {
            found.push((name, value));
            if found.len() == GUARD_FIELDS.len() {
                break;
            }
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn fields_come_from_a_urlencoded_body() {
        let body = Bytes::from_static(b"a=1&_csrf=tok&_nonce=n1&_csrf=second");
        let f = guard_fields("application/x-www-form-urlencoded", &body).await;
        assert_eq!(f[0], ("_csrf".into(), "tok".into()));
        assert_eq!(f[1], ("_nonce".into(), "n1".into()));
    }

    #[tokio::test]
    async fn fields_come_from_the_text_parts_before_the_file() {
        let b = "XB";
        let body = format!(
            "--{b}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\ntok\r\n--{b}\r\nContent-Disposition: form-data; name=\"table\"\r\n\r\nclients\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n_nonce=x\r\n--{b}\r\nContent-Disposition: form-data; name=\"_nonce\"\r\n\r\nlate\r\n--{b}--\r\n"
        );
        let f = guard_fields(
            &format!("multipart/form-data; boundary={b}"),
            &Bytes::from(body),
        )
        .await;
        assert_eq!(f, vec![("_csrf".to_owned(), "tok".to_owned())]);
    }

    #[tokio::test]
    async fn a_broken_multipart_body_has_no_fields() {
        let f = guard_fields(
            "multipart/form-data; boundary=XB",
            &Bytes::from_static(b"garbage"),
        )
        .await;
        assert!(f.is_empty());
        assert!(
            guard_fields("text/plain", &Bytes::from_static(b"_csrf=x"))
                .await
                .is_empty()
        );
    }
}
