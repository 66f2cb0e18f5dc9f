//! Roadshows and investors' interest over HTTP (issue 17; 000 二(十一), 002 三(九)): the bureau
//! and a center schedule roadshows of verified projects and invite units of the right kind;
//! an investor expresses interest; the owner unit and the center both accept; only after the
//! confidentiality pledge does the investor read the trade secrets; the term sheet and the
//! investment carry amounts and reach the center's evaluation figure and the bureau's tally;
//! projects of a recognized center carry the 市科创基金 priority and show their relay stage.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// The count of one kind in the caller's to-do list.
async fn todo(app: &TestApp, token: &str, kind: &str) -> i64 {
    let list = app.get_ok(token, "/api/v1/me/todo").await;
    list["items"].as_array().unwrap().iter().find(|i| i["kind"] == kind).and_then(|i| i["count"].as_i64()).unwrap_or_else(|| panic!("no {kind} in {list}"))
}

async fn step(app: &TestApp, token: &str, id: i64, body: Value) -> reqwest::Response {
    app.post(token, &format!("/api/v1/interests/{id}/steps"), &body).await
}

async fn version(app: &TestApp, token: &str, id: i64) -> i64 {
    app.get_ok(token, &format!("/api/v1/interests/{id}")).await["interest"]["version"].as_i64().unwrap()
}

