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

/// The `FROM` of a list with only the joins its conditions name: `base` (the base
/// table and its alias) and each `(alias, join)` whose alias `w` mentions. For
/// counting and positioning, where the joined columns are not read (every join
/// of a list is to a row that always exists, or a `LEFT JOIN`).
pub(crate) fn from_for(base: &str, joins: &[(&str, &str)], w: &Where) -> String {
    let sql = w.sql();
    let mut from = base.to_owned();
    for (alias, join) in joins {
        if mentions(&sql, alias) {
            from.push(' ');
            from.push_str(join);
        }
    }
    from
}

/// Whether `sql` names a column of `alias` (`alias.` after a character that cannot end a name).
fn mentions(sql: &str, alias: &str) -> bool {
    let needle = format!("{alias}.");
    sql.match_indices(&needle).any(|(i, _)| sql[..i].chars().next_back().is_none_or(|c| !(c.is_alphanumeric() || c == '_')))
}

/// Reads the page `page` of `SELECT … FROM …` (`select_from`) under `w`, in `order`.
/// `from` is the `FROM` the conditions need (see [`from_for`]): a page found by
/// number is positioned through it, reading only ids on the order's index, and
/// then read after the row before it like any later page.
pub(crate) async fn page_of<R>(pool: &AnyPool, select_from: &str, from: &str, w: &Where, order: Order, page: Page, total: Total) -> StoreResult<Paged<R>>
where
    R: for<'r> FromRow<'r, AnyRow> + ListRow + Send + Unpin,
{
    let cursor = match (page.after, page.before) {
        (Some(id), _) if order.by_id() => Some((Arg::Int(id), id, true)),
        (None, Some(id)) if order.by_id() => Some((Arg::Int(id), id, false)),
        (Some(id), _) => cursor_row(pool, order, id).await?.map(|v| (v, id, true)),
        (None, Some(id)) => cursor_row(pool, order, id).await?.map(|v| (v, id, false)),
        (None, None) if page.skipped() > 0 => row_before(pool, from, w, order, page.skipped()).await?.map(|(v, id)| (v, id, true)),
        (None, None) => None,
    };
    // A page found by number starts after the row before it; has a previous page all the same.
    let by_number = page.after.is_none() && page.before.is_none();
    let reversed = |d: SortDir| if d == SortDir::Asc { SortDir::Desc } else { SortDir::Asc };
    let (read_dir, offset, cursor_arg) = match &cursor {
        Some((value, id, forward)) => (if *forward { order.dir } else { reversed(order.dir) }, 0, Some((value.clone(), *id))),
        None => (order.dir, page.skipped(), None),
    };
    let (sql, w) = statement(select_from, w, order, read_dir, cursor_arg);
    let mut rows = w.bind_as(sqlx::query_as::<_, R>(&sql)).bind(page.limit() + 1).bind(offset).fetch_all(pool).await?;
    let more = rows.len() > page.size as usize;
    rows.truncate(page.size as usize);
    let (has_prev, has_next) = match cursor {
        Some((_, _, true)) if by_number => (page.number > 1, more),
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

/// The statement of one page (rows in `read_dir`, after the cursor's value and id when given),
/// with its arguments; `LIMIT` and `OFFSET` are its last two placeholders.
fn statement(select_from: &str, w: &Where, order: Order, read_dir: SortDir, cursor: Option<(Arg, i64)>) -> (String, Where) {
    let mut w = w.clone();
    if let Some((value, id)) = cursor {
        let op = if read_dir == SortDir::Asc { ">" } else { "<" };
        if order.by_id() {
            w.and(&format!("{}.id {op} ?", order.alias), Arg::Int(id));
        } else {
            w.and_each(&format!("({a}.{c}, {a}.id) {op} (?, ?)", a = order.alias, c = order.column), vec![value, Arg::Int(id)]);
        }
    }
    let n = w.next();
    (format!("{select_from} {} ORDER BY {} LIMIT ${n} OFFSET ${}", w.sql(), order.by(read_dir), n + 1), w)
}

/// The statements a list runs for a page — by number, and after a row — and, when
/// `counted`, its count: what the planner tests EXPLAIN (issue 13: no list scans a big table).
pub(crate) fn statements(select_from: &str, from: &str, w: &Where, order: Order, counted: bool) -> Vec<String> {
    let cursor = if order.int { Arg::Int(1) } else { Arg::Text(String::new()) };
    let mut out = vec![statement(select_from, w, order, order.dir, None).0, statement(select_from, w, order, order.dir, Some((cursor, 1))).0, position_statement(from, w, order)];
    if counted {
        out.push(format!("SELECT COUNT(*) {from} {}", w.sql()));
    }
    out
}

/// The sort value and id of the last row before a page that skips `skipped` rows,
/// read on the order's index (ids only), if the list is that long.
async fn row_before(pool: &AnyPool, from: &str, w: &Where, order: Order, skipped: i64) -> StoreResult<Option<(Arg, i64)>> {
    let sql = position_statement(from, w, order);
    Ok(if order.int {
        w.bind_as(sqlx::query_as::<_, (i64, i64)>(&sql)).bind(skipped - 1).fetch_optional(pool).await?.map(|(v, id)| (Arg::Int(v), id))
    } else {
        w.bind_as(sqlx::query_as::<_, (String, i64)>(&sql)).bind(skipped - 1).fetch_optional(pool).await?.map(|(v, id)| (Arg::Text(v), id))
    })
}

/// The statement [`row_before`] runs: the sort value and id of one row at an
/// offset (its last placeholder), in the list's order.
fn position_statement(from: &str, w: &Where, order: Order) -> String {
    let n = w.next();
    format!("SELECT {a}.{c}, {a}.id {from} {} ORDER BY {} LIMIT 1 OFFSET ${n}", w.sql(), order.by(order.dir), a = order.alias, c = order.column)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_join_is_kept_only_when_a_condition_names_its_table() {
        let joins = [("o", "JOIN organisations o ON o.id = r.owner_org_id"), ("c", "LEFT JOIN centers c ON c.id = r.center_id")];
        let mut w = Where::default();
        w.and("r.source = ?", Arg::Text("x".into()));
        assert_eq!(from_for("FROM research_results r", &joins, &w), "FROM research_results r", "r.source is not o.");
        w.and("(o.region = ? OR c.region = ?)", Arg::Text("瑞安市".into()));
        assert_eq!(
            from_for("FROM research_results r", &joins, &w),
            "FROM research_results r JOIN organisations o ON o.id = r.owner_org_id LEFT JOIN centers c ON c.id = r.center_id"
        );
        assert!(!mentions("WHERE pro.x = 1 AND info.y = 2", "o"));
        assert!(mentions("WHERE (o.name LIKE $1)", "o"));
    }
}
