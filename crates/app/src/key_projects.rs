//! The list of key PoC platform projects (重点推进项目清单, 004 二(二)) as the bureau runs it: it puts a
//! planned platform on the list with its builder (建设主体), records which of the five conditions
//! of 004 二(四) the builder meets, launches it once all are (“成熟一个、启动一个”), links it to the
//! PoC center it became, or takes it off the list with the reason. The bureau, the county
//! departments and the centers' operators read the list; only the bureau changes it.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::center::CenterKind;
use pocnet_domain::id::{CenterId, OrgId};
use pocnet_domain::key_projects::{self as domain, KeyAction, KeyCategory, KeyProjectDraft, KeyState, RawKeyProject};
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::key_projects::{self as store, KeyProject, KeyProjectFilter};
use pocnet_store::{Page, Paged, StoreError};
use serde::{Deserialize, Serialize};

fn may_read(caller: &Caller) -> Result<()> {
    caller.require(&[Role::Bureau, Role::County, Role::Center])
}

fn may_write(caller: &Caller) -> Result<()> {
    caller.require(&[Role::Bureau])
}

/// A key project as sent (JSON or form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct KeyProjectInput {
    /// 项目名称, 2–60 characters.
    pub title: String,
    /// `future_industry` (新建), `frontier` (谋划储备) or `reform` (改革提升).
    pub category: String,
    /// 方向, 2–30 characters (e.g. 脑机接口).
    pub direction: String,
    /// 建设目标与主要任务, 10–2,000 characters.
    pub goal: String,
    /// 集聚区域, up to 30 characters.
    #[serde(default)]
    pub area: String,
    /// 计划投入, 万元 (0–100,000).
    #[serde(default, deserialize_with = "pocnet_domain::library::intake::string_or_number")]
    #[schema(schema_with = pocnet_domain::library::intake::string_or_integer)]
    pub budget_wan: String,
    /// 建设主体: a registered unit (may be named later).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = Option<i64>)]
    pub lead_org_id: Option<i64>,
    /// The version read (an edit).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = Option<i64>)]
    pub version: Option<i64>,
}

async fn parse(ctx: &Context, input: &KeyProjectInput) -> Result<(KeyProjectDraft, Option<OrgId>)> {
    let mut errors = Vec::new();
    let raw = RawKeyProject { title: &input.title, category: &input.category, direction: &input.direction, goal: &input.goal, area: &input.area, budget_wan: &input.budget_wan };
    let draft = KeyProjectDraft::parse(&raw).map_err(|e| errors.extend(e)).ok();
    let lead = match input.lead_org_id {
        None => None,
        Some(id) => match pocnet_store::orgs::get(ctx.store().pool(), OrgId::new(id)).await {
            Ok(o) => Some(o.id),
            Err(StoreError::NotFound) => {
                errors.push(FieldError::unknown_value("lead_org_id", "建设主体"));
                None
            }
            Err(e) => return Err(e.into()),
        },
    };
    match draft {
        Some(d) if errors.is_empty() => Ok((d, lead)),
        _ => Err(Error::Invalid(errors)),
    }
}

/// A project's page for one caller.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KeyProjectView {
    /// The project.
    pub project: KeyProject,
    /// Whether the caller runs the list (the bureau).
    pub may_edit: bool,
    /// The steps the caller may take now.
    pub actions: Vec<KeyAction>,
    /// What happens next, or why it may not be launched yet, in words.
    pub next: String,
}

fn next_words(p: &KeyProject) -> String {
    match p.state {
        KeyState::Reserve => match domain::next_state(p.state, KeyAction::Launch, p.lead_org_id.is_some(), usize::try_from(p.readiness_met).unwrap_or(0)) {
            Ok(_) => "建设主体已具备全部五项条件，可以启动建设（成熟一个、启动一个）。".into(),
            Err(why) => format!("谋划储备中：{why}。"),
        },
        KeyState::Launched => format!("已于{}启动建设；平台建成并登记为概念验证中心后，由市科技局认定建成。", p.launched_on.map(|d| d.to_string()).unwrap_or_default()),
        KeyState::Built => format!("已建成：{}。", p.center_name.clone().unwrap_or_default()),
        KeyState::Dropped => format!("已调出清单：{}", p.reason),
    }
}

/// One project.
pub async fn view(ctx: &Context, caller: &Caller, id: i64) -> Result<KeyProjectView> {
    may_read(caller)?;
    let p = store::get(ctx.store().pool(), id).await?;
    let may_edit = may_write(caller).is_ok();
    let met = usize::try_from(p.readiness_met).unwrap_or(0);
    let actions = if may_edit { KeyAction::ALL.iter().copied().filter(|a| domain::next_state(p.state, *a, p.lead_org_id.is_some(), met).is_ok()).collect() } else { Vec::new() };
    Ok(KeyProjectView { may_edit, actions, next: next_words(&p), project: p })
}

