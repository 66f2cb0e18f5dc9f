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

/// Issue 11 §5: every page and API response carries the security headers;
/// whatever answers a caller with credentials is never cached; HSTS only over HTTPS.
#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    let token = app.token("chief").await;
    let anon_page = app.get_anon("/").await;
    let api_error = app.get_anon("/api/v1/me").await;
    let signed_page = app.http.get(app.url("/dashboard")).bearer_auth(&token).send().await.unwrap();
    let signed_api = app.get(&token, "/api/v1/me").await;
    for (what, r) in [("page", &anon_page), ("api error", &api_error), ("signed page", &signed_page), ("signed api", &signed_api)] {
        let h = r.headers();
        let csp = h.get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(csp.contains("script-src 'self'") && csp.contains("frame-ancestors 'none'") && !csp.contains("script-src 'self' 'unsafe-inline'"), "{what}: {csp}");
        assert_eq!(h.get("x-content-type-options").and_then(|v| v.to_str().ok()), Some("nosniff"), "{what}");
        assert_eq!(h.get("referrer-policy").and_then(|v| v.to_str().ok()), Some("same-origin"), "{what}");
        assert!(h.get("strict-transport-security").is_none(), "{what}: no HSTS over plain HTTP");
    }
    for r in [&signed_page, &signed_api] {
        assert_eq!(r.headers().get("cache-control").and_then(|v| v.to_str().ok()), Some("no-store"));
    }
    assert!(anon_page.headers().get("cache-control").is_none_or(|v| v != "no-store"), "public pages may be cached");
    // No page relies on inline script, which the policy forbids.
    let html = app.http.get(app.url("/dashboard")).bearer_auth(&token).send().await.unwrap().text().await.unwrap();
    assert!(!html.contains("<script") && !html.contains("onclick="), "no inline script");

    let secure = spawn_app_with(pocnet_web::config::WebConfig { secure_cookies: true, ..Default::default() }).await;
    let r = secure.get_anon("/").await;
    assert_eq!(r.headers().get("strict-transport-security").and_then(|v| v.to_str().ok()), Some("max-age=31536000; includeSubDomains"));
}
