//! The OpenAPI document against the router and against itself. (Every
//! response of the suite is checked against it as well: `helpers::conformance`.)

use crate::helpers::conformance::{self, document};
use crate::helpers::*;
use axum::extract::{MatchedPath, Request};
use axum::middleware::Next;
use axum::response::Response;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use tower::ServiceExt;

const METHODS: &[&str] = &["get", "post", "put", "delete", "patch"];

/// (method, path template) of every operation of the document.
fn documented() -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (path, item) in document()["paths"].as_object().expect("paths") {
        for m in METHODS {
            if item.get(*m).is_some() {
                ops.insert((m.to_string(), path.clone()));
            }
        }
    }
    ops
}

fn operations() -> Vec<(String, String, &'static Value)> {
    let mut ops = Vec::new();
    for (path, item) in document()["paths"].as_object().expect("paths") {
        for m in METHODS {
            if let Some(op) = item.get(*m) {
                ops.push((m.to_string(), path.clone(), op));
            }
        }
    }
    ops
}

/// The sources of the web crate.
fn sources() -> Vec<(std::path::PathBuf, String)> {
    fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
        for e in std::fs::read_dir(dir).expect("read src") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    let mut files = Vec::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    files.into_iter().map(|f| {
        let src = std::fs::read_to_string(&f).expect("source");
        (f, src)
    }).collect()
}

/// The operations the handlers are annotated with, read from the
/// `#[utoipa::path(method, path = "…")]` attributes of the web crate's
/// sources: (method, path template).
fn annotated() -> BTreeSet<(String, String)> {
    let mut ops = BTreeSet::new();
    for (f, src) in sources() {
        for (i, _) in src.match_indices("#[utoipa::path(") {
            let rest = &src[i + "#[utoipa::path(".len()..];
            let method = rest.split(',').next().unwrap_or_default().trim();
            assert!(METHODS.contains(&method), "{}: an annotation without a method first: {}", f.display(), &rest[..rest.len().min(80)]);
            let at = rest.find("path = \"").unwrap_or_else(|| panic!("{}: an annotation without a path", f.display()));
            let path = &rest[at + "path = \"".len()..];
            let path = &path[..path.find('"').expect("closing quote")];
            ops.insert((method.to_owned(), path.to_owned()));
        }
    }
    ops
}

/// The documented paths registered as plain axum routes (`.route("…", …)`),
/// whose path and method would not come from their annotation.
fn plain_routes_of_documented_paths() -> Vec<String> {
    let mut found = Vec::new();
    for (f, src) in sources() {
        for (i, _) in src.match_indices(".route(\"") {
            let rest = &src[i + ".route(\"".len()..];
            let path = &rest[..rest.find('"').unwrap_or(0)];
            if path.starts_with("/api/") || path == "/healthz" || path == "/metrics" {
                found.push(format!("{}: {path}", f.display()));
            }
        }
    }
    found
}

/// Router and document are built from one list: every documented path is
/// registered through `routes!` (no plain `.route` for it), which takes the
/// path and method of each handler from its `#[utoipa::path]`, and every
/// annotated handler is in the document (none dropped on the way, e.g. by
/// merging its `OpenApiRouter` into a plain `Router`).
#[test]
fn every_served_route_is_documented_and_every_documented_one_is_declared() {
    let annotated = annotated();
    let ops = documented();
    assert!(annotated.len() > 90, "the annotation scan found {} operations: is the scan broken?", annotated.len());
    let plain = plain_routes_of_documented_paths();
    assert!(plain.is_empty(), "API routes registered with a plain `.route`, outside the document: {plain:?}");
    let undocumented: Vec<_> = annotated.difference(&ops).collect();
    let unannotated: Vec<_> = ops.difference(&annotated).collect();
    assert!(undocumented.is_empty(), "annotated handlers missing from the OpenAPI document: {undocumented:?}");
    assert!(unannotated.is_empty(), "in the OpenAPI document without an annotated handler: {unannotated:?}");
}

/// Keeps the template the router matched on the response.
async fn keep_matched_path(req: Request, next: Next) -> Response {
    let matched = req.extensions().get::<MatchedPath>().cloned();
    let mut resp = next.run(req).await;
    if let Some(m) = matched {
        resp.extensions_mut().insert(m);
    }
    resp
}

