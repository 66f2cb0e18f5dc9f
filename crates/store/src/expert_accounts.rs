//! Experts as people with accounts (专家账号): linking a library expert to an
//! expert account (one account, one expert), opening the account from the
//! record with a one-time activation code, and applications to join the
//! library (专家入库申请) that the bureau approves or rejects. Unlinking keeps
//! the expert's history: panels, declarations and scores belong to the
//! library expert, not to the account.

use crate::audit::{self, Change};
use crate::column::{Instant, MaybeInstant};
use crate::experts::{self, Expert};
use crate::users::{self, NewUser, User};
use crate::{format_ts, parse_code, Actor, Page, Paged, StoreError, StoreResult};
use chrono::{DateTime, Duration, Utc};
use pocnet_domain::credentials::Username;
use pocnet_domain::expert::{ExpertDraft, ExpertInput};
use pocnet_domain::id::{ExpertId, OrgId, RegistrationId, UserId};
use pocnet_domain::expert_account::{ActivationCode, RegistrationDraft, RegistrationStatus, ACTIVATION_VALID_DAYS};
use pocnet_domain::org::OrgKind;
use pocnet_domain::role::Role;
use serde::Serialize;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, AnyPool, FromRow};

/// The password hash of an account that awaits activation: no password
/// verifies against it, so the account cannot sign in until the expert sets
/// its own password with the activation code.
pub const PENDING_ACTIVATION: &str = "!pending-activation";

fn refused(code: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Refused { code, message: message.into() }
}

/// The account linked to a library expert, as curators see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LinkedAccount {
    /// Account id.
    #[schema(value_type = i64)]
    pub user_id: UserId,
    /// Login name.
    pub username: String,
    /// Whether the expert has set its password (false: an activation code is outstanding).
    pub activated: bool,
    /// Whether the account may sign in.
    pub is_active: bool,
}

/// The account linked to `expert_id`, if any.
pub async fn account_of(pool: &AnyPool, expert_id: ExpertId) -> StoreResult<Option<LinkedAccount>> {
    let row: Option<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT u.id, u.username, u.password_hash, CASE WHEN u.is_active THEN 1 ELSE 0 END \
         FROM experts e JOIN users u ON u.id = e.user_id WHERE e.id = $1",
    )
    .bind(expert_id.get())
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(user_id, username, hash, active)| LinkedAccount {
        user_id: UserId::new(user_id),
        username,
        activated: hash != PENDING_ACTIVATION,
        is_active: active != 0,
    }))
}

/// Whether library expert `expert_id` sits on the advisory team (顾问专家团队)
/// of a center hosted by organisation `org_id`.
pub async fn advises_center_of(pool: &AnyPool, expert_id: ExpertId, org_id: OrgId) -> StoreResult<bool> {
    let hit: Option<i64> = sqlx::query_scalar(
        "SELECT a.expert_id FROM center_advisors a JOIN centers c ON c.id = a.center_id WHERE a.expert_id = $1 AND c.host_org_id = $2 LIMIT 1",
    )
    .bind(expert_id.get())
    .bind(org_id.get())
    .fetch_optional(pool)
    .await?;
    Ok(hit.is_some())
}

