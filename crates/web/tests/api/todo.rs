//! The to-do list (待办事项) and the available actions with their reasons,
//! over HTTP: each role's counts follow an application and a project through
//! their workflows, stay inside the caller's scope, link to where the work is
//! done, and match what the workflow then enforces.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The caller's to-do list: kind → (count, href, due).
async fn todo(app: &TestApp, token: &str) -> Vec<(String, i64, String, Value)> {
    let list = app.get_ok(token, "/api/v1/me/todo").await;
    let items = list["items"].as_array().expect("items");
    let total: i64 = items.iter().map(|i| i["count"].as_i64().unwrap()).sum();
    assert_eq!(list["total"].as_i64(), Some(total), "the total is the sum of the lines: {list}");
    items
        .iter()
        .map(|i| (i["kind"].as_str().unwrap().to_owned(), i["count"].as_i64().unwrap(), i["href"].as_str().unwrap().to_owned(), i["due"].clone()))
        .collect()
}

/// The count of one kind in the caller's list (panics if the role has no such kind).
async fn count(app: &TestApp, token: &str, kind: &str) -> i64 {
    let list = todo(app, token).await;
    list.iter().find(|(k, ..)| k == kind).unwrap_or_else(|| panic!("{kind} in {list:?}")).1
}

/// The available actions of an application for the caller: action → reason code (None when available).
async fn app_actions(app: &TestApp, token: &str, id: i64) -> Vec<(String, Option<String>, Option<String>)> {
    actions_of(&app.application(token, id).await)
}

fn actions_of(detail: &Value) -> Vec<(String, Option<String>, Option<String>)> {
    detail["available_actions"]
        .as_array()
        .expect("available_actions")
        .iter()
        .map(|a| {
            assert_eq!(a["available"].as_bool().unwrap(), a["reason_code"].is_null(), "a refusal names its reason: {a}");
            assert!(!a["label"].as_str().unwrap().is_empty());
            (a["action"].as_str().unwrap().to_owned(), a["reason_code"].as_str().map(str::to_owned), a["reason"].as_str().map(str::to_owned))
        })
        .collect()
}

fn codes(actions: &[(String, Option<String>, Option<String>)]) -> Vec<(&str, Option<&str>)> {
    actions.iter().map(|(a, c, _)| (a.as_str(), c.as_deref())).collect()
}

