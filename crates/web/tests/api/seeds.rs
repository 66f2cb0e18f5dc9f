//! Early-result pools and seed lists over HTTP (issue 18; 004 三(二)): researchers of a university
//! and a hospital pool early concepts with a PoC platform, the platform reviews them in a batch
//! (technology and market scores, a verdict and an opinion each) and publishes the seed list; the
//! seeds enter its project library, the public reads the list without the core ideas. A concept
//! is never taken by two batches, not even when two open at once.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

struct World {
    poc_op: String,
    poc: i64,
    prof: String,
    doctor: String,
    firm: String,
    other_op: String,
    chief: String,
}

/// A PoC center on the creation list; a university's and a hospital's researchers; an
/// enterprise's account; another center's operator.
async fn world(app: &TestApp) -> World {
    let host = app.add_org("温州测试概念验证服务有限公司", "enterprise", "鹿城区").await;
    app.add_user("poc", Role::Center, host).await;
    let poc_op = app.token("poc").await;
    let poc = register_center(app, &poc_op, "温州新能源概念验证中心", &["new_energy"], Some(500)).await;
    put_on_creation_list(app, poc).await;
    let uni = app.add_org("瓯江测试大学", "university", "鹿城区").await;
    app.add_user("prof", Role::Researcher, uni).await;
    let hospital = app.add_org("温州测试医院", "hospital", "鹿城区").await;
    app.add_user("doctor", Role::Researcher, hospital).await;
    let firm = app.add_org("温州测试储能有限公司", "enterprise", "瓯海区").await;
    app.add_user("firm", Role::Researcher, firm).await;
    let other = app.add_org("瑞安测试科技服务有限公司", "enterprise", "瑞安市").await;
    app.add_user("other", Role::Center, other).await;
    World {
        poc_op,
        poc,
        prof: app.token("prof").await,
        doctor: app.token("doctor").await,
        firm: app.token("firm").await,
        other_op: app.token("other").await,
        chief: app.token("chief").await,
    }
}

fn concept(center: i64, title: &str) -> Value {
    json!({"center_id": center, "title": title, "summary": "提出一种钙钛矿与晶硅叠层的柔性组件结构，理论效率可达三成以上。",
        "secret_summary": "界面钝化层的配方与退火工艺窗口", "field": "new_energy", "sub_field": "advanced_batteries", "team": "张伟、李娜", "trl": 2,
        "demand": "分布式光伏、建筑一体化"})
}

async fn pool(app: &TestApp, token: &str, center: i64, title: &str) -> i64 {
    app.post_expect(token, "/api/v1/concepts", &concept(center, title), StatusCode::CREATED).await["concept"]["id"].as_i64().unwrap()
}

async fn todo(app: &TestApp, token: &str, kind: &str) -> i64 {
    let list = app.get_ok(token, "/api/v1/me/todo").await;
    list["items"].as_array().unwrap().iter().find(|i| i["kind"] == kind).and_then(|i| i["count"].as_i64()).unwrap_or_else(|| panic!("no {kind} in {list}"))
}

fn batch_body(center: i64, app: &TestApp) -> Value {
    json!({"center_id": center, "title": "2026年第一季度种子论证", "review_on": (app.today() + chrono::Duration::days(7)).to_string(), "panel": "王教授、李总工、赵合伙人"})
}

