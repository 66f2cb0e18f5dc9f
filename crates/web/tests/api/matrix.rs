//! The authorization matrix (issue 11): every operation of the OpenAPI
//! document × every role × anonymous, aimed at records of another region,
//! center or owner. Nothing answers 5xx; every secured operation refuses a
//! stranger with 401; private records answer 401/403/404 to whoever may not
//! see them; and marker secrets — a result's trade secret, an application's
//! frozen eligibility — appear in no response to a caller not entitled to
//! them: no JSON, no page, no spreadsheet. A new endpoint joins the matrix by
//! being in the document.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// The trade secret of the result in the world: no one in the matrix may read it.
const TRADE_SECRET: &str = "矩阵标记：封装胶配方MX-7731";

/// The applicant's data: the name it applies under. Nothing is in a notice
/// yet, so only the bureau, the county of 瑞安市 and the applicant may know it.
/// (The center's own name is public: it is on the published creation list.)
const APPLICANT_DATA: [&str; 1] = ["温州市矩阵测试概念验证中心"];

/// The center's name.
const CENTER: &str = "瑞安矩阵测试概念验证中心";

/// Records of the world, by the first segment after `/api/v1/`.
struct World {
    ids: BTreeMap<&'static str, String>,
    /// (label, bearer token or None for anonymous, may read frozen eligibility)
    callers: Vec<(&'static str, Option<String>, bool)>,
}

async fn world(app: &TestApp) -> World {
    let crew = crew(app).await;
    let center = make_wenzhou_ready_center(app, &crew.operator, CENTER).await;
    let call = publish_call(app, &crew.chief, WENZHOU, "recognition", "2026-12-31").await;
    let application = apply(app, &crew.operator, call, center, APPLICANT_DATA[0]).await;
    app.step_ok(&crew.operator, application, "submit", "").await;
    assert!(app.application(&crew.chief, application).await["application"]["eligibility_json"].is_string(), "eligibility frozen at submission");

    let owner_org = app.add_org("温州矩阵测试理工大学", "university", "鹿城区").await;
    app.add_user("owner_researcher", Role::Researcher, owner_org).await;
    let researcher = app.token("owner_researcher").await;
    let intake = json!({"center_id": center, "ref_no": "MX-2026-001", "title": "矩阵测试固态电池界面工艺",
        "summary": "面向储能场景的固态电池界面改性工艺，已完成小试样品循环测试。", "secret_summary": TRADE_SECRET,
        "field": "new_energy", "sub_field": "advanced_batteries", "source": "高校", "team": ["张伟"], "patents": [],
        "trl": 4, "trl_evidence": "小试样品第三方检测报告", "stage": "prototype", "secret_parts": []});
    let result = app.post_expect(&researcher, "/api/v1/results", &intake, StatusCode::CREATED).await["id"].as_i64().unwrap();
    let seen = app.get_ok(&researcher, &format!("/api/v1/results/{result}")).await;
    assert_eq!(seen["project"]["secret_summary"], TRADE_SECRET, "the owner reads its secret: the marker is live");

    // Strangers to those records: another county, another center, another
    // unit's researcher, an expert on no panel, an investor, a project manager on no project.
    let yueqing = app.add_org("乐清市科学技术局（矩阵测试）", "county_department", "乐清市").await;
    app.add_user("yueqing", Role::County, yueqing).await;
    let other_host = app.add_org("乐清矩阵测试电气有限公司", "enterprise", "乐清市").await;
    app.add_user("other_operator", Role::Center, other_host).await;
    let other = app.token("other_operator").await;
    register_center(app, &other, "乐清矩阵测试概念验证中心", &["smart_equipment"], Some(400)).await;
    let stranger_org = app.add_org("温州矩阵测试医学院", "university", "鹿城区").await;
    app.add_user("stranger", Role::Researcher, stranger_org).await;
    let investor_org = app.add_org("温州矩阵测试创投有限公司", "investment_fund", "鹿城区").await;
    app.add_user("investor", Role::Investor, investor_org).await;
    let agency = app.add_org("温州矩阵测试技术转移服务有限公司", "enterprise", "鹿城区").await;
    app.add_user("manager", Role::Manager, agency).await;
    let operator_id = app.get_ok(&crew.operator, "/api/v1/me").await["id"].to_string();

    let ids = BTreeMap::from([
        ("applications", application.to_string()),
        ("notices", application.to_string()),
        ("centers", center.to_string()),
        ("calls", call.to_string()),
        ("results", result.to_string()),
        ("organisations", crew.operator_org.to_string()),
        ("users", operator_id),
        ("experts", crew.panel[0].1.to_string()),
        ("policies", WENZHOU.to_owned()),
        ("doc", "1".to_owned()),
    ]);
    let callers = vec![
        ("bureau", Some(crew.chief.clone()), true),
        ("another county", Some(app.token("yueqing").await), false),
        ("another center", Some(other), false),
        ("another unit's researcher", Some(app.token("stranger").await), false),
        ("an expert on no panel", Some(crew.panel[0].0.clone()), false),
        ("investor", Some(app.token("investor").await), false),
        ("a project manager on no project", Some(app.token("manager").await), false),
        ("anonymous", None, false),
    ];
    World { ids, callers }
}

/// The concrete path of a templated one, with the world's ids (999999 where
/// the world holds no such record: a stranger's id is as good as a missing one).
fn concrete(template: &str, ids: &BTreeMap<&'static str, String>) -> String {
    let resource = template.trim_start_matches("/api/v1/").split('/').next().unwrap_or("");
    template
        .split('/')
        .map(|part| match part {
            "{id}" => ids.get(resource).cloned().unwrap_or_else(|| "999999".into()),
            "{doc}" => ids["doc"].clone(),
            p if p.starts_with('{') => "999999".into(),
            p => p.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Adds the operation's required query parameters (a parameter the path
/// template does not hold is a query parameter whatever the document says):
/// an id of the world where the name says which, else `1`.
fn with_required_query(path: &str, template: &str, op: &Value, ids: &BTreeMap<&'static str, String>) -> String {
    let mut query = Vec::new();
    for p in op["parameters"].as_array().into_iter().flatten() {
        let name = p["name"].as_str().unwrap_or_default();
        if template.contains(&format!("{{{name}}}")) || p["required"] != true {
            continue;
        }
        let value = match name {
            "expert_id" => ids["experts"].clone(),
            "center_id" => ids["centers"].clone(),
            "call_id" => ids["calls"].clone(),
            _ => "1".to_owned(),
        };
        query.push(format!("{name}={value}"));
    }
    if query.is_empty() { path.to_owned() } else { format!("{path}?{}", query.join("&")) }
}

/// Whether a JSON value holds `key` with a non-null value anywhere.
fn holds(v: &Value, key: &str) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, x)| (k == key && !x.is_null()) || holds(x, key)),
        Value::Array(a) => a.iter().any(|x| holds(x, key)),
        _ => false,
    }
}

