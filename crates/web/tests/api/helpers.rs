//! Spawns a pocnet server on a fresh database per test: a temporary SQLite
//! file, or, when `POCNET_TEST_DATABASE_URL` names a PostgreSQL server, a new
//! database created on it for this test alone.

use pocnet_domain::credentials::Username;
use pocnet_domain::org::OrgDraft;
use pocnet_domain::role::Role;
use pocnet_store::users::NewUser;
use pocnet_store::{orgs, users, Actor, Store};
use pocnet_web::clock::ManualClock;
use pocnet_web::config::WebConfig;
use pocnet_web::AppState;
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

pub const PASSWORD: &str = "correct-horse-42";

/// A running server with its database and clock.
pub struct TestApp {
    pub base: String,
    pub store: Store,
    pub clock: Arc<ManualClock>,
    /// Organisation ids of the fixture.
    pub bureau_org: i64,
    pub ruian_org: i64,
    pub lucheng_univ: i64,
    pub state: AppState,
    _tmp: Option<tempfile::TempDir>,
}

/// One hash for every fixture account (argon2 is slow on purpose).
fn fixture_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| pocnet_web::auth::password::hash_blocking(PASSWORD).unwrap_or_default())
}

/// A fresh, migrated database for one test.
pub async fn fresh_store() -> (Store, Option<tempfile::TempDir>) {
    if let Ok(admin_url) = std::env::var("POCNET_TEST_DATABASE_URL") {
        let name = format!("pocnet_test_{}", pocnet_store::sessions::new_token()[..16].to_owned());
        let admin = Store::connect(&admin_url, 1).await.expect("connect to the PostgreSQL test server");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(admin.pool())
            .await
            .expect("create a test database");
        admin.close().await;
        let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b).to_owned();
        let store = Store::connect(&format!("{base}/{name}"), 8).await.expect("connect to the test database");
        store.migrate().await.expect("migrate PostgreSQL");
        (store, None)
    } else {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("pocnet.db").display());
        let store = Store::connect(&url, 8).await.expect("open SQLite");
        store.migrate().await.expect("migrate SQLite");
        (store, Some(dir))
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(WebConfig::default()).await
}

pub async fn spawn_app_with(config: WebConfig) -> TestApp {
    let (store, tmp) = fresh_store().await;
    let start = chrono::DateTime::parse_from_rfc3339("2026-03-02T01:00:00Z").expect("date").with_timezone(&chrono::Utc);
    let clock = Arc::new(ManualClock::new(start));
    let now = start;
    let actor = Actor::system("test");
    let mut tx = store.write().await.expect("tx");
    let org = |name: &str, kind: &str, region: &str| OrgDraft::parse(name, kind, region).expect("draft");
    let bureau_org = orgs::create(&mut tx, &actor, now, &org("测试市科学技术局", "bureau", "市本级")).await.expect("org").id;
    let ruian_org = orgs::create(&mut tx, &actor, now, &org("瑞安市科学技术局（测试）", "county_department", "瑞安市")).await.expect("org").id;
    let lucheng_univ = orgs::create(&mut tx, &actor, now, &org("鹿城测试大学", "university", "鹿城区")).await.expect("org").id;
    for (username, role, org_id) in [
        ("chief", Role::Bureau, bureau_org),
        ("ruian", Role::County, ruian_org),
        ("scholar", Role::Researcher, lucheng_univ),
        ("reviewer", Role::Expert, lucheng_univ),
    ] {
        let new = NewUser {
            username: Username::parse(username).expect("username"),
            display_name: format!("测试{username}"),
            role,
            org_id,
            password_hash: fixture_hash().to_owned(),
            is_demo: false,
        };
        users::create(&mut tx, &actor, now, &new).await.expect("user");
    }
    tx.commit().await.expect("commit fixture");

    let state = AppState::new(store.clone(), config, clock.clone()).expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    tokio::spawn(pocnet_web::serve(listener, state.clone(), std::future::pending()));
    TestApp { base: format!("http://{addr}"), store, clock, bureau_org, ruian_org, lucheng_univ, state, _tmp: tmp }
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn browser() -> Client {
    Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Signs in over the API; returns (client with cookie, token, csrf token).
    pub async fn login(&self, username: &str) -> (Client, String, String) {
        let client = browser();
        let resp = client
            .post(self.url("/api/v1/auth/login"))
            .json(&json!({"username": username, "password": PASSWORD}))
            .send()
            .await
            .expect("login request");
        assert_eq!(resp.status(), StatusCode::OK, "login of {username}");
        let body: Value = resp.json().await.expect("login json");
        let token = body["token"].as_str().expect("token").to_owned();
        let csrf = body["csrf_token"].as_str().expect("csrf").to_owned();
        (client, token, csrf)
    }

    /// A client that authenticates with a bearer token only (no cookies).
    pub async fn bearer(&self, username: &str) -> (Client, String) {
        let (_, token, _) = self.login(username).await;
        (Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client"), token)
    }

    pub async fn count(&self, table: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(self.store.pool())
            .await
            .expect("count")
    }
}

/// Asserts the error shape and returns its body.
pub async fn expect_error(resp: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(resp.status(), status, "status");
    let body: Value = resp.json().await.expect("error body is JSON");
    assert_eq!(body["error"]["code"], code, "error code in {body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "message in {body}");
    body
}
