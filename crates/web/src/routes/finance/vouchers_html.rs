//! Pages of innovation vouchers: `/vouchers` (the year's scheme with its budget, its providers and
//! services, and each role's part: the bureau's forms and queues, the enterprise's quota and uses,
//! the provider's orders), one use with each side's next step, the report with its Excel workbook.
//! Every form works without JavaScript; a refused form re-renders its page with the reason.

use super::vouchers_api::report_workbook;
use crate::auth::session::Auth;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{ListParams, Path, QueryParams};
use crate::views::{render, Chrome, Choice, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pocnet_app::finance::vouchers::{self as workflow, QuotaDecision, QuotaInput, SchemeInput, UseInput, UseStepInput};
use pocnet_domain::finance::voucher::{QuotaState, UseState, VoucherParty};
use pocnet_domain::id::{CenterId, VoucherQuotaId, VoucherSchemeId, VoucherUseId};
use pocnet_domain::role::Role;
use pocnet_store::finance::vouchers::{ListedService, Provider, Quota, QuotaFilter, Scheme, UseFilter, VoucherUse};
use pocnet_store::Page;
use serde::Deserialize;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/vouchers", get(vouchers_page))
        .route("/vouchers/schemes", post(create_scheme_form))
        .route("/vouchers/schemes/{id}", post(update_scheme_form))
        .route("/vouchers/schemes/{id}/providers", post(add_provider_form))
        .route("/vouchers/schemes/{id}/quotas", post(apply_form))
        .route("/vouchers/schemes/{id}/uses", post(request_use_form))
        .route("/vouchers/schemes/{id}/report", get(report_page))
        .route("/vouchers/schemes/{id}/report.xlsx", get(report_xlsx))
        .route("/vouchers/quotas/{id}/decision", post(decide_form))
        .route("/vouchers/uses", get(uses_page))
        .route("/vouchers/uses/{id}", get(use_page))
        .route("/vouchers/uses/{id}/steps", post(step_form))
}

/// The budget of a scheme as a bar: paid, reserved, available (percent of the budget).
pub struct BudgetBar {
    pub paid: u32,
    pub reserved: u32,
    pub available: String,
}

fn bar(s: &Scheme) -> BudgetBar {
    let budget = s.budget_yuan.get().max(1) as f64;
    let pct = |y: i64| ((y as f64) * 100.0 / budget).round().clamp(0.0, 100.0) as u32;
    BudgetBar { paid: pct(s.paid_yuan.get()), reserved: pct(s.reserved_yuan.get()), available: s.available().wan() }
}

#[derive(Template)]
#[template(path = "finance/vouchers.html")]
struct VouchersPage {
    chrome: Chrome,
    error: Option<String>,
    schemes: Vec<Scheme>,
    scheme: Option<Scheme>,
    bar: Option<BudgetBar>,
    providers: Vec<Provider>,
    services: Vec<ListedService>,
    bureau: bool,
    /// Why the caller may not apply for a quota (None: an enterprise).
    quota_refusal: Option<&'static str>,
    my_quota: Option<Quota>,
    /// The caller's uses (enterprise) or the orders asked of its centers (operator).
    my_uses: Vec<VoucherUse>,
    /// Bureau: quotas waiting for a decision, redemptions waiting for payment.
    pending_quotas: Vec<Quota>,
    redeeming: Vec<VoucherUse>,
    /// Bureau: recognized centers not yet listed.
    candidates: Vec<Choice>,
    next_year: i32,
}

/// Which scheme a page shows.
#[derive(Debug, Default, Deserialize)]
struct SchemeQuery {
    scheme: Option<i64>,
}

async fn vouchers_page(State(state): State<AppState>, auth: Auth, QueryParams(q): QueryParams<SchemeQuery>) -> AppResult<Response> {
    render_vouchers(&state, &auth, q.scheme.map(VoucherSchemeId::new), None).await
}

