//! Browsing the audit trail (审计日志), per entity; bureau only.

use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::extract::{non_empty, ListParams, QueryParams};
use crate::views::{render, Chrome, Pager};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use axum::Json;
use pocnet_domain::role::Role;
use pocnet_store::audit::{self, AuditEvent, AuditFilter};
use pocnet_store::Paged;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().route("/audit", get(page)).routes(routes!(api_list))
}

/// Which records to list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Entity type, e.g. `organisation`, `user`.
    pub entity_type: Option<String>,
    /// Entity id.
    pub entity_id: Option<String>,
}

impl AuditQuery {
    fn filter(&self) -> AuditFilter {
        AuditFilter {
            entity_type: non_empty(&self.entity_type).map(str::to_owned),
            entity_id: non_empty(&self.entity_id).map(str::to_owned),
            actor_id: None,
        }
    }
}

/// Lists audit records, newest first (bureau).
#[utoipa::path(get, path = "/api/v1/audit", operation_id = "list_audit_events", tag = "audit", params(ListParams, AuditQuery),
    responses((status = 200, body = Paged<AuditEvent>), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<AuditQuery>,
) -> AppResult<Json<Paged<AuditEvent>>> {
    me.require(&[Role::Bureau])?;
    Ok(Json(audit::list(state.store().pool(), &q.filter(), p.page()).await?))
}

fn pretty(json: &Option<String>) -> String {
    json.as_deref()
        .and_then(|s| serde_json::from_str::<serde_json::Value>(s).ok())
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_default()
}

struct Row {
    id: pocnet_domain::id::AuditEventId,
    at: String,
    actor: String,
    action: String,
    entity: String,
    before: String,
    after: String,
    reason: String,
    ip: String,
}

#[derive(Template)]
#[template(path = "audit/audit.html")]
struct AuditPage {
    chrome: Chrome,
    rows: Vec<Row>,
    pager: Pager,
    entity_type: String,
    entity_id: String,
}

async fn page(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<AuditQuery>,
) -> AppResult<Response> {
    me.require(&[Role::Bureau])?;
    let list = audit::list(state.store().pool(), &q.filter(), p.page()).await?;
    let keep = vec![("entity_type", q.entity_type.clone().unwrap_or_default()), ("entity_id", q.entity_id.clone().unwrap_or_default())];
    let rows = list
        .items
        .iter()
        .map(|e| Row {
            id: e.id,
            at: pocnet_domain::display::beijing(e.at),
            actor: e.actor_label.clone(),
            action: pocnet_domain::display::audit_action(&e.action),
            entity: format!("{} #{}", pocnet_domain::display::record_type(&e.entity_type), e.entity_id),
            before: pretty(&e.before_json),
            after: pretty(&e.after_json),
            reason: e.reason.clone().unwrap_or_default(),
            ip: e.ip.clone().unwrap_or_default(),
        })
        .collect();
    Ok(render(&AuditPage {
        chrome: Chrome::signed_in(&me, "审计日志", "audit"),
        rows,
        pager: Pager::new("/audit", &list, &keep),
        entity_type: q.entity_type.unwrap_or_default(),
        entity_id: q.entity_id.unwrap_or_default(),
    }))
}
