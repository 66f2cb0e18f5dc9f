//! Early concepts (早期概念): pooled by a researcher of a university, research institute or
//! hospital with an active PoC platform; read by the proposer, the platform's operators and the
//! bureau (others: 404); taken back by the proposer while they wait. The published seed list is
//! public.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::center::CenterKind;
use pocnet_domain::id::CenterId;
use pocnet_domain::role::Role;
use pocnet_domain::seeds::concept::pool_source;
use pocnet_domain::seeds::{ConceptDraft, ConceptState, RawConcept};
use pocnet_domain::supervision::CenterStatus;
use pocnet_domain::FieldError;
use pocnet_store::seeds::concepts::{self as store, Concept, ConceptFilter, ConceptSecrets, Seed, SeedFilter};
use pocnet_store::{Page, Paged, StoreError};
use serde::{Deserialize, Serialize};

/// How the caller stands to a concept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ConceptSides {
    /// Its proposer.
    pub proposer: bool,
    /// The reviewing platform's operators.
    pub platform: bool,
    /// The bureau (or the console).
    pub bureau: bool,
}

impl ConceptSides {
    fn of(caller: &Caller, k: &Concept) -> Self {
        let Some(u) = caller.user() else { return Self { bureau: true, ..Self::default() } };
        Self {
            proposer: u.role == Role::Researcher && k.proposed_by == Some(u.id.get()),
            platform: u.role == Role::Center && u.org_id == k.center_host_org_id,
            bureau: u.role == Role::Bureau,
        }
    }

    fn reads(self) -> bool {
        self.proposer || self.platform || self.bureau
    }
}

/// A concept as sent (JSON; the page's form sends the same fields).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ConceptInput {
    /// The PoC platform that is to review it.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub center_id: Option<i64>,
    /// 概念名称, 2–100 characters.
    pub title: String,
    /// 概念简介, 10–2,000 characters (published with the seed list if selected).
    pub summary: String,
    /// 核心思路, up to 4,000 characters: a trade secret, never published.
    #[serde(default)]
    pub secret_summary: String,
    /// Field (code or label of the platform's catalogue).
    pub field: String,
    /// Sub-field (code or label; empty where the field has none).
    #[serde(default)]
    pub sub_field: String,
    /// Team members, separated by 、 , ； or line breaks.
    #[serde(default)]
    pub team: String,
    /// Technology-readiness level, 1–3.
    #[serde(default, deserialize_with = "pocnet_domain::library::intake::string_or_number")]
    #[schema(schema_with = pocnet_domain::library::intake::string_or_integer)]
    pub trl: String,
    /// 潜在应用与产业需求, up to 1,000 characters.
    #[serde(default)]
    pub demand: String,
}

/// Pools a concept (a researcher of a university, research institute or hospital, 004 三(二)) with
/// an active PoC platform. Every field error at once; nothing stored on error.
pub async fn pool(ctx: &Context, caller: &Caller, input: &ConceptInput) -> Result<ConceptView> {
    caller.require(&[Role::Researcher])?;
    let me = caller.user().ok_or(Error::Forbidden)?;
    let org = pocnet_store::orgs::get(ctx.store().pool(), me.org_id).await?;
    let source = pool_source(org.kind).ok_or_else(|| {
        Error::rule("not_a_pool_unit", format!("早期成果池由高校、科研院所和医疗卫生机构建立；“{}”是{}", org.name, org.kind.label_zh()))
    })?;
    let mut errors = Vec::new();
    let center = match input.center_id {
        None => {
            errors.push(FieldError::required("center_id", "概念验证平台"));
            None
        }
        Some(id) => match pocnet_store::centers::get(ctx.store().pool(), CenterId::new(id)).await {
            Ok(c) if c.kind == CenterKind::PocCenter && c.status == CenterStatus::Active => Some(c),
            Ok(c) if c.kind == CenterKind::PocCenter => {
                errors.push(FieldError::new("center_id", "center_not_in_register", format!("“{}”已{}，不再接收概念", c.name, c.status.label_zh())));
                None
            }
            Ok(_) | Err(StoreError::NotFound) => {
                errors.push(FieldError::unknown_value("center_id", "概念验证平台"));
                None
            }
            Err(e) => return Err(e.into()),
        },
    };
    let catalogue = match &center {
        Some(c) => crate::registry::catalogue_of(ctx, c),
        None => ctx.catalogue_for(CenterKind::PocCenter, None),
    };
    let team = [input.team.clone()];
    let raw = RawConcept {
        title: &input.title,
        summary: &input.summary,
        secret_summary: &input.secret_summary,
        field: &input.field,
        sub_field: &input.sub_field,
        team: &team,
        trl: &input.trl,
        demand: &input.demand,
    };
    let draft = ConceptDraft::parse(&raw, source, &catalogue).map_err(|e| errors.extend(e)).ok();
    let (Some(center), Some(draft)) = (center, draft) else { return Err(Error::Invalid(errors)) };
    let mut tx = ctx.store().write().await?;
    let id = store::create(&mut tx, &caller.actor(), ctx.now(), org.id, center.id, Some(me.id), &draft).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// A concept's page for one caller.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConceptView {
    /// The concept.
    pub concept: Concept,
    /// Its core idea and team (every reader of the concept is one of its own).
    pub secrets: ConceptSecrets,
    /// How the caller stands to it.
    pub sides: ConceptSides,
    /// Whether the caller may take it back now.
    pub may_withdraw: bool,
    /// What happens next, in words.
    pub next: String,
}

