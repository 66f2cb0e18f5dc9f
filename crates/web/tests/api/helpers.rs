//! Spawns a pocnet server on a fresh database per test: a temporary SQLite
//! file, or, when `POCNET_TEST_DATABASE_URL` names a PostgreSQL server, a new
//! database created on it for this test alone.
//!
//! Every `/api/v1` call a test makes is checked against the OpenAPI document
//! (route documented, status declared, JSON bodies valid): see [`conformance`].
//! A violation fails the test when its [`TestApp`] is dropped.

#[path = "conformance.rs"]
pub mod conformance;

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
    /// A plain HTTP client (no cookies, no redirects) for bearer-token calls.
    pub http: Client,
    /// What the OpenAPI check of this server's API calls found.
    pub conformance: Arc<conformance::Conformance>,
    _tmp: Option<tempfile::TempDir>,
}

impl Drop for TestApp {
    /// Fails the test if any API call it made broke the OpenAPI document.
    fn drop(&mut self) {
        let violations = self.conformance.take_violations();
        if std::env::var_os("POCNET_CONFORMANCE_REPORT").is_some() {
            eprintln!("openapi conformance: {} API responses checked", self.conformance.checked());
        }
        if !violations.is_empty() && !std::thread::panicking() {
            panic!("{} API call(s) broke the OpenAPI document:\n- {}", violations.len(), violations.join("\n- "));
        }
    }
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
    let conformance = Arc::new(conformance::Conformance::default());
    let app = pocnet_web::app(state.clone())
        .layer(axum::middleware::from_fn_with_state(conformance.clone(), conformance::record))
        .into_make_service_with_connect_info::<SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let http = Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client");
    TestApp { base: format!("http://{addr}"), store, clock, bureau_org: bureau_org.get(), ruian_org: ruian_org.get(), lucheng_univ: lucheng_univ.get(), state, http, conformance, _tmp: tmp }
}

/// A second web node on the same database and clock (as two servers behind
/// one reverse proxy would run); returns its base URL.
pub async fn spawn_second_node(app: &TestApp, config: WebConfig) -> String {
    let state = AppState::new(app.store.clone(), config, app.clock.clone()).expect("state");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr: SocketAddr = listener.local_addr().expect("addr");
    tokio::spawn(pocnet_web::serve(listener, state, std::future::pending()));
    format!("http://{addr}")
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

    /// Rows of `table` matching a condition.
    pub async fn count_where(&self, table: &str, condition: &str) -> i64 {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE {condition}"))
            .fetch_one(self.store.pool())
            .await
            .expect("count")
    }
}

