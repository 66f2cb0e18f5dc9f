//! Every shipped profile parses, and every criterion of every profile flips at
//! its threshold exactly as its comparison says.

use super::criteria::{evaluate, Comparison, Declarations, Fact, FactSet, Observed, Outcome};
use super::profile::{GoalMeasure, Problem, Profile, SiteVisitRule, StageKind};
use super::SHIPPED;
use crate::calendar::HolidayCalendar;
use crate::center::{CenterKind, CenterLevel, CenterStage};
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

/// A figure that fails `op` against `threshold`.
fn failing(op: Comparison, threshold: i64) -> i64 {
    match op {
        Comparison::AtLeast => threshold - 1,
        Comparison::MoreThan => threshold,
        Comparison::AtMost => threshold + 1,
        Comparison::LessThan => threshold,
    }
}

#[test]
fn every_numeric_condition_of_every_shipped_profile_flips_exactly_at_its_threshold() {
    // Generic over SHIPPED: op and threshold come from the parsed file, so a new
    // profile is covered without touching this test. For any_of criteria each
    // condition is tried in turn while the others are held failing.
    let mut checked = 0;
    for (id, _) in SHIPPED {
        let p = profile(id);
        for stage in &p.stages {
            for c in stage.criteria.iter().filter(|c| !c.declaration) {
                assert!(!c.any_of.is_empty(), "{id} {} has no condition", c.code);
                for (i, cond) in c.any_of.iter().enumerate() {
                    let mut outcomes = Vec::new();
                    for (delta, label) in [(-1, "below"), (0, "at"), (1, "above")] {
                        let figure = cond.threshold + delta;
                        let mut facts = FactSet::new();
                        for (j, other) in c.any_of.iter().enumerate() {
                            if j != i && other.fact != cond.fact {
                                facts.insert(other.fact, Observed { value: failing(other.op, other.threshold), evidenced: true });
                            }
                        }
                        facts.insert(cond.fact, Observed { value: figure, evidenced: true });
                        let got = evaluate(std::slice::from_ref(c), &facts, &Declarations::new())[0].outcome;
                        let holds = c.any_of.iter().any(|k| k.op.holds(facts[&k.fact].value, k.threshold));
                        let want = if holds { Outcome::Met } else { Outcome::NotMet };
                        assert_eq!(got, want, "{id} {} {} condition {i} {label} threshold", stage.kind, c.code);
                        assert_eq!(
                            got == Outcome::Met,
                            cond.op.holds(figure, cond.threshold),
                            "{id} {} {} condition {i} {label}: the outcome follows {}",
                            stage.kind,
                            c.code,
                            cond.op.as_str()
                        );
                        outcomes.push(got);
                    }
                    assert!(outcomes.iter().any(|o| *o != outcomes[0]), "{id} {}: never flips", c.code);
                    checked += 1;
                }
            }
        }
    }
    assert!(checked > 0, "no numeric condition checked");
}

#[test]
fn every_declared_figure_needs_evidence_and_every_record_does_not() {
    for (id, _) in SHIPPED {
        let p = profile(id);
        for stage in &p.stages {
            for c in stage.criteria.iter().filter(|c| !c.declaration && c.any_of.len() == 1) {
                let cond = &c.any_of[0];
                let Some(passing) =
                    [cond.threshold, cond.threshold + 1, cond.threshold - 1].into_iter().find(|v| cond.op.holds(*v, cond.threshold))
                else {
                    panic!("{id} {}: nothing passes", c.code)
                };
                let facts: FactSet = [(cond.fact, Observed { value: passing, evidenced: false })].into_iter().collect();
                let got = evaluate(std::slice::from_ref(c), &facts, &Declarations::new())[0].outcome;
                let want = if cond.fact.from_records() { Outcome::Met } else { Outcome::MissingEvidence };
                assert_eq!(got, want, "{id} {} {}", stage.kind, c.code);
                let none = evaluate(std::slice::from_ref(c), &FactSet::new(), &Declarations::new())[0].outcome;
                assert_eq!(none, Outcome::MissingEvidence, "{id} {} {} with no data", stage.kind, c.code);
            }
        }
    }
}

