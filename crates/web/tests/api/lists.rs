//! Lists at province scale (issue 13), as a reader sees them: pages read
//! "after" or "before" a row walk the whole list once in order whatever the
//! sort, the page number stays in the links, totals are exact where a tally
//! keeps them and labelled as a lower bound elsewhere (with a way to count),
//! and the tallies behind the dashboards follow every write.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn intake(center: i64, i: usize) -> Value {
    let (field, sub) = if i.is_multiple_of(3) { ("new_energy", "advanced_batteries") } else { ("smart_equipment", "industrial_robots") };
    // Titles and TRLs repeat, so the id must break ties for the walk to be exact.
    json!({"center_id": center, "ref_no": format!("L-{i:03}"), "title": format!("测试成果{}", i % 7), "summary": "面向智能装备场景，已完成实验室验证与样机测试。",
        "secret_summary": "", "field": field, "sub_field": sub, "source": "高校", "team": ["张伟"], "patents": [],
        "trl": 1 + (i % 9) as i64, "trl_evidence": "实验室测试报告", "stage": "lab", "secret_parts": []})
}

fn ids(page: &Value) -> Vec<i64> {
    page["items"].as_array().unwrap().iter().map(|r| r["id"].as_i64().unwrap()).collect()
}

/// Every id of `query`, walking forward by `next_after` pages of 7, then back by `prev_before`.
async fn walk(app: &TestApp, token: &str, query: &str) -> (Vec<i64>, Vec<i64>) {
    let mut forward = Vec::new();
    let mut page = app.get_ok(token, &format!("/api/v1/results?per_page=7&{query}")).await;
    let mut n = 1;
    let mut pages = vec![page.clone()];
    loop {
        assert_eq!(page["page"], n, "the page number travels with the cursor");
        forward.extend(ids(&page));
        let Some(after) = page["next_after"].as_i64() else { break };
        n += 1;
        page = app.get_ok(token, &format!("/api/v1/results?per_page=7&page={n}&after={after}&{query}")).await;
        pages.push(page.clone());
    }
    let mut backward = ids(&page);
    while let Some(before) = page["prev_before"].as_i64() {
        n -= 1;
        page = app.get_ok(token, &format!("/api/v1/results?per_page=7&page={n}&before={before}&{query}")).await;
        let mut earlier = ids(&page);
        earlier.extend(backward);
        backward = earlier;
    }
    assert_eq!(n, 1, "walking back ends on the first page");
    (forward, backward)
}

#[tokio::test]
async fn pages_after_and_before_a_row_walk_every_sort_once_in_order() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let center = register_center(&app, &crew.operator, "瑞安智能装备概念验证中心", &["smart_equipment", "new_energy"], Some(300)).await;
    app.add_user("res", Role::Researcher, app.lucheng_univ).await;
    let res = app.token("res").await;
    for i in 0..30 {
        app.post_expect(&res, "/api/v1/results", &intake(center, i), StatusCode::CREATED).await;
    }
    let chief = &crew.chief;
    let everything = app.get_ok(chief, "/api/v1/results?per_page=200").await;
    assert_eq!((everything["total"].as_i64(), everything["total_exact"].as_bool()), (Some(30), Some(true)), "the whole library is tallied");
    for (query, key) in [("sort=submitted_on", "submitted_on"), ("sort=title&dir=desc", "title"), ("sort=trl", "trl"), ("sort=field&dir=desc", "field")] {
        let (forward, backward) = walk(&app, chief, query).await;
        // The same rows as one page holding them all, in the same order.
        let all = app.get_ok(chief, &format!("/api/v1/results?per_page=200&{query}")).await;
        assert_eq!(forward, ids(&all), "{query}: forward walk");
        assert_eq!(backward, forward, "{query}: backward walk");
        // And that order is the sort asked for, ties broken by id.
        let rows = all["items"].as_array().unwrap();
        let desc = query.contains("desc");
        for pair in rows.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let ordered = match (a[key].as_i64(), b[key].as_i64()) {
                (Some(x), Some(y)) => (x, a["id"].as_i64()).cmp(&(y, b["id"].as_i64())),
                _ => (a[key].as_str(), a["id"].as_i64()).cmp(&(b[key].as_str(), b["id"].as_i64())),
            };
            assert_eq!(ordered, if desc { std::cmp::Ordering::Greater } else { std::cmp::Ordering::Less }, "{query}: {a} then {b}");
        }
    }
    // A page typed by number alone is the same page as the one reached by walking.
    let third = app.get_ok(chief, "/api/v1/results?per_page=7&page=3&sort=trl").await;
    let (walked, _) = walk(&app, chief, "sort=trl").await;
    assert_eq!(ids(&third), walked[14..21].to_vec());
    // A cursor naming no row falls back to the page number.
    assert_eq!(ids(&app.get_ok(chief, "/api/v1/results?per_page=7&page=3&sort=trl&after=999999").await), ids(&third));

    // A keyword filter is not counted on every page: the total is what is known, labelled as such…
    let first = app.get_ok(chief, "/api/v1/results?per_page=7&q=测试成果").await;
    assert_eq!(first["total_exact"], false);
    assert_eq!(first["total"], 8, "seven rows and a next page");
    // …and counted when the reader asks.
    let counted = app.get_ok(chief, "/api/v1/results?per_page=7&q=测试成果&count=exact").await;
    assert_eq!((counted["total"].as_i64(), counted["total_exact"].as_bool()), (Some(30), Some(true)));
    // Field and state counts come from the tallies, exact.
    let field = app.get_ok(chief, "/api/v1/results?field=new_energy").await;
    assert_eq!((field["total"].as_i64(), field["total_exact"].as_bool()), (Some(10), Some(true)));

    // The page shows the same: the lower bound labelled, a link to count, links that carry the row.
    let html = app.get(chief, "/results?q=测试成果&per_page=7").await.text().await.unwrap();
    assert!(html.contains("至少 8 条") && html.contains("统计总数"), "{html}");
    assert!(html.contains("per_page=7&#38;page=2&#38;after="), "the next page is linked after its last row: {html}");
    let html = app.get(chief, "/results?q=测试成果&per_page=7&count=exact").await.text().await.unwrap();
    assert!(html.contains("共 30 条"), "{html}");
}

