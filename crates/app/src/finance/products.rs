//! The catalogue of loans and insurance (金融产品目录) as each side works it: a bank's accounts
//! publish 概念验证贷款 and 研发贷, an insurer's 科技保险 and 中试险 (001 概念验证 12, 001 中试 15,
//! 004 五(一)); every signed-in account reads the open catalogue; an enterprise's account applies
//! with an amount and purpose; the provider approves (an amount up to what was asked) or
//! declines with a reason; the enterprise may withdraw while it waits. The bureau reads all.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::finance::product::{ProductApplicationState, ProductDraft, ProductKind, RawProduct};
use pocnet_domain::money::{parse_yuan, Yuan};
use pocnet_domain::org::OrgKind;
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::finance::products::{self as store, Application, ApplicationFilter, Product, ProductFilter};
use pocnet_store::{Page, Paged};
use serde::{Deserialize, Serialize};

/// A product as published (JSON or form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProductInput {
    /// `poc_loan`, `rd_loan` (banks), `tech_insurance`, `pilot_insurance` (insurers).
    pub kind: String,
    /// Name, 2–60 characters.
    pub name: String,
    /// Terms in words (collateral, repayment, claims), 2–1,000 characters.
    pub terms: String,
    /// Most it lends or covers, yuan.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub max_amount_yuan: Option<i64>,
    /// Term in months (1–120).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub term_months: Option<i64>,
    /// Annual rate or premium rate in percent, e.g. "3.45".
    pub rate_percent: String,
    /// Government guarantee fee in percent, if guaranteed (≤ 0.8 for small firms, 001 中试 15).
    #[serde(default)]
    pub guarantee_fee_percent: String,
    /// Whether it serves small and micro firms: "true" or "false".
    #[serde(default)]
    pub for_small_firms: String,
    /// Who may apply, 2–500 characters.
    pub eligibility: String,
    /// Contact, 2–100 characters.
    pub contact: String,
}

/// The unit a provider's account publishes for, if it is a bank's or an insurer's.
async fn provider_unit(ctx: &Context, caller: &Caller) -> Result<pocnet_store::orgs::Organisation> {
    let u = caller.user().ok_or(Error::Forbidden)?;
    if u.role != Role::Investor {
        return Err(Error::Forbidden);
    }
    let org = pocnet_store::orgs::get(ctx.store().pool(), u.org_id).await?;
    if !matches!(org.kind, OrgKind::Bank | OrgKind::Insurer) {
        return Err(Error::Forbidden);
    }
    Ok(org)
}

/// Publishes a product (a bank's or an insurer's account, each its own kinds).
pub async fn publish(ctx: &Context, caller: &Caller, input: &ProductInput) -> Result<Product> {
    let org = provider_unit(ctx, caller).await?;
    let (max, months) = (input.max_amount_yuan.map(|v| v.to_string()).unwrap_or_default(), input.term_months.map(|v| v.to_string()).unwrap_or_default());
    let small = matches!(input.for_small_firms.trim(), "true" | "on" | "1");
    let raw = RawProduct {
        kind: &input.kind,
        name: &input.name,
        terms: &input.terms,
        max_amount_yuan: &max,
        term_months: &months,
        rate_percent: &input.rate_percent,
        guarantee_fee_percent: &input.guarantee_fee_percent,
        for_small_firms: small,
        eligibility: &input.eligibility,
        contact: &input.contact,
    };
    let draft = ProductDraft::parse(&raw).map_err(Error::Invalid)?;
    if !draft.kind.published_by(org.kind) {
        return Err(FieldError::new("kind", "not_provider_kind", format!("{}不能发布“{}”：贷款由银行发布，保险由保险机构发布", org.kind.label_zh(), draft.kind.label_zh())).into());
    }
    let mut tx = ctx.store().write().await?;
    let id = store::publish(&mut tx, &caller.actor(), ctx.now(), org.id, &draft).await?;
    let p = store::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(p)
}