/// Every cell of every sheet of a workbook, as one text.
fn workbook_text(bytes: &[u8]) -> String {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx workbook");
    let mut text = String::new();
    for name in book.sheet_names() {
        if let Ok(range) = book.worksheet_range(&name) {
            for row in range.rows() {
                for cell in row {
                    text.push_str(&cell.to_string());
                    text.push('\t');
                }
            }
        }
    }
    text
}

/// Reads of one record that only its owners, its region and the bureau may make.
const PRIVATE_READS: &[&str] = &[
    "/api/v1/applications/{id}",
    "/api/v1/applications/{id}/panel/replacement",
    "/api/v1/centers/{id}/file",
    "/api/v1/centers/{id}/eligibility",
    "/api/v1/centers/{id}/documents/{doc}",
    "/api/v1/centers/{id}/screening-assignments",
    "/api/v1/calls/{id}/assignments",
    "/api/v1/results/{id}",
    "/api/v1/results/{id}/panel/replacement",
    "/api/v1/users/{id}",
    "/api/v1/experts/{id}/account",
];

/// Operations a caller may rightly perform on another's record (public by policy).
const OPEN_TO_STRANGERS: &[&str] = &["/api/v1/notices/{id}/objections", "/api/v1/results/{id}/acceptances"];

struct Findings(Vec<String>);

impl Findings {
    fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if !ok {
            self.0.push(what());
        }
    }
}

