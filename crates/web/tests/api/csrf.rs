use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_form_without_the_session_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let (client, _, csrf) = app.login("chief").await;
    let before = app.count("organisations").await;
    let form = [("name", "伪造请求创建的单位"), ("kind", "enterprise"), ("region", "鹿城区")];
    let resp = client.post(app.url("/admin/orgs")).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::FORBIDDEN);
    assert!(resp.text().await.unwrap().contains("表单已过期或来源不可信"), "a Chinese error page");
    let mut forged = form.to_vec();
    forged.push(("csrf_token", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"));
    assert_eq!(client.post(app.url("/admin/orgs")).form(&forged).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("organisations").await, before);

    let mut genuine = form.to_vec();
    genuine.push(("csrf_token", csrf.as_str()));
    let resp = client.post(app.url("/admin/orgs")).form(&genuine).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "created and redirected");
    assert_eq!(app.count("organisations").await, before + 1);
}

#[tokio::test]
async fn an_api_call_with_the_cookie_needs_the_header_but_a_bearer_call_does_not() {
    let app = spawn_app().await;
    let (client, token, csrf) = app.login("chief").await;
    let body = json!({"name": "新登记企业", "kind": "enterprise", "region": "龙湾区"});
    let resp = client.post(app.url("/api/v1/organisations")).json(&body).send().await.unwrap();
    expect_error(resp, StatusCode::FORBIDDEN, "csrf_failed").await;
    let resp = client.post(app.url("/api/v1/organisations")).header("x-csrf-token", &csrf).json(&body).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let resp = reqwest::Client::new()
        .post(app.url("/api/v1/organisations"))
        .bearer_auth(&token)
        .json(&json!({"name": "另一家企业", "kind": "enterprise", "region": "龙湾区"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn the_login_form_needs_its_pre_login_token() {
    let app = spawn_app().await;
    let client = browser();
    // Without visiting the page first there is no token to match.
    let form = [("username", "chief"), ("password", PASSWORD), ("csrf_token", "x")];
    assert_eq!(client.post(app.url("/login")).form(&form).send().await.unwrap().status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count("sessions").await, 0);

    let page = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let token = page.split("name=\"csrf_token\" value=\"").nth(1).unwrap().split('"').next().unwrap().to_owned();
    let form = [("username", "chief"), ("password", PASSWORD), ("csrf_token", token.as_str()), ("next", "/admin/orgs")];
    let resp = client.post(app.url("/login")).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/admin/orgs");
    let page = client.get(app.url("/admin/orgs")).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains("单位管理"));
}