/// A version read, for a withdrawal.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = ProductWithdrawInput)]
pub struct VersionInput {
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Withdraws a product from the catalogue (its provider's accounts).
pub async fn withdraw(ctx: &Context, caller: &Caller, id: i64, input: &VersionInput) -> Result<ProductView> {
    let p = store::get(ctx.store().pool(), id).await?;
    let org = provider_unit(ctx, caller).await?;
    if org.id != p.provider_org_id {
        return Err(Error::Forbidden);
    }
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    store::withdraw(&mut tx, &caller.actor(), ctx.now(), id, version).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// Which products (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProductQuery {
    /// One kind.
    #[serde(default)]
    pub kind: Option<String>,
    /// `1`: the caller's own products (a provider), withdrawn ones included.
    #[serde(default)]
    pub mine: Option<String>,
}

/// The open catalogue, or a provider's own products.
pub async fn list(ctx: &Context, caller: &Caller, q: &ProductQuery, page: Page) -> Result<Paged<Product>> {
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(ProductKind::parse(k).map_err(|_| FieldError::unknown_value("kind", "产品类别"))?),
        None => None,
    };
    let mine = q.mine.as_deref().is_some_and(|m| matches!(m, "1" | "true" | "on"));
    let provider = match (mine, caller.user()) {
        (true, Some(u)) => Some(u.org_id),
        _ => None,
    };
    Ok(store::list(ctx.store().pool(), &ProductFilter { kind, provider }, page).await?)
}

/// A product's page for one caller.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProductView {
    /// The product.
    pub product: Product,
    /// Whether the caller is its provider.
    pub may_manage: bool,
    /// Why the caller may not apply, if it may not (`None`: an enterprise may apply).
    pub apply_refusal: Option<String>,
    /// The provider's: the applications to it, newest first (up to 100); an enterprise's: its own.
    pub applications: Vec<Application>,
}

/// Why `caller` may not apply to `p`, if it may not.
async fn apply_refusal(ctx: &Context, caller: &Caller, p: &Product) -> Result<Option<String>> {
    let Some(u) = caller.user() else { return Ok(Some("控制台不能申请".into())) };
    if !p.is_open() {
        return Ok(Some("该产品已下架".into()));
    }
    if u.role != Role::Researcher {
        return Ok(Some("由企业账号申请".into()));
    }
    let org = pocnet_store::orgs::get(ctx.store().pool(), u.org_id).await?;
    Ok((org.kind != OrgKind::Enterprise).then(|| format!("由企业申请（本单位为{}）", org.kind.label_zh())))
}

/// One product (any signed-in account; a withdrawn one for its provider and those who applied).
pub async fn view(ctx: &Context, caller: &Caller, id: i64) -> Result<ProductView> {
    let p = store::get(ctx.store().pool(), id).await?;
    let may_manage = caller.user().is_some_and(|u| u.org_id == p.provider_org_id && u.role == Role::Investor);
    let bureau = caller.user().is_none_or(|u| u.role == Role::Bureau);
    // The provider and the bureau: every application to it; anyone else: its own unit's.
    let org = if may_manage || bureau { None } else { caller.user().map(|u| u.org_id) };
    let filter = ApplicationFilter { product: Some(id), org, ..ApplicationFilter::default() };
    let applications: Vec<Application> = store::applications(ctx.store().pool(), &filter, Page::new(Some(1), Some(100))).await?.items;
    if !p.is_open() && !may_manage && !bureau && applications.is_empty() {
        return Err(Error::NotFound);
    }
    Ok(ProductView { apply_refusal: apply_refusal(ctx, caller, &p).await?, may_manage, applications, product: p })
}

/// An application as sent (JSON or form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = FinanceApplyInput)]
pub struct ApplyInput {
    /// The amount, yuan (up to the product's maximum).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub amount_yuan: Option<i64>,
    /// What for (the verification or pilot project), 2–500 characters.
    pub purpose: String,
}

/// Applies to an open product (an enterprise's account); 409 `application_open` while one waits.
pub async fn apply(ctx: &Context, caller: &Caller, id: i64, input: &ApplyInput) -> Result<Application> {
    let p = store::get(ctx.store().pool(), id).await?;
    if let Some(why) = apply_refusal(ctx, caller, &p).await? {
        return Err(if p.is_open() { Error::Forbidden } else { Error::Conflict { code: "product_withdrawn", message: why, field: None } });
    }
    let org = caller.user().map(|u| u.org_id).ok_or(Error::Forbidden)?;
    let mut errors = Vec::new();
    let raw = input.amount_yuan.map(|a| a.to_string()).unwrap_or_default();
    let amount = match parse_yuan("amount_yuan", "申请金额", &raw) {
        Ok(a) if a <= Yuan::ZERO => {
            errors.push(FieldError::new("amount_yuan", "not_positive", "申请金额须大于0"));
            None
        }
        Ok(a) if a > p.max_amount_yuan => {
            errors.push(FieldError::new("amount_yuan", "above_max", format!("申请金额不能超过产品最高额度{}", p.max_amount_yuan.wan())));
            None
        }
        Ok(a) => Some(a),
        Err(e) => {
            errors.push(e);
            None
        }
    };
    let purpose = pocnet_domain::validation::multiline("purpose", "用途", &input.purpose, 2, 500).map_err(|e| errors.push(e)).ok();
    let (Some(amount), Some(purpose)) = (amount, purpose) else { return Err(Error::Invalid(errors)) };
    let mut tx = ctx.store().write().await?;
    let aid = store::apply(&mut tx, &caller.actor(), ctx.now(), &p, org, amount, &purpose).await.map_err(|e| match e {
        pocnet_store::StoreError::Duplicate { .. } => Error::Conflict { code: "application_open", message: "本企业对该产品已有待处理的申请".into(), field: None },
        e => e.into(),
    })?;
    let a = store::application(&mut *tx, aid).await?;
    tx.commit().await?;
    Ok(a)
}