async fn render_vouchers(state: &AppState, auth: &Auth, which: Option<VoucherSchemeId>, error: Option<String>) -> AppResult<Response> {
    let ctx = state.context();
    let caller = auth.current.as_ref().map(CurrentUser::caller);
    let schemes = workflow::schemes(ctx).await?;
    let scheme = match which {
        Some(id) => Some(schemes.iter().find(|s| s.id == id).cloned().ok_or(AppError::NotFound)?),
        None => schemes.first().cloned(),
    };
    let role = auth.current.as_ref().map(CurrentUser::role);
    let bureau = role == Some(Role::Bureau);
    let quota_refusal = match &caller {
        Some(c) => workflow::quota_refusal(ctx, c).await?,
        None => Some("请先登录企业账号"),
    };
    let mut page = VouchersPage {
        chrome: match &auth.current {
            Some(me) => Chrome::signed_in(me, "科技创新券", "vouchers"),
            None => Chrome::public(Some(auth), "科技创新券", "vouchers"),
        },
        error,
        bar: scheme.as_ref().map(bar),
        providers: Vec::new(),
        services: Vec::new(),
        bureau,
        quota_refusal,
        my_quota: None,
        my_uses: Vec::new(),
        pending_quotas: Vec::new(),
        redeeming: Vec::new(),
        candidates: Vec::new(),
        next_year: schemes.first().map_or_else(|| chrono::Datelike::year(&state.today()), |s| s.year + 1),
        schemes,
        scheme: None,
    };
    if let Some(s) = scheme {
        page.providers = workflow::providers(ctx, s.id).await?;
        let first = Page::new(Some(1), Some(50));
        if let Some(c) = &caller {
            if quota_refusal.is_none() {
                page.my_quota = workflow::my_quota(ctx, c, s.id).await?;
                page.services = workflow::listed_services(ctx, s.id).await?;
            }
            if matches!(role, Some(Role::Researcher | Role::Center)) {
                page.my_uses = workflow::uses(ctx, c, UseFilter { scheme: Some(s.id), ..Default::default() }, first).await?.items;
            }
            if bureau {
                page.pending_quotas = workflow::quotas(ctx, c, QuotaFilter { scheme: Some(s.id), state: Some(QuotaState::Applied), org: None }, first).await?.items;
                page.redeeming = workflow::uses(ctx, c, UseFilter { scheme: Some(s.id), state: Some(UseState::Redeeming), ..Default::default() }, first).await?.items;
                let listed: Vec<CenterId> = page.providers.iter().map(|p| p.center_id).collect();
                let all = state.all_centers().await?;
                page.candidates = all
                    .iter()
                    .filter(|c| c.is_public() && !listed.contains(&c.id))
                    .map(|c| Choice::new(c.id.to_string(), format!("{}（{}）", c.name, c.kind.label_zh())))
                    .collect();
            }
        }
        page.scheme = Some(s);
    }
    Ok(render(&page))
}

/// After a form of `/vouchers`: back to the page, or the page with the reason.
async fn back(state: &AppState, auth: &Auth, scheme: Option<VoucherSchemeId>, outcome: AppResult<()>, anchor: &str) -> AppResult<Response> {
    match outcome {
        Ok(()) => Ok(Redirect::to(&match scheme {
            Some(id) => format!("/vouchers?scheme={id}#{anchor}"),
            None => format!("/vouchers#{anchor}"),
        })
        .into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_vouchers(state, auth, scheme, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn create_scheme_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Form(input): Form<SchemeInput>) -> AppResult<Response> {
    match workflow::create_scheme(state.context(), &me.caller(), &input).await {
        Ok(s) => back(&state, &auth, Some(s.id), Ok(()), "scheme").await,
        Err(e) => back(&state, &auth, None, Err(e.into()), "scheme").await,
    }
}

async fn update_scheme_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<VoucherSchemeId>, Form(input): Form<SchemeInput>) -> AppResult<Response> {
    let outcome = workflow::update_scheme(state.context(), &me.caller(), id, &input).await.map(|_| ()).map_err(AppError::from);
    back(&state, &auth, Some(id), outcome, "scheme").await
}

#[derive(Debug, Deserialize)]
struct ProviderForm {
    #[serde(default, deserialize_with = "pocnet_app::input::empty_as_none")]
    center_id: Option<i64>,
}

async fn add_provider_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<VoucherSchemeId>, Form(f): Form<ProviderForm>) -> AppResult<Response> {
    let outcome = match f.center_id {
        Some(c) => workflow::add_provider(state.context(), &me.caller(), id, CenterId::new(c)).await.map_err(AppError::from),
        None => Err(pocnet_domain::FieldError::required("center_id", "服务机构").into()),
    };
    back(&state, &auth, Some(id), outcome, "providers").await
}

async fn apply_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<VoucherSchemeId>, Form(input): Form<QuotaInput>) -> AppResult<Response> {
    let outcome = workflow::apply(state.context(), &me.caller(), id, &input).await.map(|_| ()).map_err(AppError::from);
    back(&state, &auth, Some(id), outcome, "quota").await
}

