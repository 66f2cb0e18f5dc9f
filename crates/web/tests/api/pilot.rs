//! Pilot platforms at work over HTTP (issue 18; 001 中试 8, 10, 16; 000 二(六); 002 三(四)): an
//! enterprise applies to a pilot platform, the platform accepts, its chief expert finds it
//! feasible, the platform writes the plan with fees, the enterprise confirms, the platform books
//! its line and records each milestone and issues the report with its findings; a PoC center's
//! hand-off becomes a pilot project whose report goes back to the center; no booking ever passes
//! a resource's capacity, not even when several arrive at once. Only the two sides and the bureau
//! read a project.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

struct World {
    chief: String,
    platform_op: String,
    platform: i64,
    line: i64,
    rooms: i64,
    firm: String,
    rival: String,
    other_op: String,
}

/// A pilot platform on the creation list (public) with a line (one place a day) and a climate
/// room of two chambers; an enterprise and a rival enterprise with accounts; another platform's operator.
async fn world(app: &TestApp) -> World {
    let host = app.add_org("温州测试中试基地有限公司", "enterprise", "龙湾区").await;
    app.add_user("platform", Role::Center, host).await;
    let platform_op = app.token("platform").await;
    let body = json!({"name": "温州新能源中试平台", "kind": "pilot_platform", "fields": ["new_energy"], "admin_director": "王行政",
        "tech_director": "赵总工", "summary": "电池材料放大与小批量试制", "floor_area_m2": 3000});
    let platform = app.post_expect(&platform_op, "/api/v1/registry/centers", &body, StatusCode::CREATED).await["id"].as_i64().unwrap();
    put_on_creation_list(app, platform).await;
    let offer = |kind: &str, name: &str, capacity: i64| {
        json!({"center_id": platform, "kind": kind, "name": name, "field": "new_energy", "description": "幅宽300毫米卷对卷涂布，连续运行72小时。",
            "conditions": "提前10个工作日预约；须由平台工程师操作。", "fee_terms": "2万元/天", "qualifications": ["cma"], "capacity": capacity})
    };
    let line = app.post_expect(&platform_op, "/api/v1/resources", &offer("line", "固态电解质膜中试线", 1), StatusCode::CREATED).await;
    assert_eq!(line["capacity"], 1);
    let rooms = app.post_expect(&platform_op, "/api/v1/resources", &offer("environment", "高低温试验舱", 2), StatusCode::CREATED).await;
    assert_eq!(rooms["capacity"], 2);
    let firm_org = app.add_org("温州测试储能科技有限公司", "enterprise", "瓯海区").await;
    app.add_user("firm", Role::Researcher, firm_org).await;
    let rival_org = app.add_org("乐清测试电池有限公司", "enterprise", "乐清市").await;
    app.add_user("rival", Role::Researcher, rival_org).await;
    let other_host = app.add_org("瑞安测试检测有限公司", "enterprise", "瑞安市").await;
    app.add_user("other", Role::Center, other_host).await;
    World {
        chief: app.token("chief").await,
        platform_op,
        platform,
        line: line["id"].as_i64().unwrap(),
        rooms: rooms["id"].as_i64().unwrap(),
        firm: app.token("firm").await,
        rival: app.token("rival").await,
        other_op: app.token("other").await,
    }
}

fn day(app: &TestApp, d: i64) -> String {
    (app.today() + chrono::Duration::days(d)).to_string()
}

async fn todo(app: &TestApp, token: &str, kind: &str) -> i64 {
    let list = app.get_ok(token, "/api/v1/me/todo").await;
    list["items"].as_array().unwrap().iter().find(|i| i["kind"] == kind).and_then(|i| i["count"].as_i64()).unwrap_or_else(|| panic!("no {kind} in {list}"))
}

async fn project(app: &TestApp, token: &str, id: i64) -> Value {
    app.get_ok(token, &format!("/api/v1/pilot-projects/{id}")).await
}

fn version(v: &Value) -> i64 {
    v["project"]["version"].as_i64().unwrap()
}

