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
    walk_list(app, token, "/api/v1/results", query).await
}

/// Every id of the list at `path` under `query`, walking forward by
/// `next_after` pages of 7, then back by `prev_before`.
async fn walk_list(app: &TestApp, token: &str, path: &str, query: &str) -> (Vec<i64>, Vec<i64>) {
    let mut forward = Vec::new();
    let mut page = app.get_ok(token, &format!("{path}?per_page=7&{query}")).await;
    let mut n = 1;
    loop {
        assert_eq!(page["page"], n, "the page number travels with the cursor");
        forward.extend(ids(&page));
        let Some(after) = page["next_after"].as_i64() else { break };
        n += 1;
        page = app.get_ok(token, &format!("{path}?per_page=7&page={n}&after={after}&{query}")).await;
    }
    let mut backward = ids(&page);
    while let Some(before) = page["prev_before"].as_i64() {
        n -= 1;
        page = app.get_ok(token, &format!("{path}?per_page=7&page={n}&before={before}&{query}")).await;
        let mut earlier = ids(&page);
        earlier.extend(backward);
        backward = earlier;
    }
    assert_eq!(n, 1, "walking back ends on the first page");
    (forward, backward)
}

/// Whether the rows of a list are in the order of `key` (`desc` or not), ties broken by id.
fn in_order(rows: &[Value], key: &str, desc: bool) -> Result<(), String> {
    for pair in rows.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let ordered = match (a[key].as_i64(), b[key].as_i64()) {
            (Some(x), Some(y)) => (x, a["id"].as_i64()).cmp(&(y, b["id"].as_i64())),
            _ => (a[key].as_str(), a["id"].as_i64()).cmp(&(b[key].as_str(), b["id"].as_i64())),
        };
        if ordered != if desc { std::cmp::Ordering::Greater } else { std::cmp::Ordering::Less } {
            return Err(format!("{key}: {a} then {b}"));
        }
    }
    Ok(())
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
        in_order(all["items"].as_array().unwrap(), key, query.contains("desc")).unwrap_or_else(|e| panic!("{query}: {e}"));
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

#[tokio::test]
async fn the_account_and_unit_lists_walk_every_sort_once_in_order() {
    let app = spawn_workflow_app().await;
    let chief = app.token("chief").await;
    // Units through the API, accounts with names and roles that repeat, so the id breaks ties.
    for i in 0..12 {
        let kind = ["enterprise", "university", "research_institute"][i % 3];
        let region = ["瑞安市", "鹿城区", "乐清市"][i % 3];
        let body = json!({"name": format!("列表测试单位{:02}", i), "kind": kind, "region": region});
        let org = app.post_expect(&chief, "/api/v1/organisations", &body, StatusCode::CREATED).await["id"].as_i64().unwrap();
        let role = [Role::Researcher, Role::Expert, Role::Investor][i % 3];
        app.add_user(&format!("walker{i:02}"), role, org).await;
    }
    let all_units = app.get_ok(&chief, "/api/v1/organisations?per_page=200").await;
    assert_eq!(all_units["total_exact"], true, "every unit is tallied");
    assert_eq!(all_units["total"].as_u64(), Some(all_units["items"].as_array().unwrap().len() as u64));
    for (query, key) in [("sort=name", "name"), ("sort=kind&dir=desc", "kind"), ("sort=region", "region"), ("sort=created_at&dir=desc", "created_at"), ("region=瑞安市", "name"), ("q=列表测试", "name")] {
        let (forward, backward) = walk_list(&app, &chief, "/api/v1/organisations", query).await;
        let all = app.get_ok(&chief, &format!("/api/v1/organisations?per_page=200&{query}")).await;
        assert_eq!(forward, ids(&all), "units {query}: forward walk");
        assert_eq!(backward, forward, "units {query}: backward walk");
        in_order(all["items"].as_array().unwrap(), key, query.contains("desc")).unwrap_or_else(|e| panic!("units {query}: {e}"));
    }
    let ruian = app.get_ok(&chief, "/api/v1/organisations?per_page=2&region=瑞安市").await;
    assert_eq!(ruian["total_exact"], true, "one region's units are counted");
    for (query, key) in [("sort=username", "username"), ("sort=display_name&dir=desc", "display_name"), ("sort=role", "role"), ("role=expert", "username"), ("sort=created_at", "created_at")] {
        let (forward, backward) = walk_list(&app, &chief, "/api/v1/users", query).await;
        let all = app.get_ok(&chief, &format!("/api/v1/users?per_page=200&{query}")).await;
        assert_eq!(forward, ids(&all), "accounts {query}: forward walk");
        assert_eq!(backward, forward, "accounts {query}: backward walk");
        in_order(all["items"].as_array().unwrap(), key, query.contains("desc")).unwrap_or_else(|e| panic!("accounts {query}: {e}"));
    }
    // Accounts are not counted on every page: a lower bound, counted on request.
    let first = app.get_ok(&chief, "/api/v1/users?per_page=7").await;
    assert_eq!((first["total"].as_i64(), first["total_exact"].as_bool()), (Some(8), Some(false)));
    let counted = app.get_ok(&chief, "/api/v1/users?per_page=7&count=exact").await;
    assert_eq!(counted["total_exact"], true);
    assert_eq!(counted["total"].as_u64(), Some(app.get_ok(&chief, "/api/v1/users?per_page=200").await["items"].as_array().unwrap().len() as u64));
    let html = app.get(&chief, "/admin/users?per_page=7").await.text().await.unwrap();
    assert!(html.contains("至少 8 条") && html.contains("统计总数"), "{html}");
}

