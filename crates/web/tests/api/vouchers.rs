//! Innovation vouchers over HTTP (issue 17; 001 概念验证 四 and 中试 四(14), 004 四(一)):
//! the bureau opens a year's scheme with its limits and lists a provider; an enterprise
//! applies for its quota, the bureau grants part of it; the enterprise asks the provider
//! for a listed service (the covered amount is reserved), the provider accepts and
//! delivers, the enterprise redeems with its invoice, the bureau pays; the ledger,
//! the report and its workbook agree; concurrent requests never spend past the quota
//! or the budget; each side sees only its own.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn scheme(budget: i64, per_year: i64, share: i64) -> Value {
    json!({"year": 2027, "title": "2027年度科技创新券", "budget_yuan": budget, "per_use_cap_yuan": 20000, "per_year_cap_yuan": per_year,
        "share_percent": share, "full_cover_up_to_yuan": 10000})
}

/// A center on the creation list with one published service; the bureau's open scheme lists it:
/// (scheme, center, offer).
async fn provider_with_service(app: &TestApp, crew: &Crew, scheme_body: &Value) -> (i64, i64, i64) {
    let center = register_center(app, &crew.operator, "瑞安智能装备概念验证中心", &["smart_equipment"], Some(300)).await;
    put_on_creation_list(app, center).await;
    let offer = json!({"kind": "capability", "name": "工业机器人整机性能与可靠性验证", "field": "smart_equipment", "center_id": center,
        "description": "依据GB/T 12642对工业机器人整机做位姿重复性、轨迹精度和连续运行可靠性验证。", "conditions": "样机1台以上并提供技术资料。",
        "fee_terms": "3万元/台起", "qualifications": []});
    let o = app.post_expect(&crew.operator, "/api/v1/resources", &offer, StatusCode::CREATED).await;
    let s = app.post_expect(&crew.chief, "/api/v1/voucher-schemes", scheme_body, StatusCode::CREATED).await;
    let sid = s["id"].as_i64().unwrap();
    let resp = app.post(&crew.chief, &format!("/api/v1/voucher-schemes/{sid}/providers"), &json!({"center_id": center})).await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    (sid, center, o["id"].as_i64().unwrap())
}

/// An enterprise's account with a granted quota: its token.
async fn enterprise_with_quota(app: &TestApp, chief: &str, scheme: i64, name: &str, user: &str, amount: i64) -> String {
    let org = app.add_org(name, "enterprise", "瑞安市").await;
    app.add_user(user, Role::Researcher, org).await;
    let token = app.token(user).await;
    let q = app.post_expect(&token, &format!("/api/v1/voucher-schemes/{scheme}/quotas"), &json!({"requested_yuan": amount, "purpose": "购买概念验证服务用于新产品样机验证"}), StatusCode::CREATED).await;
    let body = json!({"grant": true, "granted_yuan": amount, "version": q["version"]});
    app.post_expect(chief, &format!("/api/v1/voucher-quotas/{}/decision", q["id"]), &body, StatusCode::OK).await;
    token
}

/// The count of one kind in the caller's to-do list.
async fn todo(app: &TestApp, token: &str, kind: &str) -> i64 {
    let list = app.get_ok(token, "/api/v1/me/todo").await;
    list["items"].as_array().unwrap().iter().find(|i| i["kind"] == kind).and_then(|i| i["count"].as_i64()).unwrap_or_else(|| panic!("no {kind} in {list}"))
}