/// Links the expert account `username` to the library expert `expert_id`.
/// Refused: the account is not an expert account (`not_expert_account`), is
/// disabled (`account_inactive`), is already linked to another expert
/// (`account_taken`), or the expert already has an account (`already_linked`).
pub async fn link(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, expert_id: ExpertId, username: &Username) -> StoreResult<Expert> {
    let expert = experts::get(&mut *conn, expert_id).await?;
    if expert.user_id.is_some() {
        return Err(refused("already_linked", "该专家已关联账号，如需更换请先解除关联"));
    }
    let user: Option<(i64, String, i64)> = sqlx::query_as(
        "SELECT id, role, CASE WHEN is_active THEN 1 ELSE 0 END FROM users WHERE username = $1",
    )
    .bind(username.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((user_id, role, active)) = user else {
        return Err(refused("unknown_account", format!("账号“{username}”不存在")));
    };
    if role != Role::Expert.as_str() {
        return Err(refused("not_expert_account", format!("账号“{username}”不是评审专家账号，只有评审专家账号可以关联专家库")));
    }
    if active == 0 {
        return Err(refused("account_inactive", format!("账号“{username}”已停用")));
    }
    set_user(conn, actor, now, &expert, Some(UserId::new(user_id)), "expert.link", None).await
}

async fn set_user(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    expert: &Expert,
    user_id: Option<UserId>,
    action: &'static str,
    reason: Option<&str>,
) -> StoreResult<Expert> {
    let done = sqlx::query("UPDATE experts SET user_id = $1, version = version + 1, updated_at = $2 WHERE id = $3 AND version = $4")
        .bind(user_id.map(UserId::get))
        .bind(format_ts(now))
        .bind(expert.id.get())
        .bind(expert.version)
        .execute(&mut *conn)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                refused("account_taken", "该账号已关联其他专家：一个账号只能对应一位专家")
            }
            _ => StoreError::Db(e),
        })?;
    if done.rows_affected() == 0 {
        return Err(StoreError::VersionConflict { expected: expert.version });
    }
    let after = experts::get(&mut *conn, expert.id).await?;
    let change = Change {
        action,
        entity_type: "expert",
        entity_id: expert.id.to_string(),
        before: Some(serde_json::json!({"user_id": expert.user_id})),
        after: Some(serde_json::json!({"user_id": after.user_id})),
        reason,
    };
    audit::record(conn, actor, now, change).await?;
    Ok(after)
}

/// Ends the link between a library expert and its account. The expert keeps
/// its panels, declarations and scores; the account keeps existing (the
/// bureau disables it separately) and any outstanding activation code dies.
pub async fn unlink(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, expert_id: ExpertId, reason: &str) -> StoreResult<Expert> {
    let expert = experts::get(&mut *conn, expert_id).await?;
    let Some(user_id) = expert.user_id else {
        return Err(refused("not_linked", "该专家尚未关联账号"));
    };
    revoke_codes(conn, user_id, now).await?;
    set_user(conn, actor, now, &expert, None, "expert.unlink", Some(reason)).await
}