/// The plan steps of `sql` as the database would run it (its placeholders unbound, a generic plan).
async fn plan(store: &pocnet_store::Store, sql: &str) -> Vec<String> {
    use sqlx::Row;
    let mut conn = store.pool().acquire().await.unwrap();
    if store.backend() == pocnet_store::Backend::Sqlite {
        let rows = sqlx::query(&format!("EXPLAIN QUERY PLAN {sql}")).fetch_all(&mut *conn).await.unwrap();
        return rows.iter().map(|r| r.get::<String, _>(3)).collect();
    }
    // PostgreSQL: the generic plan of the prepared statement, with sequential scans
    // discouraged so that one shows only where no index can serve the query at all.
    let params = (1..=20).rev().find(|n| sql.contains(&format!("${n}"))).unwrap_or(0);
    let nulls = vec!["NULL"; params].join(", ");
    let script = format!(
        "SET plan_cache_mode = force_generic_plan; SET enable_seqscan = off; PREPARE planned AS {sql}; "
    );
    sqlx::raw_sql(&script).execute(&mut *conn).await.unwrap();
    let execute = if params == 0 { "EXPLAIN EXECUTE planned".to_owned() } else { format!("EXPLAIN EXECUTE planned({nulls})") };
    let rows = sqlx::raw_sql(&execute).fetch_all(&mut *conn).await.unwrap();
    sqlx::raw_sql("DEALLOCATE planned; RESET enable_seqscan; RESET plan_cache_mode").execute(&mut *conn).await.unwrap();
    rows.iter().map(|r| r.get::<String, _>(0)).collect()
}

/// Whether a plan reads a whole big table: a table scan, or a walk of a whole index followed by a sort of what it found.
/// (A list ordered by id walks the table itself in order and stops after a page.)
fn full_scan(store: &pocnet_store::Store, sql: &str, steps: &[String]) -> Option<String> {
    const BIG: [&str; 7] = ["research_results", "experts", "centers", "audit_events", "users", "organisations", "early_concepts"];
    if store.backend() == pocnet_store::Backend::Sqlite {
        // Aliases as the list statements write them: r, e, c, a, u, o, k (early concepts).
        let in_id_order = |alias: &str| sql.contains(&format!("ORDER BY {alias}.id "));
        let table_scan = steps.iter().find(|s| {
            ["r", "e", "c", "a", "u", "o", "k"].iter().any(|a| s.as_str() == format!("SCAN {a}") && !in_id_order(a))
        });
        let walk_then_sort = steps.iter().any(|s| s.starts_with("SCAN ")) && steps.iter().any(|s| s.contains("TEMP B-TREE FOR ORDER BY"));
        table_scan.cloned().or_else(|| walk_then_sort.then(|| steps.join(" / ")))
    } else {
        steps.iter().find(|s| BIG.iter().any(|t| s.contains(&format!("Seq Scan on {t}")))).cloned()
    }
}