/// Each documented operation, called anonymously with an empty body, reaches
/// the route of its template (not the fallback, not "method not allowed"),
/// and its answer is one the document declares.
#[tokio::test]
async fn every_documented_operation_reaches_its_route() {
    let app = spawn_app().await;
    let router = pocnet_web::app(app.state.clone())
        .layer(axum::middleware::from_fn_with_state(app.conformance.clone(), conformance::record))
        .layer(axum::middleware::from_fn(keep_matched_path))
        .layer(axum::extract::connect_info::MockConnectInfo(std::net::SocketAddr::from(([127, 0, 0, 1], 40000))));
    let mut n = 0;
    for (method, path, _) in operations() {
        let uri = path.replace("{id}", "1").replace("{doc}", "1").replace("{year}", "1").replace("{size}", "1").replace("{index}", "1").replace("{result_id}", "1");
        assert!(!uri.contains('{'), "a path parameter without a probe value: {path}");
        let req = Request::builder()
            .method(method.to_ascii_uppercase().as_str())
            .uri(&uri)
            .body(axum::body::Body::empty())
            .expect("request");
        let resp = router.clone().oneshot(req).await.expect("infallible");
        let matched = resp.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
        assert_eq!(matched.as_deref(), Some(path.as_str()), "{method} {uri} does not reach the route {path}");
        assert_ne!(resp.status(), reqwest::StatusCode::METHOD_NOT_ALLOWED, "{method} {path}");
        n += 1;
    }
    assert!(n > 90, "{n} operations");
}

