//! Resource sharing over HTTP (issue 15; 000 二(九) 验证能力互补清单 and
//! 仪器设备共享, 001 中试 16 服务资源目录清单, 004 四(一) 四张清单): a listed
//! center publishes an instrument and a capability with conditions and fees;
//! anyone reads them; a university asks to use the instrument, the center
//! answers and records the use; the bureau lists a supporting policy; the four
//! lists and the coverage table follow. Each caller sees and does only what it may.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn instrument() -> Value {
    json!({"kind": "instrument", "name": "场发射扫描电子显微镜", "field": "smart_equipment",
        "description": "材料微观形貌与成分分析，分辨率1纳米，配能谱仪。", "conditions": "须经培训上机；提前3个工作日预约；危险样品不受理。",
        "fee_terms": "400元/机时", "qualifications": ["cma", "cnas"]})
}

fn request(app: &TestApp, from_days: i64, to_days: i64) -> Value {
    let day = |d: i64| (app.today() + chrono::Duration::days(d)).to_string();
    json!({"purpose": "commission", "description": "齿轮箱样件20个，需做断口形貌与成分分析。", "wanted_from": day(from_days), "wanted_to": day(to_days)})
}

/// A center of the crew's operator on the creation list (public), and its published instrument: (center, offer).
async fn listed_instrument(app: &TestApp, crew: &Crew) -> (i64, i64) {
    let center = register_center(app, &crew.operator, "瑞安智能装备概念验证中心", &["smart_equipment"], Some(300)).await;
    put_on_creation_list(app, center).await;
    let mut body = instrument();
    body["center_id"] = json!(center);
    let o = app.post_expect(&crew.operator, "/api/v1/resources", &body, StatusCode::CREATED).await;
    assert_eq!((o["state"].as_str(), o["qualifications"].clone()), (Some("open"), json!(["cnas", "cma"])), "{o}");
    (center, o["id"].as_i64().unwrap())
}