/// A `multipart/form-data` body: text fields, then a file field `file` (name, bytes) if given;
/// returns (content type, body).
pub fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "pocnet-multipart-boundary-5e8a1";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes());
    }
    if let Some((filename, bytes)) = file {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Asserts the error shape and returns its body.
pub async fn expect_error(resp: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(resp.status(), status, "status");
    let body: Value = resp.json().await.expect("error body is JSON");
    assert_eq!(body["error"]["code"], code, "error code in {body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "message in {body}");
    body
}

// ---------------------------------------------------------------------------
// Workflow fixtures: registry, recognition and supervision over HTTP.
// ---------------------------------------------------------------------------

/// Wenzhou recognition profile id.
pub const WENZHOU: &str = "wenzhou-municipal-2025";
/// Urumqi profile id (creation and recognition).
pub const URUMQI: &str = "urumqi-2026";

/// A server whose sessions outlive the months the workflow tests move the
/// clock through (notice periods, change deadlines, two-year bars).
pub async fn spawn_workflow_app() -> TestApp {
    let config = WebConfig {
        session_idle: chrono::Duration::days(3650),
        session_absolute: chrono::Duration::days(3650),
        ..WebConfig::default()
    };
    spawn_app_with(config).await
}

/// A minimal PDF whose bytes differ by `tag`.
pub fn pdf(tag: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% pocnet test evidence: {tag}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

/// Reads a response, asserting its status; the body as JSON (`Null` when empty).
pub async fn expect_status(resp: Response, status: StatusCode) -> Value {
    let got = resp.status();
    let url = resp.url().to_string();
    let text = resp.text().await.expect("body");
    assert_eq!(got, status, "{url}: {text}");
    if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    }
}

impl TestApp {
    /// The clock's time.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        pocnet_web::clock::Clock::now(self.clock.as_ref())
    }

    /// Today in China (UTC+8), as the server counts days.
    pub fn today(&self) -> chrono::NaiveDate {
        self.state.today()
    }

    /// Moves the clock forward to `rfc3339` (it never goes back).
    pub fn set_time(&self, rfc3339: &str) {
        let target = chrono::DateTime::parse_from_rfc3339(rfc3339).expect("time").with_timezone(&chrono::Utc);
        let by = target - self.now();
        assert!(by >= chrono::Duration::zero(), "the clock only moves forward: {rfc3339}");
        self.clock.advance(by);
    }

    /// Moves the clock forward to 09:00 China time of `day` (YYYY-MM-DD).
    pub fn set_today(&self, day: &str) {
        self.set_time(&format!("{day}T09:00:00+08:00"));
        assert_eq!(self.today().to_string(), day);
    }

    /// Adds an organisation.
    pub async fn add_org(&self, name: &str, kind: &str, region: &str) -> i64 {
        let mut tx = self.store.write().await.expect("tx");
        let draft = OrgDraft::parse(name, kind, region).expect("org draft");
        let id = orgs::create(&mut tx, &Actor::system("test"), self.now(), &draft).await.expect("org").id;
        tx.commit().await.expect("commit");
        id.get()
    }

    /// Adds an account (password [`PASSWORD`]).
    pub async fn add_user(&self, username: &str, role: Role, org_id: i64) -> i64 {
        let mut tx = self.store.write().await.expect("tx");
        let new = NewUser {
            username: Username::parse(username).expect("username"),
            display_name: format!("测试{username}"),
            role,
            org_id: org_id.into(),
            password_hash: fixture_hash().to_owned(),
            is_demo: false,
        };
        let id = users::create(&mut tx, &Actor::system("test"), self.now(), &new).await.expect("user").id;
        tx.commit().await.expect("commit");
        id.get()
    }

    /// A bearer token for an account, from a session opened directly in the
    /// store (no argon2 round per login: the workflow tests sign in many roles).
    pub async fn token(&self, username: &str) -> String {
        let id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
            .bind(username)
            .fetch_one(self.store.pool())
            .await
            .expect("user exists");
        let mut tx = self.store.write().await.expect("tx");
        let (token, _csrf) =
            pocnet_store::sessions::create(&mut tx, id.into(), self.now(), self.state.config().session_absolute).await.expect("session");
        tx.commit().await.expect("commit");
        token
    }

    /// Adds a library expert of `org_id`, linked to an expert account if given.
    pub async fn add_expert(&self, name: &str, org_id: i64, user_id: Option<i64>) -> i64 {
        let ts = pocnet_store::format_ts(self.now());
        sqlx::query_scalar(
            "INSERT INTO experts (user_id, name, kind, org_id, title, fields, sub_fields, keywords, region, bio, created_at, updated_at) \
             VALUES ($1, $2, 'industry', $3, '高级工程师', '[\"smart_equipment\"]', '[]', '[]', '鹿城区', '测试专家', $4, $4) RETURNING id",
        )
        .bind(user_id)
        .bind(name)
        .bind(org_id)
        .bind(&ts)
        .fetch_one(self.store.pool())
        .await
        .expect("expert")
    }

    /// Adds `n` library results of a center in `state`; returns their ids.
    pub async fn add_results(&self, center_id: i64, owner_org_id: i64, n: usize, state: &str) -> Vec<i64> {
        let ts = pocnet_store::format_ts(self.now());
        let mut ids = Vec::with_capacity(n);
        for i in 0..n {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO research_results (title, summary, secret_summary, field, sub_field, source, owner_org_id, \
                 center_id, state, trl, team, patents, submitted_on, created_at, updated_at) \
                 VALUES ($1, '测试成果', '', 'smart_equipment', '', 'enterprise', $2, $3, $4, 4, '[]', '[]', '2026-01-05', $5, $5) RETURNING id",
            )
            .bind(format!("测试成果{center_id}-{state}-{i}"))
            .bind(owner_org_id)
            .bind(center_id)
            .bind(state)
            .bind(&ts)
            .fetch_one(self.store.pool())
            .await
            .expect("result");
            ids.push(id);
        }
        ids
    }

    /// Records an outcome (`prototype`, `landed_transfer`, `service_contract`, …) of a result.
    pub async fn add_outcome(&self, result_id: i64, kind: &str, amount_yuan: i64) {
        let ts = pocnet_store::format_ts(self.now());
        sqlx::query(
            "INSERT INTO result_outcomes (result_id, kind, achieved_on, amount_yuan, evidence, created_at) \
             VALUES ($1, $2, '2026-01-20', $3, '测试证明', $4)",
        )
        .bind(result_id)
        .bind(kind)
        .bind(amount_yuan)
        .bind(&ts)
        .execute(self.store.pool())
        .await
        .expect("outcome");
    }

    /// A GET under the API with a bearer token.
    pub async fn get(&self, token: &str, path: &str) -> Response {
        self.http.get(self.url(path)).bearer_auth(token).send().await.expect("GET")
    }

    /// A GET under the API without signing in.
    pub async fn get_anon(&self, path: &str) -> Response {
        self.http.get(self.url(path)).send().await.expect("GET")
    }

    /// A JSON POST with a bearer token.
    pub async fn post(&self, token: &str, path: &str, body: &Value) -> Response {
        self.http.post(self.url(path)).bearer_auth(token).json(body).send().await.expect("POST")
    }

    /// A JSON PUT under the API with a bearer token.
    pub async fn put(&self, token: &str, path: &str, body: &Value) -> Response {
        self.http.put(self.url(path)).bearer_auth(token).json(body).send().await.expect("PUT")
    }

    /// A JSON POST without signing in.
    pub async fn post_anon(&self, path: &str, body: &Value) -> Response {
        self.http.post(self.url(path)).json(body).send().await.expect("POST")
    }

    /// A JSON DELETE with a bearer token.
    pub async fn delete(&self, token: &str, path: &str, body: &Value) -> Response {
        self.http.delete(self.url(path)).bearer_auth(token).json(body).send().await.expect("DELETE")
    }

    /// Anonymous POST that must answer `status`; its JSON.
    pub async fn post_expect_anon(&self, path: &str, body: &Value, status: StatusCode) -> Value {
        expect_status(self.post_anon(path, body).await, status).await
    }

    /// GET that must answer 200; its JSON.
    pub async fn get_ok(&self, token: &str, path: &str) -> Value {
        expect_status(self.get(token, path).await, StatusCode::OK).await
    }

    /// POST that must answer `status`; its JSON.
    pub async fn post_expect(&self, token: &str, path: &str, body: &Value, status: StatusCode) -> Value {
        expect_status(self.post(token, path, body).await, status).await
    }

    /// Uploads an evidence document (multipart `topic` + `file`), built by hand.
    pub async fn upload(&self, token: &str, center_id: i64, topic: &str, filename: &str, content: &[u8]) -> Response {
        let boundary = "pocnet-test-boundary-4f1c2a";
        let mut body = Vec::with_capacity(content.len() + 512);
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"topic\"\r\n\r\n{topic}\r\n").as_bytes());
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.http
            .post(self.url(&format!("/api/v1/centers/{center_id}/documents")))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .expect("upload")
    }

    /// One edit of a center's file that must succeed.
    pub async fn file_op(&self, token: &str, center_id: i64, op: Value) -> Value {
        self.post_expect(token, &format!("/api/v1/centers/{center_id}/file"), &op, StatusCode::OK).await
    }

    /// A center's eligibility against a profile's stage.
    pub async fn eligibility(&self, token: &str, center_id: i64, profile: &str, kind: &str) -> Value {
        self.get_ok(token, &format!("/api/v1/centers/{center_id}/eligibility?profile={profile}&kind={kind}")).await
    }

    /// Reads an application's detail as `token` sees it.
    pub async fn application(&self, token: &str, id: i64) -> Value {
        self.get_ok(token, &format!("/api/v1/applications/{id}")).await
    }

    /// Takes a step on the application's current version (read first as `token`).
    pub async fn step(&self, token: &str, id: i64, action: &str, comments: &str) -> Response {
        let version = self.application(token, id).await["application"]["version"].as_i64().expect("version");
        self.step_on(token, id, action, comments, version, None).await
    }

    /// Takes a step on a given version, with an optional notice start.
    pub async fn step_on(&self, token: &str, id: i64, action: &str, comments: &str, version: i64, notice_start: Option<&str>) -> Response {
        let mut body = json!({"action": action, "comments": comments, "version": version});
        if let Some(d) = notice_start {
            body["notice_start"] = json!(d);
        }
        self.post(token, &format!("/api/v1/applications/{id}/steps"), &body).await
    }

    /// A step that must succeed; the application after it.
    pub async fn step_ok(&self, token: &str, id: i64, action: &str, comments: &str) -> Value {
        expect_status(self.step(token, id, action, comments).await, StatusCode::OK).await
    }
}

