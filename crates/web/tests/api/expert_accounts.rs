//! Experts are people with accounts (issue 10 §1): the bureau links an expert
//! account or opens one from the expert's record with a one-time code the
//! expert activates; a center does so only for its own advisory experts;
//! unlinking keeps the history; experts apply to join and the bureau decides.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn expert_body(org: i64, name: &str) -> Value {
    json!({"name": name, "kind": "academic", "org_id": org, "title": "教授", "fields": ["new_energy"],
        "keywords": ["储能"], "region": "鹿城区", "bio": "从事储能研究。"})
}

async fn new_expert(app: &TestApp, token: &str, name: &str) -> i64 {
    app.post_expect(token, "/api/v1/experts", &expert_body(app.lucheng_univ, name), StatusCode::CREATED).await["id"].as_i64().unwrap()
}

async fn login_status(app: &TestApp, username: &str, password: &str) -> StatusCode {
    app.http
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn the_bureau_links_an_existing_expert_account_and_every_refusal_changes_nothing() {
    let app = spawn_app().await;
    let chief = app.token("chief").await;
    let a = new_expert(&app, &chief, "甲专家").await;
    let b = new_expert(&app, &chief, "乙专家").await;

    // Before the link the expert account has no library record: nothing to score with.
    let reviewer = app.token("reviewer").await;
    assert_eq!(app.get(&reviewer, "/api/v1/me/expert").await.status(), StatusCode::NOT_FOUND);

    // Only expert accounts, only existing ones.
    let r = app.post(&chief, &format!("/api/v1/experts/{a}/account"), &json!({"username": "scholar"})).await;
    expect_error(r, StatusCode::CONFLICT, "not_expert_account").await;
    let r = app.post(&chief, &format!("/api/v1/experts/{a}/account"), &json!({"username": "nobody"})).await;
    expect_error(r, StatusCode::CONFLICT, "unknown_account").await;
    let r = app.post(&chief, &format!("/api/v1/experts/{a}/account"), &json!({"username": "x"})).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_length").await;
    assert_eq!(app.count_where("experts", "user_id IS NOT NULL").await, 0);

    let linked = app.post_expect(&chief, &format!("/api/v1/experts/{a}/account"), &json!({"username": "reviewer"}), StatusCode::OK).await;
    assert!(linked["user_id"].as_i64().is_some());
    let own = app.get_ok(&reviewer, "/api/v1/me/expert").await;
    assert_eq!(own["id"], a);
    let acc = app.get_ok(&chief, &format!("/api/v1/experts/{a}/account")).await;
    assert_eq!((acc["username"].as_str(), acc["activated"].as_bool()), (Some("reviewer"), Some(true)));

    // One account, one expert; one expert, one account.
    let r = app.post(&chief, &format!("/api/v1/experts/{b}/account"), &json!({"username": "reviewer"})).await;
    expect_error(r, StatusCode::CONFLICT, "account_taken").await;
    app.add_user("second", Role::Expert, app.lucheng_univ).await;
    let r = app.post(&chief, &format!("/api/v1/experts/{a}/account"), &json!({"username": "second"})).await;
    expect_error(r, StatusCode::CONFLICT, "already_linked").await;

    // Other roles may not link.
    let scholar = app.token("scholar").await;
    let r = app.post(&scholar, &format!("/api/v1/experts/{b}/account"), &json!({"username": "second"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = app.post(&reviewer, &format!("/api/v1/experts/{b}/account"), &json!({"username": "second"})).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.count_where("experts", "user_id IS NOT NULL").await, 1);
    assert_eq!(app.count_where("audit_events", "action = 'expert.link'").await, 1);
}

#[tokio::test]
async fn an_account_opened_from_the_record_signs_in_only_after_the_expert_activates_it_once() {
    let app = spawn_app().await;
    let chief = app.token("chief").await;
    let id = new_expert(&app, &chief, "丙专家").await;

    let inv = app.post_expect(&chief, &format!("/api/v1/experts/{id}/invitation"), &json!({"username": "bing.zhuanjia"}), StatusCode::CREATED).await;
    let code = inv["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 24, "20 characters in groups of four: {code}");
    assert!(inv["activation_path"].as_str().unwrap().starts_with("/activate?code="));
    let acc = app.get_ok(&chief, &format!("/api/v1/experts/{id}/account")).await;
    assert_eq!(acc["activated"], false);
    // The account takes the expert's unit and name; only the code's hash is kept.
    let user = app.get_ok(&chief, &format!("/api/v1/users/{}", acc["user_id"])).await;
    assert_eq!((user["role"].as_str(), user["org_id"].as_i64(), user["display_name"].as_str()), (Some("expert"), Some(app.lucheng_univ), Some("丙专家")));
    assert_eq!(app.count_where("activation_codes", &format!("code_hash = '{}'", code.replace('-', ""))).await, 0);

    // No password signs in before activation, not even the marker itself.
    assert_eq!(login_status(&app, "bing.zhuanjia", "").await, StatusCode::UNAUTHORIZED);
    assert_eq!(login_status(&app, "bing.zhuanjia", "!pending-activation").await, StatusCode::UNAUTHORIZED);

    // A fresh code kills the old one.
    let again = app.post_expect(&chief, &format!("/api/v1/experts/{id}/invitation"), &json!({}), StatusCode::CREATED).await;
    let fresh = again["code"].as_str().unwrap().to_owned();
    assert_ne!(fresh, code);
    let r = app.post_anon("/api/v1/auth/activate", &json!({"code": code, "password": "a-new-long-secret"})).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;

    // The password rules hold, and a refused activation leaves the code usable.
    let r = app.post_anon("/api/v1/auth/activate", &json!({"code": fresh, "password": "short"})).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "too_short").await;
    let r = app.post_anon("/api/v1/auth/activate", &json!({"code": fresh, "password": "bing.zhuanjia-2026"})).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "contains_username").await;
    // Typed in lower case with spaces: the same code.
    let typed = fresh.to_lowercase().replace('-', " ");
    let ok = app.post_expect_anon("/api/v1/auth/activate", &json!({"code": typed, "password": "a-new-long-secret"}), StatusCode::OK).await;
    assert_eq!(ok["username"], "bing.zhuanjia");
    assert_eq!(login_status(&app, "bing.zhuanjia", "a-new-long-secret").await, StatusCode::OK);

    // Used once.
    let r = app.post_anon("/api/v1/auth/activate", &json!({"code": fresh, "password": "another-long-secret"})).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
    assert_eq!(login_status(&app, "bing.zhuanjia", "a-new-long-secret").await, StatusCode::OK);
    let r = app.post(&chief, &format!("/api/v1/experts/{id}/invitation"), &json!({})).await;
    expect_error(r, StatusCode::CONFLICT, "already_activated").await;
    let token = app.token("bing.zhuanjia").await;
    assert_eq!(app.get_ok(&token, "/api/v1/me/expert").await["id"], id);
    assert_eq!(app.count_where("audit_events", "action = 'user.activate'").await, 1);

    // A code expires after seven days.
    let other = new_expert(&app, &chief, "丁专家").await;
    let inv = app.post_expect(&chief, &format!("/api/v1/experts/{other}/invitation"), &json!({"username": "ding.zj"}), StatusCode::CREATED).await;
    app.set_time("2026-03-09T01:00:01Z");
    let r = app.post_anon("/api/v1/auth/activate", &json!({"code": inv["code"], "password": "a-new-long-secret"})).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "invalid_code").await;
}

#[tokio::test]
async fn a_center_manages_accounts_only_of_its_own_advisory_experts() {
    let app = spawn_app().await;
    let crew = crew(&app).await;
    let center = register_center(&app, &crew.operator, "瑞安测试概念验证中心", &["smart_equipment"], Some(300)).await;
    let advisor = app.post_expect(&crew.operator, "/api/v1/experts", &expert_body(app.lucheng_univ, "顾问甲"), StatusCode::CREATED).await["id"].as_i64().unwrap();
    let stranger = app.post_expect(&crew.operator, "/api/v1/experts", &expert_body(app.lucheng_univ, "外人乙"), StatusCode::CREATED).await["id"].as_i64().unwrap();
    app.file_op(&crew.operator, center, json!({"op": "add_advisor", "expert_id": advisor})).await;

    let r = app.post(&crew.operator, &format!("/api/v1/experts/{stranger}/invitation"), &json!({"username": "wairen"})).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "not_own_advisor").await;
    let inv = app.post_expect(&crew.operator, &format!("/api/v1/experts/{advisor}/invitation"), &json!({"username": "guwen.jia"}), StatusCode::CREATED).await;
    assert_eq!(inv["username"], "guwen.jia");
    // An existing account of another unit is not the center's to link; one of the expert's unit is.
    let second = app.post_expect(&crew.operator, "/api/v1/experts", &expert_body(app.lucheng_univ, "顾问丙"), StatusCode::CREATED).await["id"].as_i64().unwrap();
    app.file_op(&crew.operator, center, json!({"op": "add_advisor", "expert_id": second})).await;
    let enterprise = app.add_org("某测试企业", "enterprise", "瑞安市").await;
    app.add_user("elsewhere", Role::Expert, enterprise).await;
    let r = app.post(&crew.operator, &format!("/api/v1/experts/{second}/account"), &json!({"username": "elsewhere"})).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "account_other_unit").await;
    app.add_user("same.unit", Role::Expert, app.lucheng_univ).await;
    app.post_expect(&crew.operator, &format!("/api/v1/experts/{second}/account"), &json!({"username": "same.unit"}), StatusCode::OK).await;
    // The center cannot unlink a stranger either; the bureau can manage anyone.
    let r = app.delete(&crew.operator, &format!("/api/v1/experts/{stranger}/account"), &json!({})).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "not_own_advisor").await;
    app.post_expect(&crew.chief, &format!("/api/v1/experts/{stranger}/invitation"), &json!({"username": "wairen"}), StatusCode::CREATED).await;
}