#[tokio::test]
async fn a_platform_reviews_a_batch_of_early_concepts_and_publishes_the_seed_list() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;

    // Only universities', institutes' and hospitals' researchers keep a pool; bad input names
    // every field; a concept past level 3 is no longer early; nothing is stored on refusal.
    expect_error(app.post(&w.firm, "/api/v1/concepts", &concept(w.poc, "储能概念")).await, StatusCode::UNPROCESSABLE_ENTITY, "not_a_pool_unit").await;
    let e = expect_error(app.post(&w.prof, "/api/v1/concepts", &json!({"title": "光", "summary": "短", "field": "alchemy"})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    let fields: Vec<&str> = e["error"]["errors"].as_array().unwrap().iter().filter_map(|x| x["field"].as_str()).collect();
    assert!(["center_id", "title", "summary", "field", "trl"].iter().all(|f| fields.contains(f)), "{e}");
    let mut late = concept(w.poc, "叠层光伏组件样机");
    late["trl"] = json!(5);
    let e = expect_error(app.post(&w.prof, "/api/v1/concepts", &late).await, StatusCode::UNPROCESSABLE_ENTITY, "not_early").await;
    assert_eq!(e["error"]["errors"].as_array().unwrap().len(), 1, "only the level is wrong: {e}");
    assert_eq!(app.count("early_concepts").await, 0);

    let a = pool(&app, &w.prof, w.poc, "柔性叠层光伏概念").await;
    let b = pool(&app, &w.prof, w.poc, "钠离子固态电解质概念").await;
    let c = pool(&app, &w.doctor, w.poc, "可穿戴心电能量采集概念").await;
    // The proposer takes one back while it waits.
    let v = app.get_ok(&w.prof, &format!("/api/v1/concepts/{b}")).await;
    assert_eq!(v["may_withdraw"], true);
    let v = app.post_expect(&w.prof, &format!("/api/v1/concepts/{b}/withdraw"), &json!({"version": v["concept"]["version"]}), StatusCode::OK).await;
    assert_eq!(v["concept"]["state"], "withdrawn");

    // Who reads a concept: its proposer, the platform and the bureau; the core idea with it.
    let seen = app.get_ok(&w.poc_op, &format!("/api/v1/concepts/{a}")).await;
    assert_eq!(seen["secrets"]["secret_summary"], "界面钝化层的配方与退火工艺窗口");
    assert_eq!(seen["secrets"]["team"], "张伟、李娜");
    app.get_ok(&w.chief, &format!("/api/v1/concepts/{a}")).await;
    for t in [&w.other_op, &w.doctor, &w.firm] {
        expect_error(app.get(t, &format!("/api/v1/concepts/{a}")).await, StatusCode::NOT_FOUND, "not_found").await;
    }
    let mine = app.get_ok(&w.prof, "/api/v1/concepts").await;
    assert_eq!(mine["items"].as_array().unwrap().len(), 2, "the proposer's own: {mine}");
    assert!(mine["items"][0].get("secret_summary").is_none(), "lists carry no core idea");
    assert_eq!(app.get_ok(&w.other_op, "/api/v1/concepts").await["items"].as_array().unwrap().len(), 0);
    assert_eq!(app.get_ok(&w.poc_op, "/api/v1/concepts?state=pooled").await["items"].as_array().unwrap().len(), 2);
    assert_eq!(todo(&app, &w.poc_op, "concepts_to_batch").await, 2);

    // Opening a batch: only the platform's own operators; every field checked.
    expect_error(app.post(&w.other_op, "/api/v1/seed-batches", &batch_body(w.poc, &app)).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.post(&w.prof, "/api/v1/seed-batches", &batch_body(w.poc, &app)).await, StatusCode::FORBIDDEN, "forbidden").await;
    let e = expect_error(app.post(&w.poc_op, "/api/v1/seed-batches", &json!({"center_id": w.poc, "title": "", "review_on": "2030-01-01", "panel": ""})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    let fields: Vec<&str> = e["error"]["errors"].as_array().unwrap().iter().filter_map(|x| x["field"].as_str()).collect();
    assert!(["title", "review_on", "panel"].iter().all(|f| fields.contains(f)), "{e}");
    assert_eq!(app.count("seed_batches").await, 0);
    let v = app.post_expect(&w.poc_op, "/api/v1/seed-batches", &batch_body(w.poc, &app), StatusCode::CREATED).await;
    let batch = v["batch"]["id"].as_i64().unwrap();
    assert_eq!(v["batch"]["concepts_total"], 2);
    assert_eq!(v["concepts"].as_array().unwrap().iter().map(|k| k["id"].as_i64().unwrap()).collect::<Vec<_>>(), vec![a, c], "the pool's waiting concepts, oldest first");
    assert_eq!(v["may_publish"], false);
    expect_error(app.post(&w.poc_op, "/api/v1/seed-batches", &batch_body(w.poc, &app)).await, StatusCode::UNPROCESSABLE_ENTITY, "pool_empty").await;
    let v_a = app.get_ok(&w.prof, &format!("/api/v1/concepts/{a}")).await;
    assert_eq!(v_a["concept"]["state"], "batched");
    expect_error(app.post(&w.prof, &format!("/api/v1/concepts/{a}/withdraw"), &json!({"version": v_a["concept"]["version"]})).await, StatusCode::CONFLICT, "illegal_transition").await;
    assert_eq!(todo(&app, &w.poc_op, "concepts_to_batch").await, 0);
    assert_eq!(todo(&app, &w.poc_op, "seed_batches_to_publish").await, 1);
    expect_error(app.get(&w.other_op, &format!("/api/v1/seed-batches/{batch}")).await, StatusCode::NOT_FOUND, "not_found").await;
    expect_error(app.get(&w.prof, "/api/v1/seed-batches").await, StatusCode::FORBIDDEN, "forbidden").await;

    // Assessments: rows named on error, nothing kept then; a stale version refused; publishing
    // waits for every concept.
    let version = v["batch"]["version"].as_i64().unwrap();
    let bad = json!({"version": version, "assessments": [{"concept_id": a, "tech_score": 85, "market_score": 70, "verdict": "seed", "opinion": "技术路线清晰，市场空间大"},
        {"concept_id": c, "tech_score": 120, "market_score": 40, "verdict": "maybe", "opinion": ""}]});
    let e = expect_error(app.put(&w.poc_op, &format!("/api/v1/seed-batches/{batch}/assessments"), &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    let fields: Vec<&str> = e["error"]["errors"].as_array().unwrap().iter().filter_map(|x| x["field"].as_str()).collect();
    assert_eq!(fields, vec!["assessments[1].tech_score", "assessments[1].verdict", "assessments[1].opinion"], "{e}");
    assert_eq!(app.count_where("early_concepts", "verdict IS NOT NULL").await, 0);
    let first = json!({"version": version, "assessments": [{"concept_id": a, "tech_score": 85, "market_score": 70, "verdict": "seed", "opinion": "技术路线清晰，市场空间大"}]});
    let v = expect_status(app.put(&w.poc_op, &format!("/api/v1/seed-batches/{batch}/assessments"), &first).await, StatusCode::OK).await;
    assert_eq!(v["batch"]["concepts_assessed"], 1);
    expect_error(app.put(&w.poc_op, &format!("/api/v1/seed-batches/{batch}/assessments"), &first).await, StatusCode::CONFLICT, "version_conflict").await;
    let version = v["batch"]["version"].as_i64().unwrap();
    let e = expect_error(app.post(&w.poc_op, &format!("/api/v1/seed-batches/{batch}/publish"), &json!({"version": version})).await, StatusCode::CONFLICT, "not_publishable").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("还有1个概念"), "{e}");
    let rest = json!({"version": version, "assessments": [{"concept_id": c, "tech_score": 55, "market_score": 40, "verdict": "not_selected", "opinion": "应用场景尚不明确"}]});
    let v = expect_status(app.put(&w.poc_op, &format!("/api/v1/seed-batches/{batch}/assessments"), &rest).await, StatusCode::OK).await;
    assert_eq!(v["may_publish"], true);
    let results_before = app.count("research_results").await;
    let v = app.post_expect(&w.poc_op, &format!("/api/v1/seed-batches/{batch}/publish"), &json!({"version": v["batch"]["version"]}), StatusCode::OK).await;
    assert_eq!(v["batch"]["state"], "published");
    assert_eq!(v["batch"]["seeds"], 1);
    assert_eq!(todo(&app, &w.poc_op, "seed_batches_to_publish").await, 0);
    expect_error(app.put(&w.poc_op, &format!("/api/v1/seed-batches/{batch}/assessments"), &rest).await, StatusCode::CONFLICT, "illegal_transition").await;

    // The seed entered the platform's library as a result submitted for intake, owned by the
    // university; the proposer reads it there.
    assert_eq!(app.count("research_results").await, results_before + 1);
    let seed = app.get_ok(&w.prof, &format!("/api/v1/concepts/{a}")).await;
    assert_eq!(seed["concept"]["state"], "seeded");
    let rid = seed["concept"]["result_id"].as_i64().expect("linked to its library entry");
    let r = app.get_ok(&w.prof, &format!("/api/v1/results/{rid}")).await;
    assert_eq!(r["project"]["state"], "submitted", "{r}");
    assert_eq!(r["project"]["source"], "university");
    assert_eq!(r["project"]["trl"], 2);
    let library = app.get_ok(&w.poc_op, "/api/v1/results?state=submitted").await;
    assert!(library["items"].as_array().unwrap().iter().any(|x| x["id"] == rid), "{library}");
    assert_eq!(app.get_ok(&w.doctor, &format!("/api/v1/concepts/{c}")).await["concept"]["state"], "not_selected");

    // The public seed list: the seed only, without core idea, team, scores or opinion.
    let list = expect_status(app.get_anon("/api/v1/seeds").await, StatusCode::OK).await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{list}");
    assert_eq!(items[0]["title"], "柔性叠层光伏概念");
    assert_eq!(items[0]["org_name"], "瓯江测试大学");
    let text = list.to_string();
    for secret in ["界面钝化层", "张伟", "技术路线清晰", "tech_score", "opinion"] {
        assert!(!text.contains(secret), "the public list leaks {secret}: {text}");
    }
    assert_eq!(expect_status(app.get_anon("/api/v1/seeds?q=心电").await, StatusCode::OK).await["items"].as_array().unwrap().len(), 0);
    assert_eq!(expect_status(app.get_anon(&format!("/api/v1/seeds?field=new_energy&center_id={}", w.poc)).await, StatusCode::OK).await["items"].as_array().unwrap().len(), 1);
    expect_error(app.get_anon("/api/v1/seeds?field=alchemy").await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    let x = app.get_anon("/api/v1/seeds/export.xlsx").await;
    assert_eq!(x.status(), StatusCode::OK);
    assert!(x.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));
    let bytes = x.bytes().await.unwrap();
    assert!(bytes.starts_with(b"PK"), "an xlsx workbook");
}

#[tokio::test]
async fn two_batches_opened_at_once_never_take_a_concept_twice() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    for i in 0..5 {
        pool(&app, if i % 2 == 0 { &w.prof } else { &w.doctor }, w.poc, &format!("早期概念{i}")).await;
    }
    let body = batch_body(w.poc, &app);
    let tries = (0..4).map(|_| app.post(&w.poc_op, "/api/v1/seed-batches", &body));
    let answers = futures::future::join_all(tries).await;
    let mut opened = 0;
    for resp in answers {
        match resp.status() {
            StatusCode::CREATED => opened += 1,
            StatusCode::UNPROCESSABLE_ENTITY => {
                let e: Value = resp.json().await.unwrap();
                assert_eq!(e["error"]["code"], "pool_empty", "{e}");
            }
            s => panic!("unexpected {s}: {}", resp.text().await.unwrap()),
        }
    }
    assert!(opened >= 1);
    assert_eq!(app.count_where("early_concepts", "state = 'batched'").await, 5, "every concept in a batch");
    let taken: i64 = sqlx_sum(&app).await;
    assert_eq!(taken, 5, "no concept counted by two batches");
    assert_eq!(app.count("seed_batches").await, opened, "a batch that took nothing is not kept");
}

async fn sqlx_sum(app: &TestApp) -> i64 {
    let list = app.get_ok(&app.token("poc").await, "/api/v1/seed-batches").await;
    list["items"].as_array().unwrap().iter().map(|b| b["concepts_total"].as_i64().unwrap()).sum()
}

#[tokio::test]
async fn the_seed_pages_take_each_step_through_their_forms() {
    let app = spawn_workflow_app().await;
    let w = world(&app).await;
    let (prof, _, prof_csrf) = app.login("prof").await;
    let page = prof.get(app.url("/concepts")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("pool-form") && page.contains("温州新能源概念验证中心"), "{page}");
    let poc = w.poc.to_string();
    let form = |title: &'static str, trl: &'static str| {
        vec![("csrf_token", prof_csrf.clone()), ("center_id", poc.clone()), ("title", title.into()), ("summary", "提出一种钙钛矿与晶硅叠层的柔性组件结构，理论效率高。".into()),
            ("secret_summary", "钝化层配方".into()), ("field_sub", "new_energy/advanced_batteries".into()), ("team", "张伟".into()), ("trl", trl.into()), ("demand", "建筑光伏".into())]
    };
    let resp = prof.post(app.url("/concepts")).form(&form("柔性叠层光伏概念", "4")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = resp.text().await.unwrap();
    assert!(page.contains("form-error") && page.contains("早期概念的技术就绪度为1至3级") && page.contains("柔性叠层光伏概念"), "the refusal names the rule and keeps the input: {page}");
    let resp = prof.post(app.url("/concepts")).form(&form("柔性叠层光伏概念", "2")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = resp.headers()["location"].to_str().unwrap().to_owned();
    let page = prof.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("待论证") && page.contains("钝化层配方") && page.contains("data-testid=\"withdraw\""), "{page}");

    let (op, _, op_csrf) = app.login("poc").await;
    let page = op.get(app.url("/todo")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("早期成果池中待批量论证的概念"), "{page}");
    let page = op.get(app.url("/concepts?state=pooled")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("open-batch-form") && page.contains("柔性叠层光伏概念"), "{page}");
    let day = (app.today() + chrono::Duration::days(3)).to_string();
    let resp = op.post(app.url("/seed-batches")).form(&[("csrf_token", op_csrf.as_str()), ("center_id", &poc), ("title", "第一批"), ("review_on", &day), ("panel", "王教授、李总工")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = resp.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = to.rsplit('/').next().unwrap().parse().unwrap();
    let page = op.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("assess-form") && page.contains("还有1个概念未填写论证结果"), "{page}");
    let v = app.get_ok(&w.poc_op, &format!("/api/v1/seed-batches/{id}")).await;
    let kid = v["concepts"][0]["id"].as_i64().unwrap().to_string();
    let ver = v["batch"]["version"].as_i64().unwrap().to_string();
    let rows = |score: &str| {
        vec![("csrf_token", op_csrf.clone()), ("version", ver.clone()), ("concept_id", kid.clone()), ("tech_score", score.to_owned()), ("market_score", "72".into()), ("verdict", "seed".into()), ("opinion", "路线清晰".into())]
    };
    let resp = op.post(app.url(&format!("/seed-batches/{id}/assessments"))).form(&rows("一百")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("技术可行性评分须为0至100的整数"));
    let resp = op.post(app.url(&format!("/seed-batches/{id}/assessments"))).form(&rows("88")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = op.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("publish-form"), "{page}");
    let ver = app.get_ok(&w.poc_op, &format!("/api/v1/seed-batches/{id}")).await["batch"]["version"].as_i64().unwrap().to_string();
    let resp = op.post(app.url(&format!("/seed-batches/{id}/publish"))).form(&[("csrf_token", op_csrf.as_str()), ("version", &ver)]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = op.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已发布种子清单") && page.contains("1个概念入选"), "{page}");
    let public = reqwest::get(app.url("/seeds")).await.unwrap().text().await.unwrap();
    assert!(public.contains("柔性叠层光伏概念") && public.contains("瓯江测试大学") && !public.contains("钝化层配方") && !public.contains("路线清晰"), "{public}");
}