#[tokio::test]
async fn an_enterprise_pays_for_a_service_with_its_voucher_from_quota_to_payment() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    // The bureau's limits are checked and named; only the bureau opens a scheme.
    let mut bad = scheme(500_000, 50_000, 50);
    bad["per_use_cap_yuan"] = json!(80_000);
    let e = expect_error(app.post(&crew.chief, "/api/v1/voucher-schemes", &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "above_year_cap").await;
    assert_eq!(e["error"]["field"], "per_use_cap_yuan");
    expect_error(app.post(&crew.operator, "/api/v1/voucher-schemes", &scheme(500_000, 50_000, 50)).await, StatusCode::FORBIDDEN, "forbidden").await;
    let (sid, center, offer) = provider_with_service(&app, &crew, &scheme(500_000, 50_000, 50)).await;
    expect_error(app.post(&crew.chief, "/api/v1/voucher-schemes", &scheme(500_000, 50_000, 50)).await, StatusCode::CONFLICT, "scheme_exists").await;
    expect_error(app.post(&crew.chief, &format!("/api/v1/voucher-schemes/{sid}/providers"), &json!({"center_id": center})).await, StatusCode::CONFLICT, "provider_listed").await;
    let public: Value = app.get_anon(&format!("/api/v1/voucher-schemes/{sid}/services")).await.json().await.unwrap();
    assert_eq!(public[0]["offer_id"].as_i64(), Some(offer), "anyone sees what vouchers pay for: {public}");

    // A university's account is not an enterprise; the enterprise's application is checked, and made once.
    app.add_user("prof", Role::Researcher, app.lucheng_univ).await;
    let prof = app.token("prof").await;
    let apply = |amount: i64| json!({"requested_yuan": amount, "purpose": "购买概念验证服务用于新产品样机验证"});
    expect_error(app.post(&prof, &format!("/api/v1/voucher-schemes/{sid}/quotas"), &apply(30_000)).await, StatusCode::UNPROCESSABLE_ENTITY, "not_an_enterprise").await;
    let org = app.add_org("瓯博智能机器人有限公司", "enterprise", "瑞安市").await;
    app.add_user("ent", Role::Researcher, org).await;
    let ent = app.token("ent").await;
    let e = expect_error(app.post(&ent, &format!("/api/v1/voucher-schemes/{sid}/quotas"), &apply(60_000)).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    assert_eq!(e["error"]["field"], "requested_yuan", "above the yearly cap");
    let q = app.post_expect(&ent, &format!("/api/v1/voucher-schemes/{sid}/quotas"), &apply(40_000), StatusCode::CREATED).await;
    assert_eq!(q["state"], "applied");
    assert_eq!(todo(&app, &crew.chief, "voucher_quotas_to_decide").await, 1, "the bureau's to-do list shows the application");
    expect_error(app.post(&ent, &format!("/api/v1/voucher-schemes/{sid}/quotas"), &apply(10_000)).await, StatusCode::CONFLICT, "quota_exists").await;
    let use_body = |fee: i64| json!({"offer_id": offer, "description": "协作机器人样机2台，重复定位精度与1000小时可靠性验证", "fee_yuan": fee});
    expect_error(app.post(&ent, &format!("/api/v1/voucher-schemes/{sid}/uses"), &use_body(30_000)).await, StatusCode::UNPROCESSABLE_ENTITY, "quota_not_granted").await;

    // The bureau grants less than asked only with a reason.
    let qid = q["id"].as_i64().unwrap();
    let grant = |reason: &str| json!({"grant": true, "granted_yuan": 30_000, "reason": reason, "version": q["version"]});
    let e = expect_error(app.post(&crew.chief, &format!("/api/v1/voucher-quotas/{qid}/decision"), &grant("")).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "reason");
    let q = app.post_expect(&crew.chief, &format!("/api/v1/voucher-quotas/{qid}/decision"), &grant("年度预算有限，按申请额的75%核定"), StatusCode::OK).await;
    assert_eq!((q["state"].as_str(), q["granted_yuan"].as_i64()), (Some("granted"), Some(30_000)));

    // A use of a 3万 service: half is covered and reserved; a second one of 4万 (2万 covered) does not fit what is left.
    let u = app.post_expect(&ent, &format!("/api/v1/voucher-schemes/{sid}/uses"), &use_body(30_000), StatusCode::CREATED).await;
    assert_eq!((u["state"].as_str(), u["covered_yuan"].as_i64()), (Some("requested"), Some(15_000)));
    assert_eq!(todo(&app, &crew.operator, "voucher_orders_to_answer").await, 1, "the provider's to-do list shows the order");
    let uses_before = app.count("voucher_uses").await;
    expect_error(app.post(&ent, &format!("/api/v1/voucher-schemes/{sid}/uses"), &use_body(40_000)).await, StatusCode::CONFLICT, "quota_exceeded").await;
    assert_eq!(app.count("voucher_uses").await, uses_before, "a refused use writes nothing");
    let s = app.get_ok(&crew.chief, &format!("/api/v1/voucher-schemes/{sid}")).await;
    assert_eq!((s["reserved_yuan"].as_i64(), s["paid_yuan"].as_i64()), (Some(15_000), Some(0)));

    // Each side takes only its own steps.
    let uid = u["id"].as_i64().unwrap();
    let step = |action: &str, version: &Value, extra: Value| {
        let mut b = json!({"action": action, "version": version});
        b.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        b
    };
    expect_error(app.post(&ent, &format!("/api/v1/voucher-uses/{uid}/steps"), &step("accept", &u["version"], json!({}))).await, StatusCode::FORBIDDEN, "forbidden").await;
    let u = app.post_expect(&crew.operator, &format!("/api/v1/voucher-uses/{uid}/steps"), &step("accept", &u["version"], json!({})), StatusCode::OK).await;
    // Delivered for 2.6万: half is 1.3万, under what was reserved; the rest goes back.
    let u = app.post_expect(&crew.operator, &format!("/api/v1/voucher-uses/{uid}/steps"), &step("deliver", &u["version"], json!({"fee_yuan": 26_000})), StatusCode::OK).await;
    assert_eq!((u["state"].as_str(), u["fee_yuan"].as_i64(), u["covered_yuan"].as_i64()), (Some("delivered"), Some(26_000), Some(13_000)));
    assert_eq!(todo(&app, &ent, "voucher_uses_to_redeem").await, 1, "the enterprise's to-do list shows the redemption to apply for");
    let e = expect_error(app.post(&ent, &format!("/api/v1/voucher-uses/{uid}/steps"), &step("redeem", &u["version"], json!({}))).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "invoice_no");
    let u = app.post_expect(&ent, &format!("/api/v1/voucher-uses/{uid}/steps"), &step("redeem", &u["version"], json!({"invoice_no": "33012700-00046521"})), StatusCode::OK).await;
    assert_eq!(todo(&app, &crew.chief, "voucher_redemptions_to_pay").await, 1);
    expect_error(app.post(&crew.chief, &format!("/api/v1/voucher-uses/{uid}/steps"), &step("pay", &json!(1), json!({}))).await, StatusCode::CONFLICT, "version_conflict").await;
    let u = app.post_expect(&crew.chief, &format!("/api/v1/voucher-uses/{uid}/steps"), &step("pay", &u["version"], json!({})), StatusCode::OK).await;
    assert_eq!(u["state"], "paid");

    // The totals, the ledger and the report agree.
    let s = app.get_ok(&crew.chief, &format!("/api/v1/voucher-schemes/{sid}")).await;
    assert_eq!((s["reserved_yuan"].as_i64(), s["paid_yuan"].as_i64()), (Some(0), Some(13_000)));
    let mine = app.get_ok(&ent, "/api/v1/voucher-quotas").await;
    assert_eq!((mine["items"][0]["paid_yuan"].as_i64(), mine["items"][0]["reserved_yuan"].as_i64()), (Some(13_000), Some(0)));
    let ledger = app.get_ok(&crew.chief, &format!("/api/v1/voucher-schemes/{sid}/ledger")).await;
    let entries: Vec<(String, i64)> = ledger["items"].as_array().unwrap().iter().rev().map(|e| (e["entry"].as_str().unwrap().to_owned(), e["amount_yuan"].as_i64().unwrap())).collect();
    assert_eq!(entries, vec![("reserve".to_owned(), 15_000), ("release".to_owned(), 2_000), ("pay".to_owned(), 13_000)]);
    let report = app.get_ok(&crew.chief, &format!("/api/v1/voucher-schemes/{sid}/report")).await;
    assert_eq!((report["providers"][0]["uses"].as_i64(), report["providers"][0]["paid_yuan"].as_i64()), (Some(1), Some(13_000)));
    assert_eq!(report["enterprises"][0]["org_name"], "瓯博智能机器人有限公司");
    let xlsx = app.get(&crew.chief, &format!("/api/v1/voucher-schemes/{sid}/report.xlsx")).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.bytes().await.unwrap().starts_with(b"PK"), "an xlsx workbook");
    expect_error(app.get(&ent, &format!("/api/v1/voucher-schemes/{sid}/report")).await, StatusCode::FORBIDDEN, "forbidden").await;

    // Others do not see the use; the budget cannot fall below what was spent.
    let other = app.add_org("鹿湾智能电气有限公司", "enterprise", "瑞安市").await;
    app.add_user("ent2", Role::Researcher, other).await;
    let ent2 = app.token("ent2").await;
    expect_error(app.get(&ent2, &format!("/api/v1/voucher-uses/{uid}")).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(app.get_ok(&ent2, "/api/v1/voucher-uses").await["items"], json!([]));
    let mut shrink = scheme(12_000, 12_000, 50);
    shrink["per_use_cap_yuan"] = json!(12_000);
    shrink["version"] = s["version"].clone();
    expect_error(app.put(&crew.chief, &format!("/api/v1/voucher-schemes/{sid}"), &shrink).await, StatusCode::CONFLICT, "budget_below_spent").await;
}

#[tokio::test]
async fn concurrent_requests_never_spend_past_the_quota_or_the_budget() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    // A 5万 budget; every use of 1万 is covered in full.
    let (sid, _, offer) = provider_with_service(&app, &crew, &scheme(50_000, 50_000, 50)).await;
    let body = json!({"offer_id": offer, "description": "样机可靠性验证一批次（并发测试）", "fee_yuan": 10_000});
    let fire = |token: String, n: usize| {
        let (app, body) = (&app, body.clone());
        async move {
            let sends = (0..n).map(|_| {
                let (token, body) = (token.clone(), body.clone());
                async move { app.post(&token, &format!("/api/v1/voucher-schemes/{sid}/uses"), &body).await }
            });
            let mut codes = Vec::new();
            for resp in futures::future::join_all(sends).await {
                let status = resp.status();
                let v: Value = resp.json().await.unwrap();
                codes.push(if status == StatusCode::CREATED { "created".to_owned() } else { v["error"]["code"].as_str().unwrap_or("?").to_owned() });
            }
            codes.sort();
            codes
        }
    };
    // One enterprise with a 3万 quota sends six at once: three fit its quota.
    let a = enterprise_with_quota(&app, &crew.chief, sid, "瓯博智能机器人有限公司", "ent_a", 30_000).await;
    let codes = fire(a, 6).await;
    assert_eq!(codes.iter().filter(|c| *c == "created").count(), 3, "{codes:?}");
    assert!(codes.iter().all(|c| c == "created" || c == "quota_exceeded"), "{codes:?}");
    // Another with 5万 sends six at once: the budget has 2万 left, so two fit.
    let b = enterprise_with_quota(&app, &crew.chief, sid, "鹿湾智能电气有限公司", "ent_b", 50_000).await;
    let codes = fire(b, 6).await;
    assert_eq!(codes.iter().filter(|c| *c == "created").count(), 2, "{codes:?}");
    assert!(codes.iter().all(|c| c == "created" || c == "budget_exhausted"), "{codes:?}");
    // What is reserved is exactly the budget and the sum of the uses.
    let s = app.get_ok(&crew.chief, &format!("/api/v1/voucher-schemes/{sid}")).await;
    assert_eq!(s["reserved_yuan"].as_i64(), Some(50_000));
    let uses = app.get_ok(&crew.chief, &format!("/api/v1/voucher-uses?scheme_id={sid}&per_page=50")).await;
    let sum: i64 = uses["items"].as_array().unwrap().iter().map(|u| u["covered_yuan"].as_i64().unwrap()).sum();
    assert_eq!((uses["items"].as_array().unwrap().len(), sum), (5, 50_000));
    // A use refused for the budget left its quota untouched (the transaction rolled back).
    let quotas = app.get_ok(&crew.chief, &format!("/api/v1/voucher-quotas?scheme_id={sid}")).await;
    let reserved: Vec<(String, i64, i64)> =
        quotas["items"].as_array().unwrap().iter().map(|q| (q["org_name"].as_str().unwrap().to_owned(), q["reserved_yuan"].as_i64().unwrap(), q["uses"].as_i64().unwrap())).collect();
    assert_eq!(reserved, vec![("鹿湾智能电气有限公司".to_owned(), 20_000, 2), ("瓯博智能机器人有限公司".to_owned(), 30_000, 3)]);
}

