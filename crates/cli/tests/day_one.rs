//! Day one of a real installation (issue 10 §1): no demo, no SQL. The bureau
//! creates its first accounts and units with the `pocnet` binary, serves the
//! web API on the same database, and everything else happens over HTTP as a
//! bureau, a county, a center, a researcher and three experts would do it:
//! experts get accounts three ways (CLI link, activation code, application to
//! join), a center builds its library through the verification pipeline
//! (import, screening panels chosen by the assigner, admission, plans,
//! milestones, money, outcomes, report, hand-off), and one Wenzhou
//! recognition runs from the call through county review, a panel of three
//! scoring experts and the public notice to the certificate.
//!
//! Runs on a temporary SQLite file, or on a fresh PostgreSQL database when
//! `POCNET_TEST_DATABASE_URL` names a server. The server runs in this process
//! on a manual clock, so the notice period can pass.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use pocnet_store::Store;
use pocnet_web::clock::ManualClock;
use pocnet_web::config::WebConfig;
use pocnet_web::AppState;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::sync::Arc;

const WENZHOU: &str = "wenzhou-municipal-2025";

struct Install {
    dir: tempfile::TempDir,
    url: String,
}

impl Install {
    async fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = match std::env::var("POCNET_TEST_DATABASE_URL") {
            Ok(admin_url) => {
                let name = format!("pocnet_test_{}", &pocnet_store::sessions::new_token()[..16]);
                let admin = Store::connect(&admin_url, 1).await.unwrap();
                sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin.pool()).await.unwrap();
                admin.close().await;
                let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b).to_owned();
                format!("{base}/{name}")
            }
            Err(_) => format!("sqlite://{}", dir.path().join("pocnet.db").display()),
        };
        Self { dir, url }
    }

    /// Runs the binary as an administrator would, `stdin` piped in.
    fn pocnet(&self, args: &[&str], stdin: &str) -> String {
        let out = common::run(self.dir.path(), Some(&self.url), args, stdin);
        let text = common::text(&out);
        assert!(out.status.success(), "pocnet {args:?}: {text}");
        text
    }

    fn file(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

struct Api {
    base: String,
    http: Client,
    clock: Arc<ManualClock>,
}

impl Api {
    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    async fn login(&self, username: &str, password: &str) -> String {
        let r = self.http.post(self.url("/api/v1/auth/login")).json(&json!({"username": username, "password": password})).send().await.unwrap();
        let status = r.status();
        let body: Value = r.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "login {username}: {body}");
        body["token"].as_str().unwrap().to_owned()
    }

    async fn call(&self, method: reqwest::Method, token: Option<&str>, path: &str, body: Option<&Value>, want: StatusCode) -> Value {
        let mut req = self.http.request(method.clone(), self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        if let Some(b) = body {
            req = req.json(b);
        }
        let resp = req.send().await.unwrap();
        let status = resp.status();
        let text = resp.text().await.unwrap();
        assert_eq!(status, want, "{method} {path}: {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    async fn get(&self, token: &str, path: &str) -> Value {
        self.call(reqwest::Method::GET, Some(token), path, None, StatusCode::OK).await
    }

    async fn post(&self, token: &str, path: &str, body: Value, want: StatusCode) -> Value {
        self.call(reqwest::Method::POST, Some(token), path, Some(&body), want).await
    }

    async fn put(&self, token: &str, path: &str, body: Value) -> Value {
        self.call(reqwest::Method::PUT, Some(token), path, Some(&body), StatusCode::OK).await
    }

    async fn upload(&self, token: &str, center: i64, topic: &str) {
        let boundary = "pocnet-day-one-boundary";
        let pdf = format!("%PDF-1.4\n% evidence {center}/{topic}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"topic\"\r\n\r\n{topic}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{topic}.pdf\"\r\nContent-Type: application/pdf\r\n\r\n{pdf}\r\n--{boundary}--\r\n"
        );
        let r = self
            .http
            .post(self.url(&format!("/api/v1/centers/{center}/documents")))
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "upload {topic}");
    }

    async fn file_op(&self, token: &str, center: i64, op: Value) {
        self.post(token, &format!("/api/v1/centers/{center}/file"), op, StatusCode::OK).await;
    }

    /// A result's pipeline step at its current version.
    async fn result_step(&self, token: &str, id: i64, action: &str) -> Value {
        let v = self.get(token, &format!("/api/v1/results/{id}")).await["project"]["version"].as_i64().unwrap();
        self.post(token, &format!("/api/v1/results/{id}/steps"), json!({"action": action, "comments": "", "version": v}), StatusCode::OK).await
    }

    /// An application's step at its current version.
    async fn application_step(&self, token: &str, id: i64, action: &str, comments: &str) -> Value {
        let v = self.get(token, &format!("/api/v1/applications/{id}")).await["application"]["version"].as_i64().unwrap();
        self.post(token, &format!("/api/v1/applications/{id}/steps"), json!({"action": action, "comments": comments, "version": v}), StatusCode::OK).await
    }

    fn set_today(&self, day: &str) {
        let target = chrono::DateTime::parse_from_rfc3339(&format!("{day}T09:00:00+08:00")).unwrap().with_timezone(&chrono::Utc);
        let now = pocnet_web::clock::Clock::now(self.clock.as_ref());
        self.clock.advance(target - now);
    }
}

const PASSWORD: &str = "day-one-secret-42";

async fn serve(install: &Install) -> Api {
    let store = Store::connect(&install.url, 8).await.unwrap();
    store.migrate().await.unwrap();
    let start = chrono::DateTime::parse_from_rfc3339("2026-12-01T01:00:00Z").unwrap().with_timezone(&chrono::Utc);
    let clock = Arc::new(ManualClock::new(start));
    let config = WebConfig { session_idle: chrono::Duration::days(60), session_absolute: chrono::Duration::days(60), ..WebConfig::default() };
    let state = AppState::new(store, config, clock.clone()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(pocnet_web::serve(listener, state, std::future::pending()));
    Api { base: format!("http://{addr}"), http: Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap(), clock }
}

fn expert(name: &str, kind: &str, org: i64, field: &str) -> Value {
    json!({"name": name, "kind": kind, "org_id": org, "title": "教授级高工", "fields": [field], "keywords": ["智能装备"], "region": "市外",
        "bio": "长期从事智能装备技术研究与成果转化。"})
}

/// 39 results of the university, as its technology-transfer office sends them.
fn results_csv() -> String {
    let mut lines = vec!["成果编号,成果名称,成果简介,保密内容,产业领域,细分领域,成果来源,所属单位,研发团队,知识产权,技术就绪度,就绪度依据,成果阶段,商业秘密部分".to_owned()];
    for i in 2..=40 {
        lines.push(format!(
            "DAY-{i:03},智能装备关键部件成果{i},面向智能装备的关键部件技术第{i}项，已完成实验室样机验证。,工艺参数{i},smart_equipment,industrial_robots,高校,瓯江测试大学,张工{i},,4,实验室样机测试报告,样品/样机阶段,"
        ));
    }
    lines.join("\n")
}

#[tokio::test]
async fn a_bureau_runs_recognition_and_verification_on_an_installation_made_only_through_the_cli_and_the_api() {
    let install = Install::new().await;
    let pw = format!("{PASSWORD}\n");

    // Day one at the terminal: the bureau's administrator, the units, the first accounts.
    install.pocnet(&["user", "add", "--username", "chief", "--role", "bureau"], &pw);
    for (name, kind, region) in [
        ("瑞安市科学技术局", "county_department", "瑞安市"),
        ("瑞安智造装备有限公司", "enterprise", "瑞安市"),
        ("瓯江测试大学", "university", "鹿城区"),
        ("杭州测试研究院", "research_institute", "市外"),
        ("温州中试基地有限公司", "enterprise", "龙湾区"),
    ] {
        install.pocnet(&["org", "add", "--name", name, "--kind", kind, "--region", region], "");
    }
    for (user, role, org) in [
        ("ruian", "county", "瑞安市科学技术局"),
        ("operator", "center", "瑞安智造装备有限公司"),
        ("scholar", "researcher", "瓯江测试大学"),
        ("platform", "center", "温州中试基地有限公司"),
        ("zhang.san", "expert", "杭州测试研究院"),
    ] {
        install.pocnet(&["user", "add", "--username", user, "--role", role, "--org", org], &pw);
    }
    let api = serve(&install).await;
    let chief = api.login("chief", PASSWORD).await;
    let orgs = api.get(&chief, "/api/v1/organisations?per_page=50").await;
    let org = |name: &str| orgs["items"].as_array().unwrap().iter().find(|o| o["name"] == name).unwrap()["id"].as_i64().unwrap();
    let (institute, host) = (org("杭州测试研究院"), org("瑞安智造装备有限公司"));

    // Experts get accounts three ways. (1) An account made with `pocnet user add`, linked with `pocnet expert link`.
    let e1 = api.post(&chief, "/api/v1/experts", expert("张三", "academic", institute, "smart_equipment"), StatusCode::CREATED).await["id"].as_i64().unwrap();
    install.pocnet(&["expert", "link", "--expert", &e1.to_string(), "--username", "zhang.san"], "");
    // (2) The bureau opens the account from the record; the expert activates it with the code.
    let e2 = api.post(&chief, "/api/v1/experts", expert("李四", "investment", institute, "smart_equipment"), StatusCode::CREATED).await["id"].as_i64().unwrap();
    let inv = api.post(&chief, &format!("/api/v1/experts/{e2}/invitation"), json!({"username": "li.si"}), StatusCode::CREATED).await;
    api.call(reqwest::Method::POST, None, "/api/v1/auth/activate", Some(&json!({"code": inv["code"], "password": PASSWORD})), StatusCode::OK).await;
    // (3) An industry expert applies to join; the bureau approves.
    let join = json!({"username": "wang.wu", "password": PASSWORD, "org_name": "宁波测试机器人有限公司", "org_kind": "enterprise",
        "name": "王五", "kind": "industry", "title": "总工程师", "fields": ["smart_equipment"], "keywords": ["工业机器人"], "region": "市外"});
    let reg = api.call(reqwest::Method::POST, None, "/api/v1/expert-registrations", Some(&join), StatusCode::CREATED).await;
    let approved = api.post(&chief, &format!("/api/v1/expert-registrations/{}/decision", reg["id"]), json!({"decision": "approve"}), StatusCode::OK).await;
    let e3 = approved["expert_id"].as_i64().unwrap();
    let mut experts = Vec::new();
    for (username, id) in [("zhang.san", e1), ("li.si", e2), ("wang.wu", e3)] {
        let token = api.login(username, PASSWORD).await;
        assert_eq!(api.get(&token, "/api/v1/me/expert").await["id"], id, "{username} is linked to its library record");
        experts.push((token, id));
    }

    // The center registers and builds its file.
    let operator = api.login("operator", PASSWORD).await;
    let center = api.post(&operator, "/api/v1/registry/centers", json!({"name": "瑞安智能装备概念验证中心", "kind": "poc_center",
        "fields": ["smart_equipment"], "admin_director": "张行政", "tech_director": "李技术", "summary": "面向智能装备产业的概念验证服务", "floor_area_m2": 600}), StatusCode::CREATED).await["id"].as_i64().unwrap();
    for i in 0..10 {
        api.file_op(&operator, center, json!({"op": "add_staff", "name": format!("服务人员{i}"), "position": "技术经理人",
            "fulltime": (i < 5).to_string(), "tech_manager": (i < 2).to_string()})).await;
    }
    api.file_op(&operator, center, json!({"op": "add_equipment", "name": "精密装配验证线", "amount_yuan": "3000000"})).await;
    for year in [2025, 2026] {
        api.file_op(&operator, center, json!({"op": "add_special_funds", "year": year, "amount_yuan": "1000000", "name": format!("{year}年概念验证专项资金")})).await;
    }
    api.file_op(&operator, center, json!({"op": "add_fund", "name": "瑞安概念验证合作基金", "amount_yuan": "10000000"})).await;
    for code in ["legal_entity_in_wenzhou", "construction_plan", "verification_capability", "director_appointed", "management_system", "compliance_three_years"] {
        api.file_op(&operator, center, json!({"op": "declare", "code": code, "value": "yes"})).await;
        api.upload(&operator, center, code).await;
    }
    for topic in ["special_funds_per_year_yuan", "fund_size_yuan", "service_staff", "fulltime_service_staff", "fulltime_tech_managers"] {
        api.upload(&operator, center, topic).await;
    }

    // The library: one result the researcher submits, 39 the center imports from the university's list.
    let scholar = api.login("scholar", PASSWORD).await;
    let first = api.post(&scholar, "/api/v1/results", json!({"center_id": center, "ref_no": "DAY-001", "title": "协作机器人柔性关节模组",
        "summary": "面向协作机器人的柔性关节模组，已完成实验室样机。", "secret_summary": "谐波减速器齿形参数", "field": "smart_equipment", "sub_field": "industrial_robots",
        "source": "高校", "team": ["陈研"], "patents": [], "trl": 4, "trl_evidence": "实验室样机测试报告", "stage": "prototype", "secret_parts": []}), StatusCode::CREATED).await["id"].as_i64().unwrap();
    let list = install.file("成果清单.csv", &results_csv());
    let out = install.pocnet(&["import", "results", list.to_str().unwrap(), "--center", &center.to_string()], "");
    assert!(out.contains("imported 39 results"), "{out}");
    let mut ids = vec![first];
    let page = api.get(&operator, "/api/v1/results?per_page=100").await;
    ids.extend(page["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).filter(|id| *id != first));
    assert_eq!(ids.len(), 40);

    // Screening: the operator starts it for every result and lets the assigner staff the panels.
    for id in &ids {
        api.result_step(&operator, *id, "start_screening").await;
    }
    let run = api.post(&operator, &format!("/api/v1/centers/{center}/screening-assignments"), json!({"panel_size": 3, "min_industry": 1, "max_load": 40}), StatusCode::CREATED).await;
    let confirmed = api.post(&operator, &format!("/api/v1/assignments/{}/confirm", run["run"]["id"]), json!({}), StatusCode::OK).await;
    assert_eq!(confirmed["invited"], 120);
    let sheet = json!({"scores": {"theoretical_innovation": 85, "technical_feasibility": 80, "market_potential": 82, "ip_completeness": 78}, "comments": "具备入库条件"});
    for id in &ids {
        for (token, _) in &experts {
            api.post(token, &format!("/api/v1/results/{id}/declaration"), json!({"decision": "no_conflict", "pledge": "true"}), StatusCode::NO_CONTENT).await;
            api.post(token, &format!("/api/v1/results/{id}/scores"), sheet.clone(), StatusCode::OK).await;
        }
        assert_eq!(api.result_step(&operator, *id, "admit").await["state"], "admitted");
    }

    // Verification of 20: plan, milestone, outcomes (half of them landed).
    for (i, id) in ids.iter().take(20).enumerate() {
        api.put(&operator, &format!("/api/v1/results/{id}/plan"), json!({"goal": "验证样机在产线场景下的可靠性与成本", "trl_target": 6,
            "manager_name": "陈经理", "manager_phone": "13800000000", "starts_on": "2026-06-01", "ends_on": "2027-05-31"})).await;
        api.post(&operator, &format!("/api/v1/results/{id}/milestones"), json!({"kind": "scenario", "title": "产线场景验证", "goal": "连续运行500小时无故障",
            "due_on": "2027-03-31", "budget_yuan": "200000"}), StatusCode::CREATED).await;
        assert_eq!(api.result_step(&operator, *id, "start_verification").await["state"], "verifying");
        let kind = if i % 2 == 0 { "prototype" } else { "product" };
        api.post(&operator, &format!("/api/v1/results/{id}/outcomes"), json!({"kind": kind, "achieved_on": "2026-11-20", "evidence": "样机照片与检测报告"}), StatusCode::CREATED).await;
        if i < 10 {
            api.post(&operator, &format!("/api/v1/results/{id}/outcomes"), json!({"kind": "landed_transfer", "achieved_on": "2026-11-25", "evidence": "转化合同"}), StatusCode::CREATED).await;
        }
    }

    // One project the whole way: milestone evidence, acceptance, money, report, hand-off to a pilot platform.
    let id = ids[0];
    let m = api.get(&operator, &format!("/api/v1/results/{id}")).await["milestones"][0].clone();
    let mid = m["id"].as_i64().unwrap();
    let done = api.post(&scholar, &format!("/api/v1/milestones/{mid}/steps"), json!({"action": "submit", "evidence": "500小时运行记录", "version": m["version"]}), StatusCode::OK).await;
    let done = api.post(&operator, &format!("/api/v1/milestones/{mid}/steps"), json!({"action": "accept", "note": "达标", "version": done["version"]}), StatusCode::OK).await;
    let paid = api.post(&operator, &format!("/api/v1/milestones/{mid}/releases"), json!({"amount_yuan": "200000", "version": done["version"]}), StatusCode::OK).await;
    assert_eq!(paid["released_yuan"], 200_000);
    let report = api.post(&operator, &format!("/api/v1/results/{id}/report"), json!({"summary": "样机在产线场景连续运行500小时无故障，具备中试条件",
        "trl_after": 6, "recommendation": "go_pilot", "findings": [{"milestone_id": mid, "finding": "连续运行500小时无故障"}]}), StatusCode::CREATED).await;
    assert!(report["report_no"].as_str().unwrap().starts_with("概验报〔2026〕"), "{report}");
    let platform_op = api.login("platform", PASSWORD).await;
    let platform = api.post(&platform_op, "/api/v1/registry/centers", json!({"name": "温州智能装备中试平台", "kind": "pilot_platform",
        "fields": ["smart_equipment"], "admin_director": "王行政", "tech_director": "赵技术", "summary": "小批量试制与工程化验证", "floor_area_m2": 3000}), StatusCode::CREATED).await["id"].as_i64().unwrap();
    let h = api.post(&operator, &format!("/api/v1/results/{id}/handoffs"), json!({"platform_center_id": platform, "note": "请安排小批量试制"}), StatusCode::CREATED).await;
    api.post(&platform_op, &format!("/api/v1/handoffs/{}/response", h["id"]), json!({"decision": "accept", "version": h["version"]}), StatusCode::OK).await;
    assert_eq!(api.get(&operator, &format!("/api/v1/results/{id}")).await["project"]["state"], "handed_off");

    // Its advisory team (顾问专家团队): three outside experts and two of the host.
    for (i, org_id) in [institute, institute, institute, host, host].into_iter().enumerate() {
        let a = api.post(&operator, "/api/v1/experts", expert(&format!("顾问{i}"), "industry", org_id, "smart_equipment"), StatusCode::CREATED).await["id"].as_i64().unwrap();
        api.file_op(&operator, center, json!({"op": "add_advisor", "expert_id": a})).await;
    }

    // The center now meets every Wenzhou criterion from its own records — but one:

    // 先创建后认定 (000 方案 三(二)): recognition waits until the center is on the creation list.
    let elig = api.get(&operator, &format!("/api/v1/centers/{center}/eligibility?profile={WENZHOU}&kind=recognition")).await;
    let listed = elig["criteria"].as_array().unwrap().iter().find(|c| c["code"] == "on_creation_list").unwrap().clone();
    assert_eq!((elig["not_met"].as_i64(), elig["missing_evidence"].as_i64(), listed["outcome"].as_str()), (Some(1), Some(0), Some("not_met")), "{elig}");
    let county = api.login("ruian", PASSWORD).await;
    let publish = |kind: &str, title: &str| {
        let body = json!({"title": title, "profile_id": WENZHOU, "kind": kind, "body": "请符合条件的单位按要求申报。", "deadline": "2026-12-31"});
        let (api, chief) = (&api, &chief);
        async move { api.post(chief, "/api/v1/calls", body, StatusCode::CREATED).await["id"].as_i64().unwrap() }
    };
    let creation = publish("creation", "2026年度温州市概念验证中心创建申报通知").await;
    let recognition = publish("recognition", "2026年度温州市概念验证中心认定申报通知").await;

    let early = api.post(&operator, "/api/v1/applications", json!({"call_id": recognition, "center_id": center, "proposed_name": "温州市智能装备概念验证中心"}), StatusCode::CREATED).await["id"].as_i64().unwrap();
    let v = api.get(&operator, &format!("/api/v1/applications/{early}")).await["application"]["version"].clone();
    let refused = api.post(&operator, &format!("/api/v1/applications/{early}/steps"), json!({"action": "submit", "version": v}), StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(refused["error"]["code"], "not_eligible", "recognition before creation is refused; the draft waits");

    // Each: application → county → panel of three scoring experts → proposal → notice → approval.
    let mut notice_ends = Vec::new();
    for (call, scores) in [(creation, [80, 84, 88]), (recognition, [82, 86, 90])] {
        let app = if call == recognition {
            early
        } else {
            api.post(&operator, "/api/v1/applications", json!({"call_id": call, "center_id": center, "proposed_name": "温州市智能装备概念验证中心"}), StatusCode::CREATED).await["id"].as_i64().unwrap()
        };
        api.application_step(&operator, app, "submit", "").await;
        api.application_step(&county, app, "county_approve", "同意推荐").await;
        for ((token, expert_id), score) in experts.iter().zip(scores) {
            api.post(&chief, &format!("/api/v1/applications/{app}/panel"), json!({"expert_id": expert_id}), StatusCode::NO_CONTENT).await;
            api.post(token, &format!("/api/v1/applications/{app}/declaration"), json!({"decision": "no_conflict", "pledge": "true"}), StatusCode::NO_CONTENT).await;
            api.post(token, &format!("/api/v1/applications/{app}/scores"), json!({"score": score, "comments": "验证能力较强"}), StatusCode::NO_CONTENT).await;
        }
        api.application_step(&chief, app, "propose", "列入拟入选名单").await;
        let noticed = api.application_step(&chief, app, "publish_notice", "").await;
        let end = chrono::NaiveDate::parse_from_str(noticed["notice_end"].as_str().unwrap(), "%Y-%m-%d").unwrap();
        notice_ends.push(end.to_string());
        api.set_today(&end.succ_opt().unwrap().to_string());
        let approved = api.application_step(&chief, app, "approve", "公示期满无异议").await;
        assert_eq!(approved["state"], "approved");
        if call == creation {
            let c = api.get(&chief, &format!("/api/v1/centers/{center}")).await;
            assert_eq!(c["center"]["stage"], "creating", "on the published creation list");
        }
    }
    // 5 working days each, weekends not counted (Wenzhou 000 指引 三): Tue 1 Dec → Mon 7 Dec; Tue 8 Dec → Mon 14 Dec.
    assert_eq!(notice_ends, ["2026-12-07", "2026-12-14"]);
    let c = api.get(&chief, &format!("/api/v1/centers/{center}")).await;
    assert_eq!((c["center"]["stage"].as_str(), c["center"]["name"].as_str()), (Some("recognized"), Some("温州市智能装备概念验证中心")), "{c}");
    let cert = api.http.get(api.url(&format!("/centers/{center}/certificate"))).send().await.unwrap();
    assert_eq!(cert.status(), StatusCode::OK, "the public certificate page");
    assert!(cert.text().await.unwrap().contains("温州市智能装备概念验证中心"));
}
