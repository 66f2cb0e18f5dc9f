//! Rows written in bulk: multi-row `INSERT`s in portable SQL for the
//! store's batch functions (a network the platform writes itself).

use crate::{StoreError, StoreResult};
use sqlx::AnyConnection;

/// A value of a batched row.
pub(crate) enum Cell {
    I(i64),
    N(Option<i64>),
    T(String),
    B(Vec<u8>),
}

/// Rows of one table waiting to be written as multi-row `INSERT`s (SQLite
/// binds at most 32,766 parameters a statement, PostgreSQL 65,535; SQLite
/// gets plain `?`, whose binding costs O(n) where `$n` costs O(n²)).
pub(crate) struct Rows {
    pub(crate) table: &'static str,
    cols: &'static [&'static str],
    buf: Vec<Cell>,
    per_statement: usize,
    sqlite: bool,
    pub(crate) written: usize,
}

impl Rows {
    pub(crate) fn new(table: &'static str, cols: &'static [&'static str], sqlite: bool) -> Self {
        Self { table, cols, buf: Vec::new(), per_statement: (30_000 / cols.len()).min(1_000), sqlite, written: 0 }
    }

    pub(crate) fn push(&mut self, row: Vec<Cell>) {
        self.buf.extend(row);
    }

    pub(crate) fn pending(&self) -> usize {
        self.buf.len() / self.cols.len()
    }

    pub(crate) async fn flush_if_full(&mut self, conn: &mut AnyConnection) -> StoreResult<()> {
        if self.pending() >= self.per_statement {
            self.flush(conn).await?;
        }
        Ok(())
    }

    pub(crate) async fn flush(&mut self, conn: &mut AnyConnection) -> StoreResult<()> {
        let width = self.cols.len();
        while !self.buf.is_empty() {
            let rows = self.pending().min(self.per_statement);
            let mut sql = format!("INSERT INTO {} ({}) VALUES ", self.table, self.cols.join(", "));
            for r in 0..rows {
                sql.push_str(if r == 0 { "(" } else { ", (" });
                for c in 0..width {
                    if c > 0 {
                        sql.push_str(", ");
                    }
                    if self.sqlite {
                        sql.push('?');
                    } else {
                        sql.push_str(&format!("${}", r * width + c + 1));
                    }
                }
                sql.push(')');
            }
            let mut q = sqlx::query(&sql);
            for v in self.buf.drain(..rows * width) {
                q = match v {
                    Cell::I(i) => q.bind(i),
                    Cell::N(i) => q.bind(i),
                    Cell::T(s) => q.bind(s),
                    Cell::B(b) => q.bind(b),
                };
            }
            q.execute(&mut *conn).await.map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { field: self.table },
                sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
                _ => StoreError::Db(e),
            })?;
            self.written += rows;
        }
        Ok(())
    }
}