/// Applies and takes the project through acceptance and a feasible review; returns its id.
async fn feasible_project(app: &TestApp, w: &World, title: &str) -> i64 {
    let body = json!({"platform_center_id": w.platform, "title": title, "field": "new_energy", "goal": "将实验室级固态电解质膜放大到幅宽300毫米的连续卷对卷工艺"});
    let id = app.post_expect(&w.firm, "/api/v1/pilot-projects", &body, StatusCode::CREATED).await["id"].as_i64().unwrap();
    let v = project(app, &w.platform_op, id).await;
    let v = app.post_expect(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/step"), &json!({"action": "accept", "version": version(&v)}), StatusCode::OK).await;
    let review = json!({"conclusion": "feasible", "reviewer": "首席专家 赵总工", "opinion": "工艺路线清晰，放大风险可控，建议开展中试", "version": version(&v)});
    app.post_expect(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/review"), &review, StatusCode::OK).await;
    id
}

#[tokio::test]
async fn an_enterprise_takes_a_pilot_project_from_application_to_report() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;

    // Bad input names each field and stores nothing; only a pilot platform takes applications.
    let before = app.count("pilot_projects").await;
    let e = expect_error(app.post(&w.firm, "/api/v1/pilot-projects", &json!({"title": "膜", "field": "space", "goal": "放大"})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    let fields: Vec<&str> = e["error"]["errors"].as_array().unwrap().iter().filter_map(|x| x["field"].as_str()).collect();
    assert!(["platform_center_id", "title", "field", "goal"].iter().all(|f| fields.contains(f)), "{e}");
    let poc = register_center(&app, &w.other_op, "瑞安检测概念验证中心", &["new_energy"], Some(300)).await;
    let e = expect_error(app.post(&w.firm, "/api/v1/pilot-projects", &json!({"platform_center_id": poc, "title": "固态电解质膜中试", "field": "new_energy", "goal": "连续卷对卷工艺放大到幅宽300毫米"})).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    assert_eq!(e["error"]["field"], "platform_center_id");
    expect_error(app.post(&w.platform_op, "/api/v1/pilot-projects", &json!({"platform_center_id": w.platform, "title": "固态电解质膜中试", "field": "new_energy", "goal": "连续卷对卷工艺放大到幅宽300毫米"})).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(app.count("pilot_projects").await, before, "a refused application stores nothing");

    let body = json!({"platform_center_id": w.platform, "title": "固态电解质膜中试", "field": "new_energy", "goal": "将实验室级固态电解质膜放大到幅宽300毫米的连续卷对卷工艺"});
    let p = app.post_expect(&w.firm, "/api/v1/pilot-projects", &body, StatusCode::CREATED).await;
    let id = p["id"].as_i64().unwrap();
    assert_eq!((p["state"].as_str(), p["source"].as_str()), (Some("applied"), Some("direct")));
    assert_eq!(todo(&app, &w.platform_op, "pilot_projects_to_accept").await, 1);

    // Only its two sides and the bureau know of it.
    for stranger in [&w.rival, &w.other_op] {
        expect_error(app.get(stranger, &format!("/api/v1/pilot-projects/{id}")).await, StatusCode::NOT_FOUND, "not_found").await;
        assert!(app.get_ok(stranger, "/api/v1/pilot-projects").await["items"].as_array().unwrap().is_empty());
    }
    assert_eq!(project(&app, &w.chief, id).await["actions"], json!([]), "the bureau reads, it does not act");
    expect_error(app.get(&app.token("ruian").await, "/api/v1/pilot-projects").await, StatusCode::FORBIDDEN, "forbidden").await;

    // The applicant may not accept its own project; a decline needs its reason.
    let v = project(&app, &w.firm, id).await;
    assert_eq!(v["actions"], json!(["withdraw"]));
    expect_error(app.post(&w.firm, &format!("/api/v1/pilot-projects/{id}/step"), &json!({"action": "accept", "version": version(&v)})).await, StatusCode::FORBIDDEN, "forbidden").await;
    let e = expect_error(app.post(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/step"), &json!({"action": "decline", "version": version(&v)})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "reason");
    let v = app.post_expect(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/step"), &json!({"action": "accept", "version": version(&v)}), StatusCode::OK).await;
    assert_eq!(v["project"]["state"], "reviewing");
    assert_eq!(v["actions"], json!(["feasible", "infeasible"]));

    // The chief expert's review names its reviewer; a plan waits until it is feasible.
    let plan = |rows: Value, v: i64| json!({"milestones": rows, "version": v});
    let good_rows = json!([
        {"stage": "engineering", "title": "卷对卷涂布工程化设计", "due_on": day(&app, 30), "fee_yuan": 200000},
        {"stage": "small_batch", "title": "小批量试产200平方米", "due_on": day(&app, 60), "fee_yuan": 50000}]);
    expect_error(app.put(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/plan"), &plan(good_rows.clone(), version(&v))).await, StatusCode::CONFLICT, "illegal_transition").await;
    let e = expect_error(app.post(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/review"), &json!({"conclusion": "feasible", "reviewer": "", "opinion": "工艺路线清晰，放大风险可控", "version": version(&v)})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "reviewer");
    let review = json!({"conclusion": "feasible", "reviewer": "首席专家 赵总工", "opinion": "工艺路线清晰，放大风险可控，建议开展中试", "version": version(&v)});
    let v = app.post_expect(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/review"), &review, StatusCode::OK).await;
    assert_eq!((v["project"]["state"].as_str(), v["project"]["reviewer"].as_str()), (Some("planning"), Some("首席专家 赵总工")));

    // The applicant cannot confirm a plan not yet written; a plan's rows are checked one by one.
    expect_error(app.post(&w.firm, &format!("/api/v1/pilot-projects/{id}/confirm"), &json!({"version": version(&v)})).await, StatusCode::CONFLICT, "illegal_transition").await;
    let bad_rows = json!([
        {"stage": "engineering", "title": "卷对卷涂布工程化设计", "due_on": day(&app, 30), "fee_yuan": 200000},
        {"stage": "small_batch", "title": "小批量试产", "due_on": day(&app, 20), "fee_yuan": 50000}]);
    let e = expect_error(app.put(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/plan"), &plan(bad_rows, version(&v))).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_order").await;
    assert_eq!(e["error"]["field"], "milestones[1].due_on");
    expect_error(app.put(&w.firm, &format!("/api/v1/pilot-projects/{id}/plan"), &plan(good_rows.clone(), version(&v))).await, StatusCode::FORBIDDEN, "forbidden").await;
    let v = app.put(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/plan"), &plan(good_rows, version(&v))).await;
    let v = expect_status(v, StatusCode::OK).await;
    assert_eq!((v["project"]["fee_total_yuan"].as_i64(), v["milestones"].as_array().unwrap().len()), (Some(250_000), 2));
    assert_eq!(todo(&app, &w.firm, "pilot_plans_to_confirm").await, 1);

    // The platform books its line for the project while the plan waits.
    let b = app.post_expect(&w.platform_op, &format!("/api/v1/resources/{}/bookings", w.line), &json!({"project_id": id, "starts_on": day(&app, 10), "ends_on": day(&app, 20)}), StatusCode::CREATED).await;
    assert_eq!((b["project_title"].as_str(), b["units"].as_i64()), (Some("固态电解质膜中试"), Some(1)));

    // The applicant confirms the plan it read; a stale read is refused.
    expect_error(app.post(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/confirm"), &json!({"version": version(&v)})).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.post(&w.firm, &format!("/api/v1/pilot-projects/{id}/confirm"), &json!({"version": version(&v) - 1})).await, StatusCode::CONFLICT, "version_conflict").await;
    let v = app.post_expect(&w.firm, &format!("/api/v1/pilot-projects/{id}/confirm"), &json!({"version": version(&v)}), StatusCode::OK).await;
    assert_eq!(v["project"]["state"], "running");
    assert_eq!(todo(&app, &w.firm, "pilot_plans_to_confirm").await, 0);
    assert_eq!(v["bookings"].as_array().unwrap().len(), 1);

    // Milestones one by one; the report only when all are done, with both findings.
    let done = |seq: i64, v: i64| json!({"seq": seq, "note": "按期完成", "version": v});
    let v = app.post_expect(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/milestones"), &done(1, version(&v)), StatusCode::OK).await;
    expect_error(app.post(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/milestones"), &done(1, version(&v))).await, StatusCode::CONFLICT, "milestone_done").await;
    let report = |v: i64| json!({"mass_production": "conditional", "market_fit": "high", "summary": "连续运行72小时，良率92%，幅宽300毫米，厚度偏差±2微米。", "needs": "需洁净车间扩产资金", "version": v});
    let e = expect_error(app.post(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/report"), &report(version(&v))).await, StatusCode::CONFLICT, "illegal_transition").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("还有1个"), "{e}");
    // The second stage ends after the line's run (days 10–20).
    app.set_today(&day(&app, 21));
    let v = app.post_expect(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/milestones"), &done(2, version(&v)), StatusCode::OK).await;
    assert_eq!(todo(&app, &w.platform_op, "pilot_reports_to_issue").await, 1);
    let e = expect_error(app.post(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/report"), &json!({"mass_production": "", "market_fit": "top", "summary": "良率92%", "version": version(&v)})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    let fields: Vec<&str> = e["error"]["errors"].as_array().unwrap().iter().filter_map(|x| x["field"].as_str()).collect();
    assert_eq!(fields, vec!["mass_production", "market_fit", "summary"]);
    let v = app.post_expect(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/report"), &report(version(&v)), StatusCode::OK).await;
    assert_eq!((v["project"]["state"].as_str(), v["project"]["mass_production"].as_str(), v["project"]["market_fit"].as_str()), (Some("reported"), Some("conditional"), Some("high")));
    assert_eq!(project(&app, &w.firm, id).await["project"]["needs"], "需洁净车间扩产资金");
    assert_eq!(todo(&app, &w.platform_op, "pilot_reports_to_issue").await, 0);

    // The platform's evaluation figures (001 中试 五 评价): reports issued, fees of the stages done, place-days booked.
    use pocnet_domain::evaluation::Metric;
    let year = chrono::Datelike::year(&app.today());
    let window = pocnet_domain::evaluation::Window { from: chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap(), to: chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap() };
    for only in [Some(w.platform.into()), None] {
        let figures = pocnet_store::evaluations::figures::of_window(app.store.pool(), window, only).await.unwrap();
        let f = &figures[&w.platform.into()];
        assert_eq!((f.get(Metric::PilotReports), f.get(Metric::PilotFeesYuan), f.get(Metric::PilotPlaceDays)), (1, 250_000, 11), "{f:?}");
    }

    // The lists filter by state and words and export as Excel.
    let list = app.get_ok(&w.platform_op, "/api/v1/pilot-projects?state=reported&q=电解质").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert!(app.get_ok(&w.platform_op, "/api/v1/pilot-projects?state=running").await["items"].as_array().unwrap().is_empty());
    let resp = app.get(&w.chief, "/api/v1/pilot-projects/export.xlsx?state=reported").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    assert!(resp.bytes().await.unwrap().starts_with(b"PK"));
}

#[tokio::test]
async fn a_project_that_ends_frees_its_bookings_and_a_closed_one_takes_no_step() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let id = feasible_project(&app, &w, "钠离子电池正极材料中试").await;
    // A booking for a project of another platform, or one not yet feasible, is refused.
    let early = app.post_expect(&w.firm, "/api/v1/pilot-projects", &json!({"platform_center_id": w.platform, "title": "硅碳负极中试", "field": "new_energy", "goal": "硅碳负极材料百公斤级放大工艺验证"}), StatusCode::CREATED).await;
    let e = expect_error(app.post(&w.platform_op, &format!("/api/v1/resources/{}/bookings", w.line), &json!({"project_id": early["id"], "starts_on": day(&app, 5), "ends_on": day(&app, 6)})).await, StatusCode::UNPROCESSABLE_ENTITY, "project_not_booking").await;
    assert_eq!(e["error"]["field"], "project_id");
    expect_error(app.post(&w.other_op, &format!("/api/v1/resources/{}/bookings", w.line), &json!({"project_id": id, "starts_on": day(&app, 5), "ends_on": day(&app, 6)})).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.post(&w.firm, &format!("/api/v1/resources/{}/bookings", w.line), &json!({"project_id": id, "starts_on": day(&app, 5), "ends_on": day(&app, 6)})).await, StatusCode::FORBIDDEN, "forbidden").await;
    // Two bookings, one under way by the time the project is withdrawn.
    app.post_expect(&w.platform_op, &format!("/api/v1/resources/{}/bookings", w.line), &json!({"project_id": id, "starts_on": day(&app, 0), "ends_on": day(&app, 9)}), StatusCode::CREATED).await;
    app.post_expect(&w.platform_op, &format!("/api/v1/resources/{}/bookings", w.rooms), &json!({"project_id": id, "starts_on": day(&app, 20), "ends_on": day(&app, 25), "units": 2}), StatusCode::CREATED).await;
    app.set_today(&day(&app, 3));
    let v = project(&app, &w.firm, id).await;
    let v = app.post_expect(&w.firm, &format!("/api/v1/pilot-projects/{id}/step"), &json!({"action": "withdraw", "reason": "改由自有产线试制", "version": version(&v)}), StatusCode::OK).await;
    assert_eq!((v["project"]["state"].as_str(), v["project"]["reason"].as_str(), v["actions"].clone()), (Some("withdrawn"), Some("改由自有产线试制"), json!([])));
    let bookings = v["bookings"].as_array().unwrap();
    let line = bookings.iter().find(|b| b["offer_id"] == w.line).unwrap();
    let rooms = bookings.iter().find(|b| b["offer_id"] == w.rooms).unwrap();
    assert_eq!((line["state"].as_str(), line["ends_on"].as_str()), (Some("booked"), Some(app.today().to_string().as_str())), "the run under way ends today");
    assert_eq!(rooms["state"], "cancelled", "the booking not begun is cancelled");
    // The freed days take another booking; a closed project takes no step.
    app.post_expect(&w.platform_op, &format!("/api/v1/resources/{}/bookings", w.line), &json!({"note": "设备年度维护", "starts_on": day(&app, 1), "ends_on": day(&app, 6)}), StatusCode::CREATED).await;
    let e = expect_error(app.post(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/step"), &json!({"action": "terminate", "reason": "不再需要", "version": version(&v)})).await, StatusCode::CONFLICT, "illegal_transition").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("已撤回"), "{e}");
    // A platform's own use needs its note.
    let e = expect_error(app.post(&w.platform_op, &format!("/api/v1/resources/{}/bookings", w.line), &json!({"starts_on": day(&app, 30), "ends_on": day(&app, 31)})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "note");
}

#[tokio::test]
async fn bookings_never_pass_a_resource_capacity_even_when_they_arrive_at_once() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let id = feasible_project(&app, &w, "高镍正极材料中试").await;
    let book = |_offer: i64, from: i64, to: i64, units: i64| json!({"project_id": id, "starts_on": day(&app, from), "ends_on": day(&app, to), "units": units});
    let line = format!("/api/v1/resources/{}/bookings", w.line);

    // The line takes one booking a day: an overlap is refused naming its first full day.
    app.post_expect(&w.platform_op, &line, &book(w.line, 10, 20, 1), StatusCode::CREATED).await;
    let e = expect_error(app.post(&w.platform_op, &line, &book(w.line, 15, 25, 1)).await, StatusCode::CONFLICT, "fully_booked").await;
    assert!(e["error"]["message"].as_str().unwrap().starts_with(&day(&app, 15)), "{e}");
    app.post_expect(&w.platform_op, &line, &book(w.line, 21, 25, 1), StatusCode::CREATED).await;
    let e = expect_error(app.post(&w.platform_op, &line, &book(w.line, 30, 31, 2)).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    assert_eq!(e["error"]["field"], "units");
    let e = expect_error(app.post(&w.platform_op, &line, &book(w.line, -1, 2, 1)).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    assert_eq!(e["error"]["field"], "starts_on");

    // Six bookings of the same free days at once: exactly one lands.
    let before = app.count("pilot_bookings").await;
    let body = book(w.line, 40, 45, 1);
    let sends = (0..6).map(|_| app.post(&w.platform_op, &line, &body));
    let statuses: Vec<StatusCode> = futures::future::join_all(sends).await.iter().map(reqwest::Response::status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 5, "{statuses:?}");
    assert_eq!(app.count("pilot_bookings").await, before + 1);

    // The two-chamber room: four single bookings at once, exactly two land.
    let rooms = format!("/api/v1/resources/{}/bookings", w.rooms);
    let body = book(w.rooms, 50, 52, 1);
    let sends = (0..4).map(|_| app.post(&w.platform_op, &rooms, &body));
    let statuses: Vec<StatusCode> = futures::future::join_all(sends).await.iter().map(reqwest::Response::status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CREATED).count(), 2, "{statuses:?}");

    // The capacity cannot drop below what is booked; cancelling frees the days.
    let o = app.get_ok(&w.platform_op, &format!("/api/v1/resources/{}", w.rooms)).await["offer"].clone();
    let mut edit = json!({"kind": "environment", "name": o["name"], "field": "new_energy", "description": o["description"], "conditions": o["conditions"],
        "fee_terms": o["fee_terms"], "qualifications": ["cma"], "capacity": 1, "version": o["version"]});
    let e = expect_error(app.put(&w.platform_op, &format!("/api/v1/resources/{}", w.rooms), &edit).await, StatusCode::UNPROCESSABLE_ENTITY, "below_bookings").await;
    assert_eq!(e["error"]["field"], "capacity");
    edit["capacity"] = json!(3);
    let o = expect_status(app.put(&w.platform_op, &format!("/api/v1/resources/{}", w.rooms), &edit).await, StatusCode::OK).await;
    assert_eq!(o["capacity"], 3);
    app.post_expect(&w.platform_op, &rooms, &book(w.rooms, 50, 50, 1), StatusCode::CREATED).await;

    // The calendar: each day's places for everyone who reads the resource; what they are for only for the platform.
    let month = &day(&app, 10)[..7];
    let cal = app.get_ok(&w.platform_op, &format!("/api/v1/resources/{}/calendar?month={month}", w.line)).await;
    let cell = |cal: &Value, d: &str| cal["days"].as_array().unwrap().iter().find(|x| x["day"] == d).cloned().unwrap();
    assert_eq!((cell(&cal, &day(&app, 10))["used"].as_i64(), cell(&cal, &day(&app, 10))["free"].as_i64()), (Some(1), Some(0)));
    assert!(cal["bookings"].as_array().unwrap().iter().all(|b| b["project_title"] == "高镍正极材料中试"), "{cal}");
    assert_eq!(cal["may_book"], true);
    let public = app.get_anon(&format!("/api/v1/resources/{}/calendar?month={month}", w.line)).await;
    let public = expect_status(public, StatusCode::OK).await;
    assert_eq!(cell(&public, &day(&app, 10))["used"], 1);
    assert!(public["bookings"].as_array().unwrap().is_empty() && public["may_book"] == false, "{public}");
    expect_error(app.get_anon(&format!("/api/v1/resources/{}/calendar?month=2026-13", w.line)).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_month").await;
    let first = cal["bookings"].as_array().unwrap()[0]["id"].as_i64().unwrap();
    expect_error(app.post(&w.other_op, &format!("/api/v1/bookings/{first}/cancel"), &json!({})).await, StatusCode::NOT_FOUND, "not_found").await;
    app.post_expect(&w.platform_op, &format!("/api/v1/bookings/{first}/cancel"), &json!({"reason": "工艺调整"}), StatusCode::OK).await;
    expect_error(app.post(&w.platform_op, &format!("/api/v1/bookings/{first}/cancel"), &json!({})).await, StatusCode::CONFLICT, "booking_cancelled").await;
    app.post_expect(&w.platform_op, &line, &book(w.line, 15, 18, 1), StatusCode::CREATED).await;

    // The platform's month: every bookable resource, day by day, with the month's utilisation.
    let m = app.get_ok(&w.rival, &format!("/api/v1/centers/{}/pilot-calendar?month={month}", w.platform)).await;
    let rows = m["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2, "{m}");
    assert!(m["bookings"].as_array().unwrap().is_empty(), "another unit sees the load, not the projects");
    assert!(app.get_ok(&w.platform_op, &format!("/api/v1/centers/{}/pilot-calendar?month={month}", w.platform)).await["bookings"].as_array().unwrap().len() >= 2);
}

#[tokio::test]
async fn a_hand_off_becomes_a_pilot_project_and_its_report_goes_back_to_the_center() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let w = world(&app).await;
    let center = register_center(&app, &crew.operator, "瑞安智能装备概念验证中心", &["smart_equipment"], Some(300)).await;
    let owner = app.add_org("温州测试理工大学", "university", "鹿城区").await;
    app.add_user("prof", Role::Researcher, owner).await;
    let prof = app.token("prof").await;
    let rid = verify_project(&app, &crew, &prof, center, "协作机器人关节模组").await;
    let h = app.post_expect(&crew.operator, &format!("/api/v1/results/{rid}/handoffs"), &json!({"platform_center_id": w.platform, "note": "请安排关节模组小批量试制与寿命测试"}), StatusCode::CREATED).await;
    let hid = h["id"].as_i64().unwrap();
    assert!(app.get_ok(&w.platform_op, "/api/v1/pilot-projects").await["items"].as_array().unwrap().is_empty(), "a hand-off not yet accepted opens nothing");
    app.post_expect(&w.platform_op, &format!("/api/v1/handoffs/{hid}/response"), &json!({"decision": "accept", "version": 1}), StatusCode::OK).await;

    // The accepted hand-off is the platform's project, waiting for its review; the center is its applicant.
    let list = app.get_ok(&w.platform_op, "/api/v1/pilot-projects").await;
    let p = &list["items"][0];
    let id = p["id"].as_i64().unwrap();
    assert_eq!((p["source"].as_str(), p["state"].as_str(), p["result_id"].as_i64(), p["goal"].as_str()), (Some("handoff"), Some("reviewing"), Some(rid), Some("请安排关节模组小批量试制与寿命测试")));
    assert_eq!(p["applicant_org_id"].as_i64(), Some(crew.operator_org));
    assert_eq!(app.get_ok(&crew.operator, "/api/v1/pilot-projects").await["items"][0]["id"].as_i64(), Some(id), "the center lists the projects its hand-offs opened");
    expect_error(app.get(&prof, &format!("/api/v1/pilot-projects/{id}")).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(todo(&app, &w.platform_op, "pilot_projects_to_review").await, 1);

    let v = project(&app, &w.platform_op, id).await;
    let review = json!({"conclusion": "feasible", "reviewer": "总工程师 钱工", "opinion": "关节模组结构成熟，具备小批量试制条件", "version": version(&v)});
    let v = app.post_expect(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/review"), &review, StatusCode::OK).await;
    let rows = json!([{"stage": "samples", "title": "试制关节模组50套", "due_on": day(&app, 20), "fee_yuan": 80000}]);
    let v = expect_status(app.put(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/plan"), &json!({"milestones": rows, "version": version(&v)})).await, StatusCode::OK).await;
    assert_eq!(todo(&app, &crew.operator, "center_pilot_plans_to_confirm").await, 1);
    let v = app.post_expect(&crew.operator, &format!("/api/v1/pilot-projects/{id}/confirm"), &json!({"version": version(&v)}), StatusCode::OK).await;
    let v = app.post_expect(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/milestones"), &json!({"seq": 1, "note": "50套全部下线", "version": version(&v)}), StatusCode::OK).await;
    let report = json!({"mass_production": "ready", "market_fit": "medium", "summary": "50套关节模组寿命测试2000小时无故障，重复定位精度±0.02毫米。", "needs": "需对接减速器供应商降本", "version": version(&v)});
    app.post_expect(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/report"), &report, StatusCode::OK).await;

    // The center reads the report on its hand-off (闭环迭代).
    let seen = app.get_ok(&crew.operator, &format!("/api/v1/results/{rid}")).await;
    let back = seen["handoffs"].as_array().unwrap().iter().find(|x| x["id"] == hid).unwrap();
    assert!(back["feedback"].as_str().unwrap().contains("具备量产条件") && back["feedback"].as_str().unwrap().contains("2000小时"), "{back}");
    assert_eq!(back["needs"], "需对接减速器供应商降本");
}

#[tokio::test]
async fn the_pilot_pages_take_each_step_through_their_forms() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let (firm, _, firm_csrf) = app.login("firm").await;
    let page = firm.get(app.url("/pilot-projects")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("apply-form") && page.contains("温州新能源中试平台"), "{page}");
    let resp = firm.post(app.url("/pilot-projects")).form(&[("csrf_token", firm_csrf.as_str()), ("platform_center_id", &w.platform.to_string()), ("title", "膜"), ("field", "new_energy"), ("goal", "放大")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = resp.text().await.unwrap();
    assert!(page.contains("form-error") && page.contains("项目名称至少需要2个字符"), "the refusal names the field: {page}");
    let resp = firm.post(app.url("/pilot-projects")).form(&[("csrf_token", firm_csrf.as_str()), ("platform_center_id", &w.platform.to_string()), ("title", "固态电池中试"), ("field", "new_energy"), ("goal", "固态电池电芯百Ah级放大试制")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "on to the project's page");
    let id: i64 = resp.headers()["location"].to_str().unwrap().rsplit('/').next().unwrap().parse().unwrap();

    let (op, _, op_csrf) = app.login("platform").await;
    let form = |pairs: &[(&str, &str)]| {
        let mut v: Vec<(String, String)> = vec![("csrf_token".into(), op_csrf.clone())];
        v.extend(pairs.iter().map(|(k, x)| ((*k).to_owned(), (*x).to_owned())));
        v
    };
    let ver = |v: i64| v.to_string();
    let page = op.get(app.url(&format!("/pilot-projects/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-testid=\"answer\"") && page.contains("等待温州新能源中试平台受理"), "{page}");
    // Each accepted form answers with the project's page to go back to.
    let app = &app;
    let follow = |client: reqwest::Client, resp: reqwest::Response| async move {
        assert_eq!(resp.status(), StatusCode::SEE_OTHER);
        let to = resp.headers()["location"].to_str().unwrap().to_owned();
        client.get(app.url(&to)).send().await.unwrap().text().await.unwrap()
    };
    let resp = op.post(app.url(&format!("/pilot-projects/{id}/step"))).form(&form(&[("action", "accept"), ("version", &ver(1))])).send().await.unwrap();
    assert!(follow(op.clone(), resp).await.contains("review-form"));
    let resp = op.post(app.url(&format!("/pilot-projects/{id}/review"))).form(&form(&[("conclusion", "feasible"), ("reviewer", "首席专家 赵总工"), ("opinion", "电芯设计成熟，具备放大条件"), ("version", &ver(2))])).send().await.unwrap();
    let page = follow(op.clone(), resp).await;
    assert!(page.contains("plan-form") && page.contains("首席专家 赵总工"), "{page}");
    // The plan form: one row per milestone; blank rows are skipped, a bad row is named.
    let (d1, d2) = (day(app, 15), day(app, 40));
    let rows = form(&[("version", &ver(3)), ("stage", "engineering"), ("title", "电芯结构工程化"), ("due_on", &d1), ("fee_yuan", "120000"),
        ("stage", "testing"), ("title", "安全测试"), ("due_on", &d2), ("fee_yuan", "三万"), ("stage", ""), ("title", ""), ("due_on", ""), ("fee_yuan", "")]);
    let resp = op.post(app.url(&format!("/pilot-projects/{id}/plan"))).form(&rows).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("第2个节点的费用"));
    let rows = form(&[("version", &ver(3)), ("stage", "engineering"), ("title", "电芯结构工程化"), ("due_on", &d1), ("fee_yuan", "120000"),
        ("stage", "testing"), ("title", "安全测试"), ("due_on", &d2), ("fee_yuan", "30000"), ("stage", ""), ("title", ""), ("due_on", ""), ("fee_yuan", "")]);
    let page = follow(op.clone(), op.post(app.url(&format!("/pilot-projects/{id}/plan"))).form(&rows).send().await.unwrap()).await;
    assert!(page.contains("pilot-milestones") && page.contains("15万元") && page.contains("booking-form"), "{page}");
    // A booking from the project's page; the line's calendar shows it.
    let resp = op.post(app.url(&format!("/pilot-projects/{id}/bookings"))).form(&form(&[("offer_id", &w.line.to_string()), ("starts_on", &day(app, 5)), ("ends_on", &day(app, 8)), ("units", "1")])).send().await.unwrap();
    assert!(follow(op.clone(), resp).await.contains("pilot-bookings"));
    let month = &day(app, 5)[..7];
    let cal = op.get(app.url(&format!("/resources/{}/calendar?month={month}", w.line))).send().await.unwrap().text().await.unwrap();
    assert!(cal.contains("固态电池中试") && cal.contains("已满") && cal.contains("book-form"), "{cal}");
    let cal = reqwest::get(app.url(&format!("/resources/{}/calendar?month={month}", w.line))).await.unwrap().text().await.unwrap();
    assert!(cal.contains("已满") && !cal.contains("固态电池中试") && !cal.contains("book-form"), "the public sees the load only: {cal}");
    let m = reqwest::get(app.url(&format!("/centers/{}/pilot-calendar?month={month}", w.platform))).await.unwrap().text().await.unwrap();
    assert!(m.contains("platform-calendar") && m.contains("固态电解质膜中试线") && m.contains("高低温试验舱"), "{m}");

    // The enterprise confirms from its page (its to-do line leads there).
    let page = firm.get(app.url("/pilot-projects?state=planning")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("固态电池中试"), "{page}");
    let page = firm.get(app.url(&format!("/pilot-projects/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("confirm-form") && page.contains("合计15万元"), "{page}");
    let v = project(app, &app.token("firm").await, id).await;
    let resp = firm.post(app.url(&format!("/pilot-projects/{id}/confirm"))).form(&[("csrf_token", firm_csrf.as_str()), ("version", &version(&v).to_string())]).send().await.unwrap();
    assert!(follow(firm.clone(), resp).await.contains("中试实施中"));
}

/// A hand-off's project that ends without a report tells the PoC center on its hand-off how it
/// ended (000 二(六) 闭环迭代): here the chief expert finds it not feasible.
#[tokio::test]
async fn a_hand_off_project_found_infeasible_says_so_on_the_hand_off() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let w = world(&app).await;
    let center = register_center(&app, &crew.operator, "瑞安智能装备概念验证中心", &["smart_equipment"], Some(300)).await;
    let owner = app.add_org("温州测试理工大学", "university", "鹿城区").await;
    app.add_user("prof", Role::Researcher, owner).await;
    let prof = app.token("prof").await;
    let rid = verify_project(&app, &crew, &prof, center, "协作机器人关节模组").await;
    let h = app.post_expect(&crew.operator, &format!("/api/v1/results/{rid}/handoffs"), &json!({"platform_center_id": w.platform, "note": "请安排关节模组小批量试制"}), StatusCode::CREATED).await;
    let hid = h["id"].as_i64().unwrap();
    app.post_expect(&w.platform_op, &format!("/api/v1/handoffs/{hid}/response"), &json!({"decision": "accept", "version": 1}), StatusCode::OK).await;
    let id = app.get_ok(&w.platform_op, "/api/v1/pilot-projects").await["items"][0]["id"].as_i64().unwrap();
    let v = project(&app, &w.platform_op, id).await;
    let review = json!({"conclusion": "infeasible", "reviewer": "首席专家 赵总工", "opinion": "减速器寿命数据不足，暂不具备放大条件", "version": version(&v)});
    let v = app.post_expect(&w.platform_op, &format!("/api/v1/pilot-projects/{id}/review"), &review, StatusCode::OK).await;
    assert_eq!(v["project"]["state"], "infeasible");
    let seen = app.get_ok(&crew.operator, &format!("/api/v1/results/{rid}")).await;
    let back = seen["handoffs"].as_array().unwrap().iter().find(|x| x["id"] == hid).unwrap();
    assert_eq!(back["feedback"], "【中试项目论证未通过】减速器寿命数据不足，暂不具备放大条件", "{back}");
}
