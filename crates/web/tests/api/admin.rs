use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn two_editors_of_one_version_cannot_both_win() {
    let app = spawn_app().await;
    let (client, token) = app.bearer("chief").await;
    let url = app.url(&format!("/api/v1/organisations/{}", app.lucheng_univ));
    let org: Value = client.get(&url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let version = org["version"].as_i64().unwrap();

    let first = json!({"name": "鹿城测试大学（更名）", "kind": "university", "region": "鹿城区", "version": version});
    let second = json!({"name": "鹿城测试大学（另一次更名）", "kind": "university", "region": "鹿城区", "version": version});
    let (a, b) = tokio::join!(
        client.put(&url).bearer_auth(&token).json(&first).send(),
        client.put(&url).bearer_auth(&token).json(&second).send()
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let statuses = [a.status(), b.status()];
    assert!(statuses.contains(&StatusCode::OK), "{statuses:?}");
    assert!(statuses.contains(&StatusCode::CONFLICT), "{statuses:?}");
    let loser = if a.status() == StatusCode::CONFLICT { a } else { b };
    expect_error(loser, StatusCode::CONFLICT, "version_conflict").await;
    let now: Value = client.get(&url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(now["version"], version + 1, "exactly one edit applied");
}

#[tokio::test]
async fn duplicate_names_and_usernames_are_conflicts_naming_the_field() {
    let app = spawn_app().await;
    let (client, token) = app.bearer("chief").await;
    let resp = client
        .post(app.url("/api/v1/organisations"))
        .bearer_auth(&token)
        .json(&json!({"name": "鹿城测试大学", "kind": "university", "region": "鹿城区"}))
        .send()
        .await
        .unwrap();
    let body = expect_error(resp, StatusCode::CONFLICT, "duplicate").await;
    assert_eq!(body["error"]["field"], "name");
    let resp = client
        .post(app.url("/api/v1/users"))
        .bearer_auth(&token)
        .json(&json!({"username": "RUIAN", "display_name": "重复", "role": "county", "org_id": app.ruian_org, "password": "another-secret-9"}))
        .send()
        .await
        .unwrap();
    let body = expect_error(resp, StatusCode::CONFLICT, "duplicate").await;
    assert_eq!(body["error"]["field"], "username");
}

#[tokio::test]
async fn the_bureau_creates_an_account_that_can_sign_in_and_disabling_it_ends_its_sessions() {
    let app = spawn_app().await;
    let (client, token) = app.bearer("chief").await;
    let resp = client
        .post(app.url("/api/v1/users"))
        .bearer_auth(&token)
        .json(&json!({"username": "lin.hong", "display_name": "林虹", "role": "researcher", "org_id": app.lucheng_univ, "password": "first-password-7"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    let user: Value = resp.json().await.unwrap();
    assert_eq!(user["org_name"], "鹿城测试大学");

    let session = browser();
    let resp = session
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "lin.hong", "password": "first-password-7"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);

    let edit = json!({"display_name": "林虹", "role": "researcher", "org_id": app.lucheng_univ, "is_active": false, "version": user["version"]});
    let resp = client.put(app.url(&format!("/api/v1/users/{}", user["id"]))).bearer_auth(&token).json(&edit).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    expect_error(session.get(app.url("/api/v1/me")).send().await.unwrap(), StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let resp = browser()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "lin.hong", "password": "first-password-7"}))
        .send()
        .await
        .unwrap();
    expect_error(resp, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}

#[tokio::test]
async fn the_bureau_cannot_lock_itself_out() {
    let app = spawn_app().await;
    let (client, token) = app.bearer("chief").await;
    let me: Value = client.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    let edit = json!({"display_name": "x", "role": "bureau", "org_id": app.bureau_org, "is_active": false, "version": me["version"]});
    let resp = client.put(app.url(&format!("/api/v1/users/{}", me["id"]))).bearer_auth(&token).json(&edit).send().await.unwrap();
    let body = expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "self_lockout").await;
    assert_eq!(body["error"]["field"], "is_active");
}

#[tokio::test]
async fn lists_page_and_sort() {
    let app = spawn_app().await;
    let (client, token) = app.bearer("chief").await;
    let page: Value = client
        .get(app.url("/api/v1/organisations?per_page=2&page=2&sort=name&dir=desc"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(page["total"], 3);
    assert_eq!(page["page"], 2);
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let resp = client.get(app.url("/api/v1/organisations?page=abc")).bearer_auth(&token).send().await.unwrap();
    let body = expect_error(resp, StatusCode::BAD_REQUEST, "invalid_query").await;
    assert_eq!(body["error"]["field"], "page");
}
