//! Every string that arrives in a JSON body or a form is normalised to NFC,
//! and one holding a character nobody can see or that reorders the text
//! (zero-width, bidi override, U+2028 …; domain::text) is refused with a
//! field error before any handler runs — so no endpoint, present or future,
//! stores a look-alike name. Field rules (length, one line …) stay with the
//! domain's validators.

use crate::error::AppError;
use crate::AppState;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use pocnet_domain::text;
use pocnet_domain::FieldError;
use serde_json::Value;

fn refused(field: &str, r: text::Refused) -> FieldError {
    FieldError::new(field, "invalid_characters", r.message(&format!("字段“{field}”")))
}

/// Normalises every string (and key) of a JSON value in place; the first
/// refused one is a field error named by its path (`members[2].name`).
pub fn normalise_json(v: &mut Value) -> Result<(), FieldError> {
    walk(v, "")
}

fn walk(v: &mut Value, path: &str) -> Result<(), FieldError> {
    match v {
        Value::String(s) => {
            *s = text::normalise(s).map_err(|r| refused(if path.is_empty() { "." } else { path }, r))?;
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, &format!("{path}[{i}]"))?;
            }
        }
        Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut item) in entries {
                let child = if path.is_empty() { key.clone() } else { format!("{path}.{key}") };
                let key = text::normalise(&key).map_err(|r| refused(&child, r))?;
                walk(&mut item, &child)?;
                map.insert(key, item);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    Ok(())
}

/// The form's fields normalised, re-encoded; or the first refused field.
pub fn normalise_form(body: &[u8]) -> Result<String, FieldError> {
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(body) {
        let key = text::normalise(&key).map_err(|r| refused("?", r))?;
        let value = text::normalise(&value).map_err(|r| refused(&key, r))?;
        out.append_pair(&key, &value);
    }
    Ok(out.finish())
}

/// Middleware: normalises the fields of a submitted form (pages; the JSON API
/// is handled by `ApiJson`). Multipart uploads are left to their handlers.
pub async fn forms(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let is_form = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    if !is_form || matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let (mut parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, state.config().max_body_bytes).await {
        Ok(b) => b,
        Err(_) => return AppError::PayloadTooLarge.into_response(),
    };
    match normalise_form(&bytes) {
        Ok(encoded) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            next.run(Request::from_parts(parts, Body::from(encoded))).await
        }
        Err(e) => AppError::from(e).into_response(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_normalised_or_refused_by_path() {
        let mut ok = serde_json::json!({"name": "e\u{0301}", "members": [{"name": "张三"}], "n": 3});
        normalise_json(&mut ok).unwrap();
        assert_eq!(ok["name"], "\u{e9}");
        let cases = [
            (serde_json::json!({"name": "瓯江\u{200b}理工大学"}), "name"),
            (serde_json::json!({"members": [{"name": "a"}, {"name": "b\u{202e}c"}]}), "members[1].name"),
            (serde_json::json!(["x", "y\u{2028}"]), "[1]"),
        ];
        for (mut v, field) in cases {
            let e = normalise_json(&mut v).unwrap_err();
            assert_eq!((e.field.as_str(), e.code), (field, "invalid_characters"));
        }
    }

    #[test]
    fn form_fields_are_normalised_or_refused_by_name() {
        assert_eq!(normalise_form(b"name=e%CC%81&x=%E4%B8%80+%E4%BA%8C").unwrap(), "name=%C3%A9&x=%E4%B8%80+%E4%BA%8C");
        let e = normalise_form("csrf_token=t&name=%E7%93%AF%E6%B1%9F%E2%80%8B".as_bytes()).unwrap_err();
        assert_eq!((e.field.as_str(), e.code), ("name", "invalid_characters"));
        assert!(e.message.contains("U+200B"), "{}", e.message);
    }
}
