//! The project library and the verification pipeline over HTTP: screening
//! with the pledge before the secrets, admission, the plan with milestones
//! and milestone-based funding, outcomes feeding the registry, the report,
//! the hand-off to a pilot platform with its feedback, mutual recognition,
//! and who sees the trade secrets (every view audited).

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

struct World {
    chief: String,
    county: String,
    operator: String,
    center: i64,
    researcher: String,
    owner_org: i64,
    /// (token, expert id) of three outside experts.
    experts: Vec<(String, i64)>,
    /// An expert of the owner unit (must never screen its own result).
    insider: i64,
    platform_operator: String,
    platform: i64,
    other_operator: String,
    other_center: i64,
    investor: String,
}

async fn world(app: &TestApp) -> World {
    let host = app.add_org("瑞安测试智能装备有限公司", "enterprise", "瑞安市").await;
    app.add_user("operator", Role::Center, host).await;
    let operator = app.token("operator").await;
    let center = register_center(app, &operator, "瑞安智能装备概念验证中心", &["smart_equipment"], Some(500)).await;
    let owner_org = app.add_org("温州测试理工大学", "university", "鹿城区").await;
    app.add_user("researcher", Role::Researcher, owner_org).await;
    let mut experts = Vec::new();
    for i in 1..=3 {
        let user = app.add_user(&format!("screen{i}"), Role::Expert, app.lucheng_univ).await;
        let e = app.add_expert(&format!("遴选专家{i}"), app.lucheng_univ, Some(user)).await;
        experts.push((app.token(&format!("screen{i}")).await, e));
    }
    let insider = app.add_expert("本校专家", owner_org, None).await;
    let pilot_host = app.add_org("温州测试中试基地有限公司", "enterprise", "龙湾区").await;
    app.add_user("platform", Role::Center, pilot_host).await;
    let platform_operator = app.token("platform").await;
    let body = json!({"name": "温州智能装备中试平台", "kind": "pilot_platform", "fields": ["smart_equipment"], "admin_director": "王行政",
        "tech_director": "赵技术", "summary": "小批量试制与工程化验证", "floor_area_m2": 3000});
    let platform = app.post_expect(&platform_operator, "/api/v1/registry/centers", &body, StatusCode::CREATED).await["id"].as_i64().unwrap();
    let other_host = app.add_org("乐清测试电气有限公司", "enterprise", "乐清市").await;
    app.add_user("other", Role::Center, other_host).await;
    let other_operator = app.token("other").await;
    let other_center = register_center(app, &other_operator, "乐清电气概念验证中心", &["smart_equipment"], Some(400)).await;
    let investor_org = app.add_org("温州测试创投有限公司", "investment_fund", "鹿城区").await;
    app.add_user("investor", Role::Investor, investor_org).await;
    World {
        chief: app.token("chief").await,
        county: app.token("ruian").await,
        operator,
        center,
        researcher: app.token("researcher").await,
        owner_org,
        experts,
        insider,
        platform_operator,
        platform,
        other_operator,
        other_center,
        investor: app.token("investor").await,
    }
}

/// A submitted result with trade secrets: its secret summary and its team marked secret.
async fn add_project(app: &TestApp, w: &World, title: &str) -> i64 {
    let ts = pocnet_store::format_ts(app.now());
    sqlx::query_scalar(
        "INSERT INTO research_results (title, summary, secret_summary, field, sub_field, source, owner_org_id, center_id, state, trl, \
         trl_evidence, stage, team, patents, secret_parts, submitted_on, created_at, updated_at) \
         VALUES ($1, '面向基层急诊的多联检微流控芯片，已完成模拟环境样机验证', '抗体配对方案与包被浓度1.0mg/mL', 'smart_equipment', '', \
         'university', $2, $3, 'submitted', 4, '模拟环境样机测试报告', 'prototype', '[\"黄静洁\",\"遴选专家3\"]', \
         '[{\"number\":\"CN202511140438.4\",\"status\":\"filed\"}]', '[\"team\"]', '2026-01-05', $4, $4) RETURNING id",
    )
    .bind(title)
    .bind(w.owner_org)
    .bind(w.center)
    .bind(&ts)
    .fetch_one(app.store.pool())
    .await
    .expect("result")
}

async fn project(app: &TestApp, token: &str, id: i64) -> Value {
    app.get_ok(token, &format!("/api/v1/results/{id}")).await
}

async fn step(app: &TestApp, token: &str, id: i64, action: &str, comments: &str) -> reqwest::Response {
    let version = project(app, token, id).await["project"]["version"].as_i64().unwrap();
    app.post(token, &format!("/api/v1/results/{id}/steps"), &json!({"action": action, "comments": comments, "version": version})).await
}

async fn step_ok(app: &TestApp, token: &str, id: i64, action: &str, comments: &str) -> Value {
    expect_status(step(app, token, id, action, comments).await, StatusCode::OK).await
}

fn screening(a: i64, b: i64, c: i64, d: i64) -> Value {
    json!({"scores": {"theoretical_innovation": a, "technical_feasibility": b, "market_potential": c, "ip_completeness": d}, "comments": "具备入库条件"})
}

/// Screens a project with the first two outside experts and a third one, all scoring.
async fn screen_and_admit(app: &TestApp, w: &World, id: i64) {
    step_ok(app, &w.operator, id, "start_screening", "").await;
    for (i, (token, e)) in w.experts.iter().enumerate().take(2) {
        app.post_expect(&w.operator, &format!("/api/v1/results/{id}/panel"), &json!({"expert_id": e}), StatusCode::NO_CONTENT).await;
        app.post_expect(token, &format!("/api/v1/results/{id}/declaration"), &json!({"decision": "no_conflict", "pledge": "true"}), StatusCode::NO_CONTENT).await;
        app.post_expect(token, &format!("/api/v1/results/{id}/scores"), &screening(80 + i as i64 * 10, 80, 80, 80), StatusCode::OK).await;
    }
    let third = app.add_expert("遴选专家4", app.lucheng_univ, None).await;
    let user = app.add_user(&format!("screen4_{id}"), Role::Expert, app.lucheng_univ).await;
    sqlx::query("UPDATE experts SET user_id = $1 WHERE id = $2").bind(user).bind(third).execute(app.store.pool()).await.unwrap();
    let token = app.token(&format!("screen4_{id}")).await;
    app.post_expect(&w.operator, &format!("/api/v1/results/{id}/panel"), &json!({"expert_id": third}), StatusCode::NO_CONTENT).await;
    app.post_expect(&token, &format!("/api/v1/results/{id}/declaration"), &json!({"decision": "no_conflict", "pledge": "on"}), StatusCode::NO_CONTENT).await;
    app.post_expect(&token, &format!("/api/v1/results/{id}/scores"), &screening(70, 70, 70, 70), StatusCode::OK).await;
    step_ok(app, &w.operator, id, "admit", "").await;
}