#[tokio::test]
async fn unlinking_keeps_the_experts_panels_and_scores() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2026-12-31").await;
    let center = make_wenzhou_ready_center(&app, &crew.operator, "瑞安测试概念验证中心").await;
    let id = apply(&app, &crew.operator, call, center, "温州市智能装备概念验证中心").await;
    app.step_ok(&crew.operator, id, "submit", "").await;
    app.step_ok(&crew.ruian, id, "county_approve", "同意推荐").await;
    panel_scores(&app, &crew, id, [80, 85, 90]).await;
    let (_, expert_id) = &crew.panel[0];

    let r = app.delete(&crew.chief, &format!("/api/v1/experts/{expert_id}/account"), &json!({"reason": "专家更换账号"})).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(app.get(&crew.panel[0].0, "/api/v1/me/expert").await.status(), StatusCode::NOT_FOUND);
    // The scores still count: the panel is complete and the application can be proposed.
    let a = app.application(&crew.chief, id).await;
    assert_eq!(a["panel"].as_array().map(Vec::len), Some(3), "{a}");
    app.step_ok(&crew.chief, id, "propose", "列入拟认定名单").await;
    let r = app.delete(&crew.chief, &format!("/api/v1/experts/{expert_id}/account"), &json!({})).await;
    expect_error(r, StatusCode::CONFLICT, "not_linked").await;
    assert_eq!(app.count_where("audit_events", "action = 'expert.unlink' AND reason = '专家更换账号'").await, 1);
}