fn next_words(k: &Concept) -> String {
    match k.state {
        ConceptState::Pooled => format!("已进入{}的早期成果池，等待平台定期组织批量论证；论证前可撤回。", k.center_name),
        ConceptState::Batched => format!("{}正在批量论证（技术可行性与市场前景“双验证”），论证结果随种子清单一并发布。", k.center_name),
        ConceptState::Seeded => format!("已入选{}发布的种子清单，并作为成果入库申请进入该平台的项目库，等待入库遴选。", k.center_name),
        ConceptState::NotSelected => "本批次论证未入选种子清单；可根据论证意见完善后重新提交。".into(),
        ConceptState::Withdrawn => "提出人已撤回。".into(),
    }
}

/// Reads a concept the caller may see (404 otherwise).
async fn load(ctx: &Context, caller: &Caller, id: i64) -> Result<(Concept, ConceptSides)> {
    let k = store::get(ctx.store().pool(), id).await?;
    let sides = ConceptSides::of(caller, &k);
    if !sides.reads() {
        return Err(Error::NotFound);
    }
    Ok((k, sides))
}

/// One concept (its proposer, the platform's operators and the bureau).
pub async fn view(ctx: &Context, caller: &Caller, id: i64) -> Result<ConceptView> {
    let (k, sides) = load(ctx, caller, id).await?;
    let secrets = store::secrets(ctx.store().pool(), id).await?;
    Ok(ConceptView { may_withdraw: sides.proposer && k.state.withdrawable(), next: next_words(&k), secrets, sides, concept: k })
}

/// A version read (a withdrawal).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ConceptWithdrawInput {
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Takes a concept back (its proposer, while it waits in the pool).
pub async fn withdraw(ctx: &Context, caller: &Caller, id: i64, input: &ConceptWithdrawInput) -> Result<ConceptView> {
    let (k, sides) = load(ctx, caller, id).await?;
    if !sides.proposer {
        return Err(Error::Forbidden);
    }
    if !k.state.withdrawable() {
        return Err(Error::Conflict { code: "illegal_transition", message: format!("概念{}，不能再撤回", k.state.label_zh()), field: None });
    }
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    store::withdraw(&mut tx, &caller.actor(), ctx.now(), id, version).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// Which concepts (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConceptQuery {
    /// One state: `pooled`, `batched`, `seeded`, `not_selected` or `withdrawn`.
    #[serde(default)]
    pub state: Option<String>,
    /// One platform's (the bureau, or an operator among its platforms).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub center_id: Option<i64>,
    /// Words in the title.
    #[serde(default)]
    pub q: Option<String>,
}

/// The caller's concepts: a researcher those it proposed, a platform's operators those pooled with
/// their platforms, the bureau all; newest first.
pub async fn list(ctx: &Context, caller: &Caller, q: &ConceptQuery, page: Page) -> Result<Paged<Concept>> {
    let state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(ConceptState::parse(s).map_err(|_| FieldError::unknown_value("state", "状态"))?),
        None => None,
    };
    let mut filter = ConceptFilter { state, center: q.center_id.map(CenterId::new), q: q.q.clone(), ..ConceptFilter::default() };
    if let Some(u) = caller.user() {
        match u.role {
            Role::Bureau => {}
            Role::Researcher => filter.proposer = Some(u.id),
            Role::Center => filter.centers = Some(hosted_poc_centers(ctx, u.org_id).await?),
            Role::County | Role::Expert | Role::Investor | Role::Manager => return Err(Error::Forbidden),
        }
    }
    Ok(store::list(ctx.store().pool(), &filter, page).await?)
}

/// The PoC centers a unit hosts (whose pools its operators review).
pub(crate) async fn hosted_poc_centers(ctx: &Context, org: pocnet_domain::id::OrgId) -> Result<Vec<CenterId>> {
    Ok(pocnet_store::centers::hosted_by(ctx.store().pool(), org).await?.iter().filter(|c| c.kind == CenterKind::PocCenter).map(|c| c.id).collect())
}

/// Which seeds (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SeedQuery {
    /// Words in the title.
    #[serde(default)]
    pub q: Option<String>,
    /// One field code.
    #[serde(default)]
    pub field: Option<String>,
    /// One platform's.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub center_id: Option<i64>,
    /// One batch's.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub batch_id: Option<i64>,
}

/// The published seed list (种子清单, 004 三(二) “推出‘种子’清单，并加强与产业需求对接”): public, newest
/// first; only the public face of each seed.
pub async fn seeds(ctx: &Context, q: &SeedQuery, page: Page) -> Result<Paged<Seed>> {
    let field = q.field.clone().filter(|f| !f.is_empty());
    if let Some(f) = &field {
        if ctx.policies_arc().iter().all(|p| !p.catalogue.iter().any(|c| &c.code == f)) && pocnet_domain::industry::field(f).is_none() {
            return Err(FieldError::unknown_value("field", "产业领域").into());
        }
    }
    let filter = SeedFilter { q: q.q.clone(), field, center: q.center_id.map(CenterId::new), batch: q.batch_id };
    Ok(store::seeds(ctx.store().pool(), &filter, page).await?)
}
