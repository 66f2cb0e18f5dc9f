//! Project managers over HTTP (issue 18; 004 三(三)(五)): the bureau opens a manager's account, a
//! platform's operators assign it to a project of their library, the manager carries the project
//! — reading its trade secrets only while it does — and keeps the log through decision, progress
//! and exit; once a year the platform assesses it on technical and commercial value, starting from
//! scores the records suggest. Nobody else learns of an assignment.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

const SECRET: &str = "关键工艺参数：烧结温度1180℃";

async fn todo(app: &TestApp, token: &str, kind: &str) -> i64 {
    let list = app.get_ok(token, "/api/v1/me/todo").await;
    list["items"].as_array().unwrap().iter().find(|i| i["kind"] == kind).and_then(|i| i["count"].as_i64()).unwrap_or_else(|| panic!("no {kind} in {list}"))
}

/// The bureau opens a manager account over the API, as it would on day one.
async fn open_manager(app: &TestApp, chief: &str, username: &str, org: i64) -> String {
    let body = json!({"username": username, "display_name": format!("项目经理{username}"), "role": "manager", "org_id": org, "password": PASSWORD});
    app.post_expect(chief, "/api/v1/users", &body, StatusCode::CREATED).await;
    app.token(username).await
}

struct World {
    crew: Crew,
    center: i64,
    res: String,
    pm: String,
    pm2: String,
}

async fn world(app: &TestApp) -> World {
    let crew = crew(app).await;
    let center = register_center(app, &crew.operator, "瑞安智能装备概念验证中心", &["smart_equipment"], Some(300)).await;
    let lab = app.add_org("瓯海测试研究院", "research_institute", "瓯海区").await;
    app.add_user("res", Role::Researcher, lab).await;
    let agency = app.add_org("温州测试技术转移服务有限公司", "enterprise", "鹿城区").await;
    let pm = open_manager(app, &crew.chief, "pm.lin", agency).await;
    let pm2 = open_manager(app, &crew.chief, "pm.zhou", crew.operator_org).await;
    World { res: app.token("res").await, crew, center, pm, pm2 }
}

