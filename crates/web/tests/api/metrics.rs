//! `/metrics` (issue 11, Operations): Prometheus text for the holder of the
//! metrics token only; requests counted under their route template.

use crate::helpers::*;
use pocnet_web::config::WebConfig;
use pocnet_web::metrics::MetricsToken;
use reqwest::StatusCode;

const TOKEN: &str = "metrics-token-for-tests-0123456789";

async fn spawn_with_metrics() -> TestApp {
    spawn_app_with(WebConfig { metrics_token: Some(MetricsToken::parse(TOKEN).unwrap()), ..WebConfig::default() }).await
}

async fn scrape(app: &TestApp) -> String {
    let resp = app.http.get(app.url("/metrics")).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let content_type = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    resp.text().await.unwrap()
}

/// The value of the sample whose name and labels are exactly `series`.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|l| l.strip_prefix(series).and_then(|rest| rest.strip_prefix(' ')).and_then(|v| v.parse().ok()))
}

/// Every line is a comment (`# HELP name …` / `# TYPE name kind`) or a sample
/// `name{label="value",…} number` of a declared metric.
fn assert_exposition_format(text: &str) {
    let mut declared = std::collections::HashSet::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("TYPE name kind");
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            declared.insert(name.to_owned());
            continue;
        }
        if line.starts_with("# HELP ") {
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap_or_else(|| panic!("sample without value: {line}"));
        assert!(value.parse::<f64>().is_ok(), "value of {line}");
        let name = series.split('{').next().unwrap();
        assert!(name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{line}");
        let family = ["_bucket", "_sum", "_count"].iter().find_map(|s| name.strip_suffix(s)).filter(|f| declared.contains(*f));
        assert!(declared.contains(name) || family.is_some(), "{name} has no # TYPE before it");
        if let Some(labels) = series.strip_prefix(name) {
            if !labels.is_empty() {
                assert!(labels.starts_with('{') && labels.ends_with('}'), "{line}");
                for pair in labels[1..labels.len() - 1].split("\",") {
                    let (k, v) = pair.split_once("=\"").unwrap_or_else(|| panic!("label in {line}"));
                    assert!(k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{line}");
                    assert!(!v.trim_end_matches('"').contains('"') || v.contains("\\\""), "{line}");
                }
            }
        }
    }
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_in_prometheus_format() {
    let app = spawn_with_metrics().await;
    let (client, token) = app.bearer("chief").await;
    for _ in 0..3 {
        let r = client.get(app.url(&format!("/api/v1/organisations/{}", app.ruian_org))).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    let r = client.get(app.url("/api/v1/organisations/999999")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    let r = client.get(app.url("/no/such/page/12345")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);

    let text = scrape(&app).await;
    assert_exposition_format(&text);
    // Three answers and one 404 under the template, never under the raw path.
    let ok = r#"pocnet_http_requests_total{method="GET",route="/api/v1/organisations/{id}",status="2xx"}"#;
    assert_eq!(sample(&text, ok), Some(3.0), "{text}");
    let missing = r#"pocnet_http_requests_total{method="GET",route="/api/v1/organisations/{id}",status="4xx"}"#;
    assert_eq!(sample(&text, missing), Some(1.0), "{text}");
    assert!(!text.contains(&format!("/api/v1/organisations/{}", app.ruian_org)), "raw ids stay out of the labels");
    assert!(!text.contains("12345"), "unmatched paths share one series");
    assert!(sample(&text, r#"pocnet_http_requests_total{method="GET",route="unmatched",status="4xx"}"#).is_some(), "{text}");
    let count = r#"pocnet_http_request_duration_seconds_count{method="GET",route="/api/v1/organisations/{id}",status="2xx"}"#;
    assert_eq!(sample(&text, count), Some(3.0));
    let inf = r#"pocnet_http_request_duration_seconds_bucket{method="GET",route="/api/v1/organisations/{id}",status="2xx",le="+Inf"}"#;
    assert_eq!(sample(&text, inf), Some(3.0));
    // The login counts as a POST to its route.
    assert!(sample(&text, r#"pocnet_http_requests_total{method="POST",route="/api/v1/auth/login",status="2xx"}"#) >= Some(1.0));
    // The pool and the writer queue are there; the fixture and the login wrote through the writer.
    assert!(sample(&text, r#"pocnet_db_pool_connections{state="idle"}"#).is_some(), "{text}");
    assert!(sample(&text, r#"pocnet_db_pool_connections{state="in_use"}"#).is_some(), "{text}");
    assert_eq!(sample(&text, "pocnet_db_pool_max_connections"), Some(8.0));
    assert_eq!(sample(&text, "pocnet_sqlite_writer_waiting"), Some(0.0));
    assert_eq!(sample(&text, "pocnet_sqlite_writer_holding"), Some(0.0));
    let acquired = sample(&text, "pocnet_sqlite_writer_acquired_total").unwrap();
    if std::env::var("POCNET_TEST_DATABASE_URL").is_err() {
        assert!(acquired >= 1.0, "SQLite writes go through the writer: {text}");
    } else {
        assert_eq!(acquired, 0.0, "PostgreSQL has no single writer");
    }

    // The next scrape counts the one before.
    let again = scrape(&app).await;
    assert_eq!(sample(&again, r#"pocnet_http_requests_total{method="GET",route="/metrics",status="2xx"}"#), Some(1.0), "{again}");
}

#[tokio::test]
async fn metrics_are_not_for_anonymous_callers_nor_for_signed_in_users() {
    let app = spawn_with_metrics().await;
    let resp = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    assert!(resp.headers().get("www-authenticate").is_some());
    assert!(!resp.text().await.unwrap().contains("pocnet_http_requests_total"));
    let resp = app.http.get(app.url("/metrics")).bearer_auth("metrics-token-for-tests-012345678").send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "a near miss is a miss");
    // A session of the bureau is not the metrics token.
    let (client, token) = app.bearer("chief").await;
    let resp = client.get(app.url("/metrics")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let (browser, _, _) = app.login("chief").await;
    let resp = browser.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn without_a_metrics_token_there_is_no_metrics_endpoint() {
    let app = spawn_app().await;
    let resp = app.http.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    let resp = app.http.get(app.url("/metrics")).bearer_auth(TOKEN).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(!resp.text().await.unwrap().contains("pocnet_"));
}
