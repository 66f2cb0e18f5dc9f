//! A WHERE clause built from the filters a caller actually gave, so each list
//! query carries only its own conditions (no `($1 IS NULL OR …)` chains that
//! defeat the planner's use of indexes, see DEPENDENCIES.md) and one text serves
//! both databases with `$n` placeholders.

use sqlx::any::AnyArguments;
use sqlx::query::{QueryAs, QueryScalar};
use sqlx::Any;

/// One bound value.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    /// An integer.
    Int(i64),
    /// A text.
    Text(String),
}

/// Conditions joined by AND, with their arguments in placeholder order.
#[derive(Debug, Clone, Default)]
pub(crate) struct Where {
    conds: Vec<String>,
    args: Vec<Arg>,
}

impl Where {
    /// Adds a condition whose every `?` stands for `arg` (one placeholder, used as often as written).
    pub(crate) fn and(&mut self, cond: &str, arg: Arg) -> &mut Self {
        self.args.push(arg);
        let placeholder = format!("${}", self.args.len());
        self.conds.push(cond.replace('?', &placeholder));
        self
    }

    /// Adds a condition whose successive `?` stand for the successive `args`.
    pub(crate) fn and_each(&mut self, cond: &str, args: Vec<Arg>) -> &mut Self {
        let mut out = String::with_capacity(cond.len() + 8);
        for (i, part) in cond.split('?').enumerate() {
            if i > 0 {
                out.push_str(&format!("${}", self.args.len() + i));
            }
            out.push_str(part);
        }
        self.args.extend(args);
        self.conds.push(out);
        self
    }

    /// Adds `column IN (…)` over record ids (integers, written inline: the few centers an
    /// operator's unit hosts); no condition when there are none.
    pub(crate) fn and_among(&mut self, column: &str, ids: impl IntoIterator<Item = i64>) -> &mut Self {
        let list = ids.into_iter().map(|id| id.to_string()).collect::<Vec<_>>().join(",");
        if !list.is_empty() {
            self.conds.push(format!("{column} IN ({list})"));
        }
        self
    }

    /// Adds a condition with no argument.
    pub(crate) fn and_raw(&mut self, cond: &str) -> &mut Self {
        self.conds.push(cond.to_owned());
        self
    }

    /// `WHERE …`, or nothing when there is no condition.
    pub(crate) fn sql(&self) -> String {
        if self.conds.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", self.conds.join(" AND "))
        }
    }

    /// The next free placeholder number (for LIMIT and OFFSET after the filters).
    pub(crate) fn next(&self) -> usize {
        self.args.len() + 1
    }

    /// Binds the arguments to a query returning rows.
    pub(crate) fn bind_as<'q, O>(&self, mut q: QueryAs<'q, Any, O, AnyArguments<'q>>) -> QueryAs<'q, Any, O, AnyArguments<'q>> {
        for a in &self.args {
            q = match a.clone() {
                Arg::Int(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
            };
        }
        q
    }

    /// Binds the arguments to a query returning one value.
    pub(crate) fn bind_scalar<'q, O>(&self, mut q: QueryScalar<'q, Any, O, AnyArguments<'q>>) -> QueryScalar<'q, Any, O, AnyArguments<'q>> {
        for a in &self.args {
            q = match a.clone() {
                Arg::Int(v) => q.bind(v),
                Arg::Text(v) => q.bind(v),
            };
        }
        q
    }
}

/// A `LIKE` pattern matching `needle` anywhere, with `%`, `_` and `\` taken literally (`ESCAPE '\'`).
pub(crate) fn contains(needle: &str) -> String {
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.trim().chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_the_arguments_and_repeat_where_written() {
        let mut w = Where::default();
        assert_eq!(w.sql(), "");
        w.and("r.state = ?", Arg::Text("verified".into()))
            .and_raw("r.trl > 0")
            .and("(o.region = ? OR c.region = ?)", Arg::Text("瑞安市".into()));
        assert_eq!(w.sql(), "WHERE r.state = $1 AND r.trl > 0 AND (o.region = $2 OR c.region = $2)");
        assert_eq!(w.next(), 3);
        w.and_each("(r.trl, r.id) > (?, ?)", vec![Arg::Int(4), Arg::Int(17)]);
        assert_eq!(w.sql(), "WHERE r.state = $1 AND r.trl > 0 AND (o.region = $2 OR c.region = $2) AND (r.trl, r.id) > ($3, $4)");
        assert_eq!(w.next(), 5);
    }

    #[test]
    fn a_search_term_matches_literally() {
        assert_eq!(contains(" 电池 "), "%电池%");
        assert_eq!(contains("50%_a\\b"), "%50\\%\\_a\\\\b%");
    }
}