#[tokio::test]
async fn a_platform_assigns_a_manager_who_carries_the_project_to_its_exit_and_is_assessed_on_both_values() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let op = &w.crew.operator;
    let id = screen_project(&app, &w.crew, &w.res, w.center, "高精度关节模组").await;
    let other = app.add_org("乐清测试电气有限公司", "enterprise", "乐清市").await;
    app.add_user("otherop", Role::Center, other).await;
    let other_op = app.token("otherop").await;
    register_center(&app, &other_op, "乐清电气概念验证中心", &["smart_equipment"], Some(300)).await;

    // Only the platform's operators assign, a project of their own, an active manager account; nothing is stored on refusal.
    let assign = |manager: &str| json!({"result_id": id, "manager": manager, "brief": "负责样机验证与中试对接"});
    expect_error(app.post(&w.res, "/api/v1/manager-assignments", &assign("pm.lin")).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.post(&w.pm, "/api/v1/manager-assignments", &assign("pm.lin")).await, StatusCode::FORBIDDEN, "forbidden").await;
    let e = expect_error(app.post(op, "/api/v1/manager-assignments", &assign("res")).await, StatusCode::UNPROCESSABLE_ENTITY, "not_a_manager").await;
    assert_eq!(e["error"]["field"], "manager");
    expect_error(app.post(op, "/api/v1/manager-assignments", &assign("nobody")).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    let e = expect_error(app.post(&other_op, "/api/v1/manager-assignments", &assign("pm.lin")).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    assert_eq!(e["error"]["field"], "result_id", "another platform does not learn of the project");
    assert_eq!(app.count("manager_assignments").await, 0);

    // Before the assignment the manager knows nothing of the project.
    expect_status(app.get(&w.pm, &format!("/api/v1/results/{id}")).await, StatusCode::NOT_FOUND).await;
    let v = app.post_expect(op, "/api/v1/manager-assignments", &assign("pm.lin"), StatusCode::CREATED).await;
    let aid = v["assignment"]["id"].as_i64().unwrap();
    assert_eq!((v["assignment"]["state"].as_str(), v["assignment"]["trl_at_start"].as_i64(), v["assignment"]["manager_org_name"].as_str()), (Some("active"), Some(5), Some("温州测试技术转移服务有限公司")));
    expect_error(app.post(op, "/api/v1/manager-assignments", &assign("pm.zhou")).await, StatusCode::CONFLICT, "duplicate").await;

    // While it carries the project the manager reads it whole, trade secret included; another manager does not.
    let seen = app.get_ok(&w.pm, &format!("/api/v1/results/{id}")).await;
    assert_eq!(seen["project"]["secret_summary"], SECRET, "{seen}");
    let mine = app.get_ok(&w.pm, "/api/v1/results").await;
    assert_eq!(mine["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![id]);
    expect_status(app.get(&w.pm2, &format!("/api/v1/results/{id}")).await, StatusCode::NOT_FOUND).await;
    assert_eq!(app.get_ok(&w.pm2, "/api/v1/results").await["items"].as_array().unwrap().len(), 0);
    expect_status(app.get(&w.pm2, &format!("/api/v1/manager-assignments/{aid}")).await, StatusCode::NOT_FOUND).await;
    expect_status(app.get(&other_op, &format!("/api/v1/manager-assignments/{aid}")).await, StatusCode::NOT_FOUND).await;
    expect_error(app.get(&w.res, "/api/v1/manager-assignments").await, StatusCode::FORBIDDEN, "forbidden").await;
    for (token, n) in [(&w.pm, 1), (&w.pm2, 0), (op, 1), (&w.crew.chief, 1), (&other_op, 0)] {
        assert_eq!(app.get_ok(token, "/api/v1/manager-assignments").await["items"].as_array().unwrap().len(), n);
    }

    for (q, n) in [("关节", 1), ("电池", 0)] {
        assert_eq!(app.get_ok(op, &format!("/api/v1/manager-assignments?q={q}")).await["items"].as_array().unwrap().len(), n, "{q}");
    }
    assert_eq!(app.get_ok(op, "/api/v1/manager-assignments?q=关节&page=2").await["items"].as_array().unwrap().len(), 0);

    // The log: a decision names its conclusion; the bureau reads but does not write.
    let e = expect_error(app.post(&w.pm, &format!("/api/v1/manager-assignments/{aid}/entries"), &json!({"kind": "decision", "body": "继续推进样机验证"})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "decision");
    expect_error(app.post(&w.crew.chief, &format!("/api/v1/manager-assignments/{aid}/entries"), &json!({"kind": "progress", "body": "进展"})).await, StatusCode::FORBIDDEN, "forbidden").await;
    let v = app.post_expect(&w.pm, &format!("/api/v1/manager-assignments/{aid}/entries"), &json!({"kind": "decision", "decision": "adjust", "body": "改用谐波减速方案"}), StatusCode::OK).await;
    assert_eq!((v["assignment"]["entry_count"].as_i64(), v["entries"][0]["decision"].as_str(), v["entries"][0]["recorded_by"].as_str()), (Some(1), Some("adjust"), Some("pm.lin")));
    app.post_expect(op, &format!("/api/v1/manager-assignments/{aid}/entries"), &json!({"kind": "resource", "body": "协调中试平台一条装配线"}), StatusCode::OK).await;

    // Thirty days without an entry puts the project on the manager's to-do list; an entry takes it off.
    assert_eq!(todo(&app, &w.pm, "managed_projects_to_update").await, 0);
    app.set_today("2026-04-05");
    assert_eq!(todo(&app, &w.pm, "managed_projects_to_update").await, 1);
    let page = app.get_ok(&w.pm, "/api/v1/me/todo").await;
    assert_eq!(page["total"], 1, "{page}");
    app.post_expect(&w.pm, &format!("/api/v1/manager-assignments/{aid}/entries"), &json!({"kind": "progress", "body": "样机完成第二轮测试"}), StatusCode::OK).await;
    assert_eq!(todo(&app, &w.pm, "managed_projects_to_update").await, 0);

    // The project is verified (TRL 5 → 6) and financed while the manager carries it.
    finish_verification(&app, &w.crew, &w.res, id).await;
    let outcome = json!({"kind": "equity_financing", "achieved_on": "2026-04-05", "amount_yuan": "3000000", "evidence": "投资协议 TZ-2026-01"});
    app.post_expect(op, &format!("/api/v1/results/{id}/outcomes"), &outcome, StatusCode::CREATED).await;

    // The record: the facts of the year and the suggested scores with their rule.
    let record = app.get_ok(op, "/api/v1/manager-record?manager=pm.lin&year=2026").await;
    let facts = &record["facts"];
    assert_eq!((facts["managed"].as_i64(), facts["verified"].as_i64(), facts["trl_gain"].as_i64(), facts["outcomes"].as_i64(), facts["amount_yuan"].as_i64()), (Some(1), Some(1), Some(1), Some(1), Some(3_000_000)), "{record}");
    // 技术价值 40 + 40 × 1/1 + 5 × 1; 商业价值 40 + 10 × 1 outcome + 6 (300 万元).
    assert_eq!((record["suggestion"]["technical"].as_i64(), record["suggestion"]["commercial"].as_i64(), record["may_assess"].as_bool()), (Some(85), Some(56), Some(true)));
    let own = app.get_ok(&w.pm, &format!("/api/v1/manager-record?center_id={}&year=2026", w.center)).await;
    assert_eq!((own["facts"].clone(), own["may_assess"].as_bool()), (record["facts"].clone(), Some(false)), "the manager reads its own record");
    expect_status(app.get(&w.pm2, "/api/v1/manager-record?manager=pm.lin&year=2026").await, StatusCode::NOT_FOUND).await;
    expect_error(app.get(&w.res, "/api/v1/manager-record?manager=pm.lin").await, StatusCode::FORBIDDEN, "forbidden").await;

    // Exit: the manager leaves, financed; it no longer reads the project, its record keeps it.
    let exit = |route: &str, version: &Value| json!({"route": route, "reason": "完成A轮融资，投资方接手后续推进", "version": version});
    expect_error(app.post(&w.pm, &format!("/api/v1/manager-assignments/{aid}/exit"), &exit("financed", &json!(1))).await, StatusCode::CONFLICT, "version_conflict").await;
    let version = app.get_ok(&w.pm, &format!("/api/v1/manager-assignments/{aid}")).await["assignment"]["version"].clone();
    expect_error(app.post(&w.pm, &format!("/api/v1/manager-assignments/{aid}/exit"), &exit("vanished", &version)).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    let v = app.post_expect(&w.pm, &format!("/api/v1/manager-assignments/{aid}/exit"), &exit("financed", &version), StatusCode::OK).await;
    assert_eq!((v["assignment"]["state"].as_str(), v["assignment"]["exit_route"].as_str(), v["may_work"].as_bool()), (Some("exited"), Some("financed"), Some(false)));
    expect_status(app.get(&w.pm, &format!("/api/v1/results/{id}")).await, StatusCode::NOT_FOUND).await;
    expect_error(app.post(&w.pm, &format!("/api/v1/manager-assignments/{aid}/entries"), &json!({"kind": "progress", "body": "补记"})).await, StatusCode::CONFLICT, "illegal_transition").await;
    assert_eq!(app.get_ok(op, "/api/v1/manager-record?manager=pm.lin&year=2026").await["facts"]["carried_through"], 1);

    // The platform assesses once a year, a manager who carried its projects; the weaker value sets the grade.
    let assess = |manager: &str, year: &str| json!({"manager": manager, "year": year, "technical": 85, "commercial": "70", "opinion": "路线调整及时，促成A轮融资"});
    expect_error(app.post(&w.pm, "/api/v1/manager-assessments", &assess("pm.lin", "2026")).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.post(op, "/api/v1/manager-assessments", &assess("pm.lin", "2027")).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    expect_error(app.post(op, "/api/v1/manager-assessments", &assess("pm.zhou", "2026")).await, StatusCode::UNPROCESSABLE_ENTITY, "no_portfolio").await;
    let mut foreign = assess("pm.lin", "2026");
    foreign["center_id"] = json!(w.center);
    expect_error(app.post(&other_op, "/api/v1/manager-assessments", &foreign).await, StatusCode::UNPROCESSABLE_ENTITY, "not_your_center").await;
    assert_eq!(app.count("manager_assessments").await, 0);
    let r = app.post_expect(op, "/api/v1/manager-assessments", &assess("pm.lin", "2026"), StatusCode::CREATED).await;
    let s = &r["assessment"];
    assert_eq!((s["technical"].as_i64(), s["commercial"].as_i64(), s["grade"].as_str(), s["suggested_technical"].as_i64(), s["suggested_commercial"].as_i64()), (Some(85), Some(70), Some("pass"), Some(85), Some(56)), "{r}");
    assert_eq!(r["may_assess"], false);
    expect_error(app.post(op, "/api/v1/manager-assessments", &assess("pm.lin", "2026")).await, StatusCode::CONFLICT, "duplicate").await;
    for (token, n) in [(&w.pm, 1), (&w.pm2, 0), (op, 1), (&w.crew.chief, 1), (&other_op, 0)] {
        assert_eq!(app.get_ok(token, "/api/v1/manager-assessments").await["items"].as_array().unwrap().len(), n);
    }

    // Once the first manager has left, another may take the project on.
    let v = app.post_expect(op, "/api/v1/manager-assignments", &assign("pm.zhou"), StatusCode::CREATED).await;
    assert_eq!(v["assignment"]["trl_at_start"], 6, "the level the project reached");
    let x = app.get(op, "/api/v1/manager-assignments/export.xlsx").await;
    assert_eq!(x.status(), StatusCode::OK);
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));
}

#[tokio::test]
async fn two_assignments_of_one_project_at_once_leave_one_manager() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let id = screen_project(&app, &w.crew, &w.res, w.center, "固态电池界面工艺").await;
    let op = &w.crew.operator;
    let a = json!({"result_id": id, "manager": "pm.lin"});
    let b = json!({"result_id": id, "manager": "pm.zhou"});
    let (x, y) = tokio::join!(app.post(op, "/api/v1/manager-assignments", &a), app.post(op, "/api/v1/manager-assignments", &b));
    let mut codes = vec![x.status(), y.status()];
    codes.sort();
    assert_eq!(codes, vec![StatusCode::CREATED, StatusCode::CONFLICT]);
    assert_eq!(app.count("manager_assignments").await, 1);
}

#[tokio::test]
async fn the_manager_pages_assign_record_exit_and_assess_through_their_forms() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let id = screen_project(&app, &w.crew, &w.res, w.center, "高精度关节模组").await;
    let (op, _, csrf) = app.login("operator").await;

    // The assign form: a refusal re-renders with the reason and keeps the input; success opens the assignment.
    let page = op.get(app.url(&format!("/managers?result_id={id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("assign-form") && page.contains(&format!("value=\"{id}\"")), "{page}");
    let form = |manager: &str| vec![("csrf_token", csrf.clone()), ("result_id", id.to_string()), ("manager", manager.to_owned()), ("brief", "负责样机验证".to_owned())];
    let resp = op.post(app.url("/managers")).form(&form("res")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let text = resp.text().await.unwrap();
    assert!(text.contains("不是在用的项目经理人账号") && text.contains("负责样机验证"), "{text}");
    let resp = op.post(app.url("/managers")).form(&form("pm.lin")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = resp.headers()["location"].to_str().unwrap().to_owned();

    // The manager records on its page; the page shows the log in Chinese.
    let (pm, _, pm_csrf) = app.login("pm.lin").await;
    let page = pm.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("entry-form") && page.contains("exit-form") && page.contains("高精度关节模组"), "{page}");
    let resp = pm.post(app.url(&format!("{to}/entries"))).form(&[("csrf_token", pm_csrf.as_str()), ("kind", "task"), ("decision", "advance"), ("body", "拆为三项任务")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("只有“项目决策”记录填写决策结论"));
    let resp = pm.post(app.url(&format!("{to}/entries"))).form(&[("csrf_token", pm_csrf.as_str()), ("kind", "task"), ("decision", ""), ("body", "拆为三项任务")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = pm.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("任务分解") && page.contains("拆为三项任务"), "{page}");
    let list = pm.get(app.url("/managers")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("我跟进的项目") && list.contains("高精度关节模组") && !list.contains("assign-form"), "{list}");

    // Every page of the manager's navigation opens.
    for path in ["/dashboard", "/todo", "/managers", "/manager-assessments", "/results", "/centers", "/demands", "/resources", "/seeds", "/competitions", "/service-map", "/search", "/account"] {
        let resp = pm.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{path}");
    }

    // The exit form, then the record and the assessment form with the suggestion filled in.
    let resp = pm.post(app.url(&format!("{to}/exit"))).form(&[("csrf_token", pm_csrf.as_str()), ("version", "2"), ("route", "stopped"), ("reason", "验证表明成本不可控")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = op.get(app.url(&format!("/manager-assessments?manager=pm.lin&center_id={}&record_year=2026", w.center))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("manager-record") && page.contains("assess-form") && page.contains("value=\"40\""), "{page}");
    let assess = |opinion: &str| {
        vec![("csrf_token", csrf.clone()), ("manager", "pm.lin".to_owned()), ("center_id", w.center.to_string()), ("year", "2026".to_owned()), ("technical", "62".to_owned()),
            ("commercial", "55".to_owned()), ("opinion", opinion.to_owned())]
    };
    let resp = op.post(app.url("/manager-assessments")).form(&assess("")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("考核意见"));
    let resp = op.post(app.url("/manager-assessments")).form(&assess("及时止损")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = pm.get(app.url("/manager-assessments")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("不合格") && page.contains("及时止损") && !page.contains("record-lookup"), "{page}");
    let (res, _, _) = app.login("res").await;
    assert_eq!(res.get(app.url("/managers")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
}