#[tokio::test]
async fn screening_pledge_scores_and_admission_with_every_refusal() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let id = add_project(&app, &w, "多联检化学发光微流控检测芯片").await;
    let (tok1, e1) = w.experts[0].clone();
    let (_, e3) = w.experts[2].clone();

    // Only the owning center screens; admitting before screening is illegal.
    expect_error(step(&app, &w.researcher, id, "start_screening", "").await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(step(&app, &w.operator, id, "admit", "").await, StatusCode::CONFLICT, "illegal_transition").await;
    expect_error(step(&app, &w.operator, id, "fly", "").await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    let stale = app.post(&w.operator, &format!("/api/v1/results/{id}/steps"), &json!({"action": "start_screening", "version": 99})).await;
    expect_error(stale, StatusCode::CONFLICT, "version_conflict").await;
    let p = step_ok(&app, &w.operator, id, "start_screening", "").await;
    assert_eq!(p["state"], "screening");

    // Conflicts are checked before anyone is invited: the owner's own expert, a team member.
    let e = expect_error(app.post(&w.operator, &format!("/api/v1/results/{id}/panel"), &json!({"expert_id": w.insider})).await, StatusCode::UNPROCESSABLE_ENTITY, "conflict_of_interest").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("同属"), "{e}");
    let e = expect_error(app.post(&w.operator, &format!("/api/v1/results/{id}/panel"), &json!({"expert_id": e3})).await, StatusCode::UNPROCESSABLE_ENTITY, "conflict_of_interest").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("研发团队"), "{e}");
    expect_error(app.post(&w.researcher, &format!("/api/v1/results/{id}/panel"), &json!({"expert_id": e1})).await, StatusCode::FORBIDDEN, "forbidden").await;
    app.post_expect(&w.operator, &format!("/api/v1/results/{id}/panel"), &json!({"expert_id": e1}), StatusCode::NO_CONTENT).await;

    // An invited expert sees the public summary only, cannot score, then pledges and sees the secrets.
    let before = project(&app, &tok1, id).await;
    assert!(before["project"]["secret_summary"].is_null() && before["project"]["team"].is_null(), "{before}");
    assert_eq!(before["project"]["redacted"], true);
    expect_error(app.post(&tok1, &format!("/api/v1/results/{id}/scores"), &screening(80, 80, 80, 80)).await, StatusCode::UNPROCESSABLE_ENTITY, "declaration_required").await;
    expect_error(app.post(&tok1, &format!("/api/v1/results/{id}/declaration"), &json!({"decision": "no_conflict"})).await, StatusCode::UNPROCESSABLE_ENTITY, "pledge_required").await;
    app.post_expect(&tok1, &format!("/api/v1/results/{id}/declaration"), &json!({"decision": "no_conflict", "pledge": "true"}), StatusCode::NO_CONTENT).await;
    let after = project(&app, &tok1, id).await;
    assert_eq!(after["project"]["secret_summary"], "抗体配对方案与包被浓度1.0mg/mL");
    assert!(after["project"]["screening_result"].is_null(), "an expert does not see the panel's result");
    expect_error(app.post(&tok1, &format!("/api/v1/results/{id}/declaration"), &json!({"decision": "recuse", "reason": "改变主意"})).await, StatusCode::CONFLICT, "already_declared").await;

    // Scores on the screening sheet; a bad card names the rule; the result is written back.
    let e = expect_error(app.post(&tok1, &format!("/api/v1/results/{id}/scores"), &json!({"scores": {"theoretical_innovation": 80}})).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_scores").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("技术可行性"), "{e}");
    let agg = app.post_expect(&tok1, &format!("/api/v1/results/{id}/scores"), &screening(90, 80, 70, 60), StatusCode::OK).await;
    assert_eq!(agg["count"], 1);
    // 90×25% + 80×30% + 70×25% + 60×20% = 76.0
    assert!((agg["mean"].as_f64().unwrap() - 76.0).abs() < 1e-9, "{agg}");
    let stored = project(&app, &w.operator, id).await;
    assert!((stored["project"]["screening_result"]["mean"].as_f64().unwrap() - 76.0).abs() < 1e-9);

    // Admission needs three scores; rejection needs reasons.
    let e = expect_error(step(&app, &w.operator, id, "admit", "").await, StatusCode::UNPROCESSABLE_ENTITY, "panel_incomplete").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("目前1位"), "{e}");
    expect_error(step(&app, &w.operator, id, "reject", "").await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    let p = step_ok(&app, &w.operator, id, "reject", "市场潜力不足，建议补充用户验证后再申请").await;
    assert_eq!(p["state"], "rejected");
    assert_eq!(p["decision_reason"], "市场潜力不足，建议补充用户验证后再申请");
    let steps = project(&app, &w.researcher, id).await["steps"].clone();
    assert_eq!(steps.as_array().unwrap().len(), 2, "{steps}");

    // A second project goes all the way into the library.
    let id2 = add_project(&app, &w, "低功耗边缘视觉检测模组").await;
    screen_and_admit(&app, &w, id2).await;
    let p = project(&app, &w.operator, id2).await;
    assert_eq!(p["project"]["state"], "admitted");
    assert_eq!(p["project"]["screening_result"]["count"], 3);
    // The researcher may withdraw only before screening.
    expect_error(step(&app, &w.researcher, id2, "withdraw", "不再申请").await, StatusCode::CONFLICT, "illegal_transition").await;
    let id3 = add_project(&app, &w, "可降解医用高分子材料").await;
    assert_eq!(step_ok(&app, &w.researcher, id3, "withdraw", "转交其他中心").await["state"], "withdrawn");
}