/// The accounts of a workflow test, each with a bearer token.
pub struct Crew {
    /// The bureau (`chief`).
    pub chief: String,
    /// The 瑞安市 county department (`ruian`).
    pub ruian: String,
    /// A center operator (`operator`) of an enterprise in 瑞安市.
    pub operator: String,
    /// The operator's organisation.
    pub operator_org: i64,
    /// Three panel experts: (token, library expert id), accounts `panel1`–`panel3`.
    pub panel: Vec<(String, i64)>,
}

/// Creates the operator's enterprise and account and three expert accounts
/// linked to library experts, and opens sessions for every role.
pub async fn crew(app: &TestApp) -> Crew {
    let operator_org = app.add_org("瑞安测试智能装备有限公司", "enterprise", "瑞安市").await;
    app.add_user("operator", Role::Center, operator_org).await;
    let mut panel = Vec::new();
    for i in 1..=3 {
        let username = format!("panel{i}");
        let user_id = app.add_user(&username, Role::Expert, app.lucheng_univ).await;
        let expert_id = app.add_expert(&format!("评审专家{i}"), app.lucheng_univ, Some(user_id)).await;
        panel.push((app.token(&username).await, expert_id));
    }
    Crew { chief: app.token("chief").await, ruian: app.token("ruian").await, operator: app.token("operator").await, operator_org, panel }
}