async fn revoke_codes(conn: &mut AnyConnection, user_id: UserId, now: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query("UPDATE activation_codes SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL")
        .bind(format_ts(now))
        .bind(user_id.get())
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A new activation code drawn from the operating system's generator.
pub fn new_code() -> ActivationCode {
    use rand::RngCore;
    let mut bytes = [0u8; pocnet_domain::expert_account::CODE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    ActivationCode::from_random(bytes)
}

fn code_hash(code: &ActivationCode) -> String {
    hex::encode(Sha256::digest(code.as_str().as_bytes()))
}

/// An activation code handed out, with its end.
#[derive(Debug, Clone)]
pub struct Issued {
    /// The account it activates.
    pub user: User,
    /// Valid until (UTC).
    pub expires_at: DateTime<Utc>,
}

/// Opens an expert account for a library expert that has none: login
/// `username`, the expert's unit and name, no usable password; links it and
/// stores the activation code (only its hash).
pub async fn open_account(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    expert_id: ExpertId,
    username: &Username,
    code: &ActivationCode,
) -> StoreResult<Issued> {
    let expert = experts::get(&mut *conn, expert_id).await?;
    if expert.user_id.is_some() {
        return Err(refused("already_linked", "该专家已关联账号，如需重新发放激活码请使用“重新发放激活码”"));
    }
    let new = NewUser {
        username: username.clone(),
        display_name: expert.name.clone(),
        role: Role::Expert,
        org_id: expert.org_id,
        password_hash: PENDING_ACTIVATION.to_owned(),
        is_demo: false,
    };
    let user = users::create(&mut *conn, actor, now, &new).await?;
    set_user(conn, actor, now, &expert, Some(user.id), "expert.link", Some("由专家信息开设账号")).await?;
    store_code(conn, actor, now, &user, code).await
}

/// Issues a new activation code for the not yet activated account of a
/// library expert; earlier codes die (`already_activated` once the expert has
/// set its password: it then uses 修改密码 or the bureau resets it).
pub async fn reissue_code(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, expert_id: ExpertId, code: &ActivationCode) -> StoreResult<Issued> {
    let expert = experts::get(&mut *conn, expert_id).await?;
    let Some(user_id) = expert.user_id else {
        return Err(refused("not_linked", "该专家尚未关联账号"));
    };
    let hash = users::password_hash(&mut *conn, user_id).await?;
    if hash != PENDING_ACTIVATION {
        return Err(refused("already_activated", "该账号已激活；如专家忘记密码，请在账号管理中重置"));
    }
    let user = users::get(&mut *conn, user_id).await?;
    revoke_codes(conn, user_id, now).await?;
    store_code(conn, actor, now, &user, code).await
}

async fn store_code(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, user: &User, code: &ActivationCode) -> StoreResult<Issued> {
    let expires_at = now + Duration::days(ACTIVATION_VALID_DAYS);
    sqlx::query("INSERT INTO activation_codes (user_id, code_hash, expires_at, created_by, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(user.id.get())
        .bind(code_hash(code))
        .bind(format_ts(expires_at))
        .bind(actor.user_column())
        .bind(format_ts(now))
        .execute(&mut *conn)
        .await?;
    let change = Change {
        action: "user.activation_code",
        entity_type: "user",
        entity_id: user.id.to_string(),
        before: None,
        after: Some(serde_json::json!({"expires_at": format_ts(expires_at)})),
        reason: None,
    };
    audit::record(conn, actor, now, change).await?;
    Ok(Issued { user: user.clone(), expires_at })
}

/// The account an unused, unexpired code activates (`invalid_code` otherwise).
pub async fn account_for_code(conn: &mut AnyConnection, now: DateTime<Utc>, code: &ActivationCode) -> StoreResult<User> {
    let user_id: Option<i64> = sqlx::query_scalar(
        "SELECT user_id FROM activation_codes WHERE code_hash = $1 AND used_at IS NULL AND expires_at > $2",
    )
    .bind(code_hash(code))
    .bind(format_ts(now))
    .fetch_optional(&mut *conn)
    .await?;
    let user_id = user_id.ok_or_else(|| refused("invalid_code", "激活码无效、已使用或已过期，请联系市科技局或所在中心重新发放"))?;
    users::get(&mut *conn, UserId::new(user_id)).await
}

/// Activates: the code is used once, the account gets its password.
pub async fn activate(conn: &mut AnyConnection, now: DateTime<Utc>, ip: Option<String>, code: &ActivationCode, password_hash: &str) -> StoreResult<User> {
    let user = account_for_code(conn, now, code).await?;
    let done = sqlx::query("UPDATE activation_codes SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL")
        .bind(format_ts(now))
        .bind(code_hash(code))
        .execute(&mut *conn)
        .await?;
    if done.rows_affected() == 0 {
        return Err(refused("invalid_code", "激活码已使用"));
    }
    revoke_codes(conn, user.id, now).await?;
    let actor = Actor::user(user.id, &user.username, ip);
    users::set_password(conn, &actor, now, user.id, password_hash, None).await?;
    let change = Change {
        action: "user.activate",
        entity_type: "user",
        entity_id: user.id.to_string(),
        before: None,
        after: Some(serde_json::json!({"activated": true})),
        reason: None,
    };
    audit::record(conn, &actor, now, change).await?;
    Ok(user)
}

/// An application to join the expert library (专家入库申请).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Registration {
    /// Id.
    #[schema(value_type = i64)]
    pub id: RegistrationId,
    /// The login name wanted.
    pub username: String,
    /// The applicant's name.
    pub name: String,
    /// The unit as the applicant wrote it.
    pub org_name: String,
    /// The unit's kind.
    pub org_kind: OrgKind,
    /// Pending, approved or rejected.
    pub status: RegistrationStatus,
    /// The bureau's reason (rejection) or note.
    pub reason: String,
    /// The profile as submitted.
    pub profile: ExpertInput,
    /// The library expert created on approval.
    #[schema(value_type = Option<i64>)]
    pub expert_id: Option<ExpertId>,
    /// Submitted at (UTC).
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub created_at: DateTime<Utc>,
    /// Decided at (UTC).
    #[serde(serialize_with = "crate::time::serde_ts::option")]
    #[schema(value_type = Option<String>)]
    pub decided_at: Option<DateTime<Utc>>,
}

#[derive(FromRow)]
struct RegRow {
    id: i64,
    username: String,
    name: String,
    org_name: String,
    org_kind: String,
    status: String,
    reason: String,
    profile_json: String,
    expert_id: Option<i64>,
    #[sqlx(try_from = "Instant")]
    created_at: DateTime<Utc>,
    #[sqlx(try_from = "MaybeInstant")]
    decided_at: Option<DateTime<Utc>>,
}

impl TryFrom<RegRow> for Registration {
    type Error = StoreError;
    fn try_from(r: RegRow) -> StoreResult<Self> {
        Ok(Self {
            id: RegistrationId::new(r.id),
            username: r.username,
            name: r.name,
            org_name: r.org_name,
            org_kind: parse_code(&r.org_kind, OrgKind::parse)?,
            status: parse_code(&r.status, RegistrationStatus::parse)?,
            reason: r.reason,
            profile: serde_json::from_str(&r.profile_json).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            expert_id: r.expert_id.map(ExpertId::new),
            created_at: r.created_at,
            decided_at: r.decided_at,
        })
    }
}

const REG_SELECT: &str = "SELECT id, username, name, org_name, org_kind, status, reason, profile_json, expert_id, \
    created_at, decided_at FROM expert_registrations";

/// Applications sent from `ip` since `since` (the per-address limit).
pub async fn registrations_from(conn: &mut AnyConnection, ip: &str, since: DateTime<Utc>) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM expert_registrations WHERE ip = $1 AND created_at >= $2")
        .bind(ip)
        .bind(format_ts(since))
        .fetch_one(&mut *conn)
        .await?)
}