#[tokio::test]
async fn each_roles_todo_list_follows_an_application_and_its_actions_say_why_not() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    // A second county department (乐清市) and an expert account linked to no seat.
    let yueqing = app.add_org("乐清市科学技术局（测试）", "county_department", "乐清市").await;
    app.add_user("yueqing", Role::County, yueqing).await;
    let yueqing = app.token("yueqing").await;
    let bystander = app.add_user("bystander", Role::Expert, app.lucheng_univ).await;
    app.add_expert("旁观专家", app.lucheng_univ, Some(bystander)).await;
    let bystander = app.token("bystander").await;

    let call = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2026-12-31").await;
    let center = make_wenzhou_ready_center(&app, &crew.operator, "瑞安待办测试概念验证中心").await;
    let id = apply(&app, &crew.operator, call, center, "温州市待办测试概念验证中心").await;

    // A draft is the applicant's alone: it may submit or withdraw; nobody else is offered a step.
    assert_eq!(codes(&app_actions(&app, &crew.operator, id).await), [("submit", None), ("withdraw", None)]);
    assert!(app_actions(&app, &crew.chief, id).await.is_empty());
    assert_eq!(count(&app, &crew.ruian, "county_review").await, 0, "a draft waits for nobody");

    app.step_ok(&crew.operator, id, "submit", "").await;
    // The county of the host's region has it to review; another county does not.
    let list = todo(&app, &crew.ruian).await;
    assert_eq!(list, [("county_review".to_owned(), 1, "/applications?state=submitted".to_owned(), Value::Null)]);
    assert_eq!(count(&app, &yueqing, "county_review").await, 0);
    assert_eq!(codes(&app_actions(&app, &crew.ruian, id).await), [("county_approve", None), ("county_return", None), ("county_reject", None)]);
    assert_eq!(codes(&app_actions(&app, &crew.operator, id).await), [("withdraw", None)]);
    // The list page the item links to shows it.
    let listed = app.get_ok(&crew.ruian, "/api/v1/applications?state=submitted").await;
    assert_eq!(listed["items"][0]["id"].as_i64(), Some(id));

    app.step_ok(&crew.ruian, id, "county_approve", "同意推荐").await;
    assert_eq!(count(&app, &crew.ruian, "county_review").await, 0);
    assert_eq!(count(&app, &crew.chief, "to_propose").await, 1);
    // No panel yet: proposing is offered, with what is missing.
    let actions = app_actions(&app, &crew.chief, id).await;
    assert_eq!(codes(&actions), [("bureau_return", None), ("propose", Some("panel_incomplete")), ("reject", None)]);
    assert_eq!(actions[1].2.as_deref(), Some("专家评审意见不足：至少需要3位专家评分，目前0位"));
    // The step itself refuses with the same code and words.
    let e = expect_error(app.step(&crew.chief, id, "propose", "").await, StatusCode::UNPROCESSABLE_ENTITY, "panel_incomplete").await;
    assert_eq!(e["error"]["message"].as_str(), actions[1].2.as_deref());

    // Experts: invited → to declare; declared → to score; scored → done. Each sees only its own seats.
    for (_, e) in &crew.panel {
        app.post_expect(&crew.chief, &format!("/api/v1/applications/{id}/panel"), &json!({"expert_id": e}), StatusCode::NO_CONTENT).await;
    }
    let first = &crew.panel[0].0;
    assert_eq!(count(&app, first, "applications_to_declare").await, 1);
    assert_eq!(count(&app, first, "applications_to_score").await, 0);
    assert_eq!(count(&app, &bystander, "applications_to_declare").await, 0, "not its seat");
    let seats = app.get_ok(first, "/api/v1/me/reviews").await;
    assert_eq!((seats[0]["id"].as_i64(), seats[0]["seat"].as_str(), seats[0]["seat_label"].as_str()), (Some(id), Some("to_declare"), Some("待声明")));
    assert!(app.get_ok(&bystander, "/api/v1/me/reviews").await.as_array().unwrap().is_empty());
    expect_error(app.get(&crew.chief, "/api/v1/me/reviews").await, StatusCode::FORBIDDEN, "forbidden").await;
    // Each invitation carries its deadline: ten days from the invitation (评审期限, 本局默认), shown with the to-do item.
    let due = app.today().checked_add_days(chrono::Days::new(pocnet_domain::review::REVIEW_DAYS)).unwrap().to_string();
    assert_eq!(seats[0]["due_on"].as_str(), Some(due.as_str()));
    let items = app.get_ok(first, "/api/v1/me/todo").await;
    let declare = items["items"].as_array().unwrap().iter().find(|i| i["kind"] == "applications_to_declare").unwrap().clone();
    assert_eq!((declare["due"].as_str(), declare["due_label"].as_str()), (Some(due.as_str()), Some("最早评审截止")), "{declare}");

    let pledge = json!({"decision": "no_conflict", "pledge": "true"});
    for (token, _) in &crew.panel {
        app.post_expect(token, &format!("/api/v1/applications/{id}/declaration"), &pledge, StatusCode::NO_CONTENT).await;
    }
    assert_eq!((count(&app, first, "applications_to_declare").await, count(&app, first, "applications_to_score").await), (0, 1));
    assert_eq!(app.get_ok(first, "/api/v1/me/reviews").await[0]["seat_label"], "待评分");
    for (token, _) in crew.panel.iter().take(2) {
        app.post_expect(token, &format!("/api/v1/applications/{id}/scores"), &json!({"score": 82, "comments": "验证能力较强"}), StatusCode::NO_CONTENT).await;
    }
    assert_eq!(count(&app, first, "applications_to_score").await, 0);
    assert_eq!(app.get_ok(first, "/api/v1/me/reviews").await[0]["seat_label"], "已评分");
    assert_eq!(count(&app, &crew.panel[2].0, "applications_to_score").await, 1);
    let actions = app_actions(&app, &crew.chief, id).await;
    assert_eq!(actions[1].2.as_deref(), Some("专家评审意见不足：至少需要3位专家评分，目前2位"));
    // An expert is offered no workflow step, only its own seat.
    assert!(app_actions(&app, first, id).await.is_empty());

    app.post_expect(&crew.panel[2].0, &format!("/api/v1/applications/{id}/scores"), &json!({"score": 90}), StatusCode::NO_CONTENT).await;
    assert_eq!(codes(&app_actions(&app, &crew.chief, id).await), [("bureau_return", None), ("propose", None), ("reject", None)]);
    app.step_ok(&crew.chief, id, "propose", "列入拟认定名单").await;
    assert_eq!((count(&app, &crew.chief, "to_propose").await, count(&app, &crew.chief, "to_publish").await), (0, 1));

    // The notice: its end is the item's date and the reason approval must wait.
    app.set_today("2026-09-30");
    let a = app.step_ok(&crew.chief, id, "publish_notice", "拟认定名单公示").await;
    assert_eq!(a["notice_end"], "2026-10-12");
    let list = todo(&app, &crew.chief).await;
    let notice = list.iter().find(|(k, ..)| k == "notice_ending").unwrap();
    assert_eq!((notice.1, notice.3.as_str()), (1, Some("2026-10-12")));
    let actions = app_actions(&app, &crew.chief, id).await;
    assert_eq!(codes(&actions), [("approve", Some("notice_running")), ("reject", None)]);
    assert_eq!(actions[0].2.as_deref(), Some("公示期至2026-10-12，期满后方可正式认定"));

    // An objection waits for the bureau until it is resolved.
    let objection = json!({"name": "张三", "contact": "13800000000", "content": "该中心入库项目中有部分并非本中心验证，请核实。"});
    let o = expect_status(app.post_anon(&format!("/api/v1/notices/{id}/objections"), &objection).await, StatusCode::CREATED).await;
    assert_eq!(count(&app, &crew.chief, "open_objections").await, 1);
    app.set_time("2026-10-12T16:30:00Z");
    let actions = app_actions(&app, &crew.chief, id).await;
    assert_eq!(codes(&actions), [("approve", Some("objections_open")), ("reject", None)]);
    assert_eq!(actions[0].2.as_deref(), Some("尚有1条异议未处理，处理完毕后方可认定"));
    let v = app.application(&crew.chief, id).await["objections"][0]["version"].as_i64().unwrap();
    let resolve = json!({"status": "dismissed", "resolution": "经核实，所列项目均由本中心验证，异议不成立。", "version": v});
    app.post_expect(&crew.chief, &format!("/api/v1/objections/{}/resolution", o["id"]), &resolve, StatusCode::OK).await;
    assert_eq!(count(&app, &crew.chief, "open_objections").await, 0);
    assert_eq!(codes(&app_actions(&app, &crew.chief, id).await), [("approve", None), ("reject", None)]);
    app.step_ok(&crew.chief, id, "approve", "公示期满无异议").await;
    let list = todo(&app, &crew.chief).await;
    assert!(list.iter().all(|(_, n, ..)| *n == 0), "nothing left: {list:?}");
    assert!(app_actions(&app, &crew.chief, id).await.is_empty(), "a final state offers nothing");
}

