use crate::helpers::*;
use pocnet_store::demo;
use pocnet_web::config::WebConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn load(app: &TestApp) -> Option<demo::Loaded> {
    let hash = pocnet_web::auth::password::hash_blocking(demo::DEMO_PASSWORD).unwrap();
    demo::load_once(&app.store, app.clock.now_for_tests(), &hash, &|_, _| {}).await.unwrap()
}

trait Now {
    fn now_for_tests(&self) -> chrono::DateTime<chrono::Utc>;
}

impl Now for std::sync::Arc<pocnet_web::clock::ManualClock> {
    fn now_for_tests(&self) -> chrono::DateTime<chrono::Utc> {
        pocnet_web::clock::Clock::now(self.as_ref())
    }
}

async fn demo_login(app: &TestApp, user: &str) -> reqwest::Response {
    browser()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": user, "password": demo::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_demo_loads_once_and_its_accounts_work_only_in_demo_mode() {
    let app = spawn_app_with(WebConfig { demo: true, ..WebConfig::default() }).await;
    let loaded = load(&app).await.expect("first load");
    assert!(loaded.centers >= 12 && loaded.experts >= 80 && loaded.results >= 150);
    assert_eq!(loaded.accounts, 6);
    assert!(load(&app).await.is_none(), "second load does nothing");
    assert_eq!(app.count("research_results").await, loaded.results as i64);
    // The pipeline behind each state: a report for every verified or handed-off
    // project, a hand-off for each handed-off one, plans for all under verification.
    let done = app.count_where("research_results", "state IN ('verified', 'handed_off')").await;
    assert!(done > 0);
    assert_eq!(app.count("verification_reports").await, done);
    assert_eq!(app.count("handoffs").await, app.count_where("research_results", "state = 'handed_off'").await);
    assert_eq!(app.count("verification_plans").await, app.count_where("research_results", "state IN ('verifying', 'verified', 'handed_off', 'stopped')").await);
    assert_eq!(app.count_where("milestones", "released_yuan > 0 AND status <> 'accepted'").await, 0, "money only for accepted milestones");
    assert!(app.count_where("result_reviews", "conflict_status = 'pending'").await > 0, "open screening tasks");

    for role in ["bureau", "county", "center", "expert", "researcher", "investor"] {
        let resp = demo_login(&app, role).await;
        assert_eq!(resp.status(), StatusCode::OK, "{role}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["user"]["role"], role);
    }

    // The public list holds the creation list and the recognized centers (003 五(一)5), each with its stage.
    let list: Value = reqwest::get(app.url("/api/v1/centers?per_page=200")).await.unwrap().json().await.unwrap();
    let items = list["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|c| ["creating", "recognized", "key_cultivation"].contains(&c["stage"].as_str().unwrap_or("")) && c["status"] == "active"));

    // Scopes: the county sees only its region; the investor only verified results; nobody sees secrets.
    let body: Value = demo_login(&app, "county").await.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    let county: Value = reqwest::Client::new()
        .get(app.url("/api/v1/results?per_page=200"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let all: Value = {
        let body: Value = demo_login(&app, "bureau").await.json().await.unwrap();
        reqwest::Client::new()
            .get(app.url("/api/v1/results?per_page=200"))
            .bearer_auth(body["token"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    };
    assert!(county["total"].as_i64().unwrap() < all["total"].as_i64().unwrap());
    assert!(!all.to_string().contains("secret_summary"));
    let body: Value = demo_login(&app, "investor").await.json().await.unwrap();
    let inv: Value = reqwest::Client::new()
        .get(app.url("/api/v1/results?per_page=200"))
        .bearer_auth(body["token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(inv["items"].as_array().unwrap().iter().all(|r| r["state"] == "verified" || r["state"] == "handed_off"));
}

#[tokio::test]
async fn demo_accounts_are_refused_outside_demo_mode() {
    let app = spawn_app().await; // demo: false
    load(&app).await.expect("loaded");
    expect_error(demo_login(&app, "bureau").await, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}