fn join(username: &str, name: &str, org: &str) -> Value {
    json!({"username": username, "password": "a-long-enough-secret", "org_name": org, "org_kind": "enterprise",
        "name": name, "kind": "industry", "title": "总工程师", "fields": ["new_energy"], "keywords": ["氢能"],
        "region": "瑞安市", "bio": "从事氢能装备研发二十年。"})
}

#[tokio::test]
async fn an_expert_applies_to_join_and_signs_in_only_once_the_bureau_approves() {
    let app = spawn_app().await;
    let chief = app.token("chief").await;

    // Every problem at once; nothing stored.
    let bad = json!({"username": "x", "password": "short", "org_name": "", "org_kind": "bureau", "name": "", "kind": "industry", "region": "瑞安市"});
    let r = app.post_anon("/api/v1/expert-registrations", &bad).await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    let fields: Vec<&str> = body["error"]["errors"].as_array().unwrap().iter().filter_map(|e| e["field"].as_str()).collect();
    assert_eq!(fields, ["username", "org_name", "org_kind", "name"], "{body}");
    assert_eq!(app.count("expert_registrations").await, 0);
    // A taken login name is refused.
    let r = app.post_anon("/api/v1/expert-registrations", &join("chief2", "赵工", "瑞安氢能装备有限公司")).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app.post_anon("/api/v1/expert-registrations", &join("chief2", "钱工", "瑞安氢能装备有限公司")).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "username_taken").await;
    let r = app.post_anon("/api/v1/expert-registrations", &join("reviewer", "钱工", "瑞安氢能装备有限公司")).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "username_taken").await;

    let reg = app.post_expect_anon("/api/v1/expert-registrations", &join("qian.gong", "钱工", "瑞安氢能装备有限公司"), StatusCode::CREATED).await;
    assert_eq!(reg["status"], "pending");
    let rid = reg["id"].as_i64().unwrap();
    // Pending: no account, no library expert, no login; only the bureau sees the list.
    assert_eq!(login_status(&app, "qian.gong", "a-long-enough-secret").await, StatusCode::UNAUTHORIZED);
    assert_eq!(app.count_where("experts", "name = '钱工'").await, 0);
    let scholar = app.token("scholar").await;
    assert_eq!(app.get(&scholar, "/api/v1/expert-registrations").await.status(), StatusCode::FORBIDDEN);
    let pending = app.get_ok(&chief, "/api/v1/expert-registrations").await;
    assert_eq!(pending["total"], 2);
    let waiting = |todo: Value| todo["items"].as_array().unwrap().iter().find(|i| i["kind"] == "expert_registrations").unwrap()["count"].clone();
    assert_eq!(waiting(app.get_ok(&chief, "/api/v1/me/todo").await), 2, "the bureau's to-do list counts them");

    let r = app.post(&chief, &format!("/api/v1/expert-registrations/{rid}/decision"), &json!({"decision": "reject"})).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    let done = app.post_expect(&chief, &format!("/api/v1/expert-registrations/{rid}/decision"), &json!({"decision": "approve"}), StatusCode::OK).await;
    assert_eq!(done["status"], "approved");
    let expert_id = done["expert_id"].as_i64().unwrap();
    // The unit the applicant wrote is registered; the password is the applicant's own.
    assert_eq!(app.count_where("organisations", "name = '瑞安氢能装备有限公司' AND kind = 'enterprise'").await, 1);
    assert_eq!(app.count_where("expert_registrations", "password_hash <> ''").await, 1, "only the still pending one keeps a hash");
    assert_eq!(login_status(&app, "qian.gong", "a-long-enough-secret").await, StatusCode::OK);
    let token = app.token("qian.gong").await;
    let own = app.get_ok(&token, "/api/v1/me/expert").await;
    assert_eq!((own["id"].as_i64(), own["kind"].as_str(), own["name"].as_str()), (Some(expert_id), Some("industry"), Some("钱工")));

    let r = app.post(&chief, &format!("/api/v1/expert-registrations/{rid}/decision"), &json!({"decision": "reject", "reason": "重复"})).await;
    expect_error(r, StatusCode::CONFLICT, "already_decided").await;

    // The other one is rejected with a reason; it never signs in.
    let other = pending["items"].as_array().unwrap().iter().find(|r| r["username"] == "chief2").unwrap()["id"].as_i64().unwrap();
    let rej = app.post_expect(&chief, &format!("/api/v1/expert-registrations/{other}/decision"), &json!({"decision": "reject", "reason": "领域不符"}), StatusCode::OK).await;
    assert_eq!((rej["status"].as_str(), rej["reason"].as_str()), (Some("rejected"), Some("领域不符")));
    assert_eq!(login_status(&app, "chief2", "a-long-enough-secret").await, StatusCode::UNAUTHORIZED);
    assert_eq!(app.count_where("expert_registrations", "password_hash <> ''").await, 0);
    assert_eq!(waiting(app.get_ok(&chief, "/api/v1/me/todo").await), 0);
}