#[tokio::test]
async fn verification_releases_money_by_milestone_then_reports_and_hands_off() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let id = add_project(&app, &w, "多联检化学发光微流控检测芯片").await;
    screen_and_admit(&app, &w, id).await;

    // No verification without a plan and a milestone; the plan is checked field by field.
    expect_error(step(&app, &w.operator, id, "start_verification", "").await, StatusCode::UNPROCESSABLE_ENTITY, "plan_missing").await;
    let bad = json!({"goal": "短", "trl_target": 3, "manager_name": "陈经理", "manager_phone": "123", "starts_on": "2026-03-01", "ends_on": "2026-02-01"});
    let e = expect_error(app.put(&w.operator, &format!("/api/v1/results/{id}/plan"), &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "too_short").await;
    let fields: Vec<&str> = e["error"]["errors"].as_array().unwrap().iter().map(|x| x["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["goal", "trl_target", "manager_phone", "ends_on"], "every error at once: {e}");
    let plan = json!({"goal": "验证芯片在县级医院急诊场景下的检测一致性与成本", "trl_target": 6, "manager_name": "陈经理", "manager_phone": "13800000000",
        "starts_on": "2026-03-01", "ends_on": "2026-12-31"});
    expect_error(app.put(&w.researcher, &format!("/api/v1/results/{id}/plan"), &plan).await, StatusCode::FORBIDDEN, "forbidden").await;
    let saved = expect_status(app.put(&w.operator, &format!("/api/v1/results/{id}/plan"), &plan).await, StatusCode::OK).await;
    assert_eq!(saved["version"], 1);
    expect_error(app.put(&w.operator, &format!("/api/v1/results/{id}/plan"), &plan).await, StatusCode::CONFLICT, "version_conflict").await;
    expect_error(step(&app, &w.operator, id, "start_verification", "").await, StatusCode::UNPROCESSABLE_ENTITY, "milestones_missing").await;
    let m = |kind: &str, title: &str, due: &str, budget: &str| json!({"kind": kind, "title": title, "goal": "达到约定验收标准", "due_on": due, "budget_yuan": budget});
    let e = expect_error(app.post(&w.operator, &format!("/api/v1/results/{id}/milestones"), &m("technical", "性能验证", "2027-02-01", "100000")).await, StatusCode::UNPROCESSABLE_ENTITY, "outside_plan").await;
    assert_eq!(e["error"]["field"], "due_on");
    let m1 = app.post_expect(&w.operator, &format!("/api/v1/results/{id}/milestones"), &m("technical", "性能验证", "2026-05-31", "200,000"), StatusCode::CREATED).await;
    let m2 = app.post_expect(&w.operator, &format!("/api/v1/results/{id}/milestones"), &m("market_cost", "成本验证", "2026-09-30", "100000"), StatusCode::CREATED).await;
    let (m1, m2) = (m1["id"].as_i64().unwrap(), m2["id"].as_i64().unwrap());
    assert_eq!(step_ok(&app, &w.operator, id, "start_verification", "").await["state"], "verifying");

    // Money follows acceptance only (里程碑式支持).
    let ms = |mid: i64| {
        let app = &app;
        let op = w.operator.clone();
        async move { app.get_ok(&op, &format!("/api/v1/results/{id}")).await["milestones"].as_array().unwrap().iter().find(|x| x["id"] == mid).unwrap().clone() }
    };
    let v = ms(m1).await["version"].as_i64().unwrap();
    let e = expect_error(app.post(&w.operator, &format!("/api/v1/milestones/{m1}/releases"), &json!({"amount_yuan": "50000", "version": v})).await, StatusCode::UNPROCESSABLE_ENTITY, "milestone_not_accepted").await;
    assert_eq!(e["error"]["field"], "amount_yuan");
    expect_error(app.post(&w.researcher, &format!("/api/v1/milestones/{m1}/steps"), &json!({"action": "submit", "evidence": "", "version": v})).await, StatusCode::UNPROCESSABLE_ENTITY, "evidence_required").await;
    app.post_expect(&w.researcher, &format!("/api/v1/milestones/{m1}/steps"), &json!({"action": "submit", "evidence": "第三方检测报告：一致率97%", "version": v}), StatusCode::OK).await;
    let v = ms(m1).await["version"].as_i64().unwrap();
    expect_error(app.post(&w.researcher, &format!("/api/v1/milestones/{m1}/steps"), &json!({"action": "accept", "version": v})).await, StatusCode::FORBIDDEN, "forbidden").await;
    let accepted = app.post_expect(&w.operator, &format!("/api/v1/milestones/{m1}/steps"), &json!({"action": "accept", "note": "达标", "version": v}), StatusCode::OK).await;
    assert_eq!(accepted["status"], "accepted");
    let v = accepted["version"].as_i64().unwrap();
    let r = app.post_expect(&w.operator, &format!("/api/v1/milestones/{m1}/releases"), &json!({"amount_yuan": "150,000", "version": v}), StatusCode::OK).await;
    assert_eq!(r["released_yuan"], 150_000);
    let e = expect_error(app.post(&w.operator, &format!("/api/v1/milestones/{m1}/releases"), &json!({"amount_yuan": "50001", "version": r["version"]})).await, StatusCode::UNPROCESSABLE_ENTITY, "exceeds_budget").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("本次最多50000元"), "{e}");
    expect_error(app.post(&w.operator, &format!("/api/v1/milestones/{m1}/releases"), &json!({"amount_yuan": "1000", "version": v})).await, StatusCode::CONFLICT, "version_conflict").await;

    // Outcomes with evidence feed the registry's computed facts.
    let before = app.eligibility(&w.operator, w.center, WENZHOU, "recognition").await;
    let proto = |e: &Value| e["criteria"].as_array().unwrap().iter().find(|c| c["code"] == "prototyped_or_productized").unwrap()["figures"][0][1].as_i64().unwrap();
    assert_eq!(proto(&before), 0);
    expect_error(app.post(&w.operator, &format!("/api/v1/results/{id}/outcomes"), &json!({"kind": "prototype", "achieved_on": "2027-01-01", "evidence": "样机照片与测试报告"})).await, StatusCode::UNPROCESSABLE_ENTITY, "in_future").await;
    // Issue 11 §6: an outcome dated year 1 or with a two-digit year never counts.
    for (day, code) in [("0001-01-01", "out_of_range"), ("26-11-01", "invalid_date"), ("+2026-01-01", "invalid_date")] {
        let body = json!({"kind": "prototype", "achieved_on": day, "evidence": "样机照片与测试报告"});
        let err = expect_error(app.post(&w.operator, &format!("/api/v1/results/{id}/outcomes"), &body).await, StatusCode::UNPROCESSABLE_ENTITY, code).await;
        assert_eq!(err["error"]["field"], "achieved_on", "{day}");
    }
    expect_error(app.post(&w.operator, &format!("/api/v1/results/{id}/outcomes"), &json!({"kind": "service_contract", "achieved_on": "2026-02-01", "evidence": "合同WZ-2026-01"})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    app.post_expect(&w.operator, &format!("/api/v1/results/{id}/outcomes"), &json!({"kind": "prototype", "achieved_on": "2026-02-20", "evidence": "样机照片与测试报告"}), StatusCode::CREATED).await;
    let after = app.eligibility(&w.operator, w.center, WENZHOU, "recognition").await;
    assert_eq!(proto(&after), 1);
    let lib = after["criteria"].as_array().unwrap().iter().find(|c| c["code"] == "library_projects").unwrap()["figures"][0][1].as_i64().unwrap();
    assert_eq!(lib, 1, "the admitted project counts in the library");

    // The report waits for every milestone; each needs a finding.
    let report = json!({"summary": "样机在急诊场景下检测一致率达到97%，成本可控，具备中试条件", "trl_after": 6, "recommendation": "go_pilot",
        "findings": [{"milestone_id": m1, "finding": "一致率97%，达标"}, {"milestone_id": m2, "finding": "单片成本38元"}]});
    expect_error(app.post(&w.operator, &format!("/api/v1/results/{id}/report"), &report).await, StatusCode::UNPROCESSABLE_ENTITY, "milestones_open").await;
    let v = ms(m2).await["version"].as_i64().unwrap();
    app.post_expect(&w.operator, &format!("/api/v1/milestones/{m2}/steps"), &json!({"action": "submit", "evidence": "成本核算表", "version": v}), StatusCode::OK).await;
    let v = ms(m2).await["version"].as_i64().unwrap();
    app.post_expect(&w.operator, &format!("/api/v1/milestones/{m2}/steps"), &json!({"action": "fail", "note": "成本超出目标", "version": v}), StatusCode::OK).await;
    let mut missing = report.clone();
    missing["findings"].as_array_mut().unwrap().pop();
    expect_error(app.post(&w.operator, &format!("/api/v1/results/{id}/report"), &missing).await, StatusCode::UNPROCESSABLE_ENTITY, "finding_missing").await;
    let issued = app.post_expect(&w.operator, &format!("/api/v1/results/{id}/report"), &report, StatusCode::CREATED).await;
    assert_eq!(issued["report_no"], format!("概验报〔2026〕{}-001号", w.center));
    let p = project(&app, &w.operator, id).await;
    assert_eq!((p["project"]["state"].as_str(), p["project"]["trl_after"].as_i64()), (Some("verified"), Some(6)));
    // Verified, the project is open to investors — its public face and report only.
    let seen = project(&app, &w.investor, id).await;
    assert!(seen["project"]["secret_summary"].is_null() && seen["plan"].is_null() && seen["milestones"].as_array().unwrap().is_empty(), "{seen}");
    assert_eq!(seen["report"]["recommendation"], "go_pilot");
    signed_report_is_recognized_elsewhere(&app, &w, id).await;

    // Hand-off: only to a pilot platform; the platform declines, then accepts and reports back.
    let e = expect_error(app.post(&w.operator, &format!("/api/v1/results/{id}/handoffs"), &json!({"platform_center_id": w.other_center})).await, StatusCode::UNPROCESSABLE_ENTITY, "not_a_platform").await;
    assert_eq!(e["error"]["field"], "platform_center_id");
    let h = app.post_expect(&w.operator, &format!("/api/v1/results/{id}/handoffs"), &json!({"platform_center_id": w.platform, "note": "请安排小批量试制"}), StatusCode::CREATED).await;
    expect_error(app.post(&w.operator, &format!("/api/v1/results/{id}/handoffs"), &json!({"platform_center_id": w.platform})).await, StatusCode::CONFLICT, "handoff_open").await;
    let hid = h["id"].as_i64().unwrap();
    let incoming = app.get_ok(&w.platform_operator, "/api/v1/handoffs").await;
    assert_eq!(incoming.as_array().unwrap().len(), 1);
    assert!(app.get_ok(&w.other_operator, "/api/v1/handoffs").await.as_array().unwrap().is_empty());
    expect_error(app.post(&w.other_operator, &format!("/api/v1/handoffs/{hid}/response"), &json!({"decision": "accept", "version": 1})).await, StatusCode::NOT_FOUND, "not_found").await;
    expect_error(app.post(&w.platform_operator, &format!("/api/v1/handoffs/{hid}/response"), &json!({"decision": "decline", "version": 1})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    app.post_expect(&w.platform_operator, &format!("/api/v1/handoffs/{hid}/response"), &json!({"decision": "decline", "note": "本季度产线已满", "version": 1}), StatusCode::OK).await;
    assert_eq!(project(&app, &w.operator, id).await["project"]["state"], "verified");
    let h = app.post_expect(&w.operator, &format!("/api/v1/results/{id}/handoffs"), &json!({"platform_center_id": w.platform}), StatusCode::CREATED).await;
    let hid = h["id"].as_i64().unwrap();
    // The platform sees the public summary and the report, not the secrets.
    let seen = project(&app, &w.platform_operator, id).await;
    assert!(seen["project"]["secret_summary"].is_null() && seen["report"]["report_no"].is_string(), "{seen}");
    let h = app.post_expect(&w.platform_operator, &format!("/api/v1/handoffs/{hid}/response"), &json!({"decision": "accept", "version": 1}), StatusCode::OK).await;
    assert_eq!(project(&app, &w.operator, id).await["project"]["state"], "handed_off");
    app.post_expect(&w.platform_operator, &format!("/api/v1/handoffs/{hid}/feedback"), &json!({"feedback": "完成500片试制，良率92%", "needs": "需洁净车间扩产资金", "version": h["version"]}), StatusCode::OK).await;
    let seen = project(&app, &w.operator, id).await;
    let back = seen["handoffs"].as_array().unwrap().iter().find(|x| x["id"] == hid).unwrap();
    assert_eq!((back["feedback"].as_str(), back["needs"].as_str()), (Some("完成500片试制，良率92%"), Some("需洁净车间扩产资金")));

    // Mutual recognition: another center finds the report and accepts it once; its own center may not.
    let found = app.get_ok(&w.other_operator, "/api/v1/reports?q=微流控").await;
    assert_eq!(found.as_array().unwrap().len(), 1);
    // The report is in the search index for every center's operator (number, title, summary), not for units.
    let hits = app.get_ok(&w.other_operator, "/api/v1/search?q=微流控&kind=report").await;
    assert_eq!((hits["total"].as_i64(), hits["items"][0]["id"].as_i64()), (Some(1), Some(id)), "{hits}");
    assert!(hits["items"][0]["title"].as_str().unwrap().starts_with("概验报"), "{hits}");
    assert_eq!(app.get_ok(&w.researcher, "/api/v1/search?q=微流控&kind=report").await["total"], 0);
    let html = app.get(&w.other_operator, "/search?q=%E5%BE%AE%E6%B5%81%E6%8E%A7&kind=report").await.text().await.unwrap();
    assert!(html.contains(&format!("href=\"/results/{id}/report\"")), "{html}");
    let doc = app.get(&w.other_operator, &format!("/results/{id}/report")).await;
    assert_eq!(doc.status(), StatusCode::OK);
    let doc = doc.text().await.unwrap();
    assert!(doc.contains("概念验证报告") && doc.contains("一致率97%，达标") && doc.contains("性能验证") && !doc.contains("抗体配对"), "the report reads as a document without secrets");
    assert_eq!(app.get(&w.investor, &format!("/results/{}/report", id + 1000)).await.status(), StatusCode::NOT_FOUND);
    expect_error(app.get(&w.researcher, "/api/v1/reports?q=").await, StatusCode::FORBIDDEN, "forbidden").await;
    let accept = json!({"center_id": w.other_center, "note": "采信该验证结论，不再重复验证"});
    app.post_expect(&w.other_operator, &format!("/api/v1/results/{id}/acceptances"), &accept, StatusCode::NO_CONTENT).await;
    expect_error(app.post(&w.other_operator, &format!("/api/v1/results/{id}/acceptances"), &accept).await, StatusCode::CONFLICT, "already_accepted").await;
    expect_error(app.post(&w.operator, &format!("/api/v1/results/{id}/acceptances"), &json!({"center_id": w.center, "note": "本中心"})).await, StatusCode::UNPROCESSABLE_ENTITY, "own_report").await;
    expect_error(app.post(&w.other_operator, &format!("/api/v1/results/{id}/acceptances"), &json!({"center_id": w.center, "note": "冒用"})).await, StatusCode::FORBIDDEN, "forbidden").await;
    let acc = project(&app, &w.chief, id).await["acceptances"].clone();
    assert_eq!(acc[0]["center_name"], "乐清电气概念验证中心");
}

#[tokio::test]
async fn trade_secrets_reach_only_the_owners_and_pledged_experts_and_every_view_is_audited() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let id = add_project(&app, &w, "多联检化学发光微流控检测芯片").await;
    let audits = || async { app.count_where("audit_events", "action = 'result.secret_view'").await };
    // (who, sees the project, sees secrets)
    let cases: Vec<(&str, &String, bool, bool)> = vec![
        ("owning center", &w.operator, true, true),
        ("researchers", &w.researcher, true, true),
        ("bureau", &w.chief, true, false),
        ("county of the region", &w.county, true, false),
        ("another center before any report", &w.other_operator, false, false),
        ("investor before verification", &w.investor, false, false),
        ("uninvited expert", &w.experts[0].0, false, false),
    ];
    for (who, token, visible, secrets) in &cases {
        let n = audits().await;
        let resp = app.get(token, &format!("/api/v1/results/{id}")).await;
        if !visible {
            expect_error(resp, StatusCode::NOT_FOUND, "not_found").await;
            continue;
        }
        let v = expect_status(resp, StatusCode::OK).await;
        assert_eq!(v["project"]["secret_summary"].is_string(), *secrets, "{who}: {v}");
        assert_eq!(v["project"]["team"].is_array(), *secrets, "{who}: the team is marked secret");
        assert!(v["project"]["patents"].is_array(), "{who}: patents are not marked secret");
        assert_eq!(audits().await - n, i64::from(*secrets), "{who}: a view of secrets is audited, others are not");
    }
    // Lists never carry secrets.
    let list = app.get_ok(&w.operator, "/api/v1/results").await;
    assert!(!list.to_string().contains("抗体配对"), "{list}");
    // The researchers of another unit see nothing.
    let stranger = app.add_org("温州测试医学院", "university", "鹿城区").await;
    app.add_user("stranger", Role::Researcher, stranger).await;
    expect_error(app.get(&app.token("stranger").await, &format!("/api/v1/results/{id}")).await, StatusCode::NOT_FOUND, "not_found").await;
    let _ = w.owner_org;
}

#[tokio::test]
async fn the_project_page_works_each_role_through_forms() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let id = add_project(&app, &w, "多联检化学发光微流控检测芯片").await;
    let page = |user: &'static str| {
        let app = &app;
        async move {
            let (client, _, csrf) = app.login(user).await;
            (client, csrf)
        }
    };
    // The operator opens the library, then the project, and starts the screening with the 002 sheet.
    let (op, csrf) = page("operator").await;
    let list = op.get(app.url("/results")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains(&format!("href=\"/results/{id}\"")), "the list links to the project");
    let html = op.get(app.url(&format!("/results/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("抗体配对方案") && html.contains("data-action=\"start_screening\""), "owner sees secrets and its actions");
    let form = [("csrf_token", csrf.as_str()), ("action", "start_screening"), ("version", "1"), ("sheet", "three_dimensional"), ("comments", "")];
    let resp = op.post(app.url(&format!("/results/{id}/steps"))).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER, "redirected back to the page");
    assert_eq!(project(&app, &w.operator, id).await["project"]["screening_sheet"], "three_dimensional");
    // A refused form shows the reason on the page (screening already started).
    let resp = op.post(app.url(&format!("/results/{id}/steps"))).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert!(resp.text().await.unwrap().contains("不能执行“启动入库遴选”"), "the page names the refusal");
    let e1 = w.experts[0].1.to_string();
    op.post(app.url(&format!("/results/{id}/panel"))).form(&[("csrf_token", csrf.as_str()), ("expert_id", e1.as_str())]).send().await.unwrap();

    // The invited expert sees its task, the pledge form and no secrets; after the pledge, the 002 sheet.
    let (ex, csrf) = page("screen1").await;
    let tasks = ex.get(app.url("/results")).send().await.unwrap().text().await.unwrap();
    assert!(tasks.contains("多联检化学发光微流控检测芯片"), "the expert's screening tasks list it");
    let html = ex.get(app.url(&format!("/results/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"declare-form\"") && !html.contains("抗体配对方案"), "pledge first");
    let dash = ex.get(app.url("/dashboard")).send().await.unwrap().text().await.unwrap();
    assert!(dash.contains("成果遴选任务") && dash.contains("其中1项待声明利益冲突"), "the expert's dashboard counts its tasks");
    let dash = op.get(app.url("/dashboard")).send().await.unwrap().text().await.unwrap();
    assert!(dash.contains("待验收里程碑") && dash.contains("里程碑资金已拨付"), "the operator's dashboard shows milestones and money");
    ex.post(app.url(&format!("/results/{id}/declaration"))).form(&[("csrf_token", csrf.as_str()), ("decision", "no_conflict"), ("pledge", "true")]).send().await.unwrap();
    let html = ex.get(app.url(&format!("/results/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("抗体配对方案") && html.contains("score.commercial_value"), "secrets and the three-dimensional sheet: {}", &html[..200]);

    // The other pages answer for their roles.
    for (user, path, needle) in [("platform", "/handoffs", "中试移交"), ("other", "/reports?q=芯片", "验证报告与结果互认"), ("chief", "/reports", "验证报告")] {
        let (c, _) = page(user).await;
        let resp = c.get(app.url(path)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{user} {path}");
        assert!(resp.text().await.unwrap().contains(needle));
    }
    let (r, _) = page("researcher").await;
    assert_eq!(r.get(app.url("/handoffs")).send().await.unwrap().status(), StatusCode::FORBIDDEN);
}

fn intake(center: i64) -> Value {
    json!({"center_id": center, "ref_no": "WZU-2026-001", "title": "固态锂电池界面改性工艺", "summary": "面向储能场景的固态锂电池界面改性工艺，已完成小试样品循环测试。",
        "secret_summary": "封装胶配方与层压温度曲线", "field": "new_energy", "sub_field": "advanced_batteries", "source": "高校",
        "team": ["张伟、李娜"], "patents": ["CN202511140438.4:已授权"], "trl": 4, "trl_evidence": "小试样品第三方检测报告",
        "stage": "prototype", "secret_parts": ["patents"]})
}

#[tokio::test]
async fn researchers_submit_and_operators_enter_results_with_every_error_at_once() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    // A researcher submits for its own unit; the draft is stored with its first step.
    let created = app.post_expect(&w.researcher, "/api/v1/results", &intake(w.center), StatusCode::CREATED).await;
    let id = created["id"].as_i64().unwrap();
    let p = project(&app, &w.operator, id).await;
    assert_eq!(p["project"]["state"], "submitted");
    assert_eq!(p["project"]["owner_org_name"], "温州测试理工大学");
    assert_eq!(p["project"]["team"], json!(["张伟", "李娜"]));
    assert_eq!(p["project"]["secret_parts"], json!(["patents"]));
    assert_eq!(p["steps"].as_array().unwrap().len(), 1);
    // The same number twice in one center is refused; nothing half-stored.
    expect_error(app.post(&w.researcher, "/api/v1/results", &intake(w.center)).await, StatusCode::CONFLICT, "duplicate").await;
    // Every field error at once, each naming its field.
    let mut bad = intake(w.center);
    bad["ref_no"] = json!("");
    bad["title"] = json!("");
    bad["sub_field"] = json!("hydrogen_x");
    bad["trl"] = json!(12);
    let e = expect_error(app.post(&w.researcher, "/api/v1/results", &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    let fields: Vec<&str> = e["error"]["errors"].as_array().unwrap().iter().map(|x| x["field"].as_str().unwrap()).collect();
    assert!(fields.contains(&"title") && fields.contains(&"sub_field") && fields.contains(&"trl"), "{e}");
    // Only to a proof-of-concept center.
    expect_error(app.post(&w.researcher, "/api/v1/results", &intake(w.platform)).await, StatusCode::UNPROCESSABLE_ENTITY, "not_a_poc_center").await;
    // An operator enters for an owner unit, only into its own center.
    let mut entry = intake(w.center);
    entry["ref_no"] = json!("OP-1");
    expect_error(app.post(&w.operator, "/api/v1/results", &entry).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    entry["owner_org_id"] = json!(w.owner_org);
    app.post_expect(&w.operator, "/api/v1/results", &entry, StatusCode::CREATED).await;
    let mut other = entry.clone();
    other["center_id"] = json!(w.other_center);
    expect_error(app.post(&w.operator, "/api/v1/results", &other).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.post(&w.chief, "/api/v1/results", &entry).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(app.count("research_results").await, 2);

    // The form does the same; an error keeps what was typed.
    let (client, _, csrf) = app.login("researcher").await;
    let page = client.get(app.url("/results/new")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("瑞安智能装备概念验证中心") && !page.contains("温州智能装备中试平台"), "only PoC centers are offered");
    assert!(!page.contains("pocnet import"), "users are never told to run a command");
    let (operator_client, _, _) = app.login("operator").await;
    let page = operator_client.get(app.url("/results/new")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("href=\"/results/import\"") && !page.contains("pocnet import"), "operators are sent to the web import");
    let center = w.center.to_string();
    let mut form = vec![("csrf_token", csrf.as_str()), ("center_id", center.as_str()), ("title", "高精度激光测距模组"), ("summary", "短"),
        ("field_sub", "smart_equipment/"), ("source", "university"), ("team", "王强\n赵敏"), ("trl", "3"), ("stage", "lab")];
    let resp = client.post(app.url("/results")).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(html.contains("高精度激光测距模组") && html.contains("成果简介"), "typed values kept and the error named");
    let subs = pocnet_domain::industry::field("smart_equipment").unwrap().sub_fields[0].code;
    let field_sub = format!("smart_equipment/{subs}");
    form[3] = ("summary", "基于飞行时间原理的高精度激光测距模组，实验室样品精度达到±1mm。");
    form[4] = ("field_sub", field_sub.as_str());
    let resp = client.post(app.url("/results")).form(&form).send().await.unwrap();
    let status = resp.status();
    let body = resp.text().await.unwrap();
    let err = body.split("data-testid=\"form-error\">").nth(1).unwrap_or("").split('<').next().unwrap_or("").to_owned();
    assert_eq!(status, StatusCode::SEE_OTHER, "{err}");
    assert_eq!(app.count("research_results").await, 3);
}

#[tokio::test]
async fn the_library_exports_to_excel_without_secrets_and_offers_the_import_template() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let id = add_project(&app, &w, "多联检化学发光微流控检测芯片").await;
    let resp = app.get(&w.operator, "/api/v1/results/export.xlsx").await;
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.bytes().await.unwrap().to_vec();
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes.clone())).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let rows: Vec<Vec<String>> = sheet.rows().map(|r| r.iter().map(|c| c.to_string()).collect()).collect();
    assert_eq!(rows.len(), 2, "header and the one project");
    assert_eq!(rows[0][0], "成果名称");
    assert_eq!(rows[1][0], "多联检化学发光微流控检测芯片");
    assert_eq!(rows[1][7], "已提交");
    let all: String = rows.concat().join("|");
    assert!(!all.contains("抗体配对") && !all.contains("黄静洁"), "no trade secret is exported");
    // Another center sees nothing to export of it.
    let other = app.get(&w.other_operator, "/api/v1/results/export.xlsx").await.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(other)).unwrap();
    assert_eq!(book.worksheet_range_at(0).unwrap().unwrap().rows().count(), 1);
    // The template's header is what `pocnet import results` reads.
    let tpl = app.get(&w.operator, "/api/v1/results/import-template.xlsx").await.bytes().await.unwrap().to_vec();
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(tpl)).unwrap();
    let sheet = book.worksheet_range_at(0).unwrap().unwrap();
    let header: Vec<String> = sheet.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let want: Vec<String> = pocnet_domain::library::intake::LIST_COLUMNS.iter().map(|c| if c.required { format!("{}*", c.zh) } else { c.zh.to_owned() }).collect();
    assert_eq!(header, want);
    expect_error(app.get(&w.investor, "/api/v1/results/import-template.xlsx").await, StatusCode::FORBIDDEN, "forbidden").await;
    let _ = id;
}

/// A multipart body with form fields and one file (built by hand: the test client has no multipart feature).
fn upload(fields: &[(&str, &str)], file_name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "pocnet-results-boundary-41c2";
    let mut body = Vec::new();
    for (k, v) in fields {
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n").as_bytes());
    }
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn an_operator_uploads_a_list_all_rows_or_none() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let header = "成果编号,成果名称*,成果简介,产业领域,细分领域,成果来源,所属单位,研发团队,技术就绪度,就绪度依据";
    let good = format!(
        "{header}\nL-1,激光熔覆修复工艺,面向高端装备关键零部件的激光熔覆修复工艺，已完成样件验证。,智能装备,,高校,温州测试理工大学,张伟、李娜,4,样件检测报告\n\
         L-2,工业视觉缺陷检测算法,基于深度学习的表面缺陷检测算法，实验室准确率达到98%。,smart_equipment,,university,温州测试理工大学,王强,3,\n"
    );
    let sub = pocnet_domain::industry::field("smart_equipment").unwrap().sub_fields[0].label;
    let good = good.replace(",智能装备,,", &format!(",智能装备,{sub},")).replace(",smart_equipment,,", &format!(",smart_equipment,{sub},"));
    let send = |token: String, fields: Vec<(&'static str, String)>, body: String| {
        let app = &app;
        async move {
            let f: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let (ctype, bytes) = upload(&f, "清单.csv", body.as_bytes());
            app.http.post(app.url("/api/v1/results/import")).bearer_auth(&token).header(reqwest::header::CONTENT_TYPE, ctype).body(bytes).send().await.unwrap()
        }
    };
    let center = w.center.to_string();
    // A dry run checks and writes nothing.
    let r = expect_status(send(w.operator.clone(), vec![("center_id", center.clone()), ("dry_run", "1".into())], good.clone()).await, StatusCode::OK).await;
    assert_eq!((r["rows"].as_u64(), r["written"].as_u64(), r["dry_run"].as_bool()), (Some(2), Some(0), Some(true)), "{r}");
    assert_eq!(app.count("research_results").await, 0);
    // A bad row: every problem named by row and column, nothing written.
    let bad = format!("{good}L-3,x,短,智能装备,{sub},高校,不存在的单位,,12,\n");
    let r = expect_status(send(w.operator.clone(), vec![("center_id", center.clone())], bad).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    let errors: Vec<(i64, String)> = r["errors"].as_array().unwrap().iter().map(|e| (e["row"].as_i64().unwrap(), e["column"].as_str().unwrap().to_owned())).collect();
    for col in ["成果名称", "成果简介", "所属单位", "研发团队", "技术就绪度"] {
        assert!(errors.contains(&(4, col.to_owned())), "row 4 {col}: {r}");
    }
    assert_eq!(app.count("research_results").await, 0, "all or none");
    // Wrong columns are refused before any row.
    let e = expect_error(send(w.operator.clone(), vec![("center_id", center.clone())], "名称,简介\nA,B\n".into()).await, StatusCode::UNPROCESSABLE_ENTITY, "bad_header").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("缺少必需的列"), "{e}");
    // Only into the operator's own center.
    expect_error(send(w.other_operator.clone(), vec![("center_id", center.clone())], good.clone()).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(send(w.researcher.clone(), vec![("center_id", center.clone())], good.clone()).await, StatusCode::FORBIDDEN, "forbidden").await;
    // The good list goes in whole; again, its numbers are taken.
    let r = expect_status(send(w.operator.clone(), vec![("center_id", center.clone())], good.clone()).await, StatusCode::OK).await;
    assert_eq!(r["written"], 2);
    assert_eq!(app.count_where("research_results", "state = 'submitted'").await, 2);
    let r = expect_status(send(w.operator.clone(), vec![("center_id", center)], good).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert!(r["errors"].to_string().contains("已在该中心的项目库中"), "{r}");
    // The page offers the form to the operator, and the form checks a list without script.
    let (client, _, csrf) = app.login("operator").await;
    let html = client.get(app.url("/results/import")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"import-form\"") && html.contains("瑞安智能装备概念验证中心"));
    let another = format!("{header}\nL-9,高功率光纤激光器,面向精密加工的高功率光纤激光器，已完成样机验证。,智能装备,{sub},高校,温州测试理工大学,赵敏,4,样机测试报告\n");
    let (ctype, bytes) = upload(&[("center_id", &w.center.to_string()), ("dry_run", "1")], "清单.csv", another.as_bytes());
    let resp = client.post(app.url(&format!("/results/import?csrf_token={csrf}"))).header(reqwest::header::CONTENT_TYPE, ctype).body(bytes).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.unwrap().contains("全部有效，未写入"));
    assert_eq!(app.count("research_results").await, 2);
}

#[tokio::test]
async fn the_assigner_staffs_a_centers_screening_panels_without_conflicts() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let mut ids = Vec::new();
    for t in ["多联检化学发光微流控检测芯片", "低功耗边缘视觉检测模组", "可降解医用高分子材料"] {
        let id = add_project(&app, &w, t).await;
        step_ok(&app, &w.operator, id, "start_screening", "").await;
        ids.push(id);
    }
    let mut accounts = w.experts.clone();
    for i in 5..=8 {
        let user = app.add_user(&format!("ext{i}"), Role::Expert, app.lucheng_univ).await;
        let e = app.add_expert(&format!("外部专家{i}"), app.lucheng_univ, Some(user)).await;
        accounts.push((app.token(&format!("ext{i}")).await, e));
    }
    let path = format!("/api/v1/centers/{}/screening-assignments", w.center);
    let settings = json!({"panel_size": 3, "min_industry": 1, "max_load": 3});
    expect_error(app.post(&w.other_operator, &path, &settings).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.post(&w.chief, &path, &settings).await, StatusCode::FORBIDDEN, "forbidden").await;
    let run = app.post_expect(&w.operator, &path, &settings, StatusCode::CREATED).await;
    assert_eq!(run["run"]["purpose"], "screening");
    let panels = run["solution"]["panels"].as_array().unwrap();
    assert_eq!(panels.len(), 3, "{}", run["solution"]);
    let (e3, insider) = (w.experts[2].1.to_string(), w.insider.to_string());
    for p in panels {
        let seated: Vec<&str> = p["experts"].as_array().unwrap().iter().map(|s| s["expert"].as_str().unwrap()).collect();
        assert_eq!(seated.len(), 3);
        assert!(!seated.contains(&insider.as_str()), "the owner unit's expert never screens");
        assert!(!seated.contains(&e3.as_str()), "a team member (遴选专家3) never screens its own result");
    }
    assert_eq!(app.count_where("panel_seats", "subject_kind = 'result'").await, 0, "a preview invites nobody");
    let run_id = run["run"]["id"].as_i64().unwrap();
    expect_error(app.get(&w.other_operator, &format!("/api/v1/assignments/{run_id}")).await, StatusCode::FORBIDDEN, "forbidden").await;
    let (client, _, _) = app.login("operator").await;
    let html = client.get(app.url(&format!("/assignments/{run_id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("入库遴选专家组分配方案") && html.contains("多联检化学发光微流控检测芯片") && html.contains("/results?state=screening"), "the run page names the results");
    let list = client.get(app.url("/results")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains("data-testid=\"screening-assigner\""), "the operator's list offers the assigner");
    let done = app.post_expect(&w.operator, &format!("/api/v1/assignments/{run_id}/confirm"), &json!({}), StatusCode::OK).await;
    assert_eq!(done["invited"], 9);
    assert_eq!(app.count_where("panel_seats", "subject_kind = 'result'").await, 9);
    // An invited expert sees its tasks; nothing is left to staff.
    let invited: Vec<i64> = sqlx::query_scalar("SELECT DISTINCT expert_id FROM panel_seats WHERE subject_kind = 'result'").fetch_all(app.store.pool()).await.unwrap();
    for (token, e) in w.experts.iter().filter(|(_, e)| invited.contains(e)) {
        let n: i64 = app.count_where("panel_seats", &format!("subject_kind = 'result' AND expert_id = {e}")).await;
        assert_eq!(app.get_ok(token, "/api/v1/results").await["total"].as_i64(), Some(n));
    }
    expect_error(app.post(&w.operator, &path, &settings).await, StatusCode::UNPROCESSABLE_ENTITY, "nothing_to_assign").await;

    // An invited expert declines; the center gets the best replacement, moving nobody else, and fills the seat once.
    let (token, left) = accounts.iter().find(|(_, e)| invited.contains(e)).expect("an invited expert").clone();
    let rid: i64 = sqlx::query_scalar("SELECT MIN(subject_id) FROM panel_seats WHERE subject_kind = 'result' AND expert_id = $1").bind(left).fetch_one(app.store.pool()).await.unwrap();
    app.post_expect(&token, &format!("/api/v1/results/{rid}/declaration"), &json!({"decision": "decline", "reason": "评审期间出差"}), StatusCode::NO_CONTENT).await;
    let r = app.get_ok(&w.operator, &format!("/api/v1/results/{rid}/panel/replacement?expert={left}")).await;
    let proposed = r["replacement"]["proposed"]["expert"].as_str().expect("a replacement is proposed").parse::<i64>().unwrap();
    assert_ne!(proposed, w.insider);
    assert_ne!(proposed, w.experts[2].1, "never a team member");
    expect_error(app.get(&w.other_operator, &format!("/api/v1/results/{rid}/panel/replacement?expert={left}")).await, StatusCode::FORBIDDEN, "forbidden").await;
    let html = client.get(app.url(&format!("/results/{rid}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains(&format!("data-testid=\"replacement-{left}\"")), "the page proposes the replacement");
    let before: i64 = app.count_where("panel_seats", "subject_kind = 'result'").await;
    app.post_expect(&w.operator, &format!("/api/v1/results/{rid}/panel"), &json!({"expert_id": proposed, "replaces": left}), StatusCode::NO_CONTENT).await;
    assert_eq!(app.count_where("panel_seats", "subject_kind = 'result'").await, before + 1, "one new seat, nobody else moved");
    let spare = app.add_expert("外部专家9", app.lucheng_univ, None).await;
    expect_error(app.post(&w.operator, &format!("/api/v1/results/{rid}/panel"), &json!({"expert_id": spare, "replaces": left})).await, StatusCode::CONFLICT, "seat_filled").await;
    let runs = app.get_ok(&w.operator, &path).await;
    assert_eq!(runs.as_array().unwrap().len(), 1);
    let _ = ids;
}

/// The 转化培育清单 (002 三(二)): the bureau lists a library result into the year's list
/// with a reason; the list is the result list by year, each role seeing its own part.
#[tokio::test]
async fn the_bureau_lists_a_library_result_into_the_years_cultivation_list() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let id = add_project(&app, &w, "多联检化学发光微流控检测芯片").await;
    let year = chrono::Datelike::year(&app.today());
    let body = |year: i32, reason: &str| json!({"year": year, "reason": reason});
    let path = format!("/api/v1/results/{id}/cultivation");
    expect_error(app.post(&w.chief, &path, &body(year, "急诊检测需求明确")).await, StatusCode::UNPROCESSABLE_ENTITY, "not_in_library").await;
    screen_and_admit(&app, &w, id).await;
    expect_error(app.post(&w.county, &path, &body(year, "急诊检测需求明确")).await, StatusCode::FORBIDDEN, "forbidden").await;
    let e = expect_error(app.post(&w.chief, &path, &body(year, "好")).await, StatusCode::UNPROCESSABLE_ENTITY, "too_short").await;
    assert_eq!(e["error"]["field"], "reason");
    let e = expect_error(app.post(&w.chief, &path, &body(2000, "急诊检测需求明确")).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    assert_eq!(e["error"]["field"], "year");
    let listed = app.post_expect(&w.chief, &path, &body(year, "急诊检测需求明确，转化前景好"), StatusCode::OK).await;
    assert_eq!((listed["listed"].as_i64(), listed["target"].as_i64()), (Some(1), Some(100)));
    expect_error(app.post(&w.chief, &path, &body(year, "再次列入")).await, StatusCode::CONFLICT, "already_listed").await;

    // The list: the bureau and the owner unit see it; an investor sees only verified results.
    let list = format!("/api/v1/results?cultivation_year={year}");
    assert_eq!(app.get_ok(&w.chief, &list).await["total"], 1);
    assert_eq!(app.get_ok(&w.researcher, &list).await["total"], 1);
    assert_eq!(app.get_ok(&w.investor, &list).await["total"], 0);
    assert_eq!(app.get_ok(&w.researcher, &path).await[0]["year"], year);
    let html = app.get(&w.chief, &format!("/results/{id}")).await.text().await.unwrap();
    assert!(html.contains(&format!("已列入{year}年转化培育清单")), "{html}");
    expect_error(app.get(&w.chief, "/api/v1/results?cultivation_year=19").await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;

    // Taken off with a reason.
    expect_status(app.delete(&w.chief, &path, &body(year, "企业已自行转化")).await, StatusCode::NO_CONTENT).await;
    assert_eq!(app.get_ok(&w.chief, &list).await["total"], 0);
    expect_error(app.delete(&w.chief, &path, &body(year, "企业已自行转化")).await, StatusCode::NOT_FOUND, "not_found").await;
}

/// A multipart body with `file` and `note`.
fn report_form(bytes: &[u8], note: &str) -> (String, Vec<u8>) {
    let boundary = "pocnet-recognize-boundary-51a";
    let mut body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\n{note}\r\n").into_bytes();
    body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.pdf\"\r\nContent-Type: application/pdf\r\n\r\n").as_bytes());
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn present(app: &TestApp, token: &str, center: i64, pdf: &[u8]) -> reqwest::Response {
    let (ct, body) = report_form(pdf, "已由对方中心完成同类验证，直接采信");
    app.http.post(app.url(&format!("/api/v1/centers/{center}/recognized-reports"))).bearer_auth(token).header("content-type", ct).body(body).send().await.unwrap()
}

/// The report just issued is signed; another installation's center accepts it (互认) once its
/// bureau trusts this log — and this installation's own center is sent to the local flow.
async fn signed_report_is_recognized_elsewhere(app: &TestApp, w: &World, id: i64) {
    let docs = app.get_ok(&w.operator, &format!("/api/v1/documents?subject_type=result&subject_id={id}")).await;
    assert_eq!(docs[0]["kind"], "verification_report", "{docs}");
    let pdf = app.get(&w.operator, &format!("/api/v1/documents/{}/pdf", docs[0]["id"])).await.bytes().await.unwrap().to_vec();
    let keys = app.get_anon("/.well-known/pocnet-log-keys").await.text().await.unwrap();
    let parsed: Value = serde_json::from_slice(&pocnet_print::certificate::attached_bundle(&pdf).unwrap()).unwrap();
    assert_eq!((parsed["document"]["subject"]["trl_after"].as_i64(), parsed["document"]["subject"]["recommendation"].as_str()), (Some(6), Some("go_pilot")));
    expect_error(present(app, &w.other_operator, w.other_center, &pdf).await, StatusCode::UNPROCESSABLE_ENTITY, "own_report").await;
    // Hangzhou: another installation, another log.
    let hz = spawn_app_with(pocnet_web::config::WebConfig { log_origin: "kjj.hangzhou.example.cn/pocnet".to_owned(), ..pocnet_web::config::WebConfig::default() }).await;
    let host = hz.add_org("杭州储能材料有限公司", "enterprise", "鹿城区").await;
    hz.add_user("hzop", Role::Center, host).await;
    let hzop = hz.token("hzop").await;
    let center = register_center(&hz, &hzop, "杭州储能概念验证中心", &["smart_equipment"], Some(300)).await;
    expect_error(present(&hz, &hzop, center, &pdf).await, StatusCode::UNPROCESSABLE_ENTITY, "bundle_invalid").await;
    let chief = hz.token("chief").await;
    hz.post_expect(&chief, "/api/v1/trusted-logs", &json!({"origin": "pocnet.localhost/log", "name": "温州市科学技术局", "vkeys": keys}), StatusCode::CREATED).await;
    let ruian = hz.token("ruian").await;
    expect_error(present(&hz, &ruian, center, &pdf).await, StatusCode::FORBIDDEN, "forbidden").await;
    let resp = present(&hz, &hzop, center, &pdf).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    expect_error(present(&hz, &hzop, center, &pdf).await, StatusCode::CONFLICT, "already_recognized").await;
    let list = hz.get_ok(&hzop, &format!("/api/v1/centers/{center}/recognized-reports")).await;
    assert_eq!((list[0]["origin"].as_str(), list[0]["trl_after"].as_i64()), (Some("pocnet.localhost/log"), Some(6)));
    assert_eq!(list[0]["report_no"], parsed["document"]["subject"]["report_no"]);
    let page = hz.get(&hzop, &format!("/centers/{center}")).await.text().await.unwrap();
    assert!(page.contains("互认采信的验证报告") && page.contains(list[0]["report_no"].as_str().unwrap()), "the center's page lists it");
    // A changed byte in the report is refused even from a trusted log.
    let mut altered = pdf.clone();
    let at = altered.len() / 2;
    altered[at] ^= 0x01;
    let resp = present(&hz, &hzop, center, &altered).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
}