#[tokio::test]
async fn the_tallies_follow_every_write_and_the_dashboard_agrees_with_a_count() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let center = register_center(&app, &crew.operator, "瑞安智能装备概念验证中心", &["smart_equipment", "new_energy"], Some(300)).await;
    app.add_user("res", Role::Researcher, app.lucheng_univ).await;
    let res = app.token("res").await;
    let mut made = Vec::new();
    for i in 0..6 {
        made.push(app.post_expect(&res, "/api/v1/results", &intake(center, i), StatusCode::CREATED).await["id"].as_i64().unwrap());
    }
    let agree = |why: &'static str| {
        let app = &app;
        let chief = crew.chief.clone();
        async move {
            let drift = pocnet_store::tallies::drift(app.store.pool()).await.unwrap();
            assert!(drift.is_empty(), "{why}: {drift:?}");
            let d = app.get_ok(&chief, "/api/v1/dashboard").await;
            let card = |label: &str| d["cards"].as_array().unwrap().iter().find(|c| c["label"] == label).unwrap()["value"].as_i64().unwrap();
            let counted = app.get_ok(&chief, "/api/v1/results?count=exact").await["total"].as_i64().unwrap();
            assert_eq!(card("科技成果"), counted, "{why}");
            let orgs = app.get_ok(&chief, "/api/v1/organisations?count=exact").await["total"].as_i64().unwrap();
            assert_eq!(card("单位"), orgs, "{why}");
        }
    };
    agree("after intake").await;
    // A state change moves one result between tallies.
    let version = app.get_ok(&crew.operator, &format!("/api/v1/results/{}", made[0])).await["project"]["version"].as_i64().unwrap();
    app.post_expect(&crew.operator, &format!("/api/v1/results/{}/steps", made[0]), &json!({"action": "start_screening", "comments": "", "version": version}), StatusCode::OK).await;
    agree("after a step").await;
    let screening = app.get_ok(&crew.chief, "/api/v1/results?state=screening").await;
    assert_eq!((screening["total"].as_i64(), screening["total_exact"].as_bool()), (Some(1), Some(true)));
    // The owner unit moves county: the county lists follow it.
    let county_before = app.get_ok(&crew.chief, "/api/v1/results?region=乐清市").await["total"].as_i64().unwrap();
    let url = format!("/api/v1/organisations/{}", app.lucheng_univ);
    let org = app.get_ok(&crew.chief, &url).await;
    let edit = json!({"name": org["name"], "kind": org["kind"], "region": "乐清市", "version": org["version"]});
    expect_status(app.put(&crew.chief, &url, &edit).await, StatusCode::OK).await;
    agree("after the owner moved region").await;
    let county_after = app.get_ok(&crew.chief, "/api/v1/results?region=乐清市").await;
    assert_eq!(county_after["total"].as_i64(), Some(county_before + 6));
    assert_eq!(county_after["total"], app.get_ok(&crew.chief, "/api/v1/results?region=乐清市&count=exact").await["total"]);
    // A new unit and account count at once.
    app.add_org("温州测试新材料有限公司", "enterprise", "龙湾区").await;
    agree("after a new unit").await;
}
