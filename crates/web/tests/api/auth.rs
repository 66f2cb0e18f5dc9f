use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn login_returns_a_bearer_token_and_a_session_cookie() {
    let app = spawn_app().await;
    let client = browser();
    let resp = client.post(app.url("/api/v1/auth/login")).json(&json!({"username": "Chief", "password": PASSWORD})).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    let cookie = resp.headers().get("set-cookie").unwrap().to_str().unwrap().to_owned();
    assert!(cookie.starts_with("pocnet_session=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let body: Value = resp.json().await.unwrap();
    let token = body["token"].as_str().unwrap();
    assert_eq!(token.len(), 64, "256-bit token");
    assert_eq!(body["user"]["username"], "chief");
    assert_eq!(body["user"]["role"], "bureau");

    // The token works as a bearer token without cookies...
    let me: Value = reqwest::Client::new()
        .get(app.url("/api/v1/me"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["username"], "chief");
    assert_eq!(me["org_name"], "测试市科学技术局");
    // ...and the cookie works on its own.
    let me: Value = client.get(app.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["role"], "bureau");
    assert!(me.get("password_hash").is_none(), "never sent");
}

#[tokio::test]
async fn wrong_password_and_unknown_user_answer_the_same() {
    let app = spawn_app().await;
    for (user, pass) in [("chief", "wrong-password-1"), ("nobody", PASSWORD), ("!!", PASSWORD)] {
        let resp = browser().post(app.url("/api/v1/auth/login")).json(&json!({"username": user, "password": pass})).send().await.unwrap();
        assert!(resp.headers().get("set-cookie").is_none());
        let body = expect_error(resp, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
        assert_eq!(body["error"]["message"], "用户名或密码错误");
    }
    assert_eq!(app.count("sessions").await, 0);
}

#[tokio::test]
async fn five_failures_lock_the_username_for_the_window_even_with_the_right_password() {
    let app = spawn_app().await;
    let attempt = |pass: &'static str| {
        let url = app.url("/api/v1/auth/login");
        async move { browser().post(url).json(&json!({"username": "chief", "password": pass})).send().await.unwrap() }
    };
    for _ in 0..5 {
        assert_eq!(attempt("wrong-password-1").await.status(), StatusCode::UNAUTHORIZED);
    }
    let resp = attempt(PASSWORD).await;
    assert!(resp.headers().get("retry-after").is_some());
    expect_error(resp, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // Another account from the same address is not locked (5 < 30 per address).
    let (_, _, _) = app.login("ruian").await;

    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(attempt(PASSWORD).await.status(), StatusCode::OK, "the window has passed");
}

#[tokio::test]
async fn logout_ends_the_session() {
    let app = spawn_app().await;
    let (client, _, csrf) = app.login("chief").await;
    let resp = client.post(app.url("/api/v1/auth/logout")).header("x-csrf-token", &csrf).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    expect_error(client.get(app.url("/api/v1/me")).send().await.unwrap(), StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_eq!(app.count("sessions").await, 0);
}

#[tokio::test]
async fn password_change_checks_the_current_one_and_ends_other_sessions() {
    let app = spawn_app().await;
    let (client, token, _) = app.login("scholar").await;
    let (other, other_token) = app.bearer("scholar").await;

    let resp = client
        .post(app.url("/api/v1/me/password"))
        .bearer_auth(&token)
        .json(&json!({"current_password": "not-the-password", "new_password": "a-brand-new-secret"}))
        .send()
        .await
        .unwrap();
    let body = expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "mismatch").await;
    assert_eq!(body["error"]["field"], "current_password");

    let resp = client
        .post(app.url("/api/v1/me/password"))
        .bearer_auth(&token)
        .json(&json!({"current_password": PASSWORD, "new_password": "short"}))
        .send()
        .await
        .unwrap();
    let body = expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "too_short").await;
    assert_eq!(body["error"]["field"], "new_password");

    let resp = client
        .post(app.url("/api/v1/me/password"))
        .bearer_auth(&token)
        .json(&json!({"current_password": PASSWORD, "new_password": "a-brand-new-secret"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);

    // This session lives on; the other one ended.
    assert_eq!(client.get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap().status(), StatusCode::OK);
    let resp = other.get(app.url("/api/v1/me")).bearer_auth(&other_token).send().await.unwrap();
    expect_error(resp, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    // Old password refused, new accepted.
    let resp = browser().post(app.url("/api/v1/auth/login")).json(&json!({"username": "scholar", "password": PASSWORD})).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNAUTHORIZED);
    let resp = browser()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": "scholar", "password": "a-brand-new-secret"}))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
}
