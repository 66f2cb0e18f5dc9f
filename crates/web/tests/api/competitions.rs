//! Concept-verification competitions over HTTP (issue 18; 004 四(四)): the bureau announces one,
//! teams and enterprises enter within the window, the bureau closes the entries, scores them and
//! announces the prizes down the ranking; the public reads the winners only. Entries never land
//! after the entries close, not even when they arrive at the same moment.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn competition(app: &TestApp, opens_in: i64) -> Value {
    let day = |d: i64| (app.today() + chrono::Duration::days(d)).to_string();
    json!({"title": "温州概念验证大赛", "description": "面向未来产业的早期成果，评审技术创新性、市场前景和团队", "field": "",
        "opens_on": day(opens_in), "closes_on": day(opens_in + 30), "prize_first": 1, "prize_second": 1, "prize_third": "", "prize_merit": 1})
}

fn entry(title: &str) -> Value {
    json!({"title": title, "summary": "钙钛矿与晶硅叠层的柔性组件，效率超过三成", "team": "张伟、李娜", "scenario": "建筑光伏"})
}

#[tokio::test]
async fn the_bureau_runs_a_competition_from_entries_to_prizes() {
    let app = spawn_workflow_app().await;
    let chief = app.token("chief").await;
    let mut tokens = Vec::new();
    for (i, (name, kind)) in [("瓯江测试大学", "university"), ("温州测试储能有限公司", "enterprise"), ("温州测试医院", "hospital"), ("瑞安测试材料有限公司", "enterprise")].iter().enumerate() {
        let org = app.add_org(name, kind, "鹿城区").await;
        app.add_user(&format!("team{i}"), Role::Researcher, org).await;
        tokens.push(app.token(&format!("team{i}")).await);
    }
    let crew = crew(&app).await;

    // Only the bureau announces; every field is checked.
    expect_error(app.post(&tokens[0], "/api/v1/competitions", &competition(&app, 0)).await, StatusCode::FORBIDDEN, "forbidden").await;
    let mut bad = competition(&app, -1);
    bad["prize_first"] = json!(0);
    bad["prize_second"] = json!(0);
    bad["prize_merit"] = json!(0);
    let e = expect_error(app.post(&chief, "/api/v1/competitions", &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    assert!(e["error"]["errors"].as_array().unwrap().iter().any(|x| x["field"] == "opens_on"), "{e}");
    assert_eq!(app.count("competitions").await, 0);

    // Not yet open: no entries.
    let later = app.post_expect(&chief, "/api/v1/competitions", &competition(&app, 5), StatusCode::CREATED).await;
    let lid = later["competition"]["id"].as_i64().unwrap();
    expect_error(app.post(&tokens[0], &format!("/api/v1/competitions/{lid}/entries"), &entry("柔性光伏")).await, StatusCode::UNPROCESSABLE_ENTITY, "not_open").await;

    let v = app.post_expect(&chief, "/api/v1/competitions", &competition(&app, 0), StatusCode::CREATED).await;
    let id = v["competition"]["id"].as_i64().unwrap();
    assert_eq!(v["competition"]["state"], "open");
    let listed = expect_status(app.get_anon("/api/v1/competitions").await, StatusCode::OK).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 2, "the public reads the competitions");

    // Entries: checked, one per title per unit, only researchers' and enterprises' accounts.
    let e = expect_error(app.post(&tokens[0], &format!("/api/v1/competitions/{id}/entries"), &json!({"title": "光", "summary": "短", "team": ""})).await, StatusCode::UNPROCESSABLE_ENTITY, "too_short").await;
    assert_eq!(e["error"]["errors"].as_array().unwrap().len(), 3, "{e}");
    expect_error(app.post(&crew.operator, &format!("/api/v1/competitions/{id}/entries"), &entry("中心项目")).await, StatusCode::FORBIDDEN, "forbidden").await;
    let titles = ["柔性叠层光伏组件", "钠离子储能模组", "可穿戴心电贴", "自修复电缆护套"];
    for (t, title) in tokens.iter().zip(titles) {
        app.post_expect(t, &format!("/api/v1/competitions/{id}/entries"), &entry(title), StatusCode::CREATED).await;
    }
    expect_error(app.post(&tokens[0], &format!("/api/v1/competitions/{id}/entries"), &entry(titles[0])).await, StatusCode::CONFLICT, "duplicate").await;
    let extra = app.post_expect(&tokens[0], &format!("/api/v1/competitions/{id}/entries"), &entry("光伏清洗机器人"), StatusCode::CREATED).await;
    let own: Vec<Value> = extra["entries"].as_array().unwrap().to_vec();
    assert_eq!(own.len(), 2, "an entrant reads its unit's own entries only: {extra}");
    let mine = own.iter().find(|e| e["title"] == "光伏清洗机器人").unwrap();
    let v = app.post_expect(&tokens[0], &format!("/api/v1/competition-entries/{}/withdraw", mine["id"]), &json!({"version": mine["version"]}), StatusCode::OK).await;
    assert_eq!(v["competition"]["entries"], 4);
    expect_error(app.post(&tokens[1], &format!("/api/v1/competition-entries/{}/withdraw", mine["id"]), &json!({"version": 2})).await, StatusCode::NOT_FOUND, "not_found").await;
    assert!(expect_status(app.get_anon(&format!("/api/v1/competitions/{id}")).await, StatusCode::OK).await["entries"].as_array().unwrap().is_empty(), "the public sees no entry before the prizes");

    // Judging: scores for every standing entry, then the prizes down the ranking.
    let v = app.get_ok(&chief, &format!("/api/v1/competitions/{id}")).await;
    let step = |action: &str, v: &Value| json!({"action": action, "version": v["competition"]["version"]});
    expect_error(app.post(&chief, &format!("/api/v1/competitions/{id}/step"), &step("announce", &v)).await, StatusCode::CONFLICT, "illegal_transition").await;
    let v = app.post_expect(&chief, &format!("/api/v1/competitions/{id}/step"), &step("close", &v), StatusCode::OK).await;
    assert_eq!(v["competition"]["state"], "judging");
    expect_error(app.post(&tokens[2], &format!("/api/v1/competitions/{id}/entries"), &entry("迟到的项目")).await, StatusCode::UNPROCESSABLE_ENTITY, "not_open").await;
    let standing: Vec<(i64, String)> = v["entries"].as_array().unwrap().iter().filter(|e| e["state"] == "entered").map(|e| (e["id"].as_i64().unwrap(), e["title"].as_str().unwrap().to_owned())).collect();
    assert_eq!(standing.len(), 4);
    let score_of = |title: &str| match title { "钠离子储能模组" => 91, "柔性叠层光伏组件" => 88, "自修复电缆护套" => 75, _ => 60 };
    let bad = json!({"version": v["competition"]["version"], "scores": [{"entry_id": standing[0].0, "score": 101}]});
    expect_error(app.put(&chief, &format!("/api/v1/competitions/{id}/scores"), &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    let first = json!({"version": v["competition"]["version"], "scores": [{"entry_id": standing[0].0, "score": score_of(&standing[0].1)}]});
    let v = expect_status(app.put(&chief, &format!("/api/v1/competitions/{id}/scores"), &first).await, StatusCode::OK).await;
    assert_eq!(v["competition"]["scored"], 1);
    let e = expect_error(app.post(&chief, &format!("/api/v1/competitions/{id}/step"), &step("announce", &v)).await, StatusCode::CONFLICT, "illegal_transition").await;
    assert!(e["error"]["message"].as_str().unwrap().contains("还有3个项目未评分"), "{e}");
    let rest: Vec<Value> = standing[1..].iter().map(|(e, t)| json!({"entry_id": e, "score": score_of(t)})).collect();
    let v = expect_status(app.put(&chief, &format!("/api/v1/competitions/{id}/scores"), &json!({"version": v["competition"]["version"], "scores": rest})).await, StatusCode::OK).await;
    let v = app.post_expect(&chief, &format!("/api/v1/competitions/{id}/step"), &step("announce", &v), StatusCode::OK).await;
    assert_eq!(v["competition"]["state"], "announced");
    let prize = |title: &str| v["entries"].as_array().unwrap().iter().find(|e| e["title"] == title).map(|e| e["prize"].clone()).unwrap();
    assert_eq!(prize("钠离子储能模组"), "first");
    assert_eq!(prize("柔性叠层光伏组件"), "second");
    assert_eq!(prize("自修复电缆护套"), "merit", "no third prizes: the next prize down is merit");
    assert_eq!(prize("可穿戴心电贴"), Value::Null);

    // The public reads the three winners; an entrant that did not win still reads its own entry.
    let public = expect_status(app.get_anon(&format!("/api/v1/competitions/{id}")).await, StatusCode::OK).await;
    let winners: Vec<&str> = public["entries"].as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap()).collect();
    assert_eq!(winners, vec!["钠离子储能模组", "柔性叠层光伏组件", "自修复电缆护套"]);
    let hospital = app.get_ok(&tokens[2], &format!("/api/v1/competitions/{id}")).await;
    assert!(hospital["entries"].as_array().unwrap().iter().any(|e| e["title"] == "可穿戴心电贴" && e["state"] == "not_awarded"), "{hospital}");
}

#[tokio::test]
async fn entries_arriving_as_the_bureau_closes_never_land_after_the_close() {
    let app = spawn_workflow_app().await;
    let chief = app.token("chief").await;
    let org = app.add_org("瓯江测试大学", "university", "鹿城区").await;
    app.add_user("team", Role::Researcher, org).await;
    let team = app.token("team").await;
    let v = app.post_expect(&chief, "/api/v1/competitions", &competition(&app, 0), StatusCode::CREATED).await;
    let id = v["competition"]["id"].as_i64().unwrap();
    let (step_path, step_body) = (format!("/api/v1/competitions/{id}/step"), json!({"action": "close", "version": v["competition"]["version"]}));
    let close = app.post(&chief, &step_path, &step_body);
    let bodies: Vec<Value> = (0..5).map(|i| entry(&format!("同时报名的项目{i}"))).collect();
    let path = format!("/api/v1/competitions/{id}/entries");
    let enters = bodies.iter().map(|b| app.post(&team, &path, b));
    let (closed, entered) = tokio::join!(close, futures::future::join_all(enters));
    assert_eq!(closed.status(), StatusCode::OK);
    let landed = entered.iter().filter(|r| r.status() == StatusCode::CREATED).count() as i64;
    for r in &entered {
        assert!(matches!(r.status(), StatusCode::CREATED | StatusCode::UNPROCESSABLE_ENTITY), "{}", r.status());
    }
    let after = app.get_ok(&chief, &format!("/api/v1/competitions/{id}")).await;
    assert_eq!(after["competition"]["entries"].as_i64().unwrap(), landed, "the count is the entries that landed");
    assert_eq!(app.count("competition_entries").await, landed);
}

#[tokio::test]
async fn the_competition_pages_take_entries_and_scores_through_their_forms() {
    let app = spawn_workflow_app().await;
    let org = app.add_org("瓯江测试大学", "university", "鹿城区").await;
    app.add_user("team", Role::Researcher, org).await;
    let (chief, _, csrf) = app.login("chief").await;
    let day = |d: i64| (app.today() + chrono::Duration::days(d)).to_string();
    let form = |title: &str| {
        vec![("csrf_token", csrf.clone()), ("title", title.to_owned()), ("description", "面向未来产业的早期成果，评审技术创新性与市场前景".into()), ("field", "".into()),
            ("opens_on", day(0)), ("closes_on", day(20)), ("prize_first", "1".into()), ("prize_second", "".into()), ("prize_third", "".into()), ("prize_merit", "".into())]
    };
    let resp = chief.post(app.url("/competitions")).form(&form("赛")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("竞赛名称至少需要2个字符"));
    let resp = chief.post(app.url("/competitions")).form(&form("瓯江概念验证大赛")).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let to = resp.headers()["location"].to_str().unwrap().to_owned();

    let (team, _, team_csrf) = app.login("team").await;
    let page = team.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("entry-form"), "{page}");
    let entry = [("csrf_token", team_csrf.as_str()), ("title", "柔性叠层光伏组件"), ("team", "张伟、李娜"), ("summary", "钙钛矿与晶硅叠层的柔性组件，效率超过三成"), ("scenario", "")];
    let resp = team.post(app.url(&format!("{to}/entries"))).form(&entry).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = team.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("柔性叠层光伏组件") && page.contains("撤回"), "{page}");

    // Entries do not move the competition's version: the bureau's form read before them still closes it.
    let resp = chief.post(app.url(&format!("{to}/step"))).form(&[("csrf_token", csrf.as_str()), ("version", "1"), ("action", "close")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let v = app.get_ok(&app.token("chief").await, &format!("/api/v1{to}")).await;
    let entry_id = v["entries"][0]["id"].as_i64().unwrap().to_string();
    let version = v["competition"]["version"].as_i64().unwrap().to_string();
    let resp = chief.post(app.url(&format!("{to}/scores"))).form(&[("csrf_token", csrf.as_str()), ("version", &version), ("entry_id", &entry_id), ("score", "88")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let page = chief.get(app.url(&to)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("announce-form"), "{page}");
    let version = app.get_ok(&app.token("chief").await, &format!("/api/v1{to}")).await["competition"]["version"].as_i64().unwrap().to_string();
    let resp = chief.post(app.url(&format!("{to}/step"))).form(&[("csrf_token", csrf.as_str()), ("version", &version), ("action", "announce")]).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let public = reqwest::get(app.url(&to)).await.unwrap().text().await.unwrap();
    assert!(public.contains("获奖名单") && public.contains("柔性叠层光伏组件") && public.contains("一等奖"), "{public}");
}
