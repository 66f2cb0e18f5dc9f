//! Pages of resource sharing: the directory and its named lists, a resource
//! with its request form and (for its center) the requests made for it, the
//! publishing form, the requests list and one request with its answers,
//! Shanghai's four lists and the supporting policies. Every form works without
//! JavaScript; a refused form re-renders its page with the reason.

use super::{sharing_lists, FourLists, OfferQuery, RequestQuery};
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
use pocnet_app::sharing::offers::{self, OfferAccess, OfferInput, OfferStepInput};
use pocnet_app::sharing::policies::{self, PolicyItemInput};
use pocnet_app::sharing::requests::{self, RequestAccess, RequestInput, RequestStepInput};
use pocnet_domain::id::{OfferId, PolicyItemId, ResourceRequestId};
use pocnet_domain::role::Role;
use pocnet_domain::sharing::request::Party;
use pocnet_domain::sharing::{OfferKind, Qualification, RequestDecline, RequestPurpose, RequestState};
use pocnet_store::sharing::offers::Offer;
use pocnet_store::sharing::policies::PolicyItem;
use pocnet_store::sharing::requests::{RequestFilter, ResourceRequest};
use pocnet_store::{Page, SortDir};
use std::sync::Arc;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/resources", get(list_page).post(publish_form))
        .route("/resources/new", get(new_page))
        .route("/resources/{id}", get(offer_page))
        .route("/resources/{id}/edit", get(edit_page).post(edit_form))
        .route("/resources/{id}/steps", post(offer_step_form))
        .route("/resources/{id}/requests", post(request_form))
        .route("/resource-requests", get(requests_page))
        .route("/resource-requests/{id}", get(request_page))
        .route("/resource-requests/{id}/steps", post(request_step_form))
        .route("/four-lists", get(four_lists_page))
        .route("/policies", get(policies_page).post(add_policy_form))
        .route("/policies/{id}/edit", get(edit_policy_page).post(edit_policy_form))
}

fn caller(auth: &Auth) -> Option<pocnet_app::Caller> {
    auth.current.as_ref().map(CurrentUser::caller)
}

fn kind_choices() -> Vec<Choice> {
    OfferKind::ALL.iter().map(|k| Choice::new(k.as_str(), k.label_zh())).collect()
}

fn label(state: &AppState, code: &str) -> String {
    pocnet_app::matching::field_label(state.context(), code)
}

fn qualifications(o: &Offer) -> String {
    o.qualifications.iter().map(|q| q.label_zh()).collect::<Vec<_>>().join("、")
}

// ---- the directory ----------------------------------------------------------

struct OfferRow {
    o: Offer,
    field: String,
    qualifications: String,
}

#[derive(Template)]
#[template(path = "sharing/resources.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<OfferRow>,
    pager: Pager,
    q: OfferQuery,
    kinds: Vec<Choice>,
    fields: Vec<Choice>,
    regions: Vec<Choice>,
    can_publish: bool,
    export_href: String,
    /// The 验证能力互补清单's coverage table, on that list's page.
    coverage: Option<Arc<FourLists>>,
    signed_in: bool,
}

async fn list_page(State(state): State<AppState>, auth: Auth, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<OfferQuery>) -> AppResult<Response> {
    let dir = if p.dir.is_none() { SortDir::Desc } else { p.dir() };
    let sort = p.sort_or("updated_at").to_owned();
    let list = offers::list(state.context(), caller(&auth).as_ref(), q.filter(&state)?, &sort, dir, p.page()).await?;
    let pager = Pager::new("/resources", &list, &p.keep(&q.pairs(), &sort));
    let export_href = crate::views::url("/resources/export.xlsx", &q.pairs());
    let rows = list.items.into_iter().map(|o| OfferRow { field: label(&state, &o.field), qualifications: qualifications(&o), o }).collect();
    let can_publish = auth.current.as_ref().is_some_and(|u| matches!(u.user.role, Role::Center | Role::Bureau));
    let coverage = if q.kind.as_deref() == Some("capability") { Some(sharing_lists(&state).await?) } else { None };
    Ok(render(&ListPage {
        chrome: Chrome::public(Some(&auth), q.title(), "resources"),
        rows,
        pager,
        kinds: kind_choices(),
        fields: crate::routes::registry::field_choices(&state),
        regions: crate::views::region_choices(),
        can_publish,
        export_href,
        coverage,
        signed_in: auth.current.is_some(),
        q,
    }))
}

