//! The policies as written (issue 10 §3), over HTTP: Wenzhou's creation stage
//! and the public creation list, every-year funds, calls within the
//! profile's validity, notice lengths, who may be revoked, 市定市级 for pilot
//! platforms and their overdue re-evaluations, each center's own catalogue,
//! one count of recognized centers on every page, and the bureau's calendar upload.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn criterion<'a>(e: &'a Value, code: &str) -> &'a Value {
    e["criteria"].as_array().unwrap().iter().find(|c| c["code"] == code).unwrap_or_else(|| panic!("no {code} in {e}"))
}

fn card(d: &Value, label: &str) -> i64 {
    d["cards"].as_array().unwrap().iter().find(|c| c["label"] == label).and_then(|c| c["value"].as_i64()).unwrap_or_else(|| panic!("no card {label} in {d}"))
}

fn testid(html: &str, id: &str) -> String {
    let marker = format!("data-testid=\"{id}\">");
    let start = html.find(&marker).unwrap_or_else(|| panic!("no {id}")) + marker.len();
    html[start..].split('<').next().unwrap().trim().to_owned()
}

/// Takes an application through submission, review, panel, proposal and a
/// notice starting today, then approves it the day after the notice ends.
async fn through_approval(app: &TestApp, crew: &Crew, call_id: i64, center_id: i64, name: &str) -> Value {
    let id = apply(app, &crew.operator, call_id, center_id, name).await;
    app.step_ok(&crew.operator, id, "submit", "").await;
    app.step_ok(&crew.ruian, id, "county_approve", "同意推荐").await;
    panel_scores(app, crew, id, [80, 82, 84]).await;
    app.step_ok(&crew.chief, id, "propose", "").await;
    let a = app.step_ok(&crew.chief, id, "publish_notice", "").await;
    let end = chrono::NaiveDate::parse_from_str(a["notice_end"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    app.set_today(&end.succ_opt().unwrap().to_string());
    app.step_ok(&crew.chief, id, "approve", "公示期满无异议").await
}

/// Declares each code yes and uploads its evidence.
async fn declare_with_evidence(app: &TestApp, operator: &str, center_id: i64, codes: &[&str]) {
    for code in codes {
        app.file_op(operator, center_id, json!({"op": "declare", "code": code, "value": "yes"})).await;
    }
    upload_evidence(app, operator, center_id, codes).await;
}

/// 000 方案 三(二) "先创建后认定": a creation call under the Wenzhou profile works
/// (it answered `stage_missing` before), and the approval publishes the center on
/// the creation list — public with its stage (003 五(一)5 的同一读法), not counted as recognized.
#[tokio::test]
async fn wenzhou_creation_call_publishes_a_creation_list() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call_id = publish_call(&app, &crew.chief, WENZHOU, "creation", "2026-12-31").await;
    let center_id = register_center(&app, &crew.operator, "瑞安眼脑健康概念验证中心（筹）", &["eye_brain_health"], Some(400)).await;
    let e = app.eligibility(&crew.operator, center_id, WENZHOU, "creation").await;
    let codes: Vec<&str> = e["criteria"].as_array().unwrap().iter().filter_map(|c| c["code"].as_str()).collect();
    assert_eq!(codes, ["legal_entity_in_wenzhou", "construction_plan", "management_system", "compliance_three_years"]);
    declare_with_evidence(&app, &crew.operator, center_id, &codes).await;

    let a = through_approval(&app, &crew, call_id, center_id, "温州市眼脑健康概念验证中心").await;
    assert_eq!(a["state"], "approved");
    let c = app.get_ok(&crew.operator, &format!("/api/v1/centers/{center_id}")).await["center"].clone();
    assert_eq!((c["stage"].as_str(), c["profile_id"].as_str()), (Some("creating"), Some(WENZHOU)));
    assert!(c["recognized_on"].is_null());
    assert_eq!(c["certificate_no"], "温州市概验创〔2026〕001号");

    let list = expect_status(app.get_anon("/api/v1/centers").await, StatusCode::OK).await;
    let listed = list["items"].as_array().unwrap().iter().find(|x| x["id"] == center_id).expect("on the public creation list");
    assert_eq!(listed["stage"], "creating");
    let home = app.get_anon("/").await.text().await.unwrap();
    assert_eq!((testid(&home, "recognized-count"), testid(&home, "creating-count")), ("0".into(), "1".into()));
    let d = app.get_ok(&crew.chief, "/api/v1/dashboard").await;
    assert_eq!((card(&d, "市级及以上概念验证中心"), card(&d, "创建中")), (0, 1));

    // Only a center in creation or recognized can be revoked: the creating one can, an applicant cannot.
    let applicant = register_center(&app, &crew.operator, "瑞安尚在申报概念验证中心", &["smart_equipment"], None).await;
    let fraud = json!({"reason_code": "fraud", "details": "创建申报材料虚报场地面积"});
    let resp = app.post(&crew.chief, &format!("/api/v1/centers/{applicant}/revocation"), &fraud).await;
    expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "not_revocable").await;
    assert_eq!(app.count_where("center_events", &format!("center_id = {applicant}")).await, 0, "a refusal changes nothing");
    let c = app.post_expect(&crew.chief, &format!("/api/v1/centers/{center_id}/revocation"), &fraud, StatusCode::OK).await;
    assert_eq!(c["status"], "revoked");
    let d = app.get_ok(&crew.chief, "/api/v1/dashboard").await;
    assert_eq!(card(&d, "创建中"), 0, "a revoked center is not on the creation list");
    let home = app.get_anon("/").await.text().await.unwrap();
    assert_eq!(testid(&home, "creating-count"), "0");
}

