//! Innovation vouchers (科技创新券): the bureau opens a year's scheme with its limits and
//! budget and lists the providers (PoC centers and pilot platforms); an enterprise applies
//! for its quota (申领额度), the bureau grants or refuses; the enterprise asks a listed
//! provider for one of its listed services (申请使用), which reserves what the voucher covers;
//! the provider accepts and delivers with the final fee; the enterprise applies for redemption
//! with its invoice (申请兑付); the bureau pays or refuses. Each side reads its own; the bureau
//! all, with the reports per provider and per enterprise.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::finance::voucher::{next_use_state, QuotaState, UseStep, VoucherParty, VoucherRules};
use pocnet_domain::id::{CenterId, OfferId, VoucherQuotaId, VoucherSchemeId, VoucherUseId};
use pocnet_domain::money::Yuan;
use pocnet_domain::org::OrgKind;
use pocnet_domain::role::Role;
use pocnet_domain::validation::{multiline, text};
use pocnet_domain::FieldError;
use pocnet_store::finance::vouchers::{self as store, NewUse, Provider, Quota, QuotaFilter, Scheme, UseFilter, VoucherUse};
use pocnet_store::{Page, Paged, StoreError};
use serde::Deserialize;

/// A scheme as the bureau sends it (JSON numbers, or a form's text).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SchemeInput {
    /// The year (2020–2100; fixed once opened).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub year: Option<i64>,
    /// Title, 2–100 characters (e.g. 2027年度科技创新券).
    pub title: String,
    /// 年度预算 (yuan).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub budget_yuan: Option<i64>,
    /// 单次兑付上限 (yuan).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub per_use_cap_yuan: Option<i64>,
    /// 每家企业年度额度上限 (yuan).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub per_year_cap_yuan: Option<i64>,
    /// 兑付比例 (%, 1–100).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub share_percent: Option<i64>,
    /// 全额兑付线 (yuan, inclusive).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub full_cover_up_to_yuan: Option<i64>,
    /// Whether enterprises may apply and use vouchers (default: open).
    #[serde(default)]
    pub open: Option<bool>,
    /// The version read (to change a scheme).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = Option<i64>)]
    pub version: Option<i64>,
}

/// A number the input must give, named by its field.
fn given(errors: &mut Vec<FieldError>, field: &str, label: &str, v: Option<i64>) -> i64 {
    v.unwrap_or_else(|| {
        errors.push(FieldError::required(field, label));
        0
    })
}

fn rules_of(input: &SchemeInput) -> Result<(i32, VoucherRules)> {
    let mut errors = Vec::new();
    let amount = |errors: &mut Vec<FieldError>, field: &str, label: &str, v: Option<i64>| {
        let v = given(errors, field, label, v);
        if v < 0 {
            errors.push(FieldError::new(field, "negative", format!("{label}不能为负数")));
        }
        Yuan::new(v.max(0))
    };
    let budget = amount(&mut errors, "budget_yuan", "年度预算", input.budget_yuan);
    let per_use_cap = amount(&mut errors, "per_use_cap_yuan", "单次兑付上限", input.per_use_cap_yuan);
    let per_year_cap = amount(&mut errors, "per_year_cap_yuan", "每家企业年度额度上限", input.per_year_cap_yuan);
    let full_cover_up_to = amount(&mut errors, "full_cover_up_to_yuan", "全额兑付线", input.full_cover_up_to_yuan);
    let share = given(&mut errors, "share_percent", "兑付比例", input.share_percent);
    let year = given(&mut errors, "year", "年度", input.year);
    let rules = VoucherRules { budget, per_use_cap, per_year_cap, full_cover_up_to, share_percent: u8::try_from(share).unwrap_or(0) };
    if errors.is_empty() {
        if let Err(more) = rules.check() {
            // The domain names its fields without the API's `_yuan`.
            errors.extend(more.into_iter().map(|mut e| {
                if e.field != "share_percent" {
                    e.field = format!("{}_yuan", e.field);
                }
                e
            }));
        }
        if !(2020..=2100).contains(&year) {
            errors.push(FieldError::new("year", "out_of_range", "年度须在2020至2100之间"));
        }
    }
    if let Err(e) = text("title", "方案名称", &input.title, 2, 100) {
        errors.push(e);
    }
    if errors.is_empty() {
        Ok((i32::try_from(year).unwrap_or(2020), rules))
    } else {
        Err(Error::Invalid(errors))
    }
}

