//! Every shipped profile parses, and every criterion of every profile flips at
//! its threshold exactly as its comparison says.

use super::criteria::{evaluate, Comparison, Declarations, Fact, FactSet, Observed, Outcome};
use super::profile::{Profile, StageKind};
use super::SHIPPED;
use crate::calendar::HolidayCalendar;
use chrono::NaiveDate;

fn profile(id: &str) -> Profile {
    let Some((_, text)) = SHIPPED.iter().find(|(i, _)| *i == id) else { panic!("no profile {id}") };
    match Profile::parse(text, Some(id)) {
        Ok(p) => p,
        Err(problems) => panic!("{id}: {problems:?}"),
    }
}

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

#[test]
fn every_shipped_profile_parses_and_cites_an_article_for_every_rule() {
    for (id, _) in SHIPPED {
        let p = profile(id);
        assert!(!p.stages.is_empty(), "{id}");
        for s in &p.stages {
            for c in &s.criteria {
                assert!(!c.article.is_empty() && !c.reading.is_empty(), "{id} {}", c.code);
            }
        }
    }
}

#[test]
fn every_single_condition_criterion_flips_exactly_at_its_threshold() {
    for (id, _) in SHIPPED {
        let p = profile(id);
        for stage in &p.stages {
            for c in stage.criteria.iter().filter(|c| !c.declaration && c.any_of.len() == 1) {
                let cond = &c.any_of[0];
                for (delta, label) in [(-1, "below"), (0, "at"), (1, "above")] {
                    let figure = cond.threshold + delta;
                    let facts: FactSet = [(cond.fact, Observed { value: figure, evidenced: true })].into_iter().collect();
                    let got = evaluate(std::slice::from_ref(c), &facts, &Declarations::new())[0].outcome;
                    let want = if cond.op.holds(figure, cond.threshold) { Outcome::Met } else { Outcome::NotMet };
                    assert_eq!(got, want, "{id} {} {} {label} threshold", stage.kind, c.code);
                }
            }
        }
    }
}

#[test]
fn wenzhou_recognition_thresholds_as_the_guideline_words_them() {
    let p = profile("wenzhou-municipal-2025");
    let Some(stage) = p.stage(StageKind::Recognition) else { panic!("recognition stage") };
    let want = [
        ("library_projects", Fact::LibraryProjects, Comparison::AtLeast, 40),
        ("prototyped_or_productized", Fact::PrototypedOrProductized, Comparison::AtLeast, 20),
        ("landed_projects", Fact::LandedProjects, Comparison::AtLeast, 10),
        ("special_funds", Fact::SpecialFundsPerYearYuan, Comparison::AtLeast, 1_000_000),
        ("fund_size", Fact::FundSizeYuan, Comparison::AtLeast, 10_000_000),
        ("service_staff", Fact::ServiceStaff, Comparison::AtLeast, 10),
        ("fulltime_service_staff", Fact::FulltimeServiceStaff, Comparison::AtLeast, 5),
        ("fulltime_tech_managers", Fact::FulltimeTechManagers, Comparison::AtLeast, 1),
        ("advisory_experts", Fact::AdvisoryExperts, Comparison::AtLeast, 5),
    ];
    assert_eq!(stage.criteria.iter().filter(|c| !c.declaration).count(), want.len());
    for (code, fact, op, threshold) in want {
        let Some(c) = stage.criteria.iter().find(|c| c.code == code) else { panic!("{code}") };
        assert_eq!((c.any_of[0].fact, c.any_of[0].op, c.any_of[0].threshold), (fact, op, threshold), "{code}");
    }
    assert!(p.stage(StageKind::Creation).is_none(), "Wenzhou recognizes directly");
    assert!(p.revocations.iter().all(|r| r.bar_years == 2));
    assert_eq!(p.changes.report_within_months, Some(3));
}

