use crate::helpers::*;
use reqwest::StatusCode;

#[tokio::test]
async fn the_public_home_page_and_stylesheet_are_served_in_chinese() {
    let app = spawn_app().await;
    let resp = reqwest::get(app.url("/")).await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let html = resp.text().await.unwrap();
    assert!(html.contains("<html lang=\"zh-CN\">"));
    assert!(html.contains("概念验证中心与中试平台管理平台"));
    assert!(html.contains("/static/pocnet.css"));
    assert!(!html.contains("http://") && !html.contains("https://"), "no CDN or external resource");
    let css = reqwest::get(app.url("/static/pocnet.css")).await.unwrap();
    assert!(css.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
}

#[tokio::test]
async fn every_signed_in_page_of_the_bureau_renders() {
    let app = spawn_app().await;
    let (client, _, _) = app.login("chief").await;
    for (path, needle) in [
        ("/dashboard", "全市概念验证中心建设总览"),
        ("/centers", "名录"),
        ("/results", "科技成果"),
        ("/experts", "专家库"),
        ("/admin/orgs", "单位管理"),
        ("/admin/orgs/new", "新增单位"),
        (&format!("/admin/orgs/{}", app.ruian_org), "瑞安市科学技术局（测试）"),
        ("/admin/users", "账号管理"),
        ("/admin/users/new", "新增账号"),
        ("/audit", "审计日志"),
        ("/account", "修改密码"),
    ] {
        let resp = client.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
        let html = resp.text().await.unwrap();
        assert!(html.contains(needle), "{path} shows {needle}");
        assert!(html.contains("退出登录"), "{path} has the logout button");
    }
}

#[tokio::test]
async fn the_health_check_and_the_openapi_document_answer() {
    let app = spawn_app().await;
    assert_eq!(reqwest::get(app.url("/healthz")).await.unwrap().status(), StatusCode::OK);
    let doc: serde_json::Value = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in ["/api/v1/auth/login", "/api/v1/me", "/api/v1/organisations/{id}", "/api/v1/users", "/api/v1/audit", "/healthz"] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    assert!(doc["components"]["schemas"].get("ErrorEnvelope").is_some());
}
