//! Eligibility (申报条件自动核验): the facts of one center, computed from
//! what the platform holds about it, judged against a stage of a policy
//! profile. Every criterion comes back met / not met / missing evidence with
//! its figure, threshold and article.
//!
//! Figures from the platform's own records (project library, outcomes,
//! advisory team, service fields) need no evidence. Figures the center keeps
//! in its registry entry (team, equipment, funds, floor area) are its own
//! declarations: they count only with an uploaded document on that fact.

use crate::policy::criteria::{evaluate, CriterionResult, Declarations, Fact, FactSet, Observed, Outcome};
use crate::policy::{Profile, StageKind};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// What the platform holds about one center, summarised for the criteria.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CenterRecords {
    /// Results in the project library (入库) in any later stage.
    pub library_projects: i64,
    /// Library results with a prototype or product outcome.
    pub prototyped_or_productized: i64,
    /// Library results landed (落地转化).
    pub landed_projects: i64,
    /// Completed verifications meeting one of Urumqi's five conditions.
    pub qualifying_completed_verifications: i64,
    /// Service-contract income of verifications, yuan.
    pub service_income_yuan: i64,
    /// Experts on the advisory team (顾问专家团队).
    pub advisory_experts: i64,
    /// Of whom from outside the host unit.
    pub advisory_external: i64,
    /// Industry field codes the center serves.
    pub fields: Vec<String>,
    /// Members of the service team.
    pub staff: i64,
    /// Of whom full-time.
    pub fulltime_staff: i64,
    /// Of whom technology managers (技术经理人).
    pub tech_managers: i64,
    /// Full-time technology managers.
    pub fulltime_tech_managers: i64,
    /// Original value of the equipment, yuan.
    pub equipment_value_yuan: i64,
    /// Floor area, m², if declared.
    pub floor_area_m2: Option<i64>,
    /// Special funds (专项资金) per recorded year, yuan.
    pub special_funds_by_year: BTreeMap<i32, i64>,
    /// Size of the own or partner funds (基金), yuan, if any recorded.
    pub fund_size_yuan: Option<i64>,
    /// Topics (fact or criterion codes) that have at least one evidence document.
    pub evidence_topics: BTreeSet<String>,
    /// Yes/no answers to the declaration criteria, by criterion code.
    pub declarations: BTreeMap<String, bool>,
    /// Whether the center is on a published creation list (创建名单): a creation
    /// application approved, the center creating or beyond and still active.
    pub on_creation_list: bool,
}

impl CenterRecords {
    /// Average special funds a year over the recorded years (年均), rounded down.
    pub fn special_funds_per_year(&self) -> Option<i64> {
        let n = self.special_funds_by_year.len() as i64;
        (n > 0).then(|| self.special_funds_by_year.values().sum::<i64>() / n)
    }

    /// Special funds in the lowest year (每年…不低于, 000 指引 二(二)): every year
    /// from the first to the last recorded one must reach the threshold, so the
    /// lowest of them is what is compared; a year in between without a record
    /// counts as 0 yuan.
    pub fn special_funds_every_year(&self) -> Option<i64> {
        let first = *self.special_funds_by_year.keys().next()?;
        let last = *self.special_funds_by_year.keys().next_back()?;
        (first..=last).map(|y| self.special_funds_by_year.get(&y).copied().unwrap_or(0)).min()
    }

    /// The facts, as the criteria read them. `catalogue` holds the codes of
    /// the profile's industry fields and sub-fields.
    pub fn facts(&self, catalogue: &BTreeSet<String>) -> FactSet {
        let mut f = FactSet::new();
        let mut put = |fact: Fact, value: Option<i64>| {
            if let Some(value) = value {
                let evidenced = fact.from_records() || self.evidence_topics.contains(fact.evidence_topic());
                f.insert(fact, Observed { value, evidenced });
            }
        };
        put(Fact::LibraryProjects, Some(self.library_projects));
        put(Fact::PrototypedOrProductized, Some(self.prototyped_or_productized));
        put(Fact::LandedProjects, Some(self.landed_projects));
        put(Fact::QualifyingCompletedVerifications, Some(self.qualifying_completed_verifications));
        put(Fact::VerificationServiceIncomeYuan, Some(self.service_income_yuan));
        put(Fact::AdvisoryExperts, Some(self.advisory_experts));
        // Whole percent, rounded down: 49.9 % must not pass a 50 % rule.
        let share = (self.advisory_experts > 0).then(|| self.advisory_external * 100 / self.advisory_experts);
        put(Fact::AdvisoryExternalSharePct, Some(share.unwrap_or(0)));
        put(Fact::ServiceFields, Some(self.fields.len() as i64));
        put(Fact::ServiceFieldsOutsideCatalogue, Some(self.fields.iter().filter(|c| !catalogue.contains(*c)).count() as i64));
        put(Fact::SpecialFundsPerYearYuan, self.special_funds_per_year());
        put(Fact::SpecialFundsEveryYearYuan, self.special_funds_every_year());
        put(Fact::OnCreationList, Some(i64::from(self.on_creation_list)));
        put(Fact::FundSizeYuan, self.fund_size_yuan);
        put(Fact::ServiceStaff, Some(self.staff));
        put(Fact::FulltimeServiceStaff, Some(self.fulltime_staff));
        put(Fact::FulltimeTechManagers, Some(self.fulltime_tech_managers));
        put(Fact::TechManagers, Some(self.tech_managers));
        put(Fact::FloorAreaM2, self.floor_area_m2);
        put(Fact::EquipmentValueYuan, Some(self.equipment_value_yuan));
        f
    }

