//! Chinese full-text search over HTTP (issue 15): a result submitted a moment
//! ago is found by a word inside a longer word, highlighted; its secret summary
//! is never searchable; each caller finds only what its result scope shows.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn intake(center: i64, ref_no: &str, title: &str, secret: &str) -> Value {
    json!({"center_id": center, "ref_no": ref_no, "title": title, "summary": format!("{title}，已完成中试线验证，面向动力电池正极材料企业。"),
        "secret_summary": secret, "field": "new_energy", "sub_field": "advanced_batteries", "source": "高校", "team": ["张伟"], "patents": [],
        "trl": 5, "trl_evidence": "中试测试报告", "stage": "prototype", "secret_parts": []})
}

fn titles(page: &Value) -> Vec<String> {
    page["items"].as_array().unwrap().iter().map(|h| h["title"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn results_are_found_by_chinese_words_within_the_callers_scope_and_never_by_their_secrets() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let ruian = register_center(&app, &crew.operator, "瑞安新能源概念验证中心", &["new_energy"], Some(300)).await;
    app.add_user("res", Role::Researcher, app.lucheng_univ).await;
    let res = app.token("res").await;
    app.post_expect(&res, "/api/v1/results", &intake(ruian, "S-1", "高镍三元前驱体连续共沉淀工艺", "共沉淀釜温控曲线与氨水配比"), StatusCode::CREATED).await;
    app.post_expect(&res, "/api/v1/results", &intake(ruian, "S-2", "硅碳复合负极材料预锂化工艺", ""), StatusCode::CREATED).await;

    // Found at once (the query applies the outbox first), by a word inside a longer word.
    let page = app.get_ok(&crew.chief, "/api/v1/search?q=前驱体").await;
    assert_eq!(titles(&page), ["高镍三元前驱体连续共沉淀工艺"]);
    assert!(page["items"][0]["snippet"].as_str().unwrap().contains("<b>"), "{page}");
    let page = app.get_ok(&crew.chief, "/api/v1/search?q=预锂化").await;
    assert_eq!(titles(&page), ["硅碳复合负极材料预锂化工艺"]);
    assert_eq!(app.get_ok(&crew.chief, "/api/v1/search?q=工艺").await["total"], 2);
    // The secret summary is not in the index.
    assert_eq!(app.get_ok(&crew.chief, "/api/v1/search?q=氨水配比").await["total"], 0);
    // Scope: the researcher's unit owns both; the center's operator handles both; an
    // investor sees nothing until a result is verified; another county nothing.
    assert_eq!(app.get_ok(&res, "/api/v1/search?q=工艺").await["total"], 2);
    assert_eq!(app.get_ok(&crew.operator, "/api/v1/search?q=工艺").await["total"], 2);
    app.add_user("inv", Role::Investor, crew.operator_org).await;
    let inv = app.token("inv").await;
    assert_eq!(app.get_ok(&inv, "/api/v1/search?q=工艺").await["total"], 0);
    // Filters and bad input.
    assert_eq!(app.get_ok(&crew.chief, "/api/v1/search?q=工艺&trl_min=6").await["total"], 0);
    let e = expect_error(app.get(&crew.chief, "/api/v1/search?q=工艺&trl_min=7&trl_max=3").await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    assert_eq!(e["error"]["field"], "trl_min");
    expect_error(app.get_anon("/api/v1/search?q=工艺").await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    // The page.
    let html = app.get(&crew.chief, "/search?q=%E5%89%8D%E9%A9%B1%E4%BD%93").await.text().await.unwrap();
    assert!(html.contains("共找到 1 项") && html.contains("高镍三元前驱体连续共沉淀工艺"), "{html}");
}

#[tokio::test]
async fn a_cached_first_page_gives_way_to_a_change_and_is_never_shared_between_callers_with_other_keys() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let ruian = register_center(&app, &crew.operator, "瑞安新能源概念验证中心", &["new_energy"], Some(300)).await;
    app.add_user("res", Role::Researcher, app.lucheng_univ).await;
    let res = app.token("res").await;
    app.post_expect(&res, "/api/v1/results", &intake(ruian, "S-1", "高镍三元前驱体连续共沉淀工艺", ""), StatusCode::CREATED).await;
    app.add_user("inv", Role::Investor, crew.operator_org).await;
    let inv = app.token("inv").await;

    // The chief's first page is cached (asked twice: the same answer); the investor, whose
    // keys differ, asks the same words next and is not handed the chief's page.
    let first = app.get_ok(&crew.chief, "/api/v1/search?q=前驱体").await;
    assert_eq!((titles(&first), first["total"].as_u64(), first["total_exact"].as_bool()), (vec!["高镍三元前驱体连续共沉淀工艺".to_owned()], Some(1), Some(true)));
    assert_eq!(app.get_ok(&crew.chief, "/api/v1/search?q=前驱体").await, first);
    let seen = app.get_ok(&inv, "/api/v1/search?q=前驱体").await;
    assert_eq!((seen["total"].as_u64(), titles(&seen).len()), (Some(0), 0), "an investor sees no unverified result");
    // A result submitted after the chief's page was cached is found by the chief's next query.
    app.post_expect(&res, "/api/v1/results", &intake(ruian, "S-2", "三元前驱体废料回收工艺", ""), StatusCode::CREATED).await;
    let mut now = titles(&app.get_ok(&crew.chief, "/api/v1/search?q=前驱体").await);
    now.sort();
    assert_eq!(now, ["三元前驱体废料回收工艺", "高镍三元前驱体连续共沉淀工艺"]);
    // Counted exactly on request (a few hits are counted exactly anyway).
    let counted = app.get_ok(&crew.chief, "/api/v1/search?q=前驱体&count=exact").await;
    assert_eq!((counted["total"].as_u64(), counted["total_exact"].as_bool()), (Some(2), Some(true)));
}
