//! The loans and insurance catalogue over HTTP (issue 17; 001 概念验证 12, 001 中试 15): banks
//! publish loans and insurers insurance, a small-firm guarantee fee above 0.8 % is refused; an
//! enterprise applies within the product's maximum, once at a time; the provider approves up
//! to the amount asked or declines; the enterprise withdraws; a withdrawn product takes no
//! more applications; nobody else answers or reads another's applications.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn loan(fee: &str) -> Value {
    json!({"kind": "rd_loan", "name": "中试研发贷", "terms": "信用方式，按季付息，到期还本", "max_amount_yuan": 5_000_000, "term_months": 36,
        "rate_percent": "3.45", "guarantee_fee_percent": fee, "for_small_firms": "true", "eligibility": "在省级中试平台开展中试的科技型小微企业", "contact": "0577-88880000"})
}

#[tokio::test]
async fn banks_and_insurers_publish_and_an_enterprise_applies() {
    let app = spawn_app().await;
    let bank = app.add_org("东瓯测试银行科技支行", "bank", "鹿城区").await;
    app.add_user("banker", Role::Investor, bank).await;
    let banker = app.token("banker").await;
    let insurer = app.add_org("瓯江测试财产保险公司", "insurer", "鹿城区").await;
    app.add_user("insurer", Role::Investor, insurer).await;
    let ins = app.token("insurer").await;
    let fund = app.add_org("温州测试创投有限公司", "investment_fund", "鹿城区").await;
    app.add_user("venture", Role::Investor, fund).await;
    let ent = app.add_org("瓯博智能机器人有限公司", "enterprise", "瑞安市").await;
    app.add_user("ent", Role::Researcher, ent).await;
    let enterprise = app.token("ent").await;
    let scholar = app.token("scholar").await;

    // Publishing: 0.8 % at most for small firms; banks lend, insurers insure, nobody else publishes.
    let e = expect_error(app.post(&banker, "/api/v1/finance-products", &loan("0.9")).await, StatusCode::UNPROCESSABLE_ENTITY, "above_small_firm_cap").await;
    assert_eq!(e["error"]["field"], "guarantee_fee_percent");
    let p = app.post_expect(&banker, "/api/v1/finance-products", &loan("0.8"), StatusCode::CREATED).await;
    assert_eq!((p["guarantee_fee_bp"].as_i64(), p["rate_bp"].as_i64(), p["provider_name"].as_str()), (Some(80), Some(345), Some("东瓯测试银行科技支行")));
    let pid = p["id"].as_i64().unwrap();
    let mut insurance = loan("");
    insurance["kind"] = json!("pilot_insurance");
    insurance["name"] = json!("中试综合险");
    insurance["rate_percent"] = json!("1.2");
    let e = expect_error(app.post(&banker, "/api/v1/finance-products", &insurance).await, StatusCode::UNPROCESSABLE_ENTITY, "not_provider_kind").await;
    assert_eq!(e["error"]["field"], "kind");
    app.post_expect(&ins, "/api/v1/finance-products", &insurance, StatusCode::CREATED).await;
    expect_error(app.post(&app.token("venture").await, "/api/v1/finance-products", &loan("")).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.post(&enterprise, "/api/v1/finance-products", &loan("")).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(app.count("finance_products").await, 2, "refusals wrote nothing");
    let all = app.get_ok(&enterprise, "/api/v1/finance-products").await;
    assert_eq!(all["items"].as_array().unwrap().len(), 2);
    let loans = app.get_ok(&enterprise, "/api/v1/finance-products?kind=rd_loan").await;
    assert_eq!(loans["items"].as_array().unwrap().len(), 1);

    // Applying: an enterprise only, within the maximum, one open application at a time.
    let apply = |amount: i64| json!({"amount_yuan": amount, "purpose": "协作机器人关节在中试平台小批量试制"});
    let path = format!("/api/v1/finance-products/{pid}/applications");
    expect_error(app.post(&enterprise, &path, &apply(6_000_000)).await, StatusCode::UNPROCESSABLE_ENTITY, "above_max").await;
    expect_error(app.post(&scholar, &path, &apply(1_000_000)).await, StatusCode::FORBIDDEN, "forbidden").await;
    let a = app.post_expect(&enterprise, &path, &apply(2_000_000), StatusCode::CREATED).await;
    let waiting = app.get_ok(&banker, "/api/v1/me/todo").await;
    assert_eq!(waiting["items"].as_array().unwrap().iter().find(|i| i["kind"] == "finance_applications_to_answer").and_then(|i| i["count"].as_i64()), Some(1), "{waiting}");
    let aid = a["id"].as_i64().unwrap();
    expect_error(app.post(&enterprise, &path, &apply(1_000_000)).await, StatusCode::CONFLICT, "application_open").await;

    // Answering: the provider, up to the amount asked; nobody else.
    let apath = format!("/api/v1/finance-applications/{aid}/answer");
    expect_error(app.post(&enterprise, &apath, &json!({"action": "approve", "approved_yuan": 2_000_000, "version": 1})).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.post(&ins, &apath, &json!({"action": "approve", "approved_yuan": 2_000_000, "version": 1})).await, StatusCode::NOT_FOUND, "not_found").await;
    let e = expect_error(app.post(&banker, &apath, &json!({"action": "approve", "approved_yuan": 2_500_000, "version": 1})).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    assert_eq!(e["error"]["field"], "approved_yuan");
    let done = app.post_expect(&banker, &apath, &json!({"action": "approve", "approved_yuan": 1_500_000, "version": 1}), StatusCode::OK).await;
    assert_eq!((done["state"].as_str(), done["approved_yuan"].as_i64()), (Some("approved"), Some(1_500_000)));
    expect_error(app.post(&banker, &apath, &json!({"action": "decline", "reason": "重复", "version": 2})).await, StatusCode::CONFLICT, "already_answered").await;
    let mine = app.get_ok(&enterprise, "/api/v1/finance-applications").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    assert_eq!(app.get_ok(&ins, "/api/v1/finance-applications").await["items"].as_array().unwrap().len(), 0, "another provider sees none");

    // A second application is withdrawn by the enterprise; then the product is withdrawn.
    let b = app.post_expect(&enterprise, &path, &apply(800_000), StatusCode::CREATED).await;
    let w = app.post_expect(&enterprise, &format!("/api/v1/finance-applications/{}/answer", b["id"]), &json!({"action": "withdraw", "version": 1}), StatusCode::OK).await;
    assert_eq!(w["state"], "withdrawn");
    let v = app.get_ok(&banker, &format!("/api/v1/finance-products/{pid}")).await;
    assert_eq!(v["applications"].as_array().unwrap().len(), 2);
    app.post_expect(&banker, &format!("/api/v1/finance-products/{pid}/withdraw"), &json!({"version": v["product"]["version"]}), StatusCode::OK).await;
    assert_eq!(app.get_ok(&enterprise, "/api/v1/finance-products").await["items"].as_array().unwrap().len(), 1);
    expect_error(app.post(&enterprise, &path, &apply(100_000)).await, StatusCode::CONFLICT, "product_withdrawn").await;

    // The pages: the catalogue with the bank's form, the insurer's product with the enterprise's form or why not.
    let page = app.get(&banker, "/finance-products").await.text().await.unwrap();
    assert!(page.contains("publish-form") && page.contains("中试综合险"));
    let ins_id = app.get_ok(&enterprise, "/api/v1/finance-products").await["items"][0]["id"].as_i64().unwrap();
    let page = app.get(&enterprise, &format!("/finance-products/{ins_id}")).await.text().await.unwrap();
    assert!(page.contains("apply-form"), "{page}");
    let page = app.get(&scholar, &format!("/finance-products/{ins_id}")).await.text().await.unwrap();
    assert!(page.contains("apply-refusal") && page.contains("由企业申请"), "{page}");
}