/// The running router answers exactly the document: on every documented
/// path each of GET, POST, PUT, DELETE and PATCH reaches the route of that
/// template when the document has it (an anonymous call: not the fallback's
/// 404, not 405) and is refused by the router with 405 when it does not (a
/// signed-in call, so the CSRF guard of a non-API path lets it through to the
/// router); a path the document lacks is the fallback's 404.
#[tokio::test]
async fn the_router_answers_exactly_the_documented_operations() {
    let app = spawn_app().await;
    let chief = app.token("chief").await;
    let router = pocnet_web::app(app.state.clone())
        .layer(axum::middleware::from_fn(keep_matched_path))
        .layer(axum::extract::connect_info::MockConnectInfo(std::net::SocketAddr::from(([127, 0, 0, 1], 40000))));
    let call = |method: &str, uri: &str, bearer: Option<&str>| {
        let mut req = Request::builder().method(method.to_ascii_uppercase().as_str()).uri(uri);
        if let Some(t) = bearer {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let router = router.clone();
        let req = req.body(axum::body::Body::empty()).expect("request");
        async move {
            let resp = router.oneshot(req).await.expect("infallible");
            let matched = resp.extensions().get::<MatchedPath>().map(|m| m.as_str().to_owned());
            (resp.status(), matched)
        }
    };
    let ops = documented();
    let paths: BTreeSet<&String> = ops.iter().map(|(_, p)| p).collect();
    let (mut routed, mut refused) = (0, 0);
    for path in paths {
        let uri = path.replace("{id}", "1").replace("{doc}", "1").replace("{year}", "1").replace("{size}", "1").replace("{index}", "1").replace("{result_id}", "1");
        assert!(!uri.contains('{'), "a path parameter without a probe value: {path}");
        for method in METHODS {
            if ops.contains(&(method.to_string(), path.clone())) {
                let (status, matched) = call(method, &uri, None).await;
                assert_eq!(matched.as_deref(), Some(path.as_str()), "documented {method} {uri} does not reach the route {path} ({status})");
                assert_ne!(status, reqwest::StatusCode::METHOD_NOT_ALLOWED, "documented {method} {path}");
                routed += 1;
            } else {
                let (status, _) = call(method, &uri, Some(&chief)).await;
                assert_eq!(status, reqwest::StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is served but not in the document");
                refused += 1;
            }
        }
    }
    assert!(routed > 90 && refused > routed, "{routed} operations routed, {refused} methods refused");
    let (status, matched) = call("get", "/api/v1/not-in-the-document", None).await;
    assert_eq!((status, matched), (reqwest::StatusCode::NOT_FOUND, None), "a path outside the document");
}

#[test]
fn operation_ids_are_unique() {
    let mut seen: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (method, path, op) in operations() {
        let id = op["operationId"].as_str().unwrap_or_else(|| panic!("{method} {path} has no operationId"));
        seen.entry(id).or_default().push(format!("{method} {path}"));
    }
    let reused: Vec<_> = seen.iter().filter(|(_, v)| v.len() > 1).collect();
    assert!(reused.is_empty(), "operationIds used more than once: {reused:?}");
}

/// Path parameters are the template's `{name}`s, each declared `in: path`
/// once; everything else a handler reads from the URL is `in: query`.
#[test]
fn parameters_are_where_the_request_carries_them() {
    for (method, path, op) in operations() {
        let in_template: BTreeSet<String> =
            path.split('/').filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}'))).map(str::to_owned).collect();
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let in_path: Vec<String> = params.iter().filter(|p| p["in"] == "path").filter_map(|p| p["name"].as_str().map(str::to_owned)).collect();
        let declared: BTreeSet<String> = in_path.iter().cloned().collect();
        assert_eq!(in_path.len(), declared.len(), "{method} {path}: a path parameter declared twice");
        assert_eq!(declared, in_template, "{method} {path}: path parameters");
        for p in &params {
            assert!(p["in"] == "path" || p["in"] == "query", "{method} {path}: parameter {p}");
            assert!(p["schema"].is_object(), "{method} {path}: parameter without a schema: {p}");
        }
    }
}

/// Every `$ref` names a schema the document has, and every schema compiles.
#[test]
fn references_resolve_and_schemas_compile() {
    fn refs<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
        match v {
            Value::Object(m) => {
                if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                    out.push(r);
                }
                m.values().for_each(|v| refs(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
            _ => {}
        }
    }
    let doc = document();
    let mut all = Vec::new();
    refs(doc, &mut all);
    assert!(!all.is_empty());
    for r in all {
        let name = r.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("unexpected reference {r}"));
        assert!(doc["components"]["schemas"][name].is_object(), "{r} is not in the components");
    }
    for (name, schema) in doc["components"]["schemas"].as_object().expect("schemas") {
        conformance::validator(&format!("component {name}"), schema).unwrap_or_else(|e| panic!("{e}"));
    }
}

/// What a list really returns: the paged lists answer `{items, total, page,
/// per_page}`, the others an array.
#[test]
fn lists_declare_what_they_return() {
    let doc = document();
    let schema_of = |path: &str| -> Value {
        let s = doc["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"].clone();
        match s["$ref"].as_str() {
            Some(r) => doc["components"]["schemas"][r.trim_start_matches("#/components/schemas/")].clone(),
            None => s,
        }
    };
    for paged in [
        "/api/v1/users",
        "/api/v1/audit",
        "/api/v1/expert-registrations",
        "/api/v1/experts",
        "/api/v1/results",
        "/api/v1/centers",
        "/api/v1/applications",
        "/api/v1/organisations",
        "/api/v1/login-blocks",
    ] {
        let s = schema_of(paged);
        let props = s["properties"].as_object().unwrap_or_else(|| panic!("{paged}: not an object: {s}"));
        for key in ["items", "total", "page", "per_page"] {
            assert!(props.contains_key(key), "{paged}: no `{key}` in {s}");
        }
        assert_eq!(props["items"]["type"], "array", "{paged}");
    }
    for array in [
        "/api/v1/policies",
        "/api/v1/calls",
        "/api/v1/notices",
        "/api/v1/changes",
        "/api/v1/handoffs",
        "/api/v1/reports",
        "/api/v1/me/reviews",
        "/api/v1/calls/{id}/assignments",
        "/api/v1/centers/{id}/screening-assignments",
    ] {
        assert_eq!(schema_of(array)["type"], "array", "{array}");
    }
}

/// A document that is validated by the same checker as every response
/// catches what it should: an undeclared status and a body off its schema.
#[tokio::test]
async fn the_response_check_can_fail() {
    let app = spawn_app().await;
    let conf = Arc::new(conformance::Conformance::default());
    let router = pocnet_web::app(app.state.clone())
        .route_layer(axum::middleware::from_fn(|req: Request, next: Next| async move {
            let mut resp = next.run(req).await;
            // A server that breaks its document: /healthz answers fine, every
            // /api/v1/calls answers 418 and the policies an object.
            if resp.status().is_success() {
                *resp.status_mut() = axum::http::StatusCode::IM_A_TEAPOT;
            }
            resp
        }))
        .layer(axum::middleware::from_fn_with_state(conf.clone(), conformance::record));
    let req = Request::builder().uri("/api/v1/calls").body(axum::body::Body::empty()).expect("request");
    router.clone().oneshot(req).await.expect("infallible");
    let v = conf.take_violations();
    assert_eq!(v.len(), 1, "{v:?}");
    assert!(v[0].contains("status 418 is not declared"), "{v:?}");

    let schema = &document()["paths"]["/api/v1/calls"]["get"]["responses"]["200"]["content"]["application/json"]["schema"];
    let v = conformance::validator("test calls", schema).expect("compiles");
    assert!(v.is_valid(&serde_json::json!([])));
    assert!(!v.is_valid(&serde_json::json!({"items": []})), "an object is not the declared array");
    assert!(!v.is_valid(&serde_json::json!([{"id": "one"}])), "an id is an integer");
}
