//! Pages of a list and the sort order a table asked for. A page is found by
//! its number (`OFFSET`) or, cheaper at any depth, "after" or "before" a row
//! the reader has seen (keyset, see `listing`); its total is exact where
//! counting is cheap (a maintained tally or a narrow scope) and otherwise the
//! rows known so far, labelled as a lower bound (issue 13).

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
    /// 1-based page number (shown to the reader; positions the page when no row is given).
    pub number: u32,
    /// Rows per page (1–200).
    pub size: u32,
    /// The page starts after this row (its id): the next page of one the reader saw.
    pub after: Option<i64>,
    /// The page ends before this row (its id): the previous page of one the reader saw.
    pub before: Option<i64>,
    /// Count the whole list exactly even where that costs a scan (the reader asked for it).
    pub exact_total: bool,
}

impl Page {
    /// A page, clamped to sane bounds.
    pub fn new(number: Option<u32>, size: Option<u32>) -> Self {
        Self { number: number.unwrap_or(1).max(1), size: size.unwrap_or(20).clamp(1, 200), after: None, before: None, exact_total: false }
    }

    /// The page after the row `after` or before the row `before` (at most one; `after` wins).
    pub fn at(self, after: Option<i64>, before: Option<i64>) -> Self {
        Self { after, before: if after.is_some() { None } else { before }, ..self }
    }

    /// The same page, counting the whole list exactly.
    pub fn counting_exactly(self, exact: bool) -> Self {
        Self { exact_total: exact, ..self }
    }

    /// Everything in one page (exports): up to 100,000 rows.
    pub fn all(self) -> Self {
        Self { number: 1, size: 100_000, after: None, before: None, exact_total: false }
    }

    /// Rows before this page when it is found by number.
    pub fn skipped(self) -> i64 {
        self.offset()
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
    /// Rows in the whole list when `total_exact`; otherwise the rows known so far
    /// (this page and those before it, plus one when a next page exists): a lower bound.
    pub total: i64,
    /// Whether `total` is the exact size of the list (ask with `count=exact` where it is not).
    pub total_exact: bool,
    /// This page's number (1-based).
    pub page: u32,
    /// Rows per page.
    pub per_page: u32,
    /// Pass as `after` (with `page` + 1) to read the next page at the cost of the first; absent on the last page.
    pub next_after: Option<i64>,
    /// Pass as `before` (with `page` − 1) to read the previous page; absent on the first page.
    pub prev_before: Option<i64>,
}

impl<T> Paged<T> {
    /// A page of a list counted exactly, found by number only.
    pub fn exact(items: Vec<T>, total: i64, page: Page) -> Self {
        Self { items, total, total_exact: true, page: page.number, per_page: page.size, next_after: None, prev_before: None }
    }

    /// The same page with each row converted by `f` (the first failure fails it).
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Paged<U>, E> {
        let items = self.items.into_iter().map(f).collect::<Result<Vec<U>, E>>()?;
        Ok(Paged {
            items,
            total: self.total,
            total_exact: self.total_exact,
            page: self.page,
            per_page: self.per_page,
            next_after: self.next_after,
            prev_before: self.prev_before,
        })
    }

    /// Number of pages (at least 1); where the total is a lower bound, the pages known so far.
    pub fn pages(&self) -> u32 {
        let per = i64::from(self.per_page.max(1));
        let known = u32::try_from(((self.total + per - 1) / per).max(1)).unwrap_or(u32::MAX);
        if self.total_exact {
            known
        } else {
            known.max(self.page + u32::from(self.next_after.is_some()))
        }
    }

    /// Whether a page follows this one.
    pub fn has_next(&self) -> bool {
        self.next_after.is_some() || (self.total_exact && self.page < self.pages())
    }
}
