//! The evaluation rules on tables of cases, each citing its article.

use super::figures::{Metric, YearFigures};
use super::management::{propose, ActionKind, PastYear, YearOutcome};
use super::plan::{MonthDay, Window};
use super::scoring::{combine, equal_weights, expert_means, records_score};
use crate::policy::{Profile, SHIPPED};
use chrono::NaiveDate;
use std::collections::BTreeMap;

fn profile(id: &str) -> Profile {
    let Some((_, text)) = SHIPPED.iter().find(|(i, _)| *i == id) else { panic!("no profile {id}") };
    Profile::parse(text, Some(id)).unwrap_or_else(|p| panic!("{id}: {p:?}"))
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

fn md(s: &str) -> MonthDay {
    MonthDay::parse(s).unwrap_or_else(|| panic!("{s}"))
}

/// Windows: the calendar year, and a 1 Oct – 30 Sep year ending in the evaluation year; the
/// report is due on the first due day after the window.
#[test]
fn data_windows_and_report_due_days() {
    let cases = [
        ("01-01", 2026, "2026-01-01", "2026-12-31", "03-31", "2027-03-31"),
        ("10-01", 2026, "2025-10-01", "2026-09-30", "10-31", "2026-10-31"),
        ("10-01", 2026, "2025-10-01", "2026-09-30", "03-31", "2027-03-31"),
        ("03-01", 2028, "2027-03-01", "2028-02-29", "03-31", "2028-03-31"),
    ];
    for (start, year, from, to, due, due_on) in cases {
        let w = Window::of_year(md(start), year);
        assert_eq!((w.from, w.to), (d(from), d(to)), "{start} {year}");
        assert_eq!(w.due(md(due)), d(due_on), "{start} {year} due {due}");
        assert!(w.contains(d(from)) && w.contains(d(to)) && !w.contains(d(to).succ_opt().unwrap_or(NaiveDate::MAX)));
    }
    for bad in ["02-29", "13-01", "00-10", "4-31", "x"] {
        assert!(MonthDay::parse(bad).is_none(), "{bad}");
    }
}

/// 000 四: 优秀(85分以上)、合格(60-85分)、不合格(60分以下) — 85 and 60 belong to the upper band.
#[test]
fn wenzhou_bands_at_their_bounds() {
    let p = profile("wenzhou-municipal-2025");
    for (hundredths, code) in [(10_000, "excellent"), (8_500, "excellent"), (8_499, "qualified"), (6_000, "qualified"), (5_999, "unqualified"), (0, "unqualified")] {
        assert_eq!(p.evaluation.grade_of(hundredths).map(|g| g.code.as_str()), Some(code), "{hundredths}");
    }
}

#[test]
fn every_shipped_profile_has_an_evaluation_plan_of_one_hundred_percent_that_says_whose_weights() {
    for (id, _) in SHIPPED {
        let e = profile(id).evaluation;
        assert_eq!(e.indicators.iter().map(|i| i.weight).sum::<u32>(), 100, "{id}");
        assert!(e.weights_reading.contains("本局默认"), "{id}: the seeds give no weights");
        assert!(e.expert_indicators().count() >= 2, "{id}: experts score the policy's dimensions");
        assert!(e.grade_of(8_500).is_some() && e.grade_of(0).is_some(), "{id}");
    }
    let uq = profile("urumqi-2026").evaluation;
    for label in ["当年资金投入", "服务项目数", "落地成果数量"] {
        assert!(uq.indicators.iter().any(|i| i.label == label && i.article.contains("六(三)")), "003 六(三) names {label}");
    }
    let wz = profile("wenzhou-municipal-2025").evaluation;
    let dims: Vec<&str> = wz.expert_indicators().map(|i| i.label.as_str()).collect();
    assert_eq!(dims, ["能力建设", "服务水平", "规范管理", "综合效益"], "方案 三(三)");
}

/// A figure earns its share of full marks, capped at 100.
#[test]
fn records_indicators_score_their_share_of_full_marks() {
    for (value, full, score) in [(0, 20, 0), (10, 20, 5_000), (20, 20, 10_000), (45, 20, 10_000), (1, 3, 3_333), (-5, 10, 0), (999_999, 1_000_000, 9_999)] {
        assert_eq!(records_score(value, full), score, "{value}/{full}");
    }
}

/// Wenzhou: four expert dimensions (70 %) and four record figures (30 %); every component shown.
#[test]
fn a_total_shows_every_component_and_waits_for_the_experts() {
    let e = profile("wenzhou-municipal-2025").evaluation;
    let mut figures = YearFigures::default();
    figures.set(Metric::ServiceProjects, 10); // 10 / 20 → 50 → 5.00 of 10
    figures.set(Metric::VerifiedProjects, 12); // capped → 10.00
    figures.set(Metric::LandedTransfers, 5); // 5.00
    figures.set(Metric::SpecialFundsYuan, 1_500_000); // 5.00
    let none = combine(&e.indicators, &figures, &BTreeMap::new());
    assert_eq!(none.total_hundredths, None, "no expert has scored");
    assert_eq!(none.components.len(), 8);
    let card = |a: i64, b: i64, c: i64, dd: i64| -> BTreeMap<String, i64> {
        [("capability", a), ("service", b), ("management", c), ("benefit", dd)].into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
    };
    let cards = [card(90, 80, 70, 60), card(80, 80, 90, 80)];
    let means = expert_means(cards.iter());
    assert_eq!(means.get("capability"), Some(&(8_500, 2)));
    let s = combine(&e.indicators, &figures, &means);
    // experts: 85×20 + 80×20 + 80×15 + 70×15 = 5,550 hundredths; records 500 + 1,000 + 500 + 500 = 2,500.
    assert_eq!(s.total_hundredths, Some(8_050));
    let parts: i64 = s.components.iter().filter_map(|c| c.points_hundredths).sum();
    assert_eq!(Some(parts), s.total_hundredths, "the total is the sum of its shown parts");
    let service = s.components.iter().find(|c| c.code == "service_projects").map(|c| (c.value, c.score_hundredths, c.points_hundredths));
    assert_eq!(service, Some((Some(10), Some(5_000), Some(500))));
}

#[test]
fn equal_weights_share_one_hundred() {
    for id in ["wenzhou-municipal-2025", "urumqi-2026", "zhejiang-provincial-2025"] {
        let eq = equal_weights(&profile(id).evaluation.indicators);
        assert_eq!(eq.iter().map(|i| i.weight).sum::<u32>(), 100, "{id}");
        let (lo, hi) = (eq.iter().map(|i| i.weight).min(), eq.iter().map(|i| i.weight).max());
        assert!(hi.zip(lo).is_some_and(|(h, l)| h - l <= 1), "{id}");
    }
}

fn graded(code: &str) -> YearOutcome {
    YearOutcome::Graded(code.to_owned())
}

fn year(y: i32, outcome: Option<YearOutcome>) -> PastYear {
    PastYear { year: y, outcome, rewarded: false, supported: false }
}

fn kinds(profile_id: &str, y: i32, outcome: YearOutcome, history: &[PastYear]) -> Vec<ActionKind> {
    propose(&profile(profile_id).evaluation, y, &outcome, history).into_iter().map(|p| p.kind).collect()
}

/// 000 四: 无正当理由不参加年度绩效评价或连续两年绩效评价结果不合格的…取消其认定资格.
#[test]
fn wenzhou_revokes_after_a_refusal_or_two_unqualified_years() {
    let wz = "wenzhou-municipal-2025";
    let cases: Vec<(&str, YearOutcome, Vec<PastYear>, Vec<ActionKind>)> = vec![
        ("first unqualified year: a caution", graded("unqualified"), vec![year(2025, Some(graded("qualified")))], vec![ActionKind::Caution]),
        ("second in a row: revoke", graded("unqualified"), vec![year(2025, Some(graded("unqualified")))], vec![ActionKind::Revoke]),
        ("not in a row: a caution", graded("unqualified"), vec![year(2025, None), year(2024, Some(graded("unqualified")))], vec![ActionKind::Caution]),
        ("refused without cause: revoke", YearOutcome::Refused { with_cause: false }, vec![], vec![ActionKind::Revoke]),
        ("refused with cause: nothing", YearOutcome::Refused { with_cause: true }, vec![], vec![]),
        ("qualified: nothing", graded("qualified"), vec![year(2025, Some(graded("unqualified")))], vec![]),
        ("excellent: nothing (no reward in 000)", graded("excellent"), vec![], vec![]),
    ];
    for (case, outcome, history, want) in cases {
        assert_eq!(kinds(wz, 2026, outcome, &history), want, "{case}");
    }
    let p = propose(&profile(wz).evaluation, 2026, &graded("unqualified"), &[year(2025, Some(graded("unqualified")))]);
    assert!(p[0].explanation.contains("2025、2026") && p[0].article == "四" && p[0].bar_years == 0, "{p:?}");
}

/// 003 六(三): 不合格的，给予一年整改，整改后评价结果仍不合格的，取消资格.
#[test]
fn urumqi_rectifies_for_a_year_then_revokes() {
    let uq = "urumqi-2026";
    let first = propose(&profile(uq).evaluation, 2026, &graded("unqualified"), &[year(2025, Some(graded("qualified")))]);
    assert_eq!(first.iter().map(|p| (p.kind, p.until_year)).collect::<Vec<_>>(), [(ActionKind::Rectify, Some(2027))]);
    assert_eq!(kinds(uq, 2027, graded("unqualified"), &[year(2026, Some(graded("unqualified")))]), [ActionKind::Revoke]);
    assert_eq!(kinds(uq, 2027, graded("qualified"), &[year(2026, Some(graded("unqualified")))]), Vec::<ActionKind>::new());
    assert_eq!(kinds(uq, 2026, YearOutcome::Refused { with_cause: false }, &[]), [ActionKind::Caution], "003 sets no revocation for a refusal");
}

/// 001 中试 四(14): 年度绩效考核结果为优秀的…给予每个100万元奖励，3年内最多奖励一次.
#[test]
fn the_pilot_reward_is_refused_a_second_time_within_three_years() {
    let zj = "zhejiang-pilot-platform-2025";
    let rewarded = |y: i32| PastYear { rewarded: true, ..year(y, Some(graded("excellent"))) };
    let cases = [
        ("never rewarded", vec![], ActionKind::Reward),
        ("rewarded last year", vec![rewarded(2025)], ActionKind::RewardBarred),
        ("rewarded two years ago", vec![rewarded(2024)], ActionKind::RewardBarred),
        ("rewarded three years ago: a new three-year span", vec![rewarded(2023)], ActionKind::Reward),
        ("excellent last year, not rewarded", vec![year(2025, Some(graded("excellent")))], ActionKind::Reward),
    ];
    for (case, history, want) in cases {
        let p = propose(&profile(zj).evaluation, 2026, &graded("excellent"), &history);
        assert_eq!(p.iter().map(|p| p.kind).collect::<Vec<_>>(), [want], "{case}");
        if want == ActionKind::Reward {
            assert_eq!(p[0].amount_yuan, Some(1_000_000), "{case}");
        }
    }
    assert_eq!(kinds(zj, 2026, graded("qualified"), &[]), Vec::<ActionKind>::new());
}

/// 001 概念验证 四 (support follows the grade, amount by the province); 004 五(二)(四)
/// (后补助 ≤ 300万元/年, 退坡 20 % a year of consecutive support — the rate is the bureau's).
#[test]
fn support_follows_the_grade_and_declines_where_the_profile_has_it() {
    let zj = propose(&profile("zhejiang-provincial-2025").evaluation, 2026, &graded("qualified"), &[]);
    assert_eq!(zj.iter().map(|p| (p.kind, p.amount_yuan)).collect::<Vec<_>>(), [(ActionKind::Support, None)]);
    assert!(propose(&profile("zhejiang-provincial-2025").evaluation, 2026, &graded("unqualified"), &[]).is_empty());
    let sh = profile("shanghai-platform-2025").evaluation;
    let supported = |y: i32| PastYear { supported: true, ..year(y, Some(graded("excellent"))) };
    let cases = [
        (vec![], 3_000_000),
        (vec![supported(2025)], 2_400_000),
        (vec![supported(2025), supported(2024)], 1_920_000),
        (vec![supported(2024)], 3_000_000),
    ];
    for (history, amount) in cases {
        let p = propose(&sh, 2026, &graded("excellent"), &history);
        assert_eq!(p.iter().map(|p| (p.kind, p.amount_yuan)).collect::<Vec<_>>(), [(ActionKind::Support, Some(amount))], "{history:?}");
    }
    assert!(propose(&sh, 2026, &graded("qualified"), &[]).is_empty(), "only 评价突出 earns 后补助");
}

#[test]
fn a_plan_that_does_not_add_up_is_refused_with_its_line() {
    let Some((_, text)) = SHIPPED.iter().find(|(i, _)| *i == "wenzhou-municipal-2025") else { panic!() };
    let cases = [
        ("weight = 20\nsource = \"experts\"\narticle = \"方案三(三)\"", "weight = 25\nsource = \"experts\"\narticle = \"方案三(三)\"", "sum to 105"),
        ("metric = \"service_projects\"", "metric = \"projects_served\"", "unknown variant"),
        ("full_marks_at = 20", "full_marks_at = 0", "full_marks_at must be at least 1"),
        ("window_start = \"01-01\"", "window_start = \"02-29\"", "not a day of the year"),
    ];
    for (from, to, want) in cases {
        assert!(text.contains(from), "{from}");
        let broken = text.replacen(from, to, 1);
        let Err(problems) = Profile::parse(&broken, None) else { panic!("{want}: accepted") };
        assert!(problems.iter().any(|p| p.message.contains(want) && p.line.is_some()), "{want}: {problems:?}");
    }
}