/// Publishes a call (bureau); returns its id.
pub async fn publish_call(app: &TestApp, chief: &str, profile: &str, kind: &str, deadline: &str) -> i64 {
    let body = json!({"title": format!("{profile} {kind} 申报通知（测试）"), "profile_id": profile, "kind": kind,
        "body": "请符合条件的单位按要求申报。", "deadline": deadline});
    app.post_expect(chief, "/api/v1/calls", &body, StatusCode::CREATED).await["id"].as_i64().expect("call id")
}

/// Registers a PoC center of the operator's unit; returns its id.
pub async fn register_center(app: &TestApp, operator: &str, name: &str, fields: &[&str], floor_area_m2: Option<i64>) -> i64 {
    let body = json!({"name": name, "kind": "poc_center", "fields": fields, "admin_director": "张行政", "tech_director": "李技术",
        "summary": "面向产业的概念验证服务", "floor_area_m2": floor_area_m2});
    let c = app.post_expect(operator, "/api/v1/registry/centers", &body, StatusCode::CREATED).await;
    assert_eq!(c["stage"], "applying");
    c["id"].as_i64().expect("center id")
}

/// Uploads one PDF per topic.
pub async fn upload_evidence(app: &TestApp, operator: &str, center_id: i64, topics: &[&str]) {
    for topic in topics {
        let resp = app.upload(operator, center_id, topic, &format!("{topic}.pdf"), &pdf(&format!("{center_id}/{topic}"))).await;
        expect_status(resp, StatusCode::CREATED).await;
    }
}

