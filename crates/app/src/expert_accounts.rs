//! An expert's account (专家账号) and applications to join the library
//! (专家入库申请). The bureau — and a center, for the experts of its own
//! advisory team — links an existing expert account to a library expert, or
//! opens the account from the record and hands the expert a one-time
//! activation code; unlinking keeps the expert's history. Anyone may apply to
//! join with a profile and the account it wants; the application stays
//! pending until the bureau approves it (account and library expert created
//! and linked in one transaction) or rejects it with a reason. The console
//! (`pocnet expert link|invite|unlink`) acts through the same workflows.

use crate::experts::{is_field, is_sub_field, read, CURATORS};
use crate::{password, Caller, Context, Error, Result};
use pocnet_domain::credentials::Username;
use pocnet_domain::expert::ExpertInput;
use pocnet_domain::expert_account::{RegistrationInput, REGISTRATIONS_PER_ADDRESS_PER_HOUR};
use pocnet_domain::id::{ExpertId, OrgId, RegistrationId};
use pocnet_domain::org::OrgDraft;
use pocnet_domain::role::Role;
use pocnet_domain::validation::text;
use pocnet_domain::FieldError;
use pocnet_store::expert_accounts::{self, LinkedAccount, Registration};
use pocnet_store::experts::{self, Expert};
use pocnet_store::{orgs, StoreError};
use serde::{Deserialize, Serialize};

/// Whether the caller may manage the account of library expert `id`: the
/// bureau (and the console) any; a center only the experts of its own
/// advisory team (顾问专家); nobody else.
pub async fn may_manage(ctx: &Context, caller: &Caller, id: ExpertId) -> Result<bool> {
    let user = match caller {
        Caller::Console { .. } => return Ok(true),
        Caller::User { user, .. } => user,
    };
    Ok(match user.role {
        Role::Bureau => true,
        Role::Center => expert_accounts::advises_center_of(ctx.store().pool(), id, user.org_id).await?,
        Role::County | Role::Expert | Role::Researcher | Role::Investor | Role::Manager => false,
    })
}

/// The expert whose account the caller manages, or why not.
async fn require_manager(ctx: &Context, caller: &Caller, id: ExpertId) -> Result<Expert> {
    caller.require(CURATORS)?;
    let e = experts::get(ctx.store().pool(), id).await?;
    if !may_manage(ctx, caller, id).await? {
        return Err(Error::rule("not_own_advisor", "中心只能为本中心顾问专家团队中的专家管理账号；其他专家请联系市科技局"));
    }
    Ok(e)
}

/// The account to link, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct LinkInput {
    /// Login name of an existing expert account (`link`), or of the account to open (`invitation`).
    #[serde(default)]
    pub username: String,
    /// Why (kept with an unlinking).
    #[serde(default)]
    pub reason: String,
}

/// A one-time activation code, shown once.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Invitation {
    /// The account to activate.
    pub username: String,
    /// The code, e.g. `ABCD-EFGH-JKMN-PQRS-TVWX` (only its hash is stored: it cannot be shown again).
    pub code: String,
    /// Where the expert activates: open it and set a password.
    pub activation_path: String,
    /// Valid until (UTC).
    pub expires_at: String,
}

/// Links an existing expert account to library expert `id`.
pub async fn link(ctx: &Context, caller: &Caller, id: ExpertId, input: &LinkInput) -> Result<Expert> {
    let e = require_manager(ctx, caller, id).await?;
    let username = Username::parse(&input.username)?;
    if caller.user().is_some_and(|u| u.role == Role::Center) {
        // A center links only accounts of the expert's own unit.
        if let Some((u, _)) = pocnet_store::users::find_for_login(ctx.store().pool(), &username).await? {
            if u.org_id != e.org_id {
                return Err(Error::rule("account_other_unit", "该账号不属于专家所在单位；请联系市科技局关联"));
            }
        }
    }
    let mut tx = ctx.store().write().await?;
    let e = expert_accounts::link(&mut tx, &caller.actor(), ctx.now(), id, &username).await?;
    tx.commit().await?;
    Ok(e)
}

/// Opens the account from the expert's record (or, for a linked account not
/// yet activated, issues a fresh code) and returns the code, once.
pub async fn invite(ctx: &Context, caller: &Caller, id: ExpertId, input: &LinkInput) -> Result<Invitation> {
    let e = require_manager(ctx, caller, id).await?;
    let code = expert_accounts::new_code();
    let mut tx = ctx.store().write().await?;
    let issued = if e.user_id.is_some() {
        expert_accounts::reissue_code(&mut tx, &caller.actor(), ctx.now(), id, &code).await?
    } else {
        let username = Username::parse(&input.username)?;
        expert_accounts::open_account(&mut tx, &caller.actor(), ctx.now(), id, &username, &code).await?
    };
    tx.commit().await?;
    Ok(Invitation {
        username: issued.user.username,
        activation_path: format!("/activate?code={}", code.display()),
        code: code.display(),
        expires_at: pocnet_store::format_ts(issued.expires_at),
    })
}