#[test]
fn every_declaration_of_every_shipped_profile_needs_a_yes_with_evidence() {
    let mut checked = 0;
    for (id, _) in SHIPPED {
        let p = profile(id);
        for stage in &p.stages {
            for c in stage.criteria.iter().filter(|c| c.declaration) {
                assert!(c.any_of.is_empty(), "{id} {}", c.code);
                let cases = [
                    (None, Outcome::MissingEvidence, "nothing declared"),
                    (Some((1, false)), Outcome::MissingEvidence, "yes without evidence"),
                    (Some((1, true)), Outcome::Met, "yes with evidence"),
                    (Some((0, true)), Outcome::NotMet, "no"),
                    (Some((0, false)), Outcome::NotMet, "no, no evidence"),
                ];
                for (answer, want, label) in cases {
                    let mut d = Declarations::new();
                    if let Some((value, evidenced)) = answer {
                        d.insert(c.code.clone(), Observed { value, evidenced });
                    }
                    let got = evaluate(std::slice::from_ref(c), &FactSet::new(), &d)[0].outcome;
                    assert_eq!(got, want, "{id} {} {}: {label}", stage.kind, c.code);
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 0, "no declaration checked");
}

#[test]
fn every_stage_grants_what_its_kind_reaches_and_cites_its_procedure() {
    for (id, _) in SHIPPED {
        let p = profile(id);
        for s in &p.stages {
            let want = match s.kind {
                StageKind::Creation => CenterStage::Creating,
                StageKind::Recognition => CenterStage::Recognized,
            };
            assert_eq!(s.grants, want, "{id} {}", s.kind);
            assert!(!s.procedure_article.trim().is_empty(), "{id} {}", s.kind);
        }
        if p.center_kind == CenterKind::PilotPlatform {
            assert!(p.reevaluation.as_ref().is_some_and(|r| r.every_years >= 1), "{id}");
        }
    }
}

#[test]
fn the_shipped_profiles_are_the_five_seeds() {
    let ids: Vec<&str> = SHIPPED.iter().map(|(id, _)| *id).collect();
    for id in
        ["wenzhou-municipal-2025", "urumqi-2026", "zhejiang-provincial-2025", "zhejiang-pilot-platform-2025", "shanghai-platform-2025"]
    {
        assert!(ids.contains(&id), "{id} not shipped");
    }
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "duplicate id in SHIPPED");
}

#[test]
fn urumqi_districts_review_creation_but_not_recognition() {
    let p = profile("urumqi-2026");
    let Some(creation) = p.stage(StageKind::Creation) else { panic!("creation stage") };
    let Some(recognition) = p.stage(StageKind::Recognition) else { panic!("recognition stage") };
    assert!(creation.county_review, "五(一)3 区(县)科技部门审核推荐");
    assert!(!recognition.county_review, "五(二)1 依托单位直接申请认定");
    assert_eq!(creation.site_visit, SiteVisitRule::Required, "五(一)4 实地考察");
    assert_eq!(recognition.site_visit, SiteVisitRule::Optional);
    assert_eq!((creation.grants, recognition.grants), (CenterStage::Creating, CenterStage::Recognized));
    assert_eq!((creation.procedure_article.as_str(), recognition.procedure_article.as_str()), ("五(一)", "五(二)"));
    assert!(p.reevaluation.is_none());

    let wz = profile("wenzhou-municipal-2025");
    let Some(rec) = wz.stage(StageKind::Recognition) else { panic!("recognition stage") };
    assert!(rec.county_review, "三(三)");
    assert_eq!(rec.site_visit, SiteVisitRule::Optional, "必要时进行现场考察");
}

#[test]
fn zhejiang_pilot_platforms_are_reevaluated_every_two_years() {
    let p = profile("zhejiang-pilot-platform-2025");
    assert_eq!(p.center_kind, CenterKind::PilotPlatform);
    let Some(r) = &p.reevaluation else { panic!("reevaluation") };
    assert_eq!((r.every_years, r.article.as_str()), (2, "五"));
    assert!(r.reading.contains("两年一复评"), "{}", r.reading);
    assert_eq!(p.effective_from, d("2025-08-01"));
    let fields: Vec<&str> = p.catalogue.iter().map(|f| f.label.as_str()).collect();
    assert_eq!(fields.len(), 15, "{fields:?}");
    for f in ["石化化工", "工业母机", "低空装备", "生物制造"] {
        assert!(fields.contains(&f), "{f}");
    }
    assert!(p.evaluation.weights_reading.contains("85/60分等次界限均为本局默认"), "四(14) names only 优秀: the bands are the bureau's");
    assert_eq!(p.evaluation.reward.as_ref().map(|r| (r.amount_yuan, r.at_most_once_in_years)), Some((1_000_000, 3)));
    assert!(
        p.evaluation.reading.contains("100万元") && p.evaluation.reading.contains("1000万元") && p.evaluation.reading.contains("3000万元")
    );
    let Some(rec) = p.stage(StageKind::Recognition) else { panic!("recognition stage") };
    assert!(p.stage(StageKind::Creation).is_none());
    for code in ["chief_expert", "expert_committee", "legal_entity", "dedicated_equipment", "project_management", "qualifications"] {
        assert!(rec.criteria.iter().any(|c| c.code == code && c.declaration), "{code}");
    }
    // The plan sets no equipment value, so no numeric criterion on it.
    assert!(rec.criteria.iter().all(|c| c.any_of.iter().all(|k| k.fact != Fact::EquipmentValueYuan)));
}

#[test]
fn zhejiang_and_shanghai_name_and_notice_by_default_and_say_so() {
    for (id, prefix, suffix, future) in [
        ("zhejiang-provincial-2025", "浙江省", "概念验证中心", 3),
        ("zhejiang-pilot-platform-2025", "浙江省", "中试平台", 3),
        ("shanghai-platform-2025", "上海市", "概念验证平台", 11),
    ] {
        let p = profile(id);
        assert_eq!((p.naming.prefix.as_str(), p.naming.suffix.as_str()), (prefix, suffix), "{id}");
        assert!(p.naming.rule.contains("未规定") && p.naming.rule.contains("默认"), "{id}: {}", p.naming.rule);
        assert_eq!((p.notice.days, p.notice.counting.as_str()), (5, "working_days"), "{id}");
        assert!(p.notice.reading.contains("默认") && p.notice.reading.contains("并非"), "{id}: {}", p.notice.reading);
        assert_eq!(p.catalogue.iter().filter(|f| f.future).count(), future, "{id}");
        assert!(p.evaluation.weights_reading.contains("85/60分等次界限均为本局默认"), "{id}: the policy sets no score bands");
        let Some(rec) = p.stage(StageKind::Recognition) else { panic!("{id} recognition") };
        assert_eq!(rec.grants, CenterStage::Recognized, "{id}");
        assert_eq!(rec.site_visit, SiteVisitRule::Optional, "{id}");
    }
    let zj = profile("zhejiang-provincial-2025");
    assert!(zj.check_name("浙江省之江智能传感概念验证中心").is_ok());
    let Some(rec) = zj.stage(StageKind::Recognition) else { panic!() };
    assert!(rec.county_review);
    let threshold =
        |code: &str| rec.criteria.iter().find(|c| c.code == code).map(|c| (c.any_of[0].fact, c.any_of[0].op, c.any_of[0].threshold));
    assert_eq!(threshold("advisory_experts"), Some((Fact::AdvisoryExperts, Comparison::AtLeast, 3)));
    assert_eq!(threshold("library_projects"), Some((Fact::LibraryProjects, Comparison::AtLeast, 1)));
    let sh = profile("shanghai-platform-2025");
    let Some(rec) = sh.stage(StageKind::Recognition) else { panic!() };
    assert!(!rec.county_review, "市级布局");
    assert!(rec.criteria.iter().all(|c| c.declaration));
    assert!(rec.criteria.iter().any(|c| c.code == "project_managers" && c.article == "三(五)"));
    assert_eq!((sh.effective_from, sh.expires_on), (d("2025-07-10"), d("2027-12-31")));
}

#[test]
fn site_visit_labels_and_codes() {
    let cases = [
        (SiteVisitRule::None, "none", "无需"),
        (SiteVisitRule::Optional, "optional", "可选"),
        (SiteVisitRule::Required, "required", "必须"),
    ];
    for (rule, code, zh) in cases {
        assert_eq!((rule.as_str(), rule.label_zh()), (code, zh));
        assert_eq!(SiteVisitRule::parse(code), Some(rule));
        assert_eq!(serde_json::to_value(rule).ok(), Some(serde_json::Value::String(code.into())));
    }
    assert_eq!(SiteVisitRule::parse("sometimes"), None);
}

fn shipped_text(id: &str) -> &'static str {
    let Some((_, text)) = SHIPPED.iter().find(|(i, _)| *i == id) else { panic!("no profile {id}") };
    text
}

/// The 1-based line of the first occurrence of `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    let Some(at) = text.find(needle) else { panic!("`{needle}` not in the text") };
    text[..at].matches('\n').count() + 1
}

