//! The expert library over HTTP: curation, self-service, contacts, blacklist,
//! Excel import (good file, bad rows, wrong columns, dry run) and export.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn expert_body(org: i64) -> Value {
    json!({"name": "王立群", "kind": "industry", "org_id": org, "title": "总工程师", "fields": ["new_energy"],
        "sub_fields": ["hydrogen"], "keywords": ["氢燃料电池、电堆"], "region": "瑞安市", "bio": "长期从事氢能研发。",
        "unavailable": "2026-04-01~2026-04-10 出国", "conflict_orgs": [org], "conflict_people": ["李四"],
        "phone": "13800000000", "email": "wang@example.com"})
}

impl TestApp {
    async fn import_xlsx(&self, token: &str, bytes: Vec<u8>, dry_run: bool) -> reqwest::Response {
        let part = reqwest::multipart_free::file_part(bytes);
        let (ctype, body) = part;
        let path = if dry_run { "/api/v1/experts/import?dry_run=1" } else { "/api/v1/experts/import" };
        self.http.post(self.url(path)).bearer_auth(token).header(reqwest::header::CONTENT_TYPE, ctype).body(body).send().await.expect("import")
    }
}

mod reqwest {
    pub use ::reqwest::*;
    /// Multipart bodies built by hand (the workspace's reqwest has no multipart feature).
    pub mod multipart_free {
        pub fn file_part(bytes: Vec<u8>) -> (String, Vec<u8>) {
            let boundary = "pocnet-xlsx-boundary-9b7e";
            let mut body = Vec::new();
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"experts.xlsx\"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n").as_bytes());
            body.extend_from_slice(&bytes);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            (format!("multipart/form-data; boundary={boundary}"), body)
        }
    }
}

fn workbook(header: &[&str], rows: &[Vec<&str>]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (i, h) in header.iter().enumerate() {
        ws.write_string(0, i as u16, *h).unwrap();
    }
    for (r, row) in rows.iter().enumerate() {
        for (i, v) in row.iter().enumerate() {
            ws.write_string(r as u32 + 1, i as u16, *v).unwrap();
        }
    }
    wb.save_to_buffer().unwrap()
}

const HEADER: &[&str] = &[
    "姓名", "专家类型", "所在单位", "单位类型", "单位地区", "职称/职务", "产业领域", "细分领域", "关键词", "所在地区", "个人简介",
    "不可参评时段", "回避单位", "回避人员", "联系电话", "电子邮箱",
];

fn row<'a>(name: &'a str, kind: &'a str, org: &'a str, org_kind: &'a str, field: &'a str, window: &'a str) -> Vec<&'a str> {
    vec![name, kind, org, org_kind, "市外", "教授", field, "", "储能、电池", "市外", "", window, "", "", "", ""]
}