/// Stores an application (`duplicate` on `username` if the login name is
/// taken by an account or by another pending application).
pub async fn submit(conn: &mut AnyConnection, now: DateTime<Utc>, ip: &str, draft: &RegistrationDraft, password_hash: &str) -> StoreResult<Registration> {
    let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username = $1")
        .bind(draft.username.as_str())
        .fetch_optional(&mut *conn)
        .await?;
    if taken.is_some() {
        return Err(StoreError::Duplicate { field: "username" });
    }
    let profile = serde_json::to_string(&draft.profile).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO expert_registrations (username, password_hash, profile_json, name, org_name, org_kind, status, ip, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'pending', $7, $8) RETURNING id",
    )
    .bind(draft.username.as_str())
    .bind(password_hash)
    .bind(profile)
    .bind(draft.profile.name.trim())
    .bind(&draft.org_name)
    .bind(draft.org_kind.as_str())
    .bind(ip)
    .bind(format_ts(now))
    .fetch_one(&mut *conn)
    .await
    .map_err(StoreError::on_unique("username"))?;
    let actor = Actor { user_id: None, label: format!("applicant:{}", draft.username), ip: Some(ip.to_owned()) };
    let change = Change {
        action: "expert_registration.submit",
        entity_type: "expert_registration",
        entity_id: id.to_string(),
        before: None,
        after: Some(serde_json::json!({"username": draft.username.as_str(), "name": draft.profile.name, "org_name": draft.org_name})),
        reason: None,
    };
    audit::record(conn, &actor, now, change).await?;
    get_registration(&mut *conn, RegistrationId::new(id)).await
}