#[tokio::test]
async fn a_submission_says_until_when_it_waits_and_the_step_agrees() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let body = json!({"title": "提前发布的申报通知", "profile_id": WENZHOU, "kind": "recognition", "body": "请按要求申报。",
        "opens_on": "2026-04-01", "deadline": "2026-06-30"});
    let call = app.post_expect(&crew.chief, "/api/v1/calls", &body, StatusCode::CREATED).await["id"].as_i64().unwrap();
    let center = make_wenzhou_ready_center(&app, &crew.operator, "瑞安提前准备概念验证中心").await;
    let id = apply(&app, &crew.operator, call, center, "温州市提前准备概念验证中心").await;
    let actions = app_actions(&app, &crew.operator, id).await;
    assert_eq!(codes(&actions), [("submit", Some("call_not_open")), ("withdraw", None)]);
    assert_eq!(actions[0].2.as_deref(), Some("本次申报自2026-04-01起受理，届时方可提交"));
    let e = expect_error(app.step(&crew.operator, id, "submit", "").await, StatusCode::UNPROCESSABLE_ENTITY, "call_not_open").await;
    assert_eq!(e["error"]["message"].as_str(), actions[0].2.as_deref());
    app.set_today("2026-04-01");
    assert_eq!(codes(&app_actions(&app, &crew.operator, id).await), [("submit", None), ("withdraw", None)]);
    // After the deadline the reason changes, and the step still agrees.
    app.set_today("2026-07-01");
    assert_eq!(codes(&app_actions(&app, &crew.operator, id).await), [("submit", Some("deadline_passed")), ("withdraw", None)]);
    expect_error(app.step(&crew.operator, id, "submit", "").await, StatusCode::UNPROCESSABLE_ENTITY, "deadline_passed").await;
}

