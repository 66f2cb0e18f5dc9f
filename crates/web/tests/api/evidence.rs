//! The evidence log (issue 16): every write becomes a leaf, checkpoints are signed with the
//! published keys, anyone can prove inclusion and consistency, witnesses cosign, and a record
//! changed or deleted behind pocnet's back is found by the full verification.

use crate::helpers::{expect_error, spawn_app};
use pocnet_evidence::note::{Algorithm, Checkpoint, Note, Signer, Verifier};
use pocnet_evidence::tree::{verify_consistency, verify_inclusion};
use pocnet_evidence::Hash;
use reqwest::StatusCode;
use serde_json::{json, Value};

fn hashes(proof: &Value) -> Vec<Hash> {
    proof["hashes"].as_array().unwrap().iter().map(|h| Hash::from_base64(h.as_str().unwrap()).unwrap()).collect()
}

async fn public_keys(app: &crate::helpers::TestApp) -> Vec<Verifier> {
    let text = app.http.get(app.url("/.well-known/pocnet-log-keys")).send().await.unwrap().text().await.unwrap();
    text.lines().map(|l| Verifier::parse(l).unwrap()).collect()
}

async fn anonymous(app: &crate::helpers::TestApp, path: &str) -> Value {
    let resp = app.http.get(app.url(path)).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "{path}");
    resp.json().await.unwrap()
}