/// Puts a planned platform on the list, in reserve (the bureau).
pub async fn create(ctx: &Context, caller: &Caller, input: &KeyProjectInput) -> Result<KeyProjectView> {
    may_write(caller)?;
    let (draft, lead) = parse(ctx, input).await?;
    let mut tx = ctx.store().write().await?;
    let id = store::create(&mut tx, &caller.actor(), ctx.now(), &draft, lead).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

fn settled(p: &KeyProject) -> Result<()> {
    if matches!(p.state, KeyState::Built | KeyState::Dropped) {
        return Err(Error::Conflict { code: "illegal_transition", message: format!("项目{}，不能再修改", p.state.label_zh()), field: None });
    }
    Ok(())
}

/// Rewrites a project not yet built or dropped (the bureau).
pub async fn edit(ctx: &Context, caller: &Caller, id: i64, input: &KeyProjectInput) -> Result<KeyProjectView> {
    may_write(caller)?;
    let p = store::get(ctx.store().pool(), id).await?;
    settled(&p)?;
    let (draft, lead) = parse(ctx, input).await?;
    if p.state == KeyState::Launched && lead.is_none() {
        return Err(FieldError::required("lead_org_id", "建设主体").into());
    }
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    store::edit(&mut tx, &caller.actor(), ctx.now(), id, version, &draft, lead).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// The conditions met, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ReadinessInput {
    /// The conditions the builder meets: `conditions`, `sources`, `funding`, `management`, `team`.
    #[serde(default)]
    pub readiness: Vec<String>,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Records which of the five conditions of 004 二(四) the builder meets (the bureau, in reserve).
pub async fn readiness(ctx: &Context, caller: &Caller, id: i64, input: &ReadinessInput) -> Result<KeyProjectView> {
    may_write(caller)?;
    let p = store::get(ctx.store().pool(), id).await?;
    if p.state != KeyState::Reserve {
        return Err(Error::Conflict { code: "illegal_transition", message: format!("项目{}，建设条件不再记录", p.state.label_zh()), field: None });
    }
    let met = domain::parse_readiness(&input.readiness)?;
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    store::set_readiness(&mut tx, &caller.actor(), ctx.now(), id, version, &met).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// A step as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct KeyStepInput {
    /// `launch`, `build` or `drop`.
    pub action: String,
    /// The PoC center it became (`build`): hosted by the builder.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = Option<i64>)]
    pub center_id: Option<i64>,
    /// Why it is dropped (`drop`), 2–500 characters.
    #[serde(default)]
    pub reason: String,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Launches (every condition met), records built as a PoC center of its builder, or drops with the
/// reason (the bureau).
pub async fn step(ctx: &Context, caller: &Caller, id: i64, input: &KeyStepInput) -> Result<KeyProjectView> {
    may_write(caller)?;
    let p = store::get(ctx.store().pool(), id).await?;
    let action = KeyAction::parse(input.action.trim()).map_err(|_| FieldError::unknown_value("action", "操作"))?;
    domain::next_state(p.state, action, p.lead_org_id.is_some(), usize::try_from(p.readiness_met).unwrap_or(0))
        .map_err(|message| Error::Conflict { code: "illegal_transition", message, field: None })?;
    let version = crate::input::version(input.version)?;
    let (now, today) = (ctx.now(), ctx.today());
    let mut tx = ctx.store().write().await?;
    match action {
        KeyAction::Launch => store::launch(&mut tx, &caller.actor(), now, id, version, today).await?,
        KeyAction::Build => {
            let cid = input.center_id.ok_or_else(|| FieldError::required("center_id", "建成的概念验证中心"))?;
            let center = match pocnet_store::centers::get(&mut *tx, CenterId::new(cid)).await {
                Ok(c) => c,
                Err(StoreError::NotFound) => return Err(FieldError::unknown_value("center_id", "建成的概念验证中心").into()),
                Err(e) => return Err(e.into()),
            };
            if center.kind != CenterKind::PocCenter || Some(center.host_org_id.get()) != p.lead_org_id {
                let message = format!("“{}”不是建设主体{}登记的概念验证中心", center.name, p.lead_org_name.clone().unwrap_or_default());
                return Err(FieldError::new("center_id", "not_the_builders_center", message).into());
            }
            store::build(&mut tx, &caller.actor(), now, id, version, center.id, today).await.map_err(|e| match e {
                StoreError::Duplicate { .. } => Error::Conflict { code: "duplicate", message: format!("“{}”已是另一个重点推进项目建成的平台", center.name), field: Some("center_id".into()) },
                e => e.into(),
            })?;
        }
        KeyAction::Drop => {
            let reason = pocnet_domain::validation::multiline("reason", "调出原因", &input.reason, 2, 500)?;
            store::drop(&mut tx, &caller.actor(), now, id, version, &reason).await?;
        }
    }
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// Which projects (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyProjectQuery {
    /// `reserve`, `launched`, `built` or `dropped`.
    #[serde(default)]
    pub state: Option<String>,
    /// `future_industry`, `frontier` or `reform`.
    #[serde(default)]
    pub category: Option<String>,
    /// Words in the title or direction.
    #[serde(default)]
    pub q: Option<String>,
}

/// The list (the bureau, the county departments and the centers' operators), newest first.
pub async fn list(ctx: &Context, caller: &Caller, q: &KeyProjectQuery, page: Page) -> Result<Paged<KeyProject>> {
    may_read(caller)?;
    let state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(KeyState::parse(s).map_err(|_| FieldError::unknown_value("state", "状态"))?),
        None => None,
    };
    let category = match q.category.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(KeyCategory::parse(s).map_err(|_| FieldError::unknown_value("category", "布局类别"))?),
        None => None,
    };
    Ok(store::list(ctx.store().pool(), &KeyProjectFilter { state, category, lead: None, q: q.q.clone() }, page).await?)
}