/// A project of the operator's center owned by the researcher's unit
/// (`scholar` of 鹿城测试大学), in `state`.
async fn project_world(app: &TestApp, state: &str) -> (String, i64, i64, String) {
    let host = app.add_org("瑞安测试智能装备有限公司", "enterprise", "瑞安市").await;
    app.add_user("operator", Role::Center, host).await;
    let operator = app.token("operator").await;
    let center = register_center(app, &operator, "瑞安智能装备概念验证中心", &["smart_equipment"], Some(500)).await;
    let id = app.add_results(center, app.lucheng_univ, 1, state).await[0];
    (operator, center, id, app.token("scholar").await)
}

async fn project_actions(app: &TestApp, token: &str, id: i64) -> Vec<(String, Option<String>, Option<String>)> {
    actions_of(&app.get_ok(token, &format!("/api/v1/results/{id}")).await)
}

async fn project_step(app: &TestApp, token: &str, id: i64, action: &str) -> reqwest::Response {
    let version = app.get_ok(token, &format!("/api/v1/results/{id}")).await["project"]["version"].as_i64().unwrap();
    app.post(token, &format!("/api/v1/results/{id}/steps"), &json!({"action": action, "comments": "", "version": version})).await
}

async fn milestone_version(app: &TestApp, token: &str, id: i64, milestone: i64) -> i64 {
    let d = app.get_ok(token, &format!("/api/v1/results/{id}")).await;
    d["milestones"].as_array().unwrap().iter().find(|x| x["id"] == milestone).unwrap()["version"].as_i64().unwrap()
}

