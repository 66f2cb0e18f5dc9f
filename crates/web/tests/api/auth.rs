use crate::helpers::*;
use reqwest::StatusCode;
use pocnet_web::config::WebConfig;
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

/// A server behind a trusted reverse proxy at 127.0.0.1, so each request can
/// say which client address it comes from.
async fn spawn_behind_proxy() -> TestApp {
    spawn_app_with(behind_proxy()).await
}

fn behind_proxy() -> WebConfig {
    WebConfig { trusted_proxies: vec!["127.0.0.1".parse().unwrap()], ..WebConfig::default() }
}

async fn attempt(base: &str, from: &str, username: &str, password: &str) -> reqwest::Response {
    browser()
        .post(format!("{base}/api/v1/auth/login"))
        .header("x-forwarded-for", from)
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
}

/// Tallies statuses: (200, 401, 429).
fn tally(statuses: &[StatusCode]) -> (usize, usize, usize) {
    let n = |s| statuses.iter().filter(|x| **x == s).count();
    (n(StatusCode::OK), n(StatusCode::UNAUTHORIZED), n(StatusCode::TOO_MANY_REQUESTS))
}

#[tokio::test]
async fn five_failures_hold_back_the_name_at_that_address_only() {
    let app = spawn_behind_proxy().await;
    for _ in 0..5 {
        assert_eq!(attempt(&app.base, "198.51.100.7", "chief", "wrong-password-1").await.status(), StatusCode::UNAUTHORIZED);
    }
    let resp = attempt(&app.base, "198.51.100.7", "chief", PASSWORD).await;
    assert!(resp.headers().get("retry-after").is_some());
    let body = expect_error(resp, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("联系市科技局"), "{body}");
    // The owner elsewhere, and a colleague at the same address, still sign in.
    assert_eq!(attempt(&app.base, "203.0.113.9", "chief", PASSWORD).await.status(), StatusCode::OK);
    assert_eq!(attempt(&app.base, "198.51.100.7", "ruian", PASSWORD).await.status(), StatusCode::OK);

    app.clock.advance(chrono::Duration::minutes(16));
    assert_eq!(attempt(&app.base, "198.51.100.7", "chief", PASSWORD).await.status(), StatusCode::OK, "the lockout has passed");
}

#[tokio::test]
async fn sixty_one_parallel_attempts_from_one_address_check_at_most_five_passwords() {
    let app = spawn_app().await;
    let tries = (0..61).map(|i| {
        let pass = if i == 30 { PASSWORD } else { "wrong-password-1" };
        attempt(&app.base, "", "chief", pass)
    });
    let statuses: Vec<StatusCode> = futures::future::join_all(tries).await.iter().map(reqwest::Response::status).collect();
    let (ok, unauthorized, limited) = tally(&statuses);
    assert!(ok + unauthorized <= 5, "at most five passwords checked: {statuses:?}");
    assert_eq!(ok + unauthorized + limited, 61, "{statuses:?}");
}