/// Reads one application.
pub async fn get_registration<'e, E>(executor: E, id: RegistrationId) -> StoreResult<Registration>
where
    E: sqlx::Executor<'e, Database = sqlx::Any>,
{
    sqlx::query_as::<_, RegRow>(&format!("{REG_SELECT} WHERE id = $1"))
        .bind(id.get())
        .fetch_optional(executor)
        .await?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

/// Applications with the given status, newest first.
pub async fn registrations(pool: &AnyPool, status: RegistrationStatus, page: Page) -> StoreResult<Paged<Registration>> {
    let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM expert_registrations WHERE status = $1")
        .bind(status.as_str())
        .fetch_one(pool)
        .await?;
    let rows = sqlx::query_as::<_, RegRow>(&format!("{REG_SELECT} WHERE status = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"))
        .bind(status.as_str())
        .bind(page.limit())
        .bind(page.offset())
        .fetch_all(pool)
        .await?;
    let items = rows.into_iter().map(Registration::try_from).collect::<StoreResult<_>>()?;
    Ok(Paged::exact(items, total, page))
}

async fn decide(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: RegistrationId, status: RegistrationStatus, reason: &str, expert_id: Option<ExpertId>) -> StoreResult<()> {
    let done = sqlx::query(
        "UPDATE expert_registrations SET status = $1, reason = $2, expert_id = $3, decided_by = $4, decided_at = $5, \
         password_hash = '' WHERE id = $6 AND status = 'pending'",
    )
    .bind(status.as_str())
    .bind(reason)
    .bind(expert_id.map(ExpertId::get))
    .bind(actor.user_column())
    .bind(format_ts(now))
    .bind(id.get())
    .execute(&mut *conn)
    .await?;
    if done.rows_affected() == 0 {
        return Err(refused("already_decided", "该申请已处理"));
    }
    let action = if status == RegistrationStatus::Approved { "expert_registration.approve" } else { "expert_registration.reject" };
    let change = Change {
        action,
        entity_type: "expert_registration",
        entity_id: id.to_string(),
        before: Some(serde_json::json!({"status": "pending"})),
        after: Some(serde_json::json!({"status": status.as_str(), "expert_id": expert_id})),
        reason: Some(reason),
    };
    audit::record(conn, actor, now, change).await
}

/// Approves a pending application: the account (with the password the
/// applicant chose) and the library expert (`draft`, whose unit the bureau
/// settled) are created and linked, in the caller's transaction.
pub async fn approve(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: RegistrationId, draft: &ExpertDraft, note: &str) -> StoreResult<Expert> {
    let reg = get_registration(&mut *conn, id).await?;
    if reg.status != RegistrationStatus::Pending {
        return Err(refused("already_decided", "该申请已处理"));
    }
    let hash: String = sqlx::query_scalar("SELECT password_hash FROM expert_registrations WHERE id = $1")
        .bind(id.get())
        .fetch_one(&mut *conn)
        .await?;
    let username = Username::parse(&reg.username).map_err(|e| StoreError::Corrupt(e.message))?;
    let new = NewUser { username, display_name: draft.name.clone(), role: Role::Expert, org_id: draft.org_id, password_hash: hash, is_demo: false };
    let user = users::create(&mut *conn, actor, now, &new).await?;
    let expert = experts::create(&mut *conn, actor, now, draft).await?;
    let expert = set_user(conn, actor, now, &expert, Some(user.id), "expert.link", Some("专家入库申请审核通过")).await?;
    decide(conn, actor, now, id, RegistrationStatus::Approved, note, Some(expert.id)).await?;
    Ok(expert)
}

/// Rejects a pending application with the bureau's reason.
pub async fn reject(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, id: RegistrationId, reason: &str) -> StoreResult<()> {
    decide(conn, actor, now, id, RegistrationStatus::Rejected, reason, None).await
}

/// Pending applications (the bureau's to-do count).
pub async fn pending_count(pool: &AnyPool) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM expert_registrations WHERE status = 'pending'").fetch_one(pool).await?)
}
