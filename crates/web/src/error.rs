//! One error type for every handler. It answers the API with
//! `{"error": {"code", "message", "field"}}` and, through
//! [`html_error_pages`], answers a page with a Chinese error page (or a
//! redirect to the login page). A 500 logs its cause and tells the client
//! nothing more.

use crate::auth::session::Auth;
use crate::views;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Utc};
use pocnet_domain::FieldError;
use pocnet_store::StoreError;
use serde::Serialize;

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// An input field broke a rule (422).
    #[error(transparent)]
    Validation(#[from] FieldError),
    /// Several input fields broke rules (422): every error at once.
    #[error("{} invalid fields", .0.len())]
    Invalid(Vec<FieldError>),
    /// The request is malformed (400).
    #[error("{message}")]
    BadRequest {
        /// Stable code.
        code: &'static str,
        /// Chinese message.
        message: String,
        /// The offending field, when known.
        field: Option<String>,
    },
    /// Not signed in, or the session ended (401).
    #[error("unauthenticated")]
    Unauthenticated,
    /// Wrong username or password (401).
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Signed in, but the role or the record is not the caller's (403).
    #[error("forbidden")]
    Forbidden,
    /// The form or cookie request failed the CSRF check (403).
    #[error("csrf check failed")]
    CsrfFailed,
    /// No such record, or not visible to the caller (404).
    #[error("not found")]
    NotFound,
    /// Method not allowed on this path (405).
    #[error("method not allowed")]
    MethodNotAllowed,
    /// The record changed since the caller read it, or a unique value is taken (409).
    #[error("{message}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// Chinese message.
        message: String,
        /// The offending field, when one.
        field: Option<String>,
    },
    /// A business rule refuses the request (422), e.g. a deadline passed.
    #[error("{message}")]
    Rule {
        /// Stable code.
        code: &'static str,
        /// Chinese message.
        message: String,
    },
    /// Body too large (413).
    #[error("payload too large")]
    PayloadTooLarge,
    /// Body not JSON (415).
    #[error("unsupported media type")]
    UnsupportedMediaType,
    /// Too many failed logins (429).
    #[error("rate limited")]
    RateLimited {
        /// The sign-in counter that refused.
        scope: pocnet_domain::login_guard::Scope,
        /// When a sign-in may be tried again.
        until: DateTime<Utc>,
        /// When it was refused.
        now: DateTime<Utc>,
    },
    /// A limit on how often something may be done was reached (429), e.g. objections from one address.
    #[error("{message}")]
    TooMany {
        /// Stable code.
        code: &'static str,
        /// Chinese message.
        message: String,
    },
    /// The database does not answer (503).
    #[error("unavailable")]
    Unavailable,
    /// Anything else (500): logged, not shown.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

/// What an error told the client; kept on the response so the page layer can
/// render it as HTML.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    /// Stable code clients branch on, e.g. `too_short`, `forbidden`.
    pub code: String,
    /// Chinese message for users.
    pub message: String,
    /// The input field concerned, if one.
    pub field: Option<String>,
    /// Every field error, when a form broke several rules at once.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// The JSON envelope of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorEnvelope {
    /// The error.
    pub error: ErrorBody,
}

fn field_label(field: &str) -> &str {
    match field {
        "name" => "名称",
        "username" => "用户名",
        _ => field,
    }
}

/// What a taken unique value means to the user, in Chinese.
fn duplicate_message(field: &str) -> String {
    match field {
        "call_id" => "该中心已就此申报通知申报过（含已撤回的申报），同一通知不能重复申报".into(),
        "expert_id" => "该专家已在此专家组中".into(),
        "ref_no" => "成果编号已在本中心使用，请换一个".into(),
        "year" => "该年度已登记，请修改原记录".into(),
        "platform_center_id" | "center_id" => "已有一条相同的记录，不能重复提交".into(),
        "report" => "该项目已出具验证报告".into(),
        other => format!("{}已存在，请换一个", field_label(other)),
    }
}

