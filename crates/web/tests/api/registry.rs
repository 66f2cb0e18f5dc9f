//! A center's record over HTTP: registration, its file, evidence documents
//! and who may see or edit what.

use crate::helpers::*;
use pocnet_domain::role::Role;
use reqwest::StatusCode;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

fn ids(list: &Value) -> Vec<i64> {
    list["items"].as_array().expect("items").iter().filter_map(|c| c["id"].as_i64()).collect()
}

/// An operator of an enterprise in 鹿城区 (`rival`), with a bearer token.
async fn rival(app: &TestApp) -> String {
    let org = app.add_org("鹿城测试新材料有限公司", "enterprise", "鹿城区").await;
    app.add_user("rival", Role::Center, org).await;
    app.token("rival").await
}

#[tokio::test]
async fn registering_a_center_checks_its_fields_and_host() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let scholar = app.token("scholar").await;
    let body = |fields: Value| {
        json!({"name": "瑞安登记测试概念验证中心", "kind": "poc_center", "fields": fields, "admin_director": "张三",
            "tech_director": "李四", "summary": "测试"})
    };
    let resp = app.post(&crew.operator, "/api/v1/registry/centers", &body(json!(["underwater_basket_weaving"]))).await;
    expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    expect_error(app.post(&crew.operator, "/api/v1/registry/centers", &body(json!([]))).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    expect_error(app.post(&scholar, "/api/v1/registry/centers", &body(json!(["smart_equipment"]))).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(app.post(&crew.chief, "/api/v1/registry/centers", &body(json!(["smart_equipment"]))).await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;

    // An operator registers for its own unit whatever it sends; the bureau for the unit it names.
    let mut own = body(json!(["smart_equipment", "new_materials", "smart_equipment"]));
    own["host_org_id"] = json!(app.lucheng_univ);
    let c = app.post_expect(&crew.operator, "/api/v1/registry/centers", &own, StatusCode::CREATED).await;
    assert_eq!(c["host_org_id"], crew.operator_org);
    assert_eq!(c["region"], "瑞安市");
    assert_eq!(c["fields"], json!(["smart_equipment", "new_materials"]), "duplicates dropped, order kept");
    assert_eq!((c["stage"].as_str(), c["level"].as_str(), c["status"].as_str()), (Some("applying"), Some("municipal"), Some("active")));
    expect_error(app.post(&crew.operator, "/api/v1/registry/centers", &own).await, StatusCode::CONFLICT, "duplicate").await;
    let mut by_bureau = body(json!(["life_health"]));
    by_bureau["name"] = json!("鹿城大学概念验证中心");
    by_bureau["host_org_id"] = json!(app.lucheng_univ);
    let c = app.post_expect(&crew.chief, "/api/v1/registry/centers", &by_bureau, StatusCode::CREATED).await;
    assert_eq!(c["host_org_id"], app.lucheng_univ);
    assert_eq!(c["region"], "鹿城区");
}

#[tokio::test]
async fn evidence_documents_are_content_addressed_typed_and_private() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let rival = rival(&app).await;
    let center_id = register_center(&app, &crew.operator, "瑞安文档测试概念验证中心", &["smart_equipment"], Some(300)).await;
    let blobs_before = app.count("blobs").await;

    let content = pdf("基金协议");
    let resp = app.upload(&crew.operator, center_id, "fund_size_yuan", "基金合作协议.pdf", &content).await;
    let doc = expect_status(resp, StatusCode::CREATED).await;
    assert_eq!(doc["topic"], "fund_size_yuan");
    assert_eq!(doc["filename"], "基金合作协议.pdf");
    assert_eq!(doc["mime"], "application/pdf");
    assert_eq!(doc["size"], content.len());
    assert_eq!(doc["sha256"], hex_sha256(&content));
    let doc_id = doc["id"].as_i64().unwrap();

    // The same bytes again, on another topic: one blob, two documents.
    let again = expect_status(app.upload(&crew.operator, center_id, "service_staff", "again.pdf", &content).await, StatusCode::CREATED).await;
    assert_eq!(again["sha256"], doc["sha256"]);
    assert_ne!(again["id"], doc["id"]);
    assert_eq!(app.count("blobs").await, blobs_before + 1);
    assert_eq!(app.count("center_documents").await, 2);

    // PNG and JPEG are accepted by their magic numbers; text is not, whatever its name.
    let png = [b"\x89PNG\r\n\x1a\n".as_slice(), b"not really an image"].concat();
    let d = expect_status(app.upload(&crew.operator, center_id, "legal_entity_in_wenzhou", "licence.png", &png).await, StatusCode::CREATED).await;
    assert_eq!(d["mime"], "image/png");
    let jpeg = [[0xFF, 0xD8, 0xFF, 0xE0].as_slice(), b"jfif"].concat();
    let d = expect_status(app.upload(&crew.operator, center_id, "legal_entity_in_wenzhou", "licence.jpg", &jpeg).await, StatusCode::CREATED).await;
    assert_eq!(d["mime"], "image/jpeg");
    let resp = app.upload(&crew.operator, center_id, "fund_size_yuan", "fake.pdf", b"just some text, not a PDF").await;
    let err = expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "unsupported_type").await;
    assert_eq!(err["error"]["field"], "file");
    expect_error(app.upload(&crew.operator, center_id, "fund_size_yuan", "empty.pdf", b"").await, StatusCode::UNPROCESSABLE_ENTITY, "required").await;
    let resp = app.upload(&crew.operator, center_id, "favourite_colour", "x.pdf", &content).await;
    expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;

    // 10 MB is the limit: exactly 10 MB passes, 11 MB does not.
    let mut big = pdf("big");
    big.resize(10 * 1024 * 1024, b' ');
    expect_status(app.upload(&crew.operator, center_id, "fund_size_yuan", "big.pdf", &big).await, StatusCode::CREATED).await;
    big.resize(11 * 1024 * 1024, b' ');
    let resp = app.upload(&crew.operator, center_id, "fund_size_yuan", "huge.pdf", &big).await;
    if resp.status() == StatusCode::PAYLOAD_TOO_LARGE {
        expect_status(resp, StatusCode::PAYLOAD_TOO_LARGE).await;
    } else {
        expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "too_large").await;
    }
    let blobs = app.count("blobs").await;

    // The center's page names each document's topic, size and time as people read them.
    let (operator, _, _) = app.login("operator").await;
    let html = operator.get(app.url(&format!("/centers/{center_id}"))).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<td>10.0 MB</td>"), "sizes in KB/MB");
    assert!(html.contains(&format!("<td>{} 字节</td>", content.len())));
    assert!(!html.contains("<td>fund_size_yuan</td>") && !html.contains("<td>legal_entity_in_wenzhou</td>"), "topics by their Chinese names");
    assert!(html.contains(&pocnet_domain::display::beijing_time(&pocnet_store::format_ts(app.now()))), "uploaded in Beijing time");

    // Another unit's operator does not even learn the center exists.
    let resp = app.upload(&rival, center_id, "fund_size_yuan", "x.pdf", &pdf("rival")).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found").await;
    let doc_path = format!("/api/v1/centers/{center_id}/documents/{doc_id}");
    expect_error(app.get(&rival, &doc_path).await, StatusCode::NOT_FOUND, "not_found").await;
    expect_error(app.get_anon(&doc_path).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_eq!(app.count("blobs").await, blobs, "nothing stored by refused uploads");

    // The operator and the county of its region download the bytes as uploaded.
    for token in [&crew.operator, &crew.ruian, &crew.chief] {
        let resp = app.get(token, &doc_path).await;
        assert_eq!(resp.status(), StatusCode::OK);
        assert_eq!(resp.headers()["content-type"], "application/pdf");
        assert_eq!(resp.headers()["x-content-type-options"], "nosniff");
        let disposition = resp.headers()["content-disposition"].to_str().unwrap().to_owned();
        assert!(disposition.starts_with("attachment; filename*=UTF-8''"), "{disposition}");
        assert!(disposition.contains("%E5%9F%BA%E9%87%91"), "the Chinese name, percent-encoded: {disposition}");
        assert_eq!(resp.bytes().await.unwrap().as_ref(), content.as_slice());
    }
    // A document is reached only through its own center.
    let other = register_center(&app, &crew.operator, "瑞安另一文档概念验证中心", &["smart_equipment"], None).await;
    let resp = app.get(&crew.operator, &format!("/api/v1/centers/{other}/documents/{doc_id}")).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found").await;

    // Evidence counts in the eligibility check; removing it takes it back out.
    let fund = |e: &Value| e["criteria"].as_array().unwrap().iter().find(|c| c["code"] == "fund_size").cloned().unwrap();
    app.file_op(&crew.operator, center_id, json!({"op": "add_fund", "name": "合作基金", "amount_yuan": "12000000"})).await;
    assert_eq!(fund(&app.eligibility(&crew.operator, center_id, WENZHOU, "recognition").await)["outcome"], "met");
    let file = app.get_ok(&crew.operator, &format!("/api/v1/centers/{center_id}/file")).await;
    let fund_docs: Vec<i64> =
        file["documents"].as_array().unwrap().iter().filter(|d| d["topic"] == "fund_size_yuan").filter_map(|d| d["id"].as_i64()).collect();
    assert_eq!(fund_docs.len(), 2, "{file}");
    for id in fund_docs {
        app.file_op(&crew.operator, center_id, json!({"op": "remove", "list": "document", "id": id})).await;
    }
    assert_eq!(fund(&app.eligibility(&crew.operator, center_id, WENZHOU, "recognition").await)["outcome"], "missing_evidence");
    let resp = app.post(&crew.operator, &format!("/api/v1/centers/{center_id}/file"), &json!({"op": "remove", "list": "document", "id": doc_id})).await;
    expect_error(resp, StatusCode::NOT_FOUND, "not_found").await;
    // The shared blob is still there for the other document.
    let resp = app.get(&crew.operator, &format!("/api/v1/centers/{center_id}/documents/{}", again["id"])).await;
    assert_eq!(resp.bytes().await.unwrap().as_ref(), content.as_slice());
}

