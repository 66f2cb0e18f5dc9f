//! The demo dataset: a Wenzhou-like network, plainly fictional (演示数据).
//!
//! Loaded once per data directory (a `settings` flag records it), so a restart
//! keeps what users changed. Everything goes in one transaction: a failed load
//! leaves nothing behind. The dataset (organisations, centers, experts,
//! results) comes from `data/demo/wenzhou.json`; the centers' files
//! ([`crate::records`]), the project pipeline ([`crate::pipeline`]) and the
//! recognition history with the work in progress ([`crate::story`]) are
//! derived from it deterministically. Every row is written by a public
//! function of `pocnet_store`, with its audit record.

use crate::pipeline::Planned;
use crate::when::{at, ymd};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::center::{CenterKind, CenterLevel, CenterStage};
use pocnet_domain::credentials::Username;
use pocnet_domain::expert::{ExpertDraft, ExpertKind};
use pocnet_domain::id::{CenterId, ExpertId, OrgId, UserId};
use pocnet_domain::industry;
use pocnet_domain::library::intake::{Patent, PatentStatus};
use pocnet_domain::org::{OrgDraft, OrgKind};
use pocnet_domain::region::Region;
use pocnet_domain::research_result::{ResultSource, ResultState, Trl};
use pocnet_domain::role::Role;
use pocnet_store::audit::{self, Change};
use pocnet_store::centers::CenterDraft;
use pocnet_store::users::NewUser;
use pocnet_store::{centers, expert_accounts, experts, format_ts, orgs, settings, supervision, users, Actor, Store, StoreError, StoreResult};
use serde::Deserialize;
use sqlx::AnyConnection;
use std::cell::Cell;
use std::collections::HashMap;

/// The dataset, shipped in the binary.
pub const DATASET: &str = include_str!("../../../data/demo/wenzhou.json");

/// The password of every demo account.
pub const DEMO_PASSWORD: &str = "pocnet-demo";

/// The demo accounts: (role, username, the organisation (dataset key) each belongs to, display name).
pub const DEMO_ACCOUNTS: &[(Role, &str, &str, &str)] = &[
    (Role::Bureau, "bureau", "bureau", "演示·市科技局管理员"),
    (Role::County, "county", "county_ruian", "演示·瑞安市科技局审核员"),
    (Role::Center, "center", "@center_demo", "演示·概念验证中心运营人员"),
    (Role::Expert, "expert", "@expert_demo", "演示·评审专家"),
    (Role::Researcher, "researcher", "univ_demo", "演示·科研人员"),
    (Role::Investor, "investor", "fund_demo", "演示·投资经理"),
    // An enterprise's account (a researcher's role at an enterprise): innovation vouchers.
    (Role::Researcher, "enterprise", "ent_robot", "演示·企业科技专员"),
    // A pilot platform's operator (鹿湾智能电气中试平台): pilot projects and bookings.
    (Role::Center, "platform", "ent_electric", "演示·中试平台运营人员"),
    // A project manager (项目经理人) of the `center` login's center: its portfolio and yearly assessment.
    (Role::Manager, "manager", "@center_demo", "演示·项目经理人"),
];

const LOADED_FLAG: &str = "demo_loaded_at";

