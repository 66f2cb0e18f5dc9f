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
    assert_eq!(app.count("panel_reviews").await, 0, "a preview invites nobody");

    // Confirm: every seat becomes an invitation; a second confirmation is refused.
    let run_id = run["run"]["id"].as_i64().unwrap();
    let done = app.post_expect(&crew.chief, &format!("/api/v1/assignments/{run_id}/confirm"), &json!({}), StatusCode::OK).await;
    assert_eq!(done["invited"], 6);
    assert_eq!(app.count("panel_reviews").await, 6);
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