/// Ends the link; the expert keeps its history.
pub async fn unlink(ctx: &Context, caller: &Caller, id: ExpertId, input: &LinkInput) -> Result<Expert> {
    require_manager(ctx, caller, id).await?;
    let reason = text("reason", "理由", &input.reason, 0, 500)?;
    let mut tx = ctx.store().write().await?;
    let e = expert_accounts::unlink(&mut tx, &caller.actor(), ctx.now(), id, &reason).await?;
    tx.commit().await?;
    Ok(e)
}

/// The account linked to an expert (curators who may manage it, and the expert itself).
pub async fn account(ctx: &Context, caller: &Caller, id: ExpertId) -> Result<Option<LinkedAccount>> {
    let e = read(ctx, caller, id).await?;
    let is_self = caller.user().is_some_and(|u| e.user_id == Some(u.id));
    let curates = caller.user().is_none_or(|u| CURATORS.contains(&u.role));
    if !(is_self || curates && may_manage(ctx, caller, id).await?) {
        return Err(Error::Forbidden);
    }
    Ok(expert_accounts::account_of(ctx.store().pool(), id).await?)
}

/// Checks and stores an application to join the library from `ip` (no login;
/// at most [`REGISTRATIONS_PER_ADDRESS_PER_HOUR`] an hour from one address).
pub async fn submit(ctx: &Context, ip: &str, input: &RegistrationInput) -> Result<Registration> {
    let check = |p: &ExpertInput| {
        let mut p = p.clone();
        p.org_id = 0;
        p.parse(&|c| is_field(ctx, c), &|c| is_sub_field(ctx, c)).map(|_| ())
    };
    // Every problem at once, even a single one.
    let draft = input.parse(&check).map_err(Error::Invalid)?;
    let hash = password::hash(draft.password.expose().to_owned()).await?;
    let now = ctx.now();
    let mut tx = ctx.store().write().await?;
    if expert_accounts::registrations_from(&mut tx, ip, now - chrono::Duration::hours(1)).await? >= REGISTRATIONS_PER_ADDRESS_PER_HOUR {
        return Err(Error::rule("too_many_registrations", "同一网络地址一小时内提交的入库申请过多，请稍后再试"));
    }
    let reg = expert_accounts::submit(&mut tx, now, ip, &draft, &hash).await.map_err(|e| match e {
        StoreError::Duplicate { .. } => Error::from(FieldError::new("username", "username_taken", "该用户名已被使用或已有待审核的申请，请换一个")),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(reg)
}

/// The bureau's decision on an application.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = RegistrationDecisionInput)]
pub struct DecisionInput {
    /// `approve` or `reject`.
    pub decision: String,
    /// Why (required to reject; a note on approval).
    #[serde(default)]
    pub reason: String,
    /// On approval: the registered unit the expert belongs to. Omitted: the
    /// unit of the name the applicant wrote, created if it does not exist yet.
    #[serde(default)]
    pub org_id: Option<i64>,
}

/// Approves or rejects a pending application (bureau).
pub async fn decide(ctx: &Context, caller: &Caller, id: RegistrationId, input: &DecisionInput) -> Result<Registration> {
    caller.require(&[Role::Bureau])?;
    let reg = expert_accounts::get_registration(ctx.store().pool(), id).await?;
    let (actor, now) = (caller.actor(), ctx.now());
    let mut tx = ctx.store().write().await?;
    match input.decision.as_str() {
        "approve" => {
            let note = text("reason", "审核意见", &input.reason, 0, 500)?;
            let org_id = match input.org_id.filter(|o| *o > 0) {
                Some(oid) => orgs::get(&mut *tx, OrgId::new(oid)).await.map_err(|_| FieldError::unknown_value("org_id", "所在单位"))?.id,
                None => match orgs::find_by_name(&mut *tx, &reg.org_name).await? {
                    Some(o) => o.id,
                    None => {
                        let draft = OrgDraft::parse(&reg.org_name, reg.org_kind.as_str(), &reg.profile.region)?;
                        orgs::create(&mut tx, &actor, now, &draft).await?.id
                    }
                },
            };
            let mut profile = reg.profile.clone();
            profile.org_id = org_id.get();
            let draft = profile.parse(&|c| is_field(ctx, c), &|c| is_sub_field(ctx, c))?;
            expert_accounts::approve(&mut tx, &actor, now, id, &draft, &note).await.map_err(|e| match e {
                StoreError::Duplicate { .. } => Error::Conflict {
                    code: "username_taken",
                    message: format!("用户名“{}”已被其他账号占用，无法通过；请驳回并请申请人换用户名重新申请", reg.username),
                    field: Some("username".into()),
                },
                other => other.into(),
            })?;
        }
        "reject" => {
            let reason = text("reason", "驳回理由", &input.reason, 2, 500)?;
            expert_accounts::reject(&mut tx, &actor, now, id, &reason).await?;
        }
        _ => return Err(FieldError::unknown_value("decision", "审核结论").into()),
    }
    tx.commit().await?;
    Ok(expert_accounts::get_registration(ctx.store().pool(), id).await?)
}