#[tokio::test]
async fn no_list_reads_a_whole_big_table() {
    use pocnet_demo::synthetic;
    use pocnet_domain::expert::ExpertKind;
    use pocnet_domain::region::Region;
    use pocnet_domain::research_result::ResultState;
    use pocnet_store::audit::AuditFilter;
    use pocnet_store::experts::ExpertFilter;
    use pocnet_store::results::{self, ResultFilter, ResultScope};
    use pocnet_store::SortDir;
    let (store, _dir) = fresh_store().await;
    let now = chrono::Utc::now();
    synthetic::generate(&store, synthetic::Spec { centers: 40, results: 3000, seed: 7 }, now, &|_, _| {}).await.unwrap();
    synthetic::experts(&store, synthetic::ExpertSpec { experts: 2000, seed: 7 }, now, &|_, _| {}).await.unwrap();
    store.analyze().await.unwrap();

    let ruian = Region::parse("瑞安市").unwrap();
    let mut statements: Vec<(String, String)> = Vec::new();
    let scopes = [ResultScope::All, ResultScope::Region(ruian), ResultScope::HostOrg(1.into()), ResultScope::OwnerOrg(1.into()), ResultScope::Verified, ResultScope::Reviewer(1.into()), ResultScope::Managed(1.into())];
    let filters = [
        ResultFilter::default(),
        ResultFilter::in_state(Some(ResultState::Verifying)),
        ResultFilter { field: Some("new_energy".into()), ..ResultFilter::default() },
        ResultFilter { region: Some(ruian), ..ResultFilter::default() },
        ResultFilter { center_id: Some(1.into()), ..ResultFilter::default() },
        ResultFilter { trl_min: Some(6), ..ResultFilter::default() },
        ResultFilter { fund_priority: true, ..ResultFilter::default() },
        ResultFilter { fund_priority: true, field: Some("new_energy".into()), ..ResultFilter::default() },
    ];
    for scope in scopes {
        for (sort, dir) in [("submitted_on", SortDir::Asc), ("submitted_on", SortDir::Desc), ("title", SortDir::Desc), ("trl", SortDir::Asc), ("state", SortDir::Asc), ("field", SortDir::Desc)] {
            for sql in results::list_statements(scope, &ResultFilter::default(), sort, dir) {
                statements.push((format!("results {scope:?} by {sort} {dir:?}"), sql));
            }
        }
        for filter in &filters {
            for sql in results::list_statements(scope, filter, "submitted_on", SortDir::Asc) {
                statements.push((format!("results {scope:?} {filter:?}"), sql));
            }
        }
    }
    for filter in [
        ExpertFilter::default(),
        ExpertFilter { kind: Some(ExpertKind::Industry), ..ExpertFilter::default() },
        ExpertFilter { field: Some("new_energy".into()), ..ExpertFilter::default() },
        ExpertFilter { available_only: true, ..ExpertFilter::default() },
    ] {
        for sql in pocnet_store::experts::list_statements(&filter) {
            statements.push((format!("experts {filter:?}"), sql));
        }
    }
    for filter in [
        AuditFilter::default(),
        AuditFilter { entity_type: Some("result".into()), entity_id: Some("1".into()), actor_id: None },
        AuditFilter { actor_id: Some(1.into()), ..AuditFilter::default() },
    ] {
        for sql in pocnet_store::audit::list_statements(&filter) {
            statements.push((format!("audit {filter:?}"), sql));
        }
    }
    // Demands and matches (issue 15): every filter and scope on its own index.
    {
        use pocnet_domain::matching::{DemandState, MatchStage};
        use pocnet_store::matching::demands::{self, DemandFilter};
        use pocnet_store::matching::matches::{self, MatchFilter, MatchScope};
        for filter in [
            DemandFilter::default(),
            DemandFilter { hide_withdrawn: true, ..DemandFilter::default() },
            DemandFilter { state: Some(DemandState::Listed), ..DemandFilter::default() },
            DemandFilter { field: Some("new_energy".into()), hide_withdrawn: true, ..DemandFilter::default() },
            DemandFilter { region: Some(ruian), ..DemandFilter::default() },
            DemandFilter { org_id: Some(1.into()), ..DemandFilter::default() },
        ] {
            for (sort, dir) in [("created_at", SortDir::Desc), ("deadline", SortDir::Asc)] {
                let narrowed = filter.state.is_some() || filter.field.is_some() || filter.region.is_some() || filter.org_id.is_some();
                if narrowed && sort != "created_at" {
                    continue;
                }
                for sql in demands::list_statements(&filter, sort, dir) {
                    statements.push((format!("demands {filter:?} by {sort}"), sql));
                }
            }
        }
        for scope in [MatchScope::All, MatchScope::Region(ruian), MatchScope::Org(1.into())] {
            for filter in [MatchFilter::default(), MatchFilter { docking: true, ..MatchFilter::default() }, MatchFilter { stage: Some(MatchStage::Landed), ..MatchFilter::default() }] {
                for sql in matches::list_statements(scope, &filter, SortDir::Desc) {
                    statements.push((format!("matches {scope:?} {filter:?}"), sql));
                }
            }
        }
    }
    // Shared resources, requests and supporting policies (issue 15): each filter and scope on its own index.
    {
        use pocnet_domain::sharing::{OfferKind, Qualification, RequestState};
        use pocnet_store::centers::CenterScope;
        use pocnet_store::sharing::offers::{self, OfferFilter};
        use pocnet_store::sharing::requests::{self, RequestFilter};
        for scope in [CenterScope::All, CenterScope::Public, CenterScope::PublicAndRegion(ruian), CenterScope::PublicAndHost(1.into())] {
            for filter in [
                OfferFilter { scope, ..OfferFilter::public() },
                OfferFilter { scope, kind: Some(OfferKind::Capability), ..OfferFilter::public() },
                OfferFilter { scope, field: Some("new_energy".into()), ..OfferFilter::public() },
                OfferFilter { scope, center_id: Some(1.into()), ..OfferFilter::public() },
                OfferFilter { scope, region: Some(ruian), qualification: Some(Qualification::Cma), ..OfferFilter::public() },
                OfferFilter { scope, center_kind: Some(pocnet_domain::center::CenterKind::PilotPlatform), ..OfferFilter::public() },
            ] {
                for (sort, dir) in [("updated_at", SortDir::Desc), ("name", SortDir::Asc)] {
                    for sql in offers::list_statements(&filter, sort, dir) {
                        statements.push((format!("offers {filter:?} by {sort}"), sql));
                    }
                }
            }
        }
        for filter in [
            RequestFilter::default(),
            RequestFilter { requester: Some(1.into()), ..RequestFilter::default() },
            RequestFilter { centers: vec![1.into(), 2.into()], ..RequestFilter::default() },
            RequestFilter { requester: Some(1.into()), centers: vec![1.into()], either_side: true, ..RequestFilter::default() },
            RequestFilter { state: Some(RequestState::Requested), ..RequestFilter::default() },
            RequestFilter { offer_id: Some(1.into()), ..RequestFilter::default() },
        ] {
            for sql in requests::list_statements(&filter, SortDir::Desc) {
                statements.push((format!("requests {filter:?}"), sql));
            }
        }
        for state in [None, Some(pocnet_domain::sharing::PolicyItemState::Active)] {
            for sql in pocnet_store::sharing::policies::list_statements(state) {
                statements.push((format!("policies {state:?}"), sql));
            }
        }
    }
    // Innovation vouchers (issue 17): quotas and uses by scheme, state, enterprise and provider.
    {
        use pocnet_domain::finance::voucher::{QuotaState, UseState};
        use pocnet_store::finance::vouchers::{quotas_statements, uses_statements, QuotaFilter, UseFilter};
        for filter in [
            QuotaFilter::default(),
            QuotaFilter { scheme: Some(1.into()), ..QuotaFilter::default() },
            QuotaFilter { scheme: Some(1.into()), state: Some(QuotaState::Applied), ..QuotaFilter::default() },
            QuotaFilter { org: Some(1.into()), ..QuotaFilter::default() },
        ] {
            for sql in quotas_statements(&filter) {
                statements.push((format!("voucher quotas {filter:?}"), sql));
            }
        }
        for filter in [
            UseFilter::default(),
            UseFilter { scheme: Some(1.into()), ..UseFilter::default() },
            UseFilter { state: Some(UseState::Redeeming), ..UseFilter::default() },
            UseFilter { scheme: Some(1.into()), state: Some(UseState::Redeeming), ..UseFilter::default() },
            UseFilter { org: Some(1.into()), ..UseFilter::default() },
            UseFilter { centers: vec![1.into(), 2.into()], ..UseFilter::default() },
        ] {
            for sql in uses_statements(&filter) {
                statements.push((format!("voucher uses {filter:?}"), sql));
            }
        }
    }
    // Roadshows (coming and past, one organiser's) and investors' interests by each party (issue 17).
    {
        use pocnet_domain::finance::investment::InterestState;
        use pocnet_store::finance::interests::{list_statements as interest_statements, InterestFilter};
        use pocnet_store::finance::roadshows::{list_statements as roadshow_statements, RoadshowFilter};
        let day = chrono::NaiveDate::from_ymd_opt(2026, 6, 1);
        for filter in [
            RoadshowFilter { from: day, ..RoadshowFilter::default() },
            RoadshowFilter { before: day, ..RoadshowFilter::default() },
            RoadshowFilter { from: day, organiser: Some(1.into()), ..RoadshowFilter::default() },
        ] {
            for sql in roadshow_statements(&filter) {
                statements.push((format!("roadshows {filter:?}"), sql));
            }
        }
        for filter in [
            InterestFilter::default(),
            InterestFilter { state: Some(InterestState::Expressed), ..InterestFilter::default() },
            InterestFilter { investor: Some(1.into()), ..InterestFilter::default() },
            InterestFilter { owner: Some(1.into()), ..InterestFilter::default() },
            InterestFilter { centers: vec![1.into(), 2.into()], ..InterestFilter::default() },
            InterestFilter { result: Some(1.into()), centers: vec![1.into()], ..InterestFilter::default() },
        ] {
            for sql in interest_statements(&filter) {
                statements.push((format!("interests {filter:?}"), sql));
            }
        }
    }
    // Subsidies and rewards by year, state and an operator's centers (issue 17).
    {
        use pocnet_domain::finance::grant::GrantState;
        use pocnet_store::finance::grants::{list_statements, GrantFilter};
        for filter in [
            GrantFilter::default(),
            GrantFilter { year: Some(2026), ..GrantFilter::default() },
            GrantFilter { state: Some(GrantState::Proposed), ..GrantFilter::default() },
            GrantFilter { centers: vec![1.into(), 2.into()], ..GrantFilter::default() },
        ] {
            for sql in list_statements(&filter) {
                statements.push((format!("grants {filter:?}"), sql));
            }
        }
    }
    // The loans and insurance catalogue and its applications (issue 17).
    {
        use pocnet_domain::finance::product::{ProductApplicationState, ProductKind};
        use pocnet_store::finance::products::{applications_statements, list_statements, ApplicationFilter, ProductFilter};
        for filter in [ProductFilter::default(), ProductFilter { kind: Some(ProductKind::RdLoan), provider: None }, ProductFilter { kind: None, provider: Some(1.into()) }] {
            for sql in list_statements(&filter) {
                statements.push((format!("finance products {filter:?}"), sql));
            }
        }
        for filter in [
            ApplicationFilter::default(),
            ApplicationFilter { org: Some(1.into()), ..ApplicationFilter::default() },
            ApplicationFilter { product: Some(1), ..ApplicationFilter::default() },
            ApplicationFilter { product: Some(1), org: Some(1.into()), ..ApplicationFilter::default() },
            ApplicationFilter { provider: Some(1.into()), state: Some(ProductApplicationState::Applied), ..ApplicationFilter::default() },
        ] {
            for sql in applications_statements(&filter) {
                statements.push((format!("finance applications {filter:?}"), sql));
            }
        }
    }
    // Pilot projects and the booking calendars (issue 18).
    {
        use pocnet_domain::pilot::PilotState;
        use pocnet_store::pilot::projects::{list_statements, ProjectFilter};
        for filter in [
            ProjectFilter::default(),
            ProjectFilter { state: Some(PilotState::Running), ..ProjectFilter::default() },
            ProjectFilter { platforms: Some(vec![1.into(), 2.into()]), ..ProjectFilter::default() },
            ProjectFilter { platforms: Some(vec![1.into()]), state: Some(PilotState::Applied), ..ProjectFilter::default() },
            ProjectFilter { platforms: Some(vec![1.into()]), or_applicant: Some(1.into()), ..ProjectFilter::default() },
            ProjectFilter { platforms: Some(vec![]), or_applicant: Some(1.into()), state: Some(PilotState::Planning), ..ProjectFilter::default() },
            ProjectFilter { platform: Some(1.into()), state: Some(PilotState::Planning), ..ProjectFilter::default() },
            ProjectFilter { applicant: Some(1.into()), ..ProjectFilter::default() },
            ProjectFilter { q: Some("电池".into()), ..ProjectFilter::default() },
        ] {
            for sql in list_statements(&filter) {
                statements.push((format!("pilot projects {filter:?}"), sql));
            }
        }
        for sql in pocnet_store::pilot::bookings::calendar_statements() {
            statements.push(("booking calendar".into(), sql));
        }
    }
    // Early concepts, batch reviews and the public seed list (issue 18, 004 三(二)).
    {
        use pocnet_domain::seeds::{BatchState, ConceptState};
        use pocnet_store::seeds::batches::{list_statements as batch_statements, BatchFilter};
        use pocnet_store::seeds::concepts::{list_statements, seeds_statements, ConceptFilter, SeedFilter};
        for filter in [
            ConceptFilter::default(),
            ConceptFilter { state: Some(ConceptState::Pooled), ..ConceptFilter::default() },
            ConceptFilter { centers: Some(vec![1.into(), 2.into()]), ..ConceptFilter::default() },
            ConceptFilter { centers: Some(vec![1.into()]), state: Some(ConceptState::Pooled), ..ConceptFilter::default() },
            ConceptFilter { proposer: Some(1.into()), ..ConceptFilter::default() },
            ConceptFilter { q: Some("光伏".into()), ..ConceptFilter::default() },
        ] {
            for sql in list_statements(&filter) {
                statements.push((format!("concepts {filter:?}"), sql));
            }
        }
        for filter in [
            SeedFilter::default(),
            SeedFilter { field: Some("new_energy".into()), ..SeedFilter::default() },
            SeedFilter { center: Some(1.into()), ..SeedFilter::default() },
            SeedFilter { batch: Some(1), ..SeedFilter::default() },
            SeedFilter { q: Some("光伏".into()), ..SeedFilter::default() },
        ] {
            for sql in seeds_statements(&filter) {
                statements.push((format!("seeds {filter:?}"), sql));
            }
        }
        for filter in [BatchFilter::default(), BatchFilter { state: Some(BatchState::Reviewing), ..BatchFilter::default() }, BatchFilter { centers: Some(vec![1.into()]), ..BatchFilter::default() }] {
            for sql in batch_statements(&filter) {
                statements.push((format!("seed batches {filter:?}"), sql));
            }
        }
    }
    // The key projects' list (issue 18, 004 二(二)).
    {
        use pocnet_domain::key_projects::{KeyCategory, KeyState};
        use pocnet_store::key_projects::{list_statements, KeyProjectFilter};
        for filter in [
            KeyProjectFilter::default(),
            KeyProjectFilter { state: Some(KeyState::Reserve), ..KeyProjectFilter::default() },
            KeyProjectFilter { category: Some(KeyCategory::Frontier), ..KeyProjectFilter::default() },
            KeyProjectFilter { q: Some("脑机".into()), ..KeyProjectFilter::default() },
        ] {
            for sql in list_statements(&filter) {
                statements.push((format!("key projects {filter:?}"), sql));
            }
        }
    }
    // Concept-verification competitions (issue 18, 004 四(四)).
    for state in [None, Some(pocnet_domain::competitions::CompetitionState::Open)] {
        for sql in pocnet_store::competitions::list_statements(state) {
            statements.push((format!("competitions {state:?}"), sql));
        }
    }
    // Project managers' assignments and assessments (issue 18, 004 三(三)(五)): each scope and filter.
    {
        use pocnet_domain::managers::assignment::AssignmentState;
        use pocnet_store::managers::assignments::{self, AssignmentFilter};
        use pocnet_store::managers::{assessments, ManagerScope};
        let scopes = [ManagerScope::All, ManagerScope::HostOrg(1.into()), ManagerScope::Manager(1.into())];
        for scope in scopes {
            for filter in [
                AssignmentFilter { scope, state: None, center: None, q: None },
                AssignmentFilter { scope, state: Some(AssignmentState::Active), center: None, q: None },
                AssignmentFilter { scope, state: None, center: Some(1.into()), q: None },
                AssignmentFilter { scope, state: None, center: None, q: Some("电池") },
            ] {
                for sql in assignments::list_statements(&filter) {
                    statements.push((format!("manager assignments {filter:?}"), sql));
                }
            }
        }
        for scope in scopes {
            for year in [None, Some(2026)] {
                for sql in assessments::list_statements(scope, year) {
                    statements.push((format!("manager assessments {scope:?} {year:?}"), sql));
                }
            }
        }
    }
    // Accounts (a province has an account for each of its 2×10^4 experts) and units.
    {
        use pocnet_domain::credentials::Username;
        use pocnet_store::users::{self, NewUser, UserFilter};
        let mut tx = store.write().await.unwrap();
        for i in 0..3000 {
            let role = [Role::Expert, Role::Researcher, Role::Center][i % 3];
            let new = NewUser { username: Username::parse(&format!("planned{i:04}")).unwrap(), display_name: format!("账号{}", i % 97), role, org_id: (1 + (i % 40) as i64).into(), password_hash: "$argon2id$x".into(), is_demo: false };
            users::create(&mut tx, &pocnet_store::Actor::system("test"), now, &new).await.unwrap();
        }
        tx.commit().await.unwrap();
        store.analyze().await.unwrap();
        for filter in [UserFilter::default(), UserFilter { role: Some(Role::Expert), org_id: None }, UserFilter { role: None, org_id: Some(1.into()) }] {
            for (sort, dir) in [("username", SortDir::Asc), ("display_name", SortDir::Desc), ("role", SortDir::Asc), ("created_at", SortDir::Desc)] {
                if (filter.role.is_some() || filter.org_id.is_some()) && sort != "username" {
                    continue; // a filter reads in the default order on its own index
                }
                for sql in users::list_statements(&filter, sort, dir) {
                    statements.push((format!("users {filter:?} by {sort}"), sql));
                }
            }
        }
        use pocnet_store::orgs::{self, OrgFilter};
        for filter in [OrgFilter::default(), OrgFilter { region: Some(ruian), ..OrgFilter::default() }, OrgFilter { kind: Some(pocnet_domain::org::OrgKind::University), ..OrgFilter::default() }] {
            for (sort, dir) in [("name", SortDir::Asc), ("kind", SortDir::Desc), ("region", SortDir::Asc), ("created_at", SortDir::Desc)] {
                if (filter.region.is_some() || filter.kind.is_some()) && sort != "name" {
                    continue;
                }
                for sql in orgs::list_statements(&filter, sort, dir) {
                    statements.push((format!("units {filter:?} by {sort}"), sql));
                }
            }
        }
    }
    // A round's evaluations: every scope and order reads the round's rows on its indexes and each center by its key.
    {
        use pocnet_store::evaluations::{list_statements, EvaluationOrder, EvaluationScope};
        for scope in [EvaluationScope::All, EvaluationScope::Region("瑞安市".into()), EvaluationScope::Centers(vec![1.into(), 2.into()])] {
            for order in [EvaluationOrder::Center, EvaluationOrder::Total] {
                for sql in list_statements(&scope, order) {
                    statements.push((format!("evaluations {scope:?} by {order:?}"), sql));
                }
            }
        }
    }
    // Keyword filters (LIKE '%…%') read in the list's order until a page is full; issue 15's index replaces them.
    let mut failures = Vec::new();
    for (what, sql) in &statements {
        let steps = plan(&store, sql).await;
        if let Some(scan) = full_scan(&store, sql, &steps) {
            failures.push(format!("{what}: {scan}\n    {sql}\n    {steps:?}"));
        }
    }
    assert!(failures.is_empty(), "{} of {} statements read a whole big table:\n{}", failures.len(), statements.len(), failures.join("\n"));
}

