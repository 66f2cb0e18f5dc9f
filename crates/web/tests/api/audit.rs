use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn a_change_is_recorded_with_who_when_and_before_after() {
    let app = spawn_app().await;
    let (client, token) = app.bearer("chief").await;
    let url = app.url(&format!("/api/v1/organisations/{}", app.ruian_org));
    let org: Value = client.get(&url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let resp = client
        .put(&url)
        .bearer_auth(&token)
        .json(&json!({"name": "瑞安市科学技术局", "kind": "county_department", "region": "瑞安市", "version": org["version"]}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let trail: Value = client
        .get(app.url(&format!("/api/v1/audit?entity_type=organisation&entity_id={}", app.ruian_org)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let latest = &trail["items"][0];
    assert_eq!(latest["action"], "organisation.update");
    assert_eq!(latest["actor_label"], "chief");
    assert_eq!(latest["at"], "2026-03-02T01:00:00.000000Z");
    assert_eq!(latest["ip"], "127.0.0.1");
    let before: Value = serde_json::from_str(latest["before_json"].as_str().unwrap()).unwrap();
    let after: Value = serde_json::from_str(latest["after_json"].as_str().unwrap()).unwrap();
    assert_eq!(before["name"], "瑞安市科学技术局（测试）");
    assert_eq!(after["name"], "瑞安市科学技术局");
    assert_eq!(trail["items"][1]["action"], "organisation.create", "history per entity, newest first");

    // The bureau reads it on a page too.
    let (browser, _, _) = app.login("chief").await;
    let html = browser
        .get(app.url(&format!("/audit?entity_type=organisation&entity_id={}", app.ruian_org)))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("修改单位") && html.contains("瑞安市科学技术局（测试）"));
    // In Chinese and Beijing time: no action code, no raw time stamp.
    assert!(!html.contains("organisation.update") && html.contains("时间（北京时间）") && html.contains("单位 #"), "{html}");
    let beijing = pocnet_domain::display::beijing_time(&pocnet_store::format_ts(app.now()));
    assert!(html.contains(&beijing), "shows {beijing}");
}

#[tokio::test]
async fn the_trail_cannot_be_rewritten() {
    let app = spawn_app().await;
    let n = app.count("audit_events").await;
    assert!(n > 0);
    assert!(sqlx::query("UPDATE audit_events SET actor_label = 'someone else'").execute(app.store.pool()).await.is_err());
    assert!(sqlx::query("DELETE FROM audit_events").execute(app.store.pool()).await.is_err());
    assert_eq!(app.count("audit_events").await, n);
}

#[tokio::test]
async fn a_failed_request_records_nothing() {
    let app = spawn_app().await;
    let (client, token) = app.bearer("chief").await;
    let n = app.count("audit_events").await;
    let resp = client
        .post(app.url("/api/v1/organisations"))
        .bearer_auth(&token)
        .json(&json!({"name": "x", "kind": "enterprise", "region": "鹿城区"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count("audit_events").await, n);
}
