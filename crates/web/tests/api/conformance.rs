//! Every API call of the integration suite is checked against the OpenAPI
//! document (`pocnet_web::openapi_document()`), so the document cannot drift
//! from what the server does.
//!
//! How: [`spawn_app_with`](super::spawn_app_with) serves the application with
//! [`record`] as the outermost per-route layer (`Router::layer` runs after
//! routing, so the request carries axum's [`MatchedPath`], the route template
//! the router chose, e.g. `/api/v1/users/{id}`). For each `/api/v1` request
//! that reached a route, `record` buffers the response and checks that
//! - the document has the operation (method + template): a served path is
//!   documented;
//! - the response's status is declared for it;
//! - a JSON body validates against the schema declared for that status (JSON
//!   Schema 2020-12 with the document's components, formats checked), and a
//!   body is there only when one is declared;
//! - a JSON request body that the server accepted (2xx) validates against the
//!   declared request body: the document does not forbid what the server takes.
//!
//! Violations are collected in the [`Conformance`] of the test's
//! [`TestApp`](super::TestApp); dropping the `TestApp` at the end of the test
//! panics with every violation, which fails that test. The check runs before
//! the response is sent, so every response the test has received is checked
//! by then. `TestApp::conformance_checked` tells how many were checked.

use axum::body::{to_bytes, Body};
use axum::extract::{MatchedPath, Request, State};
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use jsonschema::Validator;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// What one test's server saw: the violations and how many calls were checked.
#[derive(Default)]
pub struct Conformance {
    violations: Mutex<Vec<String>>,
    checked: AtomicUsize,
}

impl Conformance {
    /// Takes the violations found so far.
    pub fn take_violations(&self) -> Vec<String> {
        std::mem::take(&mut *self.violations.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// API calls checked so far.
    pub fn checked(&self) -> usize {
        self.checked.load(Ordering::SeqCst)
    }

    fn violation(&self, v: String) {
        self.violations.lock().unwrap_or_else(|e| e.into_inner()).push(v);
    }
}

/// The document as JSON, with a cache of compiled validators (shared by every test).
struct Doc {
    json: Value,
    validators: Mutex<HashMap<String, Arc<Validator>>>,
}

fn doc() -> &'static Doc {
    static DOC: OnceLock<Doc> = OnceLock::new();
    DOC.get_or_init(|| Doc {
        json: serde_json::to_value(pocnet_web::openapi_document()).expect("the document serialises"),
        validators: Mutex::new(HashMap::new()),
    })
}

/// The document as JSON.
pub fn document() -> &'static Value {
    &doc().json
}

/// A validator of `schema` (a schema object of the document), resolving its
/// `#/components/...` references against the document's components.
pub fn validator(key: &str, schema: &Value) -> Result<Arc<Validator>, String> {
    let d = doc();
    if let Some(v) = d.validators.lock().unwrap_or_else(|e| e.into_inner()).get(key) {
        return Ok(v.clone());
    }
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": d.json["components"],
        "allOf": [schema],
    });
    let v = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .map_err(|e| format!("{key}: the declared schema does not compile: {e}"))?;
    let v = Arc::new(v);
    d.validators.lock().unwrap_or_else(|e| e.into_inner()).insert(key.to_owned(), v.clone());
    Ok(v)
}

fn is_json(content_type: Option<&str>) -> bool {
    content_type
        .and_then(|v| v.split(';').next())
        .map(str::trim)
        .is_some_and(|v| v == "application/json" || (v.starts_with("application/") && v.ends_with("+json")))
}

fn validate(key: &str, schema: &Value, instance: &Value) -> Result<(), String> {
    let v = validator(key, schema)?;
    let errors: Vec<String> = v.iter_errors(instance).map(|e| format!("{} at {}", e, e.instance_path())).take(5).collect();
    if errors.is_empty() {
        Ok(())
    } else {
        let mut shown = instance.to_string();
        if shown.len() > 600 {
            shown = format!("{}…", shown.chars().take(600).collect::<String>());
        }
        Err(format!("{}; body: {shown}", errors.join("; ")))
    }
}