#[tokio::test]
async fn every_write_is_logged_signed_and_provable_by_anyone() {
    let app = spawn_app().await;
    let chief = app.token("chief").await;
    let ruian = app.token("ruian").await;
    app.post_expect(&chief, "/api/v1/organisations", &json!({"name": "瑞安锂电材料有限公司", "kind": "enterprise", "region": "瑞安市"}), StatusCode::CREATED).await;
    // Only the bureau signs on demand.
    expect_error(app.post(&ruian, "/api/v1/log/checkpoints", &json!({})).await, StatusCode::FORBIDDEN, "forbidden").await;
    let first = app.post_expect(&chief, "/api/v1/log/checkpoints", &json!({}), StatusCode::OK).await;
    let size = first["size"].as_u64().unwrap();
    assert!(size >= 5, "the fixture's accounts and the new unit are leaves: {first}");
    // The note opens with the keys published at the well-known address — Ed25519 and SM2.
    let keys = public_keys(&app).await;
    assert_eq!(keys.iter().map(Verifier::algorithm).collect::<Vec<_>>(), vec![Algorithm::Ed25519, Algorithm::Sm2]);
    let (cp, opened) = Checkpoint::open(first["note"].as_str().unwrap(), &keys).unwrap();
    assert_eq!((cp.size, opened.verified.len()), (size, 2));
    let state = anonymous(&app, "/api/v1/log").await;
    assert_eq!(state["size"].as_u64(), Some(size));
    assert_eq!(state["checkpoint"]["size"].as_u64(), Some(size));
    // Every leaf's inclusion proof verifies against the signed root (the bureau reads the leaf).
    for index in 0..size {
        let leaf = app.get_ok(&chief, &format!("/api/v1/log/leaves/{index}")).await;
        assert_eq!(leaf["intact"], true, "{leaf}");
        let proof = anonymous(&app, &format!("/api/v1/log/proofs/inclusion?index={index}&size={size}")).await;
        verify_inclusion(&Hash::from_hex(leaf["leaf_hash"].as_str().unwrap()).unwrap(), index, size, &hashes(&proof), &cp.root).unwrap();
    }
    // A leaf's record is the bureau's to read.
    expect_error(app.get(&ruian, "/api/v1/log/leaves/0").await, StatusCode::FORBIDDEN, "forbidden").await;
    // More writes, a second checkpoint, consistent with the first.
    app.post_expect(&chief, "/api/v1/organisations", &json!({"name": "温州储能科技有限公司", "kind": "enterprise", "region": "鹿城区"}), StatusCode::CREATED).await;
    let second = app.post_expect(&chief, "/api/v1/log/checkpoints", &json!({}), StatusCode::OK).await;
    let (cp2, _) = Checkpoint::open(second["note"].as_str().unwrap(), &keys).unwrap();
    assert!(cp2.size > cp.size);
    let proof = anonymous(&app, &format!("/api/v1/log/proofs/consistency?old={}&new={}", cp.size, cp2.size)).await;
    verify_consistency(cp.size, &cp.root, cp2.size, &cp2.root, &hashes(&proof)).unwrap();
    // Signing again with nothing new gives the same checkpoint, not a new one.
    assert_eq!(app.post_expect(&chief, "/api/v1/log/checkpoints", &json!({}), StatusCode::OK).await["size"], second["size"]);
    assert_eq!(anonymous(&app, "/api/v1/log/checkpoints").await.as_array().unwrap().len(), 2);
    // A proof beyond the log is a clear error.
    let resp = app.http.get(app.url(&format!("/api/v1/log/proofs/inclusion?index=0&size={}", cp2.size + 100))).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_listed_witness_cosigns_and_a_stranger_cannot() {
    let app = spawn_app().await;
    let chief = app.token("chief").await;
    let cp = app.post_expect(&chief, "/api/v1/log/checkpoints", &json!({}), StatusCode::OK).await;
    let size = cp["size"].as_u64().unwrap();
    let witness = Signer::generate("zjkjt.example.cn/witness", Algorithm::CosignatureV1).unwrap();
    let stranger = Signer::generate("stranger.example/witness", Algorithm::CosignatureV1).unwrap();
    // Only a cosignature key is a witness's key.
    let ed = Signer::generate("x.example/ed", Algorithm::Ed25519).unwrap();
    expect_error(app.post(&chief, "/api/v1/log/witnesses", &json!({"name": "某单位", "vkey": ed.verifier().to_vkey()})).await, StatusCode::UNPROCESSABLE_ENTITY, "not_witness_key").await;
    app.post_expect(&chief, "/api/v1/log/witnesses", &json!({"name": "浙江省科学技术厅", "vkey": witness.verifier().to_vkey(), "note": "省级见证"}), StatusCode::CREATED).await;
    let body = Note::parse(cp["note"].as_str().unwrap()).unwrap().text;
    let cosign = |s: &Signer| {
        let mut n = Note::new(&body).unwrap();
        n.cosign(s, 1_796_000_000).unwrap();
        n.signatures[0].line()
    };
    // A stranger's cosignature is refused; the listed witness's is kept, once.
    let resp = app.http.post(app.url(&format!("/api/v1/log/checkpoints/{size}/cosignatures"))).json(&json!({"lines": cosign(&stranger)})).send().await.unwrap();
    expect_error(resp, StatusCode::UNPROCESSABLE_ENTITY, "untrusted").await;
    let resp = app.http.post(app.url(&format!("/api/v1/log/checkpoints/{size}/cosignatures"))).json(&json!({"lines": cosign(&witness)})).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::CREATED);
    assert_eq!(resp.json::<Value>().await.unwrap()["accepted"], json!(["浙江省科学技术厅"]));
    let shown = anonymous(&app, &format!("/api/v1/log/checkpoints/{size}")).await;
    assert_eq!(shown["witnesses"], json!(["浙江省科学技术厅"]));
    // The note with the cosignature opens with the log's keys and the witness's.
    let mut trusted = public_keys(&app).await;
    trusted.push(witness.verifier().clone());
    assert_eq!(Checkpoint::open(shown["note"].as_str().unwrap(), &trusted).unwrap().1.verified.len(), 3);
    // A forged line from the witness's name is refused.
    let mut forged = cosign(&witness);
    forged.replace_range(forged.len() - 6..forged.len() - 2, "AAAA");
    let resp = app.http.post(app.url(&format!("/api/v1/log/checkpoints/{size}/cosignatures"))).json(&json!({"lines": forged})).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = app.http.get(app.url("/log")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("已见证：浙江省科学技术厅"), "the public page shows which checkpoints are witnessed");
}

