//! Pages of a list and the sort order a table asked for.

use serde::Serialize;

/// Sort direction of a table column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDir {
    /// Ascending.
    #[default]
    Asc,
    /// Descending.
    Desc,
}

impl SortDir {
    /// The SQL keyword.
    pub fn sql(self) -> &'static str {
        match self {
            SortDir::Asc => "ASC",
            SortDir::Desc => "DESC",
        }
    }
}

/// Which page of a list to read (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    /// Rows per page (1–200).
    pub size: u32,
}

impl Page {
    /// A page, clamped to sane bounds.
    pub fn new(number: Option<u32>, size: Option<u32>) -> Self {
        Self { number: number.unwrap_or(1).max(1), size: size.unwrap_or(20).clamp(1, 200) }
    }

    /// Everything in one page (exports): up to 100,000 rows.
    pub fn all(self) -> Self {
        Self { number: 1, size: 100_000 }
    }

    /// SQL `LIMIT`.
    pub fn limit(self) -> i64 {
        i64::from(self.size)
    }

    /// SQL `OFFSET`.
    pub fn offset(self) -> i64 {
        i64::from(self.number - 1) * i64::from(self.size)
    }
}

/// One page of a list, with what a pager needs.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Paged<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Rows in the whole list.
    pub total: i64,
    /// This page's number (1-based).
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
}

impl<T> Paged<T> {
    /// Number of pages (at least 1).
    pub fn pages(&self) -> u32 {
        let per = i64::from(self.per_page.max(1));
        u32::try_from(((self.total + per - 1) / per).max(1)).unwrap_or(u32::MAX)
    }
}