#[derive(Debug, Deserialize)]
pub(crate) struct Dataset {
    pub(crate) organisations: Vec<DemoOrg>,
    pub(crate) centers: Vec<DemoCenter>,
    pub(crate) experts: Vec<DemoExpert>,
    pub(crate) results: Vec<DemoResult>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DemoOrg {
    pub(crate) key: String,
    pub(crate) name: String,
    pub(crate) kind: OrgKind,
    pub(crate) region: Region,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DemoCenter {
    pub(crate) key: String,
    pub(crate) name: String,
    pub(crate) kind: CenterKind,
    pub(crate) host: String,
    pub(crate) region: Region,
    pub(crate) level: CenterLevel,
    pub(crate) stage: CenterStage,
    pub(crate) fields: Vec<String>,
    pub(crate) admin_director: String,
    pub(crate) tech_director: String,
    pub(crate) recognized_on: Option<String>,
    pub(crate) summary: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DemoExpert {
    pub(crate) key: String,
    pub(crate) name: String,
    pub(crate) kind: ExpertKind,
    pub(crate) org: String,
    pub(crate) title: String,
    pub(crate) fields: Vec<String>,
    pub(crate) sub_fields: Vec<String>,
    pub(crate) keywords: Vec<String>,
    pub(crate) region: Region,
    pub(crate) bio: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DemoPatent {
    pub(crate) number: String,
    pub(crate) status: String,
}

#[derive(Debug, Deserialize)]
pub(crate) struct DemoResult {
    pub(crate) key: String,
    pub(crate) title: String,
    pub(crate) summary: String,
    pub(crate) secret_summary: String,
    pub(crate) field: String,
    pub(crate) sub_field: String,
    pub(crate) source: ResultSource,
    pub(crate) owner_org: String,
    pub(crate) center: Option<String>,
    pub(crate) state: ResultState,
    pub(crate) trl: i64,
    pub(crate) team: Vec<String>,
    pub(crate) patents: Vec<DemoPatent>,
    pub(crate) submitted_on: String,
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

/// An organisation as written.
#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub(crate) id: OrgId,
    pub(crate) name: String,
    pub(crate) kind: OrgKind,
    pub(crate) region: Region,
}

/// A center as written.
#[derive(Debug, Clone)]
pub(crate) struct Center {
    pub(crate) key: String,
    pub(crate) id: CenterId,
    pub(crate) kind: CenterKind,
    pub(crate) host_org_id: OrgId,
    /// Its file meets its profile (recognized, or taken past submission by the story).
    pub(crate) strong: bool,
}

/// A library expert as written, with who acts for it.
#[derive(Debug, Clone)]
pub(crate) struct Expert {
    pub(crate) id: ExpertId,
    pub(crate) org_id: OrgId,
    pub(crate) actor: Actor,
}

/// What the loader wrote, as the later parts need it (ids, actors, teams),
/// so they read nothing back but what the workflows read.
pub(crate) struct Network {
    /// The load time.
    pub(crate) now: DateTime<Utc>,
    /// Organisations by dataset key.
    pub(crate) orgs: HashMap<String, Org>,
    /// Organisations in dataset order.
    pub(crate) org_list: Vec<Org>,
    /// Centers in dataset order.
    pub(crate) centers: Vec<Center>,
    /// Experts in dataset order.
    pub(crate) experts: Vec<Expert>,
    /// The library expert of the `expert` login.
    pub(crate) demo_expert: Option<ExpertId>,
    /// The demo logins: (username, user id, organisation id).
    pub(crate) users: Vec<(String, UserId, OrgId)>,
    /// Each center's advisory team (filled by [`crate::records`]).
    pub(crate) advisors: HashMap<CenterId, Vec<ExpertId>>,
}

impl Network {
    fn org(&self, key: &str) -> StoreResult<&Org> {
        self.orgs.get(key).ok_or_else(|| StoreError::Corrupt(format!("demo: no organisation {key}")))
    }

    /// An organisation by dataset key.
    pub(crate) fn org_key(&self, key: &str) -> StoreResult<&Org> {
        self.org(key)
    }

    /// The id of a demo login, if there is one of that name.
    pub(crate) fn user_id(&self, name: &str) -> Option<UserId> {
        self.users.iter().find(|u| u.0 == name).map(|u| u.1)
    }

    /// An organisation by id.
    pub(crate) fn org_by_id(&self, id: OrgId) -> StoreResult<&Org> {
        self.org_list.iter().find(|o| o.id == id).ok_or_else(|| StoreError::Corrupt(format!("demo: no organisation #{id}")))
    }

    /// A center by dataset key.
    pub(crate) fn center(&self, key: &str) -> StoreResult<&Center> {
        self.centers.iter().find(|c| c.key == key).ok_or_else(|| StoreError::Corrupt(format!("demo: no center {key}")))
    }

    /// A demo login as an actor.
    pub(crate) fn user(&self, name: &str) -> StoreResult<Actor> {
        let u = self.users.iter().find(|u| u.0 == name).ok_or_else(|| StoreError::Corrupt(format!("demo: no user {name}")))?;
        Ok(Actor::user(u.1, &u.0, None))
    }

    /// Who acts for organisation `org_id`: the demo operator for its own
    /// unit, else the unit by name.
    pub(crate) fn acting_for(&self, org_id: OrgId) -> StoreResult<Actor> {
        if let Some(u) = self.users.iter().find(|u| u.0 == Role::Center.as_str() && u.2 == org_id) {
            return Ok(Actor::user(u.1, &u.0, None));
        }
        Ok(Actor { user_id: None, label: self.org_by_id(org_id)?.name.clone(), ip: None })
    }

    /// Who acts for the center `center_id`: its host unit.
    pub(crate) fn acting_for_center(&self, center_id: CenterId) -> StoreResult<Actor> {
        let c = self.centers.iter().find(|c| c.id == center_id).ok_or_else(|| StoreError::Corrupt(format!("demo: no center #{center_id}")))?;
        self.acting_for(c.host_org_id)
    }
}

/// Counts the rows of a load for the progress bar.
struct Progress<'a> {
    done: Cell<u64>,
    total: Cell<u64>,
    report: &'a (dyn Fn(u64, u64) + Sync),
}

impl Progress<'_> {
    fn tick(&self) {
        let n = self.done.get() + 1;
        self.done.set(n);
        if n.is_multiple_of(16) || n == self.total.get() {
            (self.report)(n, self.total.get().max(n));
        }
    }
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
    let progress = Progress {
        done: Cell::new(0),
        total: Cell::new((data.organisations.len() + data.centers.len() + data.experts.len() + data.results.len() + DEMO_ACCOUNTS.len()) as u64),
        report: progress,
    };
    let mut net = write_network(&mut tx, &data, now, password_hash, &progress).await?;

    // The centers' files, then every result through the pipeline its state implies.
    crate::records::fill(&mut tx, &mut net).await?;
    let mut results: Vec<Planned> = Vec::with_capacity(data.results.len());
    for r in &data.results {
        let center = match &r.center {
            Some(key) => Some(net.center(key)?.id),
            None => None,
        };
        let patents = r
            .patents
            .iter()
            .map(|p| Ok(Patent { number: p.number.clone(), status: PatentStatus::parse(&p.status).map_err(|e| StoreError::Corrupt(e.to_string()))? }))
            .collect::<StoreResult<Vec<_>>>()?;
        results.push(Planned {
            title: r.title.clone(),
            summary: r.summary.clone(),
            secret_summary: r.secret_summary.clone(),
            field: r.field.clone(),
            sub_field: r.sub_field.clone(),
            source: r.source,
            owner_org_id: net.org(&r.owner_org)?.id,
            center_id: center,
            state: r.state,
            trl: r.trl,
            team: r.team.clone(),
            patents,
            submitted_on: NaiveDate::parse_from_str(&r.submitted_on, "%Y-%m-%d").map_err(|e| StoreError::Corrupt(format!("demo result {}: {e}", r.key)))?,
        });
    }
    let backlog = crate::records::top_up_library(&net, &results)?;
    let dataset_results = results.len();
    results.extend(backlog);
    progress.total.set(progress.total.get() + (results.len() - dataset_results) as u64);
    crate::pipeline::fill(&mut tx, &net, &results, &|| progress.tick()).await?;
    let told = crate::story::fill(&mut tx, &net).await?;
    crate::evaluation::fill(&mut tx, &net).await?;
    crate::demands::fill(&mut tx, &net).await?;
    let offers = crate::sharing::fill(&mut tx, &net).await?;
    crate::vouchers::fill(&mut tx, &net, &offers).await?;
    crate::pilot::fill(&mut tx, &net, &offers).await?;
    let seeds = crate::seeds::fill(&mut tx, &net).await?;
    crate::key_projects::fill(&mut tx, &net).await?;
    crate::managers::fill(&mut tx, &net).await?;
    crate::competitions::fill(&mut tx, &net).await?;
    crate::returns::fill(&mut tx, &net).await?;
    crate::roadshows::fill(&mut tx, &net).await?;
    crate::grants::fill(&mut tx, &net).await?;
    crate::evidence::fill(&mut tx, &net).await?;

    // The story must have brought every center to the stage and level the dataset promises.
    for c in &data.centers {
        let got = centers::get(&mut *tx, net.center(&c.key)?.id).await?;
        if got.stage != c.stage || got.level != c.level || got.recognized_on.map(|d| d.to_string()) != c.recognized_on {
            return Err(StoreError::Corrupt(format!(
                "demo: {} ended {}/{}/{:?}, not as the dataset says",
                c.key,
                got.stage.as_str(),
                got.level.as_str(),
                got.recognized_on
            )));
        }
    }
    let loaded = Loaded {
        organisations: data.organisations.len(),
        centers: data.centers.len(),
        experts: data.experts.len(),
        results: results.len() + seeds,
        accounts: DEMO_ACCOUNTS.len(),
        calls: told.calls,
        applications: told.applications,
    };
    let ts = format_ts(now);
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

/// Writes the organisations, centers, experts and the demo accounts.
async fn write_network(conn: &mut AnyConnection, data: &Dataset, now: DateTime<Utc>, password_hash: &str, progress: &Progress<'_>) -> StoreResult<Network> {
    let system = Actor::system("demo");
    let mut net = Network {
        now,
        orgs: HashMap::new(),
        org_list: Vec::new(),
        centers: Vec::new(),
        experts: Vec::new(),
        demo_expert: None,
        users: Vec::new(),
        advisors: HashMap::new(),
    };
    for o in &data.organisations {
        let draft = OrgDraft { name: o.name.clone(), kind: o.kind, region: o.region };
        let id = orgs::create(&mut *conn, &system, now, &draft).await?.id;
        let org = Org { id, name: o.name.clone(), kind: o.kind, region: o.region };
        net.orgs.insert(o.key.clone(), org.clone());
        net.org_list.push(org);
        progress.tick();
    }

    for (i, c) in data.centers.iter().enumerate() {
        let strong = c.recognized_on.is_some() || crate::story::IN_REVIEW.contains(&c.key.as_str());
        let host_org = net.org(&c.host)?;
        if host_org.region != c.region {
            return Err(StoreError::Corrupt(format!("demo: center {} is not in its host unit's region", c.key)));
        }
        let host = host_org.id;
        let draft = CenterDraft {
            name: c.name.clone(),
            kind: c.kind,
            fields: c.fields.clone(),
            admin_director: c.admin_director.clone(),
            tech_director: c.tech_director.clone(),
            summary: c.summary.clone(),
            floor_area_m2: Some(crate::records::floor_area(i, strong)),
        };
        let id = centers::create(&mut *conn, &system, now, host, &draft).await?.id;
        net.centers.push(Center { key: c.key.clone(), id, kind: c.kind, host_org_id: host, strong });
        progress.tick();
    }

    for e in &data.experts {
        let draft = ExpertDraft {
            name: e.name.clone(),
            kind: e.kind,
            org_id: net.org(&e.org)?.id,
            title: e.title.clone(),
            fields: e.fields.clone(),
            sub_fields: e.sub_fields.clone(),
            keywords: e.keywords.clone(),
            region: e.region,
            bio: e.bio.clone(),
            unavailable: Vec::new(),
            conflict_orgs: Vec::new(),
            conflict_people: Vec::new(),
            phone: String::new(),
            email: String::new(),
        };
        let x = experts::create(&mut *conn, &system, now, &draft).await?;
        if e.key == "expert_demo" {
            net.demo_expert = Some(x.id);
        }
        net.experts.push(Expert { id: x.id, org_id: x.org_id, actor: Actor { user_id: None, label: x.name, ip: None } });
        progress.tick();
    }

    for (role, username, org_key, display_name) in DEMO_ACCOUNTS {
        let org_key = match org_key.strip_prefix('@') {
            Some("center_demo") => data.centers.iter().find(|c| c.key == "center_demo").map(|c| c.host.as_str()),
            Some("expert_demo") => data.experts.iter().find(|e| e.key == "expert_demo").map(|e| e.org.as_str()),
            Some(other) => Some(other),
            None => Some(*org_key),
        }
        .ok_or_else(|| StoreError::Corrupt(format!("demo: no organisation for {}", role.as_str())))?;
        let username = Username::parse(username).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let new = NewUser {
            username: username.clone(),
            display_name: (*display_name).to_owned(),
            role: *role,
            org_id: net.org(org_key)?.id,
            password_hash: password_hash.to_owned(),
            is_demo: true,
        };
        let user = users::create(&mut *conn, &system, now, &new).await?;
        if *role == Role::Expert {
            if let Some(expert_id) = net.demo_expert {
                expert_accounts::link(&mut *conn, &system, now, expert_id, &username).await?;
                if let Some(e) = net.experts.iter_mut().find(|e| e.id == expert_id) {
                    e.actor = Actor::user(user.id, &user.username, None);
                }
            }
        }
        net.users.push((user.username.clone(), user.id, user.org_id));
        progress.tick();
    }

    // A center the dataset puts on a creation list that the story does not
    // take there is entered as the bureau's recorded stage change.
    let bureau = net.user(Role::Bureau.as_str())?;
    for c in &data.centers {
        let on_list = crate::story::CREATION_LIST.contains(&c.key.as_str());
        if c.recognized_on.is_some() || on_list || (c.stage == CenterStage::Applying && c.level == CenterLevel::Municipal) {
            continue;
        }
        let id = net.center(&c.key)?.id;
        let version = centers::get(&mut *conn, id).await?.version;
        supervision::set_stage_level(&mut *conn, &bureau, at(ymd(2025, 1, 10)?, 0), id, version, c.stage, c.level, "列入2025年度创建名单", "方案 三(二)").await?;
    }
    Ok(net)
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
        for (_, _, key, _) in DEMO_ACCOUNTS {
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