async fn add_staff(app: &TestApp, operator: &str, center_id: i64, n: usize, fulltime: usize, tech_managers: usize) {
    for i in 0..n {
        let op = json!({"op": "add_staff", "name": format!("服务人员{i}"), "position": "技术经理人",
            "fulltime": (i < fulltime).to_string(), "tech_manager": (i < tech_managers).to_string()});
        app.file_op(operator, center_id, op).await;
    }
}

async fn add_advisors(app: &TestApp, operator: &str, center_id: i64, external: usize, internal_org: i64, internal: usize) {
    for i in 0..external + internal {
        let org = if i < external { app.lucheng_univ } else { internal_org };
        let e = app.add_expert(&format!("顾问专家{center_id}-{i}"), org, None).await;
        app.file_op(operator, center_id, json!({"op": "add_advisor", "expert_id": e})).await;
    }
}

async fn declare_all(app: &TestApp, operator: &str, center_id: i64, codes: &[&str]) {
    for code in codes {
        app.file_op(operator, center_id, json!({"op": "declare", "code": code, "value": "yes"})).await;
    }
}

/// Wenzhou recognition: the declaration criteria.
pub const WENZHOU_DECLARATIONS: &[&str] =
    &["legal_entity_in_wenzhou", "verification_capability", "director_appointed", "management_system", "compliance_three_years"];
/// Wenzhou recognition: the declared figures that need evidence.
pub const WENZHOU_DECLARED_FACTS: &[&str] =
    &["special_funds_per_year_yuan", "fund_size_yuan", "service_staff", "fulltime_service_staff", "fulltime_tech_managers"];

/// Everything a Wenzhou center needs but its evidence: team, funds,
/// advisors, declarations (API) and library results with outcomes (SQL),
/// each exactly at its threshold.
pub async fn wenzhou_records(app: &TestApp, operator: &str, center_id: i64, host_org: i64) {
    add_staff(app, operator, center_id, 10, 5, 1).await;
    app.file_op(operator, center_id, json!({"op": "add_equipment", "name": "激光验证平台", "amount_yuan": "3000000"})).await;
    app.file_op(operator, center_id, json!({"op": "add_special_funds", "year": 2025, "amount_yuan": "1000000", "name": "2025年专项资金"})).await;
    app.file_op(operator, center_id, json!({"op": "add_fund", "name": "瑞安概念验证合作基金", "amount_yuan": "10000000"})).await;
    add_advisors(app, operator, center_id, 3, host_org, 2).await;
    declare_all(app, operator, center_id, WENZHOU_DECLARATIONS).await;
    let results = app.add_results(center_id, host_org, 40, "verified").await;
    for (i, r) in results.iter().enumerate() {
        if i < 20 {
            app.add_outcome(*r, if i % 2 == 0 { "prototype" } else { "product" }, 0).await;
        }
        if i < 10 {
            app.add_outcome(*r, "landed_transfer", 0).await;
        }
    }
}

/// The evidence documents of a Wenzhou center.
pub async fn wenzhou_evidence(app: &TestApp, operator: &str, center_id: i64) {
    upload_evidence(app, operator, center_id, WENZHOU_DECLARED_FACTS).await;
    upload_evidence(app, operator, center_id, WENZHOU_DECLARATIONS).await;
}

