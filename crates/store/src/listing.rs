//! Reading one page of a list at any depth for the cost of the first (issue 13).
//!
//! A list is ordered by one column of its base table and then by id, in one
//! direction, and each such order has an index ending in the id (migration
//! 0015). A page asked for "after" (or "before") a row the reader has seen is
//! read with a row-value comparison on that index (keyset pagination): the
//! database walks straight to the row and reads one page. A page asked for by
//! number alone (a typed-in page, the first page) uses `OFFSET`. Either way one
//! row more than the page is read, to know whether another page follows
//! without counting the list.

use crate::sql_where::{Arg, Where};
use crate::{Page, Paged, SortDir, StoreResult};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, FromRow};

/// A row of a list: its id positions the next and previous pages.
pub(crate) trait ListRow {
    /// The row's id.
    fn list_id(&self) -> i64;
}

/// The order of a list: one column of its base table, then the id, both in `dir`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Order {
    /// The base table (the cursor row is read from it by id).
    pub table: &'static str,
    /// The base table's alias in the list's `FROM`.
    pub alias: &'static str,
    /// The sort column of the base table.
    pub column: &'static str,
    /// Whether the column holds integers (else text).
    pub int: bool,
    /// Direction.
    pub dir: SortDir,
}

impl Order {
    /// A list ordered by its id alone (e.g. the audit trail, newest first).
    fn by_id(self) -> bool {
        self.column == "id"
    }

    fn by(self, dir: SortDir) -> String {
        if self.by_id() {
            format!("{a}.id {d}", a = self.alias, d = dir.sql())
        } else {
            format!("{a}.{c} {d}, {a}.id {d}", a = self.alias, c = self.column, d = dir.sql())
        }
    }
}

/// How many rows the whole list has, as far as it is cheap to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Total {
    /// Counted (a tally, or a count over a narrow index range).
    Exact(i64),
    /// Not counted: the page reports the rows known so far, as a lower bound.
    Unknown,
}

/// Reads the page `page` of `SELECT … FROM …` (`select_from`) under `w`, in `order`.
pub(crate) async fn page_of<R>(pool: &AnyPool, select_from: &str, w: &Where, order: Order, page: Page, total: Total) -> StoreResult<Paged<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + ListRow + Send + Unpin,
{
    let cursor = match (page.after, page.before) {
        (Some(id), _) if order.by_id() => Some((Arg::Int(id), id, true)),
        (None, Some(id)) if order.by_id() => Some((Arg::Int(id), id, false)),
        (Some(id), _) => cursor_row(pool, order, id).await?.map(|v| (v, id, true)),
        (None, Some(id)) => cursor_row(pool, order, id).await?.map(|v| (v, id, false)),
        (None, None) => None,
    };
    let mut w = w.clone();
    let reversed = |d: SortDir| if d == SortDir::Asc { SortDir::Desc } else { SortDir::Asc };
    let (read_dir, offset) = match &cursor {
        Some((value, id, forward)) => {
            let read_dir = if *forward { order.dir } else { reversed(order.dir) };
            let op = if read_dir == SortDir::Asc { ">" } else { "<" };
            if order.by_id() {
                w.and(&format!("{}.id {op} ?", order.alias), Arg::Int(*id));
            } else {
                w.and_each(&format!("({a}.{c}, {a}.id) {op} (?, ?)", a = order.alias, c = order.column), vec![value.clone(), Arg::Int(*id)]);
            }
            (read_dir, 0)
        }
        None => (order.dir, page.skipped()),
    };
    let n = w.next();
    let sql = format!("{select_from} {} ORDER BY {} LIMIT ${n} OFFSET ${}", w.sql(), order.by(read_dir), n + 1);
    let mut rows = w.bind_as(sqlx::query_as::<_, R>(&sql)).bind(page.limit() + 1).bind(offset).fetch_all(pool).await?;
    let more = rows.len() > page.size as usize;
    rows.truncate(page.size as usize);
    let (has_prev, has_next) = match cursor {
        Some((_, _, true)) => (true, more),
        Some((_, _, false)) => {
            rows.reverse();
            (more, true)
        }
        None => (page.number > 1, more),
    };
    let next_after = if has_next { rows.last().map(ListRow::list_id) } else { None };
    let prev_before = if has_prev { rows.first().map(ListRow::list_id) } else { None };
    let (total, total_exact) = match total {
        Total::Exact(n) => (n, true),
        Total::Unknown => (page.skipped() + rows.len() as i64 + i64::from(has_next), false),
    };
    Ok(Paged { items: rows, total, total_exact, page: page.number, per_page: page.size, next_after, prev_before })
}

/// The sort value of the row `id`, if it exists.
async fn cursor_row(pool: &AnyPool, order: Order, id: i64) -> StoreResult<Option<Arg>> {
    let sql = format!("SELECT {} FROM {} WHERE id = $1", order.column, order.table);
    Ok(if order.int {
        sqlx::query_scalar::<_, i64>(&sql).bind(id).fetch_optional(pool).await?.map(Arg::Int)
    } else {
        sqlx::query_scalar::<_, String>(&sql).bind(id).fetch_optional(pool).await?.map(Arg::Text)
    })
}

/// Counts the rows of `FROM …` (`from`) under `w` (for a narrow scope, or when the reader asks).
pub(crate) async fn count(pool: &AnyPool, from: &str, w: &Where) -> StoreResult<i64> {
    Ok(w.bind_scalar(sqlx::query_scalar(&format!("SELECT COUNT(*) {from} {}", w.sql()))).fetch_one(pool).await?)
}