fn problems_of(text: &str, id: &str) -> Vec<Problem> {
    match Profile::parse(text, Some(id)) {
        Ok(_) => panic!("{id}: must be refused"),
        Err(p) => p,
    }
}

#[test]
fn each_bad_stage_or_reevaluation_value_is_one_problem_on_its_line() {
    let wz = shipped_text("wenzhou-municipal-2025");
    let uq = shipped_text("urumqi-2026");
    let pilot = shipped_text("zhejiang-pilot-platform-2025");
    let Some(start) = pilot.find("[reevaluation]") else { panic!() };
    let Some(end) = pilot.find("[changes]") else { panic!() };
    let without_reevaluation = format!("{}{}", &pilot[..start], &pilot[end..]);
    // (profile id, amended text, the text on the problem's line, words of the message)
    let cases: Vec<(&str, String, &str, &str)> = vec![
        (
            "wenzhou-municipal-2025",
            wz.replacen("site_visit = \"optional\"", "site_visit = \"sometimes\"", 1),
            "site_visit = \"sometimes\"",
            "site_visit `sometimes`",
        ),
        (
            "wenzhou-municipal-2025",
            wz.replace("grants = \"recognized\"", "grants = \"key_cultivation\""),
            "grants = \"key_cultivation\"",
            "key_cultivation",
        ),
        (
            "wenzhou-municipal-2025",
            wz.replace("grants = \"recognized\"", "grants = \"approved\""),
            "grants = \"approved\"",
            "grants `approved`",
        ),
        (
            "urumqi-2026",
            uq.replacen("grants = \"creating\"", "grants = \"recognized\"", 1),
            "grants = \"recognized\"",
            "a creation stage grants `creating`",
        ),
        (
            "wenzhou-municipal-2025",
            wz.replace("procedure_article = \"三(一)–(四)\"", "procedure_article = \" \""),
            "procedure_article = \" \"",
            "procedure_article is empty",
        ),
        ("zhejiang-pilot-platform-2025", without_reevaluation, "center_kind = \"pilot_platform\"", "[reevaluation]"),
        (
            "zhejiang-pilot-platform-2025",
            pilot.replace("every_years = 2", "every_years = 0"),
            "every_years = 0",
            "every_years must be at least 1",
        ),
        (
            "zhejiang-pilot-platform-2025",
            pilot.replace("every_years = 2\narticle = \"五\"", "every_years = 2\narticle = \"\""),
            "article = \"\"\nreading",
            "reevaluation.article is empty",
        ),
        // A missing key is reported by the TOML reader at its table's header.
        ("urumqi-2026", uq.replacen("county_review = true\n", "", 1), "[[stage]]", "missing field `county_review`"),
        ("urumqi-2026", uq.replacen("county_review = true", "county_review = \"yes\"", 1), "county_review = \"yes\"", "bool"),
    ];
    for (id, text, on_line, words) in cases {
        let problems = problems_of(&text, id);
        let want_line = line_of(&text, on_line);
        assert_eq!(problems.len(), 1, "{id} `{on_line}`: {problems:?}");
        assert!(problems[0].message.contains(words), "{id}: `{}` lacks `{words}`", problems[0].message);
        assert_eq!(problems[0].line, Some(want_line), "{id} `{on_line}`: {problems:?}");
    }
}

