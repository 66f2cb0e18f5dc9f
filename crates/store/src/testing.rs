//! What the crate's own tests share: a fresh database on either backend and
//! a small world (a university hosting a proof-of-concept center).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use crate::centers::{self, CenterDraft};
use crate::{orgs, Actor, Store};
use chrono::Utc;
use pocnet_domain::center::CenterKind;
use pocnet_domain::id::{CenterId, OrgId};
use pocnet_domain::org::OrgDraft;

/// A fresh database: SQLite, or a new database on the PostgreSQL server
/// `POCNET_TEST_DATABASE_URL` names.
pub(crate) async fn fresh() -> (Store, Option<tempfile::TempDir>) {
    if let Ok(admin_url) = std::env::var("POCNET_TEST_DATABASE_URL") {
        let name = format!("pocnet_test_{}", &crate::sessions::new_token()[..16]);
        let admin = Store::connect(&admin_url, 1).await.expect("connect");
        sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin.pool()).await.expect("create");
        admin.close().await;
        let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b).to_owned();
        let store = Store::connect(&format!("{base}/{name}"), 2).await.expect("connect");
        store.migrate().await.expect("migrate");
        (store, None)
    } else {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Store::connect(&format!("sqlite://{}", dir.path().join("t.db").display()), 2).await.expect("open");
        store.migrate().await.expect("migrate");
        (store, Some(dir))
    }
}

/// An owner unit and a PoC center.
pub(crate) async fn fixture(store: &Store) -> (OrgId, CenterId) {
    let actor = Actor::system("test");
    let mut tx = store.write().await.unwrap();
    let univ = orgs::create(&mut tx, &actor, Utc::now(), &OrgDraft::parse("温州测试大学", "university", "鹿城区").unwrap())
        .await
        .unwrap()
        .id;
    let draft = CenterDraft {
        name: "测试概念验证中心".into(),
        kind: CenterKind::PocCenter,
        fields: vec!["new_energy".into()],
        admin_director: "王主任".into(),
        tech_director: "李主任".into(),
        summary: "测试".into(),
        floor_area_m2: None,
    };
    let center = centers::create(&mut tx, &actor, Utc::now(), univ, &draft).await.unwrap().id;
    tx.commit().await.unwrap();
    (univ, center)
}
