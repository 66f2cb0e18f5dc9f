//! Subsidies and rewards over HTTP (issue 17; 000 五(二), 001 中试 四(14), 004 五(二)): the bureau
//! has pocnet propose a year's grants from the records — here the Wenzhou subsidy of a center
//! recognized that year — approves an amount, and records payments that never pass it, not
//! even when several are sent at once; only the bureau decides, the center's operators read
//! their own; every refusal changes nothing.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn todo(app: &TestApp, token: &str, kind: &str) -> i64 {
    let list = app.get_ok(token, "/api/v1/me/todo").await;
    list["items"].as_array().unwrap().iter().find(|i| i["kind"] == kind).and_then(|i| i["count"].as_i64()).unwrap_or_else(|| panic!("no {kind} in {list}"))
}

#[tokio::test]
async fn the_bureau_approves_a_proposed_subsidy_and_pays_it_never_past_the_approved_amount() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call_id = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2027-12-31").await;
    let center = make_wenzhou_ready_center(&app, &crew.operator, "瑞安资金测试概念验证中心").await;
    recognize_wenzhou(&app, &crew, call_id, center, "温州市资金测试概念验证中心").await;
    let year = chrono::Datelike::year(&app.today());

    // Proposals come from the records, for the bureau only, once per center, programme and year.
    expect_error(app.post(&crew.operator, "/api/v1/grants/proposals", &json!({"year": year})).await, StatusCode::FORBIDDEN, "forbidden").await;
    let e = expect_error(app.post(&crew.chief, "/api/v1/grants/proposals", &json!({"year": 1999})).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    assert_eq!(e["error"]["field"], "year");
    assert_eq!(app.post_expect(&crew.chief, "/api/v1/grants/proposals", &json!({"year": year - 1}), StatusCode::OK).await["proposed"], 0, "nothing happened that year");
    let run = app.post_expect(&crew.chief, "/api/v1/grants/proposals", &json!({"year": year}), StatusCode::OK).await;
    assert_eq!(run["proposed"], 1, "{run}");
    assert_eq!(app.post_expect(&crew.chief, "/api/v1/grants/proposals", &json!({"year": year}), StatusCode::OK).await["proposed"], 0, "a second run adds nothing");
    let list = app.get_ok(&crew.chief, &format!("/api/v1/grants?year={year}&state=proposed")).await;
    let g = list["items"][0].clone();
    assert_eq!((g["center_id"].as_i64(), g["programme"].as_str(), g["article"].as_str(), g["proposed_yuan"].is_null(), g["cap_yuan"].is_null()),
        (Some(center), Some("municipal_subsidy"), Some("五(二)"), true, true), "the plan names no amount: the bureau sets it: {g}");
    let id = g["id"].as_i64().unwrap();
    assert_eq!(todo(&app, &crew.chief, "grants_to_decide").await, 1);

    // The center's operators read their own; nobody else does.
    assert_eq!(app.get_ok(&crew.operator, "/api/v1/grants").await["items"].as_array().unwrap().len(), 1);
    app.get_ok(&crew.operator, &format!("/api/v1/grants/{id}")).await;
    let other = app.add_org("乐清测试电气有限公司", "enterprise", "乐清市").await;
    app.add_user("otherop", Role::Center, other).await;
    let otherop = app.token("otherop").await;
    assert_eq!(app.get_ok(&otherop, "/api/v1/grants").await["items"].as_array().unwrap().len(), 0);
    expect_error(app.get(&otherop, &format!("/api/v1/grants/{id}")).await, StatusCode::NOT_FOUND, "not_found").await;
    app.add_user("res", Role::Researcher, app.lucheng_univ).await;
    expect_error(app.get(&app.token("res").await, "/api/v1/grants").await, StatusCode::FORBIDDEN, "forbidden").await;

    // The decision: the bureau only, an amount, a reason to refuse; then it is decided.
    let path = format!("/api/v1/grants/{id}/decision");
    let decide = |body: Value| {
        let (app, chief, path) = (&app, crew.chief.clone(), path.clone());
        async move { app.post(&chief, &path, &body).await }
    };
    expect_error(app.post(&crew.operator, &format!("/api/v1/grants/{id}/decision"), &json!({"approve": true, "approved_yuan": 500_000, "version": 1})).await, StatusCode::FORBIDDEN, "forbidden").await;
    let e = expect_error(decide(json!({"approve": true, "version": 1})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "approved_yuan");
    let e = expect_error(decide(json!({"approve": false, "version": 1})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "reason");
    expect_error(decide(json!({"approve": true, "approved_yuan": 500_000, "version": 7})).await, StatusCode::CONFLICT, "version_conflict").await;
    expect_error(app.post(&crew.chief, &format!("/api/v1/grants/{id}/payments"), &json!({"paid_on": app.today().to_string(), "amount_yuan": 1, "note": "拨款"})).await, StatusCode::CONFLICT, "not_approved").await;
    let v = expect_status(decide(json!({"approve": true, "approved_yuan": 500_000, "reason": "按市级中心补助标准", "version": 1})).await, StatusCode::OK).await;
    assert_eq!((v["grant"]["state"].as_str(), v["grant"]["approved_yuan"].as_i64()), (Some("approved"), Some(500_000)));
    expect_error(decide(json!({"approve": false, "reason": "重复", "version": 2})).await, StatusCode::CONFLICT, "already_decided").await;
    assert_eq!((todo(&app, &crew.chief, "grants_to_decide").await, todo(&app, &crew.chief, "grants_to_pay").await), (0, 1));

    // Payments: dated, not in the future, never past what was approved.
    let pay = |amount: i64, day: String| json!({"paid_on": day, "amount_yuan": amount, "note": "财政拨款凭证2026-018"});
    let tomorrow = (app.today() + chrono::Duration::days(1)).to_string();
    let e = expect_error(app.post(&crew.chief, &format!("/api/v1/grants/{id}/payments"), &pay(100_000, tomorrow)).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    assert_eq!(e["error"]["field"], "paid_on");
    let today = app.today().to_string();
    app.post_expect(&crew.chief, &format!("/api/v1/grants/{id}/payments"), &pay(300_000, today.clone()), StatusCode::OK).await;
    expect_error(app.post(&crew.chief, &format!("/api/v1/grants/{id}/payments"), &pay(200_001, today.clone())).await, StatusCode::CONFLICT, "exceeds_approved").await;

    // Four payments of 10万 at once against the 20万 left: exactly two land.
    let payments = format!("/api/v1/grants/{id}/payments");
    let body = pay(100_000, today.clone());
    let sends = (0..4).map(|_| app.post(&crew.chief, &payments, &body));
    let statuses: Vec<StatusCode> = futures::future::join_all(sends).await.iter().map(reqwest::Response::status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 2, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 2, "{statuses:?}");
    let v = app.get_ok(&crew.operator, &format!("/api/v1/grants/{id}")).await;
    assert_eq!((v["grant"]["paid_yuan"].as_i64(), v["payments"].as_array().unwrap().len()), (Some(500_000), 3));
    assert_eq!(todo(&app, &crew.chief, "grants_to_pay").await, 0);

    // The pages: the list for the bureau with its form; the grant's page for the operator, read-only.
    let page = app.get(&crew.chief, &format!("/grants?year={year}")).await.text().await.unwrap();
    assert!(page.contains("propose-form") && page.contains("温州市资金测试概念验证中心") && page.contains("50万元"), "{page}");
    let page = app.get(&crew.operator, &format!("/grants/{id}")).await.text().await.unwrap();
    assert!(page.contains("市级概念验证中心财政补助") && page.contains("财政拨款凭证2026-018") && !page.contains("登记拨付") && page.contains("decided-by-bureau"), "{page}");
}

#[tokio::test]
async fn the_pages_propose_and_refuse_with_the_reason_shown() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call_id = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2027-12-31").await;
    let center = make_wenzhou_ready_center(&app, &crew.operator, "瑞安资金页面概念验证中心").await;
    recognize_wenzhou(&app, &crew, call_id, center, "温州市资金页面概念验证中心").await;
    let year = chrono::Datelike::year(&app.today()).to_string();
    let (chief, _, csrf) = app.login("chief").await;
    let resp = chief.post(app.url("/grants/proposals")).form(&[("csrf_token", csrf.as_str()), ("year", year.as_str())]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.text().await.unwrap().contains("新生成资金建议1项"));
    let list = app.get_ok(&crew.chief, "/api/v1/grants?state=proposed").await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let resp = chief.post(app.url(&format!("/grants/{id}/decision"))).form(&[("csrf_token", csrf.as_str()), ("version", "1"), ("approve", "false"), ("reason", "")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("不予支持的理由"), "the page names the field");
    let resp = chief.post(app.url(&format!("/grants/{id}/decision"))).form(&[("csrf_token", csrf.as_str()), ("version", "1"), ("approve", "false"), ("reason", "本年度财政预算已用完")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let v = app.get_ok(&crew.chief, &format!("/api/v1/grants/{id}")).await;
    assert_eq!((v["grant"]["state"].as_str(), v["grant"]["reason"].as_str()), (Some("refused"), Some("本年度财政预算已用完")));
    let page = chief.get(app.url(&format!("/grants/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("不予支持理由") && !page.contains("登记拨付"));
}