// ---- publishing and editing -------------------------------------------------

#[derive(Template)]
#[template(path = "sharing/offer_form.html")]
struct FormPage {
    chrome: Chrome,
    error: Option<String>,
    action: String,
    input: OfferInput,
    /// The centers the caller may publish for (none when editing).
    centers: Vec<Choice>,
    /// The one chosen ('' when none).
    selected_center: String,
    kinds: Vec<Choice>,
    fields: Vec<Choice>,
    quals: Vec<Choice>,
    refused: Option<String>,
}

/// The offer form as posted: repeated `qualifications` values.
fn parse_form(body: &[u8]) -> OfferInput {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    OfferInput {
        kind: get("kind"),
        name: get("name"),
        field: get("field"),
        description: get("description"),
        conditions: get("conditions"),
        fee_terms: get("fee_terms"),
        qualifications: pairs.iter().filter(|(n, _)| n == "qualifications").map(|(_, v)| v.clone()).collect(),
        // Not a number (or out of i64): kept as 0 so the domain names the field, not dropped to the default.
        capacity: match get("capacity").trim() {
            "" => None,
            c => Some(c.parse().unwrap_or(0)),
        },
        center_id: get("center_id").trim().parse().ok(),
        version: get("version").trim().parse().ok(),
    }
}

async fn render_form(state: &AppState, me: &CurrentUser, input: OfferInput, error: Option<String>, editing: Option<OfferId>) -> AppResult<Response> {
    let (title, action) = match editing {
        Some(id) => ("修改共享资源", format!("/resources/{id}/edit")),
        None => ("发布共享资源", "/resources".to_owned()),
    };
    let centers: Vec<Choice> = match (editing, me.user.role) {
        (Some(_), _) => Vec::new(),
        (None, Role::Center) => pocnet_store::centers::hosted_by(state.store().pool(), me.user.org_id)
            .await?
            .iter()
            .map(|c| Choice::new(c.id.to_string(), format!("{}（{}）", c.name, c.kind.label_zh())))
            .collect(),
        (None, Role::Bureau) => state.all_centers().await?.iter().map(|c| Choice::new(c.id.to_string(), format!("{}（{}）", c.name, c.kind.label_zh()))).collect(),
        (None, _) => Vec::new(),
    };
    let refused = match (editing, me.user.role, centers.is_empty()) {
        (Some(_), _, _) => None,
        (None, Role::Center | Role::Bureau, true) => Some("本单位还没有登记的中心或平台：先在“本中心档案”登记，再发布共享资源。".to_owned()),
        (None, Role::Center | Role::Bureau, false) => None,
        (None, _, _) => Some("共享资源由概念验证中心、中试平台发布；本账号可以在资源页面申请使用。".to_owned()),
    };
    Ok(render(&FormPage {
        chrome: Chrome::signed_in(me, title, "resources"),
        error,
        action,
        selected_center: input.center_id.map(|i| i.to_string()).unwrap_or_default(),
        input,
        centers,
        kinds: kind_choices(),
        fields: crate::routes::registry::field_choices(state),
        quals: Qualification::ALL.iter().map(|q| Choice::new(q.as_str(), q.label_zh())).collect(),
        refused,
    }))
}

#[derive(Debug, Default, serde::Deserialize)]
struct NewQuery {
    center_id: Option<i64>,
    kind: Option<String>,
}

async fn new_page(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<NewQuery>) -> AppResult<Response> {
    let input = OfferInput { center_id: q.center_id, kind: q.kind.unwrap_or_default(), ..OfferInput::default() };
    render_form(&state, &me, input, None, None).await
}