#[test]
fn urumqi_reads_tupo_as_more_than_and_accepts_either_verifications_or_income() {
    let p = profile("urumqi-2026");
    let Some(rec) = p.stage(StageKind::Recognition) else { panic!("recognition stage") };
    let equip = rec.criteria.iter().find(|c| c.code == "equipment_value");
    assert_eq!(equip.map(|c| c.any_of[0].op), Some(Comparison::MoreThan));
    let team = rec.criteria.iter().find(|c| c.code == "service_team");
    assert_eq!(team.map(|c| (c.any_of[0].op, c.any_of[0].threshold)), Some((Comparison::MoreThan, 5)));
    let Some(either) = rec.criteria.iter().find(|c| c.code == "completed_verifications_or_income") else { panic!("any_of criterion") };
    for (n, income, want) in [(4, 99_999, Outcome::NotMet), (5, 0, Outcome::Met), (0, 100_000, Outcome::Met)] {
        let facts: FactSet = [
            (Fact::QualifyingCompletedVerifications, Observed { value: n, evidenced: false }),
            (Fact::VerificationServiceIncomeYuan, Observed { value: income, evidenced: false }),
        ]
        .into_iter()
        .collect();
        assert_eq!(evaluate(std::slice::from_ref(either), &facts, &Declarations::new())[0].outcome, want, "{n}/{income}");
    }
    let Some(creation) = p.stage(StageKind::Creation) else { panic!("creation stage") };
    let equip = creation.criteria.iter().find(|c| c.code == "equipment_value");
    assert_eq!(equip.map(|c| (c.any_of[0].op, c.any_of[0].threshold)), Some((Comparison::AtLeast, 2_000_000)));
    assert_eq!(p.evaluation.rectification_years, 1);
}

#[test]
fn notice_periods_count_working_days_in_wenzhou_and_calendar_days_in_urumqi() {
    let Ok(cal) = HolidayCalendar::state_council() else { panic!("calendar") };
    let wz = profile("wenzhou-municipal-2025");
    let uq = profile("urumqi-2026");
    let cases = [
        (&wz, "2026-11-23", "2026-11-27"),
        (&wz, "2026-09-30", "2026-10-12"),
        (&uq, "2026-09-30", "2026-10-04"),
        (&uq, "2026-11-23", "2026-11-27"),
    ];
    for (p, start, end) in cases {
        assert_eq!(p.notice_end(d(start), &cal), Ok(d(end)), "{} from {start}", p.id);
    }
}

#[test]
fn wenzhou_grade_bands_include_their_lower_bound() {
    let p = profile("wenzhou-municipal-2025");
    let cases = [(100.0, "excellent"), (85.0, "excellent"), (84.9, "qualified"), (60.0, "qualified"), (59.9, "unqualified"), (0.0, "unqualified")];
    for (score, code) in cases {
        assert_eq!(p.grade_for(score).map(|g| g.code.as_str()), Some(code), "{score}");
    }
    assert!(profile("urumqi-2026").grade_for(90.0).is_none(), "Urumqi sets no score bands");
}

#[test]
fn names_follow_the_pattern() {
    let p = profile("wenzhou-municipal-2025");
    assert!(p.check_name("温州市瓯江理工大学智能装备概念验证中心").is_ok());
    for bad in ["瓯江理工大学概念验证中心", "温州市概念验证中心", "温州市瓯江理工大学智能装备中试平台"] {
        let Err(msg) = p.check_name(bad) else { panic!("{bad} must be refused") };
        assert!(msg.contains("温州市××概念验证中心"), "{msg}");
    }
}

#[test]
fn a_broken_profile_reports_every_problem_with_its_line() {
    let Some((_, text)) = SHIPPED.iter().find(|(i, _)| *i == "wenzhou-municipal-2025") else { panic!() };
    let broken = text
        .replace("op = \">=\"\nthreshold = 40", "op = \"=>\"\nthreshold = 40")
        .replace("fact = \"landed_projects\"", "fact = \"landings\"")
        .replace("expires_on = \"2027-12-31\"", "expires_on = \"2027-13-31\"");
    let Err(problems) = Profile::parse(&broken, Some("wenzhou-municipal-2025")) else { panic!("must fail") };
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems.iter().all(|p| p.line.is_some()));
    let messages: Vec<String> = problems.iter().map(|p| p.to_string()).collect();
    assert!(messages.iter().any(|m| m.contains("expires_on") && m.starts_with("line 12:")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("unknown op `=>`")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("unknown fact `landings`")), "{messages:?}");
    let Err(p) = Profile::parse(text, Some("other-name")) else { panic!("id mismatch") };
    assert!(p[0].message.contains("differs from the file name"));
}