    /// The declarations, evidenced when a document carries the criterion's code.
    pub fn declared(&self) -> Declarations {
        self.declarations
            .iter()
            .map(|(code, yes)| {
                (code.clone(), Observed { value: i64::from(*yes), evidenced: self.evidence_topics.contains(code) })
            })
            .collect()
    }
}

/// The codes of a profile's catalogue: fields and sub-fields.
pub fn catalogue_codes(profile: &Profile) -> BTreeSet<String> {
    profile
        .catalogue
        .iter()
        .flat_map(|f| std::iter::once(f.code.clone()).chain(f.sub_fields.iter().map(|(c, _)| c.clone())))
        .collect()
}

/// The outcome of checking one center against one stage of one profile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Eligibility {
    /// Profile id.
    pub profile_id: String,
    /// Profile version.
    pub profile_version: u32,
    /// Creation or recognition.
    pub kind: StageKind,
    /// Each criterion.
    pub criteria: Vec<CriterionResult>,
    /// How many are met.
    pub met: usize,
    /// How many are not met.
    pub not_met: usize,
    /// How many lack evidence.
    pub missing_evidence: usize,
}

impl Eligibility {
    /// Whether every criterion is met.
    pub fn eligible(&self) -> bool {
        self.not_met == 0 && self.missing_evidence == 0
    }

    /// The criteria not met or missing evidence.
    pub fn unmet(&self) -> impl Iterator<Item = &CriterionResult> {
        self.criteria.iter().filter(|c| c.outcome != Outcome::Met)
    }
}