#[tokio::test]
async fn a_record_changed_or_deleted_behind_pocnets_back_is_found() {
    let app = spawn_app().await;
    let chief = app.token("chief").await;
    for name in ["瑞安锂电材料有限公司", "温州储能科技有限公司", "乐清电气有限公司"] {
        app.post_expect(&chief, "/api/v1/organisations", &json!({"name": name, "kind": "enterprise", "region": "瑞安市"}), StatusCode::CREATED).await;
    }
    app.post_expect(&chief, "/api/v1/log/checkpoints", &json!({}), StatusCode::OK).await;
    let report = app.post_expect(&chief, "/api/v1/log/verification", &json!({}), StatusCode::OK).await;
    assert_eq!(report["problems"], json!([]), "{report}");
    assert!(report["checkpoints"].as_u64().unwrap() >= 1);
    let ruian = app.token("ruian").await;
    expect_error(app.post(&ruian, "/api/v1/log/verification", &json!({})).await, StatusCode::FORBIDDEN, "forbidden").await;
    // Someone with database access lifts the append-only guard and rewrites one audit row …
    let pool = app.store.pool();
    let sqlite = app.store.backend() == pocnet_store::Backend::Sqlite;
    let unguard = if sqlite { vec!["DROP TRIGGER audit_events_no_update", "DROP TRIGGER audit_events_no_delete"] } else { vec!["ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_change"] };
    for sql in unguard {
        sqlx::query(sql).execute(pool).await.unwrap();
    }
    let (target,): (i64,) = sqlx::query_as("SELECT id FROM audit_events WHERE action = 'organisation.create' ORDER BY id LIMIT 1").fetch_one(pool).await.unwrap();
    sqlx::query("UPDATE audit_events SET actor_label = 'someone-else' WHERE id = $1").bind(target).execute(pool).await.unwrap();
    let leaf: (i64,) = sqlx::query_as("SELECT idx FROM log_leaves WHERE kind = 'audit' AND ref = $1").bind(target.to_string()).fetch_one(pool).await.unwrap();
    let report = app.post_expect(&chief, "/api/v1/log/verification", &json!({}), StatusCode::OK).await;
    assert_eq!(report["problems"][0]["code"], "record_changed", "{report}");
    assert_eq!(report["problems"][0]["index"].as_i64(), Some(leaf.0), "the first tampered leaf is named");
    assert_eq!(app.get_ok(&chief, &format!("/api/v1/log/leaves/{}", leaf.0)).await["intact"], false);
    // … and deletes a later one.
    let (later,): (i64,) = sqlx::query_as("SELECT id FROM audit_events WHERE action = 'organisation.create' ORDER BY id DESC LIMIT 1").fetch_one(pool).await.unwrap();
    sqlx::query("DELETE FROM audit_events WHERE id = $1").bind(later).execute(pool).await.unwrap();
    let report = app.post_expect(&chief, "/api/v1/log/verification", &json!({}), StatusCode::OK).await;
    let codes: Vec<&str> = report["problems"].as_array().unwrap().iter().map(|p| p["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["record_changed", "record_missing"], "{report}");
    // Deleting a leaf itself (the log's own guard lifted) breaks the chain at that leaf.
    let unguard = if sqlite { "DROP TRIGGER log_leaves_no_delete" } else { "ALTER TABLE log_leaves DISABLE TRIGGER log_leaves_no_change" };
    sqlx::query(unguard).execute(pool).await.unwrap();
    sqlx::query("DELETE FROM log_leaves WHERE idx = 1").execute(pool).await.unwrap();
    let report = app.post_expect(&chief, "/api/v1/log/verification", &json!({}), StatusCode::OK).await;
    let last = report["problems"].as_array().unwrap().last().unwrap().clone();
    assert_eq!((last["code"].as_str(), last["index"].as_u64()), (Some("leaf_missing"), Some(1)), "{report}");
}

async fn verify_over_http(app: &crate::helpers::TestApp, bytes: &[u8]) -> reqwest::Response {
    let (ct, body) = crate::helpers::multipart(&[], Some(("doc", bytes)));
    app.http.post(app.url("/api/v1/verify")).header("content-type", ct).body(body).send().await.unwrap()
}

#[tokio::test]
async fn a_recognition_certificate_is_issued_signed_and_anyone_can_check_it_offline() {
    use crate::helpers::*;
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call_id = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2027-12-31").await;
    let center_id = make_wenzhou_ready_center(&app, &crew.operator, "瑞安存证测试概念验证中心").await;
    recognize_wenzhou(&app, &crew, call_id, center_id, "温州市存证测试概念验证中心").await;
    let docs = app.get_ok(&crew.operator, &format!("/api/v1/documents?subject_type=center&subject_id={center_id}")).await;
    let docs = docs.as_array().unwrap();
    assert_eq!(docs.len(), 1, "one certificate: {docs:?}");
    assert_eq!(docs[0]["kind"], "certificate");
    let id = docs[0]["id"].as_i64().unwrap();
    // Anyone downloads the bundle and checks it with the published keys alone.
    let bundle = app.http.get(app.url(&format!("/api/v1/documents/{id}/bundle"))).send().await.unwrap().bytes().await.unwrap().to_vec();
    let keys = public_keys(&app).await;
    let v = pocnet_evidence::verify_bundle(&bundle, &keys).unwrap();
    assert_eq!(v.signed_by.len(), 2, "Ed25519 and SM2");
    let parsed: Value = serde_json::from_slice(&bundle).unwrap();
    assert_eq!(parsed["document"]["subject"]["center_id"].as_i64(), Some(center_id));
    assert_eq!(parsed["document"]["face"]["fields"][0][1], "温州市存证测试概念验证中心");
    // The PDF: printed the same way twice, carrying the bundle; the server checks it for anyone.
    let pdf = app.http.get(app.url(&format!("/api/v1/documents/{id}/pdf"))).send().await.unwrap().bytes().await.unwrap().to_vec();
    assert!(pdf.starts_with(b"%PDF"));
    let again = app.http.get(app.url(&format!("/documents/{id}/pdf"))).send().await.unwrap().bytes().await.unwrap().to_vec();
    assert_eq!(pdf, again, "the same bundle prints the same bytes");
    let ok = verify_over_http(&app, &pdf).await;
    assert_eq!(ok.status(), StatusCode::OK);
    let ok: Value = ok.json().await.unwrap();
    assert_eq!((ok["format"].as_str(), ok["index"].as_u64()), (Some("pdf"), Some(v.index)));
    assert_eq!(pocnet_app::evidence::documents::verify_file(&pdf, &keys).unwrap().document_sha256, v.document_sha256.to_hex());
    // A changed byte fails with its reason: in the bundle's document, and in the PDF's pages.
    let text = String::from_utf8(bundle.clone()).unwrap().replacen("温州市存证测试概念验证中心", "温州市存证测试概念验证中所", 1);
    expect_error(verify_over_http(&app, text.as_bytes()).await, StatusCode::UNPROCESSABLE_ENTITY, "bundle_invalid").await;
    let mut altered = pdf.clone();
    let at = altered.len() / 3;
    altered[at] ^= 0x01;
    let resp = verify_over_http(&app, &altered).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    // Keys of another installation do not vouch for this one's documents.
    let stranger = Signer::generate("other.example/log", Algorithm::Ed25519).unwrap();
    assert!(pocnet_app::evidence::documents::verify_file(&pdf, &[stranger.verifier().clone()]).is_err());
}

#[tokio::test]
async fn another_installations_document_verifies_only_once_its_bureau_trusts_that_log() {
    use crate::helpers::*;
    // Wenzhou issues a certificate …
    let wenzhou = spawn_app_with(pocnet_web::config::WebConfig {
        session_idle: chrono::Duration::days(3650),
        session_absolute: chrono::Duration::days(3650),
        log_origin: "kjj.wenzhou.example.cn/pocnet".to_owned(),
        ..pocnet_web::config::WebConfig::default()
    })
    .await;
    let crew = crew(&wenzhou).await;
    let call_id = publish_call(&wenzhou, &crew.chief, WENZHOU, "recognition", "2027-12-31").await;
    let center_id = make_wenzhou_ready_center(&wenzhou, &crew.operator, "瑞安互认测试概念验证中心").await;
    recognize_wenzhou(&wenzhou, &crew, call_id, center_id, "温州市互认测试概念验证中心").await;
    let docs = wenzhou.get_ok(&crew.operator, &format!("/api/v1/documents?subject_type=center&subject_id={center_id}")).await;
    let pdf = wenzhou.http.get(wenzhou.url(&format!("/api/v1/documents/{}/pdf", docs[0]["id"]))).send().await.unwrap().bytes().await.unwrap().to_vec();
    let keys = wenzhou.http.get(wenzhou.url("/.well-known/pocnet-log-keys")).send().await.unwrap().text().await.unwrap();
    // … which another installation does not vouch for until its bureau trusts Wenzhou's log.
    let other = spawn_app().await;
    expect_error(verify_over_http(&other, &pdf).await, StatusCode::UNPROCESSABLE_ENTITY, "bundle_invalid").await;
    let chief = other.token("chief").await;
    let ruian = other.token("ruian").await;
    let entry = json!({"origin": "kjj.wenzhou.example.cn/pocnet", "name": "温州市科学技术局", "vkeys": keys});
    expect_error(other.post(&ruian, "/api/v1/trusted-logs", &entry).await, StatusCode::FORBIDDEN, "forbidden").await;
    expect_error(other.post(&chief, "/api/v1/trusted-logs", &json!({"origin": "kjj.hangzhou.example.cn/pocnet", "name": "杭州", "vkeys": keys})).await, StatusCode::UNPROCESSABLE_ENTITY, "wrong_origin").await;
    let id = other.post_expect(&chief, "/api/v1/trusted-logs", &entry, StatusCode::CREATED).await["id"].as_i64().unwrap();
    let ok = verify_over_http(&other, &pdf).await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.json::<Value>().await.unwrap()["origin"], "kjj.wenzhou.example.cn/pocnet");
    assert_eq!(anonymous(&other, "/api/v1/trusted-logs").await[0]["name"], "温州市科学技术局");
    let page = other.http.get(other.url("/log")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("温州市科学技术局") && page.contains("kjj.wenzhou.example.cn/pocnet"), "the public log page names whom the bureau trusts");
    // Off the list, no longer vouched for.
    let resp = other.post(&chief, &format!("/api/v1/trusted-logs/{id}/remove"), &json!({"reason": "对方平台更换密钥"})).await;
    assert_eq!(resp.status(), StatusCode::NO_CONTENT);
    expect_error(verify_over_http(&other, &pdf).await, StatusCode::UNPROCESSABLE_ENTITY, "bundle_invalid").await;
}

fn data_set_form(file: &[u8], holders: &Value) -> (String, Vec<u8>) {
    let holders = holders.to_string();
    let fields = [
        ("title", "高镍三元前驱体共沉淀工艺数据集"),
        ("description", "三批次连续共沉淀的温度、pH、粒径分布原始记录"),
        ("access_terms", "权利人书面同意后用于科研；商业使用须另签许可"),
        ("holders", holders.as_str()),
    ];
    crate::helpers::multipart(&fields, Some(("batch-data.csv", file)))
}

#[tokio::test]
async fn a_data_set_is_registered_with_its_rights_holders_and_each_change_is_a_new_signed_version() {
    use crate::helpers::*;
    use pocnet_domain::role::Role;
    let app = spawn_app().await;
    let host = app.add_org("温州新能源材料研究院", "university", "鹿城区").await;
    app.add_user("dataop", Role::Center, host).await;
    let op = app.token("dataop").await;
    let center = register_center(&app, &op, "温州新能源材料概念验证中心", &["smart_equipment"], Some(300)).await;
    let other = app.add_org("乐清电气有限公司", "enterprise", "瑞安市").await;
    app.add_user("otherop", Role::Center, other).await;
    let otherop = app.token("otherop").await;
    let file = b"batch,temp_c,ph,d50_um\n1,55.0,11.2,10.1\n2,55.2,11.1,10.3\n3,54.9,11.2,10.2\n";
    let holders = json!([{"name": "温州大学", "role": "research_unit", "share_percent": 60}, {"name": "温州新能源材料概念验证中心", "role": "center", "share_percent": 10}, {"name": "瑞安锂电材料有限公司", "role": "enterprise", "share_percent": 30}]);
    let post = |token: String, holders: Value| {
        let (ct, body) = data_set_form(file, &holders);
        let req = app.http.post(app.url(&format!("/api/v1/centers/{center}/data-sets"))).bearer_auth(token).header("content-type", ct).body(body);
        async move { req.send().await.unwrap() }
    };
    // Rules first: shares must add up; only the center's operators register.
    let mut short = holders.clone();
    short[2]["share_percent"] = json!(20);
    expect_error(post(op.clone(), short).await, StatusCode::UNPROCESSABLE_ENTITY, "shares_sum").await;
    expect_error(post(otherop.clone(), holders.clone()).await, StatusCode::FORBIDDEN, "forbidden").await;
    let resp = post(op.clone(), holders.clone()).await;
    assert_eq!(resp.status(), StatusCode::CREATED);
    let d: Value = resp.json().await.unwrap();
    assert_eq!(d["sha256"].as_str(), Some(pocnet_evidence::hash::sha256(file).to_hex().as_str()), "registered by the file's hash");
    let id = d["id"].as_i64().unwrap();
    // The registration certificate is signed and verifies; its facts name the hash and holders.
    let keys = public_keys(&app).await;
    let docs = app.get_ok(&op, &format!("/api/v1/documents?subject_type=data_set&subject_id={id}")).await;
    assert_eq!(docs.as_array().unwrap().len(), 1);
    let bundle = app.get(&op, &format!("/api/v1/documents/{}/bundle", docs[0]["id"])).await.bytes().await.unwrap();
    pocnet_evidence::verify_bundle(&bundle, &keys).unwrap();
    let parsed: Value = serde_json::from_slice(&bundle).unwrap();
    assert_eq!(parsed["document"]["subject"]["sha256"], d["sha256"]);
    assert_eq!(parsed["document"]["subject"]["holders"][2]["name"], "瑞安锂电材料有限公司");
    expect_error(app.get(&otherop, &format!("/api/v1/documents/{}/bundle", docs[0]["id"])).await, StatusCode::NOT_FOUND, "not_found").await;
    // A change of holders is a new version with its reason, and a new certificate; a stale edit conflicts.
    let change = json!({"holders": [{"name": "温州大学", "role": "research_unit", "share_percent": 50}, {"name": "瑞安锂电材料有限公司", "role": "enterprise", "share_percent": 50}], "reason": "依转让协议调整份额", "version": 1});
    let changed = app.post_expect(&op, &format!("/api/v1/data-sets/{id}/rights"), &change, StatusCode::OK).await;
    assert_eq!(changed["rights_version"], 2);
    expect_error(app.post(&op, &format!("/api/v1/data-sets/{id}/rights"), &change).await, StatusCode::CONFLICT, "stale_version").await;
    let listed = app.get_ok(&op, &format!("/api/v1/centers/{center}/data-sets")).await;
    let versions: Vec<i64> = listed[0]["rights"].as_array().unwrap().iter().map(|r| r["version"].as_i64().unwrap()).collect();
    assert_eq!(versions, vec![1, 2]);
    assert_eq!(listed[0]["rights"][1]["reason"], "依转让协议调整份额");
    assert_eq!(app.get_ok(&op, &format!("/api/v1/documents?subject_type=data_set&subject_id={id}")).await.as_array().unwrap().len(), 2);
    // The file and every step are in the log, and the log verifies.
    let chief = app.token("chief").await;
    let report = app.post_expect(&chief, "/api/v1/log/verification", &json!({}), StatusCode::OK).await;
    assert_eq!(report["problems"], json!([]), "{report}");
}


#[tokio::test]
async fn a_center_registers_a_data_set_and_changes_its_holders_from_its_page() {
    use crate::helpers::*;
    use pocnet_domain::role::Role;
    let app = spawn_app().await;
    let host = app.add_org("温州新能源材料研究院", "university", "鹿城区").await;
    app.add_user("dataop", Role::Center, host).await;
    let op = app.token("dataop").await;
    let center = register_center(&app, &op, "温州新能源材料概念验证中心", &["smart_equipment"], Some(300)).await;
    let (client, _, csrf) = app.login("dataop").await;
    let page = client.get(app.url(&format!("/centers/{center}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("数据登记与确权") && page.contains("尚未登记数据") && page.contains("data-set-form"), "the operator sees the empty section and the form");
    let register = |fields: Vec<(&'static str, &'static str)>| {
        let (ct, body) = multipart(&fields, Some(("pH-records.csv", b"batch,ph\n1,11.2\n".as_slice())));
        let req = client.post(app.url(&format!("/centers/{center}/data-sets?csrf_token={csrf}"))).header("content-type", ct).body(body);
        async move { req.send().await.unwrap() }
    };
    let base = vec![("title", "共沉淀 pH 记录"), ("access_terms", "仅限协议各方科研使用"), ("holder_name_1", "温州大学"), ("holder_role_1", "research_unit"), ("holder_share_1", "70")];
    // Shares that do not add up: the page says why, nothing is registered.
    let mut short = base.clone();
    short.extend([("holder_name_2", "瑞安锂电材料有限公司"), ("holder_role_2", "enterprise"), ("holder_share_2", "20")]);
    let resp = register(short).await;
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(resp.text().await.unwrap().contains("各权利人份额之和须为100%"));
    assert!(app.get_ok(&op, &format!("/api/v1/centers/{center}/data-sets")).await.as_array().unwrap().is_empty(), "a refused form registers nothing");
    let mut good = base.clone();
    good.extend([("holder_name_2", "瑞安锂电材料有限公司"), ("holder_role_2", "enterprise"), ("holder_share_2", "30")]);
    let resp = register(good).await;
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    assert_eq!(resp.headers()["location"], format!("/centers/{center}#data-sets").as_str());
    let listed = app.get_ok(&op, &format!("/api/v1/centers/{center}/data-sets")).await;
    let id = listed[0]["data_set"]["id"].as_i64().unwrap();
    assert_eq!(listed[0]["rights"][0]["holders"][1]["share_percent"], 30);
    let first_certificate = listed[0]["certificates"][0]["id"].as_i64().unwrap();
    let page = client.get(app.url(&format!("/centers/{center}"))).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("共沉淀 pH 记录") && page.contains("温州大学（研究单位，70%）、瑞安锂电材料有限公司（企业，30%）"), "the page lists the data set and its holders");
    assert!(page.contains(&format!("/documents/{first_certificate}/pdf")), "and links its signed certificate");
    // A change from the page's form: a new version and certificate; the same form sent again is stale.
    let change = [
        ("csrf_token", csrf.as_str()),
        ("version", "1"),
        ("reason", "依2026年11月转让协议"),
        ("holder_name_1", "温州大学"),
        ("holder_role_1", "research_unit"),
        ("holder_share_1", ""),
        ("holder_name_2", ""),
    ];
    let resp = client.post(app.url(&format!("/data-sets/{id}/rights"))).form(&change).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::SEE_OTHER);
    let resp = client.post(app.url(&format!("/data-sets/{id}/rights"))).form(&change).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::CONFLICT);
    assert!(resp.text().await.unwrap().contains("权利人已被他人变更"));
    let listed = app.get_ok(&op, &format!("/api/v1/centers/{center}/data-sets")).await;
    assert_eq!(listed[0]["data_set"]["rights_version"], 2);
    assert_eq!(listed[0]["rights"][1]["holders"], json!([{"name": "温州大学", "role": "research_unit", "share_percent": null}]));
    assert_eq!(listed[0]["certificates"].as_array().unwrap().len(), 2);
    // Another center's operator sees no section and cannot post to it.
    let other = app.add_org("乐清电气有限公司", "enterprise", "瑞安市").await;
    app.add_user("otherop", Role::Center, other).await;
    let (stranger, _, stranger_csrf) = app.login("otherop").await;
    let page = stranger.get(app.url(&format!("/centers/{center}"))).send().await.unwrap().text().await.unwrap();
    assert!(!page.contains("共沉淀 pH 记录") && !page.contains("data-set-form"));
    let mut theirs = change.to_vec();
    theirs[0].1 = stranger_csrf.as_str();
    theirs[1].1 = "2";
    assert_eq!(stranger.post(app.url(&format!("/data-sets/{id}/rights"))).form(&theirs).send().await.unwrap().status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn anyone_checks_a_signed_file_on_the_verification_page_without_signing_in() {
    use crate::helpers::*;
    let app = spawn_app().await;
    let visitor = browser();
    let page = visitor.get(app.url("/verify")).send().await.unwrap().text().await.unwrap();
    let token = page.split("name=\"csrf_token\" value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_owned();
    let (ct, body) = multipart(&[], Some(("report.pdf", b"%PDF-1.7 not really a signed report".as_slice())));
    let resp = visitor.post(app.url(&format!("/verify?csrf_token={token}"))).header("content-type", ct).body(body).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::OK, "the public form is accepted without an account");
    let page = resp.text().await.unwrap();
    assert!(page.contains("verify-outcome") && page.contains("核验未通过"), "and says the file does not verify: {}", &page[page.len().saturating_sub(600)..]);
}
