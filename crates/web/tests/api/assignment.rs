//! Optimal panel assignment for a call's applications over HTTP: conflicts
//! never assigned, composition respected, preview then confirm once, and a
//! seeded random draw replays.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};
use std::collections::BTreeSet;

async fn expert_of_kind(app: &TestApp, name: &str, org: i64, kind: &str) -> i64 {
    let id = app.add_expert(name, org, None).await;
    sqlx::query("UPDATE experts SET kind = $1 WHERE id = $2").bind(kind).bind(id).execute(app.store.pool()).await.unwrap();
    id
}

fn panels(v: &Value) -> Vec<(String, Vec<String>)> {
    v["solution"]["panels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["item"].as_str().unwrap().to_owned(), p["experts"].as_array().unwrap().iter().map(|s| s["expert"].as_str().unwrap().to_owned()).collect()))
        .collect()
}

#[tokio::test]
async fn the_bureau_staffs_a_call_optimally_without_conflicts_and_confirms_once() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2026-12-31").await;
    let mut apps = Vec::new();
    for name in ["瑞安激光概念验证中心", "瑞安电气概念验证中心"] {
        let center = make_wenzhou_ready_center(&app, &crew.operator, name).await;
        let id = apply(&app, &crew.operator, call, center, &format!("温州市{name}")).await;
        app.step_ok(&crew.operator, id, "submit", "").await;
        app.step_ok(&crew.ruian, id, "county_approve", "同意推荐").await;
        apps.push(id);
    }
    let other = app.add_org("温州测试投资管理有限公司", "investment_fund", "鹿城区").await;
    let inv1 = expert_of_kind(&app, "投资专家甲", other, "investment").await;
    let inv2 = expert_of_kind(&app, "投资专家乙", other, "investment").await;
    let same_unit = expert_of_kind(&app, "同单位投资专家", crew.operator_org, "investment").await;

    // Bad settings name their field.
    let bad = json!({"panel_size": 3, "min_industry": 2, "min_investment": 2, "max_load": 2});
    let e = expect_error(app.post(&crew.chief, &format!("/api/v1/calls/{call}/assignments"), &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "composition_exceeds_size").await;
    assert_eq!(e["error"]["field"], "min_industry");
    expect_error(app.post(&crew.operator, &format!("/api/v1/calls/{call}/assignments"), &json!({"panel_size": 3, "max_load": 2})).await, StatusCode::FORBIDDEN, "forbidden").await;

    let settings = json!({"panel_size": 3, "min_industry": 1, "min_investment": 1, "max_load": 2});
    let run = app.post_expect(&crew.chief, &format!("/api/v1/calls/{call}/assignments"), &settings, StatusCode::CREATED).await;
    assert_eq!(run["run"]["status"], "preview");
    assert!(run["solution"]["proven_optimal"].as_bool().unwrap() || run["solution"]["gap"].as_f64().unwrap() <= 0.005, "{}", run["solution"]);
    let got = panels(&run);
    assert_eq!(got.len(), 2, "both applications staffed: {}", run["solution"]);
    let investors: BTreeSet<String> = [inv1, inv2].iter().map(i64::to_string).collect();
    for (item, experts) in &got {
        assert_eq!(experts.len(), 3, "panel of {item}");
        assert!(experts.iter().any(|e| investors.contains(e)), "an investment expert on {item}");
        assert!(!experts.contains(&same_unit.to_string()), "the host's own expert never sits");
        let advisors: Vec<String> = app.get_ok(&crew.chief, &format!("/api/v1/centers/{}", app.application(&crew.chief, item.parse().unwrap()).await["application"]["center_id"])).await["file"]["advisors"]
            .as_array().unwrap().iter().map(|a| a["expert_id"].as_i64().unwrap().to_string()).collect();
        assert!(experts.iter().all(|e| !advisors.contains(e)), "no advisor of the center reviews it");
    }
    for s in run["solution"]["panels"][0]["experts"].as_array().unwrap() {
        assert!(!s["reason"].as_str().unwrap().is_empty(), "each pair says why it is eligible");
    }
    assert_eq!(app.count_where("panel_seats", "subject_kind = 'application'").await, 0, "a preview invites nobody");

    // Confirm: every seat becomes an invitation; a second confirmation is refused.
    let run_id = run["run"]["id"].as_i64().unwrap();
    let done = app.post_expect(&crew.chief, &format!("/api/v1/assignments/{run_id}/confirm"), &json!({}), StatusCode::OK).await;
    assert_eq!(done["invited"], 6);
    assert_eq!(app.count_where("panel_seats", "subject_kind = 'application'").await, 6);
    expect_error(app.post(&crew.chief, &format!("/api/v1/assignments/{run_id}/confirm"), &json!({})).await, StatusCode::CONFLICT, "already_confirmed").await;
    // Staffed applications are not offered again.
    expect_error(app.post(&crew.chief, &format!("/api/v1/calls/{call}/assignments"), &settings).await, StatusCode::UNPROCESSABLE_ENTITY, "nothing_to_assign").await;
}

#[tokio::test]
async fn a_seeded_random_draw_replays_and_is_recorded() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2026-12-31").await;
    let center = make_wenzhou_ready_center(&app, &crew.operator, "瑞安装备概念验证中心").await;
    let id = apply(&app, &crew.operator, call, center, "温州市瑞安装备概念验证中心").await;
    app.step_ok(&crew.operator, id, "submit", "").await;
    app.step_ok(&crew.ruian, id, "county_approve", "同意推荐").await;
    let other = app.add_org("温州测试产业集团有限公司", "enterprise", "鹿城区").await;
    for i in 0..6 {
        app.add_expert(&format!("产业专家{i}"), other, None).await;
    }
    let settings = json!({"panel_size": 3, "min_industry": 0, "min_investment": 0, "max_load": 1, "q": 0.5, "seed": 20261123u64});
    let a = app.post_expect(&crew.chief, &format!("/api/v1/calls/{call}/assignments"), &settings, StatusCode::CREATED).await;
    let b = app.post_expect(&crew.chief, &format!("/api/v1/calls/{call}/assignments"), &settings, StatusCode::CREATED).await;
    assert_eq!(a["run"]["seed"], 20261123);
    assert_eq!(panels(&a), panels(&b), "same seed, same draw");
    assert_eq!(a["solution"]["randomization"]["seed"], 20261123);
    let runs = app.get_ok(&crew.chief, &format!("/api/v1/calls/{call}/assignments")).await;
    assert_eq!(runs.as_array().unwrap().len(), 2, "every run is kept");
}