#[tokio::test]
async fn the_voucher_pages_lead_each_role_through_its_part() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let (sid, _, offer) = provider_with_service(&app, &crew, &scheme(500_000, 50_000, 50)).await;
    // The enterprise applies on the page; the bureau sees it waiting and grants it on the page.
    let org = app.add_org("瓯博智能机器人有限公司", "enterprise", "瑞安市").await;
    app.add_user("ent", Role::Researcher, org).await;
    let (ent, _, ent_csrf) = app.login("ent").await;
    let page = ent.get(app.url("/vouchers")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("2027年度科技创新券") && page.contains("quota-form"), "the enterprise is offered the quota form");
    let resp = ent.post(app.url(&format!("/vouchers/schemes/{sid}/quotas"))).form(&[("csrf_token", ent_csrf.as_str()), ("requested_yuan", "90000"), ("purpose", "购买概念验证服务用于新产品样机验证")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("不超过每家企业年度上限5万元"), "the page says why");
    let resp = ent.post(app.url(&format!("/vouchers/schemes/{sid}/quotas"))).form(&[("csrf_token", ent_csrf.as_str()), ("requested_yuan", "40000"), ("purpose", "购买概念验证服务用于新产品样机验证")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (chief, _, chief_csrf) = app.login("chief").await;
    let page = chief.get(app.url("/vouchers")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("瓯博智能机器人有限公司") && page.contains("pending-quota"), "the bureau sees the application waiting");
    let q = app.get_ok(&app.token("chief").await, &format!("/api/v1/voucher-quotas?scheme_id={sid}&state=applied")).await;
    let qid = q["items"][0]["id"].as_i64().unwrap();
    let resp = chief
        .post(app.url(&format!("/vouchers/quotas/{qid}/decision")))
        .form(&[("csrf_token", chief_csrf.as_str()), ("version", "1"), ("grant", "true"), ("granted_yuan", "40000"), ("reason", "")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    // The enterprise asks for the service on the page and lands on the use; the provider accepts on its page.
    let page = ent.get(app.url("/vouchers")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("use-form") && page.contains("工业机器人整机性能与可靠性验证"), "the granted enterprise may ask for a listed service");
    let resp = ent
        .post(app.url(&format!("/vouchers/schemes/{sid}/uses")))
        .form(&[("csrf_token", ent_csrf.as_str()), ("offer_id", offer.to_string().as_str()), ("description", "协作机器人样机2台，重复定位精度验证"), ("fee_yuan", "8000")])
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let location = resp.headers()["location"].to_str().unwrap().to_owned();
    let page = ent.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("待服务机构确认") && page.contains("0.8万元"), "under the full-cover line the whole fee is covered");
    let (op, _, op_csrf) = app.login("operator").await;
    let page = op.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("accept-form"));
    let resp = op.post(app.url(&format!("{location}/steps"))).form(&[("csrf_token", op_csrf.as_str()), ("version", "1"), ("action", "accept")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = op.get(app.url(&location)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("服务中") && page.contains("deliver-form"));
    // A stale form says so and changes nothing.
    let resp = op.post(app.url(&format!("{location}/steps"))).form(&[("csrf_token", op_csrf.as_str()), ("version", "1"), ("action", "deliver"), ("fee_yuan", "8000")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    // The report page and the uses list.
    let page = chief.get(app.url(&format!("/vouchers/schemes/{sid}/report"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("瑞安智能装备概念验证中心") && page.contains("瓯博智能机器人有限公司") && page.contains("budget-bar"));
    assert_eq!(ent.get(app.url(&format!("/vouchers/schemes/{sid}/report"))).send().await.unwrap().status(), StatusCode::FORBIDDEN, "the report is the bureau's");
    let page = chief.get(app.url("/vouchers/uses?state=accepted")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("工业机器人整机性能与可靠性验证"));
}