/// Every scheme, newest year first (public: the limits are policy).
pub async fn schemes(ctx: &Context) -> Result<Vec<Scheme>> {
    Ok(store::schemes(ctx.store().pool()).await?)
}

/// One scheme (public).
pub async fn scheme(ctx: &Context, id: VoucherSchemeId) -> Result<Scheme> {
    Ok(store::scheme(ctx.store().pool(), id).await?)
}

/// Opens a year's scheme (the bureau).
pub async fn create_scheme(ctx: &Context, caller: &Caller, input: &SchemeInput) -> Result<Scheme> {
    caller.require(&[Role::Bureau])?;
    let (year, rules) = rules_of(input)?;
    let mut tx = ctx.store().write().await?;
    let id = store::create_scheme(&mut tx, &caller.actor(), ctx.now(), year, input.title.trim(), &rules).await.map_err(|e| match e {
        StoreError::Duplicate { .. } => Error::Conflict { code: "scheme_exists", message: format!("{year}年度的创新券方案已存在，请修改该方案"), field: Some("year".into()) },
        e => e.into(),
    })?;
    let s = store::scheme(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(s)
}

/// Changes a scheme's title, limits, budget and whether it is open (the bureau); the year stays.
pub async fn update_scheme(ctx: &Context, caller: &Caller, id: VoucherSchemeId, input: &SchemeInput) -> Result<Scheme> {
    caller.require(&[Role::Bureau])?;
    let current = store::scheme(ctx.store().pool(), id).await?;
    let (_, rules) = rules_of(&SchemeInput { year: Some(i64::from(current.year)), ..input.clone() })?;
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    store::update_scheme(&mut tx, &caller.actor(), ctx.now(), id, version, input.title.trim(), &rules, input.open.unwrap_or(current.is_open())).await?;
    let s = store::scheme(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(s)
}

/// Lists a center or pilot platform the bureau has recognized or put on its creation list as a
/// provider of the scheme (the bureau).
pub async fn add_provider(ctx: &Context, caller: &Caller, scheme: VoucherSchemeId, center: CenterId) -> Result<()> {
    caller.require(&[Role::Bureau])?;
    store::scheme(ctx.store().pool(), scheme).await?;
    let c = pocnet_store::centers::get(ctx.store().pool(), center).await.map_err(|e| match e {
        StoreError::NotFound => Error::from(FieldError::new("center_id", "not_found", "没有这个中心或平台")),
        e => e.into(),
    })?;
    if !c.is_public() {
        return Err(FieldError::new("center_id", "not_listed", format!("“{}”不在已认定或创建名单中，不能列入服务机构目录", c.name)).into());
    }
    let mut tx = ctx.store().write().await?;
    store::add_provider(&mut tx, &caller.actor(), ctx.now(), scheme, center).await.map_err(|e| match e {
        StoreError::Duplicate { .. } => Error::Conflict { code: "provider_listed", message: format!("“{}”已在服务机构目录中", c.name), field: Some("center_id".into()) },
        e => e.into(),
    })?;
    tx.commit().await?;
    Ok(())
}

/// A scheme's providers with their totals (public: enterprises choose among them).
pub async fn providers(ctx: &Context, scheme: VoucherSchemeId) -> Result<Vec<Provider>> {
    Ok(store::providers(ctx.store().pool(), scheme).await?)
}

/// An enterprise's application for its quota.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct QuotaInput {
    /// Asked for (yuan), at most the scheme's yearly cap.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub requested_yuan: Option<i64>,
    /// What the vouchers will pay for, 10–500 characters.
    pub purpose: String,
}

/// Why the caller may not apply for a quota (None: it may): an enterprise's account.
pub async fn quota_refusal(ctx: &Context, caller: &Caller) -> Result<Option<&'static str>> {
    let Some(user) = caller.user() else { return Ok(Some("请先登录企业账号")) };
    if user.role != Role::Researcher {
        return Ok(Some("创新券由企业申领：请用企业账号登录"));
    }
    let org = pocnet_store::orgs::get(ctx.store().pool(), user.org_id).await?;
    Ok((org.kind != OrgKind::Enterprise).then_some("创新券由企业申领：本单位不是企业"))
}