#[tokio::test]
async fn curators_keep_the_library_and_an_expert_its_own_profile() {
    let app = spawn_workflow_app().await;
    let chief = app.token("chief").await;
    let county = app.token("ruian").await;
    let center_org = app.add_org("鹿城测试概念验证运营公司", "enterprise", "鹿城区").await;
    app.add_user("operator", Role::Center, center_org).await;
    let operator = app.token("operator").await;

    // The county browses but does not curate.
    expect_error(app.post(&county, "/api/v1/experts", &expert_body(app.lucheng_univ)).await, StatusCode::FORBIDDEN, "forbidden").await;
    // Bad input names the field; nothing is written.
    let before = app.count("experts").await;
    let mut bad = expert_body(app.lucheng_univ);
    bad["unavailable"] = json!("下周");
    let e = expect_error(app.post(&operator, "/api/v1/experts", &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_window").await;
    assert_eq!(e["error"]["field"], "unavailable");
    bad = expert_body(999_999);
    let e = expect_error(app.post(&operator, "/api/v1/experts", &bad).await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    assert_eq!(e["error"]["field"], "org_id");
    assert_eq!(app.count("experts").await, before);

    let created = app.post_expect(&operator, "/api/v1/experts", &expert_body(app.lucheng_univ), StatusCode::CREATED).await;
    let id = created["id"].as_i64().unwrap();
    assert_eq!(created["keywords"], json!(["氢燃料电池", "电堆"]));
    assert_eq!(created["unavailable"][0]["from"], "2026-04-01");
    assert_eq!(created["phone"], "13800000000");

    // The county sees the expert without contacts; search finds it by keyword.
    let listed = app.get_ok(&county, "/api/v1/experts?q=电堆").await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["items"][0]["phone"], "");
    assert_eq!(app.get_ok(&county, "/api/v1/experts?q=不存在的词").await["total"], 0);
    assert_eq!(app.get_ok(&chief, "/api/v1/experts?kind=industry&field=new_energy&region=瑞安市").await["total"], 1);
    expect_error(app.get(&chief, "/api/v1/experts?field=space").await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;

    // Two curators edit the same version: one wins, the other gets 409.
    let mut edit = expert_body(app.lucheng_univ);
    edit["version"] = created["version"].clone();
    edit["title"] = json!("首席科学家");
    assert_eq!(app.put(&chief, &format!("/api/v1/experts/{id}"), &edit).await.status(), StatusCode::OK);
    edit["title"] = json!("研究员");
    expect_error(app.put(&operator, &format!("/api/v1/experts/{id}"), &edit).await, StatusCode::CONFLICT, "version_conflict").await;

    // Linked to an account, the expert edits its own profile but not its kind or unit.
    let user = app.add_user("wanglq", Role::Expert, app.lucheng_univ).await;
    sqlx::query("UPDATE experts SET user_id = $1 WHERE id = $2").bind(user).bind(id).execute(app.store.pool()).await.unwrap();
    let me = app.token("wanglq").await;
    let own = app.get_ok(&me, "/api/v1/me/expert").await;
    assert_eq!(own["id"], id);
    let mut mine = expert_body(app.lucheng_univ);
    mine["version"] = own["version"].clone();
    mine["kind"] = json!("investment");
    mine["org_id"] = json!(center_org);
    mine["bio"] = json!("更新后的简介");
    let after = expect_status(app.put(&me, &format!("/api/v1/experts/{id}"), &mine).await, StatusCode::OK).await;
    assert_eq!((after["kind"].as_str(), after["org_id"].as_i64(), after["bio"].as_str()), (Some("industry"), Some(app.lucheng_univ), Some("更新后的简介")));
    // Another expert cannot read or edit it.
    let other = app.token("reviewer").await;
    expect_error(app.get(&other, &format!("/api/v1/experts/{id}")).await, StatusCode::NOT_FOUND, "not_found").await;

    // Curation: a center deactivates; only the bureau blacklists, with a reason.
    let s = app.post_expect(&operator, &format!("/api/v1/experts/{id}/status"), &json!({"action": "deactivate", "reason": "长期出国"}), StatusCode::OK).await;
    assert_eq!(s["active"], false);
    expect_error(app.post(&operator, &format!("/api/v1/experts/{id}/status"), &json!({"action": "blacklist", "reason": "评审失信"})).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.post(&chief, &format!("/api/v1/experts/{id}/status"), &json!({"action": "blacklist"})).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    let s = app.post_expect(&chief, &format!("/api/v1/experts/{id}/status"), &json!({"action": "blacklist", "reason": "评审失信"}), StatusCode::OK).await;
    assert_eq!(s["blacklisted"], "评审失信");
    let audit = app.get_ok(&chief, &format!("/api/v1/audit?entity_type=expert&entity_id={id}")).await;
    let actions: Vec<&str> = audit["items"].as_array().unwrap().iter().filter_map(|a| a["action"].as_str()).collect();
    for want in ["expert.create", "expert.update", "expert.deactivate", "expert.blacklist"] {
        assert!(actions.contains(&want), "{want} in {actions:?}");
    }
}

#[tokio::test]
async fn an_excel_import_is_all_or_nothing_with_every_problem_named() {
    let app = spawn_workflow_app().await;
    let chief = app.token("chief").await;
    let before = app.count("experts").await;

    // Wrong columns: refused before any row is read.
    let resp = app.import_xlsx(&chief, workbook(&["name", "kind"], &[vec!["张三", "academic"]]), false).await;
    expect_error(resp, StatusCode::BAD_REQUEST, "wrong_columns").await;
    // Not a workbook at all.
    let resp = app.import_xlsx(&chief, b"just text".to_vec(), false).await;
    expect_error(resp, StatusCode::BAD_REQUEST, "unreadable_workbook").await;

    // One bad row among good ones: every problem reported, nothing written.
    let rows = vec![
        row("陈思远", "学术专家", "鹿城测试大学", "", "新能源", ""),
        row("林晓岚", "律师", "鹿城测试大学", "", "新能源", ""),
        row("周启航", "产业", "不存在的公司", "", "新能源", ""),
        row("吴文韬", "投资专家", "新设投资公司", "投资机构", "太空产业", ""),
        row("郑佳音", "产业专家", "鹿城测试大学", "", "智能装备", "2026-05-01~2026-04-01"),
        row("陈思远", "学术专家", "鹿城测试大学", "", "新能源", ""),
    ];
    let report = expect_status(app.import_xlsx(&chief, workbook(HEADER, &rows), false).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(report["created"], 0);
    let errors: Vec<(i64, String, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["row"].as_i64().unwrap(), e["column"].as_str().unwrap().to_owned(), e["code"].as_str().unwrap().to_owned()))
        .collect();
    let want = [
        (3, "专家类型", "unknown_value"),
        (4, "所在单位", "unknown_organisation"),
        (5, "产业领域", "unknown_value"),
        (6, "不可参评时段", "window_reversed"),
        (7, "姓名", "duplicate"),
    ];
    for (r, c, code) in want {
        assert!(errors.iter().any(|(er, ec, ecode)| *er == r && ec == c && ecode == code), "row {r} {c} {code} in {errors:?}");
    }
    assert_eq!(app.count("experts").await, before, "nothing half-imported");

    // A good file: a dry run writes nothing, the import writes all, registering a new unit.
    let good = vec![
        row("陈思远", "学术专家", "鹿城测试大学", "", "新能源", "2026-05-01~2026-05-03 出差"),
        row("吴文韬", "投资专家", "新设投资公司", "投资机构", "生命健康、数字经济", ""),
        row("郑佳音", "industry", "鹿城测试大学", "", "smart_equipment", ""),
    ];
    let dry = expect_status(app.import_xlsx(&chief, workbook(HEADER, &good), true).await, StatusCode::OK).await;
    assert_eq!((dry["rows"].as_i64(), dry["created"].as_i64(), dry["dry_run"].as_bool()), (Some(3), Some(0), Some(true)));
    assert_eq!(app.count("experts").await, before);
    let done = expect_status(app.import_xlsx(&chief, workbook(HEADER, &good), false).await, StatusCode::OK).await;
    assert_eq!((done["created"].as_i64(), done["organisations_created"].as_i64()), (Some(3), Some(1)));
    assert_eq!(app.count("experts").await, before + 3);
    let wu = app.get_ok(&chief, "/api/v1/experts?q=吴文韬").await;
    assert_eq!(wu["items"][0]["fields"], json!(["life_health", "digital_economy"]));
    assert_eq!(wu["items"][0]["kind"], "investment");
    // The same file again: every row is now a duplicate.
    let again = expect_status(app.import_xlsx(&chief, workbook(HEADER, &good), false).await, StatusCode::UNPROCESSABLE_ENTITY).await;
    assert_eq!(again["errors"].as_array().unwrap().len(), 3);

    // Export and template are workbooks; the county may not import.
    let resp = app.get(&chief, "/api/v1/experts/export.xlsx").await;
    assert_eq!(resp.status(), StatusCode::OK);
    assert!(resp.bytes().await.unwrap().starts_with(b"PK"), "an .xlsx is a zip");
    assert!(app.get(&chief, "/api/v1/experts/import-template.xlsx").await.bytes().await.unwrap().starts_with(b"PK"));
    let county = app.token("ruian").await;
    expect_error(app.import_xlsx(&county, workbook(HEADER, &good), true).await, StatusCode::FORBIDDEN, "forbidden").await;
}