#[tokio::test]
async fn every_operation_by_every_role_keeps_others_records_and_secrets() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let doc = expect_status(app.get_anon("/api/v1/openapi.json").await, StatusCode::OK).await;
    let paths = doc["paths"].as_object().expect("paths");
    let mut findings = Findings(Vec::new());
    let mut requests = 0;
    let mut operations = 0;
    let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

    for (template, item) in paths {
        for (method, op) in item.as_object().expect("path item") {
            let Ok(method) = method.to_uppercase().parse::<Method>() else { continue };
            if template == "/api/v1/auth/login" || template == "/api/v1/auth/logout" {
                continue; // signing in and out are the matrix's own tools
            }
            if template == "/api/v1/openapi.json" {
                continue; // the public document names every field (`eligibility_json` too) and holds no record
            }
            operations += 1;
            let secured = op.get("security").and_then(Value::as_array).is_some_and(|s| !s.is_empty());
            let path = with_required_query(&concrete(template, &w.ids), template, op, &w.ids);
            for (who, token, may_see_eligibility) in &w.callers {
                let mut req = client.request(method.clone(), app.url(&path));
                if let Some(t) = token {
                    req = req.bearer_auth(t);
                }
                if method != Method::GET && method != Method::DELETE {
                    req = req.json(&json!({}));
                }
                let resp = req.send().await.expect("request");
                requests += 1;
                let status = resp.status();
                let is_xlsx = resp.headers().get("content-type").and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("spreadsheetml"));
                let bytes = resp.bytes().await.expect("body");
                let text = if is_xlsx && status.is_success() { workbook_text(&bytes) } else { String::from_utf8_lossy(&bytes).into_owned() };
                let at = || format!("{method} {path} as {who} → {status}");

                findings.check(!status.is_server_error(), || format!("{}: server error {text}", at()));
                findings.check(!text.contains(TRADE_SECRET), || format!("{}: trade secret leaked", at()));
                if *who != "bureau" {
                    for marker in APPLICANT_DATA {
                        findings.check(!text.contains(marker), || format!("{}: applicant data “{marker}” leaked", at()));
                    }
                }
                if !may_see_eligibility {
                    let leaked = serde_json::from_str::<Value>(&text).is_ok_and(|v| holds(&v, "eligibility_json"));
                    findings.check(!leaked, || format!("{}: frozen eligibility leaked", at()));
                }
                if token.is_none() && secured {
                    findings.check(status == StatusCode::UNAUTHORIZED, || format!("{}: a secured operation answered a stranger", at()));
                }
                if *who != "bureau" {
                    if method == Method::GET && PRIVATE_READS.contains(&template.as_str()) {
                        let refused = matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND);
                        findings.check(refused, || format!("{}: a private record was served", at()));
                    }
                    if method != Method::GET && template.contains('{') && !OPEN_TO_STRANGERS.contains(&template.as_str()) {
                        findings.check(!status.is_success(), || format!("{}: changed another's record", at()));
                    }
                }
            }
        }
    }

    // The pages behind the same records, as each caller's browser would ask.
    let pages = [
        "/applications/{a}", "/applications/{a}/form", "/results/{r}", "/results/{r}/report", "/centers/{c}", "/centers/{c}/edit",
        "/notices/{a}", "/results", "/applications", "/dashboard", "/todo", "/centers",
    ];
    for page in pages {
        let path = page.replace("{a}", &w.ids["applications"]).replace("{r}", &w.ids["results"]).replace("{c}", &w.ids["centers"]);
        for (who, token, _) in &w.callers {
            let mut req = client.get(app.url(&path));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let resp = req.send().await.expect("page");
            requests += 1;
            let status = resp.status();
            let html = resp.text().await.unwrap_or_default();
            findings.check(!status.is_server_error(), || format!("GET {path} as {who} → {status}"));
            findings.check(!html.contains(TRADE_SECRET), || format!("GET {path} as {who}: trade secret on the page"));
            if *who != "bureau" {
                for marker in APPLICANT_DATA {
                    findings.check(!html.contains(marker), || format!("GET {path} as {who}: applicant data “{marker}” on the page"));
                }
            }
        }
    }

    assert!(operations >= 100, "the document lists every operation: {operations}");
    assert!(findings.0.is_empty(), "{} findings in {requests} requests:\n{}", findings.0.len(), findings.0.join("\n"));
    println!("authorization matrix: {operations} operations × {} callers, {requests} requests, no findings", w.callers.len());
}