#[tokio::test]
async fn one_address_cannot_flood_the_library_with_applications() {
    let app = spawn_app().await;
    for i in 0..5 {
        app.post_expect_anon("/api/v1/expert-registrations", &join(&format!("flood{i}"), "孙工", "瑞安氢能装备有限公司"), StatusCode::CREATED).await;
    }
    let r = app.post_anon("/api/v1/expert-registrations", &join("flood5", "孙工", "瑞安氢能装备有限公司")).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "too_many_registrations").await;
    assert_eq!(app.count("expert_registrations").await, 5);
    app.set_time("2026-03-02T02:00:01Z");
    app.post_expect_anon("/api/v1/expert-registrations", &join("flood5", "孙工", "瑞安氢能装备有限公司"), StatusCode::CREATED).await;
}

#[tokio::test]
async fn the_pages_open_an_account_show_the_code_once_and_activate_it() {
    let app = spawn_app().await;
    let chief = app.token("chief").await;
    let id = new_expert(&app, &chief, "戊专家").await;
    let (client, _, _) = app.login("chief").await;
    let page = client.get(app.url(&format!("/experts/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("尚未关联登录账号") && page.contains("开设账号并生成激活码"), "{page}");
    let csrf = csrf_of(&page);
    let shown = client.post(app.url(&format!("/experts/{id}/invitation"))).form(&[("csrf_token", csrf.as_str()), ("username", "wu.zj")]).send().await.unwrap();
    assert_eq!(shown.status(), StatusCode::OK);
    let shown = shown.text().await.unwrap();
    assert!(shown.contains("激活码只在此显示一次") && shown.contains("北京时间"), "{shown}");
    let code = between(&shown, "data-testid=\"activation-code\">", "<");
    // A refusal shows on the page, in Chinese.
    let again = client.post(app.url(&format!("/experts/{id}/account"))).form(&[("csrf_token", csrf.as_str()), ("username", "scholar")]).send().await.unwrap();
    assert_eq!(again.status(), StatusCode::CONFLICT);
    assert!(again.text().await.unwrap().contains("该专家已关联账号"));

    // The expert activates on the public page (pre-login CSRF token).
    let anon = browser();
    let form = anon.get(app.url(&format!("/activate?code={code}"))).send().await.unwrap().text().await.unwrap();
    assert!(form.contains(&code), "the code is prefilled");
    let token = csrf_of(&form);
    let mismatch = anon.post(app.url("/activate")).form(&[("csrf_token", token.as_str()), ("code", code.as_str()), ("password", "a-new-long-secret"), ("password_confirm", "different-secret")]).send().await.unwrap();
    assert_eq!(mismatch.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.text().await.unwrap().contains("两次输入的密码不一致"));
    let ok = anon.post(app.url("/activate")).form(&[("csrf_token", token.as_str()), ("code", code.as_str()), ("password", "a-new-long-secret"), ("password_confirm", "a-new-long-secret")]).send().await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(ok.text().await.unwrap().contains("已激活"));
    assert_eq!(login_status(&app, "wu.zj", "a-new-long-secret").await, StatusCode::OK);
    let page = client.get(app.url(&format!("/experts/{id}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已激活") && page.contains("解除关联"), "{page}");
}

fn csrf_of(page: &str) -> String {
    between(page, "name=\"csrf_token\" value=\"", "\"")
}

fn between(s: &str, start: &str, end: &str) -> String {
    let i = s.find(start).unwrap_or_else(|| panic!("{start} in page")) + start.len();
    s[i..].split(end).next().unwrap().to_owned()
}