/// The middleware: see the module documentation.
pub async fn record(State(conf): State<Arc<Conformance>>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let Some(template) = req.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned()) else {
        return next.run(req).await;
    };
    if !path.starts_with("/api/v1/") {
        return next.run(req).await;
    }
    let method = req.method().as_str().to_ascii_lowercase();
    let call = format!("{} {path} ({template})", method.to_ascii_uppercase());

    // The request body, when JSON, to check against the declared one if the server takes it.
    let request_json = is_json(req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()));
    let (req, sent) = if request_json {
        let (parts, body) = req.into_parts();
        match to_bytes(body, usize::MAX).await {
            Ok(bytes) => {
                let sent = serde_json::from_slice::<Value>(&bytes).ok();
                (Request::from_parts(parts, Body::from(bytes)), sent)
            }
            Err(_) => (Request::from_parts(parts, Body::empty()), None),
        }
    } else {
        (req, None)
    };

    let resp = next.run(req).await;
    let (parts, body) = resp.into_parts();
    let Ok(bytes) = to_bytes(body, usize::MAX).await else {
        conf.violation(format!("{call}: the response body could not be read"));
        return Response::from_parts(parts, Body::empty());
    };
    let status = parts.status;
    conf.checked.fetch_add(1, Ordering::SeqCst);

    let d = document();
    let op = &d["paths"][&template][&method];
    if !op.is_object() {
        if status != axum::http::StatusCode::METHOD_NOT_ALLOWED {
            conf.violation(format!("{call}: served, but the document has no such operation"));
        }
        return Response::from_parts(parts, Body::from(bytes));
    }
    let code = status.as_u16().to_string();
    let declared = if op["responses"][&code].is_object() { &op["responses"][&code] } else { &op["responses"]["default"] };
    if !declared.is_object() {
        let body = String::from_utf8_lossy(&bytes);
        conf.violation(format!("{call}: status {code} is not declared; body: {}", body.chars().take(300).collect::<String>()));
    } else {
        let content_type = parts.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok());
        let declared_json = &declared["content"]["application/json"];
        if bytes.is_empty() {
            // No body: nothing to validate (a declared body may be absent on 204-like answers only).
            if declared_json.is_object() && status.is_success() {
                conf.violation(format!("{call}: {code} declares a JSON body but the response has none"));
            }
        } else if is_json(content_type) {
            match serde_json::from_slice::<Value>(&bytes) {
                Err(e) => conf.violation(format!("{call}: {code} says JSON but is not: {e}")),
                Ok(body) => {
                    if let Some(schema) = declared_json.get("schema") {
                        if let Err(e) = validate(&format!("{method} {template} {code}"), schema, &body) {
                            conf.violation(format!("{call}: {code} response breaks its schema: {e}"));
                        }
                    } else {
                        conf.violation(format!("{call}: {code} answers JSON, the document declares no JSON body"));
                    }
                }
            }
        } else {
            let ct = content_type.unwrap_or("").split(';').next().unwrap_or("").trim().to_owned();
            let content = declared["content"].as_object();
            if !content.is_some_and(|c| c.contains_key(&ct)) {
                conf.violation(format!("{call}: {code} answers `{ct}`, the document declares {:?}", content.map(|c| c.keys().collect::<Vec<_>>())));
            }
        }
    }

    if status.is_success() {
        if let Some(sent) = sent {
            match op["requestBody"]["content"]["application/json"].get("schema") {
                Some(schema) => {
                    if let Err(e) = validate(&format!("{method} {template} request"), schema, &sent) {
                        conf.violation(format!("{call}: the server took a body the document forbids: {e}"));
                    }
                }
                None => {
                    if !(op["requestBody"].is_null() && sent.as_object().is_some_and(|o| o.is_empty())) {
                        conf.violation(format!("{call}: the server took a JSON body the document does not declare"));
                    }
                }
            }
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}
