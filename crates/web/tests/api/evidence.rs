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