#[test]
fn a_poc_center_profile_may_omit_reevaluation_and_may_set_one() {
    let wz = shipped_text("wenzhou-municipal-2025");
    assert!(profile("wenzhou-municipal-2025").reevaluation.is_none());
    let with = format!("{wz}\n[reevaluation]\nevery_years = 3\narticle = \"四\"\nreading = \"三年一复评\"\n");
    match Profile::parse(&with, Some("wenzhou-municipal-2025")) {
        Ok(p) => assert_eq!(p.reevaluation.map(|r| r.every_years), Some(3)),
        Err(e) => panic!("{e:?}"),
    }
    let unknown = format!("{wz}\n[reevaluation]\nevery_years = 3\narticle = \"四\"\nreading = \"r\"\nmonths = 1\n");
    let problems = problems_of(&unknown, "wenzhou-municipal-2025");
    assert!(problems.iter().all(|p| p.line.is_some()) && problems[0].message.contains("months"), "{problems:?}");
}

#[test]
fn wenzhou_recognition_thresholds_as_the_guideline_words_them() {
    let p = profile("wenzhou-municipal-2025");
    let Some(stage) = p.stage(StageKind::Recognition) else { panic!("recognition stage") };
    let want = [
        ("library_projects", Fact::LibraryProjects, Comparison::AtLeast, 40),
        ("prototyped_or_productized", Fact::PrototypedOrProductized, Comparison::AtLeast, 20),
        ("landed_projects", Fact::LandedProjects, Comparison::AtLeast, 10),
        // 二(二) "每年配备…不低于100万元": every year, not the average (issue 10).
        ("special_funds", Fact::SpecialFundsEveryYearYuan, Comparison::AtLeast, 1_000_000),
        ("fund_size", Fact::FundSizeYuan, Comparison::AtLeast, 10_000_000),
        ("service_staff", Fact::ServiceStaff, Comparison::AtLeast, 10),
        ("fulltime_service_staff", Fact::FulltimeServiceStaff, Comparison::AtLeast, 5),
        ("fulltime_tech_managers", Fact::FulltimeTechManagers, Comparison::AtLeast, 1),
        ("advisory_experts", Fact::AdvisoryExperts, Comparison::AtLeast, 5),
        // 方案 三(二) "先创建后认定": on the creation list, read from the records.
        ("on_creation_list", Fact::OnCreationList, Comparison::AtLeast, 1),
    ];
    assert_eq!(stage.criteria.iter().filter(|c| !c.declaration).count(), want.len());
    for (code, fact, op, threshold) in want {
        let Some(c) = stage.criteria.iter().find(|c| c.code == code) else { panic!("{code}") };
        assert_eq!((c.any_of[0].fact, c.any_of[0].op, c.any_of[0].threshold), (fact, op, threshold), "{code}");
    }
    assert!(p.stage(StageKind::Creation).is_some(), "方案 三(二) 先创建后认定: Wenzhou has a creation stage");
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
    let uq = profile("urumqi-2026");
    assert!(uq.evaluation.weights_reading.contains("85/60分等次界限均为本局默认"), "Urumqi sets no score bands: the profile says whose they are");
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

/// Issue 10: a bureau may set a notice longer than the minimum only where the
/// profile says "不少于" (003 五(一)5 "公示不少于5天"); Wenzhou's "公示5个工作日"
/// (000 指引 三(四)) is exact. Never shorter.
#[test]
fn a_longer_notice_only_where_the_profile_says_at_least() {
    let urumqi = profile("urumqi-2026");
    let wenzhou = profile("wenzhou-municipal-2025");
    let cases: [(&Profile, Option<u32>, Result<u32, ()>); 8] = [
        (&urumqi, None, Ok(5)),
        (&urumqi, Some(5), Ok(5)),
        (&urumqi, Some(10), Ok(10)),
        (&urumqi, Some(4), Err(())),
        (&urumqi, Some(61), Err(())),
        (&wenzhou, None, Ok(5)),
        (&wenzhou, Some(5), Ok(5)),
        (&wenzhou, Some(7), Err(())),
    ];
    for (p, asked, want) in cases {
        assert_eq!(p.notice_days(asked).map_err(|_| ()), want, "{} {asked:?}", p.id);
    }
    assert!(wenzhou.notice_days(Some(3)).is_err_and(|m| m.contains("三(四)")));
    let cal = HolidayCalendar::state_council().unwrap_or_else(|_| HolidayCalendar::empty());
    assert_eq!(urumqi.notice_end_for(d("2026-11-23"), 10, &cal), Ok(d("2026-12-02")));
}

/// Issue 10: a call's dates lie within its profile's validity (000 方案 四 /
/// 指引 七: 2025-11-17 至 2027-12-31).
#[test]
fn a_call_lies_within_its_profiles_validity() {
    let p = profile("wenzhou-municipal-2025");
    let cases = [
        ("2025-11-17", "2025-12-31", Ok(())),
        ("2027-12-01", "2027-12-31", Ok(())),
        ("2025-11-16", "2025-12-31", Err("opens_on")),
        ("2027-12-01", "2028-01-01", Err("deadline")),
    ];
    for (opens, deadline, want) in cases {
        assert_eq!(p.check_call_dates(d(opens), d(deadline)).map_err(|(f, _)| f), want, "{opens} – {deadline}");
    }
}

/// 001 中试 五 "市定市级、省定省级": a municipal pilot-platform profile exists
/// beside the provincial one, each judging its own level, both re-evaluated.
#[test]
fn pilot_platforms_have_a_municipal_and_a_provincial_profile() {
    let municipal = profile("wenzhou-pilot-platform-2025");
    let provincial = profile("zhejiang-pilot-platform-2025");
    assert_eq!((municipal.center_kind, provincial.center_kind), (CenterKind::PilotPlatform, CenterKind::PilotPlatform));
    assert_eq!(municipal.level, crate::center::CenterLevel::Municipal);
    assert_eq!(provincial.level, crate::center::CenterLevel::Provincial);
    assert!(municipal.reevaluation.as_ref().is_some_and(|r| r.every_years == 2 && r.article.contains("五")));
}

/// 001 中试 五 "市定市级、省定省级": each level under its own level's profile.
#[test]
fn each_level_is_governed_by_its_own_levels_profile() {
    use crate::center::CenterLevel;
    let all: Vec<Profile> = SHIPPED.iter().map(|(id, _)| profile(id)).collect();
    let id = |p: Option<&Profile>| p.map(|p| p.id.clone());
    let pilot = CenterKind::PilotPlatform;
    let cases = [
        (CenterLevel::Municipal, None, Some("wenzhou-pilot-platform-2025")),
        (CenterLevel::Provincial, None, Some("zhejiang-pilot-platform-2025")),
        // recognized under the provincial profile but municipal now: the municipal one governs
        (CenterLevel::Municipal, Some("zhejiang-pilot-platform-2025"), Some("wenzhou-pilot-platform-2025")),
        (CenterLevel::Provincial, Some("zhejiang-pilot-platform-2025"), Some("zhejiang-pilot-platform-2025")),
        (CenterLevel::National, None, None),
    ];
    for (level, under, want) in cases {
        assert_eq!(id(super::governing(&all, pilot, level, under)), want.map(str::to_owned), "{level:?} {under:?}");
    }
}

/// The plans' targets (000 行动方案 一; 001 中试平台实施方案 一) are data the white paper reads.
#[test]
fn the_plans_targets_are_goals_and_a_bad_goal_is_one_problem() {
    let wz = profile("wenzhou-municipal-2025");
    let codes: Vec<(&str, Option<i64>, bool)> = wz.goals.iter().map(|g| (g.code.as_str(), g.target, g.striven)).collect();
    assert_eq!(
        codes,
        vec![("municipal_poc_centers", Some(30), false), ("provincial_poc_centers", Some(10), true), ("industries_covered", None, false), ("host_types_covered", None, false)]
    );
    assert!(wz.goals.iter().all(|g| g.by_year == 2027 && !g.article.is_empty()));
    let pilot = profile("zhejiang-pilot-platform-2025");
    assert_eq!(
        pilot.goals[0].measure,
        GoalMeasure::RecognizedCenters { center_kind: CenterKind::PilotPlatform, level: CenterLevel::Provincial }
    );
    assert!(profile("urumqi-2026").goals.is_empty(), "a profile without targets has none");
    let text = shipped_text("wenzhou-municipal-2025");
    // (amended text, words of the message)
    let cases: Vec<(String, &str)> = vec![
        (text.replacen("target = 30\n", "", 1), "needs center_kind, level and a positive target"),
        (text.replacen("target = 30", "target = 0", 1), "positive target"),
        (text.replacen("measure = \"catalogue_covered\"", "measure = \"catalogue_covered\"\ntarget = 11", 1), "全覆盖"),
        (text.replacen("measure = \"host_types_covered\"", "measure = \"hosts\"", 1), "unknown measure `hosts`"),
        (text.replacen("level = \"provincial\"\ntarget = 10", "level = \"county\"\ntarget = 10", 1), "level municipal"),
        (text.replacen("by_year = 2027\narticle = \"行动方案 一：到2027年", "by_year = 27\narticle = \"行动方案 一：到2027年", 1), "by_year 27"),
        (text.replacen("code = \"provincial_poc_centers\"", "code = \"municipal_poc_centers\"", 1), "appears twice"),
    ];
    for (amended, words) in cases {
        let problems = problems_of(&amended, "wenzhou-municipal-2025");
        assert_eq!(problems.len(), 1, "{words}: {problems:?}");
        assert!(problems[0].message.contains(words), "`{}` lacks `{words}`", problems[0].message);
        assert!(problems[0].line.is_some_and(|l| l >= line_of(&amended, "[[goal]]")), "{problems:?}");
    }
}