/// 000 指引 二(二) "每年配备…不低于100万元": 80万 + 120万 fails (every year must
/// reach it), at once, not "missing evidence"; 003 四(二)5 "年均…不低于50万元"
/// stays an average on the same records.
#[tokio::test]
async fn special_funds_every_year_in_wenzhou_and_on_average_in_urumqi() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let id = register_center(&app, &crew.operator, "瑞安资金测试概念验证中心", &["new_energy"], Some(300)).await;
    for (year, amount) in [(2024, "800000"), (2025, "1200000")] {
        app.file_op(&crew.operator, id, json!({"op": "add_special_funds", "year": year, "amount_yuan": amount})).await;
    }
    let wz = criterion(&app.eligibility(&crew.operator, id, WENZHOU, "recognition").await, "special_funds").clone();
    assert_eq!((wz["outcome"].as_str(), wz["figures"][0][1].as_i64()), (Some("not_met"), Some(800_000)), "{wz}");
    let uq = criterion(&app.eligibility(&crew.operator, id, URUMQI, "recognition").await, "special_funds").clone();
    assert_eq!((uq["outcome"].as_str(), uq["figures"][0][1].as_i64()), (Some("missing_evidence"), Some(1_000_000)), "{uq}");
    upload_evidence(&app, &crew.operator, id, &["special_funds_per_year_yuan"]).await;
    let uq = criterion(&app.eligibility(&crew.operator, id, URUMQI, "recognition").await, "special_funds").clone();
    assert_eq!(uq["outcome"], "met");
    let wz = criterion(&app.eligibility(&crew.operator, id, WENZHOU, "recognition").await, "special_funds").clone();
    assert_eq!(wz["outcome"], "not_met", "evidence cannot lift the lowest year");
}

/// A call's dates lie within its profile's validity (Wenzhou 2025-11-17 至 2027-12-31,
/// 000 方案 四、指引 七); a refused call changes nothing.
#[tokio::test]
async fn a_call_outside_its_profiles_validity_is_refused() {
    let app = spawn_workflow_app().await;
    let chief = app.token("chief").await;
    let call = |opens: Option<&str>, deadline: &str| {
        let mut b = json!({"title": "温州市概念验证中心认定申报通知", "profile_id": WENZHOU, "kind": "recognition", "deadline": deadline});
        if let Some(o) = opens {
            b["opens_on"] = json!(o);
        }
        b
    };
    for (opens, deadline, field) in [(None, "2028-01-01", "deadline"), (Some("2025-11-16"), "2026-06-30", "opens_on")] {
        let err = expect_error(app.post(&chief, "/api/v1/calls", &call(opens, deadline)).await, StatusCode::UNPROCESSABLE_ENTITY, "outside_policy_validity").await;
        assert_eq!(err["error"]["field"], field, "{err}");
        assert!(err["error"]["message"].as_str().unwrap().contains("2027-12-31"), "{err}");
    }
    assert_eq!(app.count("calls").await, 0);
    app.post_expect(&chief, "/api/v1/calls", &call(None, "2027-12-31"), StatusCode::CREATED).await;
}