fn hex_sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

#[tokio::test]
async fn a_center_in_the_making_is_private_and_a_recognized_one_shows_only_its_card() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let rival = rival(&app).await;
    let scholar = app.token("scholar").await;
    let lucheng_dept = app.add_org("鹿城区科学技术局（测试）", "county_department", "鹿城区").await;
    app.add_user("lucheng", Role::County, lucheng_dept).await;
    let lucheng = app.token("lucheng").await;

    let call_id = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2026-12-31").await;
    let center_id = make_wenzhou_center_off_the_list(&app, &crew.operator, "瑞安访问测试概念验证中心").await;
    let path = format!("/api/v1/centers/{center_id}");

    // Not public yet: only its operators, its county and the bureau know it.
    for token in [&rival, &scholar, &lucheng] {
        expect_error(app.get(token, &path).await, StatusCode::NOT_FOUND, "not_found").await;
        expect_error(app.get(token, &format!("{path}/file")).await, StatusCode::NOT_FOUND, "not_found").await;
        expect_error(app.get(token, &format!("{path}/eligibility")).await, StatusCode::NOT_FOUND, "not_found").await;
        assert!(!ids(&app.get_ok(token, "/api/v1/centers").await).contains(&center_id));
    }
    expect_error(app.get_anon(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    assert!(!ids(&expect_status(app.get_anon("/api/v1/centers").await, StatusCode::OK).await).contains(&center_id));
    let edit = json!({"op": "add_staff", "name": "越权人员", "position": "x", "fulltime": "true"});
    expect_error(app.post(&rival, &format!("{path}/file"), &edit).await, StatusCode::NOT_FOUND, "not_found").await;
    let c = app.get_ok(&crew.operator, &path).await;
    let version = c["center"]["version"].as_i64().unwrap();
    let update = |name: &str, version: i64| {
        json!({"name": name, "kind": "poc_center", "fields": ["smart_equipment"], "admin_director": "张行政", "tech_director": "李技术",
            "summary": "更新后的简介", "floor_area_m2": 500, "version": version})
    };
    let resp = app.http.put(app.url(&path)).bearer_auth(&rival).json(&update("抢注名称概念验证中心", version)).send().await.unwrap();
    expect_error(resp, StatusCode::NOT_FOUND, "not_found").await;
    let staff_before = c["file"]["staff"].as_array().unwrap().len();

    // The county of its region reads the whole file but does not edit it.
    let county = app.get_ok(&crew.ruian, &path).await;
    assert_eq!(county["file"]["staff"].as_array().unwrap().len(), staff_before);
    assert!(ids(&app.get_ok(&crew.ruian, "/api/v1/centers").await).contains(&center_id));
    let resp = app.post(&crew.ruian, &format!("{path}/file"), &edit).await;
    assert!([StatusCode::FORBIDDEN, StatusCode::NOT_FOUND].contains(&resp.status()), "{}", resp.status());
    let now = app.get_ok(&crew.operator, &path).await;
    assert_eq!(now["file"]["staff"].as_array().unwrap().len(), staff_before, "no edit slipped through");
    assert_eq!(now["center"]["version"], version);

    // Its operator edits details on the version read.
    let resp = app.http.put(app.url(&path)).bearer_auth(&crew.operator).json(&update("瑞安访问测试概念验证中心（更名）", version - 1)).send().await.unwrap();
    expect_error(resp, StatusCode::CONFLICT, "version_conflict").await;
    let resp = app.http.put(app.url(&path)).bearer_auth(&crew.operator).json(&update("瑞安访问测试概念验证中心（更名）", version)).send().await.unwrap();
    let c = expect_status(resp, StatusCode::OK).await;
    assert_eq!(c["name"], "瑞安访问测试概念验证中心（更名）");

    // On the creation list it becomes public with its stage (003 五(一)5); recognized, everyone reads the card, nobody outside reads the file.
    put_on_creation_list(&app, center_id).await;
    assert!(ids(&expect_status(app.get_anon("/api/v1/centers").await, StatusCode::OK).await).contains(&center_id));
    recognize_wenzhou(&app, &crew, call_id, center_id, "温州市访问测试概念验证中心").await;
    let card = expect_status(app.get_anon(&path).await, StatusCode::OK).await;
    assert!(card["file"].is_null());
    assert!(card["change_reports"].as_array().unwrap().is_empty());
    assert_eq!(card["center"]["name"], "温州市访问测试概念验证中心");
    assert!(card["events"].as_array().unwrap().iter().any(|e| e["action"] == "recognize"), "the history is public");
    for token in [&rival, &scholar, &lucheng] {
        let card = app.get_ok(token, &path).await;
        assert!(card["file"].is_null(), "{card}");
        assert!(ids(&app.get_ok(token, "/api/v1/centers").await).contains(&center_id));
        expect_error(app.get(token, &format!("{path}/file")).await, StatusCode::FORBIDDEN, "forbidden").await;
        expect_error(app.post(token, &format!("{path}/file"), &edit).await, StatusCode::FORBIDDEN, "forbidden").await;
        let resp = app.upload(token, center_id, "fund_size_yuan", "x.pdf", &pdf("intruder")).await;
        expect_error(resp, StatusCode::FORBIDDEN, "forbidden").await;
    }
    expect_error(app.get_anon(&format!("{path}/file")).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    expect_error(app.get_anon(&format!("{path}/eligibility")).await, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let own = app.get_ok(&crew.operator, &path).await;
    assert!(own["file"].is_object());

    // The official name stays when its operator edits the details.
    let version = own["center"]["version"].as_i64().unwrap();
    let resp = app.http.put(app.url(&path)).bearer_auth(&crew.operator).json(&update("随意更改的名称概念验证中心", version)).send().await.unwrap();
    let c = expect_status(resp, StatusCode::OK).await;
    assert_eq!(c["name"], "温州市访问测试概念验证中心");
    assert_eq!(c["summary"], "更新后的简介");
}

/// The public service map (服务地图, 004 四(一)): a center on the creation list
/// appears on its region's tile and in its region's list, linked to its public
/// card, without signing in; filters narrow it; a bad filter is named.
#[tokio::test]
async fn the_public_service_map_shows_public_centers_by_region_and_field() {
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let center = register_center(&app, &crew.operator, "瑞安新能源概念验证中心", &["new_energy"], Some(300)).await;
    let ruian = |map: &serde_json::Value| map["regions"].as_array().unwrap().iter().find(|r| r["region"] == "瑞安市").cloned().unwrap();
    let map = expect_status(app.get_anon("/api/v1/service-map").await, StatusCode::OK).await;
    assert_eq!(ruian(&map)["poc_centers"], 0, "a registered center is not public yet");
    assert_eq!(map["regions"].as_array().unwrap().len(), 14, "every region has its tile");
    put_on_creation_list(&app, center).await;
    let map = expect_status(app.get_anon("/api/v1/service-map").await, StatusCode::OK).await;
    assert_eq!(ruian(&map)["poc_centers"], 1);
    assert_eq!(ruian(&map)["centers"][0]["id"].as_i64(), Some(center));
    let map = expect_status(app.get_anon("/api/v1/service-map?field=smart_equipment").await, StatusCode::OK).await;
    assert_eq!(ruian(&map)["poc_centers"], 0, "filtered by field");
    let map = expect_status(app.get_anon("/api/v1/service-map?region=鹿城区").await, StatusCode::OK).await;
    assert_eq!((ruian(&map)["poc_centers"].as_i64(), ruian(&map)["centers"].as_array().unwrap().len()), (Some(1), 0), "counted, not listed");
    let e = expect_error(app.get_anon("/api/v1/service-map?kind=rocket").await, StatusCode::UNPROCESSABLE_ENTITY, "unknown_value").await;
    assert_eq!(e["error"]["field"], "kind");
    let html = app.get_anon("/service-map").await.text().await.unwrap();
    assert!(html.contains("<svg") && html.contains("瑞安市") && html.contains(&format!("href=\"/centers/{center}\"")), "{html}");
}
