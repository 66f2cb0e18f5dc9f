//! Lifecycle and supervision (动态管理): major-change reports and their
//! deadline (000 五), revocation and the bar on re-applying (000 六),
//! deregistration of the host, and the two-yearly re-evaluation of pilot
//! platforms (001 中试 五).

use chrono::{Datelike, Months, NaiveDate};

string_enum! {
    /// Whether a registered center still holds its title.
    pub enum CenterStatus {
        /// 正常
        Active => ("active", "正常"),
        /// 已撤销资格
        Revoked => ("revoked", "已撤销"),
        /// 资格终止（依托单位注销）
        Terminated => ("terminated", "已终止"),
    }
}

string_enum! {
    /// A major change of the host unit that must be reported (重大变化).
    pub enum ChangeKind {
        /// 分立
        Split => ("split", "分立"),
        /// 合并
        Merger => ("merger", "合并"),
        /// 重组
        Restructuring => ("restructuring", "重组"),
        /// 经营业务发生变化
        BusinessChange => ("business_change", "经营业务变化"),
        /// 注销法人登记
        Deregistration => ("deregistration", "注销法人登记"),
    }
}

string_enum! {
    /// What the bureau decides on a change report.
    pub enum ChangeDecision {
        /// 仍符合条件，资格不变
        Keep => ("keep", "仍符合条件，资格不变"),
        /// 不再符合条件，取消资格
        Revoke => ("revoke", "不再符合条件，取消资格"),
    }
}

string_enum! {
    /// Result of a pilot platform's re-evaluation (复评).
    pub enum ReevaluationResult {
        /// 复评通过
        Pass => ("pass", "通过"),
        /// 复评不通过
        Fail => ("fail", "不通过"),
    }
}

/// The last day on which a change of `change_date` may be reported when the
/// policy allows `months` months (三个月内): the same day `months` months on,
/// clamped to the month's end (30 Nov + 3 months → 28/29 Feb).
pub fn report_due(change_date: NaiveDate, months: u32) -> NaiveDate {
    change_date.checked_add_months(Months::new(months)).unwrap_or(NaiveDate::MAX)
}

/// Whether a change report is overdue: filed after its last day, or not
/// filed and `today` is past it.
pub fn report_overdue(due: NaiveDate, reported_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    match reported_on {
        Some(d) => d > due,
        None => today > due,
    }
}

/// The first day a host unit may apply again after a revocation on
/// `revoked_on` that bars it for `years` years (两年内不得重新申报).
pub fn may_apply_again_from(revoked_on: NaiveDate, years: u32) -> NaiveDate {
    revoked_on.checked_add_months(Months::new(years.saturating_mul(12))).unwrap_or(NaiveDate::MAX)
}

/// Whether a bar from `revoked_on` for `years` still holds on `today`.
pub fn barred(revoked_on: NaiveDate, years: u32, today: NaiveDate) -> bool {
    years > 0 && today < may_apply_again_from(revoked_on, years)
}

/// Whether a center may be revoked: only one on a creation list or
/// recognized (创建中、已认定、重点培育), and still active. An applicant has no
/// title to lose (000 六, 003 六).
pub fn revocable(stage: crate::center::CenterStage, active: bool) -> bool {
    active && !matches!(stage, crate::center::CenterStage::Applying)
}

/// The day from which a title is taken after a major change that no longer
/// meets the criteria: "自条件变化年度起取消其认定资格" (000 指引 五) — the
/// first day of the year in which the change happened, not the day of the decision.
pub fn title_ends_from_change(change_date: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(change_date.year(), 1, 1).unwrap_or(change_date)
}

/// Whether a re-evaluation due on `due` is overdue on `today` (the due day itself is not).
pub fn reevaluation_overdue(due: NaiveDate, today: NaiveDate) -> bool {
    today > due
}

/// When a pilot platform recognized (or last re-evaluated) on `last` is due
/// for re-evaluation every `every_years` years (两年一复评).
pub fn reevaluation_due(last: NaiveDate, every_years: u32) -> NaiveDate {
    last.checked_add_months(Months::new(every_years.saturating_mul(12))).unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn three_month_change_deadline() {
        let cases = [
            ("2026-01-15", "2026-04-15"),
            ("2026-11-30", "2027-02-28"),
            ("2027-11-30", "2028-02-29"),
            ("2026-03-31", "2026-06-30"),
            ("2026-12-31", "2027-03-31"),
        ];
        for (change, due) in cases {
            assert_eq!(report_due(d(change), 3), d(due), "{change}");
        }
    }

    #[test]
    fn overdue_at_below_and_above_the_deadline() {
        let due = d("2026-04-15");
        let cases = [
            (Some("2026-04-14"), "2026-06-01", false),
            (Some("2026-04-15"), "2026-06-01", false),
            (Some("2026-04-16"), "2026-06-01", true),
            (None, "2026-04-15", false),
            (None, "2026-04-16", true),
        ];
        for (reported, today, want) in cases {
            assert_eq!(report_overdue(due, reported.map(d), d(today)), want, "{reported:?} / {today}");
        }
    }

    #[test]
    fn the_two_year_bar() {
        let revoked = d("2026-03-01");
        assert_eq!(may_apply_again_from(revoked, 2), d("2028-03-01"));
        let cases = [("2026-03-01", true), ("2027-12-31", true), ("2028-02-29", true), ("2028-03-01", false), ("2029-01-01", false)];
        for (today, want) in cases {
            assert_eq!(barred(revoked, 2, d(today)), want, "{today}");
        }
        assert!(!barred(revoked, 0, d("2026-03-01")), "a revocation without a bar");
        assert_eq!(may_apply_again_from(d("2024-02-29"), 2), d("2026-02-28"));
    }

    /// 000 指引 五 "自条件变化年度起取消": from the first day of the change's year.
    #[test]
    fn a_title_is_taken_from_the_year_of_the_change() {
        let cases = [("2026-03-10", "2026-01-01"), ("2025-12-31", "2025-01-01"), ("2027-01-01", "2027-01-01")];
        for (change, from) in cases {
            assert_eq!(title_ends_from_change(d(change)), d(from), "{change}");
        }
    }

    /// 000 六 / 003 六: only a center in creation or recognized can be revoked.
    #[test]
    fn only_a_center_in_creation_or_recognized_can_be_revoked() {
        use crate::center::CenterStage;
        let cases = [
            (CenterStage::Applying, true, false),
            (CenterStage::Creating, true, true),
            (CenterStage::Recognized, true, true),
            (CenterStage::KeyCultivation, true, true),
            (CenterStage::Recognized, false, false),
        ];
        for (stage, active, want) in cases {
            assert_eq!(revocable(stage, active), want, "{stage:?} {active}");
        }
    }

    /// 001 中试 五 "两年一复评": overdue the day after the due day.
    #[test]
    fn a_reevaluation_is_overdue_the_day_after_it_is_due() {
        let due = d("2027-06-30");
        assert!(!reevaluation_overdue(due, d("2027-06-30")));
        assert!(reevaluation_overdue(due, d("2027-07-01")));
    }

    #[test]
    fn pilot_platforms_are_re_evaluated_every_two_years() {
        assert_eq!(reevaluation_due(d("2025-06-30"), 2), d("2027-06-30"));
        assert_eq!(reevaluation_due(d("2024-02-29"), 2), d("2026-02-28"));
    }
}