#[tokio::test]
async fn a_center_shares_an_instrument_and_a_university_uses_it_until_the_use_is_recorded() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let center = register_center(&app, &crew.operator, "瑞安智能装备概念验证中心", &["smart_equipment"], Some(300)).await;

    // Bad input names the field and stores nothing; only the center's operators (or the bureau) publish.
    let before = app.count("service_offers").await;
    let mut bad = instrument();
    bad["center_id"] = json!(center);
    bad["conditions"] = json!("");
    let e = expect_error(app.post(&crew.operator, "/api/v1/resources", &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "conditions");
    assert_eq!(app.count("service_offers").await, before, "a refused offer stores nothing");
    app.add_user("res", Role::Researcher, app.lucheng_univ).await;
    let res = app.token("res").await;
    let mut good = instrument();
    good["center_id"] = json!(center);
    // (The unit does not even know of a center not yet listed.)
    expect_error(app.post(&res, "/api/v1/resources", &good).await, StatusCode::NOT_FOUND, "not_found").await;

    // Published while the center is not yet listed: its operators see it, the public does not.
    let o = app.post_expect(&crew.operator, "/api/v1/resources", &good, StatusCode::CREATED).await;
    let id = o["id"].as_i64().unwrap();
    expect_error(app.get_anon(&format!("/api/v1/resources/{id}")).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(app.get_ok(&crew.operator, &format!("/api/v1/resources/{id}")).await["may_manage"], true);
    let public: Value = app.get_anon("/api/v1/resources?kind=instrument").await.json().await.unwrap();
    assert!(public["items"].as_array().unwrap().iter().all(|i| i["id"].as_i64() != Some(id)), "{public}");

    // On the creation list it is public: anyone lists and reads it; a visitor is told to sign in.
    put_on_creation_list(&app, center).await;
    let public: Value = app.get_anon("/api/v1/resources?kind=instrument&qualification=cma").await.json().await.unwrap();
    assert!(public["items"].as_array().unwrap().iter().any(|i| i["id"].as_i64() == Some(id)), "{public}");
    let e = expect_error(app.get_anon("/api/v1/resources?kind=instrument&qualification=iso").await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    assert_eq!(e["error"]["field"], "qualification", "a bad filter names its parameter");
    let view: Value = app.get_anon(&format!("/api/v1/resources/{id}")).await.json().await.unwrap();
    assert_eq!((view["may_manage"].as_bool(), view["request_refused"].as_str()), (Some(false), Some("请先登录")));
    expect_error(app.post(&res, "/api/v1/resources", &good).await, StatusCode::FORBIDDEN, "forbidden").await;
    let page = app.get_anon("/resources?kind=instrument").await.text().await.unwrap();
    assert!(page.contains("仪器设备共享清单") && page.contains("场发射扫描电子显微镜"), "{page}");

    // The university asks; a bad period names its field; a second open request is refused.
    let e = expect_error(app.post(&res, &format!("/api/v1/resources/{id}/requests"), &request(&app, 10, 5)).await, StatusCode::UNPROCESSABLE_ENTITY, "before_start").await;
    assert_eq!(e["error"]["field"], "wanted_to");
    let r = app.post_expect(&res, &format!("/api/v1/resources/{id}/requests"), &request(&app, 5, 10), StatusCode::CREATED).await;
    let rid = r["id"].as_i64().unwrap();
    assert_eq!((r["state"].as_str(), r["purpose"].as_str()), (Some("requested"), Some("commission")));
    expect_error(app.post(&res, &format!("/api/v1/resources/{id}/requests"), &request(&app, 5, 10)).await, StatusCode::CONFLICT, "request_open").await;
    expect_error(app.post(&crew.operator, &format!("/api/v1/resources/{id}/requests"), &request(&app, 5, 10)).await, StatusCode::UNPROCESSABLE_ENTITY, "offer_not_requestable").await;
    expect_error(app.post(&crew.ruian, &format!("/api/v1/resources/{id}/requests"), &request(&app, 5, 10)).await, StatusCode::FORBIDDEN, "forbidden").await;

    // Who reads it: its two sides and the bureau; another unit does not know of it; a county has no request list.
    let other_org = app.add_org("温州测试研究院", "research_institute", "鹿城区").await;
    app.add_user("res2", Role::Researcher, other_org).await;
    let res2 = app.token("res2").await;
    expect_error(app.get(&res2, &format!("/api/v1/resource-requests/{rid}")).await, StatusCode::NOT_FOUND, "not_found").await;
    app.get_ok(&crew.chief, &format!("/api/v1/resource-requests/{rid}")).await;
    expect_error(app.get(&crew.ruian, "/api/v1/resource-requests").await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(app.get_ok(&res2, "/api/v1/resource-requests").await["items"], json!([]));
    // The center's to-do list names the request waiting for its answer.
    let todo = |v: &Value| v["items"].as_array().unwrap().iter().find(|i| i["kind"] == "resource_requests_to_answer").map(|i| i["count"].as_i64().unwrap());
    assert_eq!(todo(&app.get_ok(&crew.operator, "/api/v1/me/todo").await), Some(1));
    let page = app.get(&crew.operator, "/todo").await.text().await.unwrap();
    assert!(page.contains("待本中心答复的资源使用申请") && page.contains(&format!("/resource-requests/{rid}")), "{page}");
    let received = app.get_ok(&crew.operator, "/api/v1/resource-requests?side=received&state=requested").await;
    assert_eq!(received["items"][0]["id"].as_i64(), Some(rid), "{received}");
    assert_eq!(app.get_ok(&crew.operator, "/api/v1/resource-requests?side=sent").await["items"], json!([]));

    // Answers: only the provider accepts; a decline needs a reason; a stale version is refused.
    let step = |action: &str, reason: &str, version: &Value| json!({"action": action, "reason": reason, "note": "", "version": version});
    let v = r["version"].clone();
    expect_error(app.post(&res, &format!("/api/v1/resource-requests/{rid}/steps"), &step("accept", "", &v)).await, StatusCode::FORBIDDEN, "forbidden").await;
    let e = expect_error(app.post(&crew.operator, &format!("/api/v1/resource-requests/{rid}/steps"), &step("decline", "", &v)).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "reason");
    let accepted = app.post_expect(&crew.operator, &format!("/api/v1/resource-requests/{rid}/steps"), &step("accept", "", &v), StatusCode::OK).await;
    assert_eq!(accepted["state"], "accepted");
    assert_eq!(todo(&app.get_ok(&crew.operator, "/api/v1/me/todo").await).unwrap_or(0), 0, "answered");
    expect_error(app.post(&crew.operator, &format!("/api/v1/resource-requests/{rid}/steps"), &step("complete", "", &v)).await, StatusCode::CONFLICT, "version_conflict").await;
    expect_error(app.post(&res, &format!("/api/v1/resource-requests/{rid}/steps"), &step("withdraw", "", &accepted["version"])).await, StatusCode::CONFLICT, "illegal_transition").await;
    let done = app.post_expect(&crew.operator, &format!("/api/v1/resource-requests/{rid}/steps"), &step("complete", "", &accepted["version"]), StatusCode::OK).await;
    assert_eq!(done["state"], "completed");
    let mine = app.get_ok(&res, "/api/v1/resource-requests").await;
    assert_eq!((mine["items"][0]["id"].as_i64(), mine["items"][0]["state"].as_str()), (Some(rid), Some("completed")));

    // The center pauses the offer: no new request; it withdraws it: the public no longer sees it.
    let o = app.get_ok(&crew.operator, &format!("/api/v1/resources/{id}")).await["offer"].clone();
    let paused = app.post_expect(&crew.operator, &format!("/api/v1/resources/{id}/steps"), &json!({"state": "paused", "version": o["version"]}), StatusCode::OK).await;
    expect_error(app.post(&res, &format!("/api/v1/resources/{id}/requests"), &request(&app, 5, 10)).await, StatusCode::UNPROCESSABLE_ENTITY, "offer_not_requestable").await;
    expect_error(app.post(&crew.operator, &format!("/api/v1/resources/{id}/steps"), &json!({"state": "paused", "version": paused["version"]})).await, StatusCode::CONFLICT, "illegal_transition").await;
    app.post_expect(&crew.operator, &format!("/api/v1/resources/{id}/steps"), &json!({"state": "withdrawn", "reason": "设备返厂维修", "version": paused["version"]}), StatusCode::OK).await;
    expect_error(app.get_anon(&format!("/api/v1/resources/{id}")).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(app.get_ok(&crew.chief, &format!("/api/v1/resources/{id}")).await["offer"]["state"], "withdrawn");

    // Exports: the directory (public) and the requests (each side's own).
    let xlsx = app.get_anon("/api/v1/resources/export.xlsx?kind=instrument").await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let xlsx = app.get(&res, "/api/v1/resource-requests/export.xlsx").await;
    assert_eq!(xlsx.status(), StatusCode::OK);
}

#[tokio::test]
async fn two_requests_sent_at_once_by_one_unit_leave_one_open() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let (_, id) = listed_instrument(&app, &crew).await;
    app.add_user("res", Role::Researcher, app.lucheng_univ).await;
    let (a, b) = (app.token("res").await, app.token("res").await);
    let path = format!("/api/v1/resources/{id}/requests");
    let body = request(&app, 3, 4);
    let (ra, rb) = tokio::join!(app.post(&a, &path, &body), app.post(&b, &path, &body));
    let mut statuses = [ra.status(), rb.status()];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
    assert_eq!(app.count_where("resource_requests", "state = 'requested'").await, 1);
}

#[tokio::test]
async fn the_capability_list_shows_its_coverage_and_the_four_lists_carry_the_bureaus_policies() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let (center, _) = listed_instrument(&app, &crew).await;
    let capability = json!({"center_id": center, "kind": "capability", "name": "减速器寿命与可靠性验证", "field": "smart_equipment",
        "description": "精密减速器加速寿命试验与失效分析，出具验证报告。", "conditions": "样件不少于3台；周期约30天。", "fee_terms": "面议", "qualifications": []});
    app.post_expect(&crew.operator, "/api/v1/resources", &capability, StatusCode::CREATED).await;

    let lists: Value = app.get_anon("/api/v1/four-lists").await.json().await.unwrap();
    let field = lists["service_fields"].as_array().unwrap().iter().find(|f| f["field"] == "smart_equipment").cloned().unwrap();
    assert_eq!((field["poc_centers"].as_i64(), field["capability_regions"].clone()), (Some(1), json!(["瑞安市"])), "{field}");
    let regions = lists["capability_coverage"]["regions"].as_array().unwrap();
    let at = regions.iter().position(|r| r == "瑞安市").unwrap();
    let row = lists["capability_coverage"]["rows"].as_array().unwrap().iter().find(|r| r["field"] == "smart_equipment").cloned().unwrap();
    assert_eq!((row["counts"][at].as_i64(), row["gaps"].as_u64()), (Some(1), Some(regions.len() as u64 - 1)), "{row}");
    let page = app.get_anon("/resources?kind=capability").await.text().await.unwrap();
    assert!(page.contains("验证能力互补清单") && page.contains("data-testid=\"coverage-table\""), "{page}");

    // Supporting policies: the bureau lists them; nobody else may; a retired one leaves the public list.
    let policy = json!({"title": "关于加快概念验证平台建设的若干措施", "issuer": "上海市科学技术委员会", "issued_on": "2024-05-20", "article": "四(一)",
        "summary": "概念验证服务纳入科技创新券目录，科技型中小企业采购概念验证服务可使用创新券。", "field": ""});
    expect_error(app.post(&crew.operator, "/api/v1/support-policies", &policy).await, StatusCode::FORBIDDEN, "forbidden").await;
    let mut bad = policy.clone();
    bad["issued_on"] = json!((app.today() + chrono::Duration::days(1)).to_string());
    let e = expect_error(app.post(&crew.chief, "/api/v1/support-policies", &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    assert_eq!(e["error"]["field"], "issued_on");
    let p = app.post_expect(&crew.chief, "/api/v1/support-policies", &policy, StatusCode::CREATED).await;
    let listed: Value = app.get_anon("/api/v1/support-policies").await.json().await.unwrap();
    assert_eq!(listed["items"][0]["title"], "关于加快概念验证平台建设的若干措施");
    let page = app.get_anon("/four-lists").await.text().await.unwrap();
    assert!(page.contains("服务领域") && page.contains("减速器寿命与可靠性验证") && page.contains("关于加快概念验证平台建设的若干措施"), "{page}");
    let xlsx = app.get_anon("/four-lists/export.xlsx").await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let mut retired = policy.clone();
    retired["state"] = json!("expired");
    retired["version"] = p["version"].clone();
    app.put(&crew.chief, &format!("/api/v1/support-policies/{}", p["id"]), &retired).await.error_for_status().unwrap();
    let listed: Value = app.get_anon("/api/v1/support-policies").await.json().await.unwrap();
    assert_eq!(listed["items"], json!([]));
    assert_eq!(app.get_ok(&crew.chief, "/api/v1/support-policies").await["items"][0]["state"], "expired");

    // Searched with everything else: a signed-in account finds the capability by its words.
    app.add_user("res", Role::Researcher, app.lucheng_univ).await;
    let res = app.token("res").await;
    let hits = app.get_ok(&res, "/api/v1/search?q=减速器&kind=offer").await;
    assert_eq!(hits["items"][0]["kind"], "offer", "{hits}");
}

#[tokio::test]
async fn a_request_is_sent_and_answered_in_the_pages_forms() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let (_, id) = listed_instrument(&app, &crew).await;
    app.add_user("res", Role::Researcher, app.lucheng_univ).await;
    let (client, _, csrf) = app.login("res").await;
    let page = client.get(app.url(&format!("/resources/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-testid=\"request-form\""), "{page}");
    let day = |d: i64| (app.today() + chrono::Duration::days(d)).to_string();
    let form = [("csrf_token", csrf.clone()), ("purpose", "use".into()), ("description", "整机装配精度测试，需上机两天。".into()), ("wanted_from", day(3)), ("wanted_to", day(2))];
    let refused = client.post(app.url(&format!("/resources/{id}/requests"))).form(&form).send().await.unwrap();
    assert_eq!(refused.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.text().await.unwrap().contains("期望结束日期不能早于开始日期"));
    let form = [("csrf_token", csrf.clone()), ("purpose", "use".into()), ("description", "整机装配精度测试，需上机两天。".into()), ("wanted_from", day(3)), ("wanted_to", day(4))];
    let sent = client.post(app.url(&format!("/resources/{id}/requests"))).form(&form).send().await.unwrap();
    assert!(sent.status().is_redirection(), "{}", sent.status());
    let rid = app.get_ok(&app.token("res").await, "/api/v1/resource-requests").await["items"][0]["id"].as_i64().unwrap();

    // The center's operator declines in the page, with a reason shown to the requester.
    let (op, _, op_csrf) = app.login("operator").await;
    let page = op.get(app.url(&format!("/resource-requests/{rid}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-testid=\"decline-form\""), "{page}");
    let version = app.get_ok(&crew.operator, &format!("/api/v1/resource-requests/{rid}")).await["version"].as_i64().unwrap().to_string();
    let form = [("csrf_token", op_csrf), ("action", "decline".into()), ("reason", "fully_booked".into()), ("note", "".into()), ("version", version)];
    let answered = op.post(app.url(&format!("/resource-requests/{rid}/steps"))).form(&form).send().await.unwrap();
    assert!(answered.status().is_redirection(), "{}", answered.status());
    let page = client.get(app.url(&format!("/resource-requests/{rid}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已婉拒") && page.contains("档期已满"), "{page}");
}