#[tokio::test]
async fn an_investor_meets_a_verified_project_at_a_roadshow_and_invests_after_the_pledge() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call_id = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2027-12-31").await;
    let center = make_wenzhou_ready_center(&app, &crew.operator, "瑞安路演测试概念验证中心").await;
    recognize_wenzhou(&app, &crew, call_id, center, "温州市路演测试概念验证中心").await;
    let owner = app.add_org("温州测试理工大学", "university", "鹿城区").await;
    app.add_user("res", Role::Researcher, owner).await;
    let res = app.token("res").await;
    let pid = verify_project(&app, &crew, &res, center, "工业机器人柔性关节").await;
    let vc_org = app.add_org("温州测试创投有限公司", "investment_fund", "鹿城区").await;
    app.add_user("venture", Role::Investor, vc_org).await;
    let vc = app.token("venture").await;
    let bank = app.add_org("温州测试银行", "bank", "鹿城区").await;
    let chain = app.add_org("瓯博智能机器人有限公司", "enterprise", "瑞安市").await;
    let day = (app.today() + chrono::Duration::days(14)).to_string();

    // Scheduling: the day ahead, a place unless online, the bureau or a center only.
    let show = |held_on: &str, mode: &str, place: &str| json!({"kind": "verified_results", "theme": "智能装备验证成果专项路演", "field": "smart_equipment", "held_on": held_on, "mode": mode, "place": place});
    let yesterday = (app.today() - chrono::Duration::days(1)).to_string();
    let e = expect_error(app.post(&crew.chief, "/api/v1/roadshows", &show(&yesterday, "onsite", "温州科技大厦")).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    assert_eq!(e["error"]["field"], "held_on");
    let e = expect_error(app.post(&crew.chief, "/api/v1/roadshows", &show(&day, "hybrid", "")).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "place");
    expect_error(app.post(&res, "/api/v1/roadshows", &show(&day, "online", "")).await, StatusCode::FORBIDDEN, "forbidden").await;
    let rs = app.post_expect(&crew.chief, "/api/v1/roadshows", &show(&day, "onsite", "温州科技大厦"), StatusCode::CREATED).await;
    let rs = rs["id"].as_i64().unwrap();
    let own = app.post_expect(&crew.operator, "/api/v1/roadshows", &show(&day, "online", ""), StatusCode::CREATED).await;
    assert_eq!(own["center_id"], center);
    let own = own["id"].as_i64().unwrap();

    // The programme: verified projects only, once each; guests of the fitting kind, once each.
    let unverified = app.post_expect(&res, "/api/v1/results", &json!({"center_id": center, "ref_no": "U-1", "title": "未验证的成果", "summary": "尚在实验室阶段的成果。",
        "secret_summary": "", "field": "smart_equipment", "sub_field": "industrial_robots", "source": "高校", "team": ["王五"], "patents": [],
        "trl": 3, "trl_evidence": "实验记录", "stage": "lab", "secret_parts": []}), StatusCode::CREATED).await["id"].as_i64().unwrap();
    expect_error(app.post(&crew.chief, &format!("/api/v1/roadshows/{rs}/projects"), &json!({"result_id": unverified})).await, StatusCode::UNPROCESSABLE_ENTITY, "not_verified").await;
    app.post_expect(&crew.chief, &format!("/api/v1/roadshows/{rs}/projects"), &json!({"result_id": pid}), StatusCode::OK).await;
    expect_error(app.post(&crew.chief, &format!("/api/v1/roadshows/{rs}/projects"), &json!({"result_id": pid})).await, StatusCode::CONFLICT, "already_shown").await;
    app.post_expect(&crew.operator, &format!("/api/v1/roadshows/{own}/projects"), &json!({"result_id": pid}), StatusCode::OK).await;
    expect_error(app.post(&res, &format!("/api/v1/roadshows/{rs}/projects"), &json!({"result_id": pid})).await, StatusCode::FORBIDDEN, "forbidden").await;
    let e = expect_error(app.post(&crew.chief, &format!("/api/v1/roadshows/{rs}/invitees"), &json!({"org_id": bank, "kind": "investor"})).await, StatusCode::UNPROCESSABLE_ENTITY, "kind_mismatch").await;
    assert_eq!(e["error"]["field"], "kind");
    for (org, kind) in [(vc_org, "investor"), (bank, "bank"), (chain, "chain_leader")] {
        app.post_expect(&crew.chief, &format!("/api/v1/roadshows/{rs}/invitees"), &json!({"org_id": org, "kind": kind}), StatusCode::OK).await;
    }
    expect_error(app.post(&crew.chief, &format!("/api/v1/roadshows/{rs}/invitees"), &json!({"org_id": vc_org, "kind": "fund"})).await, StatusCode::CONFLICT, "already_invited").await;
    let v = app.get_ok(&crew.chief, &format!("/api/v1/roadshows/{rs}")).await;
    assert_eq!((v["roadshow"]["projects"].as_i64(), v["roadshow"]["invitees"].as_i64(), v["invitees"].as_array().unwrap().len()), (Some(1), Some(3), 3));
    let e = expect_error(app.post(&crew.chief, &format!("/api/v1/roadshows/{rs}/attendance"), &json!({"attended": [vc_org], "version": v["roadshow"]["version"]})).await, StatusCode::UNPROCESSABLE_ENTITY, "attendance_not_open").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("举办日"), "{e}");

    // The investor sees the programme's public face and its own invitation, not the guest list; experts see no roadshows.
    let seen = app.get_ok(&vc, &format!("/api/v1/roadshows/{rs}")).await;
    assert_eq!((seen["invitees"].as_array().unwrap().len(), seen["my_invitation"]["kind"].as_str(), seen["may_express_interest"].as_bool()), (0, Some("investor"), Some(true)));
    assert!(!seen.to_string().contains("1180℃"), "a roadshow never shows a secret: {seen}");
    let listed = app.get_ok(&vc, "/api/v1/roadshows").await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2, "{listed}");
    expect_error(app.get(&crew.panel[0].0, "/api/v1/roadshows").await, StatusCode::FORBIDDEN, "forbidden").await;

    // Interest: one open per unit and project; the investor cannot accept for the others nor pledge early.
    let project = app.get_ok(&vc, &format!("/api/v1/results/{pid}")).await;
    assert_eq!((project["project"]["redacted"].as_bool(), project["project"]["secret_summary"].is_null()), (Some(true), true), "{project}");
    let i = app.post_expect(&vc, &format!("/api/v1/results/{pid}/interests"), &json!({"message": "拟参与A轮，投资额约500万元", "roadshow_id": rs}), StatusCode::CREATED).await;
    let iid = i["id"].as_i64().unwrap();
    assert_eq!((i["state"].as_str(), i["roadshow_id"].as_i64()), (Some("expressed"), Some(rs)));
    expect_error(app.post(&vc, &format!("/api/v1/results/{pid}/interests"), &json!({"message": "再次表达"})).await, StatusCode::CONFLICT, "interest_open").await;
    expect_error(app.post(&res, &format!("/api/v1/results/{pid}/interests"), &json!({"message": "成果方不能表达投资意向"})).await, StatusCode::FORBIDDEN, "forbidden").await;
    assert_eq!(todo(&app, &res, "interests_to_answer").await, 1);
    assert_eq!(todo(&app, &crew.operator, "center_interests_to_answer").await, 1);
    let v1 = version(&app, &vc, iid).await;
    expect_error(step(&app, &vc, iid, json!({"step": "pledge", "version": v1})).await, StatusCode::UNPROCESSABLE_ENTITY, "step_not_allowed").await;
    expect_error(step(&app, &vc, iid, json!({"step": "accept", "version": v1})).await, StatusCode::UNPROCESSABLE_ENTITY, "step_not_allowed").await;

    // Nobody but the parties and the bureau learns of it.
    let stranger_org = app.add_org("瓯海测试研究院", "research_institute", "瓯海区").await;
    app.add_user("stranger", Role::Researcher, stranger_org).await;
    let stranger = app.token("stranger").await;
    expect_error(app.get(&stranger, &format!("/api/v1/interests/{iid}")).await, StatusCode::NOT_FOUND, "not_found").await;
    expect_error(step(&app, &stranger, iid, json!({"step": "accept", "version": v1})).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(app.get_ok(&stranger, "/api/v1/interests").await["items"].as_array().unwrap().len(), 0);
    expect_error(app.get(&crew.ruian, "/api/v1/interests").await, StatusCode::FORBIDDEN, "forbidden").await;

    // Both owner and center accept; a stale version is refused and changes nothing.
    let after_owner = expect_status(step(&app, &res, iid, json!({"step": "accept", "version": v1})).await, StatusCode::OK).await;
    assert_eq!((after_owner["interest"]["state"].as_str(), after_owner["interest"]["owner_accepted"].as_bool()), (Some("expressed"), Some(true)));
    assert!(after_owner["next"].as_str().unwrap().contains("等待概念验证中心"), "{after_owner}");
    expect_error(step(&app, &res, iid, json!({"step": "accept", "version": v1 + 1})).await, StatusCode::CONFLICT, "already_accepted").await;
    expect_error(step(&app, &crew.operator, iid, json!({"step": "accept", "version": v1})).await, StatusCode::CONFLICT, "version_conflict").await;
    assert_eq!(app.get_ok(&vc, &format!("/api/v1/interests/{iid}")).await["interest"]["center_accepted"], false);
    let accepted = expect_status(step(&app, &crew.operator, iid, json!({"step": "accept", "version": v1 + 1})).await, StatusCode::OK).await;
    assert_eq!(accepted["interest"]["state"], "accepted");
    assert_eq!(todo(&app, &vc, "interests_to_pledge").await, 1);
    assert_eq!(todo(&app, &res, "interests_to_answer").await, 0);
    let view = app.get_ok(&vc, &format!("/api/v1/interests/{iid}")).await;
    let may: Vec<&str> = view["may"].as_array().unwrap().iter().map(|s| s.as_str().unwrap()).collect();
    assert_eq!(may, ["pledge", "withdraw"]);

    // Accepted is not enough: the secrets wait for the pledge; then they are read (and the view audited).
    let project = app.get_ok(&vc, &format!("/api/v1/results/{pid}")).await;
    assert_eq!(project["project"]["redacted"], true, "no secrets before the pledge");
    let pledged = expect_status(step(&app, &vc, iid, json!({"step": "pledge", "version": v1 + 2})).await, StatusCode::OK).await;
    assert!(pledged["interest"]["pledged_at"].is_string());
    let audits = app.count_where("audit_events", "action = 'result.secret_view'").await;
    let project = app.get_ok(&vc, &format!("/api/v1/results/{pid}")).await;
    assert_eq!((project["project"]["redacted"].as_bool(), project["project"]["secret_summary"].as_str(), project["project"]["standing"].as_str()),
        (Some(false), Some("关键工艺参数：烧结温度1180℃"), Some("pledged_investor")), "{project}");
    assert_eq!(app.count_where("audit_events", "action = 'result.secret_view'").await, audits + 1, "the investor's view of the secrets is audited");

    // Amounts: the term sheet and the investment need one; both reach the figures.
    let e = expect_error(step(&app, &vc, iid, json!({"step": "term_sheet", "version": v1 + 3})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "amount_yuan");
    expect_error(step(&app, &res, iid, json!({"step": "term_sheet", "amount_yuan": 5_000_000, "version": v1 + 3})).await, StatusCode::UNPROCESSABLE_ENTITY, "step_not_allowed").await;
    expect_status(step(&app, &vc, iid, json!({"step": "term_sheet", "amount_yuan": 5_000_000, "version": v1 + 3})).await, StatusCode::OK).await;
    let done = expect_status(step(&app, &vc, iid, json!({"step": "invest", "amount_yuan": 3_000_000, "note": "A轮首期", "version": v1 + 4})).await, StatusCode::OK).await;
    assert_eq!((done["interest"]["state"].as_str(), done["interest"]["invested_yuan"].as_i64()), (Some("invested"), Some(3_000_000)));
    let steps: Vec<&str> = done["steps"].as_array().unwrap().iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(steps, ["express", "accept", "accept", "pledge", "term_sheet", "invest"]);
    expect_error(step(&app, &vc, iid, json!({"step": "withdraw", "note": "改变主意", "version": v1 + 5})).await, StatusCode::UNPROCESSABLE_ENTITY, "step_not_allowed").await;
    let tally = app.get_ok(&crew.chief, "/api/v1/investment-figures").await;
    assert_eq!((tally["roadshows"].as_i64(), tally["interests"].as_i64(), tally["accepted"].as_i64(), tally["term_sheets"].as_i64(), tally["deals"].as_i64(), tally["invested_yuan"].as_i64()),
        (Some(2), Some(1), Some(1), Some(1), Some(1), Some(3_000_000)), "{tally}");
    expect_error(app.get(&vc, "/api/v1/investment-figures").await, StatusCode::FORBIDDEN, "forbidden").await;
    let year = chrono::Datelike::year(&app.today());
    let window = pocnet_domain::evaluation::Window { from: chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap(), to: chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap() };
    let figures = pocnet_store::evaluations::figures::of_window(app.store.pool(), window, Some(center.into())).await.unwrap();
    assert_eq!(figures[&center.into()].get(pocnet_domain::evaluation::Metric::InvestedYuan), 3_000_000, "the center's evaluation figure");

    // A second investor is declined by the center: it never reaches the secrets; a fresh interest may follow.
    let fund_org = app.add_org("温州测试科创基金", "investment_fund", "鹿城区").await;
    app.add_user("fund", Role::Investor, fund_org).await;
    let fund = app.token("fund").await;
    let j = app.post_expect(&fund, &format!("/api/v1/results/{pid}/interests"), &json!({"message": "市科创基金拟直投"}), StatusCode::CREATED).await["id"].as_i64().unwrap();
    expect_error(step(&app, &crew.operator, j, json!({"step": "decline", "version": 1})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    let declined = expect_status(step(&app, &crew.operator, j, json!({"step": "decline", "note": "本轮融资已满额", "version": 1})).await, StatusCode::OK).await;
    assert_eq!((declined["interest"]["state"].as_str(), declined["interest"]["reason"].as_str()), (Some("declined"), Some("本轮融资已满额")));
    expect_error(step(&app, &fund, j, json!({"step": "pledge", "version": 2})).await, StatusCode::UNPROCESSABLE_ENTITY, "step_not_allowed").await;
    assert_eq!(app.get_ok(&fund, &format!("/api/v1/results/{pid}")).await["project"]["redacted"], true);
    app.post_expect(&fund, &format!("/api/v1/results/{pid}/interests"), &json!({"message": "补充材料后再次申请对接"}), StatusCode::CREATED).await;

    // The day comes: attendance of invited units only; then it is held and its programme closed.
    app.set_today(&day);
    let v = app.get_ok(&crew.chief, &format!("/api/v1/roadshows/{rs}")).await;
    let e = expect_error(app.post(&crew.chief, &format!("/api/v1/roadshows/{rs}/attendance"), &json!({"attended": [stranger_org], "version": v["roadshow"]["version"]})).await, StatusCode::UNPROCESSABLE_ENTITY, "not_invited").await;
    assert_eq!(e["error"]["field"], "attended");
    let held = app.post_expect(&crew.chief, &format!("/api/v1/roadshows/{rs}/attendance"), &json!({"attended": [vc_org, chain], "version": v["roadshow"]["version"]}), StatusCode::OK).await;
    assert_eq!((held["roadshow"]["state"].as_str(), held["roadshow"]["attended"].as_i64()), (Some("held"), Some(2)));
    let absent: Vec<&str> = held["invitees"].as_array().unwrap().iter().filter(|i| i["attendance"] == "absent").map(|i| i["org_name"].as_str().unwrap()).collect();
    assert_eq!(absent, ["温州测试银行"]);
    expect_error(app.post(&crew.chief, &format!("/api/v1/roadshows/{rs}/projects"), &json!({"result_id": pid})).await, StatusCode::CONFLICT, "roadshow_not_planned").await;
    expect_error(app.post(&crew.chief, &format!("/api/v1/roadshows/{rs}/cancel"), &json!({"reason": "场地变更", "version": held["roadshow"]["version"]})).await, StatusCode::CONFLICT, "roadshow_not_planned").await;
    let o = app.get_ok(&crew.operator, &format!("/api/v1/roadshows/{own}")).await;
    let cancelled = app.post_expect(&crew.operator, &format!("/api/v1/roadshows/{own}/cancel"), &json!({"reason": "与市级专场合并举办", "version": o["roadshow"]["version"]}), StatusCode::OK).await;
    assert_eq!(cancelled["roadshow"]["state"], "cancelled");
    assert_eq!(app.get_ok(&crew.chief, "/api/v1/investment-figures").await["roadshows"], 1, "a cancelled roadshow no longer counts");
    assert_eq!(app.get_ok(&vc, "/api/v1/roadshows?when=past").await["items"].as_array().unwrap().len(), 0, "the day itself is still coming");

    // The fund's view: the recognized center's verified project, with its relay stage; researchers do not read it.
    let fund_list = app.get_ok(&fund, "/api/v1/fund/priority-projects").await;
    let row = fund_list["items"].as_array().unwrap().iter().find(|r| r["project"]["id"] == pid).cloned().expect("the project is flagged");
    assert_eq!(row["relay"], "verified");
    app.post_expect(&crew.operator, &format!("/api/v1/results/{pid}/outcomes"), &json!({"kind": "company_incubated", "achieved_on": app.today().to_string(), "evidence": "营业执照"}), StatusCode::CREATED).await;
    let fund_list = app.get_ok(&fund, "/api/v1/fund/priority-projects?field=smart_equipment").await;
    assert_eq!(fund_list["items"].as_array().unwrap().iter().find(|r| r["project"]["id"] == pid).unwrap()["relay"], "incubated");
    assert!(!fund_list.to_string().contains("1180℃"));
    expect_error(app.get(&res, "/api/v1/fund/priority-projects").await, StatusCode::FORBIDDEN, "forbidden").await;

    // The pages: the roadshow for its organiser, the interest for the investor, the fund list, the project's relay.
    let page = app.get(&crew.chief, &format!("/roadshows/{rs}")).await.text().await.unwrap();
    assert!(page.contains("智能装备验证成果专项路演") && page.contains("温州测试银行") && page.contains("未出席"), "the organiser's page lists the guests");
    let page = app.get(&vc, &format!("/interests/{iid}")).await.text().await.unwrap();
    assert!(page.contains("已投资") && page.contains("300万元"), "{page}");
    let page = app.get(&fund, "/fund").await.text().await.unwrap();
    assert!(page.contains("工业机器人柔性关节") && page.contains("孵化"));
    let page = app.get(&fund, &format!("/results/{pid}")).await.text().await.unwrap();
    assert!(page.contains("fund-flag") && page.contains("市科创基金优先支持"), "the project shows the fund's priority");
}

#[tokio::test]
async fn the_pages_let_each_party_take_its_step_and_a_creation_list_center_confers_no_priority() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let center = register_center(&app, &crew.operator, "瑞安智能装备概念验证中心", &["smart_equipment"], Some(300)).await;
    put_on_creation_list(&app, center).await;
    let owner = app.add_org("温州测试理工大学", "university", "鹿城区").await;
    app.add_user("res", Role::Researcher, owner).await;
    let res = app.token("res").await;
    let pid = verify_project(&app, &crew, &res, center, "多联检微流控芯片").await;
    let vc_org = app.add_org("温州测试创投有限公司", "investment_fund", "鹿城区").await;
    app.add_user("venture", Role::Investor, vc_org).await;

    // A center still being created: verified, but no priority of the fund.
    let vc = app.token("venture").await;
    let flagged = app.get_ok(&vc, "/api/v1/fund/priority-projects").await;
    assert!(flagged["items"].as_array().unwrap().iter().all(|r| r["project"]["id"] != pid), "{flagged}");
    let page = app.get(&vc, &format!("/results/{pid}")).await.text().await.unwrap();
    assert!(page.contains("express-form") && !page.contains("fund-flag"), "the investor may express interest; no flag");

    // The operator schedules on the page and lands on the roadshow; the investor expresses interest there.
    let (op, _, op_csrf) = app.login("operator").await;
    let day = (app.today() + chrono::Duration::days(7)).to_string();
    let resp = op.post(app.url("/roadshows")).form(&[("csrf_token", op_csrf.as_str()), ("center_id", &center.to_string()), ("kind", "verified_results"), ("theme", "微流控"), ("field", ""), ("held_on", &day), ("mode", "onsite"), ("place", "")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("举办地点"), "the page names the missing field");
    let resp = op.post(app.url("/roadshows")).form(&[("csrf_token", op_csrf.as_str()), ("center_id", &center.to_string()), ("kind", "verified_results"), ("theme", "微流控专场路演"), ("field", ""), ("held_on", &day), ("mode", "online"), ("place", "")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let at = resp.headers()["location"].to_str().unwrap().to_owned();
    let rs: i64 = at.trim_start_matches("/roadshows/").parse().unwrap();
    let page = op.get(app.url(&at)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("add-project-form") && page.contains("多联检微流控芯片"), "the center's own verified project is offered");
    let resp = op.post(app.url(&format!("/roadshows/{rs}/projects"))).form(&[("csrf_token", op_csrf.as_str()), ("result_id", &pid.to_string())]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let resp = op.post(app.url(&format!("/roadshows/{rs}/invitees"))).form(&[("csrf_token", op_csrf.as_str()), ("org_id", &vc_org.to_string()), ("kind", "investor")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let (inv, _, inv_csrf) = app.login("venture").await;
    let page = inv.get(app.url(&format!("/roadshows/{rs}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("my-invitation") && page.contains("express-form"), "{page}");
    let resp = inv.post(app.url(&format!("/results/{pid}/interests"))).form(&[("csrf_token", inv_csrf.as_str()), ("roadshow_id", &rs.to_string()), ("message", "拟投资")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let iid: i64 = resp.headers()["location"].to_str().unwrap().trim_start_matches("/interests/").parse().unwrap();

    // Each side follows its to-do list to the interest and takes its step on the page.
    let (r, _, r_csrf) = app.login("res").await;
    let list = r.get(app.url("/interests?state=expressed")).send().await.unwrap().text().await.unwrap();
    assert!(list.contains(&format!("/interests/{iid}")), "the owner's list links the interest");
    let resp = r.post(app.url(&format!("/interests/{iid}/steps"))).form(&[("csrf_token", r_csrf.as_str()), ("step", "accept"), ("version", "1")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let resp = op.post(app.url(&format!("/interests/{iid}/steps"))).form(&[("csrf_token", op_csrf.as_str()), ("step", "accept"), ("version", "1")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT, "a stale form is refused");
    assert!(resp.text().await.unwrap().contains("form-error"));
    let resp = op.post(app.url(&format!("/interests/{iid}/steps"))).form(&[("csrf_token", op_csrf.as_str()), ("step", "accept"), ("version", "2")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = inv.get(app.url(&format!("/interests/{iid}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("pledge-form") && page.contains("保密承诺"), "the investor is offered the pledge");
    let resp = inv.post(app.url(&format!("/interests/{iid}/steps"))).form(&[("csrf_token", inv_csrf.as_str()), ("step", "pledge"), ("version", "3")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = inv.get(app.url(&format!("/results/{pid}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("关键工艺参数"), "after the pledge the page shows the secret summary");

    // The day comes; the operator records attendance with the checkboxes (a repeated key).
    app.set_today(&day);
    let resp = op.post(app.url(&format!("/roadshows/{rs}/attendance"))).form(&[("csrf_token", op_csrf.as_str()), ("version", "1"), ("attended", &vc_org.to_string())]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let v = app.get_ok(&app.token("operator").await, &format!("/api/v1/roadshows/{rs}")).await;
    assert_eq!((v["roadshow"]["state"].as_str(), v["roadshow"]["attended"].as_i64()), (Some("held"), Some(1)));
    app.set_today(&(app.today() + chrono::Duration::days(1)).to_string());
    let page = op.get(app.url("/roadshows?when=past")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("微流控专场路演") && page.contains("已举办"), "the next day it is among the past ones: {page}");
}