#[tokio::test]
async fn a_projects_todos_and_actions_follow_screening_and_milestones_within_scope() {
    let app = spawn_workflow_app().await;
    let (operator, center, id, researcher) = project_world(&app, "submitted").await;
    // Another center's submissions are not this operator's work.
    let other_host = app.add_org("乐清测试电气有限公司", "enterprise", "乐清市").await;
    app.add_user("other", Role::Center, other_host).await;
    let other = app.token("other").await;
    let other_center = register_center(&app, &other, "乐清电气概念验证中心", &["smart_equipment"], Some(400)).await;
    app.add_results(other_center, other_host, 3, "submitted").await;
    app.add_results(center, app.lucheng_univ, 1, "rejected").await;

    assert_eq!(count(&app, &operator, "screening_to_start").await, 1);
    assert_eq!(count(&app, &other, "screening_to_start").await, 3);
    let line = todo(&app, &operator).await.into_iter().find(|(k, ..)| k == "screening_to_start").unwrap();
    assert_eq!(line.2, "/results?state=submitted");
    assert_eq!(codes(&project_actions(&app, &operator, id).await), [("start_screening", None), ("reject", None)]);
    assert_eq!(codes(&project_actions(&app, &researcher, id).await), [("withdraw", None)]);
    assert!(project_actions(&app, &app.token("chief").await, id).await.is_empty(), "the bureau watches, it takes no pipeline step");

    // Screening: the experts' lists, and admission waiting for three scores.
    expect_status(project_step(&app, &operator, id, "start_screening").await, StatusCode::OK).await;
    assert_eq!(count(&app, &operator, "screening_to_start").await, 0);
    let mut experts = Vec::new();
    for i in 1..=3 {
        let user = app.add_user(&format!("screen{i}"), Role::Expert, app.bureau_org).await;
        let e = app.add_expert(&format!("遴选专家{i}"), app.bureau_org, Some(user)).await;
        app.post_expect(&operator, &format!("/api/v1/results/{id}/panel"), &json!({"expert_id": e}), StatusCode::NO_CONTENT).await;
        experts.push(app.token(&format!("screen{i}")).await);
    }
    assert_eq!(count(&app, &experts[0], "screenings_to_declare").await, 1);
    let actions = project_actions(&app, &operator, id).await;
    assert_eq!(codes(&actions), [("admit", Some("panel_incomplete")), ("reject", None)]);
    assert_eq!(actions[0].2.as_deref(), Some("入库评价意见不足：至少需要3位专家评分，目前0位"));
    let scores = json!({"scores": {"theoretical_innovation": 80, "technical_feasibility": 80, "market_potential": 80, "ip_completeness": 80}});
    for token in &experts {
        app.post_expect(token, &format!("/api/v1/results/{id}/declaration"), &json!({"decision": "no_conflict", "pledge": "true"}), StatusCode::NO_CONTENT).await;
        assert_eq!(count(&app, token, "screenings_to_score").await, 1);
        app.post_expect(token, &format!("/api/v1/results/{id}/scores"), &scores, StatusCode::OK).await;
        assert_eq!(count(&app, token, "screenings_to_score").await, 0);
        let seats = app.get_ok(token, "/api/v1/me/reviews").await;
        assert_eq!((seats[0]["kind"].as_str(), seats[0]["seat_label"].as_str()), (Some("screening"), Some("已评分")));
    }
    expect_status(project_step(&app, &operator, id, "admit").await, StatusCode::OK).await;
    let actions = project_actions(&app, &operator, id).await;
    assert_eq!(codes(&actions), [("start_verification", Some("plan_missing")), ("stop", None)]);

    // Verification: milestones submitted wait for the operator; a failed one returns to the researcher.
    let plan = json!({"goal": "验证芯片在县级医院急诊场景下的检测一致性与成本", "trl_target": 6, "manager_name": "陈经理", "manager_phone": "13800000000",
        "starts_on": "2026-03-01", "ends_on": "2026-12-31"});
    expect_status(app.put(&operator, &format!("/api/v1/results/{id}/plan"), &plan).await, StatusCode::OK).await;
    let m = |title: &str, due: &str| json!({"kind": "technical", "title": title, "goal": "达到约定验收标准", "due_on": due, "budget_yuan": "100000"});
    let m1 = app.post_expect(&operator, &format!("/api/v1/results/{id}/milestones"), &m("性能验证", "2026-03-20"), StatusCode::CREATED).await["id"].as_i64().unwrap();
    app.post_expect(&operator, &format!("/api/v1/results/{id}/milestones"), &m("场景验证", "2026-09-30"), StatusCode::CREATED).await;
    expect_status(project_step(&app, &operator, id, "start_verification").await, StatusCode::OK).await;
    let actions = project_actions(&app, &operator, id).await;
    assert_eq!(codes(&actions), [("issue_report", Some("milestones_open")), ("stop", None)]);
    assert_eq!(actions[0].2.as_deref(), Some("尚有2个里程碑未验收，验收后方可出具验证报告"));
    // Within 30 days of its planned day, the first milestone is the researcher's to submit.
    let list = todo(&app, &researcher).await;
    assert_eq!(list[1], ("milestones_to_submit".to_owned(), 1, "/results?state=verifying".to_owned(), json!("2026-03-20")));
    assert_eq!(count(&app, &operator, "milestones_to_accept").await, 0);

    let v = milestone_version(&app, &researcher, id, m1).await;
    app.post_expect(&researcher, &format!("/api/v1/milestones/{m1}/steps"), &json!({"action": "submit", "evidence": "第三方检测报告", "version": v}), StatusCode::OK).await;
    let list = todo(&app, &operator).await;
    assert_eq!(list[0], ("milestones_to_accept".to_owned(), 1, "/results?state=verifying".to_owned(), json!("2026-03-20")));
    assert_eq!(count(&app, &other, "milestones_to_accept").await, 0, "another center's operator sees none");
    let v = milestone_version(&app, &operator, id, m1).await;
    app.post_expect(&operator, &format!("/api/v1/milestones/{m1}/steps"), &json!({"action": "fail", "note": "一致率未达标", "version": v}), StatusCode::OK).await;
    assert_eq!(count(&app, &operator, "milestones_to_accept").await, 0);
    assert_eq!(count(&app, &researcher, "milestones_returned").await, 1);
    // Past its planned day, the operator sees it overdue.
    app.set_today("2026-03-21");
    assert_eq!(count(&app, &operator, "milestones_overdue").await, 1);
    // A researcher of another unit has nothing of it.
    let elsewhere = app.add_org("温州测试理工大学", "university", "鹿城区").await;
    app.add_user("elsewhere", Role::Researcher, elsewhere).await;
    assert_eq!(count(&app, &app.token("elsewhere").await, "milestones_returned").await, 0);
}

