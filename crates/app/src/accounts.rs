//! Accounts (账号): the bureau creates and edits them (the console too:
//! `pocnet user add`, `pocnet user passwd`); each account changes its own
//! password; signing in under the sign-in limits and signing out; and an
//! expert opening the account the bureau or a center prepared, with its
//! one-time activation code. The session cookie and the pages stay in the web.

use crate::{password, Caller, Context, Error, Result};
use pocnet_domain::credentials::{Password, Username};
use pocnet_domain::expert_account::ActivationCode;
use pocnet_domain::id::{OrgId, UserId};
use pocnet_domain::login_guard::LoginPolicy;
use pocnet_domain::role::Role;
use pocnet_domain::validation;
use pocnet_domain::FieldError;
use pocnet_store::audit::{self, Change};
use pocnet_store::users::{self, NewUser, User, UserEdit};
use pocnet_store::{expert_accounts, login_throttle, orgs, sessions, StoreError};
use serde::{Deserialize, Serialize};

/// Those who administer accounts.
pub const ADMINS: &[Role] = &[Role::Bureau];

/// A role code as typed (`bureau`, `center`, …).
pub fn parse_role(raw: &str) -> std::result::Result<Role, FieldError> {
    Role::parse(raw.trim()).map_err(|_| FieldError::unknown_value("role", "角色"))
}

/// An organisation id as typed.
pub fn parse_org(raw: &str) -> std::result::Result<OrgId, FieldError> {
    raw.trim().parse().map_err(|_| FieldError::new("org_id", "invalid_number", "请选择所属单位"))
}

/// A new account.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct NewUserInput {
    /// Login name (3–32 of a-z 0-9 . _ -, starting with a letter).
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Role code.
    pub role: String,
    /// Organisation id.
    #[serde(deserialize_with = "id_from_any")]
    #[schema(value_type = i64)]
    pub org_id: String,
    /// Initial password (10–128 characters); the user should change it.
    pub password: String,
}

/// An account edit.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct UserEditInput {
    /// Name shown.
    pub display_name: String,
    /// Role code.
    pub role: String,
    /// Organisation id.
    #[serde(deserialize_with = "id_from_any")]
    #[schema(value_type = i64)]
    pub org_id: String,
    /// Whether the account may sign in (forms send `on` or nothing).
    #[serde(default, deserialize_with = "flag_from_any")]
    #[schema(value_type = bool)]
    pub is_active: bool,
    /// The version read (optimistic lock).
    pub version: Option<i64>,
}

/// Accepts a number (JSON) or a string (forms) for an id.
fn id_from_any<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        N(i64),
        S(String),
    }
    Ok(match Either::deserialize(d)? {
        Either::N(n) => n.to_string(),
        Either::S(s) => s,
    })
}

/// Accepts `true`/`false` (JSON) or `on`/`true` (forms) for a checkbox.
fn flag_from_any<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<bool, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Either {
        B(bool),
        S(String),
    }
    Ok(match Either::deserialize(d)? {
        Either::B(b) => b,
        Either::S(s) => matches!(s.as_str(), "on" | "true" | "1"),
    })
}

/// Creates an account (bureau, console).
pub async fn create(ctx: &Context, caller: &Caller, input: &NewUserInput) -> Result<User> {
    caller.require(ADMINS)?;
    let username = Username::parse(&input.username)?;
    let display_name = validation::text("display_name", "姓名", &input.display_name, 1, 50)?;
    let role = parse_role(&input.role)?;
    let org_id = parse_org(&input.org_id)?;
    let password = Password::new_for(input.password.clone(), &username, "password")?;
    orgs::get(ctx.store().pool(), org_id)
        .await
        .map_err(|_| FieldError::new("org_id", "unknown_value", "所属单位不存在"))?;
    let password_hash = password::hash(password.expose().to_owned()).await?;
    let new = NewUser { username, display_name, role, org_id, password_hash, is_demo: false };
    let mut tx = ctx.store().write().await?;
    let user = users::create(&mut tx, &caller.actor(), ctx.now(), &new).await?;
    tx.commit().await?;
    Ok(user)
}

