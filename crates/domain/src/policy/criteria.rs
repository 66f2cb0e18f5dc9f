//! Criteria and the facts they are judged on.
//!
//! A fact is computed from the platform's own records wherever the platform
//! holds them (the project library, outcomes, the advisory team, the center's
//! fields) and otherwise declared by the applicant with uploaded evidence. A
//! declared fact without evidence is "missing evidence", never "met".

use std::collections::BTreeMap;

string_enum! {
    /// Something a criterion measures.
    pub enum Fact {
        /// 累计入库项目数量 (records)
        LibraryProjects => ("library_projects", "累计入库项目数"),
        /// 样品化或产品化成果数 (records)
        PrototypedOrProductized => ("prototyped_or_productized", "样品化或产品化成果数"),
        /// 落地转化项目数 (records)
        LandedProjects => ("landed_projects", "落地转化项目数"),
        /// 完成且符合五类条件之一的概念验证项目数 (records)
        QualifyingCompletedVerifications => ("qualifying_completed_verifications", "完成的合格概念验证项目数"),
        /// 概念验证服务收入（元） (records)
        VerificationServiceIncomeYuan => ("verification_service_income_yuan", "概念验证服务收入（元）"),
        /// 顾问专家团队人数 (records)
        AdvisoryExperts => ("advisory_experts", "顾问专家人数"),
        /// 外单位专家占比（%） (records)
        AdvisoryExternalSharePct => ("advisory_external_share_pct", "外单位专家占比（%）"),
        /// 服务产业领域数 (records)
        ServiceFields => ("service_fields", "服务产业领域数"),
        /// 不在产业目录内的服务领域数 (records)
        ServiceFieldsOutsideCatalogue => ("service_fields_outside_catalogue", "目录外服务领域数"),
        /// 年均概念验证专项资金（元） (declared): the average over the recorded years ("年均…不低于")
        SpecialFundsPerYearYuan => ("special_funds_per_year_yuan", "年均专项资金（元）"),
        /// 每年概念验证专项资金（元） (declared): the lowest year ("每年…不低于" holds only if every year reaches it)
        SpecialFundsEveryYearYuan => ("special_funds_every_year_yuan", "专项资金最低年度（元）"),
        /// 已纳入创建名单（1 = 是） (records: a creation application approved, the center creating or beyond)
        OnCreationList => ("on_creation_list", "已纳入创建名单（1为是）"),
        /// 基金规模（元） (declared)
        FundSizeYuan => ("fund_size_yuan", "基金规模（元）"),
        /// 专业化服务人员数 (declared)
        ServiceStaff => ("service_staff", "专业化服务人员数"),
        /// 专职服务人员数 (declared)
        FulltimeServiceStaff => ("fulltime_service_staff", "专职服务人员数"),
        /// 专职技术经理人数 (declared)
        FulltimeTechManagers => ("fulltime_tech_managers", "专职技术经理人数"),
        /// 技术经理人（经纪人）数 (declared)
        TechManagers => ("tech_managers", "技术经理人数"),
        /// 场地面积（平方米） (declared)
        FloorAreaM2 => ("floor_area_m2", "场地面积（平方米）"),
        /// 仪器设备原值（元） (declared)
        EquipmentValueYuan => ("equipment_value_yuan", "仪器设备原值（元）"),
    }
}

impl Fact {
    /// Whether the platform computes this fact from its own records (no evidence upload needed).
    pub fn from_records(self) -> bool {
        matches!(
            self,
            Fact::LibraryProjects
                | Fact::PrototypedOrProductized
                | Fact::LandedProjects
                | Fact::QualifyingCompletedVerifications
                | Fact::VerificationServiceIncomeYuan
                | Fact::AdvisoryExperts
                | Fact::AdvisoryExternalSharePct
                | Fact::ServiceFields
                | Fact::ServiceFieldsOutsideCatalogue
                | Fact::OnCreationList
        )
    }

