//! Request extractors whose failures answer in the error shape.

use crate::error::AppError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use pocnet_store::{Page, SortDir};
use serde::de::DeserializeOwned;
use serde::Deserialize;

/// A JSON body. Malformed JSON, a wrong type or a missing field answer 400
/// with the path of the offending field; a non-JSON body 415; an oversized one 413.
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|v| {
                let v = v.trim();
                v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"))
            });
        if !is_json {
            return Err(AppError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(req, state).await.map_err(|e| match e {
            BytesRejection::FailedToBufferBody(_) if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                AppError::PayloadTooLarge
            }
            _ => AppError::BadRequest { code: "unreadable_body", message: "无法读取请求体".into(), field: None },
        })?;
        // Parsed once as a value whose strings are normalised (text_input),
        // then read into `T` with the path of a mistyped field.
        let mut value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| AppError::BadRequest {
            code: "malformed_json",
            message: format!("请求体不是合法的 JSON（第{}行第{}列）", e.line(), e.column()),
            field: None,
        })?;
        crate::text_input::normalise_json(&mut value)?;
        match serde_path_to_error::deserialize(value) {
            Ok(v) => Ok(ApiJson(v)),
            Err(e) => {
                let path = e.path().to_string();
                let inner = e.into_inner();
                let message = format!("请求体字段类型或取值不正确：{inner}");
                let field = (path != "." && path != "?" && !path.is_empty()).then_some(path).or_else(|| missing_field(&inner));
                Err(AppError::BadRequest { code: "invalid_body", message, field })
            }
        }
    }
}

fn missing_field(e: &serde_json::Error) -> Option<String> {
    let msg = e.to_string();
    let rest = msg.strip_prefix("missing field `")?;
    rest.split('`').next().map(str::to_owned)
}

/// Query-string parameters; a bad value answers 400 naming the parameter.
pub struct QueryParams<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for QueryParams<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, AppError> {
        let q = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded_parse(q));
        serde_path_to_error::deserialize(de).map(QueryParams).map_err(|e| AppError::BadRequest {
            code: "invalid_query",
            message: format!("查询参数不正确：{}", e.inner()),
            field: Some(e.path().to_string()),
        })
    }
}

/// Path parameters; one that does not parse (not a number, out of range)
/// answers 400 in the error shape, as every other malformed request does.
pub struct Path<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Path<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, AppError> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(v)) => Ok(Path(v)),
            Err(_) => Err(AppError::BadRequest { code: "invalid_path", message: "路径中的编号不正确".into(), field: None }),
        }
    }
}

/// A `multipart/form-data` upload; any other body answers 400 in the error shape.
pub struct Multipart(axum::extract::Multipart);

impl<S: Send + Sync> FromRequest<S> for Multipart {
    type Rejection = AppError;

    async fn from_request(req: Request, state: &S) -> Result<Self, AppError> {
        axum::extract::Multipart::from_request(req, state).await.map(Multipart).map_err(|_| AppError::BadRequest {
            code: "not_multipart",
            message: "请以 multipart/form-data 方式上传文件".into(),
            field: None,
        })
    }
}

impl std::ops::Deref for Multipart {
    type Target = axum::extract::Multipart;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for Multipart {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

fn form_urlencoded_parse(q: &str) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(q.as_bytes())
}

/// Paging and sorting of a table, from the query string.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page (1–200, default 20).
    pub per_page: Option<u32>,
    /// Column to sort by.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    /// Read the page after this row (the `next_after` of the page before): as cheap at page 500 as at page 1.
    pub after: Option<i64>,
    /// Read the page before this row (the `prev_before` of the page after).
    pub before: Option<i64>,
    /// `exact`: count the whole list even where the total is otherwise a lower bound (`total_exact` false).
    pub count: Option<String>,
}

impl ListParams {
    /// The page asked for.
    pub fn page(&self) -> Page {
        Page::new(self.page, self.per_page).at(self.after, self.before).counting_exactly(self.count.as_deref() == Some("exact"))
    }

    /// The sort direction asked for.
    pub fn dir(&self) -> SortDir {
        if self.dir.as_deref() == Some("desc") {
            SortDir::Desc
        } else {
            SortDir::Asc
        }
    }

    /// The query parameters a pager link keeps: the filters, the sort and its direction.
    pub fn keep<'a>(&self, filters: &[(&'a str, String)], sort: &str) -> Vec<(&'a str, String)> {
        let mut keep = filters.to_vec();
        keep.push(("sort", sort.to_owned()));
        keep.push(("dir", self.dir.clone().unwrap_or_default()));
        if let Some(n) = self.per_page {
            keep.push(("per_page", n.to_string()));
        }
        if self.count.as_deref() == Some("exact") {
            keep.push(("count", "exact".to_owned()));
        }
        keep
    }

    /// The sort column asked for, or `default`.
    pub fn sort_or<'a>(&'a self, default: &'a str) -> &'a str {
        self.sort.as_deref().unwrap_or(default)
    }
}

/// Treats an empty form/query value as absent.
pub fn non_empty(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub use pocnet_app::input::empty_as_none;