/// Applies for the caller's enterprise's quota of the scheme.
pub async fn apply(ctx: &Context, caller: &Caller, scheme: VoucherSchemeId, input: &QuotaInput) -> Result<Quota> {
    if let Some(why) = quota_refusal(ctx, caller).await? {
        return Err(if caller.user().is_some_and(|u| u.role == Role::Researcher) { Error::rule("not_an_enterprise", why) } else { Error::Forbidden });
    }
    let user = caller.user().ok_or(Error::Forbidden)?;
    let s = store::scheme(ctx.store().pool(), scheme).await?;
    if !s.is_open() {
        return Err(Error::rule("scheme_closed", format!("{}已停止受理", s.title)));
    }
    let mut errors = Vec::new();
    let requested = given(&mut errors, "requested_yuan", "申领额度", input.requested_yuan);
    if errors.is_empty() && (requested <= 0 || requested > s.per_year_cap_yuan.get()) {
        errors.push(FieldError::new("requested_yuan", "out_of_range", format!("申领额度须大于0且不超过每家企业年度上限{}", s.per_year_cap_yuan.wan())));
    }
    let purpose = multiline("purpose", "用途说明", &input.purpose, 10, 500).map_err(|e| errors.push(e)).ok();
    let Some(purpose) = purpose.filter(|_| errors.is_empty()) else { return Err(Error::Invalid(errors)) };
    let mut tx = ctx.store().write().await?;
    let id = store::apply(&mut tx, &caller.actor(), ctx.now(), scheme, user.org_id, Some(user.id), Yuan::new(requested), &purpose).await.map_err(|e| match e {
        StoreError::Duplicate { .. } => Error::Conflict { code: "quota_exists", message: format!("本企业已申领{}年度额度", s.year), field: None },
        e => e.into(),
    })?;
    let q = store::quota(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(q)
}

/// The bureau's decision on a quota.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct QuotaDecision {
    /// Grant (true) or refuse (false).
    pub grant: bool,
    /// The amount granted (yuan), when granting (default: what was asked); at most the yearly cap.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = Option<i64>)]
    pub granted_yuan: Option<i64>,
    /// The reason: required to refuse or to grant less than asked.
    #[serde(default)]
    pub reason: String,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Grants or refuses a quota (the bureau).
pub async fn decide(ctx: &Context, caller: &Caller, id: VoucherQuotaId, input: &QuotaDecision) -> Result<Quota> {
    caller.require(&[Role::Bureau])?;
    let pool = ctx.store().pool();
    let q = store::quota(pool, id).await?;
    let s = store::scheme(pool, q.scheme_id).await?;
    if q.state != QuotaState::Applied {
        return Err(Error::Conflict { code: "illegal_transition", message: format!("该额度已{}，不能再核定", q.state.label_zh()), field: None });
    }
    let reason = multiline("reason", "理由", &input.reason, 0, 500)?;
    let granted = if input.grant {
        let g = input.granted_yuan.unwrap_or(q.requested_yuan.get());
        if g <= 0 || g > s.per_year_cap_yuan.get() {
            return Err(FieldError::new("granted_yuan", "out_of_range", format!("核定额度须大于0且不超过每家企业年度上限{}", s.per_year_cap_yuan.wan())).into());
        }
        if g < q.requested_yuan.get() && reason.chars().count() < 2 {
            return Err(FieldError::new("reason", "required", "核定额度少于申领额度时须写明理由").into());
        }
        Some(Yuan::new(g))
    } else {
        if reason.chars().count() < 2 {
            return Err(FieldError::new("reason", "required", "不予核定须写明理由").into());
        }
        None
    };
    let mut tx = ctx.store().write().await?;
    let version = crate::input::version(input.version)?;
    store::decide(&mut tx, &caller.actor(), ctx.now(), id, version, granted, &reason).await?;
    let q = store::quota(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(q)
}

/// The quotas the caller may read: the bureau's filter as given; an enterprise only its own.
pub async fn quotas(ctx: &Context, caller: &Caller, mut filter: QuotaFilter, page: Page) -> Result<Paged<Quota>> {
    if let Some(u) = caller.user() {
        match u.role {
            Role::Bureau => {}
            Role::Researcher => filter.org = Some(u.org_id),
            Role::County | Role::Center | Role::Expert | Role::Investor | Role::Manager => return Err(Error::Forbidden),
        }
    }
    Ok(store::quotas(ctx.store().pool(), &filter, page).await?)
}

/// The caller's enterprise's quota of a scheme, if it applied.
pub async fn my_quota(ctx: &Context, caller: &Caller, scheme: VoucherSchemeId) -> Result<Option<Quota>> {
    let Some(u) = caller.user() else { return Ok(None) };
    Ok(store::quota_of(ctx.store().pool(), scheme, u.org_id).await?)
}

/// A use as the enterprise asks for it.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct UseInput {
    /// The listed service (a shared resource of a listed provider).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub offer_id: Option<i64>,
    /// What is to be done, 10–1000 characters.
    pub description: String,
    /// The fee the provider quoted (yuan).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub fee_yuan: Option<i64>,
}

/// Asks a listed provider for a listed service, drawing on the caller's granted quota of the
/// scheme: what the voucher covers is reserved from the quota and the budget at once.
pub async fn request_use(ctx: &Context, caller: &Caller, scheme: VoucherSchemeId, input: &UseInput) -> Result<VoucherUse> {
    let user = caller.user().ok_or(Error::Forbidden)?;
    let pool = ctx.store().pool();
    let s = store::scheme(pool, scheme).await?;
    let quota = match store::quota_of(pool, scheme, user.org_id).await? {
        Some(q) if q.state == QuotaState::Granted => q,
        Some(_) => return Err(Error::rule("quota_not_granted", "本企业的年度额度尚未核定")),
        None if user.role == Role::Researcher => return Err(Error::rule("no_quota", format!("请先申领{}年度创新券额度", s.year))),
        None => return Err(Error::Forbidden),
    };
    if !s.is_open() {
        return Err(Error::rule("scheme_closed", format!("{}已停止受理", s.title)));
    }
    let mut errors = Vec::new();
    let offer_id = given(&mut errors, "offer_id", "服务项目", input.offer_id);
    let fee = given(&mut errors, "fee_yuan", "服务费", input.fee_yuan);
    let offer = match pocnet_store::sharing::offers::get(pool, OfferId::new(offer_id)).await {
        Ok(o) if o.state == pocnet_domain::sharing::OfferState::Open && store::is_provider(pool, scheme, o.center_id).await? => Some(o),
        Ok(_) | Err(StoreError::NotFound) => {
            errors.push(FieldError::new("offer_id", "not_listed", "所选服务不在创新券服务机构目录中或暂停受理"));
            None
        }
        Err(e) => return Err(e.into()),
    };
    let description = multiline("description", "服务内容", &input.description, 10, 1000).map_err(|e| errors.push(e)).ok();
    if input.fee_yuan.is_some() && (fee <= 0 || fee > 1_000_000_000) {
        errors.push(FieldError::new("fee_yuan", "out_of_range", "服务费须为大于0的整数（元）"));
    }
    let (Some(offer), Some(description)) = (offer, description) else { return Err(Error::Invalid(errors)) };
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    let fee = Yuan::new(fee);
    let covered = s.rules().covered(fee);
    let mut tx = ctx.store().write().await?;
    let id = store::request_use(
        &mut tx,
        &caller.actor(),
        ctx.now(),
        &NewUse { quota: &quota, center: offer.center_id, offer: offer.id, by: Some(user.id), description: &description, fee, covered },
    )
    .await?;
    let u = store::get_use(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(u)
}

/// How the caller stands to a use: the bureau reads all and pays; the enterprise and the
/// provider's operators are its parties; anyone else does not see it.
pub fn party(caller: &Caller, u: &VoucherUse) -> Result<Option<VoucherParty>> {
    let Some(user) = caller.user() else { return Ok(Some(VoucherParty::Bureau)) };
    match user.role {
        Role::Bureau => Ok(Some(VoucherParty::Bureau)),
        Role::Researcher if user.org_id == u.org_id => Ok(Some(VoucherParty::Enterprise)),
        Role::Center if user.org_id == u.host_org_id => Ok(Some(VoucherParty::Provider)),
        _ => Err(Error::NotFound),
    }
}

/// Reads a use the caller may see.
pub async fn get_use(ctx: &Context, caller: &Caller, id: VoucherUseId) -> Result<(VoucherUse, Option<VoucherParty>)> {
    let u = store::get_use(ctx.store().pool(), id).await?;
    let p = party(caller, &u)?;
    Ok((u, p))
}

/// A step on a use.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct UseStepInput {
    /// `accept`, `decline`, `cancel`, `deliver`, `redeem`, `pay` or `refuse`.
    pub action: String,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
    /// The final fee (yuan), to deliver.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = Option<i64>)]
    pub fee_yuan: Option<i64>,
    /// The invoice number, to redeem.
    #[serde(default)]
    pub invoice_no: String,
    /// The reason, to decline or refuse (2–500 characters).
    #[serde(default)]
    pub reason: String,
}

/// Takes a step on a use for the caller's side.
pub async fn step_use(ctx: &Context, caller: &Caller, id: VoucherUseId, input: &UseStepInput) -> Result<VoucherUse> {
    let pool = ctx.store().pool();
    let (u, p) = get_use(ctx, caller, id).await?;
    let party = p.ok_or(Error::Forbidden)?;
    let step = UseStep::parse(input.action.trim()).map_err(|_| FieldError::unknown_value("action", "操作"))?;
    let to = next_use_state(u.state, step, party).map_err(|why| {
        let another = [VoucherParty::Enterprise, VoucherParty::Provider, VoucherParty::Bureau].into_iter().any(|o| o != party && next_use_state(u.state, step, o).is_ok());
        if another {
            Error::Forbidden
        } else {
            Error::Conflict { code: "illegal_transition", message: format!("{}：{why}", u.state.label_zh()), field: None }
        }
    })?;
    let (mut fee, mut covered, mut invoice, mut reason) = (u.fee_yuan, u.covered_yuan, u.invoice_no.clone(), String::new());
    match step {
        UseStep::Deliver => {
            let f = input.fee_yuan.ok_or_else(|| FieldError::required("fee_yuan", "最终服务费"))?;
            if f <= 0 || f > 1_000_000_000 {
                return Err(FieldError::new("fee_yuan", "out_of_range", "最终服务费须为大于0的整数（元）").into());
            }
            let s = store::scheme(pool, u.scheme_id).await?;
            fee = Yuan::new(f);
            // The voucher covers at most what was reserved when the enterprise asked.
            covered = s.rules().covered(fee).min(u.covered_yuan);
        }
        UseStep::Redeem => invoice = text("invoice_no", "发票号码", &input.invoice_no, 4, 50)?,
        UseStep::Decline | UseStep::Refuse => reason = multiline("reason", "理由", &input.reason, 2, 500)?,
        UseStep::Accept | UseStep::Cancel | UseStep::Pay => {}
    }
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    store::step_use(&mut tx, &caller.actor(), ctx.now(), &u, version, to, fee, covered, &invoice, &reason).await?;
    let u = store::get_use(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(u)
}

/// The uses the caller may read: the bureau any; an enterprise its own; an operator those
/// asked of its centers.
pub async fn uses(ctx: &Context, caller: &Caller, mut filter: UseFilter, page: Page) -> Result<Paged<VoucherUse>> {
    if let Some(u) = caller.user() {
        match u.role {
            Role::Bureau => {}
            Role::Researcher => {
                filter.org = Some(u.org_id);
                filter.centers.clear();
            }
            Role::Center => {
                let mine: Vec<CenterId> = pocnet_store::centers::hosted_by(ctx.store().pool(), u.org_id).await?.iter().map(|c| c.id).collect();
                filter.centers = if mine.is_empty() { vec![CenterId::new(0)] } else { mine };
                filter.org = None;
            }
            Role::County | Role::Expert | Role::Investor | Role::Manager => return Err(Error::Forbidden),
        }
    }
    Ok(store::uses(ctx.store().pool(), &filter, page).await?)
}

/// A scheme's report (the bureau): its providers' and its enterprises' totals.
pub struct Report {
    /// The scheme.
    pub scheme: Scheme,
    /// Per provider.
    pub providers: Vec<Provider>,
    /// Per enterprise, newest application first.
    pub quotas: Vec<Quota>,
}

/// The report of a scheme (the bureau), for its page and its Excel workbook.
pub async fn report(ctx: &Context, caller: &Caller, scheme: VoucherSchemeId) -> Result<Report> {
    caller.require(&[Role::Bureau])?;
    let pool = ctx.store().pool();
    let s = store::scheme(pool, scheme).await?;
    let providers = providers(ctx, scheme).await?;
    let quotas = store::quotas(pool, &QuotaFilter { scheme: Some(scheme), ..Default::default() }, Page::new(Some(1), Some(200)).all()).await?.items;
    Ok(Report { scheme: s, providers, quotas })
}

/// The open services of a scheme's providers (public: what vouchers may pay for), at most 500.
pub async fn listed_services(ctx: &Context, scheme: VoucherSchemeId) -> Result<Vec<store::ListedService>> {
    Ok(store::listed_services(ctx.store().pool(), scheme, 500).await?)
}

/// A page of a scheme's ledger (the bureau).
pub async fn ledger(ctx: &Context, caller: &Caller, scheme: VoucherSchemeId, page: Page) -> Result<Paged<store::LedgerEntry>> {
    caller.require(&[Role::Bureau])?;
    store::scheme(ctx.store().pool(), scheme).await?;
    Ok(store::ledger_page(ctx.store().pool(), scheme, page).await?)
}