/// An answer to an application (JSON or form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = FinanceApplicationAnswer)]
pub struct AnswerInput {
    /// `approve` or `decline` (the provider), `withdraw` (the enterprise).
    pub action: String,
    /// The amount approved, yuan (up to what was asked).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = Option<i64>)]
    pub approved_yuan: Option<i64>,
    /// Why (a decline), 2–200 characters.
    #[serde(default)]
    pub reason: String,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Answers an application: its provider approves or declines; its enterprise withdraws.
pub async fn answer(ctx: &Context, caller: &Caller, id: i64, input: &AnswerInput) -> Result<Application> {
    let a = store::application(ctx.store().pool(), id).await?;
    let u = caller.user().ok_or(Error::Forbidden)?;
    let provider = u.role == Role::Investor && u.org_id == a.provider_org_id;
    let applicant = u.role == Role::Researcher && u.org_id == a.org_id;
    if !provider && !applicant {
        return Err(if u.role == Role::Bureau { Error::Forbidden } else { Error::NotFound });
    }
    let version = crate::input::version(input.version)?;
    if a.state != ProductApplicationState::Applied {
        return Err(Error::Conflict { code: "already_answered", message: format!("申请{}", a.state.label_zh()), field: None });
    }
    let (to, amount, reason) = match (input.action.trim(), provider, applicant) {
        ("approve", true, _) => {
            let raw = input.approved_yuan.map(|v| v.to_string()).unwrap_or_default();
            let amount = parse_yuan("approved_yuan", "批准金额", &raw)?;
            if amount <= Yuan::ZERO || amount > a.amount_yuan {
                return Err(FieldError::new("approved_yuan", "out_of_range", format!("批准金额须大于0且不超过申请金额{}", a.amount_yuan.wan())).into());
            }
            (ProductApplicationState::Approved, Some(amount), String::new())
        }
        ("decline", true, _) => (ProductApplicationState::Declined, None, pocnet_domain::validation::text("reason", "未批准原因", &input.reason, 2, 200)?),
        ("withdraw", _, true) => (ProductApplicationState::Withdrawn, None, String::new()),
        ("approve" | "decline" | "withdraw", ..) => return Err(Error::Forbidden),
        _ => return Err(FieldError::unknown_value("action", "操作").into()),
    };
    let mut tx = ctx.store().write().await?;
    store::answer(&mut tx, &caller.actor(), ctx.now(), id, version, &store::Outcome { to, approved: amount, reason: &reason }).await?;
    let a = store::application(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(a)
}

/// Which applications (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationQuery {
    /// One state.
    #[serde(default)]
    pub state: Option<String>,
}

/// The caller's applications: an enterprise its own, a provider those it received, the bureau all.
pub async fn applications(ctx: &Context, caller: &Caller, q: &ApplicationQuery, page: Page) -> Result<Paged<Application>> {
    let state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(ProductApplicationState::parse(s).map_err(|_| FieldError::unknown_value("state", "状态"))?),
        None => None,
    };
    let mut filter = ApplicationFilter { state, ..ApplicationFilter::default() };
    if let Some(u) = caller.user() {
        match u.role {
            Role::Bureau => {}
            Role::Researcher => filter.org = Some(u.org_id),
            Role::Investor => filter.provider = Some(u.org_id),
            Role::County | Role::Expert | Role::Center | Role::Manager => return Err(Error::Forbidden),
        }
    }
    Ok(store::applications(ctx.store().pool(), &filter, page).await?)
}
