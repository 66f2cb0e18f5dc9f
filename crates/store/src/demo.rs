//! The demo dataset: a Wenzhou-like network, plainly fictional (演示数据).
//!
//! Loaded once per data directory (a `settings` flag records it), so a restart
//! keeps what users changed. Everything goes in one transaction: a failed load
//! leaves nothing behind. The dataset (organisations, centers, experts,
//! results) comes from `data/demo/wenzhou.json`; the centers' files
//! (`demo_records`), the project pipeline (`demo_pipeline`)
//! and the recognition history with the work in progress
//! (`demo_story`) are derived from it deterministically.

use crate::audit::{self, Change};
use crate::{format_ts, settings, Actor, Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::center::{CenterKind, CenterLevel, CenterStage};
use pocnet_domain::expert::ExpertKind;
use pocnet_domain::industry;
use pocnet_domain::org::OrgKind;
use pocnet_domain::region::Region;
use pocnet_domain::research_result::{ResultSource, ResultState, Trl};
use pocnet_domain::role::Role;
use serde::Deserialize;
use std::collections::HashMap;

/// The dataset, shipped in the binary.
pub const DATASET: &str = include_str!("../../../data/demo/wenzhou.json");

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "pocnet-demo";

/// The demo accounts: username = role, with the organisation (dataset key) each belongs to.
pub const DEMO_ACCOUNTS: &[(Role, &str, &str)] = &[
    (Role::Bureau, "bureau", "演示·市科技局管理员"),
    (Role::County, "county_ruian", "演示·瑞安市科技局审核员"),
    (Role::Center, "@center_demo", "演示·概念验证中心运营人员"),
    (Role::Expert, "@expert_demo", "演示·评审专家"),
    (Role::Researcher, "univ_demo", "演示·科研人员"),
    (Role::Investor, "fund_demo", "演示·投资经理"),
];

const LOADED_FLAG: &str = "demo_loaded_at";

#[derive(Debug, Deserialize)]
struct Dataset {
    organisations: Vec<DemoOrg>,
    centers: Vec<DemoCenter>,
    experts: Vec<DemoExpert>,
    results: Vec<DemoResult>,
}

#[derive(Debug, Deserialize)]
struct DemoOrg {
    key: String,
    name: String,
    kind: OrgKind,
    region: Region,
}

#[derive(Debug, Deserialize)]
struct DemoCenter {
    key: String,
    name: String,
    kind: CenterKind,
    host: String,
    region: Region,
    level: CenterLevel,
    stage: CenterStage,
    fields: Vec<String>,
    admin_director: String,
    tech_director: String,
    recognized_on: Option<String>,
    summary: String,
}

#[derive(Debug, Deserialize)]
struct DemoExpert {
    key: String,
    name: String,
    kind: ExpertKind,
    org: String,
    title: String,
    fields: Vec<String>,
    sub_fields: Vec<String>,
    keywords: Vec<String>,
    region: Region,
    bio: String,
}

#[derive(Debug, Deserialize)]
struct DemoPatent {
    number: String,
    status: String,
}

#[derive(Debug, Deserialize)]
struct DemoResult {
    key: String,
    title: String,
    summary: String,
    secret_summary: String,
    field: String,
    sub_field: String,
    source: ResultSource,
    owner_org: String,
    center: Option<String>,
    state: ResultState,
    trl: i64,
    team: Vec<String>,
    patents: Vec<DemoPatent>,
    submitted_on: String,
}

/// How much a load wrote.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Loaded {
    /// Organisations.
    pub organisations: usize,
    /// Centers and pilot platforms.
    pub centers: usize,
    /// Experts.
    pub experts: usize,
    /// Research results.
    pub results: usize,
    /// Demo accounts.
    pub accounts: usize,
    /// Calls for applications.
    pub calls: usize,
    /// Applications, at every stage of the workflow.
    pub applications: usize,
}

fn parse() -> StoreResult<Dataset> {
    let data: Dataset = serde_json::from_str(DATASET).map_err(|e| StoreError::Corrupt(format!("demo dataset: {e}")))?;
    for r in &data.results {
        Trl::parse(r.trl).map_err(|e| StoreError::Corrupt(format!("demo result {}: {e}", r.key)))?;
        if !industry::is_sub_field_of(&r.sub_field, &r.field) {
            return Err(StoreError::Corrupt(format!("demo result {}: sub-field outside field", r.key)));
        }
    }
    Ok(data)
}

/// Whether the demo was loaded into this database.
pub async fn is_loaded(store: &Store) -> StoreResult<bool> {
    Ok(settings::get(store.pool(), LOADED_FLAG).await?.is_some())
}

