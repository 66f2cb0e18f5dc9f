use crate::helpers::*;
use pocnet_demo as demo;
use pocnet_web::config::WebConfig;
use reqwest::StatusCode;
use serde_json::{json, Value};

async fn load(app: &TestApp) -> Option<demo::Loaded> {
    let hash = pocnet_web::auth::password::hash_blocking(demo::DEMO_PASSWORD).unwrap();
    demo::load_once(&app.store, app.clock.now_for_tests(), &hash, &|_, _| {}).await.unwrap()
}

trait Now {
    fn now_for_tests(&self) -> chrono::DateTime<chrono::Utc>;
}

impl Now for std::sync::Arc<pocnet_web::clock::ManualClock> {
    fn now_for_tests(&self) -> chrono::DateTime<chrono::Utc> {
        pocnet_web::clock::Clock::now(self.as_ref())
    }
}

async fn demo_login(app: &TestApp, user: &str) -> reqwest::Response {
    browser()
        .post(app.url("/api/v1/auth/login"))
        .json(&json!({"username": user, "password": demo::DEMO_PASSWORD}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_demo_loads_once_and_its_accounts_work_only_in_demo_mode() {
    let app = spawn_app_with(WebConfig { demo: true, ..WebConfig::default() }).await;
    let loaded = load(&app).await.expect("first load");
    assert!(loaded.centers >= 12 && loaded.experts >= 80 && loaded.results >= 150);
    assert_eq!(loaded.accounts, 9);
    assert!(load(&app).await.is_none(), "second load does nothing");
    assert_eq!(app.count("research_results").await, loaded.results as i64);
    // The pipeline behind each state: a report for every verified or handed-off
    // project, a hand-off for each handed-off one, plans for all under verification.
    let done = app.count_where("research_results", "state IN ('verified', 'handed_off')").await;
    assert!(done > 0);
    assert_eq!(app.count("verification_reports").await, done);
    assert_eq!(app.count("handoffs").await, app.count_where("research_results", "state = 'handed_off'").await);
    assert_eq!(app.count("verification_plans").await, app.count_where("research_results", "state IN ('verifying', 'verified', 'handed_off', 'stopped')").await);
    assert_eq!(app.count_where("milestones", "released_yuan > 0 AND status <> 'accepted'").await, 0, "money only for accepted milestones");
    assert!(app.count_where("panel_seats", "subject_kind = 'result' AND status = 'pending'").await > 0, "open screening tasks");

    for (user, role) in [("bureau", "bureau"), ("county", "county"), ("center", "center"), ("expert", "expert"), ("researcher", "researcher"), ("investor", "investor"), ("enterprise", "researcher"), ("platform", "center")] {
        let resp = demo_login(&app, user).await;
        assert_eq!(resp.status(), StatusCode::OK, "{user}");
        let body: Value = resp.json().await.unwrap();
        assert_eq!(body["user"]["role"], role);
    }

    // The public list holds the creation list and the recognized centers (003 五(一)5), each with its stage.
    let list: Value = reqwest::get(app.url("/api/v1/centers?per_page=200")).await.unwrap().json().await.unwrap();
    let items = list["items"].as_array().unwrap();
    assert!(!items.is_empty());
    assert!(items.iter().all(|c| ["creating", "recognized", "key_cultivation"].contains(&c["stage"].as_str().unwrap_or("")) && c["status"] == "active"));

    // Scopes: the county sees only its region; the investor only verified results; nobody sees secrets.
    let body: Value = demo_login(&app, "county").await.json().await.unwrap();
    let token = body["token"].as_str().unwrap().to_owned();
    let county: Value = reqwest::Client::new()
        .get(app.url("/api/v1/results?per_page=200"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let all: Value = {
        let body: Value = demo_login(&app, "bureau").await.json().await.unwrap();
        reqwest::Client::new()
            .get(app.url("/api/v1/results?per_page=200"))
            .bearer_auth(body["token"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    };
    assert!(county["total"].as_i64().unwrap() < all["total"].as_i64().unwrap());
    assert!(!all.to_string().contains("secret_summary"));
    let body: Value = demo_login(&app, "investor").await.json().await.unwrap();
    let inv: Value = reqwest::Client::new()
        .get(app.url("/api/v1/results?per_page=200"))
        .bearer_auth(body["token"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(inv["items"].as_array().unwrap().iter().all(|r| r["state"] == "verified" || r["state"] == "handed_off"));
}

#[tokio::test]
async fn demo_accounts_are_refused_outside_demo_mode() {
    let app = spawn_app().await; // demo: false
    load(&app).await.expect("loaded");
    expect_error(demo_login(&app, "bureau").await, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}

/// Signs a demo account in over the API; its bearer token.
async fn demo_token(app: &TestApp, user: &str) -> String {
    let body: Value = expect_status(demo_login(app, user).await, StatusCode::OK).await;
    body["token"].as_str().expect("token").to_owned()
}

/// A browser signed in as a demo account (cookie), for the pages.
async fn demo_browser(app: &TestApp, user: &str) -> reqwest::Client {
    let client = browser();
    let resp = client.post(app.url("/api/v1/auth/login")).json(&json!({"username": user, "password": demo::DEMO_PASSWORD})).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{user}");
    client
}

async fn page(client: &reqwest::Client, app: &TestApp, path: &str) -> (StatusCode, String) {
    let resp = client.get(app.url(path)).send().await.unwrap();
    (resp.status(), resp.text().await.unwrap())
}

fn items(list: &Value) -> Vec<Value> {
    list["items"].as_array().expect("items").clone()
}

fn action_codes(detail: &Value) -> Vec<String> {
    detail["actions"].as_array().expect("actions").iter().filter_map(|a| a.as_str().map(str::to_owned)).collect()
}

async fn center_id_named(app: &TestApp, token: &str, name: &str) -> i64 {
    let list = app.get_ok(token, "/api/v1/centers?per_page=200").await;
    items(&list).iter().find(|c| c["name"] == name).and_then(|c| c["id"].as_i64()).unwrap_or_else(|| panic!("center {name} in {list}"))
}

#[tokio::test]
async fn the_demo_tells_the_whole_recognition_story_and_each_login_can_walk_it() {
    let app = spawn_app_with(WebConfig { demo: true, ..WebConfig::default() }).await;
    let loaded = load(&app).await.expect("first load");
    assert_eq!(loaded.calls, 5);
    assert!(loaded.applications >= 18, "{loaded:?}");
    let bureau = demo_token(&app, "bureau").await;
    let county = demo_token(&app, "county").await;
    let center = demo_token(&app, "center").await;
    let expert = demo_token(&app, "expert").await;

    // Every recognized center holds a certificate from an approved application: its page answers 200.
    // The public list also shows centers in creation with their stage (003 五(一)5); certificates are the recognized ones'.
    let public = expect_status(app.get_anon("/api/v1/centers?per_page=200").await, StatusCode::OK).await;
    let recognized: Vec<_> =
        items(&public).into_iter().filter(|c| matches!(c["stage"].as_str(), Some("recognized" | "key_cultivation"))).collect();
    assert_eq!(recognized.len() as i64, app.count_where("centers", "stage IN ('recognized', 'key_cultivation')").await);
    assert_eq!(recognized.len(), 11, "nine PoC centers and two pilot platforms");
    let mut numbers = Vec::new();
    for c in &recognized {
        let id = c["id"].as_i64().unwrap();
        let card = expect_status(app.get_anon(&format!("/api/v1/centers/{id}")).await, StatusCode::OK).await;
        let number = card["center"]["certificate_no"].as_str().unwrap_or_else(|| panic!("certificate of {card}")).to_owned();
        assert!(number.starts_with("温州市概验认〔2025〕") || number.starts_with("浙江省中试认〔2025〕"), "{number}");
        let (status, html) = page(&browser(), &app, &format!("/centers/{id}/certificate")).await;
        assert_eq!(status, StatusCode::OK, "certificate page of {}", c["name"]);
        assert!(html.contains(&number), "{number} on its certificate page");
        assert!(card["center"]["recognized_on"].as_str().is_some_and(|d| d < "2026-03-02"), "recognized in the past: {card}");
        let history = app.get_ok(&bureau, &format!("/api/v1/centers/{id}")).await;
        let recognize = history["events"].as_array().unwrap().iter().find(|e| e["action"] == "recognize").cloned().expect("a recognize event");
        assert!(recognize["to_value"].as_str().unwrap().contains(&number), "{recognize}");
        assert_eq!(recognize["actor_label"], "bureau");
        numbers.push(number);
    }
    numbers.sort();
    numbers.dedup();
    assert_eq!(numbers.len(), 11, "certificate numbers are unique");
    // The centers' own history: the demo operator's center came through the Wenzhou call's whole chain.
    let own = app.get_ok(&center, "/api/v1/applications").await;
    let approved = items(&own).into_iter().find(|a| a["state"] == "approved").expect("the operator's approved application");
    let d = app.application(&center, approved["id"].as_i64().unwrap()).await;
    let chain: Vec<&str> = d["steps"].as_array().unwrap().iter().filter_map(|s| s["action"].as_str()).collect();
    assert_eq!(chain, ["submit", "county_approve", "propose", "publish_notice", "approve"]);
    assert_eq!(d["eligibility"]["not_met"], 0, "eligible when submitted: {d}");

    // Every application and call renders for the bureau, whoever took its steps.
    let bureau_pages = demo_browser(&app, "bureau").await;
    let all = app.get_ok(&bureau, "/api/v1/applications?per_page=50").await;
    assert_eq!(all["total"].as_u64(), Some(loaded.applications as u64));
    for a in items(&all) {
        let (status, _) = page(&bureau_pages, &app, &format!("/applications/{}", a["id"])).await;
        assert_eq!(status, StatusCode::OK, "{a}");
    }
    for c in expect_status(app.get_anon("/api/v1/calls").await, StatusCode::OK).await.as_array().unwrap() {
        let (status, _) = page(&bureau_pages, &app, &format!("/calls/{}", c["id"])).await;
        assert_eq!(status, StatusCode::OK, "{c}");
    }

    // A notice is running, open for objections, with one objection resolved and one open.
    let notices = expect_status(app.get_anon("/api/v1/notices").await, StatusCode::OK).await;
    let running = notices.as_array().unwrap().iter().find(|n| n["open_for_objections"] == true).cloned().expect("a running notice");
    assert_eq!(running["state"], "in_notice");
    assert!(notices.as_array().unwrap().iter().filter(|n| n["state"] == "approved").count() >= 11, "past notices stay listed");
    let notice_id = running["id"].as_i64().unwrap();
    let d = app.application(&bureau, notice_id).await;
    let mut statuses: Vec<&str> = d["objections"].as_array().unwrap().iter().filter_map(|o| o["status"].as_str()).collect();
    statuses.sort();
    assert_eq!(statuses, ["dismissed", "open"]);
    assert_eq!(d["application"]["notice_end"].as_str().map(|e| e >= "2026-03-02"), Some(true), "{d}");
    let (status, html) = page(&browser(), &app, &format!("/notices/{notice_id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains(running["proposed_name"].as_str().unwrap()));
    let objection = json!({"name": "李女士", "contact": "13900000000", "content": "请核实该中心专职服务人员的社保缴纳情况。"});
    expect_status(app.post_anon(&format!("/api/v1/notices/{notice_id}/objections"), &objection).await, StatusCode::CREATED).await;
    expect_error(app.step(&bureau, notice_id, "approve", "").await, StatusCode::UNPROCESSABLE_ENTITY, "notice_running").await;

    // The county login has an application of its region awaiting its review, and recommends it.
    let waiting = app.get_ok(&county, "/api/v1/applications?state=submitted").await;
    let waiting = items(&waiting);
    assert!(!waiting.is_empty(), "work for the county");
    assert!(waiting.iter().all(|a| a["region"] == "瑞安市"));
    let id = waiting[0]["id"].as_i64().unwrap();
    assert!(action_codes(&app.application(&county, id).await).contains(&"county_approve".to_owned()));
    let a = app.step_ok(&county, id, "county_approve", "材料齐全，同意推荐").await;
    assert_eq!(a["state"], "bureau_review");
    assert!(app.get_ok(&county, "/api/v1/applications").await["total"].as_i64().unwrap() >= 3, "its region's history too");

    // The expert has an invitation to declare on, then a sheet to score; screening tasks too.
    let expert_id: i64 = sqlx::query_scalar("SELECT e.id FROM experts e JOIN users u ON u.id = e.user_id WHERE u.username = 'expert'")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert!(app.count_where("panel_seats", &format!("subject_kind = 'result' AND expert_id = {expert_id} AND status = 'pending'")).await > 0);
    let mine = items(&app.get_ok(&expert, "/api/v1/applications").await);
    let mut invited = None;
    for a in &mine {
        let id = a["id"].as_i64().unwrap();
        if app.application(&expert, id).await["my_declaration"] == "pending" {
            invited = Some(id);
        }
    }
    let invited = invited.expect("a pending invitation");
    let seen = app.application(&expert, invited).await;
    assert!(seen["eligibility"].is_null(), "materials only after the pledge");
    let pledge = json!({"decision": "no_conflict", "pledge": "true"});
    app.post_expect(&expert, &format!("/api/v1/applications/{invited}/declaration"), &pledge, StatusCode::NO_CONTENT).await;
    let sheet = json!({"scores": {"conditions": 86, "team": 84, "management": 88, "plan": 85}, "comments": "验证能力与运行机制符合省级要求"});
    app.post_expect(&expert, &format!("/api/v1/applications/{invited}/scores"), &sheet, StatusCode::NO_CONTENT).await;
    assert_eq!(app.application(&expert, invited).await["my_declaration"], "no_conflict");

    // The bureau takes the scored applications to the proposed list: the one
    // scored before the visit and the one the demo expert just completed.
    let in_review = items(&app.get_ok(&bureau, "/api/v1/applications?state=bureau_review&per_page=50").await);
    let mut proposable = Vec::new();
    for a in &in_review {
        let id = a["id"].as_i64().unwrap();
        if action_codes(&app.application(&bureau, id).await).contains(&"propose".to_owned()) {
            proposable.push(id);
        }
    }
    assert!(proposable.contains(&invited) && proposable.len() >= 2, "{proposable:?}");
    for id in proposable {
        assert_eq!(app.step_ok(&bureau, id, "propose", "专家评审通过，列入拟认定名单").await["state"], "proposed");
    }

    // One center meets its profile, another lacks something — on the API and on its page.
    let demo_center = center_id_named(&app, &bureau, "温州市瓯江理工大学智能装备概念验证中心").await;
    let e = app.get_ok(&bureau, &format!("/api/v1/centers/{demo_center}/eligibility")).await;
    assert_eq!((e["profile_id"].as_str(), e["not_met"].as_i64(), e["missing_evidence"].as_i64()), (Some("wenzhou-municipal-2025"), Some(0), Some(0)), "{e}");
    let (_, html) = page(&bureau_pages, &app, &format!("/centers/{demo_center}")).await;
    assert!(html.contains("data-testid=\"eligibility-verdict\">符合申报条件"), "the verdict on the page");
    let brain = center_id_named(&app, &bureau, "温州市东瓯脑科医院脑健康概念验证中心").await;
    let e = app.get_ok(&bureau, &format!("/api/v1/centers/{brain}/eligibility")).await;
    assert_eq!(e["profile_id"], "wenzhou-municipal-2025");
    assert!(e["not_met"].as_i64().unwrap() + e["missing_evidence"].as_i64().unwrap() > 0, "{e}");
    let (_, html) = page(&bureau_pages, &app, &format!("/centers/{brain}")).await;
    assert!(html.contains("尚不符合申报条件"), "the verdict on the page");

    // The operator applies with its own center to the open provincial call; the bureau
    // (for 瓯海区, which has no demo county login) recommends it and invites the demo
    // expert: no conflict of interest with the demo center.
    let calls = expect_status(app.get_anon("/api/v1/calls").await, StatusCode::OK).await;
    let open: Vec<&Value> = calls.as_array().unwrap().iter().filter(|c| c["deadline_at"].as_str().is_some_and(|d| d > "2026-03-02")).collect();
    assert_eq!(open.len(), 2, "a Wenzhou and a provincial call are open: {calls}");
    let provincial = open.iter().find(|c| c["profile_id"] == "zhejiang-provincial-2025").and_then(|c| c["id"].as_i64()).unwrap();
    let body = json!({"call_id": provincial, "center_id": demo_center, "proposed_name": "浙江省瓯江理工大学智能装备概念验证中心"});
    let a = app.post_expect(&center, "/api/v1/applications", &body, StatusCode::CREATED).await;
    let id = a["id"].as_i64().unwrap();
    assert_eq!(app.step_ok(&center, id, "submit", "").await["state"], "submitted");
    assert_eq!(app.step_ok(&bureau, id, "county_approve", "市本级直接受理，同意推荐").await["state"], "bureau_review");
    app.post_expect(&bureau, &format!("/api/v1/applications/{id}/panel"), &json!({"expert_id": expert_id}), StatusCode::NO_CONTENT).await;
    assert_eq!(app.application(&expert, id).await["my_declaration"], "pending");

    // The annual evaluation: last year's Wenzhou and pilot-platform rounds published — one platform
    // 优秀 with its 100万 reward confirmed (001 中试 四(14)) — and both in last year's white paper.
    let pilots = expect_status(app.get_anon("/api/v1/evaluation-rounds/3/results").await, StatusCode::OK).await;
    assert_eq!(pilots["total"], 2);
    assert_eq!(pilots["items"][0]["grade_label"], "优秀");
    let paper = expect_status(app.get_anon("/api/v1/white-papers/2025").await, StatusCode::OK).await;
    let rewards = crate::white_paper::table(&paper, "动态管理2");
    assert_eq!(rewards["rows"][0][1], "绩效奖励");
    assert_eq!(rewards["rows"][0][2], "100万元");
    let cautions = crate::white_paper::table(&paper, "动态管理1");
    assert_eq!(cautions["rows"][0][1], "警示");

    // Resource sharing: the public lists, the center's request to answer (in its to-do list), each side's requests.
    let offers = expect_status(app.get_anon("/api/v1/resources?kind=capability").await, StatusCode::OK).await;
    assert!(items(&offers).len() >= 6, "{offers}");
    let pilots = expect_status(app.get_anon("/api/v1/resources?center_kind=pilot_platform").await, StatusCode::OK).await;
    assert!(items(&pilots).iter().any(|o| o["kind"] == "line"), "the pilot platforms' 服务资源目录清单 lists their lines: {pilots}");
    let todo = app.get_ok(&center, "/api/v1/me/todo").await;
    let waiting = todo["items"].as_array().unwrap().iter().find(|i| i["kind"] == "resource_requests_to_answer").map(|i| i["count"].as_i64().unwrap());
    assert_eq!(waiting, Some(1), "{todo}");
    let sent = app.get_ok(&center, "/api/v1/resource-requests?side=sent").await;
    assert_eq!(sent["items"][0]["state"], "accepted", "{sent}");
    let researcher = demo_token(&app, "researcher").await;
    let mine = app.get_ok(&researcher, "/api/v1/resource-requests").await;
    let states: Vec<String> = items(&mine).iter().map(|r| r["state"].as_str().unwrap().to_owned()).collect();
    assert!(states.iter().any(|s| s == "completed") && states.iter().any(|s| s == "requested"), "{mine}");
    let policies = expect_status(app.get_anon("/api/v1/support-policies").await, StatusCode::OK).await;
    assert_eq!(items(&policies).len(), 6);

    // Innovation vouchers: each side has its next step waiting, and the budget adds up.
    let count = |list: &Value, kind: &str| list["items"].as_array().unwrap().iter().find(|i| i["kind"] == kind).and_then(|i| i["count"].as_i64());
    let enterprise = demo_token(&app, "enterprise").await;
    assert_eq!(count(&app.get_ok(&enterprise, "/api/v1/me/todo").await, "voucher_uses_to_redeem"), Some(1));
    assert_eq!(count(&app.get_ok(&center, "/api/v1/me/todo").await, "voucher_orders_to_answer"), Some(1));
    let bureau_todo = app.get_ok(&bureau, "/api/v1/me/todo").await;
    assert_eq!((count(&bureau_todo, "voucher_quotas_to_decide"), count(&bureau_todo, "voucher_redemptions_to_pay")), (Some(1), Some(1)));
    let schemes = expect_status(app.get_anon("/api/v1/voucher-schemes").await, StatusCode::OK).await;
    let uses = app.get_ok(&bureau, &format!("/api/v1/voucher-uses?scheme_id={}&per_page=50", schemes[0]["id"])).await;
    let holding: i64 = items(&uses).iter().filter(|u| !["declined", "cancelled", "refused"].contains(&u["state"].as_str().unwrap())).map(|u| u["covered_yuan"].as_i64().unwrap()).sum();
    assert_eq!(holding, schemes[0]["reserved_yuan"].as_i64().unwrap() + schemes[0]["paid_yuan"].as_i64().unwrap(), "{schemes}");
    assert_eq!(schemes[0]["paid_yuan"], 20_000, "one use of the enterprise paid at the cap");

    // The center's returns: a transfer-income share paid in cash and a stake for its service.
    let cid = center_id_named(&app, &bureau, "温州市瓯江理工大学智能装备概念验证中心").await;
    let p = app.get_ok(&center, &format!("/api/v1/centers/{cid}/returns")).await;
    assert_eq!((p["realised_yuan"].as_i64(), p["agreements"].as_array().map(Vec::len), p["may_manage"].as_bool()), (Some(345_000), Some(3), Some(true)), "{p}");

    // Roadshows and interest: a held roadshow and two coming; the investor invested once, reads that
    // project's secrets after its pledge, and has a pledge to sign; the center has an interest to answer.
    let investor = demo_token(&app, "investor").await;
    assert_eq!(items(&app.get_ok(&investor, "/api/v1/roadshows").await).len(), 2);
    let past = app.get_ok(&investor, "/api/v1/roadshows?when=past").await;
    assert_eq!((items(&past).len(), items(&past)[0]["state"].as_str(), items(&past)[0]["attended"].as_i64()), (1, Some("held"), Some(3)), "{past}");
    assert_eq!(count(&app.get_ok(&investor, "/api/v1/me/todo").await, "interests_to_pledge"), Some(1));
    assert_eq!(count(&app.get_ok(&center, "/api/v1/me/todo").await, "center_interests_to_answer"), Some(1));
    let mine = app.get_ok(&investor, "/api/v1/interests").await;
    let invested = items(&mine).into_iter().find(|i| i["state"] == "invested").expect("an investment");
    assert_eq!(invested["invested_yuan"], 3_000_000);
    let p = app.get_ok(&investor, &format!("/api/v1/results/{}", invested["result_id"])).await;
    assert_eq!(p["project"]["standing"], "pledged_investor", "{p}");
    let waiting = items(&mine).into_iter().find(|i| i["state"] == "accepted").expect("one to pledge");
    assert_eq!(app.get_ok(&investor, &format!("/api/v1/results/{}", waiting["result_id"])).await["project"]["redacted"], true);
    let figures = app.get_ok(&bureau, "/api/v1/investment-figures").await;
    assert_eq!((figures["roadshows"].as_i64(), figures["deals"].as_i64()), (Some(3), Some(1)), "{figures}");
    assert!(!items(&app.get_ok(&investor, "/api/v1/fund/priority-projects").await).is_empty());

    // Grants from the records: the pilot platform's 优秀 reward of last year approved and paid; one waits.
    let grants = app.get_ok(&bureau, "/api/v1/grants?per_page=50").await;
    let reward = items(&grants).into_iter().find(|g| g["programme"] == "excellent_reward").expect("the 四(14) reward");
    assert_eq!((reward["approved_yuan"].as_i64(), reward["paid_yuan"].as_i64()), (Some(1_000_000), Some(1_000_000)), "{reward}");
    assert_eq!(count(&app.get_ok(&bureau, "/api/v1/me/todo").await, "grants_to_decide"), Some(1));
    // The catalogue: three products; the enterprise's loan approved.
    assert_eq!(items(&app.get_ok(&enterprise, "/api/v1/finance-products").await).len(), 3);
    let mine = app.get_ok(&enterprise, "/api/v1/finance-applications").await;
    assert_eq!((items(&mine).len(), items(&mine)[0]["approved_yuan"].as_i64()), (1, Some(1_500_000)), "{mine}");

    // Pilot projects (issue 18): every accepted hand-off is a pilot project; the `platform` login's
    // platform reported one (fed back on its hand-off), runs one, has one to review and one to accept;
    // the `enterprise` login has a plan to confirm.
    assert_eq!(app.count("pilot_projects").await, app.count("handoffs").await + 2);
    let platform = demo_token(&app, "platform").await;
    let todo = app.get_ok(&platform, "/api/v1/me/todo").await;
    assert_eq!(count(&todo, "pilot_projects_to_accept"), Some(1), "{todo}");
    assert!(count(&todo, "pilot_projects_to_review").is_some_and(|n| (1..=5).contains(&n)), "a few reviews wait, not a backlog: {todo}");
    let mine = items(&app.get_ok(&platform, "/api/v1/pilot-projects?per_page=100").await);
    let states: Vec<&str> = mine.iter().filter_map(|p| p["state"].as_str()).collect();
    for s in ["reported", "running", "reviewing", "planning", "applied"] {
        assert!(states.contains(&s), "{s} in {states:?}");
    }
    let reported = mine.iter().find(|p| p["state"] == "reported").unwrap();
    let rid = reported["result_id"].as_i64().unwrap();
    let fed = app.get_ok(&bureau, &format!("/api/v1/results/{rid}")).await;
    assert!(fed["handoffs"][0]["feedback"].as_str().unwrap_or("").starts_with("【中试报告】"), "{fed}");
    assert_eq!(count(&app.get_ok(&enterprise, "/api/v1/me/todo").await, "pilot_plans_to_confirm"), Some(1));
    let running = mine.iter().find(|p| p["state"] == "running").unwrap();
    let v = app.get_ok(&platform, &format!("/api/v1/pilot-projects/{}", running["id"])).await;
    assert_eq!(v["bookings"].as_array().unwrap().len(), 3, "{v}");

    // The early-result pool and seed lists (issue 18, 004 三(二)): the `center` login's platform
    // published one batch (its seeds public and in the library), reviews another, and has
    // concepts waiting; two of those are the `researcher` login's.
    let seeds = items(&expect_status(app.get_anon("/api/v1/seeds").await, StatusCode::OK).await).to_vec();
    assert_eq!(seeds.len(), 3, "{seeds:?}");
    let center = demo_token(&app, "center").await;
    let todo = app.get_ok(&center, "/api/v1/me/todo").await;
    assert_eq!(count(&todo, "concepts_to_batch"), Some(3), "{todo}");
    assert_eq!(count(&todo, "seed_batches_to_publish"), Some(1), "{todo}");
    let batches = items(&app.get_ok(&center, "/api/v1/seed-batches").await).to_vec();
    assert_eq!(batches.iter().map(|b| b["state"].as_str().unwrap()).collect::<Vec<_>>(), vec!["reviewing", "published"]);
    let published = app.get_ok(&center, &format!("/api/v1/seed-batches/{}", batches[1]["id"])).await;
    for k in published["concepts"].as_array().unwrap().iter().filter(|k| k["state"] == "seeded") {
        let r = app.get_ok(&center, &format!("/api/v1/results/{}", k["result_id"])).await;
        assert_eq!(r["project"]["title"], k["title"], "each seed is in the library");
    }
    let researcher = demo_token(&app, "researcher").await;
    let mine = items(&app.get_ok(&researcher, "/api/v1/concepts").await).to_vec();
    let states: Vec<&str> = mine.iter().filter_map(|k| k["state"].as_str()).collect();
    assert!(states.contains(&"seeded") && states.contains(&"pooled"), "{states:?}");

    // The key projects' list (004 二(二)): one in each state; one ready to launch on the bureau's list.
    let keys = items(&app.get_ok(&bureau, "/api/v1/key-projects").await);
    for s in ["built", "launched", "reserve", "dropped"] {
        assert!(keys.iter().any(|k| k["state"] == s), "{s} in {keys:?}");
    }
    let built = keys.iter().find(|k| k["state"] == "built").unwrap();
    assert_eq!(built["center_name"], "温州市瓯江理工大学智能装备概念验证中心");
    assert_eq!(count(&app.get_ok(&bureau, "/api/v1/me/todo").await, "key_projects_to_launch"), Some(1));

    // Competitions (004 四(四)): last autumn's prizes are public; this winter's takes entries.
    let comps = items(&expect_status(app.get_anon("/api/v1/competitions").await, StatusCode::OK).await);
    let announced = comps.iter().find(|c| c["state"] == "announced").expect("an announced competition");
    let winners = expect_status(app.get_anon(&format!("/api/v1/competitions/{}", announced["id"])).await, StatusCode::OK).await;
    assert_eq!(winners["entries"].as_array().unwrap().len(), 5, "one first, second and third prize and two merit prizes: {winners}");
    assert_eq!(winners["entries"][0]["prize"], "first");
    let open = comps.iter().find(|c| c["state"] == "open").expect("an open competition");
    let enterprise_view = app.get_ok(&enterprise, &format!("/api/v1/competitions/{}", open["id"])).await;
    assert_eq!(enterprise_view["may_enter"], true);
    let mine = app.get_ok(&researcher, &format!("/api/v1/competitions/{}", open["id"])).await;
    assert_eq!(mine["entries"].as_array().unwrap().len(), 1, "the researcher login's own entry: {mine}");

    // Project managers (004 三(三)(五)): the `manager` login carries two projects (one waiting for an
    // update on its to-do list), has left one handed on to pilot scale, and holds last year's
    // assessment; the `center` login may still assess this year.
    let manager = demo_token(&app, "manager").await;
    let portfolio = items(&app.get_ok(&manager, "/api/v1/manager-assignments").await).to_vec();
    let states: Vec<&str> = portfolio.iter().filter_map(|a| a["state"].as_str()).collect();
    assert_eq!(states.iter().filter(|s| **s == "active").count(), 2, "{portfolio:?}");
    assert!(portfolio.iter().any(|a| a["exit_route"] == "pilot_handoff"), "{portfolio:?}");
    assert_eq!(count(&app.get_ok(&manager, "/api/v1/me/todo").await, "managed_projects_to_update"), Some(1));
    let carried = portfolio.iter().find(|a| a["state"] == "active").unwrap();
    let project = app.get_ok(&manager, &format!("/api/v1/results/{}", carried["result_id"])).await;
    assert!(project["project"]["secret_summary"].is_string(), "the manager reads the project it carries whole: {project}");
    let record = items(&app.get_ok(&manager, "/api/v1/manager-assessments").await).to_vec();
    assert_eq!(record.len(), 1, "{record:?}");
    let year = chrono::Datelike::year(&app.today());
    let now = app.get_ok(&center, &format!("/api/v1/manager-record?manager=manager&year={year}")).await;
    assert_eq!((now["facts"]["managed"].as_i64(), now["may_assess"].as_bool()), (Some(3), Some(true)), "{now}");
}

#[tokio::test]
async fn the_demos_reports_and_certificates_are_signed_at_start_and_verify() {
    let app = spawn_app_with(WebConfig { demo: true, ..WebConfig::default() }).await;
    load(&app).await.expect("first load");
    // What the server does at start (spawn_sequencer): sign what was issued before the log.
    let ctx = app.state.context();
    let signed = pocnet_app::evidence::documents::backfill(ctx).await.unwrap();
    let reports = app.count("verification_reports").await;
    let certified = app.count_where("centers", "certificate_no IS NOT NULL").await;
    let data_set_versions = app.count("data_set_rights").await;
    assert!(reports > 0 && certified > 0 && data_set_versions > app.count("data_sets").await, "the demo registers data sets and changes one's holders");
    assert_eq!(signed as i64, reports + certified + data_set_versions, "every report, every certificate and every data set version");
    assert_eq!(pocnet_app::evidence::documents::backfill(ctx).await.unwrap(), 0, "once");
    // Each verifies with the installation's keys, as a stranger would check it.
    let keys = pocnet_app::evidence::documents::trusted_keys(ctx).await.unwrap();
    let chief = demo_login(&app, "bureau").await.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let (rid,): (i64,) = sqlx::query_as("SELECT result_id FROM verification_reports ORDER BY result_id LIMIT 1").fetch_one(app.store.pool()).await.unwrap();
    let docs = app.get_ok(&chief, &format!("/api/v1/documents?subject_type=result&subject_id={rid}")).await;
    let id = docs[0]["id"].as_i64().unwrap();
    let bundle = app.http.get(app.url(&format!("/api/v1/documents/{id}/bundle"))).bearer_auth(&chief).send().await.unwrap().bytes().await.unwrap();
    let v = pocnet_evidence::verify_bundle(&bundle, &keys).unwrap();
    assert_eq!(v.signed_by.len(), 2);
    // A report is not public: without an account it is not found.
    assert_eq!(app.http.get(app.url(&format!("/api/v1/documents/{id}/bundle"))).send().await.unwrap().status(), StatusCode::NOT_FOUND);
    // The `center` login's data sets: each version has its certificate, in order, and the changed
    // one's newest certificate names the new shares.
    let center = demo_login(&app, "center").await.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_owned();
    let cid = center_id_named(&app, &chief, "温州市瓯江理工大学智能装备概念验证中心").await;
    let sets = app.get_ok(&center, &format!("/api/v1/centers/{cid}/data-sets")).await;
    let changed = sets.as_array().unwrap().iter().find(|s| s["data_set"]["rights_version"] == 2).expect("a data set changed once");
    assert_eq!(changed["certificates"].as_array().unwrap().len(), 2);
    let newest = changed["certificates"][0]["id"].as_i64().unwrap();
    let bundle = app.http.get(app.url(&format!("/api/v1/documents/{newest}/bundle"))).bearer_auth(&center).send().await.unwrap().bytes().await.unwrap();
    pocnet_evidence::verify_bundle(&bundle, &keys).unwrap();
    let doc: Value = serde_json::from_slice(&bundle).unwrap();
    assert_eq!(doc["document"]["subject"]["rights_version"], 2);
    assert_eq!(doc["document"]["subject"]["holders"][0]["share_percent"], 50);
    // The bureau trusts the province's log and lists the province as a witness.
    let trusted = app.get_ok(&chief, "/api/v1/trusted-logs").await;
    assert_eq!(trusted[0]["origin"], "kjt.zhejiang.example.cn/pocnet");
    let witnesses = app.get_ok(&chief, "/api/v1/log/witnesses").await;
    assert_eq!(witnesses[0]["name"], "浙江省科学技术厅");
}