/// Registers a center of the operator's unit that meets every Wenzhou
/// recognition criterion (figures, evidence, declarations); returns its id.
pub async fn make_wenzhou_ready_center(app: &TestApp, operator: &str, name: &str) -> i64 {
    let id = make_wenzhou_center_off_the_list(app, operator, name).await;
    put_on_creation_list(app, id).await;
    let e = app.eligibility(operator, id, WENZHOU, "recognition").await;
    assert_eq!((e["not_met"].as_i64(), e["missing_evidence"].as_i64()), (Some(0), Some(0)), "ready: {e}");
    id
}

/// A Wenzhou center with every record and document but not yet on the
/// creation list: the one criterion it lacks is 先创建后认定 (000 方案 三(二)).
pub async fn make_wenzhou_center_off_the_list(app: &TestApp, operator: &str, name: &str) -> i64 {
    let id = register_center(app, operator, name, &["smart_equipment"], Some(500)).await;
    let host = app.get_ok(operator, &format!("/api/v1/centers/{id}")).await["center"]["host_org_id"].as_i64().expect("host");
    wenzhou_records(app, operator, id, host).await;
    wenzhou_evidence(app, operator, id).await;
    let e = app.eligibility(operator, id, WENZHOU, "recognition").await;
    assert_eq!((e["not_met"].as_i64(), e["missing_evidence"].as_i64()), (Some(1), Some(0)), "all but the creation list: {e}");
    id
}

/// The bureau enters a center on the creation list it published before the
/// platform (a recorded stage change with reason and article): "先创建后认定"
/// (000 方案 三(二)) then lets it apply for recognition. The full creation
/// procedure is tested in `policies` and `day_one`.
pub async fn put_on_creation_list(app: &TestApp, center_id: i64) {
    let chief = app.token("chief").await;
    let v = app.get_ok(&chief, &format!("/api/v1/centers/{center_id}")).await["center"]["version"].clone();
    let body = json!({"stage": "creating", "level": "municipal", "reason": "列入2025年度市级概念验证中心创建名单（平台上线前发布）",
        "article": "方案三(二)", "version": v});
    app.post_expect(&chief, &format!("/api/v1/centers/{center_id}/grade"), &body, StatusCode::OK).await;
}

/// Urumqi: the declaration criteria of both stages. "已纳入创建名单" (四(二)1) is
/// not among them: it is read from the records (issue 10).
pub const URUMQI_DECLARATIONS: &[&str] =
    &["construction_plan", "director_with_transfer_experience", "own_or_partner_fund", "credit_three_years", "management_system"];
/// Urumqi: the declared figures that need evidence.
pub const URUMQI_DECLARED_FACTS: &[&str] =
    &["floor_area_m2", "equipment_value_yuan", "service_staff", "tech_managers", "special_funds_per_year_yuan"];

/// Registers a center of the operator's unit that meets every Urumqi
/// creation criterion and every recognition criterion but the creation list
/// (which only a creation approval puts it on). The "≥5 qualifying verifications or
/// ≥100,000 yuan service income" criterion is met by income alone: no
/// result is completed, one result still verifying earned 120,000 yuan.
pub async fn make_urumqi_ready_center(app: &TestApp, operator: &str, name: &str) -> i64 {
    let id = register_center(app, operator, name, &["new_energy"], Some(300)).await;
    let host = app.get_ok(operator, &format!("/api/v1/centers/{id}")).await["center"]["host_org_id"].as_i64().expect("host");
    add_staff(app, operator, id, 6, 6, 3).await;
    app.file_op(operator, id, json!({"op": "add_equipment", "name": "储能验证平台", "amount_yuan": "5000001"})).await;
    app.file_op(operator, id, json!({"op": "add_special_funds", "year": 2025, "amount_yuan": "500000"})).await;
    add_advisors(app, operator, id, 5, host, 5).await;
    declare_all(app, operator, id, URUMQI_DECLARATIONS).await;
    app.add_results(id, host, 20, "admitted").await;
    let verifying = app.add_results(id, host, 1, "verifying").await;
    app.add_outcome(verifying[0], "service_contract", 120_000).await;
    upload_evidence(app, operator, id, URUMQI_DECLARED_FACTS).await;
    upload_evidence(app, operator, id, URUMQI_DECLARATIONS).await;
    let e = app.eligibility(operator, id, URUMQI, "creation").await;
    assert_eq!((e["not_met"].as_i64(), e["missing_evidence"].as_i64()), (Some(0), Some(0)), "creation ready: {e}");
    // Recognition waits only for the published creation list (003 四(二)1), a record no one declares.
    let e = app.eligibility(operator, id, URUMQI, "recognition").await;
    let unmet: Vec<&str> = e["criteria"].as_array().expect("criteria").iter().filter(|c| c["outcome"] != "met").filter_map(|c| c["code"].as_str()).collect();
    assert_eq!(unmet, ["on_creation_list"], "recognition ready but for the creation list: {e}");
    id
}

