use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn bureau_only_endpoints_refuse_other_roles_without_leaking() {
    let app = spawn_app().await;
    for user in ["ruian", "scholar", "reviewer"] {
        let (client, token) = app.bearer(user).await;
        for path in ["/api/v1/organisations", "/api/v1/users", "/api/v1/audit", &format!("/api/v1/organisations/{}", app.bureau_org)] {
            let resp = client.get(app.url(path)).bearer_auth(&token).send().await.unwrap();
            let body = expect_error(resp, StatusCode::FORBIDDEN, "forbidden").await;
            let text = body.to_string();
            assert!(!text.contains("测试市科学技术局"), "{user} {path}: nothing leaked: {text}");
        }
        let resp = client
            .post(app.url("/api/v1/organisations"))
            .bearer_auth(&token)
            .json(&json!({"name": "越权创建", "kind": "enterprise", "region": "鹿城区"}))
            .send()
            .await
            .unwrap();
        expect_error(resp, StatusCode::FORBIDDEN, "forbidden").await;
    }
    assert_eq!(app.count("organisations").await, 3, "nothing created");
}

#[tokio::test]
async fn bureau_pages_answer_403_in_chinese_to_others_and_redirect_strangers() {
    let app = spawn_app().await;
    let (client, _, _) = app.login("scholar").await;
    for path in ["/admin/orgs", "/admin/users", "/audit", "/experts"] {
        let resp = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::FORBIDDEN, "{path}");
        let html = resp.text().await.unwrap();
        assert!(html.contains("无权访问"), "{path}");
        assert!(!html.contains("瑞安市科学技术局"), "{path}: no data on the error page");
    }
    let stranger = browser();
    let resp = stranger.get(app.url("/admin/users?page=2")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/login?next=%2Fadmin%2Fusers%3Fpage%3D2");
}

#[tokio::test]
async fn an_expert_cannot_list_results_and_a_stranger_gets_401() {
    let app = spawn_app().await;
    let (client, token) = app.bearer("reviewer").await;
    let resp = client.get(app.url("/api/v1/results")).bearer_auth(&token).send().await.unwrap();
    expect_error(resp, StatusCode::FORBIDDEN, "forbidden").await;
    let resp = reqwest::Client::new().get(app.url("/api/v1/results")).send().await.unwrap();
    expect_error(resp, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn each_role_gets_its_own_dashboard() {
    let app = spawn_app().await;
    for (user, role) in [("chief", "bureau"), ("ruian", "county"), ("scholar", "researcher"), ("reviewer", "expert")] {
        let (client, token) = app.bearer(user).await;
        let d: Value = client.get(app.url("/api/v1/dashboard")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
        assert_eq!(d["role"], role);
        assert!(!d["heading"].as_str().unwrap().is_empty());
    }
    let (client, token) = app.bearer("ruian").await;
    let d: Value = client.get(app.url("/api/v1/dashboard")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert!(d["heading"].as_str().unwrap().contains("瑞安市"), "a county sees its own region");
}
