//! Finding things (issue 10 §4): results by keyword, field, center, region,
//! TRL and state; centers by name, kind, field, region, level and stage;
//! applications by call and region; the bureau's panel picker that searches
//! and says why an expert cannot be invited; the printable application form.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn intake(center: i64, ref_no: &str, title: &str, field: &str, sub_field: &str, trl: i64) -> Value {
    json!({"center_id": center, "ref_no": ref_no, "title": title, "summary": format!("{title}，已完成实验室验证。"),
        "secret_summary": "", "field": field, "sub_field": sub_field, "source": "高校", "team": ["张伟"], "patents": [],
        "trl": trl, "trl_evidence": "实验室测试报告", "stage": if trl < 4 { "lab" } else { "prototype" }, "secret_parts": []})
}

fn titles(list: &Value) -> Vec<String> {
    let mut t: Vec<String> = list["items"].as_array().unwrap().iter().map(|r| r["title"].as_str().unwrap().to_owned()).collect();
    t.sort();
    t
}

#[tokio::test]
async fn results_are_found_by_keyword_field_center_region_trl_and_state_within_the_callers_scope() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let ruian = register_center(&app, &crew.operator, "瑞安智能装备概念验证中心", &["smart_equipment", "new_energy"], Some(300)).await;
    let other_org = app.add_org("乐清测试电气有限公司", "enterprise", "乐清市").await;
    app.add_user("other", Role::Center, other_org).await;
    let other = app.token("other").await;
    let yueqing = register_center(&app, &other, "乐清电气概念验证中心", &["new_energy"], Some(300)).await;
    app.add_user("res", Role::Researcher, app.lucheng_univ).await;
    let res = app.token("res").await;
    for (center, no, title, field, sub, trl) in [
        (ruian, "A-1", "固态锂电池界面改性工艺", "new_energy", "advanced_batteries", 4),
        (ruian, "A-2", "工业机器人柔性关节", "smart_equipment", "industrial_robots", 6),
        (yueqing, "B-1", "钠离子电池正极材料", "new_energy", "advanced_batteries", 3),
    ] {
        app.post_expect(&res, "/api/v1/results", &intake(center, no, title, field, sub, trl), StatusCode::CREATED).await;
    }
    let chief = &crew.chief;
    let get = |q: &str| {
        let path = format!("/api/v1/results?{q}");
        let app = &app;
        async move { app.get_ok(chief, &path).await }
    };
    assert_eq!(titles(&get("q=电池").await), ["固态锂电池界面改性工艺", "钠离子电池正极材料"]);
    assert_eq!(titles(&get("q=电池&trl_min=4").await), ["固态锂电池界面改性工艺"]);
    assert_eq!(titles(&get("field=smart_equipment").await), ["工业机器人柔性关节"]);
    assert_eq!(titles(&get(&format!("center={yueqing}")).await), ["钠离子电池正极材料"]);
    assert_eq!(titles(&get("region=乐清市").await), ["钠离子电池正极材料"]);
    assert_eq!(titles(&get("trl_min=4&trl_max=5").await), ["固态锂电池界面改性工艺"]);
    assert_eq!(get("state=verified").await["total"], 0);
    // A literal % matches nothing rather than everything.
    assert_eq!(get("q=%25").await["total"], 0);
    // Bad values name their parameter, all at once.
    let r = app.get(chief, "/api/v1/results?trl_min=0&trl_max=x&field=nope&region=火星").await;
    let body = expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    let fields: Vec<&str> = body["error"]["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["field", "region", "trl_min", "trl_max"], "{body}");
    // Filters never widen a scope: the other center's operator does not find Ruian's results by keyword.
    assert_eq!(titles(&app.get_ok(&other, "/api/v1/results?q=电池").await), ["钠离子电池正极材料"]);
    assert_eq!(app.get_ok(&other, &format!("/api/v1/results?center={ruian}")).await["total"], 0);

    // The page keeps the filters in its controls, its pager, its sort headers and its export link.
    let (client, _, _) = app.login("chief").await;
    let html = client.get(app.url("/results?q=电池&trl_min=4")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("固态锂电池界面改性工艺") && !html.contains("钠离子电池正极材料"), "filtered rows");
    assert!(html.contains("name=\"q\" value=\"电池\""), "the search box keeps the keyword");
    let export = html.split("data-testid=\"export\"").next().unwrap().rsplit("href=\"").next().unwrap().to_owned();
    assert!(export.starts_with("/results/export.xlsx?q=%E7%94%B5%E6%B1%A0&#38;trl_min=4"), "the export follows the filter: {export}");
}