impl From<Vec<FieldError>> for AppError {
    fn from(errors: Vec<FieldError>) -> Self {
        match <[FieldError; 1]>::try_from(errors) {
            Ok([one]) => AppError::Validation(one),
            Err(many) => AppError::Invalid(many),
        }
    }
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => AppError::NotFound,
            StoreError::VersionConflict { .. } => AppError::Conflict {
                code: "version_conflict",
                message: "该记录已被他人修改，请刷新后在最新内容上重新修改".into(),
                field: Some("version".into()),
            },
            StoreError::Duplicate { field } => AppError::Conflict { code: "duplicate", message: duplicate_message(field), field: Some(field.into()) },
            StoreError::Refused { code, message } => AppError::Conflict { code, message, field: None },
            other => AppError::Internal(other.into()),
        }
    }
}

impl From<pocnet_app::Error> for AppError {
    fn from(e: pocnet_app::Error) -> Self {
        match e {
            pocnet_app::Error::Validation(f) => AppError::Validation(f),
            pocnet_app::Error::Invalid(many) => AppError::Invalid(many),
            pocnet_app::Error::Forbidden => AppError::Forbidden,
            pocnet_app::Error::NotFound => AppError::NotFound,
            pocnet_app::Error::Conflict { code, message, field } => AppError::Conflict { code, message, field },
            pocnet_app::Error::Rule { code, message } => AppError::Rule { code, message },
            pocnet_app::Error::TooMany { code, message } => AppError::TooMany { code, message },
            pocnet_app::Error::InvalidCredentials => AppError::InvalidCredentials,
            pocnet_app::Error::Throttled { scope, until, now } => AppError::RateLimited { scope, until, now },
            pocnet_app::Error::Internal(m) => AppError::Internal(anyhow::anyhow!(m)),
            pocnet_app::Error::Store(s) => AppError::from(s),
        }
    }
}

impl From<pocnet_domain::recognition::TransitionError> for AppError {
    fn from(e: pocnet_domain::recognition::TransitionError) -> Self {
        if e.code == "illegal_transition" {
            AppError::Conflict { code: e.code, message: e.message, field: None }
        } else if e.code == "action_not_allowed" {
            AppError::Forbidden
        } else {
            AppError::Rule { code: e.code, message: e.message }
        }
    }
}

impl AppError {
    /// A business-rule refusal.
    pub fn rule(code: &'static str, message: impl Into<String>) -> Self {
        AppError::Rule { code, message: message.into() }
    }

    /// Whether a form's page should show the error beside the form (a rule the
    /// input broke or a collision with the records), rather than an error page.
    pub fn is_user_error(&self) -> bool {
        matches!(self, AppError::Validation(_) | AppError::Invalid(_) | AppError::Rule { .. } | AppError::Conflict { .. })
    }