async fn request_use_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<VoucherSchemeId>, Form(input): Form<UseInput>) -> AppResult<Response> {
    match workflow::request_use(state.context(), &me.caller(), id, &input).await {
        Ok(u) => Ok(Redirect::to(&format!("/vouchers/uses/{}", u.id)).into_response()),
        Err(e) => back(&state, &auth, Some(id), Err(e.into()), "use").await,
    }
}

async fn decide_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<VoucherQuotaId>, Form(input): Form<QuotaDecision>) -> AppResult<Response> {
    let scheme = pocnet_store::finance::vouchers::quota(state.store().pool(), id).await.ok().map(|q| q.scheme_id);
    let outcome = workflow::decide(state.context(), &me.caller(), id, &input).await.map(|_| ()).map_err(AppError::from);
    back(&state, &auth, scheme, outcome, "pending").await
}

#[derive(Template)]
#[template(path = "finance/voucher_use.html")]
struct UsePage {
    chrome: Chrome,
    error: Option<String>,
    u: VoucherUse,
    enterprise: bool,
    provider: bool,
    bureau: bool,
}

async fn render_use(state: &AppState, me: &CurrentUser, id: VoucherUseId, error: Option<String>) -> AppResult<Response> {
    let (u, party) = workflow::get_use(state.context(), &me.caller(), id).await?;
    Ok(render(&UsePage {
        chrome: Chrome::signed_in(me, format!("创新券使用：{}", u.offer_name), "vouchers"),
        error,
        enterprise: party == Some(VoucherParty::Enterprise),
        provider: party == Some(VoucherParty::Provider),
        bureau: party == Some(VoucherParty::Bureau),
        u,
    }))
}

async fn use_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<VoucherUseId>) -> AppResult<Response> {
    render_use(&state, &me, id, None).await
}

async fn step_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<VoucherUseId>, Form(input): Form<UseStepInput>) -> AppResult<Response> {
    match workflow::step_use(state.context(), &me.caller(), id, &input).await.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/vouchers/uses/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_use(&state, &me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "finance/voucher_uses.html")]
struct UsesPage {
    chrome: Chrome,
    uses: Vec<VoucherUse>,
    pager: Pager,
    states: Vec<Choice>,
    state: String,
}

#[derive(Debug, Default, Deserialize)]
struct UsesQuery {
    state: Option<String>,
    scheme_id: Option<i64>,
}

async fn uses_page(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<UsesQuery>) -> AppResult<Response> {
    let filter = super::vouchers_api::VoucherQuery { scheme_id: q.scheme_id, state: q.state.clone() }.use_filter()?;
    let page = workflow::uses(state.context(), &me.caller(), filter, p.page()).await?;
    let mut keep = vec![("state", q.state.clone().unwrap_or_default())];
    if let Some(s) = q.scheme_id {
        keep.push(("scheme_id", s.to_string()));
    }
    Ok(render(&UsesPage {
        chrome: Chrome::signed_in(&me, "创新券使用记录", "vouchers"),
        pager: Pager::new("/vouchers/uses", &page, &p.keep(&keep, "id")),
        uses: page.items,
        states: UseState::ALL.iter().map(|s| Choice::new(s.as_str(), s.label_zh())).collect(),
        state: q.state.unwrap_or_default(),
    }))
}

#[derive(Template)]
#[template(path = "finance/voucher_report.html")]
struct ReportPage {
    chrome: Chrome,
    scheme: Scheme,
    bar: BudgetBar,
    providers: Vec<Provider>,
    quotas: Vec<Quota>,
    pager: Pager,
}

/// The report (the bureau): the budget, every provider, the enterprises a page at a time (the
/// workbook holds them all).
async fn report_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<VoucherSchemeId>, QueryParams(p): QueryParams<ListParams>) -> AppResult<Response> {
    if me.role() != Role::Bureau {
        return Err(AppError::Forbidden);
    }
    let ctx = state.context();
    let scheme = workflow::scheme(ctx, id).await?;
    let quotas = workflow::quotas(ctx, &me.caller(), QuotaFilter { scheme: Some(id), ..Default::default() }, p.page()).await?;
    Ok(render(&ReportPage {
        chrome: Chrome::signed_in(&me, format!("{}兑付报表", scheme.title), "vouchers"),
        bar: bar(&scheme),
        providers: workflow::providers(ctx, id).await?,
        pager: Pager::new(&format!("/vouchers/schemes/{id}/report"), &quotas, &p.keep(&[], "id")),
        quotas: quotas.items,
        scheme,
    }))
}

async fn report_xlsx(State(state): State<AppState>, me: CurrentUser, Path(id): Path<VoucherSchemeId>) -> AppResult<Response> {
    report_workbook(&state, &me, id).await
}