    /// The topic under which evidence for a declared fact is uploaded. Both
    /// readings of the special funds rest on the same yearly fund records.
    pub fn evidence_topic(self) -> &'static str {
        match self {
            Fact::SpecialFundsEveryYearYuan => Fact::SpecialFundsPerYearYuan.as_str(),
            other => other.as_str(),
        }
    }
}

string_enum! {
    /// How a figure is compared with a threshold. The profile says which
    /// wording maps to which: "不少于/不低于" → `>=`, "突破" → `>`, "不超过" → `<=`.
    pub enum Comparison {
        /// at least (不少于、不低于)
        AtLeast => (">=", "不少于"),
        /// more than (突破、超过)
        MoreThan => (">", "多于"),
        /// at most (不超过)
        AtMost => ("<=", "不超过"),
        /// fewer than (低于)
        LessThan => ("<", "少于"),
    }
}

impl Comparison {
    /// Whether `figure` passes against `threshold`.
    pub fn holds(self, figure: i64, threshold: i64) -> bool {
        match self {
            Comparison::AtLeast => figure >= threshold,
            Comparison::MoreThan => figure > threshold,
            Comparison::AtMost => figure <= threshold,
            Comparison::LessThan => figure < threshold,
        }
    }
}

/// One condition: a fact compared with a threshold.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Condition {
    /// What is measured.
    pub fact: Fact,
    /// How it is compared.
    pub op: Comparison,
    /// The threshold (yuan for money, whole percent for shares).
    pub threshold: i64,
}

/// A criterion of a stage: met when any of its conditions holds, or, for a
/// declaration (a qualitative requirement such as "independent legal entity"),
/// when the applicant declares it with evidence.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Criterion {
    /// Stable code.
    pub code: String,
    /// Chinese label.
    pub label: String,
    /// Conditions, any of which meets the criterion (usually one; none for a declaration).
    pub any_of: Vec<Condition>,
    /// Whether this is a yes/no declaration backed by evidence.
    pub declaration: bool,
    /// How the policy's wording is read.
    pub reading: String,
    /// The article it comes from.
    pub article: String,
}

/// A figure known for a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Observed {
    /// The figure.
    pub value: i64,
    /// Whether evidence backs a declared figure (records need none).
    pub evidenced: bool,
}

/// The figures known about one center.
pub type FactSet = BTreeMap<Fact, Observed>;

/// What an applicant declared for the declaration criteria, by criterion code
/// (`value` 1 = yes, 0 = no).
pub type Declarations = BTreeMap<String, Observed>;

/// How a criterion came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// 满足
    Met,
    /// 不满足
    NotMet,
    /// 缺少证明材料（或尚无数据）
    MissingEvidence,
}

impl Outcome {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Outcome::Met => "满足",
            Outcome::NotMet => "不满足",
            Outcome::MissingEvidence => "缺少证明材料",
        }
    }
}

/// The result of one criterion, with what it was judged on.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CriterionResult {
    /// Criterion code.
    pub code: String,
    /// Criterion label.
    pub label: String,
    /// Outcome.
    pub outcome: Outcome,
    /// For each condition: the fact, the figure (if known), the comparison and threshold.
    pub figures: Vec<(Fact, Option<i64>, Comparison, i64)>,
    /// How the wording is read.
    pub reading: String,
    /// The article.
    pub article: String,
}