/// Opens a draft application; returns its id.
pub async fn apply(app: &TestApp, operator: &str, call_id: i64, center_id: i64, proposed_name: &str) -> i64 {
    let body = json!({"call_id": call_id, "center_id": center_id, "proposed_name": proposed_name});
    let a = app.post_expect(operator, "/api/v1/applications", &body, StatusCode::CREATED).await;
    assert_eq!(a["state"], "draft");
    a["id"].as_i64().expect("application id")
}

/// Puts the crew's three experts on the panel and has each score.
pub async fn panel_scores(app: &TestApp, crew: &Crew, id: i64, scores: [i64; 3]) {
    for ((token, expert_id), score) in crew.panel.iter().zip(scores) {
        app.post_expect(&crew.chief, &format!("/api/v1/applications/{id}/panel"), &json!({"expert_id": expert_id}), StatusCode::NO_CONTENT).await;
        let pledge = json!({"decision": "no_conflict", "pledge": "true"});
        app.post_expect(token, &format!("/api/v1/applications/{id}/declaration"), &pledge, StatusCode::NO_CONTENT).await;
        let body = json!({"score": score, "comments": format!("评分{score}：验证能力较强")});
        app.post_expect(token, &format!("/api/v1/applications/{id}/scores"), &body, StatusCode::NO_CONTENT).await;
    }
}

/// Takes a ready Wenzhou center through the whole chain to recognition:
/// apply, submit, county approval, panel, proposal, a notice starting today,
/// and approval the day after it ends (the clock moves). Returns the application id.
pub async fn recognize_wenzhou(app: &TestApp, crew: &Crew, call_id: i64, center_id: i64, proposed_name: &str) -> i64 {
    let id = apply(app, &crew.operator, call_id, center_id, proposed_name).await;
    app.step_ok(&crew.operator, id, "submit", "").await;
    app.step_ok(&crew.ruian, id, "county_approve", "同意推荐").await;
    panel_scores(app, crew, id, [80, 85, 90]).await;
    app.step_ok(&crew.chief, id, "propose", "列入拟认定名单").await;
    let a = app.step_ok(&crew.chief, id, "publish_notice", "").await;
    let end = a["notice_end"].as_str().expect("notice end").to_owned();
    let after = chrono::NaiveDate::parse_from_str(&end, "%Y-%m-%d").expect("day").succ_opt().expect("next day");
    app.set_today(&after.to_string());
    let a = app.step_ok(&crew.chief, id, "approve", "公示期满无异议").await;
    assert_eq!(a["state"], "approved");
    id
}

/// Takes a project through the whole pipeline over the API, as the people would: `researcher`
/// submits it to `center` (its team marked secret), the operator screens it with the crew's
/// panel and admits it, plans one milestone, the researcher submits the evidence, the operator
/// accepts it and issues the report. Returns the verified project's id.
pub async fn verify_project(app: &TestApp, crew: &Crew, researcher: &str, center: i64, title: &str) -> i64 {
    let id = screen_project(app, crew, researcher, center, title).await;
    finish_verification(app, crew, researcher, id).await;
    id
}