/// Loads the demo dataset unless it was loaded before. `password_hash` is the
/// argon2 hash of [`DEMO_PASSWORD`]; `progress(done, total)` reports rows.
/// Returns `None` when the demo was already there.
pub async fn load_once(
    store: &Store,
    now: DateTime<Utc>,
    password_hash: &str,
    progress: &(dyn Fn(u64, u64) + Sync),
) -> StoreResult<Option<Loaded>> {
    let data = parse()?;
    let mut tx = store.write().await?;
    if settings::get(store.pool(), LOADED_FLAG).await?.is_some() {
        return Ok(None);
    }
    let ts = format_ts(now);
    let total = (data.organisations.len() + data.centers.len() + data.experts.len() + data.results.len()
        + DEMO_ACCOUNTS.len()) as u64;
    let mut done = 0u64;
    let tick = |n: &mut u64| {
        *n += 1;
        if (*n).is_multiple_of(16) || *n == total {
            progress(*n, total);
        }
    };

    let mut orgs: HashMap<&str, i64> = HashMap::new();
    for o in &data.organisations {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO organisations (name, kind, region, created_at, updated_at, name_key) VALUES ($1, $2, $3, $4, $4, $5) RETURNING id",
        )
        .bind(&o.name)
        .bind(o.kind.as_str())
        .bind(o.region.as_str())
        .bind(&ts)
        .bind(pocnet_domain::text::comparable(&o.name))
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::on_unique("name"))?;
        orgs.insert(&o.key, id);
        tick(&mut done);
    }
    let org = |key: &str| orgs.get(key).copied().ok_or_else(|| StoreError::Corrupt(format!("demo: no organisation {key}")));

    let mut centers: HashMap<&str, i64> = HashMap::new();
    for c in &data.centers {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO centers (name, kind, host_org_id, region, level, stage, fields, admin_director, \
             tech_director, summary, recognized_on, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        )
        .bind(&c.name)
        .bind(c.kind.as_str())
        .bind(org(&c.host)?)
        .bind(c.region.as_str())
        .bind(c.level.as_str())
        // A recognized center gets its stage, recognition day and certificate
        // through its approved application (demo_story); until then it applies.
        .bind(if c.recognized_on.is_some() { CenterStage::Applying.as_str() } else { c.stage.as_str() })
        .bind(serde_json::json!(c.fields).to_string())
        .bind(&c.admin_director)
        .bind(&c.tech_director)
        .bind(&c.summary)
        .bind(None::<String>)
        .bind(&ts)
        .fetch_one(&mut *tx)
        .await?;
        centers.insert(&c.key, id);
        tick(&mut done);
    }

    let mut experts: HashMap<&str, i64> = HashMap::new();
    for e in &data.experts {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO experts (name, kind, org_id, title, fields, sub_fields, keywords, region, bio, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) RETURNING id",
        )
        .bind(&e.name)
        .bind(e.kind.as_str())
        .bind(org(&e.org)?)
        .bind(&e.title)
        .bind(serde_json::json!(e.fields).to_string())
        .bind(serde_json::json!(e.sub_fields).to_string())
        .bind(serde_json::json!(e.keywords).to_string())
        .bind(e.region.as_str())
        .bind(&e.bio)
        .bind(&ts)
        .fetch_one(&mut *tx)
        .await?;
        experts.insert(&e.key, id);
        tick(&mut done);
    }

    for r in &data.results {
        let center = match &r.center {
            Some(key) => Some(
                centers.get(key.as_str()).copied().ok_or_else(|| StoreError::Corrupt(format!("demo: no center {key}")))?,
            ),
            None => None,
        };
        let patents: Vec<_> =
            r.patents.iter().map(|p| serde_json::json!({"number": p.number, "status": p.status})).collect();
        sqlx::query(
            "INSERT INTO research_results (title, summary, secret_summary, field, sub_field, source, owner_org_id, \
             center_id, state, trl, team, patents, submitted_on, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)",
        )
        .bind(&r.title)
        .bind(&r.summary)
        .bind(&r.secret_summary)
        .bind(&r.field)
        .bind(&r.sub_field)
        .bind(r.source.as_str())
        .bind(org(&r.owner_org)?)
        .bind(center)
        .bind(r.state.as_str())
        .bind(r.trl)
        .bind(serde_json::json!(r.team).to_string())
        .bind(serde_json::json!(patents).to_string())
        .bind(&r.submitted_on)
        .bind(&ts)
        .execute(&mut *tx)
        .await?;
        tick(&mut done);
    }

    for (role, org_key, display_name) in DEMO_ACCOUNTS {
        let org_id = match org_key.strip_prefix('@') {
            Some("center_demo") => {
                let host = data.centers.iter().find(|c| c.key == "center_demo").map(|c| c.host.as_str());
                org(host.ok_or_else(|| StoreError::Corrupt("demo: no center_demo".into()))?)?
            }
            Some("expert_demo") => {
                let eorg = data.experts.iter().find(|e| e.key == "expert_demo").map(|e| e.org.as_str());
                org(eorg.ok_or_else(|| StoreError::Corrupt("demo: no expert_demo".into()))?)?
            }
            _ => org(org_key)?,
        };
        let user_id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, role, org_id, password_hash, is_active, is_demo, \
             created_at, updated_at, password_changed_at) VALUES ($1, $2, $3, $4, $5, TRUE, TRUE, $6, $6, $6) RETURNING id",
        )
        .bind(role.as_str())
        .bind(display_name)
        .bind(role.as_str())
        .bind(org_id)
        .bind(password_hash)
        .bind(&ts)
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::on_unique("username"))?;
        if *role == Role::Expert {
            if let Some(expert_id) = experts.get("expert_demo") {
                sqlx::query("UPDATE experts SET user_id = $1 WHERE id = $2")
                    .bind(user_id)
                    .bind(expert_id)
                    .execute(&mut *tx)
                    .await?;
            }
        }
        tick(&mut done);
    }

    // Centers whose files meet their profile: the recognized ones and those
    // the story takes past submission; the PoC centers among them get the
    // library Wenzhou asks for.
    let strong: Vec<&DemoCenter> =
        data.centers.iter().filter(|c| c.recognized_on.is_some() || crate::demo_story::IN_REVIEW.contains(&c.key.as_str())).collect();
    let id_of = |c: &DemoCenter| centers.get(c.key.as_str()).copied().ok_or_else(|| StoreError::Corrupt(format!("demo: no center {}", c.key)));
    let strong_ids = strong.iter().map(|c| id_of(c)).collect::<StoreResult<Vec<i64>>>()?;
    let poc_ids = strong.iter().filter(|c| c.kind == CenterKind::PocCenter).map(|c| id_of(c)).collect::<StoreResult<Vec<i64>>>()?;
    let backlog = crate::demo_records::top_up_library(&mut tx, &poc_ids, &ts).await?;
    let demo_expert = experts.get("expert_demo").copied();
    crate::demo_records::fill(&mut tx, &ts, &strong_ids, demo_expert).await?;
    crate::demo_pipeline::fill(&mut tx, &ts).await?;
    let keys: HashMap<String, i64> = centers.iter().map(|(k, v)| ((*k).to_owned(), *v)).collect();
    let told = crate::demo_story::fill(&mut tx, now, &keys, demo_expert).await?;
    // The story must have brought every center to the stage and level the dataset promises.
    for c in &data.centers {
        let (stage, level, on): (String, String, Option<String>) =
            sqlx::query_as("SELECT stage, level, recognized_on FROM centers WHERE id = $1").bind(id_of(c)?).fetch_one(&mut *tx).await?;
        if stage != c.stage.as_str() || level != c.level.as_str() || on != c.recognized_on {
            return Err(StoreError::Corrupt(format!("demo: {} ended {stage}/{level}/{on:?}, not as the dataset says", c.key)));
        }
    }
    let loaded = Loaded {
        organisations: data.organisations.len(),
        centers: data.centers.len(),
        experts: data.experts.len(),
        results: data.results.len() + backlog,
        accounts: DEMO_ACCOUNTS.len(),
        calls: told.calls,
        applications: told.applications,
    };
    settings::set(&mut tx, LOADED_FLAG, &ts).await?;
    let change = Change {
        action: "demo.load",
        entity_type: "dataset",
        entity_id: "demo".into(),
        before: None,
        after: Some(serde_json::json!({
            "organisations": loaded.organisations, "centers": loaded.centers,
            "experts": loaded.experts, "results": loaded.results, "accounts": loaded.accounts,
            "calls": loaded.calls, "applications": loaded.applications,
        })),
        reason: Some("演示模式首次启动，载入演示数据"),
    };
    audit::record(&mut tx, &Actor::system("demo"), now, change).await?;
    tx.commit().await?;
    Ok(Some(loaded))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dataset_parses_and_holds_the_promised_network() {
        let Ok(data) = parse() else { panic!("demo dataset must parse") };
        assert!(data.centers.len() >= 12);
        assert!(data.experts.len() >= 80);
        assert!(data.results.len() >= 150);
        let kinds: std::collections::HashSet<_> = data.experts.iter().map(|e| e.kind).collect();
        assert_eq!(kinds.len(), 3, "experts of the three kinds");
        for (_, key, _) in DEMO_ACCOUNTS {
            let key = key.trim_start_matches('@');
            let known = data.organisations.iter().any(|o| o.key == key)
                || data.centers.iter().any(|c| c.key == key)
                || data.experts.iter().any(|e| e.key == key);
            assert!(known, "demo account organisation {key} exists");
        }
        let emerging = ["digital_economy", "new_energy", "life_health", "smart_equipment", "new_materials"];
        for f in emerging {
            assert!(data.centers.iter().any(|c| c.fields.iter().any(|x| x == f)), "a center serves {f}");
        }
    }
}