/// Evaluates criteria against facts.
///
/// A condition is *usable* when its fact is known and either computed from
/// records or backed by evidence. The criterion is met when a usable condition
/// holds; not met when every condition has a known figure and none holds —
/// a figure that fails is not met at once, evidence or not, since no document
/// can make it pass; otherwise (a figure that would pass but lacks evidence,
/// or an unknown figure) evidence is missing.
/// A declaration is met when declared yes with evidence, not met when declared
/// no, and missing evidence otherwise.
pub fn evaluate(criteria: &[Criterion], facts: &FactSet, declarations: &Declarations) -> Vec<CriterionResult> {
    criteria
        .iter()
        .map(|c| {
            if c.declaration {
                let outcome = match declarations.get(&c.code) {
                    Some(o) if o.value == 0 => Outcome::NotMet,
                    Some(o) if o.evidenced => Outcome::Met,
                    _ => Outcome::MissingEvidence,
                };
                return CriterionResult {
                    code: c.code.clone(),
                    label: c.label.clone(),
                    outcome,
                    figures: Vec::new(),
                    reading: c.reading.clone(),
                    article: c.article.clone(),
                };
            }
            let mut any_met = false;
            let mut all_fail = true;
            let figures = c
                .any_of
                .iter()
                .map(|cond| {
                    let seen = facts.get(&cond.fact);
                    match seen {
                        Some(o) if cond.op.holds(o.value, cond.threshold) => {
                            all_fail = false;
                            any_met |= o.evidenced || cond.fact.from_records();
                        }
                        Some(_) => {}
                        None => all_fail = false,
                    }
                    (cond.fact, seen.map(|o| o.value), cond.op, cond.threshold)
                })
                .collect();
            let outcome = if any_met {
                Outcome::Met
            } else if all_fail {
                Outcome::NotMet
            } else {
                Outcome::MissingEvidence
            };
            CriterionResult {
                code: c.code.clone(),
                label: c.label.clone(),
                outcome,
                figures,
                reading: c.reading.clone(),
                article: c.article.clone(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn crit(any_of: Vec<Condition>) -> Criterion {
        Criterion { code: "c".into(), label: "c".into(), any_of, declaration: false, reading: String::new(), article: "x".into() }
    }

    fn cond(fact: Fact, op: Comparison, threshold: i64) -> Condition {
        Condition { fact, op, threshold }
    }

    fn no_decl() -> Declarations {
        Declarations::new()
    }

    #[test]
    fn a_declaration_is_met_only_when_declared_yes_with_evidence() {
        let c = [Criterion {
            code: "legal_entity".into(),
            label: "独立法人".into(),
            any_of: vec![],
            declaration: true,
            reading: "r".into(),
            article: "a".into(),
        }];
        let cases = [
            (None, Outcome::MissingEvidence),
            (Some((1, false)), Outcome::MissingEvidence),
            (Some((1, true)), Outcome::Met),
            (Some((0, true)), Outcome::NotMet),
        ];
        for (answer, want) in cases {
            let mut d = Declarations::new();
            if let Some((value, evidenced)) = answer {
                d.insert("legal_entity".into(), Observed { value, evidenced });
            }
            assert_eq!(evaluate(&c, &FactSet::new(), &d)[0].outcome, want, "{answer:?}");
        }
    }

    fn facts(list: &[(Fact, i64, bool)]) -> FactSet {
        list.iter().map(|(f, v, e)| (*f, Observed { value: *v, evidenced: *e })).collect()
    }

    #[test]
    fn comparisons_at_below_and_above_the_threshold() {
        let cases = [
            (Comparison::AtLeast, [false, true, true]),
            (Comparison::MoreThan, [false, false, true]),
            (Comparison::AtMost, [true, true, false]),
            (Comparison::LessThan, [true, false, false]),
        ];
        for (op, want) in cases {
            let got = [op.holds(39, 40), op.holds(40, 40), op.holds(41, 40)];
            assert_eq!(got, want, "{op:?}");
        }
    }

    #[test]
    fn declared_figures_need_evidence_and_records_do_not() {
        let c = [crit(vec![cond(Fact::FundSizeYuan, Comparison::AtLeast, 10_000_000)])];
        let r = evaluate(&c, &facts(&[(Fact::FundSizeYuan, 20_000_000, false)]), &no_decl());
        assert_eq!(r[0].outcome, Outcome::MissingEvidence);
        let r = evaluate(&c, &facts(&[(Fact::FundSizeYuan, 20_000_000, true)]), &no_decl());
        assert_eq!(r[0].outcome, Outcome::Met);
        let r = evaluate(&c, &facts(&[(Fact::FundSizeYuan, 9_999_999, true)]), &no_decl());
        assert_eq!(r[0].outcome, Outcome::NotMet);
        assert_eq!(r[0].figures, vec![(Fact::FundSizeYuan, Some(9_999_999), Comparison::AtLeast, 10_000_000)]);
        let r = evaluate(&c, &FactSet::new(), &Declarations::new());
        assert_eq!(r[0].outcome, Outcome::MissingEvidence);

        let lib = [crit(vec![cond(Fact::LibraryProjects, Comparison::AtLeast, 40)])];
        assert_eq!(evaluate(&lib, &facts(&[(Fact::LibraryProjects, 40, false)]), &no_decl())[0].outcome, Outcome::Met);
    }

    #[test]
    fn any_of_is_met_by_either_condition() {
        let c = [crit(vec![
            cond(Fact::QualifyingCompletedVerifications, Comparison::AtLeast, 5),
            cond(Fact::VerificationServiceIncomeYuan, Comparison::AtLeast, 100_000),
        ])];
        let cases = [
            (4, 99_999, Outcome::NotMet),
            (5, 0, Outcome::Met),
            (0, 100_000, Outcome::Met),
            (6, 200_000, Outcome::Met),
        ];
        for (n, income, want) in cases {
            let f = facts(&[(Fact::QualifyingCompletedVerifications, n, false), (Fact::VerificationServiceIncomeYuan, income, false)]);
            assert_eq!(evaluate(&c, &f, &Declarations::new())[0].outcome, want, "{n} projects, {income} yuan");
        }
        // One known and failing, the other unknown: cannot say "not met".
        let f = facts(&[(Fact::QualifyingCompletedVerifications, 2, false)]);
        assert_eq!(evaluate(&c, &f, &Declarations::new())[0].outcome, Outcome::MissingEvidence);
    }

    /// Issue 10: a criterion whose figure fails is `not_met` at once, evidence
    /// or not (no document can make 800,000 reach 1,000,000, 000 指引 二(二));
    /// `missing_evidence` only for a figure that would pass.
    #[test]
    fn a_failing_figure_is_not_met_at_once_and_only_a_passing_one_waits_for_evidence() {
        let c = [crit(vec![cond(Fact::FundSizeYuan, Comparison::AtLeast, 10_000_000)])];
        let cases = [
            (9_999_999, false, Outcome::NotMet),
            (9_999_999, true, Outcome::NotMet),
            (10_000_000, false, Outcome::MissingEvidence),
            (10_000_000, true, Outcome::Met),
        ];
        for (value, evidenced, want) in cases {
            let r = evaluate(&c, &facts(&[(Fact::FundSizeYuan, value, evidenced)]), &no_decl());
            assert_eq!(r[0].outcome, want, "{value} evidenced={evidenced}");
        }
        // any_of (003 四(二)6): both figures known and failing → not met, evidence or not;
        // one failing and one passing but unevidenced → still waiting for evidence.
        let c = [crit(vec![
            cond(Fact::ServiceStaff, Comparison::AtLeast, 5),
            cond(Fact::FundSizeYuan, Comparison::AtLeast, 100),
        ])];
        let f = facts(&[(Fact::ServiceStaff, 4, false), (Fact::FundSizeYuan, 99, false)]);
        assert_eq!(evaluate(&c, &f, &no_decl())[0].outcome, Outcome::NotMet);
        let f = facts(&[(Fact::ServiceStaff, 4, false), (Fact::FundSizeYuan, 100, false)]);
        assert_eq!(evaluate(&c, &f, &no_decl())[0].outcome, Outcome::MissingEvidence);
    }
}