/// A bureau may set a notice longer than the minimum where the profile says
/// "不少于" (003 五(一)5 "公示不少于5天"), never shorter; Wenzhou's "公示5个工作日"
/// (000 指引 三(四)) is exact.
#[tokio::test]
async fn a_longer_notice_only_where_the_profile_says_at_least() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let creation = publish_call(&app, &crew.chief, URUMQI, "creation", "2026-12-31").await;
    let center = make_urumqi_ready_center(&app, &crew.operator, "乌鲁木齐公示测试概念验证中心（筹）").await;
    let id = apply(&app, &crew.operator, creation, center, "乌鲁木齐市公示测试概念验证中心").await;
    app.step_ok(&crew.operator, id, "submit", "").await;
    app.step_ok(&crew.ruian, id, "county_approve", "同意推荐").await;
    panel_scores(&app, &crew, id, [80, 82, 84]).await;
    let visit = json!({"visited_on": app.today().to_string(), "visitors": "市科技局考察组", "findings": "与申报材料一致"});
    app.post_expect(&crew.chief, &format!("/api/v1/applications/{id}/site-visits"), &visit, StatusCode::NO_CONTENT).await;
    app.step_ok(&crew.chief, id, "propose", "").await;
    let version = app.application(&crew.chief, id).await["application"]["version"].as_i64().unwrap();
    let publish = |days: i64| json!({"action": "publish_notice", "comments": "", "version": version, "notice_start": "2026-03-02", "notice_days": days});
    let path = format!("/api/v1/applications/{id}/steps");
    let err = expect_error(app.post(&crew.chief, &path, &publish(4)).await, StatusCode::UNPROCESSABLE_ENTITY, "notice_period").await;
    assert_eq!(err["error"]["field"], "notice_days");
    assert_eq!(app.application(&crew.chief, id).await["application"]["state"], "proposed", "a refusal changes nothing");
    let a = app.post_expect(&crew.chief, &path, &publish(10), StatusCode::OK).await;
    assert_eq!((a["notice_start"].as_str(), a["notice_end"].as_str()), (Some("2026-03-02"), Some("2026-03-11")), "ten calendar days");

    // Wenzhou: exactly five working days.
    let call = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2026-12-31").await;
    let wz = make_wenzhou_ready_center(&app, &crew.operator, "瑞安公示测试概念验证中心").await;
    let id = apply(&app, &crew.operator, call, wz, "温州市公示测试概念验证中心").await;
    app.step_ok(&crew.operator, id, "submit", "").await;
    app.step_ok(&crew.ruian, id, "county_approve", "同意推荐").await;
    panel_scores(&app, &crew, id, [80, 82, 84]).await;
    app.step_ok(&crew.chief, id, "propose", "").await;
    let version = app.application(&crew.chief, id).await["application"]["version"].as_i64().unwrap();
    let body = json!({"action": "publish_notice", "comments": "", "version": version, "notice_days": 7});
    let err = expect_error(app.post(&crew.chief, &format!("/api/v1/applications/{id}/steps"), &body).await, StatusCode::UNPROCESSABLE_ENTITY, "notice_period").await;
    assert!(err["error"]["message"].as_str().unwrap().contains("三(四)"), "{err}");
}