/// Edits an account (bureau): name, role, unit, whether it may sign in.
/// Deactivating or changing the role ends its sessions; nobody locks itself out.
pub async fn update(ctx: &Context, caller: &Caller, id: UserId, input: &UserEditInput) -> Result<User> {
    caller.require(ADMINS)?;
    let edit = UserEdit {
        display_name: validation::text("display_name", "姓名", &input.display_name, 1, 50)?,
        role: parse_role(&input.role)?,
        org_id: parse_org(&input.org_id)?,
        is_active: input.is_active,
    };
    let is_self = caller.user().is_some_and(|u| u.id == id);
    if is_self && (!edit.is_active || edit.role != Role::Bureau) {
        return Err(FieldError::new("is_active", "self_lockout", "不能停用自己的账号或取消自己的管理角色").into());
    }
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    let user = users::update(&mut tx, &caller.actor(), ctx.now(), id, version, &edit).await.map_err(|e| match e {
        StoreError::NotFound => Error::from(FieldError::new("org_id", "unknown_value", "账号或所属单位不存在")),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(user)
}

/// The signed-in caller changes its own password: the current one is checked,
/// the new one must follow the rules; every other session of the account
/// ends (`keep_session`, the one asking, stays).
pub async fn change_password(ctx: &Context, caller: &Caller, current: String, new: String, keep_session: Option<&str>) -> Result<()> {
    let me = caller.user().ok_or(Error::Forbidden)?;
    let username = Username::parse(&me.username)?;
    let new = Password::new_for(new, &username, "new_password")?;
    let stored = users::password_hash(ctx.store().pool(), me.id).await?;
    if !password::verify(current, stored).await? {
        return Err(FieldError::new("current_password", "mismatch", "当前密码不正确").into());
    }
    let hash = password::hash(new.expose().to_owned()).await?;
    let mut tx = ctx.store().write().await?;
    users::set_password(&mut tx, &caller.actor(), ctx.now(), me.id, &hash, keep_session).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password for an account without the old one (bureau, console:
/// `pocnet user passwd`); every session of the account ends.
pub async fn reset_password(ctx: &Context, caller: &Caller, username: &Username, new: String) -> Result<User> {
    caller.require(ADMINS)?;
    let (user, _) = users::find_for_login(ctx.store().pool(), username).await?.ok_or(Error::NotFound)?;
    let new = Password::new_for(new, username, "password")?;
    let hash = password::hash(new.expose().to_owned()).await?;
    let mut tx = ctx.store().write().await?;
    users::set_password(&mut tx, &caller.actor(), ctx.now(), user.id, &hash, None).await?;
    tx.commit().await?;
    Ok(user)
}

/// How this server lets accounts sign in.
#[derive(Debug, Clone, Copy)]
pub struct SignInRules<'a> {
    /// The sign-in limits.
    pub policy: &'a LoginPolicy,
    /// A real hash checked when the username is unknown, so the response time
    /// does not reveal which usernames exist.
    pub fallback_hash: &'a str,
    /// Whether demo accounts may sign in (only while the server runs in demo mode).
    pub demo: bool,
    /// How long a session lasts at most.
    pub session_length: chrono::Duration,
}

/// A session just opened.
#[derive(Debug, Clone)]
pub struct Session {
    /// The bearer token (its hash is the session row's id).
    pub token: String,
    /// The session's CSRF token.
    pub csrf_token: String,
    /// The account.
    pub user: User,
}

/// Checks credentials under the sign-in limits and opens a session. The
/// attempt is counted before the password hash (domain::login_guard), so
/// parallel attempts cannot pass a limit.
pub async fn sign_in(ctx: &Context, rules: SignInRules<'_>, ip: &str, username: &str, password_raw: String) -> Result<Session> {
    let now = ctx.now();
    // A name that cannot exist is still counted and still costs a hash.
    let parsed = Username::parse(username);
    let key = parsed.as_ref().map_or_else(|_| username.trim().to_lowercase(), |u| u.as_str().to_owned());
    let key: String = key.chars().take(64).collect();
    let admitted = match login_throttle::admit(ctx.store(), rules.policy, &key, ip, now).await? {
        Ok(a) => a,
        Err(refusal) => return Err(Error::Throttled { scope: refusal.scope, until: refusal.until, now }),
    };
    let found = match &parsed {
        Ok(u) => users::find_for_login(ctx.store().pool(), u).await?,
        Err(_) => None,
    };
    let offered = Password::offered(password_raw);
    let (user, ok) = match found {
        Some((user, hash)) => {
            let ok = password::verify(offered.expose().to_owned(), hash).await?;
            (Some(user), ok)
        }
        None => {
            password::verify(offered.expose().to_owned(), rules.fallback_hash.to_owned()).await?;
            (None, false)
        }
    };
    let mut tx = ctx.store().write().await?;
    let user = match user {
        // Demo accounts sign in only while the server runs in demo mode.
        Some(u) if ok && u.is_active && (!u.is_demo || rules.demo) => u,
        // The failure was counted when the attempt was admitted.
        _ => return Err(Error::InvalidCredentials),
    };
    login_throttle::succeeded(&mut tx, rules.policy, &admitted, now).await?;
    let (token, csrf_token) = sessions::create(&mut tx, user.id, now, rules.session_length).await?;
    let actor = pocnet_store::Actor::user(user.id, &user.username, Some(ip.to_owned()));
    let change = Change {
        action: "session.login",
        entity_type: "user",
        entity_id: user.id.to_string(),
        before: None,
        after: Some(serde_json::json!({"session": "opened"})),
        reason: None,
    };
    audit::record(&mut tx, &actor, now, change).await?;
    tx.commit().await?;
    Ok(Session { token, csrf_token, user })
}

/// Ends the caller's session `session_id` (signing out).
pub async fn sign_out(ctx: &Context, caller: &Caller, session_id: &str) -> Result<()> {
    let me = caller.user().ok_or(Error::Forbidden)?;
    let mut tx = ctx.store().write().await?;
    sessions::delete(&mut tx, session_id).await?;
    let change = Change {
        action: "session.logout",
        entity_type: "user",
        entity_id: me.id.to_string(),
        before: Some(serde_json::json!({"session": "open"})),
        after: None,
        reason: None,
    };
    audit::record(&mut tx, &caller.actor(), ctx.now(), change).await?;
    tx.commit().await?;
    Ok(())
}

/// An activation, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ActivateInput {
    /// The one-time code, e.g. `ABCD-EFGH-JKMN-PQRS-TVWX`.
    pub code: String,
    /// The new password (10–128 characters, not the username).
    pub password: String,
    /// The new password again (the form; the API may omit it).
    #[serde(default)]
    pub password_confirm: Option<String>,
}

/// The activated account.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Activated {
    /// The login name to sign in with.
    pub username: String,
}

/// A refused code reads as a problem of the `code` field.
fn code_refused(e: StoreError) -> Error {
    match e {
        StoreError::Refused { code, message } => Error::from(FieldError::new("code", code, message)),
        other => other.into(),
    }
}

/// Checks the code and the password, then activates the account (no login
/// needed, from `ip`): the code is used once.
pub async fn activate(ctx: &Context, ip: &str, input: &ActivateInput) -> Result<Activated> {
    let code = ActivationCode::parse(&input.code)?;
    let now = ctx.now();
    // Who the code is for decides what the password may not contain.
    let user = {
        let mut conn = ctx.store().pool().acquire().await.map_err(StoreError::from)?;
        expert_accounts::account_for_code(&mut conn, now, &code).await.map_err(code_refused)?
    };
    let username = Username::parse(&user.username)?;
    let password = Password::new_for(input.password.clone(), &username, "password")?;
    if input.password_confirm.as_deref().is_some_and(|c| c != input.password) {
        return Err(FieldError::new("password_confirm", "mismatch", "两次输入的密码不一致").into());
    }
    let hash = password::hash(password.expose().to_owned()).await?;
    let mut tx = ctx.store().write().await?;
    let user = expert_accounts::activate(&mut tx, now, Some(ip.to_owned()), &code, &hash).await.map_err(code_refused)?;
    tx.commit().await?;
    Ok(Activated { username: user.username })
}
