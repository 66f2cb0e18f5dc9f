use crate::helpers::*;
use pocnet_store::StoreError;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn migrations_apply_and_reapply_cleanly() {
    let (store, _tmp) = fresh_store().await;
    assert_eq!(store.applied_schema_version().await.unwrap(), Some(store.known_schema_version()));
    store.migrate().await.expect("running again is a no-op");
    for table in ["organisations", "users", "sessions", "audit_events", "centers", "experts", "research_results"] {
        let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}")).fetch_one(store.pool()).await.unwrap();
        assert_eq!(n, 0, "{table} exists and starts empty");
    }
}

#[tokio::test]
async fn a_database_of_a_newer_schema_is_refused_and_left_alone() {
    let (store, _tmp) = fresh_store().await;
    sqlx::query(
        "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
         VALUES (99990101000000, 'from the future', TRUE, $1, 0)",
    )
    .bind(vec![0u8; 48])
    .execute(store.pool())
    .await
    .unwrap();
    match store.migrate().await {
        Err(e @ StoreError::SchemaTooNew { found: 99990101000000, .. }) => {
            assert!(e.to_string().contains("newer than this pocnet"));
        }
        other => panic!("expected SchemaTooNew, got {other:?}"),
    }
}

#[tokio::test]
async fn concurrent_writers_all_succeed() {
    let app = spawn_app().await;
    let (client, token) = app.bearer("chief").await;
    let before = app.count("organisations").await;
    let mut tasks = Vec::new();
    for i in 0..24 {
        let client = client.clone();
        let url = app.url("/api/v1/organisations");
        let token = token.clone();
        tasks.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"name": format!("并发登记企业{i}"), "kind": "enterprise", "region": "龙湾区"}))
                .send()
                .await
                .unwrap()
                .status()
        }));
    }
    for t in tasks {
        assert_eq!(t.await.unwrap(), StatusCode::CREATED);
    }
    assert_eq!(app.count("organisations").await, before + 24);
}