#[tokio::test]
async fn guessing_from_many_addresses_slows_the_name_down_without_locking_the_owner_out() {
    let app = spawn_behind_proxy().await;
    // The owner signed in at the office last week: that address is known.
    assert_eq!(attempt(&app.base, "192.0.2.10", "chief", PASSWORD).await.status(), StatusCode::OK);
    app.clock.advance(chrono::Duration::days(7));

    let base = app.base.as_str();
    let tries = (0..60).map(|i| {
        let from = format!("10.1.{}.{}", i / 200, i % 200 + 1);
        async move { attempt(base, &from, "chief", "wrong-password-1").await.status() }
    });
    let statuses = futures::future::join_all(tries).await;
    let (ok, unauthorized, limited) = tally(&statuses);
    assert_eq!((ok, unauthorized, limited), (0, 10, 50), "ten free failures, then every attempt waits");

    // A new address waits a moment (seconds, not a lockout) …
    let resp = attempt(&app.base, "10.9.9.9", "chief", PASSWORD).await;
    assert_eq!(resp.headers()["retry-after"], "1");
    let body = expect_error(resp, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    assert!(body["error"]["message"].as_str().unwrap().contains("秒后再试"), "{body}");
    app.clock.advance(chrono::Duration::seconds(1));
    assert_eq!(attempt(&app.base, "10.9.9.9", "chief", PASSWORD).await.status(), StatusCode::OK);
    // … while the known office address is never held up.
    for _ in 0..3 {
        assert_eq!(attempt(&app.base, "10.1.0.1", "chief", "wrong-password-1").await.status(), StatusCode::TOO_MANY_REQUESTS);
    }
    assert_eq!(attempt(&app.base, "192.0.2.10", "chief", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn an_office_behind_one_address_is_not_locked_out_by_one_colleagues_typos() {
    let app = spawn_behind_proxy().await;
    // 30 failures from the office NAT, spread over names that do not exist.
    for i in 0..30 {
        let status = attempt(&app.base, "198.51.100.1", &format!("typo{}", i / 5), "wrong-password-1").await.status();
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(attempt(&app.base, "198.51.100.1", "scholar", PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn two_web_nodes_share_one_count() {
    let app = spawn_app().await;
    let other = spawn_second_node(&app, WebConfig::default()).await;
    let tries = (0..40).map(|i| {
        let base = if i % 2 == 0 { app.base.clone() } else { other.clone() };
        async move { attempt(&base, "", "ruian", "wrong-password-1").await.status() }
    });
    let statuses = futures::future::join_all(tries).await;
    assert_eq!(tally(&statuses), (0, 5, 35), "{statuses:?}");
}

#[tokio::test]
async fn the_bureau_sees_the_limits_and_lifts_them_at_once() {
    let app = spawn_behind_proxy().await;
    let (bureau, _, csrf) = app.login("chief").await;
    for _ in 0..5 {
        attempt(&app.base, "198.51.100.7", "scholar", "wrong-password-1").await;
    }
    assert_eq!(attempt(&app.base, "198.51.100.7", "scholar", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);

    let list = expect_status(bureau.get(app.url("/api/v1/login-blocks")).send().await.unwrap(), StatusCode::OK).await;
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["items"][0]["username"], "scholar");
    assert_eq!(list["items"][0]["address"], "198.51.100.7");
    assert_eq!(list["items"][0]["scope"], "pair");
    let page = bureau.get(app.url("/admin/login-blocks")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("198.51.100.7") && page.contains("账号＋地址"), "the page lists the block");

    // Only the bureau may look or lift.
    let (researcher, _, researcher_csrf) = app.login("ruian").await;
    expect_error(researcher.get(app.url("/api/v1/login-blocks")).send().await.unwrap(), StatusCode::FORBIDDEN, "forbidden").await;
    let resp = researcher
        .post(app.url("/api/v1/login-blocks/release"))
        .header("x-csrf-token", &researcher_csrf)
        .json(&json!({"username": "scholar"}))
        .send()
        .await
        .unwrap();
    expect_error(resp, StatusCode::FORBIDDEN, "forbidden").await;
    // Naming nothing, or a malformed address, is an error that lifts nothing.
    for (body, field) in [(json!({}), "username"), (json!({"address": "not-an-ip"}), "address")] {
        let resp = bureau.post(app.url("/api/v1/login-blocks/release")).header("x-csrf-token", &csrf).json(&body).send().await.unwrap();
        let err = expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, if field == "address" { "invalid_address" } else { "required" }).await;
        assert_eq!(err["error"]["field"], field);
    }
    assert_eq!(attempt(&app.base, "198.51.100.7", "scholar", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);

    let resp = bureau.post(app.url("/api/v1/login-blocks/release")).header("x-csrf-token", &csrf).json(&json!({"username": "Scholar"})).send().await.unwrap();
    assert_eq!(expect_status(resp, StatusCode::OK).await["lifted"], 2, "the pair and the name");
    assert_eq!(attempt(&app.base, "198.51.100.7", "scholar", PASSWORD).await.status(), StatusCode::OK);
    let list = expect_status(bureau.get(app.url("/api/v1/login-blocks")).send().await.unwrap(), StatusCode::OK).await;
    assert_eq!(list["total"], 0);
    assert_eq!(app.count_where("audit_events", "action = 'login.release'").await, 1);
}

#[tokio::test]
async fn a_client_cannot_pick_its_address_without_a_trusted_proxy() {
    // Not behind a proxy: X-Forwarded-For is the client's own word and is ignored.
    let app = spawn_app().await;
    for i in 0..5 {
        attempt(&app.base, &format!("10.0.0.{i}"), "chief", "wrong-password-1").await;
    }
    assert_eq!(attempt(&app.base, "10.0.0.99", "chief", PASSWORD).await.status(), StatusCode::TOO_MANY_REQUESTS);
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
