//! The centers' returns over HTTP (issue 17; 000 二(四), 004 四(二)): a center's operator
//! records an agreement per project — each instrument with what it needs — then what it
//! yields; the portfolio adds up by instrument and year; the realised amount is the
//! center's `returns_yuan` evaluation figure; only the center's operators record, the
//! bureau reads, anyone else is refused; an ended agreement takes no more returns.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn a_center_records_its_return_agreements_and_what_they_yield() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let center = register_center(&app, &crew.operator, "瑞安智能装备概念验证中心", &["smart_equipment"], Some(300)).await;
    app.add_user("res", Role::Researcher, app.lucheng_univ).await;
    let res = app.token("res").await;
    let intake = json!({"center_id": center, "ref_no": "R-1", "title": "工业机器人柔性关节", "summary": "工业机器人柔性关节，已完成实验室验证。",
        "secret_summary": "", "field": "smart_equipment", "sub_field": "industrial_robots", "source": "高校", "team": ["张伟"], "patents": [],
        "trl": 5, "trl_evidence": "实验室测试报告", "stage": "prototype", "secret_parts": []});
    let rid = app.post_expect(&res, "/api/v1/results", &intake, StatusCode::CREATED).await["id"].as_i64().unwrap();
    let today = app.today().to_string();
    let agreements = format!("/api/v1/centers/{center}/return-agreements");

    // Each instrument states what it needs; the project must be the center's.
    let share = json!({"result_id": rid, "instrument": "transfer_share", "counterparty": "瓯博智能机器人有限公司", "share_percent": "5", "starts_on": today});
    let e = expect_error(app.post(&crew.operator, &agreements, &share).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "trigger");
    let mut elsewhere = share.clone();
    elsewhere["result_id"] = json!(rid + 1000);
    elsewhere["trigger"] = json!("成果转让合同签订");
    expect_error(app.post(&crew.operator, &agreements, &elsewhere).await, StatusCode::UNPROCESSABLE_ENTITY, "not_this_centers").await;
    let mut share = share;
    share["trigger"] = json!("成果转让或许可合同签订");
    let a = app.post_expect(&crew.operator, &agreements, &share, StatusCode::CREATED).await;
    assert_eq!((a["share_bp"].as_i64(), a["owner_name"].as_str()), (Some(500), Some("鹿城测试大学")), "{a}");
    let equity = json!({"result_id": rid, "instrument": "service_for_equity", "counterparty": "瓯博智能机器人有限公司", "share_percent": "1.5", "amount_yuan": 300000, "starts_on": today});
    app.post_expect(&crew.operator, &agreements, &equity, StatusCode::CREATED).await;

    // The project's owner unit is a party: it reads the agreements on its project; another unit does not.
    let mine = app.get_ok(&res, &format!("/api/v1/results/{rid}/return-agreements")).await;
    assert_eq!(mine.as_array().unwrap().len(), 2, "{mine}");
    app.add_user("stranger", Role::Researcher, app.add_org("瓯海测试研究院", "research_institute", "瓯海区").await).await;
    let stranger = app.token("stranger").await;
    expect_error(app.get(&stranger, &format!("/api/v1/results/{rid}/return-agreements")).await, StatusCode::NOT_FOUND, "not_found").await;

    // Nobody else records; only the bureau reads besides the center.
    let other = app.add_org("乐清电气有限公司", "enterprise", "乐清市").await;
    app.add_user("otherop", Role::Center, other).await;
    let otherop = app.token("otherop").await;
    expect_error(app.post(&otherop, &agreements, &share).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.get(&otherop, &format!("/api/v1/centers/{center}/returns")).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.get(&res, &format!("/api/v1/centers/{center}/returns")).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.post(&crew.chief, &agreements, &share).await, StatusCode::FORBIDDEN, "forbidden").await;

    // What it yields: not in the future, then recorded and added up.
    let aid = a["id"].as_i64().unwrap();
    let tomorrow = (app.today() + chrono::Duration::days(1)).to_string();
    let got = |day: &str| json!({"received_on": day, "amount_yuan": 45000, "form": "cash", "note": "转让合同首期款分成"});
    let e = expect_error(app.post(&crew.operator, &format!("/api/v1/return-agreements/{aid}/returns"), &got(&tomorrow)).await, StatusCode::UNPROCESSABLE_ENTITY, "in_future").await;
    assert_eq!(e["error"]["field"], "received_on");
    expect_error(app.post(&otherop, &format!("/api/v1/return-agreements/{aid}/returns"), &got(&today)).await, StatusCode::NOT_FOUND, "not_found").await;
    let a = app.post_expect(&crew.operator, &format!("/api/v1/return-agreements/{aid}/returns"), &got(&today), StatusCode::OK).await;
    assert_eq!(a["realised_yuan"], 45_000);
    let p = app.get_ok(&crew.chief, &format!("/api/v1/centers/{center}/returns")).await;
    assert_eq!((p["realised_yuan"].as_i64(), p["realised_this_year_yuan"].as_i64(), p["may_manage"].as_bool()), (Some(45_000), Some(45_000), Some(false)));
    let lines: Vec<(String, i64)> = p["by_instrument"].as_array().unwrap().iter().map(|l| (l["instrument"].as_str().unwrap().to_owned(), l["realised_yuan"].as_i64().unwrap())).collect();
    assert_eq!(lines, vec![("transfer_share".to_owned(), 45_000), ("service_for_equity".to_owned(), 0)]);

    // The evaluation's figure for the year holds it.
    let year = chrono::Datelike::year(&app.today());
    let window = pocnet_domain::evaluation::Window { from: chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap(), to: chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap() };
    let figures = pocnet_store::evaluations::figures::of_window(app.store.pool(), window, Some(center.into())).await.unwrap();
    assert_eq!(figures[&center.into()].get(pocnet_domain::evaluation::Metric::ReturnsYuan), 45_000);

    // Ended, it takes no more; the page shows the portfolio to its operator with the forms.
    let ended = app.post_expect(&crew.operator, &format!("/api/v1/return-agreements/{aid}/end"), &json!({"reason": "协议期满", "version": a["version"]}), StatusCode::OK).await;
    assert_eq!(ended["state"], "ended");
    expect_error(app.post(&crew.operator, &format!("/api/v1/return-agreements/{aid}/returns"), &got(&today)).await, StatusCode::CONFLICT, "agreement_ended").await;
    let (client, _, _) = app.login("operator").await;
    let page = client.get(app.url(&format!("/centers/{center}/returns"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("成果转化收益分成") && page.contains("已终止：协议期满") && page.contains("agreement-form") && page.contains("4.5万元"), "the portfolio page");
    let v: Value = app.get_ok(&crew.operator, &format!("/api/v1/centers/{center}/returns")).await;
    assert_eq!(v["agreements"].as_array().unwrap().len(), 2);
}
