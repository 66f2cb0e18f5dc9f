//! Supply–demand matching over HTTP (issue 15): a county department and an
//! enterprise publish demands; pocnet proposes results and centers, each with
//! its score's components; both sides answer with reason codes; accepted
//! matches are followed up on the docking list until they land, which records
//! the result's outcome and marks the demand met. Each caller sees only what it may.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn intake(center: i64, ref_no: &str, title: &str, summary: &str, trl: i64) -> Value {
    json!({"center_id": center, "ref_no": ref_no, "title": title, "summary": summary,
        "secret_summary": "包覆层前驱体配比与烧结曲线", "field": "new_energy", "sub_field": "advanced_batteries", "source": "高校", "team": ["张伟"], "patents": [],
        "trl": trl, "trl_evidence": "中试测试报告", "stage": "prototype", "secret_parts": []})
}

fn demand(title: &str, problem: &str, deadline: &str) -> Value {
    json!({"title": title, "problem": problem, "field": "new_energy", "sub_field": "advanced_batteries", "target_trl": 6,
        "budget_yuan": "800000", "region": "瑞安市", "deadline": deadline})
}

/// A registered center of the crew's operator, a university's researcher, and its
/// result on high-nickel cathodes submitted to the center: (center, researcher token, result).
async fn supply(app: &TestApp, crew: &Crew) -> (i64, String, i64) {
    let center = register_center(app, &crew.operator, "瑞安新能源概念验证中心", &["new_energy"], Some(300)).await;
    app.add_user("res", Role::Researcher, app.lucheng_univ).await;
    let res = app.token("res").await;
    let body = intake(center, "M-1", "高镍三元正极材料包覆改性工艺", "高镍三元正极材料表面包覆改性，提升高温循环寿命与热稳定性。", 5);
    let nickel = app.post_expect(&res, "/api/v1/results", &body, StatusCode::CREATED).await["id"].as_i64().unwrap();
    (center, res, nickel)
}