#[tokio::test]
async fn a_center_is_found_by_part_of_its_name_among_those_the_caller_may_list() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let robots = register_center(&app, &crew.operator, "瑞安智能装备概念验证中心", &["smart_equipment", "new_energy"], Some(300)).await;
    let cells = register_center(&app, &crew.operator, "瑞安新能源概念验证中心", &["smart_equipment", "new_energy"], Some(300)).await;
    app.add_user("res", Role::Researcher, app.lucheng_univ).await;
    let res = app.token("res").await;
    for i in 0..5 {
        let center = if i < 3 { robots } else { cells };
        app.post_expect(&res, "/api/v1/results", &intake(center, i), StatusCode::CREATED).await;
    }
    let chief = &crew.chief;
    for text in ["智能装备", "瑞安智能装备概念验证中心"] {
        let page = app.get_ok(chief, &format!("/api/v1/results?center_name={text}")).await;
        let centers: Vec<&str> = page["items"].as_array().unwrap().iter().map(|r| r["center_name"].as_str().unwrap()).collect();
        assert_eq!(centers, vec!["瑞安智能装备概念验证中心"; 3], "{text}");
    }
    // A center id given wins over the name (a link from the center's page).
    let page = app.get_ok(chief, &format!("/api/v1/results?center={cells}&center_name=智能装备")).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
    for (text, code) in [("瑞安", "ambiguous"), ("不存在的中心", "no_match")] {
        let resp = app.get(chief, &format!("/api/v1/results?center_name={text}")).await;
        assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY, "{text}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!((body["error"]["field"].as_str(), body["error"]["code"].as_str()), (Some("center_name"), Some(code)), "{body}");
    }
    // An investor may not list a center still applying: its name finds nothing (and says nothing of it).
    app.add_user("inv", Role::Investor, app.lucheng_univ).await;
    let inv = app.token("inv").await;
    let resp = app.get(&inv, "/api/v1/results?center_name=智能装备").await;
    let body: Value = resp.json().await.unwrap();
    assert_eq!(body["error"]["code"], "no_match", "{body}");
    // The page keeps the name across pages and sorts.
    let html = app.get(chief, "/results?center_name=智能装备").await.text().await.unwrap();
    assert!(html.contains("center_name=%E6%99%BA") || html.contains("center_name=智能装备"), "{html}");
}
