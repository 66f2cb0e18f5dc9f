//! Migration 0014 moves every seat of the two old panel tables into
//! `panel_seats` (issue 12 §2): an installation upgraded from 0013 keeps each
//! expert's declaration, reason, scores, replacement and deadline, and an
//! application seat scored on the old single 0–100 score keeps it as a total.
//!
//! The world before 0014 cannot be made through today's API (its tables are
//! gone), so this test writes the old rows in SQL on a database migrated to
//! 0013, then applies 0014 and reads the seats through the store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pocnet_domain::id::{ApplicationId, ExpertId, ResultId};
use pocnet_domain::panel::seat::SeatStatus;
use pocnet_store::panels::{self, Subject};
use pocnet_store::Store;
use sqlx::migrate::Migrator;
use std::path::Path;

/// A migrator over this backend's migrations up to `last` (copied to `dir`).
async fn migrator_until(backend: &str, last: i64, dir: &Path) -> Migrator {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend);
    for entry in std::fs::read_dir(&src).expect("migrations") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_owned();
        let version: i64 = name.split('_').next().and_then(|v| v.parse().ok()).expect("version");
        if version <= last {
            std::fs::copy(&path, dir.join(&name)).expect("copy");
        }
    }
    Migrator::new(dir).await.expect("migrator")
}

async fn open() -> (Store, &'static str, Option<tempfile::TempDir>) {
    if let Ok(admin_url) = std::env::var("POCNET_TEST_DATABASE_URL") {
        let name = format!("pocnet_test_{}", &pocnet_store::sessions::new_token()[..16]);
        let admin = Store::connect(&admin_url, 1).await.expect("connect");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin.pool()).await.expect("create db");
        admin.close().await;
        let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b).to_owned();
        (Store::connect(&format!("{base}/{name}"), 2).await.expect("connect test db"), "postgres", None)
    } else {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("pocnet.db").display());
        (Store::connect(&url, 2).await.expect("open"), "sqlite", Some(dir))
    }
}

async fn exec(conn: &mut sqlx::AnyConnection, sql: &str) {
    sqlx::query(sql).execute(&mut *conn).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
}

#[tokio::test]
async fn seats_of_both_old_tables_survive_the_move() {
    let (store, backend, _dir) = open().await;
    let until = tempfile::tempdir().expect("dir");
    let mut conn = store.pool().acquire().await.expect("conn");
    migrator_until(backend, 13, until.path()).await.run(&mut *conn).await.expect("migrate to 0013");
    // Only the seats matter here: their applications and results are not made.
    exec(&mut conn, if backend == "sqlite" { "PRAGMA foreign_keys = OFF" } else { "SET session_replication_role = replica" }).await;

    let at = "2026-06-01T02:00:00.000000Z";
    exec(&mut conn, &format!("INSERT INTO organisations (id, name, kind, region, created_at, updated_at) VALUES (1, '温州迁移测试大学', 'university', '鹿城区', '{at}', '{at}')")).await;
    for (id, name) in [(1, "甲专家"), (2, "乙专家"), (3, "丙专家")] {
        exec(&mut conn, &format!("INSERT INTO experts (id, name, kind, org_id, title, fields, sub_fields, keywords, region, bio, created_at, updated_at) VALUES ({id}, '{name}', 'industry', 1, '教授', '[]', '[]', '[]', '鹿城区', '', '{at}', '{at}')")).await;
    }
    // Application 7's panel: one scored on the old single score, one recused, one replacing it.
    exec(&mut conn, &format!("INSERT INTO panel_reviews (application_id, expert_id, score, comments, assigned_at, scored_at, conflict_status, declared_at, due_on) VALUES (7, 1, 82, '建议通过', '{at}', '{at}', 'no_conflict', '{at}', '2026-06-11')")).await;
    exec(&mut conn, &format!("INSERT INTO panel_reviews (application_id, expert_id, assigned_at, conflict_status, recusal_reason, declared_at) VALUES (7, 2, '{at}', 'recused', '同单位', '{at}')")).await;
    exec(&mut conn, &format!("INSERT INTO panel_reviews (application_id, expert_id, assigned_at, replaces_expert_id) VALUES (7, 3, '{at}', 2)")).await;
    // Result 9's screening panel: one scored per dimension.
    exec(&mut conn, &format!("INSERT INTO result_reviews (result_id, expert_id, conflict_status, declared_at, scores_json, total_hundredths, comments, assigned_at, scored_at) VALUES (9, 1, 'no_conflict', '{at}', '{{\"innovation\":80}}', 7850, '可入库', '{at}', '{at}')")).await;

    exec(&mut conn, if backend == "sqlite" { "PRAGMA foreign_keys = ON" } else { "SET session_replication_role = DEFAULT" }).await;
    drop(conn);
    store.migrate().await.expect("migrate 0014");

    let app = panels::seats(store.pool(), Subject::application(ApplicationId::new(7))).await.expect("application seats");
    let by = |id: i64| app.iter().find(|s| s.expert_id == ExpertId::new(id)).expect("seat");
    assert_eq!(app.len(), 3);
    assert_eq!((by(1).conflict_status, by(1).total_hundredths, by(1).score), (SeatStatus::NoConflict, Some(8200), Some(82)), "old score kept as a total");
    assert_eq!(by(1).due_on.map(|d| d.to_string()).as_deref(), Some("2026-06-11"));
    assert_eq!((by(2).conflict_status, by(2).recusal_reason.as_str()), (SeatStatus::Recused, "同单位"));
    assert_eq!((by(3).conflict_status, by(3).replaces_expert_id), (SeatStatus::Pending, Some(ExpertId::new(2))));
    let res = panels::seats(store.pool(), Subject::result(ResultId::new(9))).await.expect("result seats");
    assert_eq!(res.len(), 1);
    assert_eq!((res[0].total_hundredths, res[0].scores_json.as_str(), res[0].comments.as_str()), (Some(7850), "{\"innovation\":80}", "可入库"));
    assert!(panels::seats(store.pool(), Subject::result(ResultId::new(7))).await.expect("none").is_empty(), "subjects stay apart");
}