#[tokio::test]
async fn the_todo_page_dashboard_and_badge_link_to_the_work() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2026-12-31").await;
    let center = make_wenzhou_ready_center(&app, &crew.operator, "瑞安待办页面概念验证中心").await;
    let id = apply(&app, &crew.operator, call, center, "温州市待办页面概念验证中心").await;
    app.step_ok(&crew.operator, id, "submit", "").await;

    let (county, _, _) = app.login("ruian").await;
    for path in ["/todo", "/dashboard"] {
        let html = county.get(app.url(path)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("data-testid=\"todo-county_review\" data-count=\"1\""), "{path}: {html}");
        assert!(html.contains("href=\"/applications?state=submitted\""), "{path} links to the work");
        assert!(html.contains("待审核推荐的申报"), "{path}");
        assert!(html.contains("data-testid=\"todo-badge\""), "{path} shows the badge");
        assert!(html.contains("href=\"/todo\""), "{path}: the navigation has the to-do page");
    }
    // Every page's navigation carries the count (one round trip of indexed counts per page).
    for path in ["/applications", "/centers", "/results"] {
        let html = county.get(app.url(path)).send().await.unwrap().text().await.unwrap();
        assert!(html.contains("href=\"/todo\"") && html.contains("data-testid=\"todo-badge\" aria-label=\"1项待办\""), "{path}: {html}");
    }

    // The bureau's empty list says so; the application page says why a step must wait.
    let (chief, _, _) = app.login("chief").await;
    let html = chief.get(app.url("/todo")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("暂无待办事项") && !html.contains("todo-badge"), "{html}");
    let (ruian, _, csrf) = app.login("ruian").await;
    let resp = ruian.post(app.url(&format!("/applications/{id}/steps"))).form(&[("csrf_token", csrf.as_str()), ("action", "county_approve"), ("comments", "同意推荐"), ("version", &app.application(&crew.chief, id).await["application"]["version"].to_string())]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let html = chief.get(app.url(&format!("/applications/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"blocked-actions\""), "{html}");
    assert!(html.contains("专家评审意见不足：至少需要3位专家评分，目前0位"));
    let html = chief.get(app.url("/todo")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"todo-to_propose\" data-count=\"1\""));

    // The expert's task lists show its own seat, not the application's state.
    let (_, e) = &crew.panel[0];
    app.post_expect(&crew.chief, &format!("/api/v1/applications/{id}/panel"), &json!({"expert_id": e}), StatusCode::NO_CONTENT).await;
    let (expert, _, _) = app.login("panel1").await;
    let html = expert.get(app.url("/applications")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("data-testid=\"my-seat-{id}\">待声明<")), "{html}");
    assert!(!html.contains("tag-warn\">市级评审中"), "the list shows the expert's task, not the application's state");
    let html = expert.get(app.url("/todo")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("data-testid=\"seat-application-{id}\">待声明<")));
    assert!(html.contains("data-testid=\"todo-applications_to_declare\" data-count=\"1\""));

    // The OpenAPI document describes the to-do endpoints.
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json")).await.unwrap().json().await.unwrap();
    for path in ["/api/v1/me/todo", "/api/v1/me/reviews"] {
        assert!(doc["paths"].get(path).is_some(), "{path} documented");
    }
    for schema in ["TodoList", "TodoItem", "AvailableAction", "ReviewTask"] {
        assert!(doc["components"]["schemas"].get(schema).is_some(), "{schema} in the document");
    }
}

/// Every to-do count searches an index within the caller's scope: no
/// statement scans a whole table (SQLite's plan; PostgreSQL's was checked at
/// province scale, see docs/BENCHMARKS.md, and needs data to mean anything).
#[tokio::test]
async fn every_todo_count_searches_an_index() {
    use pocnet_store::todo::{count_statement, TodoScope};
    let app = spawn_app().await;
    if app.store.backend() != pocnet_store::Backend::Sqlite {
        return;
    }
    for scope in [TodoScope::Bureau, TodoScope::Region("瑞安市"), TodoScope::HostOrg(1.into()), TodoScope::Expert(1.into()), TodoScope::OwnerOrg(1.into()), TodoScope::Investor(1.into()), TodoScope::Manager(1.into())] {
        let sql = count_statement(scope).expect("a statement");
        let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}")).fetch_all(app.store.pool()).await.unwrap();
        let steps: Vec<&str> = rows.iter().map(|r| r.3.as_str()).filter(|d| d.starts_with("SEARCH") || d.starts_with("SCAN")).collect();
        assert!(!steps.is_empty(), "{scope:?}: {rows:?}");
        for step in steps {
            // A scan is allowed only over a partial index that holds just the waiting rows.
            let ok = step.starts_with("SEARCH") || step.ends_with("INDEX objections_open") || step.ends_with("INDEX change_reports_pending");
            assert!(ok, "{scope:?} reads a whole table: {step}");
        }
    }
    assert!(count_statement(TodoScope::Nothing).is_none());
}
