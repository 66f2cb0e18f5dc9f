//! The annual evaluation over HTTP, on an installation set up as on day one:
//! a round opened for the Wenzhou profile, the center's annual report with
//! its computed figures and a correction, the evaluation panel, the grade,
//! the dynamic-management proposals the profile prescribes (000 四), and the
//! published list.

use crate::helpers::*;
use calamine::Reader;
use reqwest::StatusCode;
use serde_json::{json, Value};

const SECTION: &str = "本年度完成了团队、设备与服务流程建设，服务企业二十余家。";

async fn recognized(app: &TestApp) -> (Crew, i64) {
    let crew = crew(app).await;
    let call_id = publish_call(app, &crew.chief, WENZHOU, "recognition", "2027-12-31").await;
    let center_id = make_wenzhou_ready_center(app, &crew.operator, "瑞安评价测试概念验证中心").await;
    recognize_wenzhou(app, &crew, call_id, center_id, "温州市评价测试概念验证中心").await;
    (crew, center_id)
}

async fn open_round(app: &TestApp, chief: &str, year: i32) -> Value {
    app.post_expect(chief, "/api/v1/evaluation-rounds", &json!({"profile_id": WENZHOU, "year": year}), StatusCode::CREATED).await
}

/// The center's evaluation in a round, as its operator lists it.
async fn own_evaluation(app: &TestApp, token: &str, round: i64) -> Value {
    let list = app.get_ok(token, &format!("/api/v1/evaluation-rounds/{round}/evaluations")).await;
    assert_eq!(list["total"], 1, "the operator sees its own center only: {list}");
    list["items"][0].clone()
}

/// The count of one kind in a caller's to-do list, with its due day.
async fn todo(app: &TestApp, token: &str, kind: &str) -> (i64, Option<String>) {
    let list = app.get_ok(token, "/api/v1/me/todo").await;
    let item = list["items"].as_array().unwrap().iter().find(|i| i["kind"] == kind).unwrap_or_else(|| panic!("{kind} in {list}"));
    (item["count"].as_i64().unwrap(), item["due"].as_str().map(str::to_owned))
}

fn component<'a>(detail: &'a Value, code: &str) -> &'a Value {
    detail["scorecard"]["components"].as_array().expect("components").iter().find(|c| c["code"] == code).expect(code)
}

