use crate::helpers::*;
use chrono::Duration;
use reqwest::StatusCode;

#[tokio::test]
async fn an_idle_session_expires_after_thirty_minutes() {
    let app = spawn_app().await;
    let (client, _, _) = app.login("chief").await;
    app.clock.advance(Duration::minutes(29));
    assert_eq!(client.get(app.url("/api/v1/me")).send().await.unwrap().status(), StatusCode::OK, "activity renews it");
    app.clock.advance(Duration::minutes(29));
    assert_eq!(client.get(app.url("/api/v1/me")).send().await.unwrap().status(), StatusCode::OK);
    app.clock.advance(Duration::minutes(31));
    expect_error(client.get(app.url("/api/v1/me")).send().await.unwrap(), StatusCode::UNAUTHORIZED, "unauthenticated").await;
    // A page redirects to the login page and comes back after.
    let resp = client.get(app.url("/dashboard")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], "/login?next=%2Fdashboard");
}

#[tokio::test]
async fn an_active_session_still_ends_twelve_hours_after_login() {
    let app = spawn_app().await;
    let (client, _, _) = app.login("chief").await;
    for _ in 0..35 {
        app.clock.advance(Duration::minutes(20));
        assert_eq!(client.get(app.url("/api/v1/me")).send().await.unwrap().status(), StatusCode::OK);
    }
    app.clock.advance(Duration::minutes(21)); // 12 h 01 min after login
    expect_error(client.get(app.url("/api/v1/me")).send().await.unwrap(), StatusCode::UNAUTHORIZED, "unauthenticated").await;
}

#[tokio::test]
async fn a_forged_or_malformed_token_is_not_a_session() {
    let app = spawn_app().await;
    for token in ["0".repeat(64), "not-hex".into(), "' OR 1=1 --".into()] {
        let resp = reqwest::Client::new().get(app.url("/api/v1/me")).bearer_auth(&token).send().await.unwrap();
        expect_error(resp, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    }
}

#[tokio::test]
async fn housekeeping_removes_ended_sessions_and_stale_login_counters_only() {
    let app = spawn_app().await;
    let (stale, _, _) = app.login("chief").await;
    let bad = serde_json::json!({"username": "scholar", "password": "wrong-password-1"});
    browser().post(app.url("/api/v1/auth/login")).json(&bad).send().await.unwrap();
    app.clock.advance(Duration::minutes(20));
    let (fresh, _, _) = app.login("ruian").await;
    app.clock.advance(Duration::minutes(15)); // chief idle 35 min, ruian 15 min; the failure is 35 min old
    let swept = pocnet_web::housekeeping(&app.state).await.unwrap();
    let (sessions, counters) = (swept.sessions, swept.login_counters);
    assert_eq!(sessions, 1);
    assert!(counters >= 2, "scholar's failure is forgotten: {counters}");
    assert_eq!(app.count_where("login_guards", "username = 'scholar'").await, 0);
    // A successful sign-in keeps its address known (30 days).
    assert_eq!(app.count_where("login_guards", "scope = 'pair' AND username = 'chief' AND last_success IS NOT NULL").await, 1);
    assert_eq!(app.count("sessions").await, 1);
    assert_eq!(fresh.get(app.url("/api/v1/me")).send().await.unwrap().status(), StatusCode::OK);
    expect_error(stale.get(app.url("/api/v1/me")).send().await.unwrap(), StatusCode::UNAUTHORIZED, "unauthenticated").await;
}