/// 001 中试 五 "市定市级、省定省级": a municipal pilot platform is recognized under
/// the municipal profile and re-evaluated under it, never the provincial one; a
/// re-evaluation past its due date shows as overdue in the list and the dashboard.
#[tokio::test]
async fn a_municipal_pilot_platform_is_judged_and_re_evaluated_under_its_own_level() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    const MUNICIPAL: &str = "wenzhou-pilot-platform-2025";
    let call_id = publish_call(&app, &crew.chief, MUNICIPAL, "recognition", "2026-12-31").await;
    let body = json!({"name": "瑞安储能中试平台（筹）", "kind": "pilot_platform", "fields": ["energy_storage"], "admin_director": "王行政",
        "tech_director": "赵技术", "summary": "新型储能中试熟化", "floor_area_m2": 3000});
    let platform = app.post_expect(&crew.operator, "/api/v1/registry/centers", &body, StatusCode::CREATED).await["id"].as_i64().unwrap();
    // Its default profile is the municipal one (its level), not the provincial.
    let e = app.get_ok(&crew.operator, &format!("/api/v1/centers/{platform}/eligibility?kind=recognition")).await;
    assert_eq!(e["profile_id"], MUNICIPAL, "{e}");
    declare_with_evidence(&app, &crew.operator, platform, &["legal_entity", "dedicated_equipment", "project_management", "open_service"]).await;
    through_approval(&app, &crew, call_id, platform, "温州市储能中试平台").await;
    let c = app.get_ok(&crew.chief, &format!("/api/v1/centers/{platform}")).await["center"].clone();
    assert_eq!((c["level"].as_str(), c["profile_id"].as_str(), c["reevaluation_due"].as_str()), (Some("municipal"), Some(MUNICIPAL), Some("2028-03-07")));

    // On the due day it is not overdue; the day after it is, in the list and on the dashboard.
    app.set_today("2028-03-07");
    let chief = crew.chief.clone();
    assert_eq!(card(&app.get_ok(&chief, "/api/v1/dashboard").await, "复评逾期"), 0);
    app.set_today("2028-03-08");
    let d = app.get_ok(&chief, "/api/v1/dashboard").await;
    assert_eq!(card(&d, "复评逾期"), 1);
    let own = app.get_ok(&crew.operator, "/api/v1/dashboard").await;
    assert!(own["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("复评已逾期：应于2028-03-07前复评")), "{own}");
    let (browser, _, _) = app.login("chief").await;
    let html = browser.get(app.url("/centers?sort=reevaluation_due")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("data-testid=\"reevaluation-overdue\">2028-03-07 已逾期"), "{html}");

    // Re-evaluated under the municipal profile's article (001中试五), not the provincial "五".
    let pass = json!({"evaluated_on": "2028-03-08", "result": "pass", "comments": "市级复评通过"});
    let c = app.post_expect(&chief, &format!("/api/v1/centers/{platform}/reevaluations"), &pass, StatusCode::OK).await;
    assert_eq!(c["reevaluation_due"], "2030-03-08");
    let detail = app.get_ok(&chief, &format!("/api/v1/centers/{platform}")).await;
    let event = detail["events"].as_array().unwrap().iter().rfind(|e| e["action"] == "reevaluate").expect("reevaluate event");
    assert_eq!(event["article"], "001中试五");
    assert_eq!(card(&app.get_ok(&chief, "/api/v1/dashboard").await, "复评逾期"), 0);
}

/// Every profile has its own catalogue for centers and results: a result in
/// 脑机接口 (a Shanghai field, 004 二(三)) is accepted by a center under no
/// profile yet and refused by a Wenzhou-recognized one (000 二(一)). The counts
/// agree: home page, dashboard and center page (recognized = a recognition on
/// record and active; 累计入库 counts a stopped project as the criteria do).
#[tokio::test]
async fn catalogues_per_profile_and_counts_that_agree() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call_id = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2026-12-31").await;
    let recognized = make_wenzhou_ready_center(&app, &crew.operator, "瑞安目录测试概念验证中心").await;
    recognize_wenzhou(&app, &crew, call_id, recognized, "温州市目录测试概念验证中心").await;
    let fresh = register_center(&app, &crew.operator, "瑞安脑机接口概念验证中心（筹）", &["brain_computer_interface"], None).await;
    let bci = |center: i64| json!({"center_id": center, "owner_org_id": app.lucheng_univ, "title": "非侵入式脑机接口信号解码", "summary": "面向康复场景的非侵入式脑机接口信号解码算法，已完成实验室验证。",
        "field": "脑机接口", "sub_field": "", "source": "university", "team": ["张伟"], "trl": "3"});
    app.post_expect(&crew.operator, "/api/v1/results", &bci(fresh), StatusCode::CREATED).await;
    let err = expect_error(app.post(&crew.operator, "/api/v1/results", &bci(recognized)).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    assert_eq!(err["error"]["field"], "field", "{err}");
    // The form offers every PoC profile's catalogue (脑机接口 has no sub-field).
    let (browser, _, _) = app.login("operator").await;
    let form = browser.get(app.url("/results/new")).send().await.unwrap().text().await.unwrap();
    assert!(form.contains("value=\"brain_computer_interface/\"") && form.contains("value=\"life_health/eye_brain_health\""), "{form}");

    // A center never recognized cannot be put in key cultivation by a regrade.
    let v = app.get_ok(&crew.chief, &format!("/api/v1/centers/{fresh}")).await["center"]["version"].as_i64().unwrap();
    let regrade = json!({"stage": "key_cultivation", "level": "municipal", "reason": "拟重点培育", "article": "003 二(四)", "version": v});
    let err = expect_error(app.post(&crew.chief, &format!("/api/v1/centers/{fresh}/grade"), &regrade).await, StatusCode::UNPROCESSABLE_ENTITY, "not_recognized").await;
    assert_eq!(err["error"]["field"], "stage");

    // One recognized center everywhere; the dashboard's coverage counts sub-fields and host types.
    let home = app.get_anon("/").await.text().await.unwrap();
    assert_eq!(testid(&home, "recognized-count"), "1");
    let d = app.get_ok(&crew.chief, "/api/v1/dashboard").await;
    assert_eq!(card(&d, "市级及以上概念验证中心"), 1);
    let charts = d["charts"].as_array().unwrap();
    let bars = |title: &str| charts.iter().find(|c| c["title"].as_str().unwrap().contains(title)).map(|c| c["bars"].clone()).unwrap_or_else(|| panic!("no chart {title}: {d}"));
    let fields = bars("细分领域");
    assert!(fields.as_array().unwrap().iter().any(|b| b[0] == "智能装备" && b[1] == 1), "{fields}");
    assert!(fields.as_array().unwrap().iter().any(|b| b[0] == "未来产业 · 人形机器人" && b[1] == 0), "{fields}");
    let hosts = bars("依托单位类型");
    assert_eq!(hosts.as_array().unwrap().len(), 4, "高校、科研院所、研究型医院、孵化器: {hosts}");
    assert!(d["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("眼脑健康")), "{d}");

    // 累计入库: a stopped project counts on the dashboard as in the criteria (000 指引 二(二)).
    app.add_results(recognized, crew.operator_org, 1, "stopped").await;
    let lib = criterion(&app.eligibility(&crew.operator, recognized, WENZHOU, "recognition").await, "library_projects")["figures"][0][1].as_i64().unwrap();
    let mine = app.get_ok(&crew.operator, "/api/v1/dashboard").await;
    assert_eq!((lib, card(&mine, "累计入库项目")), (41, 41));

    // Revoked: no longer counted anywhere.
    let fraud = json!({"reason_code": "misconduct", "details": "发生严重科研失信行为"});
    app.post_expect(&crew.chief, &format!("/api/v1/centers/{recognized}/revocation"), &fraud, StatusCode::OK).await;
    let home = app.get_anon("/").await.text().await.unwrap();
    assert_eq!(testid(&home, "recognized-count"), "0");
    assert_eq!(card(&app.get_ok(&crew.chief, "/api/v1/dashboard").await, "市级及以上概念验证中心"), 0);
}

async fn upload_calendar(app: &TestApp, token: &str, text: &str) -> reqwest::Response {
    let boundary = "pocnet-calendar-boundary-7d1e";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"2027.toml\"\r\nContent-Type: text/plain\r\n\r\n{text}\r\n--{boundary}--\r\n"
    );
    app.http
        .post(app.url("/api/v1/calendar"))
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .expect("upload")
}

/// The State Council publishes next year's holidays each autumn: from November
/// the bureau's dashboard warns while next year is missing; the bureau uploads
/// the schedule (checked, every problem with its line, nothing kept on error);
/// a notice into the new year is then counted on it. Never a guessed year.
#[tokio::test]
async fn the_bureau_uploads_next_years_calendar() {
    let app = spawn_workflow_app().await;
    let chief = app.token("chief").await;
    let warned = |d: &Value| d["notes"].as_array().unwrap().iter().any(|n| n.as_str().unwrap().contains("2027年的节假日安排"));
    assert!(!warned(&app.get_ok(&chief, "/api/v1/dashboard").await), "no warning before November");
    app.set_today("2026-11-02");
    assert!(warned(&app.get_ok(&chief, "/api/v1/dashboard").await));

    let bad = "[[year]]\nyear = 2027\nnotice = \"国务院办公厅关于2027年部分节假日安排的通知\"\nholidays = [\n  \"2027-02-30\",\n  \"2026-10-01\",\n]\nmakeup_working_days = [\"2027-03-03\"]\n";
    let err = expect_error(upload_calendar(&app, &chief, bad).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_calendar").await;
    let messages: Vec<&str> = err["error"]["errors"].as_array().unwrap().iter().filter_map(|e| e["message"].as_str()).collect();
    assert_eq!(messages.len(), 3, "{err}");
    assert!(messages[0].starts_with("第5行") && messages[1].starts_with("第6行") && messages[2].starts_with("第8行"), "{messages:?}");
    assert_eq!(err["error"]["field"], "file");
    assert_eq!(app.count("calendar_uploads").await, 0, "nothing kept");
    let ruian = app.token("ruian").await;
    expect_error(upload_calendar(&app, &ruian, bad).await, StatusCode::FORBIDDEN, "forbidden").await;

    let good = "[[year]]\nyear = 2027\nnotice = \"国务院办公厅关于2027年部分节假日安排的通知\"\nholidays = [\"2027-01-01..2027-01-03\"]\nmakeup_working_days = []\n";
    let u = expect_status(upload_calendar(&app, &chief, good).await, StatusCode::CREATED).await;
    assert_eq!(u["years"], "2027");
    assert!(!warned(&app.get_ok(&chief, "/api/v1/dashboard").await));
    let status = app.get_ok(&chief, "/api/v1/calendar").await;
    assert_eq!(status["years"], json!([2025, 2026, 2027]));

    // A Wenzhou notice published on 29 December runs into 2027 on the uploaded schedule:
    // 29, 30, 31 Dec, then past 1–3 Jan to 4 and 5 Jan.
    let crew = crew(&app).await;
    let call = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2027-06-30").await;
    let center = make_wenzhou_ready_center(&app, &crew.operator, "瑞安跨年公示概念验证中心").await;
    let id = apply(&app, &crew.operator, call, center, "温州市跨年公示概念验证中心").await;
    app.step_ok(&crew.operator, id, "submit", "").await;
    app.step_ok(&crew.ruian, id, "county_approve", "同意推荐").await;
    panel_scores(&app, &crew, id, [80, 82, 84]).await;
    app.step_ok(&crew.chief, id, "propose", "").await;
    app.set_today("2026-12-29");
    let a = app.step_ok(&crew.chief, id, "publish_notice", "").await;
    assert_eq!((a["notice_start"].as_str(), a["notice_end"].as_str()), (Some("2026-12-29"), Some("2027-01-05")));

    // The page works without script: the bureau sees the years and the upload form.
    let (browser, _, csrf) = app.login("chief").await;
    let html = browser.get(app.url("/calendar")).send().await.unwrap().text().await.unwrap();
    assert_eq!(testid(&html, "calendar-years"), "2025年、2026年、2027年");
    assert!(html.contains("data-testid=\"calendar-form\""));
    // The form shows every problem of a bad file with its line, in Chinese, and keeps nothing.
    let boundary = "pocnet-calendar-form-3b9c";
    let body = format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bad.toml\"\r\nContent-Type: text/plain\r\n\r\n{bad}\r\n--{boundary}--\r\n");
    let resp = browser
        .post(app.url(&format!("/calendar?csrf_token={csrf}")))
        .header(reqwest::header::CONTENT_TYPE, format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(html.contains("文件有3处问题") && html.contains("第5行") && html.contains("调休上班日须为周六或周日"), "{html}");
    assert_eq!(app.count("calendar_uploads").await, 1, "still only the good upload");
}