#[tokio::test]
async fn a_center_files_its_report_the_panel_scores_and_the_bureau_grades_and_publishes() {
    let app = spawn_workflow_app().await;
    let (crew, center_id) = recognized(&app).await;
    let body = json!({"profile_id": WENZHOU, "year": 2026});
    expect_error(app.post(&crew.operator, "/api/v1/evaluation-rounds", &body).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.post(&crew.chief, "/api/v1/evaluation-rounds", &json!({"profile_id": WENZHOU, "year": 2027})).await, StatusCode::UNPROCESSABLE_ENTITY, "not_started").await;
    for year in [i32::MAX, i32::MIN, 1999] {
        let e = expect_error(app.post(&crew.chief, "/api/v1/evaluation-rounds", &json!({"profile_id": WENZHOU, "year": year})).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
        assert_eq!(e["error"]["field"], "year");
    }
    let round = open_round(&app, &crew.chief, 2026).await;
    let round_id = round["id"].as_i64().unwrap();
    assert_eq!((round["window_from"].as_str(), round["window_to"].as_str(), round["report_due"].as_str()), (Some("2026-01-01"), Some("2026-12-31"), Some("2027-03-31")));
    expect_error(app.post(&crew.chief, "/api/v1/evaluation-rounds", &body).await, StatusCode::CONFLICT, "round_exists").await;
    let detail = app.get_ok(&crew.chief, &format!("/api/v1/evaluation-rounds/{round_id}")).await;
    let weights: i64 = detail["indicators"].as_array().unwrap().iter().map(|i| i["weight"].as_i64().unwrap()).sum();
    assert_eq!(weights, 100);

    // Every role's to-do list says what the round asks of it.
    assert_eq!(todo(&app, &crew.operator, "reports_to_file").await, (1, Some("2027-03-31".to_owned())));
    assert_eq!(todo(&app, &crew.chief, "evaluations_to_grade").await.0, 1);

    // The report carries the figures of the records (40 results taken in, 10 landed in 2026).
    let mine = own_evaluation(&app, &crew.operator, round_id).await;
    assert_eq!(mine["center_id"], center_id);
    let report_id = mine["report_id"].as_i64().unwrap();
    let report = app.get_ok(&crew.operator, &format!("/api/v1/annual-reports/{report_id}")).await;
    assert_eq!((report["figures"]["service_projects"].as_i64(), report["figures"]["landed_transfers"].as_i64()), (Some(40), Some(10)));
    assert_eq!(report["report"]["state"], "draft");
    // Someone else's report is not the county's of another region, nor an expert's.
    expect_error(app.get(&crew.panel[0].0, &format!("/api/v1/annual-reports/{report_id}")).await, StatusCode::FORBIDDEN, "forbidden").await;
    app.get_ok(&crew.ruian, &format!("/api/v1/annual-reports/{report_id}")).await;

    // A correction needs its reason; submitting needs every section; then it is filed, not late.
    let path = format!("/api/v1/annual-reports/{report_id}");
    let bad = json!({"version": 1, "corrections": [{"metric": "special_funds_yuan", "value": 1200000, "reason": ""}]});
    let e = expect_error(app.put(&crew.operator, &path, &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "corrections[0].reason");
    let text = json!({"version": 1, "capability": SECTION, "effectiveness": SECTION, "sustainability": SECTION, "social_benefit": "",
        "next_year_plan": SECTION, "corrections": [{"metric": "special_funds_yuan", "value": 1200000, "reason": "2026年专项资金拨付凭证12月到账，尚未登记"}]});
    let saved = app.put(&crew.operator, &path, &text).await;
    let saved = expect_status(saved, StatusCode::OK).await;
    let submit = format!("{path}/submission");
    let e = expect_error(app.post(&crew.operator, &submit, &json!({"version": saved["version"]})).await, StatusCode::UNPROCESSABLE_ENTITY, "too_short").await;
    assert_eq!(e["error"]["field"], "social_benefit", "the one section left empty: {e}");
    expect_error(app.put(&crew.operator, &path, &text).await, StatusCode::CONFLICT, "version_conflict").await;
    let mut full = text.clone();
    full["version"] = saved["version"].clone();
    full["social_benefit"] = json!(SECTION);
    let saved = expect_status(app.put(&crew.operator, &path, &full).await, StatusCode::OK).await;
    let filed = app.post_expect(&crew.operator, &submit, &json!({"version": saved["version"]}), StatusCode::OK).await;
    assert_eq!((filed["state"].as_str(), filed["late"].as_i64()), (Some("submitted"), Some(0)));
    expect_error(app.put(&crew.operator, &path, &full).await, StatusCode::CONFLICT, "already_submitted").await;
    assert_eq!(todo(&app, &crew.operator, "reports_to_file").await.0, 0);

    // The panel: three experts, each scoring the four dimensions of 方案 三(三).
    let eval_id = mine["id"].as_i64().unwrap();
    let scores = [[90, 80, 70, 60], [80, 80, 90, 80], [85, 80, 80, 70]];
    for ((token, expert_id), s) in crew.panel.iter().zip(scores) {
        app.post_expect(&crew.chief, &format!("/api/v1/evaluations/{eval_id}/panel"), &json!({"expert_id": expert_id}), StatusCode::NO_CONTENT).await;
        assert_eq!(todo(&app, token, "evaluations_to_declare").await.0, 1);
        let tasks = app.get_ok(token, "/api/v1/me/reviews").await;
        let task = tasks.as_array().unwrap().iter().find(|t| t["kind"] == "evaluation").expect("the evaluation among the expert's tasks");
        assert_eq!((task["id"].as_i64(), task["seat"].as_str()), (Some(eval_id), Some("to_declare")));
        let card = json!({"scores": {"capability": s[0], "service": s[1], "management": s[2], "benefit": s[3]}});
        expect_error(app.post(token, &format!("/api/v1/evaluations/{eval_id}/scores"), &card).await, StatusCode::UNPROCESSABLE_ENTITY, "declaration_required").await;
        app.post_expect(token, &format!("/api/v1/evaluations/{eval_id}/declaration"), &json!({"decision": "no_conflict", "pledge": "true"}), StatusCode::NO_CONTENT).await;
        app.post_expect(token, &format!("/api/v1/evaluations/{eval_id}/scores"), &card, StatusCode::OK).await;
    }
    // The bureau may refuse a correction: the computed figure then counts; accepting it again restores it.
    let review = format!("/api/v1/annual-reports/{report_id}/corrections");
    expect_error(app.post(&crew.operator, &review, &json!({"refused": [], "reason": "自查"})).await, StatusCode::FORBIDDEN, "forbidden").await;
    let refused = app.post_expect(&crew.chief, &review, &json!({"refused": ["special_funds_yuan"], "reason": "未见拨付凭证"}), StatusCode::OK).await;
    assert_eq!(refused["id"], report_id);
    let d = app.get_ok(&crew.chief, &format!("/api/v1/evaluations/{eval_id}")).await;
    assert_eq!(component(&d, "special_funds")["value"], 0, "a refused correction does not count");
    app.post_expect(&crew.chief, &review, &json!({"refused": [], "reason": "补充凭证后予以采纳"}), StatusCode::OK).await;
    let d = app.get_ok(&crew.chief, &format!("/api/v1/evaluations/{eval_id}")).await;
    // Means: 85, 80, 80, 70 → 17.00 + 16.00 + 12.00 + 10.50; records: 40/20 → 10.00, no reports → 0,
    // 10/5 → 5.00, the corrected funds 1.2 M / 1 M → 5.00.
    assert_eq!(component(&d, "capability")["score_hundredths"], 8_500);
    assert_eq!(component(&d, "special_funds")["value"], 1_200_000, "the correction counts");
    assert_eq!(component(&d, "verified_projects")["points_hundredths"], 0);
    assert_eq!(d["evaluation"]["total_hundredths"], 7_550);
    let parts: i64 = d["scorecard"]["components"].as_array().unwrap().iter().map(|c| c["points_hundredths"].as_i64().unwrap()).sum();
    assert_eq!(parts, 7_550, "the total is the sum of the components shown");
    assert_eq!(d["evaluation"]["proposed_grade"], "qualified");
    assert_eq!(d["seats"].as_array().unwrap().len(), 3);
    let operator_view = app.get_ok(&crew.operator, &format!("/api/v1/evaluations/{eval_id}")).await;
    assert!(operator_view["seats"].as_array().unwrap().is_empty(), "the center does not see who scored it");

    // Another grade than the proposed one needs a reason; the proposed one does not.
    let v = d["evaluation"]["version"].clone();
    let decide = format!("/api/v1/evaluations/{eval_id}/decision");
    let e = expect_error(app.post(&crew.chief, &decide, &json!({"decision": "grade", "grade": "excellent", "version": v})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    assert_eq!(e["error"]["field"], "reason");
    expect_error(app.post(&crew.operator, &decide, &json!({"decision": "grade", "version": v})).await, StatusCode::FORBIDDEN, "forbidden").await;
    let graded = app.post_expect(&crew.chief, &decide, &json!({"decision": "grade", "version": v}), StatusCode::OK).await;
    assert_eq!((graded["state"].as_str(), graded["grade"].as_str()), (Some("graded"), Some("qualified")));
    expect_error(app.post(&crew.chief, &decide, &json!({"decision": "grade", "version": graded["version"]})).await, StatusCode::CONFLICT, "already_decided").await;
    let actions = app.get_ok(&crew.chief, &format!("/api/v1/evaluation-rounds/{round_id}/actions")).await;
    assert_eq!(actions.as_array().unwrap().len(), 0, "a qualified year prescribes nothing in 000 四");
    assert_eq!(todo(&app, &crew.chief, "evaluations_to_grade").await.0, 0);
    assert_eq!(todo(&app, &crew.panel[0].0, "evaluations_to_score").await.0, 0);

    // Not public until published; then the public list shows the name, total and grade.
    expect_error(app.get_anon(&format!("/api/v1/evaluation-rounds/{round_id}/results")).await, StatusCode::NOT_FOUND, "not_found").await;
    let paper = expect_status(app.get_anon("/api/v1/white-papers/2026").await, StatusCode::OK).await;
    let text = crate::white_paper::text_of(&paper);
    assert!(text.contains("评价结果尚未公布") && !text.contains("75.50"), "an unpublished round stays out of the white paper: {text}");
    let round = app.get_ok(&crew.chief, &format!("/api/v1/evaluation-rounds/{round_id}")).await;
    app.post_expect(&crew.chief, &format!("/api/v1/evaluation-rounds/{round_id}/publication"), &json!({"version": round["round"]["version"]}), StatusCode::OK).await;
    let public = expect_status(app.get_anon(&format!("/api/v1/evaluation-rounds/{round_id}/results")).await, StatusCode::OK).await;
    assert_eq!(public["items"][0]["center_id"], center_id);
    assert_eq!((public["items"][0]["total_hundredths"].as_i64(), public["items"][0]["grade_label"].as_str()), (Some(7_550), Some("合格")));
    assert!(public["items"][0].get("refusal_reason").is_none() && public["items"][0].get("scorecard").is_none());
    // Each center's result is issued signed (存证): its operator reads it, a stranger does not.
    let docs = app.get_ok(&crew.operator, &format!("/api/v1/documents?subject_type=center&subject_id={center_id}")).await;
    let result = docs.as_array().unwrap().iter().find(|d| d["kind"] == "evaluation_result").expect("a signed evaluation result").clone();
    let bundle = app.get(&crew.operator, &format!("/api/v1/documents/{}/bundle", result["id"])).await.bytes().await.unwrap();
    let keys: Vec<pocnet_evidence::note::Verifier> = app.get_anon("/.well-known/pocnet-log-keys").await.text().await.unwrap().lines().map(|l| pocnet_evidence::note::Verifier::parse(l).unwrap()).collect();
    pocnet_evidence::verify_bundle(&bundle, &keys).unwrap();
    let parsed: Value = serde_json::from_slice(&bundle).unwrap();
    assert_eq!((parsed["document"]["subject"]["total_hundredths"].as_i64(), parsed["document"]["subject"]["grade"].as_str()), (Some(7_550), Some("qualified")));
    expect_error(app.get_anon(&format!("/api/v1/documents/{}/bundle", result["id"])).await, StatusCode::NOT_FOUND, "not_found").await;

    // The rankings (排行榜): by total with the equal-weight check, by one indicator, by host institution.
    let r = expect_status(app.get_anon(&format!("/api/v1/evaluation-rounds/{round_id}/rankings")).await, StatusCode::OK).await;
    assert_eq!((r["centers"][0]["place"].as_i64(), r["centers"][0]["value_hundredths"].as_i64()), (Some(1), Some(7_550)));
    assert_eq!((r["sensitivity"]["ranked"].as_i64(), r["sensitivity"]["moved"].as_i64()), (Some(1), Some(0)));
    assert_eq!(r["weights"].as_array().unwrap().len(), 8);
    let r = expect_status(app.get_anon(&format!("/api/v1/evaluation-rounds/{round_id}/rankings?by=capability")).await, StatusCode::OK).await;
    assert_eq!(r["centers"][0]["value_hundredths"], 8_500);
    assert!(r["sensitivity"].is_null(), "the equal-weight check is of the total");
    let r = expect_status(app.get_anon(&format!("/api/v1/evaluation-rounds/{round_id}/rankings?of=hosts&host_kind=enterprise")).await, StatusCode::OK).await;
    assert_eq!((r["hosts"][0]["host_name"].as_str(), r["hosts"][0]["centers"].as_i64()), (Some("瑞安测试智能装备有限公司"), Some(1)));
    let r = expect_status(app.get_anon(&format!("/api/v1/evaluation-rounds/{round_id}/rankings?of=hosts&host_kind=university")).await, StatusCode::OK).await;
    assert!(r["hosts"].as_array().unwrap().is_empty());
    let e = expect_error(app.get_anon(&format!("/api/v1/evaluation-rounds/{round_id}/rankings?by=charm")).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    assert_eq!(e["error"]["field"], "by");
    let html = app.get_anon(&format!("/evaluation/rounds/{round_id}/rankings")).await.text().await.unwrap();
    assert!(html.contains("温州市评价测试概念验证中心") && html.contains("名次不变"), "{html}");

    // The white paper (002 四(四)) now carries the round: grades, rankings, every result, in all three forms.
    let years = expect_status(app.get_anon("/api/v1/white-papers").await, StatusCode::OK).await;
    assert_eq!(years["default_year"], 2026);
    let paper = expect_status(app.get_anon("/api/v1/white-papers/2026").await, StatusCode::OK).await;
    let grades = crate::white_paper::table(&paper, "等次分布1");
    assert!(grades["rows"].as_array().unwrap().contains(&json!(["合格", 1, "100.0%"])), "{grades}");
    let ranking = crate::white_paper::table(&paper, "中心排行1");
    assert_eq!(ranking["rows"][0][0], 1);
    assert_eq!(ranking["rows"][0][1], "温州市评价测试概念验证中心");
    assert_eq!(ranking["rows"][0][4], 75.5, "the total as a number with two decimals");
    let goals = crate::white_paper::table(&paper, "目标完成情况");
    assert_eq!(goals["rows"][0][2], 1, "one municipal center recognized against the 30 of 000 行动方案 一");
    assert!(crate::white_paper::text_of(&paper).contains("敏感性检验"));
    let (_, mut book) = crate::white_paper::files(&app, 2026).await;
    let results = book.worksheet_range("评价结果1").unwrap();
    assert_eq!(results.get_value((3, 1)), Some(&calamine::Data::String("温州市评价测试概念验证中心".into())));
    assert_eq!(results.get_value((3, 4)), Some(&calamine::Data::Float(75.5)), "a score stays a number in Excel");
    let html = app.get_anon("/white-paper/2026").await.text().await.unwrap();
    assert!(html.contains("中心排行榜") && html.contains("75.50"), "{html}");
}

#[tokio::test]
async fn two_unqualified_years_propose_revocation_and_the_bureau_confirms_it_with_a_reason() {
    let app = spawn_workflow_app().await;
    let (crew, center_id) = recognized(&app).await;
    // 2025 (evaluated late, as a bureau catching up) and 2026: no scores, the bureau sets 不合格 with its reason.
    for (year, expect) in [(2025, "caution"), (2026, "revoke")] {
        let round_id = open_round(&app, &crew.chief, year).await["id"].as_i64().unwrap();
        let e = own_evaluation(&app, &crew.operator, round_id).await;
        let decide = format!("/api/v1/evaluations/{}/decision", e["id"]);
        let no_grade = json!({"decision": "grade", "version": e["version"]});
        let err = expect_error(app.post(&crew.chief, &decide, &no_grade).await, StatusCode::UNPROCESSABLE_ENTITY, "no_total").await;
        assert_eq!(err["error"]["field"], "grade");
        let body = json!({"decision": "grade", "grade": "unqualified", "reason": "年度运行报告未体现服务成效，专家现场核查不合格", "version": e["version"]});
        app.post_expect(&crew.chief, &decide, &body, StatusCode::OK).await;
        let actions = app.get_ok(&crew.chief, &format!("/api/v1/evaluation-rounds/{round_id}/actions")).await;
        let kinds: Vec<&str> = actions.as_array().unwrap().iter().map(|a| a["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, [expect], "{year}");
        let a = &actions[0];
        assert_eq!((a["article"].as_str(), a["state"].as_str()), (Some("四"), Some("proposed")));
        if year == 2026 {
            assert!(a["explanation"].as_str().unwrap().contains("2025、2026"), "{a}");
            let path = format!("/api/v1/management-actions/{}/decision", a["id"]);
            let e = expect_error(app.post(&crew.chief, &path, &json!({"decision": "confirm", "reason": "", "version": a["version"]})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
            assert_eq!(e["error"]["field"], "reason");
            let center = app.get_ok(&crew.chief, &format!("/api/v1/centers/{center_id}")).await;
            assert_eq!(center["center"]["status"], "active", "nothing changes before the bureau confirms: {center}");
            let done = app.post_expect(&crew.chief, &path, &json!({"decision": "confirm", "reason": "经局务会研究，取消资格", "version": a["version"]}), StatusCode::OK).await;
            assert_eq!(done["state"], "confirmed");
            let center = app.get_ok(&crew.chief, &format!("/api/v1/centers/{center_id}")).await;
            assert_eq!(center["center"]["status"], "revoked");
            let revoke = center["events"].as_array().unwrap().iter().find(|e| e["action"] == "revoke").expect("revoke event");
            assert_eq!(revoke["article"], "四");
            expect_error(app.post(&crew.chief, &path, &json!({"decision": "dismiss", "reason": "重复处理", "version": done["version"]})).await, StatusCode::CONFLICT, "version_conflict").await;
        } else {
            let path = format!("/api/v1/management-actions/{}/decision", a["id"]);
            app.post_expect(&crew.chief, &path, &json!({"decision": "confirm", "reason": "书面警示", "version": a["version"]}), StatusCode::OK).await;
        }
    }
}

#[tokio::test]
async fn refusing_the_evaluation_without_cause_proposes_revocation_and_with_cause_nothing() {
    let app = spawn_workflow_app().await;
    let (crew, _) = recognized(&app).await;
    let round_id = open_round(&app, &crew.chief, 2026).await["id"].as_i64().unwrap();
    let e = own_evaluation(&app, &crew.operator, round_id).await;
    let decide = format!("/api/v1/evaluations/{}/decision", e["id"]);
    let body = json!({"decision": "refused", "reason": "未报送年度运行报告，经两次催告仍未参加评价", "version": e["version"]});
    let refused = app.post_expect(&crew.chief, &decide, &body, StatusCode::OK).await;
    assert_eq!((refused["state"].as_str(), refused["refused_with_cause"].as_i64()), (Some("refused"), Some(0)));
    let actions = app.get_ok(&crew.chief, &format!("/api/v1/evaluation-rounds/{round_id}/actions")).await;
    assert_eq!(actions[0]["kind"], "revoke");
    assert!(actions[0]["explanation"].as_str().unwrap().contains("无正当理由不参加"));
    // The published list names it as not having taken part.
    let round = app.get_ok(&crew.chief, &format!("/api/v1/evaluation-rounds/{round_id}")).await;
    app.post_expect(&crew.chief, &format!("/api/v1/evaluation-rounds/{round_id}/publication"), &json!({"version": round["round"]["version"]}), StatusCode::OK).await;
    let public = expect_status(app.get_anon(&format!("/api/v1/evaluation-rounds/{round_id}/results")).await, StatusCode::OK).await;
    assert_eq!((public["items"][0]["grade"].as_str(), public["items"][0]["total_hundredths"].as_i64()), (Some("refused"), None));
}

/// Issue 14 三: the round's evaluation panels come from the same solver as
/// applications and screening — the center's host unit excluded, previewed,
/// confirmed into invitations; a round with every center staffed has nothing left.
#[tokio::test]
async fn the_bureau_staffs_a_rounds_evaluation_panels_with_the_solver() {
    let app = spawn_workflow_app().await;
    let (crew, _center_id) = recognized(&app).await;
    // An expert of the center's own host unit must never sit on its panel.
    let colleague = app.add_expert("同单位专家", crew.operator_org, None).await;
    let round = open_round(&app, &crew.chief, 2026).await;
    let round_id = round["id"].as_i64().unwrap();
    let eval_id = own_evaluation(&app, &crew.operator, round_id).await["id"].as_i64().unwrap();
    let path = format!("/api/v1/evaluation-rounds/{round_id}/assignments");
    let settings = json!({"panel_size": 3, "min_industry": 0, "min_investment": 0, "max_load": 5});
    expect_error(app.post(&crew.operator, &path, &settings).await, StatusCode::FORBIDDEN, "forbidden").await;
    let e = expect_error(app.post(&crew.chief, &path, &json!({"panel_size": 2, "max_load": 5})).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    assert_eq!(e["error"]["field"], "panel_size");
    let run = app.post_expect(&crew.chief, &path, &settings, StatusCode::CREATED).await;
    assert_eq!((run["run"]["purpose"].as_str(), run["run"]["round_id"].as_i64()), (Some("evaluation"), Some(round_id)));
    let panel = &run["solution"]["panels"][0];
    assert_eq!(panel["item"], eval_id.to_string());
    let mut seated: Vec<i64> = panel["experts"].as_array().unwrap().iter().map(|s| s["expert"].as_str().unwrap().parse().unwrap()).collect();
    seated.sort_unstable();
    let mut crew_ids: Vec<i64> = crew.panel.iter().map(|(_, id)| *id).collect();
    crew_ids.sort_unstable();
    assert_eq!(seated, crew_ids, "the three outside experts, never the colleague #{colleague}");
    let html = app.get(&crew.chief, &format!("/assignments/{}", run["run"]["id"])).await.text().await.unwrap();
    assert!(html.contains("年度绩效评价专家组分配方案") && html.contains("温州市评价测试概念验证中心"), "{html}");
    let runs = app.get_ok(&crew.chief, &path).await;
    assert_eq!(runs.as_array().unwrap().len(), 1);
    let invited = app.post_expect(&crew.chief, &format!("/api/v1/assignments/{}/confirm", run["run"]["id"]), &json!({}), StatusCode::OK).await;
    assert_eq!(invited["invited"], 3);
    let d = app.get_ok(&crew.chief, &format!("/api/v1/evaluations/{eval_id}")).await;
    assert_eq!(d["seats"].as_array().unwrap().len(), 3);
    assert_eq!(todo(&app, &crew.panel[0].0, "evaluations_to_declare").await.0, 1);
    expect_error(app.post(&crew.chief, &path, &settings).await, StatusCode::UNPROCESSABLE_ENTITY, "nothing_to_assign").await;
}