/// Checks a center's records against a stage; `None` if the profile lacks the stage.
pub fn check(profile: &Profile, kind: StageKind, records: &CenterRecords) -> Option<Eligibility> {
    let stage = profile.stage(kind)?;
    let facts = records.facts(&catalogue_codes(profile));
    let criteria = evaluate(&stage.criteria, &facts, &records.declared());
    let count = |o: Outcome| criteria.iter().filter(|c| c.outcome == o).count();
    Some(Eligibility {
        profile_id: profile.id.clone(),
        profile_version: profile.version,
        kind,
        met: count(Outcome::Met),
        not_met: count(Outcome::NotMet),
        missing_evidence: count(Outcome::MissingEvidence),
        criteria,
    })
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use crate::policy::SHIPPED;

    fn profile(id: &str) -> Profile {
        let text = SHIPPED.iter().find(|(i, _)| *i == id).map(|(_, t)| *t).unwrap_or_default();
        Profile::parse(text, Some(id)).unwrap_or_else(|e| panic!("{id}: {e:?}"))
    }

    /// A Wenzhou center that meets every criterion exactly at its threshold.
    fn wenzhou_ready() -> CenterRecords {
        let mut r = CenterRecords {
            // 方案 三(二) 先创建后认定: on the creation list.
            on_creation_list: true,
            library_projects: 40,
            prototyped_or_productized: 20,
            landed_projects: 10,
            advisory_experts: 5,
            advisory_external: 2,
            fields: vec!["smart_equipment".into()],
            staff: 10,
            fulltime_staff: 5,
            tech_managers: 1,
            fulltime_tech_managers: 1,
            equipment_value_yuan: 3_000_000,
            floor_area_m2: Some(500),
            fund_size_yuan: Some(10_000_000),
            ..Default::default()
        };
        r.special_funds_by_year.insert(2025, 1_000_000);
        let p = profile("wenzhou-municipal-2025");
        for c in &p.stage(StageKind::Recognition).map(|s| s.criteria.clone()).unwrap_or_default() {
            if c.declaration {
                r.declarations.insert(c.code.clone(), true);
                r.evidence_topics.insert(c.code.clone());
            }
        }
        for fact in ["special_funds_per_year_yuan", "fund_size_yuan", "service_staff", "fulltime_service_staff", "fulltime_tech_managers"] {
            r.evidence_topics.insert(fact.into());
        }
        r
    }

    #[test]
    fn a_wenzhou_center_at_every_threshold_is_eligible() {
        let e = check(&profile("wenzhou-municipal-2025"), StageKind::Recognition, &wenzhou_ready()).expect("stage");
        assert!(e.eligible(), "{:#?}", e.unmet().collect::<Vec<_>>());
        assert_eq!(e.met, e.criteria.len());
    }

    #[test]
    fn each_record_one_below_fails_its_criterion_only() {
        type Tweak = fn(&mut CenterRecords);
        let cases: &[(&str, Tweak)] = &[
            ("library_projects", |r| r.library_projects = 39),
            ("prototyped_or_productized", |r| r.prototyped_or_productized = 19),
            ("landed_projects", |r| r.landed_projects = 9),
            ("advisory_experts", |r| r.advisory_experts = 4),
            ("service_staff", |r| r.staff = 9),
            ("fulltime_service_staff", |r| r.fulltime_staff = 4),
            ("fulltime_tech_managers", |r| r.fulltime_tech_managers = 0),
            ("special_funds", |r| {
                r.special_funds_by_year.insert(2026, 999_998);
            }),
            ("fund_size", |r| r.fund_size_yuan = Some(9_999_999)),
        ];
        let p = profile("wenzhou-municipal-2025");
        for (code, tweak) in cases {
            let mut r = wenzhou_ready();
            tweak(&mut r);
            let e = check(&p, StageKind::Recognition, &r).expect("stage");
            let unmet: Vec<&str> = e.unmet().map(|c| c.code.as_str()).collect();
            assert_eq!(unmet, vec![*code], "tweak of {code}");
            assert_eq!(e.not_met, 1);
        }
    }

    #[test]
    fn declared_figures_without_documents_are_missing_evidence() {
        let mut r = wenzhou_ready();
        r.evidence_topics.remove("fund_size_yuan");
        r.evidence_topics.remove("legal_entity_in_wenzhou");
        let e = check(&profile("wenzhou-municipal-2025"), StageKind::Recognition, &r).expect("stage");
        let missing: Vec<&str> = e.criteria.iter().filter(|c| c.outcome == Outcome::MissingEvidence).map(|c| c.code.as_str()).collect();
        assert_eq!(missing, vec!["fund_size", "legal_entity_in_wenzhou"]);
        assert!(!e.eligible());
        // A declared "no" is not met even with evidence.
        let mut r = wenzhou_ready();
        r.declarations.insert("compliance_three_years".into(), false);
        let e = check(&profile("wenzhou-municipal-2025"), StageKind::Recognition, &r).expect("stage");
        assert_eq!(e.unmet().map(|c| c.code.as_str()).collect::<Vec<_>>(), vec!["compliance_three_years"]);
    }

    /// 000 指引 二(二) "每年配备…不低于100万元" holds only if every year reaches it;
    /// 003 四(二)5 "年均…不低于50万元" stays an average (issue 10).
    #[test]
    fn every_year_is_the_lowest_year_and_an_average_stays_an_average() {
        type Case = (&'static [(i32, i64)], Option<i64>, Option<i64>);
        let cases: &[Case] = &[
            (&[], None, None),
            (&[(2025, 1_000_000)], Some(1_000_000), Some(1_000_000)),
            (&[(2024, 800_000), (2025, 1_200_000)], Some(800_000), Some(1_000_000)),
            (&[(2024, 1_000_000), (2026, 1_500_000)], Some(0), Some(1_250_000)),
            (&[(2024, 1_000_000), (2025, 1_000_000), (2026, 1_000_001)], Some(1_000_000), Some(1_000_000)),
        ];
        for (years, every, average) in cases {
            let r = CenterRecords { special_funds_by_year: years.iter().copied().collect(), ..Default::default() };
            assert_eq!(r.special_funds_every_year(), *every, "{years:?}");
            assert_eq!(r.special_funds_per_year(), *average, "{years:?}");
        }
        // 80万 + 120万: the Wenzhou criterion fails, at once (not "missing evidence").
        let p = profile("wenzhou-municipal-2025");
        let mut r = wenzhou_ready();
        r.special_funds_by_year = [(2024, 800_000), (2025, 1_200_000)].into_iter().collect();
        let e = check(&p, StageKind::Recognition, &r).expect("stage");
        assert_eq!(e.unmet().map(|c| (c.code.as_str(), c.outcome)).collect::<Vec<_>>(), vec![("special_funds", Outcome::NotMet)]);
        // Urumqi: 40万 + 60万 averages 50万 and passes 四(二)5.
        let u = profile("urumqi-2026");
        let r = CenterRecords { special_funds_by_year: [(2024, 400_000), (2025, 600_000)].into_iter().collect(), ..Default::default() };
        let e = check(&u, StageKind::Recognition, &r).expect("stage");
        let funds = e.criteria.iter().find(|c| c.code == "special_funds").expect("criterion");
        assert_eq!(funds.figures[0].1, Some(500_000));
    }

    /// 003 四(二)1 "已纳入创建名单" is read from the records (the center's
    /// stage), never declared; Wenzhou's recognition asks the same, 000 方案
    /// 三(二) "先创建后认定".
    #[test]
    fn the_creation_list_is_read_from_the_records() {
        for id in ["urumqi-2026", "wenzhou-municipal-2025"] {
            let p = profile(id);
            let stage = p.stage(StageKind::Recognition).expect("recognition");
            let c = stage.criteria.iter().find(|c| c.code == "on_creation_list").expect("criterion");
            assert!(!c.declaration, "{id}: a record, not a declaration");
            for (on, want) in [(false, Outcome::NotMet), (true, Outcome::Met)] {
                let r = CenterRecords { on_creation_list: on, ..Default::default() };
                let e = check(&p, StageKind::Recognition, &r).expect("stage");
                assert_eq!(e.criteria.iter().find(|c| c.code == "on_creation_list").map(|c| c.outcome), Some(want), "{id} {on}");
            }
        }
    }

    /// 000 方案 三(二) "先创建后认定": Wenzhou has a creation stage that grants 创建中.
    #[test]
    fn wenzhou_has_a_creation_stage() {
        let p = profile("wenzhou-municipal-2025");
        let s = p.stage(StageKind::Creation).expect("creation stage");
        assert_eq!(s.grants, crate::center::CenterStage::Creating);
        assert!(s.procedure_article.contains("三(二)"));
        assert!(!s.criteria.is_empty());
    }

    #[test]
    fn special_funds_are_averaged_over_recorded_years() {
        let mut r = CenterRecords::default();
        assert_eq!(r.special_funds_per_year(), None);
        r.special_funds_by_year.insert(2024, 800_000);
        r.special_funds_by_year.insert(2025, 1_200_000);
        assert_eq!(r.special_funds_per_year(), Some(1_000_000));
        r.special_funds_by_year.insert(2026, 1);
        assert_eq!(r.special_funds_per_year(), Some(666_667));
    }

    #[test]
    fn external_share_and_fields_outside_the_catalogue() {
        let cat: BTreeSet<String> = ["a", "b"].iter().map(|s| s.to_string()).collect();
        let cases = [(10, 5, 50), (10, 4, 40), (3, 2, 66), (0, 0, 0), (7, 7, 100)];
        for (total, external, want) in cases {
            let r = CenterRecords { advisory_experts: total, advisory_external: external, ..Default::default() };
            assert_eq!(r.facts(&cat)[&Fact::AdvisoryExternalSharePct].value, want, "{external}/{total}");
        }
        let r = CenterRecords { fields: vec!["a".into(), "x".into(), "y".into()], ..Default::default() };
        let f = r.facts(&cat);
        assert_eq!(f[&Fact::ServiceFields].value, 3);
        assert_eq!(f[&Fact::ServiceFieldsOutsideCatalogue].value, 2);
    }

    #[test]
    fn urumqi_recognition_accepts_income_instead_of_five_verifications() {
        let p = profile("urumqi-2026");
        let base = CenterRecords { qualifying_completed_verifications: 4, service_income_yuan: 99_999, ..Default::default() };
        let code_of = |r: &CenterRecords| {
            check(&p, StageKind::Recognition, r)
                .expect("stage")
                .criteria
                .into_iter()
                .find(|c| c.figures.len() == 2)
                .map(|c| c.outcome)
        };
        assert_eq!(code_of(&base), Some(Outcome::NotMet));
        assert_eq!(code_of(&CenterRecords { qualifying_completed_verifications: 5, ..base.clone() }), Some(Outcome::Met));
        assert_eq!(code_of(&CenterRecords { service_income_yuan: 100_000, ..base }), Some(Outcome::Met));
    }
}
