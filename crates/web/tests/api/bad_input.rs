use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn malformed_wrong_typed_oversized_and_non_json_bodies_get_the_error_shape_and_change_nothing() {
    let app = spawn_app().await;
    let (client, token) = app.bearer("chief").await;
    let url = app.url("/api/v1/organisations");
    let before = app.count("organisations").await;
    let audit_before = app.count("audit_events").await;

    let resp = client.post(&url).bearer_auth(&token).header("content-type", "application/json").body("{\"name\": ").send().await.unwrap();
    expect_error(resp, StatusCode::BAD_REQUEST, "malformed_json").await;

    let resp = client.post(&url).bearer_auth(&token).json(&json!({"name": 42, "kind": "enterprise", "region": "鹿城区"})).send().await.unwrap();
    let body = expect_error(resp, StatusCode::BAD_REQUEST, "invalid_body").await;
    assert_eq!(body["error"]["field"], "name");

    let resp = client.post(&url).bearer_auth(&token).json(&json!({"kind": "enterprise", "region": "鹿城区"})).send().await.unwrap();
    let body = expect_error(resp, StatusCode::BAD_REQUEST, "invalid_body").await;
    assert_eq!(body["error"]["field"], "name");

    let resp = client.post(&url).bearer_auth(&token).body("name=x").header("content-type", "application/x-www-form-urlencoded").send().await.unwrap();
    expect_error(resp, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;

    let huge = json!({"name": "大".repeat(2_000_000), "kind": "enterprise", "region": "鹿城区"});
    let resp = client.post(&url).bearer_auth(&token).json(&huge).send().await.unwrap();
    expect_error(resp, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;

    let resp = client.post(&url).bearer_auth(&token).json(&json!({"name": "新单位", "kind": "spaceship", "region": "鹿城区"})).send().await.unwrap();
    let body = expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    assert_eq!(body["error"]["field"], "kind");
    assert_eq!(body["error"]["message"], "单位类型的取值无效");

    assert_eq!(app.count("organisations").await, before);
    assert_eq!(app.count("audit_events").await, audit_before);
}

#[tokio::test]
async fn unknown_paths_and_methods_answer_in_the_error_shape() {
    let app = spawn_app().await;
    let resp = reqwest::Client::new().get(app.url("/api/v1/nope")).send().await.unwrap();
    expect_error(resp, StatusCode::NOT_FOUND, "not_found").await;
    let resp = reqwest::Client::new().delete(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::METHOD_NOT_ALLOWED);
    let resp = reqwest::Client::new().get(app.url("/no-such-page")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NOT_FOUND);
    assert!(resp.text().await.unwrap().contains("页面不存在"));
}

#[tokio::test]
async fn an_invalid_form_is_shown_again_with_the_chinese_message_and_the_input_kept() {
    let app = spawn_app().await;
    let (client, _, csrf) = app.login("chief").await;
    let form = [("name", "甲"), ("kind", "enterprise"), ("region", "鹿城区"), ("csrf_token", csrf.as_str())];
    let resp = client.post(app.url("/admin/orgs")).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(html.contains("单位名称至少需要2个字符"), "{html}");
    assert!(html.contains("value=\"甲\""), "input kept");
}