/// A researcher's result taken in by `center` and put to screening (入库遴选中, TRL 5 with a trade secret).
pub async fn screen_project(app: &TestApp, crew: &Crew, researcher: &str, center: i64, title: &str) -> i64 {
    let intake = json!({"center_id": center, "ref_no": format!("V-{title}"), "title": title, "summary": format!("{title}，已完成实验室验证。"),
        "secret_summary": "关键工艺参数：烧结温度1180℃", "field": "smart_equipment", "sub_field": "industrial_robots", "source": "高校",
        "team": ["张伟", "李娜"], "patents": [], "trl": 5, "trl_evidence": "实验室测试报告", "stage": "prototype", "secret_parts": ["team"]});
    let id = app.post_expect(researcher, "/api/v1/results", &intake, StatusCode::CREATED).await["id"].as_i64().expect("result id");
    project_step(app, crew, id, "start_screening").await;
    id
}

async fn project_step(app: &TestApp, crew: &Crew, id: i64, action: &str) {
    let version = app.get_ok(&crew.operator, &format!("/api/v1/results/{id}")).await["project"]["version"].as_i64().expect("version");
    app.post_expect(&crew.operator, &format!("/api/v1/results/{id}/steps"), &json!({"action": action, "comments": "", "version": version}), StatusCode::OK).await;
}

/// Takes a project in screening through the panel, admission, one milestone and the report (TRL 6, 建议转入中试).
pub async fn finish_verification(app: &TestApp, crew: &Crew, researcher: &str, id: i64) {
    for (token, expert) in &crew.panel {
        app.post_expect(&crew.operator, &format!("/api/v1/results/{id}/panel"), &json!({"expert_id": expert}), StatusCode::NO_CONTENT).await;
        app.post_expect(token, &format!("/api/v1/results/{id}/declaration"), &json!({"decision": "no_conflict", "pledge": "true"}), StatusCode::NO_CONTENT).await;
        let scores = json!({"scores": {"theoretical_innovation": 85, "technical_feasibility": 85, "market_potential": 80, "ip_completeness": 80}, "comments": "具备入库条件"});
        app.post_expect(token, &format!("/api/v1/results/{id}/scores"), &scores, StatusCode::OK).await;
    }
    project_step(app, crew, id, "admit").await;
    let plan = json!({"goal": "验证样机在典型工况下的性能与成本", "trl_target": 6, "manager_name": "陈经理", "manager_phone": "13800000000",
        "starts_on": "2026-03-01", "ends_on": "2026-12-31"});
    expect_status(app.put(&crew.operator, &format!("/api/v1/results/{id}/plan"), &plan).await, StatusCode::OK).await;
    let m = json!({"kind": "technical", "title": "性能验证", "goal": "达到约定验收标准", "due_on": "2026-05-31", "budget_yuan": "100000"});
    let m = app.post_expect(&crew.operator, &format!("/api/v1/results/{id}/milestones"), &m, StatusCode::CREATED).await;
    let mid = m["id"].as_i64().expect("milestone id");
    project_step(app, crew, id, "start_verification").await;
    let m = app.post_expect(researcher, &format!("/api/v1/milestones/{mid}/steps"), &json!({"action": "submit", "evidence": "第三方检测报告", "version": m["version"]}), StatusCode::OK).await;
    app.post_expect(&crew.operator, &format!("/api/v1/milestones/{mid}/steps"), &json!({"action": "accept", "note": "达标", "version": m["version"]}), StatusCode::OK).await;
    let report = json!({"summary": "样机性能达标，成本可控，具备转化条件", "trl_after": 6, "recommendation": "go_pilot",
        "findings": [{"milestone_id": mid, "finding": "性能达标"}]});
    app.post_expect(&crew.operator, &format!("/api/v1/results/{id}/report"), &report, StatusCode::CREATED).await;
}