async fn publish_form(State(state): State<AppState>, me: CurrentUser, body: axum::body::Bytes) -> AppResult<Response> {
    let input = parse_form(&body);
    match offers::publish(state.context(), &me.caller(), &input).await.map_err(AppError::from) {
        Ok(id) => Ok(Redirect::to(&format!("/resources/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_form(&state, &me, input, Some(e.body().message), None).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn edit_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<OfferId>) -> AppResult<Response> {
    let (o, _, access) = offers::load(state.context(), Some(&me.caller()), id).await?;
    if access != OfferAccess::Manage {
        return Err(AppError::Forbidden);
    }
    let input = OfferInput {
        kind: o.kind.as_str().to_owned(),
        name: o.name,
        field: o.field,
        description: o.description,
        conditions: o.conditions,
        fee_terms: o.fee_terms,
        qualifications: o.qualifications.iter().map(|q| q.as_str().to_owned()).collect(),
        capacity: Some(i64::from(o.capacity)),
        center_id: Some(o.center_id.get()),
        version: Some(o.version),
    };
    render_form(&state, &me, input, None, Some(id)).await
}

async fn edit_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<OfferId>, body: axum::body::Bytes) -> AppResult<Response> {
    let input = parse_form(&body);
    match offers::edit(state.context(), &me.caller(), id, &input).await.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/resources/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_form(&state, &me, input, Some(e.body().message), Some(id)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

// ---- one resource -----------------------------------------------------------

#[derive(Template)]
#[template(path = "sharing/offer.html")]
struct OfferPage {
    chrome: Chrome,
    o: Offer,
    field: String,
    qualifications: String,
    manage: bool,
    /// Why the caller may not request it (none: the request form is shown).
    refused: Option<String>,
    error: Option<String>,
    input: RequestInput,
    purposes: Vec<Choice>,
    /// The requests made for it (its managers).
    requests: Vec<ResourceRequest>,
    signed_in: bool,
}

async fn render_offer(state: &AppState, auth: &Auth, id: OfferId, input: RequestInput, error: Option<String>) -> AppResult<Response> {
    let caller = caller(auth);
    let (o, c, access) = offers::load(state.context(), caller.as_ref(), id).await?;
    let manage = access == OfferAccess::Manage;
    let refused = match &caller {
        Some(cl) if !manage => pocnet_app::sharing::requests::refusal(cl, &o, c.is_public()).map(str::to_owned),
        Some(_) => Some("本单位的资源无须申请".to_owned()),
        None => Some("登录后可申请使用".to_owned()),
    };
    let requests = match (&caller, manage) {
        (Some(cl), true) => {
            let filter = RequestFilter { offer_id: Some(o.id), ..RequestFilter::default() };
            let page = Page::new(Some(1), Some(20));
            match requests::list(state.context(), cl, filter, SortDir::Desc, page).await {
                Ok(p) => p.items,
                Err(pocnet_app::Error::Forbidden) => Vec::new(),
                Err(e) => return Err(e.into()),
            }
        }
        _ => Vec::new(),
    };
    let page = OfferPage {
        chrome: Chrome::public(Some(auth), o.name.clone(), "resources"),
        field: label(state, &o.field),
        qualifications: qualifications(&o),
        manage,
        refused,
        error,
        input,
        purposes: RequestPurpose::ALL.iter().map(|p| Choice::new(p.as_str(), p.label_zh())).collect(),
        requests,
        signed_in: auth.current.is_some(),
        o,
    };
    Ok(render(&page))
}

async fn offer_page(State(state): State<AppState>, auth: Auth, Path(id): Path<OfferId>) -> AppResult<Response> {
    render_offer(&state, &auth, id, RequestInput::default(), None).await
}

async fn offer_step_form(State(state): State<AppState>, me: CurrentUser, auth: Auth, Path(id): Path<OfferId>, Form(input): Form<OfferStepInput>) -> AppResult<Response> {
    match offers::step(state.context(), &me.caller(), id, &input).await.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/resources/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_offer(&state, &auth, id, RequestInput::default(), Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn request_form(State(state): State<AppState>, me: CurrentUser, auth: Auth, Path(id): Path<OfferId>, Form(input): Form<RequestInput>) -> AppResult<Response> {
    match requests::send(state.context(), &me.caller(), id, &input).await.map_err(AppError::from) {
        Ok(rid) => Ok(Redirect::to(&format!("/resource-requests/{rid}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_offer(&state, &auth, id, input, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

// ---- requests ---------------------------------------------------------------

#[derive(Template)]
#[template(path = "sharing/requests.html")]
struct RequestsPage {
    chrome: Chrome,
    rows: Vec<ResourceRequest>,
    pager: Pager,
    q: RequestQuery,
    states: Vec<Choice>,
    operator: bool,
    export_href: String,
}

async fn requests_page(State(state): State<AppState>, me: CurrentUser, QueryParams(p): QueryParams<ListParams>, QueryParams(q): QueryParams<RequestQuery>) -> AppResult<Response> {
    let dir = if p.dir.is_none() { SortDir::Desc } else { p.dir() };
    let list = requests::list(state.context(), &me.caller(), q.filter(&me)?, dir, p.page()).await?;
    let pager = Pager::new("/resource-requests", &list, &p.keep(&q.pairs(), "updated_at"));
    Ok(render(&RequestsPage {
        chrome: Chrome::signed_in(&me, "资源使用申请", "resource_requests"),
        rows: list.items,
        pager,
        export_href: crate::views::url("/resource-requests/export.xlsx", &q.pairs()),
        q,
        states: RequestState::ALL.iter().map(|s| Choice::new(s.as_str(), s.label_zh())).collect(),
        operator: me.user.role == Role::Center,
    }))
}

#[derive(Template)]
#[template(path = "sharing/request.html")]
struct RequestPage {
    chrome: Chrome,
    r: ResourceRequest,
    /// The caller's side, if it is one.
    provider: bool,
    requester: bool,
    reason: String,
    reasons: Vec<Choice>,
    error: Option<String>,
}

async fn render_request(state: &AppState, me: &CurrentUser, id: ResourceRequestId, error: Option<String>) -> AppResult<Response> {
    let (r, access) = requests::load(state.context(), &me.caller(), id).await?;
    Ok(render(&RequestPage {
        chrome: Chrome::signed_in(me, format!("资源使用申请：{}", r.offer_name), "resource_requests"),
        provider: access == RequestAccess::Party(Party::Provider),
        requester: access == RequestAccess::Party(Party::Requester),
        reason: RequestDecline::parse(&r.reason).map(|d| d.label_zh().to_owned()).unwrap_or_default(),
        reasons: RequestDecline::ALL.iter().map(|d| Choice::new(d.as_str(), d.label_zh())).collect(),
        error,
        r,
    }))
}

async fn request_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResourceRequestId>) -> AppResult<Response> {
    render_request(&state, &me, id, None).await
}

async fn request_step_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ResourceRequestId>, Form(input): Form<RequestStepInput>) -> AppResult<Response> {
    match requests::step(state.context(), &me.caller(), id, &input).await.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to(&format!("/resource-requests/{id}")).into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_request(&state, &me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

// ---- the four lists and the policies ----------------------------------------

#[derive(Template)]
#[template(path = "sharing/four_lists.html")]
struct FourListsPage {
    chrome: Chrome,
    lists: Arc<FourLists>,
    kinds: Vec<&'static str>,
    content: Vec<OfferRow>,
    scenarios: Vec<OfferRow>,
    policies: Vec<PolicyRow>,
}

struct PolicyRow {
    p: PolicyItem,
    field: String,
}

fn policy_rows(state: &AppState, items: Vec<PolicyItem>) -> Vec<PolicyRow> {
    items.into_iter().map(|p| PolicyRow { field: if p.field.is_empty() { "全部领域".to_owned() } else { label(state, &p.field) }, p }).collect()
}

async fn four_lists_page(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    let lists = sharing_lists(&state).await?;
    let rows = |offers: &[Offer]| offers.iter().map(|o| OfferRow { field: label(&state, &o.field), qualifications: qualifications(o), o: o.clone() }).collect::<Vec<_>>();
    let (content, scenarios) = (rows(&lists.content), rows(&lists.scenarios));
    let policies = policy_rows(&state, policies::list(state.context(), None, Page::new(Some(1), Some(10))).await?.items);
    Ok(render(&FourListsPage {
        chrome: Chrome::public(Some(&auth), "四张清单", "resources"),
        lists,
        kinds: OfferKind::ALL.iter().map(|k| k.label_zh()).collect(),
        content,
        scenarios,
        policies,
    }))
}

#[derive(Template)]
#[template(path = "sharing/policies.html")]
struct PoliciesPage {
    chrome: Chrome,
    rows: Vec<PolicyRow>,
    pager: Pager,
    keeper: bool,
    error: Option<String>,
    input: PolicyItemInput,
    fields: Vec<Choice>,
    /// Where the form posts (`/policies`, or an entry's edit).
    action: String,
}

async fn render_policies(state: &AppState, auth: &Auth, p: &ListParams, input: PolicyItemInput, error: Option<String>, action: String) -> AppResult<Response> {
    let caller = caller(auth);
    let list = policies::list(state.context(), caller.as_ref(), p.page()).await?;
    let pager = Pager::new("/policies", &list, &p.keep(&[], "issued_on"));
    Ok(render(&PoliciesPage {
        chrome: Chrome::public(Some(auth), "配套政策", "resources"),
        rows: policy_rows(state, list.items),
        pager,
        keeper: policies::keeps_list(caller.as_ref()),
        error,
        input,
        fields: crate::routes::registry::field_choices(state),
        action,
    }))
}

async fn policies_page(State(state): State<AppState>, auth: Auth, QueryParams(p): QueryParams<ListParams>) -> AppResult<Response> {
    render_policies(&state, &auth, &p, PolicyItemInput::default(), None, "/policies".to_owned()).await
}

async fn add_policy_form(State(state): State<AppState>, me: CurrentUser, auth: Auth, Form(input): Form<PolicyItemInput>) -> AppResult<Response> {
    match policies::create(state.context(), &me.caller(), &input).await.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to("/policies").into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_policies(&state, &auth, &ListParams::default(), input, Some(e.body().message), "/policies".to_owned()).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn edit_policy_page(State(state): State<AppState>, me: CurrentUser, auth: Auth, Path(id): Path<PolicyItemId>) -> AppResult<Response> {
    if !policies::keeps_list(Some(&me.caller())) {
        return Err(AppError::Forbidden);
    }
    let p = policies::get(state.context(), Some(&me.caller()), id).await?;
    let input = PolicyItemInput {
        title: p.title,
        issuer: p.issuer,
        issued_on: p.issued_on.to_string(),
        article: p.article,
        summary: p.summary,
        field: p.field,
        state: p.state.as_str().to_owned(),
        version: Some(p.version),
    };
    render_policies(&state, &auth, &ListParams::default(), input, None, format!("/policies/{id}/edit")).await
}

async fn edit_policy_form(State(state): State<AppState>, me: CurrentUser, auth: Auth, Path(id): Path<PolicyItemId>, Form(input): Form<PolicyItemInput>) -> AppResult<Response> {
    match policies::edit(state.context(), &me.caller(), id, &input).await.map_err(AppError::from) {
        Ok(_) => Ok(Redirect::to("/policies").into_response()),
        Err(e) if e.is_form_refusal() => {
            let status = e.status();
            Ok((status, render_policies(&state, &auth, &ListParams::default(), input, Some(e.body().message), format!("/policies/{id}/edit")).await?).into_response())
        }
        Err(e) => Err(e),
    }
}
