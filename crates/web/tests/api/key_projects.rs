//! The list of key PoC platform projects over HTTP (issue 18; 004 二(二)(四)): the bureau puts a
//! planned platform on the list, names its builder, records the five conditions, launches it once
//! all are met (“成熟一个、启动一个”), and records it built as the builder's PoC center; a
//! project taken off the list keeps its reason. Counties and centers read; only the bureau writes.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn body(lead: Option<i64>) -> Value {
    json!({"title": "脑机接口概念验证平台", "category": "future_industry", "direction": "脑机接口", "goal": "建设非侵入式脑机接口的原理验证与临床前验证能力，服务医疗康复企业",
        "area": "瓯海区", "budget_wan": 3000, "lead_org_id": lead})
}

async fn todo(app: &TestApp, token: &str, kind: &str) -> i64 {
    let list = app.get_ok(token, "/api/v1/me/todo").await;
    list["items"].as_array().unwrap().iter().find(|i| i["kind"] == kind).and_then(|i| i["count"].as_i64()).unwrap_or_else(|| panic!("no {kind} in {list}"))
}

#[tokio::test]
async fn the_bureau_launches_a_key_project_once_its_builder_is_ready_and_records_it_built() {
    let app = spawn_workflow_app().await;
    let chief = app.token("chief").await;
    let builder = app.add_org("瓯江测试脑科学研究院", "research_institute", "瓯海区").await;
    app.add_user("builder", Role::Center, builder).await;
    let op = app.token("builder").await;
    let other = app.add_org("温州测试孵化器", "incubator", "鹿城区").await;
    app.add_user("other", Role::Center, other).await;
    let other_op = app.token("other").await;
    app.add_user("prof", Role::Researcher, app.lucheng_univ).await;
    let prof = app.token("prof").await;

    // Only the bureau writes; every field is checked; nothing is stored on refusal.
    expect_error(app.post(&op, "/api/v1/key-projects", &body(Some(builder))).await, StatusCode::FORBIDDEN, "forbidden").await;
    let e = expect_error(app.post(&chief, "/api/v1/key-projects", &json!({"title": "脑", "category": "dream", "direction": "", "goal": "短", "budget_wan": -1, "lead_org_id": 999_999})).await, StatusCode::UNPROCESSABLE_ENTITY, "too_short").await;
    let fields: Vec<&str> = e["error"]["errors"].as_array().unwrap().iter().filter_map(|x| x["field"].as_str()).collect();
    for f in ["title", "category", "direction", "goal", "budget_wan", "lead_org_id"] {
        assert!(fields.contains(&f), "{f} in {e}");
    }
    assert_eq!(app.count("key_projects").await, 0);

    // In reserve without a builder: not launchable, and the page says why.
    let v = app.post_expect(&chief, "/api/v1/key-projects", &body(None), StatusCode::CREATED).await;
    let id = v["project"]["id"].as_i64().unwrap();
    assert_eq!(v["project"]["state"], "reserve");
    assert!(v["next"].as_str().unwrap().contains("尚未确定建设主体"), "{v}");
    let launch = |version: &Value| json!({"action": "launch", "version": version});
    expect_error(app.post(&chief, &format!("/api/v1/key-projects/{id}/step"), &launch(&v["project"]["version"])).await, StatusCode::CONFLICT, "illegal_transition").await;
    let mut edit = body(Some(builder));
    edit["version"] = v["project"]["version"].clone();
    let v = expect_status(app.put(&chief, &format!("/api/v1/key-projects/{id}"), &edit).await, StatusCode::OK).await;
    assert_eq!(v["project"]["lead_org_name"], "瓯江测试脑科学研究院");

    // Four of five conditions: still in reserve; the fifth makes it ready, and the bureau's to-do says so.
    let some = json!({"readiness": ["conditions", "sources", "funding", "management", "sources"], "version": v["project"]["version"]});
    let v = expect_status(app.put(&chief, &format!("/api/v1/key-projects/{id}/readiness"), &some).await, StatusCode::OK).await;
    assert_eq!(v["project"]["readiness_met"], 4);
    let e = expect_error(app.post(&chief, &format!("/api/v1/key-projects/{id}/step"), &launch(&v["project"]["version"])).await, StatusCode::CONFLICT, "illegal_transition").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("4/5"), "{e}");
    expect_error(app.put(&chief, &format!("/api/v1/key-projects/{id}/readiness"), &json!({"readiness": ["luck"], "version": v["project"]["version"]})).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    assert_eq!(todo(&app, &chief, "key_projects_to_launch").await, 0);
    let all = json!({"readiness": ["conditions", "sources", "funding", "management", "team"], "version": v["project"]["version"]});
    let v = expect_status(app.put(&chief, &format!("/api/v1/key-projects/{id}/readiness"), &all).await, StatusCode::OK).await;
    assert_eq!(v["actions"], json!(["launch", "drop"]));
    assert_eq!(todo(&app, &chief, "key_projects_to_launch").await, 1);
    expect_error(app.post(&chief, &format!("/api/v1/key-projects/{id}/step"), &launch(&json!(1))).await, StatusCode::CONFLICT, "version_conflict").await;
    let v = app.post_expect(&chief, &format!("/api/v1/key-projects/{id}/step"), &launch(&v["project"]["version"]), StatusCode::OK).await;
    assert_eq!(v["project"]["state"], "launched");
    assert_eq!(v["project"]["launched_on"], app.today().to_string());
    assert_eq!(todo(&app, &chief, "key_projects_to_launch").await, 0);

    // Built: only as a PoC center its builder registered.
    let elsewhere = register_center(&app, &other_op, "温州测试孵化概念验证中心", &["life_health"], Some(300)).await;
    let build = |center: i64, version: &Value| json!({"action": "build", "center_id": center, "version": version});
    expect_error(app.post(&chief, &format!("/api/v1/key-projects/{id}/step"), &build(elsewhere, &v["project"]["version"])).await, StatusCode::UNPROCESSABLE_ENTITY, "not_the_builders_center").await;
    let center = register_center(&app, &op, "温州脑机接口概念验证中心", &["life_health"], Some(800)).await;
    let v = app.post_expect(&chief, &format!("/api/v1/key-projects/{id}/step"), &build(center, &v["project"]["version"]), StatusCode::OK).await;
    assert_eq!(v["project"]["state"], "built");
    assert_eq!(v["project"]["center_name"], "温州脑机接口概念验证中心");
    assert_eq!(v["actions"], json!([]));
    expect_error(app.post(&chief, &format!("/api/v1/key-projects/{id}/step"), &json!({"action": "drop", "reason": "调整布局", "version": v["project"]["version"]})).await, StatusCode::CONFLICT, "illegal_transition").await;

    // Another project taken off the list keeps its reason; it cannot claim the same center.
    let w = app.post_expect(&chief, "/api/v1/key-projects", &json!({"title": "量子精密测量概念验证平台", "category": "frontier", "direction": "量子科技", "goal": "谋划储备量子精密测量领域的概念验证能力"}), StatusCode::CREATED).await;
    let wid = w["project"]["id"].as_i64().unwrap();
    expect_error(app.post(&chief, &format!("/api/v1/key-projects/{wid}/step"), &json!({"action": "drop", "reason": "", "version": w["project"]["version"]})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    let w = app.post_expect(&chief, &format!("/api/v1/key-projects/{wid}/step"), &json!({"action": "drop", "reason": "建设主体暂不具备条件，下一轮再议", "version": w["project"]["version"]}), StatusCode::OK).await;
    assert_eq!(w["project"]["state"], "dropped");

    // Who reads: the bureau, counties and centers; not researchers. Filters and the export.
    assert_eq!(app.get_ok(&op, "/api/v1/key-projects").await["items"].as_array().unwrap().len(), 2);
    expect_error(app.get(&prof, "/api/v1/key-projects").await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.get(&prof, &format!("/api/v1/key-projects/{id}")).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(app.get_ok(&chief, "/api/v1/key-projects?state=built").await["items"].as_array().unwrap().len(), 1);
    assert_eq!(app.get_ok(&chief, "/api/v1/key-projects?category=frontier").await["items"].as_array().unwrap().len(), 1);
    assert_eq!(app.get_ok(&chief, "/api/v1/key-projects?q=脑机").await["items"].as_array().unwrap().len(), 1);
    expect_error(app.get(&chief, "/api/v1/key-projects?state=maybe").await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    let x = app.get(&chief, "/api/v1/key-projects/export.xlsx").await;
    assert_eq!(x.status(), StatusCode::OK);
    assert!(x.bytes().await.unwrap().starts_with(b"PK"));
}

#[tokio::test]
async fn the_key_project_pages_take_each_step_through_their_forms() {
    let app = spawn_workflow_app().await;
    let builder = app.add_org("瓯江测试合成生物研究院", "research_institute", "瓯海区").await;
    let (chief, _, csrf) = app.login("chief").await;
    let page = chief.get(app.url("/key-projects")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("key-project-form") && page.contains("瓯江测试合成生物研究院"), "{page}");
    let form = |title: &str| {
        vec![("csrf_token", csrf.clone()), ("title", title.to_owned()), ("category", "future_industry".into()), ("direction", "合成生物学".into()),
            ("goal", "建设合成生物学菌株设计与放大验证能力".into()), ("area", "".into()), ("budget_wan", "".into()), ("lead_org_id", builder.to_string())]
    };
    let resp = chief.post(app.url("/key-projects")).form(&form("合")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("项目名称至少需要2个字符"));
    let resp = chief.post(app.url("/key-projects")).form(&form("合成生物概念验证平台")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = resp.headers()["location"].to_str().unwrap().to_owned();
    let page = chief.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("readiness-form") && page.contains("建设主体已具备0/5项条件"), "{page}");
    let mut boxes = vec![("csrf_token", csrf.clone()), ("version", "1".to_owned())];
    for c in ["conditions", "sources", "funding", "management", "team"] {
        boxes.push(("readiness", c.to_owned()));
    }
    let resp = chief.post(app.url(&format!("{to}/readiness"))).form(&boxes).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = chief.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("launch-form") && page.contains("可以启动建设"), "{page}");
    let resp = chief.post(app.url(&format!("{to}/step"))).form(&[("csrf_token", csrf.as_str()), ("version", "2"), ("action", "launch")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = chief.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("启动建设") && page.contains("建设主体尚未登记概念验证中心"), "{page}");
}