#[tokio::test]
async fn centers_are_found_by_name_kind_field_region_level_and_stage() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    register_center(&app, &crew.operator, "瑞安智能装备概念验证中心", &["smart_equipment"], Some(300)).await;
    let body = json!({"name": "瑞安新能源中试平台", "kind": "pilot_platform", "fields": ["new_energy"], "admin_director": "王行政",
        "tech_director": "赵技术", "summary": "小批量试制", "floor_area_m2": 3000});
    app.post_expect(&crew.operator, "/api/v1/registry/centers", &body, StatusCode::CREATED).await;
    let names = |v: Value| v["items"].as_array().unwrap().iter().map(|c| c["name"].as_str().unwrap().to_owned()).collect::<Vec<_>>();
    let chief = &crew.chief;
    assert_eq!(names(app.get_ok(chief, "/api/v1/centers?kind=pilot_platform").await), ["瑞安新能源中试平台"]);
    assert_eq!(names(app.get_ok(chief, "/api/v1/centers?field=smart_equipment").await), ["瑞安智能装备概念验证中心"]);
    assert_eq!(names(app.get_ok(chief, "/api/v1/centers?q=中试").await), ["瑞安新能源中试平台"]);
    assert_eq!(app.get_ok(chief, "/api/v1/centers?q=瑞安测试智能装备有限公司").await["total"], 2, "by host unit");
    assert_eq!(app.get_ok(chief, "/api/v1/centers?region=鹿城区").await["total"], 0);
    assert_eq!(app.get_ok(chief, "/api/v1/centers?stage=applying").await["total"], 2);
    assert_eq!(names(app.get_ok(chief, "/api/v1/centers?stage=applying&kind=poc_center&level=municipal").await), ["瑞安智能装备概念验证中心"]);
    assert_eq!(app.get_ok(chief, "/api/v1/centers?stage=recognized").await["total"], 0);
    let r = app.get(chief, "/api/v1/centers?level=county&stage=x").await;
    let body = expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    assert_eq!(body["error"]["errors"].as_array().unwrap().len(), 2);
    // The public sees only recognized centers, whatever it filters on.
    assert_eq!(app.get_anon("/api/v1/centers?stage=applying").await.json::<Value>().await.unwrap()["total"], 0);
    let html = app.get_anon("/centers?kind=pilot_platform").await.text().await.unwrap();
    assert!(html.contains("data-testid=\"centers-filters\""));
}

#[tokio::test]
async fn the_bureau_filters_applications_picks_experts_by_search_and_sees_why_one_cannot_be_invited() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2026-12-31").await;
    let center = make_wenzhou_ready_center(&app, &crew.operator, "瑞安测试概念验证中心").await;
    let id = apply(&app, &crew.operator, call, center, "温州市智能装备概念验证中心").await;
    app.step_ok(&crew.operator, id, "submit", "").await;
    app.step_ok(&crew.ruian, id, "county_approve", "同意推荐").await;
    assert_eq!(app.get_ok(&crew.chief, &format!("/api/v1/applications?call_id={call}&region=瑞安市")).await["total"], 1);
    assert_eq!(app.get_ok(&crew.chief, "/api/v1/applications?region=乐清市").await["total"], 0);
    assert_eq!(app.get_ok(&crew.chief, &format!("/api/v1/applications?call_id={}", call + 99)).await["total"], 0);

    // An expert of the applying unit, found by name, is shown with the reason it cannot sit.
    let insider = app.post_expect(&crew.chief, "/api/v1/experts", &json!({"name": "同单位专家", "kind": "industry", "org_id": crew.operator_org,
        "title": "总工", "fields": ["smart_equipment"], "region": "瑞安市"}), StatusCode::CREATED).await["id"].as_i64().unwrap();
    let (client, _, _) = app.login("chief").await;
    let page = client.get(app.url(&format!("/applications/{id}?expert_q=同单位"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("data-testid=\"panel-picker\"") && page.contains("同单位专家"), "found by search");
    assert!(page.contains("不可邀请") && page.contains("与申报单位同属瑞安测试智能装备有限公司"), "the reason is named");
    assert!(!page.contains(&format!("name=\"expert_id\" value=\"{insider}\"")), "no invite button for a conflicted expert");
    // A fit expert gets the button; the picker and the API agree.
    let (_, fit) = &crew.panel[0];
    let page = client.get(app.url(&format!("/applications/{id}?expert_q=评审专家1"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("name=\"expert_id\" value=\"{fit}\"")), "{page}");
    let r = app.post(&crew.chief, &format!("/api/v1/applications/{id}/panel"), &json!({"expert_id": insider})).await;
    expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "conflict_of_interest").await;

    // The printable application form: the applicant, the county and the bureau; not an expert.
    let (op, _, _) = app.login("operator").await;
    let form = op.get(app.url(&format!("/applications/{id}/form"))).send().await.unwrap();
    assert_eq!(form.status(), StatusCode::OK);
    let form = form.text().await.unwrap();
    assert!(form.contains("申报书") && form.contains("温州市智能装备概念验证中心") && form.contains("提交时冻结") && form.contains("法定代表人（签字）"), "{form}");
    assert_eq!(app.get(&crew.panel[0].0, &format!("/applications/{id}/form")).await.status(), StatusCode::FORBIDDEN);
    let css = app.get_anon("/static/pocnet.css").await.text().await.unwrap();
    assert!(css.contains("@media print") && css.contains("size: A4") && css.contains("max-width: 820px"), "print and phone styles ship");
}