#[tokio::test]
async fn the_bureau_adjusts_a_preview_within_the_rules_before_confirming() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2026-12-31").await;
    let center = make_wenzhou_ready_center(&app, &crew.operator, "瑞安激光概念验证中心").await;
    let id = apply(&app, &crew.operator, call, center, "温州市瑞安激光概念验证中心").await;
    app.step_ok(&crew.operator, id, "submit", "").await;
    app.step_ok(&crew.ruian, id, "county_approve", "同意推荐").await;
    let other = app.add_org("温州测试投资管理有限公司", "investment_fund", "鹿城区").await;
    let inv1 = expert_of_kind(&app, "投资专家甲", other, "investment").await;
    let inv2 = expert_of_kind(&app, "投资专家乙", other, "investment").await;
    let same_unit = expert_of_kind(&app, "同单位专家", crew.operator_org, "industry").await;
    // Both investors must sit (minimum 2), with one of the crew's industry experts.
    let run = app
        .post_expect(&crew.chief, &format!("/api/v1/calls/{call}/assignments"), &json!({"panel_size": 3, "min_investment": 2, "max_load": 2}), StatusCode::CREATED)
        .await;
    let run_id = run["run"]["id"].as_i64().unwrap();
    let (_, seated) = panels(&run).remove(0);
    assert!(seated.contains(&inv1.to_string()) && seated.contains(&inv2.to_string()));
    let industry: i64 = seated.iter().map(|s| s.parse::<i64>().unwrap()).find(|e| *e != inv1 && *e != inv2).unwrap();
    let spare = crew.panel.iter().map(|(_, e)| *e).find(|e| *e != industry).unwrap();
    let adjust = |body: Value| {
        let app = &app;
        let chief = crew.chief.clone();
        async move { app.post(&chief, &format!("/api/v1/assignments/{run_id}/adjust"), &body).await }
    };

    // Refusals name the rule and change nothing.
    let e = expect_error(adjust(json!({"item": id, "remove": industry, "add": same_unit})).await, StatusCode::UNPROCESSABLE_ENTITY, "conflict_of_interest").await;
    assert_eq!(e["error"]["field"], "add");
    expect_error(adjust(json!({"item": id, "remove": industry, "add": inv1})).await, StatusCode::UNPROCESSABLE_ENTITY, "already_on_panel").await;
    expect_error(adjust(json!({"item": id, "remove": inv1, "add": spare})).await, StatusCode::UNPROCESSABLE_ENTITY, "kind_minimum").await;
    expect_error(adjust(json!({"item": id + 100, "remove": inv1, "add": spare})).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_seat").await;
    let kept = app.get_ok(&crew.chief, &format!("/api/v1/assignments/{run_id}")).await;
    assert_eq!(panels(&kept), panels(&run), "a refused adjustment changes nothing");

    // A legal swap: the industry expert gives way to another; the seat's evidence comes with it.
    let after = app.post_expect(&crew.chief, &format!("/api/v1/assignments/{run_id}/adjust"), &json!({"item": id, "remove": industry, "add": spare}), StatusCode::OK).await;
    let (_, now_seated) = panels(&after).remove(0);
    assert!(now_seated.contains(&spare.to_string()) && !now_seated.contains(&industry.to_string()));
    assert_eq!(after["solution"]["adjustments"][0]["how"], "chosen");
    assert!(after["solution"]["bound"].as_f64().unwrap() >= after["solution"]["objective"].as_f64().unwrap());
    // The web form does the same; an error re-renders the page with the message.
    let (client, _, csrf) = app.login("chief").await;
    let page = client
        .post(app.url(&format!("/assignments/{run_id}/adjust")))
        .form(&[("csrf_token", csrf.as_str()), ("item", &id.to_string()), ("remove", &spare.to_string()), ("add", &same_unit.to_string())])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.text().await.unwrap().contains("利益冲突"));
    let page = client.get(app.url(&format!("/assignments/{run_id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("人工指定") && page.contains("调整"), "the page lists the adjustment");

    // Confirmation invites the adjusted panel; adjusting afterwards is refused.
    app.post_expect(&crew.chief, &format!("/api/v1/assignments/{run_id}/confirm"), &json!({}), StatusCode::OK).await;
    let invited: Vec<i64> = sqlx::query_scalar("SELECT expert_id FROM panel_seats WHERE subject_kind = 'application' AND subject_id = $1").bind(id).fetch_all(app.store.pool()).await.unwrap();
    assert!(invited.contains(&spare) && !invited.contains(&industry));
    expect_error(adjust(json!({"item": id, "remove": spare})).await, StatusCode::CONFLICT, "already_confirmed").await;
}

#[tokio::test]
async fn a_declining_expert_is_replaced_without_moving_anyone_and_the_result_is_written_back() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2026-12-31").await;
    let center = make_wenzhou_ready_center(&app, &crew.operator, "瑞安激光概念验证中心").await;
    let id = apply(&app, &crew.operator, call, center, "温州市瑞安激光概念验证中心").await;
    app.step_ok(&crew.operator, id, "submit", "").await;
    app.step_ok(&crew.ruian, id, "county_approve", "同意推荐").await;
    // Hand-picked panel of the three crew experts; a fourth library expert is free.
    for (_, e) in &crew.panel {
        app.post_expect(&crew.chief, &format!("/api/v1/applications/{id}/panel"), &json!({"expert_id": e}), StatusCode::NO_CONTENT).await;
    }
    let spare_user = app.add_user("panel4", pocnet_domain::role::Role::Expert, app.lucheng_univ).await;
    let spare = app.add_expert("评审专家4", app.lucheng_univ, Some(spare_user)).await;
    let (tok1, e1) = crew.panel[0].clone();

    // A seat that nobody left needs no replacement.
    expect_error(app.get(&crew.chief, &format!("/api/v1/applications/{id}/panel/replacement?expert={e1}")).await, StatusCode::UNPROCESSABLE_ENTITY, "not_vacated").await;
    // The expert declines, with a reason that is kept.
    expect_error(app.post(&tok1, &format!("/api/v1/applications/{id}/declaration"), &json!({"decision": "decline"})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    app.post_expect(&tok1, &format!("/api/v1/applications/{id}/declaration"), &json!({"decision": "decline", "reason": "评审期间出差"}), StatusCode::NO_CONTENT).await;
    let r = app.get_ok(&crew.chief, &format!("/api/v1/applications/{id}/panel/replacement?expert={e1}")).await;
    assert_eq!(r["replacement"]["proposed"]["expert"], spare.to_string(), "{r}");
    assert!(r["names"][spare.to_string()].as_str().unwrap().contains("评审专家4"));
    expect_error(app.get(&crew.operator, &format!("/api/v1/applications/{id}/panel/replacement?expert={e1}")).await, StatusCode::FORBIDDEN, "forbidden").await;

    // The bureau's application page proposes the replacement with an invite button.
    let (client, _, _) = app.login("chief").await;
    let page = client.get(app.url(&format!("/applications/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("推荐替补") && page.contains("邀请 评审专家4") && page.contains("谢绝"), "replacement block on the page");

    // Invited into the seat; the seat cannot be filled twice; others stay.
    let body = json!({"expert_id": spare, "replaces": e1});
    app.post_expect(&crew.chief, &format!("/api/v1/applications/{id}/panel"), &body, StatusCode::NO_CONTENT).await;
    let other = app.add_expert("评审专家5", app.lucheng_univ, None).await;
    expect_error(app.post(&crew.chief, &format!("/api/v1/applications/{id}/panel"), &json!({"expert_id": other, "replaces": e1})).await, StatusCode::CONFLICT, "seat_filled").await;
    expect_error(app.post(&crew.chief, &format!("/api/v1/applications/{id}/panel"), &json!({"expert_id": other, "replaces": crew.panel[1].1})).await, StatusCode::UNPROCESSABLE_ENTITY, "not_vacated").await;
    let detail = app.application(&crew.chief, id).await;
    let members: Vec<(i64, String)> = detail["panel"].as_array().unwrap().iter().map(|p| (p["expert_id"].as_i64().unwrap(), p["conflict_status"].as_str().unwrap().to_owned())).collect();
    assert_eq!(members.len(), 4);
    assert!(members.contains(&(e1, "declined".into())));
    assert!(detail["application"]["panel_result"].is_null(), "no score, no result");

    // Scores arrive; the result is written back to the application with each one.
    let spare_tok = app.token("panel4").await;
    let scorers = [(crew.panel[1].0.clone(), 70), (crew.panel[2].0.clone(), 80), (spare_tok, 96)];
    for (tok, s) in &scorers {
        app.post_expect(tok, &format!("/api/v1/applications/{id}/declaration"), &json!({"decision": "no_conflict", "pledge": "true"}), StatusCode::NO_CONTENT).await;
        app.post_expect(tok, &format!("/api/v1/applications/{id}/scores"), &json!({"score": s}), StatusCode::NO_CONTENT).await;
    }
    let stored: Option<String> = sqlx::query_scalar("SELECT panel_result_json FROM applications WHERE id = $1").bind(id).fetch_one(app.store.pool()).await.unwrap();
    let stored: Value = serde_json::from_str(&stored.expect("written back")).unwrap();
    assert_eq!(stored["count"], 3);
    assert!((stored["mean"].as_f64().unwrap() - 82.0).abs() < 1e-9);
    assert!((stored["spread"].as_f64().unwrap() - 26.0).abs() < 1e-9);
    assert_eq!(stored["disagreement"], true, "a spread of 26 exceeds the 20-point threshold");
    let mean: Option<i64> = sqlx::query_scalar("SELECT panel_mean_hundredths FROM applications WHERE id = $1").bind(id).fetch_one(app.store.pool()).await.unwrap();
    assert_eq!(mean, Some(8200));
    let detail = app.application(&crew.chief, id).await;
    assert_eq!(detail["application"]["panel_result"]["count"], 3);
    assert_eq!(detail["aggregate"]["disagreement"], true);
}