#[tokio::test]
async fn a_demand_is_matched_answered_by_both_sides_and_followed_up_until_it_lands() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let (center, res, nickel) = supply(&app, &crew).await;
    let silicon = app
        .post_expect(&res, "/api/v1/results", &intake(center, "M-2", "硅碳负极预锂化工艺", "硅碳复合负极材料预锂化，提升首次库伦效率。", 4), StatusCode::CREATED)
        .await["id"]
        .as_i64()
        .unwrap();
    let deadline = (app.today() + chrono::Duration::days(90)).to_string();

    // Bad input names the field and stores nothing; only publishers may publish.
    let before = app.count("demands").await;
    let mut bad = demand("高镍正极循环寿命提升", "现有高镍三元正极材料高温循环寿命不足，需要包覆改性方案。", &deadline);
    bad["target_trl"] = json!(10);
    let e = expect_error(app.post(&crew.ruian, "/api/v1/demands", &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    assert_eq!(e["error"]["field"], "target_trl");
    assert_eq!(app.count("demands").await, before, "a refused demand stores nothing");
    let good = demand("高镍正极循环寿命提升", "现有高镍三元正极材料高温循环寿命不足，需要包覆改性方案，提升循环寿命。", &deadline);
    expect_error(app.post(&crew.operator, "/api/v1/demands", &good).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.post(&res, "/api/v1/demands", &good).await, StatusCode::UNPROCESSABLE_ENTITY, "not_an_enterprise").await;

    // The county department publishes; the bureau lists it in this year's list.
    let d = app.post_expect(&crew.ruian, "/api/v1/demands", &good, StatusCode::CREATED).await;
    let id = d["id"].as_i64().unwrap();
    assert_eq!((d["state"].as_str(), d["budget_yuan"].as_i64()), (Some("published"), Some(800_000)));
    let year = chrono::Datelike::year(&app.today());
    let listed = app.post_expect(&crew.chief, &format!("/api/v1/demands/{id}/steps"), &json!({"action": "list", "year": year, "version": d["version"]}), StatusCode::OK).await;
    assert_eq!((listed["state"].as_str(), listed["listed_year"].as_i64()), (Some("listed"), Some(i64::from(year))));
    let e = expect_error(app.post(&crew.ruian, &format!("/api/v1/demands/{id}/steps"), &json!({"action": "list", "version": listed["version"]})).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert!(e["error"].is_object());

    // Its department edits it in the page's form (at the version read); a stale version is refused.
    let (client, _, csrf) = app.login("ruian").await;
    let form = client.get(app.url(&format!("/demands/{id}/edit"))).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("修改产业需求") && form.contains("高镍正极循环寿命提升"), "{form}");
    let version = listed["version"].as_i64().unwrap().to_string();
    let fields = |title: &'static str, version: &str| {
        vec![("csrf_token", csrf.clone()), ("title", title.to_owned()), ("problem", good["problem"].as_str().unwrap().to_owned()), ("field", "new_energy".into()),
            ("sub_field", "advanced_batteries".into()), ("target_trl", "6".into()), ("budget_yuan", "800000".into()), ("region", "瑞安市".into()),
            ("deadline", deadline.clone()), ("version", version.to_owned())]
    };
    let page = client.post(app.url(&format!("/demands/{id}/edit"))).form(&fields("高镍正极材料循环寿命提升", &version)).send().await.unwrap();
    assert!(page.status().is_success() || page.status().is_redirection(), "{}", page.status());
    assert_eq!(app.get_ok(&crew.ruian, &format!("/api/v1/demands/{id}")).await["demand"]["title"], "高镍正极材料循环寿命提升");
    let page = client.post(app.url(&format!("/demands/{id}/edit"))).form(&fields("又一次修改", &version)).send().await.unwrap();
    assert_eq!(page.status(), StatusCode::CONFLICT, "the version read is stale");
    let xlsx = app.get(&crew.chief, "/api/v1/demands/export.xlsx").await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    assert!(xlsx.headers()["content-type"].to_str().unwrap().contains("spreadsheetml"));

    // Proposals: the nickel result first, every component explained; results carry no price.
    let proposals = app.get_ok(&crew.ruian, &format!("/api/v1/demands/{id}/matches")).await;
    let first = &proposals[0];
    assert_eq!(first["id"].as_i64(), Some(nickel), "{proposals}");
    let kinds: Vec<&str> = first["fit"]["components"].as_array().unwrap().iter().map(|c| c["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["terms", "field", "trl", "region", "budget"]);
    let matched: Vec<&str> = first["fit"]["matched_terms"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert!(matched.contains(&"包覆"), "{matched:?}");
    assert_eq!(first["fit"]["components"][4]["applies"], false, "a result has no price");
    assert_eq!(first["fit"]["components"][1]["fit"], 1.0, "same sub-field");
    assert_eq!(first["fit"]["components"][2]["fit"], 0.75, "TRL 5 against 6");
    let f = first["fit"]["total"].as_f64().unwrap();
    let second = proposals.as_array().unwrap().iter().find(|p| p["id"].as_i64() == Some(silicon)).map(|p| p["fit"]["total"].as_f64().unwrap());
    assert!(second.is_none_or(|s| s < f), "the nickel result ranks first: {proposals}");
    let centers = app.get_ok(&crew.ruian, &format!("/api/v1/demands/{id}/matches?kind=center")).await;
    assert_eq!(centers[0]["id"].as_i64(), Some(center), "{centers}");
    expect_error(app.get(&crew.ruian, &format!("/api/v1/demands/{id}/matches?limit=0")).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;

    // The reverse: the demands a result fits.
    let fits = app.get_ok(&res, &format!("/api/v1/results/{nickel}/demands")).await;
    assert_eq!(fits[0]["id"].as_i64(), Some(id), "{fits}");

    // The page offers the answer form only to a side: the demand's department and the result's unit, not the bureau.
    let forms = |html: String| html.matches("data-testid=\"answer-form\"").count();
    assert!(forms(app.get(&crew.ruian, &format!("/demands/{id}")).await.text().await.unwrap()) >= 2);
    assert!(forms(app.get(&res, &format!("/demands/{id}")).await.text().await.unwrap()) >= 1);
    assert_eq!(forms(app.get(&crew.chief, &format!("/demands/{id}")).await.text().await.unwrap()), 0);

    // Answers: a decline needs a reason code; the center's operator declines the silicon result.
    let answer = |kind: &str, subject: i64, a: &str, reason: &str| json!({"kind": kind, "subject_id": subject, "answer": a, "reason": reason, "note": ""});
    let e = expect_error(app.post(&crew.operator, &format!("/api/v1/demands/{id}/answers"), &answer("result", silicon, "decline", "")).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "reason");
    let declined = app.post_expect(&crew.operator, &format!("/api/v1/demands/{id}/answers"), &answer("result", silicon, "decline", "too_early"), StatusCode::OK).await;
    assert_eq!((declined["stage"].as_str(), declined["supply_reason"].as_str()), (Some("declined"), Some("too_early")));
    // Both sides accept the nickel result: it is on the docking list.
    let m = app.post_expect(&crew.ruian, &format!("/api/v1/demands/{id}/answers"), &answer("result", nickel, "accept", ""), StatusCode::OK).await;
    assert_eq!(m["stage"], "proposed");
    assert!(m["components"].as_str().unwrap().contains("terms"), "the components are kept as proposed");
    // The unit's to-do list names the match waiting for its answer, linked to the demand.
    let todo = |v: &Value| v["items"].as_array().unwrap().iter().find(|i| i["kind"] == "matches_to_answer").map(|i| i["count"].as_i64().unwrap());
    assert_eq!(todo(&app.get_ok(&res, "/api/v1/me/todo").await), Some(1));
    let page = app.get(&res, "/todo").await.text().await.unwrap();
    assert!(page.contains("待本单位回应的供需匹配") && page.contains(&format!("/demands/{id}")), "{page}");
    let m = app.post_expect(&res, &format!("/api/v1/demands/{id}/answers"), &answer("result", nickel, "accept", ""), StatusCode::OK).await;
    assert_eq!(m["stage"], "docking");
    assert_eq!(todo(&app.get_ok(&res, "/api/v1/me/todo").await).unwrap_or(0), 0);
    let mid = m["id"].as_i64().unwrap();
    expect_error(app.post(&res, &format!("/api/v1/demands/{id}/answers"), &answer("result", nickel, "decline", "too_early")).await, StatusCode::CONFLICT, "already_answered").await;
    let docking = app.get_ok(&crew.chief, "/api/v1/matches").await;
    assert_eq!(docking["items"].as_array().unwrap().len(), 1, "only accepted matches are on the docking list: {docking}");
    assert_eq!(app.get_ok(&crew.chief, "/api/v1/matches?docking=0").await["items"].as_array().unwrap().len(), 2);

    // Follow-up: forward only; a contract needs its amount; a landing records the outcome and meets the demand.
    let follow = |stage: &str, amount: &str, version: &Value| json!({"stage": stage, "contract_yuan": amount, "note": "", "version": version});
    let m = app.post_expect(&res, &format!("/api/v1/matches/{mid}/follow-ups"), &follow("contacted", "", &m["version"]), StatusCode::OK).await;
    let e = expect_error(app.post(&crew.ruian, &format!("/api/v1/matches/{mid}/follow-ups"), &follow("contract", "", &m["version"])).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "contract_yuan");
    expect_error(app.post(&crew.ruian, &format!("/api/v1/matches/{mid}/follow-ups"), &follow("contract", "500000", &json!(1))).await, StatusCode::CONFLICT, "version_conflict").await;
    let m = app.post_expect(&crew.ruian, &format!("/api/v1/matches/{mid}/follow-ups"), &follow("contract", "500000", &m["version"]), StatusCode::OK).await;
    expect_error(app.post(&crew.ruian, &format!("/api/v1/matches/{mid}/follow-ups"), &follow("contacted", "", &m["version"])).await, StatusCode::UNPROCESSABLE_ENTITY, "not_forward").await;
    let outcomes = app.count_where("result_outcomes", &format!("result_id = {nickel} AND kind = 'landed_transfer'")).await;
    let m = app.post_expect(&res, &format!("/api/v1/matches/{mid}/follow-ups"), &follow("landed", "", &m["version"]), StatusCode::OK).await;
    assert_eq!((m["stage"].as_str(), m["contract_yuan"].as_i64()), (Some("landed"), Some(500_000)));
    assert_eq!(app.count_where("result_outcomes", &format!("result_id = {nickel} AND kind = 'landed_transfer'")).await, outcomes + 1);
    assert_eq!(app.get_ok(&crew.chief, &format!("/api/v1/demands/{id}")).await["demand"]["state"], "met");

    // Who may see what: an investor has no docking list; another unit's researcher none of these matches.
    app.add_user("inv", Role::Investor, crew.operator_org).await;
    let inv = app.token("inv").await;
    expect_error(app.get(&inv, "/api/v1/matches").await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(app.get_ok(&inv, "/api/v1/demands").await["items"].as_array().unwrap().len(), 1, "open demands are read by every account");
    expect_error(app.get(&inv, &format!("/api/v1/matches/{mid}")).await, StatusCode::FORBIDDEN, "forbidden").await;

    // The pages.
    let html = app.get(&crew.ruian, &format!("/demands/{id}")).await.text().await.unwrap();
    assert!(html.contains("推荐成果") && html.contains("高镍三元正极材料包覆改性工艺") && html.contains("匹配度"), "{html}");
    let html = app.get(&crew.chief, "/docking").await.text().await.unwrap();
    assert!(html.contains("已落地") && html.contains("50万元"), "{html}");
}

#[tokio::test]
async fn an_enterprise_sees_only_verified_results_and_its_withdrawn_demand_stays_its_own() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let (_center, res, nickel) = supply(&app, &crew).await;
    // An enterprise registered by the bureau through the API, with a unit account.
    let org = app.post_expect(&crew.chief, "/api/v1/organisations", &json!({"name": "瑞安锂电材料有限公司", "kind": "enterprise", "region": "瑞安市"}), StatusCode::CREATED).await;
    app.add_user("ent", Role::Researcher, org["id"].as_i64().unwrap()).await;
    let ent = app.token("ent").await;
    let deadline = (app.today() + chrono::Duration::days(60)).to_string();
    let d = app.post_expect(&ent, "/api/v1/demands", &demand("高镍正极包覆改性", "高镍三元正极材料循环寿命不足，寻求包覆改性工艺。", &deadline), StatusCode::CREATED).await;
    let id = d["id"].as_i64().unwrap();

    // The result is not verified: the enterprise is proposed nothing and cannot answer it.
    let proposals = app.get_ok(&ent, &format!("/api/v1/demands/{id}/matches")).await;
    assert_eq!(proposals.as_array().unwrap().len(), 0, "an unverified result is not on the supply list: {proposals}");
    let answer = json!({"kind": "result", "subject_id": nickel, "answer": "accept"});
    expect_error(app.post(&ent, &format!("/api/v1/demands/{id}/answers"), &answer).await, StatusCode::NOT_FOUND, "not_found").await;
    // The bureau sees it proposed.
    assert_eq!(app.get_ok(&crew.chief, &format!("/api/v1/demands/{id}/matches")).await[0]["id"].as_i64(), Some(nickel));
    let expert = json!({"name": "周正极", "kind": "academic", "org_id": app.lucheng_univ, "title": "教授", "fields": ["new_energy"],
        "sub_fields": ["advanced_batteries"], "keywords": ["正极材料", "包覆改性"], "region": "鹿城区", "bio": "长期从事高镍正极材料包覆与掺杂研究。"});
    app.post_expect(&crew.chief, "/api/v1/experts", &expert, StatusCode::CREATED).await;
    // Experts are proposed to those who browse the library, never to the enterprise, and are no party to a match.
    let experts = app.get_ok(&crew.chief, &format!("/api/v1/demands/{id}/matches?kind=expert")).await;
    assert_eq!(experts[0]["title"], "周正极 教授", "{experts}");
    assert!(experts[0]["fit"]["components"].as_array().unwrap().len() == 5);
    assert_eq!(app.get_ok(&ent, &format!("/api/v1/demands/{id}/matches?kind=expert")).await.as_array().unwrap().len(), 0);
    let e = expect_error(app.post(&crew.chief, &format!("/api/v1/demands/{id}/answers"), &json!({"kind": "expert", "subject_id": experts[0]["id"], "answer": "accept"})).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    assert_eq!(e["error"]["field"], "kind");

    // Found by search (kind filter); withdrawn, only its unit, its county and the bureau see it.
    let page = app.get_ok(&res, "/api/v1/search?q=包覆改性&kind=demand").await;
    assert_eq!(page["total"], 1, "{page}");
    expect_error(app.get(&res, "/api/v1/search?q=包覆&kind=planet").await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    let html = app.get(&res, "/search?q=%E5%8C%85%E8%A6%86%E6%94%B9%E6%80%A7&kind=demand").await.text().await.unwrap();
    assert!(html.contains(&format!("href=\"/demands/{id}\"")) && html.contains("产业需求"), "a demand found links to its page: {html}");
    let e = expect_error(app.post(&ent, &format!("/api/v1/demands/{id}/steps"), &json!({"action": "withdraw", "version": d["version"]})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "reason");
    app.post_expect(&ent, &format!("/api/v1/demands/{id}/steps"), &json!({"action": "withdraw", "reason": "已自行解决", "version": d["version"]}), StatusCode::OK).await;
    assert_eq!(app.get_ok(&res, "/api/v1/search?q=包覆改性&kind=demand").await["total"], 0);
    assert_eq!(app.get_ok(&ent, "/api/v1/search?q=包覆改性&kind=demand").await["total"], 1);
    expect_error(app.get(&res, &format!("/api/v1/demands/{id}")).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(app.get_ok(&res, "/api/v1/demands").await["items"].as_array().unwrap().len(), 0);
    assert_eq!(app.get_ok(&crew.ruian, "/api/v1/demands?state=withdrawn").await["items"].as_array().unwrap().len(), 1);
    // Editing a withdrawn demand is refused.
    let mut edit = demand("高镍正极包覆改性", "高镍三元正极材料循环寿命不足，寻求包覆改性工艺。", &deadline);
    edit["version"] = json!(3);
    expect_error(app.put(&ent, &format!("/api/v1/demands/{id}"), &edit).await, StatusCode::CONFLICT, "demand_closed").await;
}