    /// Whether a form's page should show the refusal beside the form: a user error, or an action the
    /// caller may not take on a record it may read.
    pub fn is_form_refusal(&self) -> bool {
        self.is_user_error() || matches!(self, AppError::Forbidden)
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Validation(_) | AppError::Invalid(_) | AppError::Rule { .. } => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Unauthenticated | AppError::InvalidCredentials => StatusCode::UNAUTHORIZED,
            AppError::Forbidden | AppError::CsrfFailed => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Conflict { .. } => StatusCode::CONFLICT,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::RateLimited { .. } | AppError::TooMany { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The body the client sees.
    pub fn body(&self) -> ErrorBody {
        if let AppError::Invalid(errors) = self {
            let first = errors.first();
            return ErrorBody {
                code: first.map_or("invalid", |e| e.code).to_owned(),
                message: errors.iter().map(|e| e.message.clone()).collect::<Vec<_>>().join("；"),
                field: first.map(|e| e.field.clone()),
                errors: errors.clone(),
            };
        }
        let (code, message, field): (&str, String, Option<String>) = match self {
            AppError::Invalid(_) => ("invalid", String::new(), None),
            AppError::Validation(e) => (e.code, e.message.clone(), Some(e.field.clone())),
            AppError::BadRequest { code, message, field } => (code, message.clone(), field.clone()),
            AppError::Unauthenticated => ("unauthenticated", "请先登录，或登录已过期，请重新登录".into(), None),
            AppError::InvalidCredentials => ("invalid_credentials", "用户名或密码错误".into(), None),
            AppError::Forbidden => ("forbidden", "您没有权限访问此页面或执行此操作".into(), None),
            AppError::CsrfFailed => ("csrf_failed", "表单已过期或来源不可信，请刷新页面后重试".into(), None),
            AppError::NotFound => ("not_found", "您访问的页面或记录不存在".into(), None),
            AppError::MethodNotAllowed => ("method_not_allowed", "不支持此请求方法".into(), None),
            AppError::Conflict { code, message, field } => (code, message.clone(), field.clone()),
            AppError::Rule { code, message } | AppError::TooMany { code, message } => (code, message.clone(), None),
            AppError::PayloadTooLarge => ("payload_too_large", "提交的内容过大".into(), None),
            AppError::UnsupportedMediaType => {
                ("unsupported_media_type", "请求体须为 JSON（Content-Type: application/json）".into(), None)
            }
            AppError::RateLimited { scope, until, now } => {
                use pocnet_domain::login_guard::Scope;
                let message = match scope {
                    Scope::Pair => format!(
                        "该账号在您的网络地址连续登录失败次数过多，请于北京时间 {} 之后再试；如需立即登录，请联系市科技局解除限制",
                        (*until + chrono::Duration::hours(8)).format("%H:%M")
                    ),
                    Scope::Username => format!(
                        "该账号近期登录失败次数过多，为防止密码被猜测，请 {} 秒后再试",
                        retry_after_seconds(*until, *now)
                    ),
                    Scope::Address => format!(
                        "您的网络地址近期登录失败次数过多，请 {} 秒后再试",
                        retry_after_seconds(*until, *now)
                    ),
                };
                ("rate_limited", message, None)
            }
            AppError::Unavailable => ("unavailable", "数据库暂时无法访问".into(), None),
            AppError::Internal(_) => ("internal", "服务器内部错误，请稍后再试".into(), None),
        };
        ErrorBody { code: code.to_owned(), message, field, errors: Vec::new() }
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(e) = &self {
            tracing::error!(error = ?e, "request failed");
        }
        let status = self.status();
        let body = self.body();
        let mut resp = (status, axum::Json(ErrorEnvelope { error: body.clone() })).into_response();
        if let AppError::RateLimited { until, now, .. } = &self {
            if let Ok(v) = HeaderValue::from_str(&retry_after_seconds(*until, *now).to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp.extensions_mut().insert(body);
        resp
    }
}

/// Whole seconds from `now` until `until`, at least 1 (for `Retry-After`).
fn retry_after_seconds(until: DateTime<Utc>, now: DateTime<Utc>) -> i64 {
    let ms = (until - now).num_milliseconds();
    ((ms + 999) / 1000).max(1)
}

/// Turns an error of a page (not `/api/…`) into a Chinese error page, and an
/// expired or missing login into a redirect to the login page.
pub async fn html_error_pages(req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    let is_page = !path.starts_with("/api/") && path != "/healthz" && path != "/metrics";
    let target = req.uri().path_and_query().map_or_else(|| path.clone(), |p| p.as_str().to_owned());
    let auth = req.extensions().get::<Auth>().cloned();
    let resp = next.run(req).await;
    if !is_page {
        return resp;
    }
    let Some(body) = resp.extensions().get::<ErrorBody>().cloned() else { return resp };
    if resp.status() == StatusCode::UNAUTHORIZED && body.code == "unauthenticated" {
        let next = serde_urlencoded::to_string([("next", target.as_str())]).unwrap_or_default();
        return Redirect::to(&format!("/login?{next}")).into_response();
    }
    let status = resp.status();
    let retry = resp.headers().get(header::RETRY_AFTER).cloned();
    let mut page = views::error_page(auth.as_ref(), status, &body).into_response();
    *page.status_mut() = status;
    if let Some(v) = retry {
        page.headers_mut().insert(header::RETRY_AFTER, v);
    }
    page
}

/// Result of a handler.
pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod duplicate_tests {
    use super::duplicate_message;

    /// A taken value reads in Chinese, never as an internal field name (issue 10 §4).
    #[test]
    fn a_taken_value_never_shows_a_field_code() {
        for field in ["call_id", "expert_id", "ref_no", "year", "platform_center_id", "center_id", "report", "name", "username"] {
            let m = duplicate_message(field);
            assert!(!m.contains(field) && !m.is_ascii(), "{field}: {m}");
        }
    }
}
