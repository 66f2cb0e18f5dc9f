//! The policy profile file: parsing and checking (`pocnet policy check`).

use super::criteria::{Comparison, Condition, Criterion, Fact};
use crate::calendar::{CalendarError, HolidayCalendar};
use crate::center::{CenterKind, CenterLevel, CenterStage};
use crate::evaluation::management::UNQUALIFIED;
use crate::evaluation::plan::{self, Indicator, IndicatorSource, MonthDay, Reward, Support, Window};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::fmt;
use toml::Spanned;

/// A problem in a profile file, with its line (1-based) when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Line in the file.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "line {l}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

string_enum! {
    /// Which application a stage's criteria govern.
    pub enum StageKind {
        /// 创建
        Creation => ("creation", "创建"),
        /// 认定
        Recognition => ("recognition", "认定"),
    }
}

/// Whether the examining authority visits the site (现场考察) before deciding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SiteVisitRule {
    /// No site visit (无需).
    None,
    /// At the examiners' discretion, e.g. "必要时进行现场考察" (可选).
    Optional,
    /// Always, e.g. "实地考察及综合评审" (必须).
    Required,
}

impl SiteVisitRule {
    /// Every value, in order.
    pub const ALL: &'static [SiteVisitRule] = &[SiteVisitRule::None, SiteVisitRule::Optional, SiteVisitRule::Required];

    /// The code used in profile files: `none`, `optional` or `required`.
    pub fn as_str(self) -> &'static str {
        match self {
            SiteVisitRule::None => "none",
            SiteVisitRule::Optional => "optional",
            SiteVisitRule::Required => "required",
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            SiteVisitRule::None => "无需",
            SiteVisitRule::Optional => "可选",
            SiteVisitRule::Required => "必须",
        }
    }

    /// Parses a profile-file code.
    pub fn parse(code: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|r| r.as_str() == code)
    }
}

/// Periodic re-evaluation of a recognized center (复评), e.g. "两年一复评".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reevaluation {
    /// Re-evaluated every this many years (at least 1).
    pub every_years: u32,
    /// Article.
    pub article: String,
    /// How the wording is read.
    pub reading: String,
}

/// The naming pattern (命名规则): prefix + the applicant's part + suffix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Naming {
    /// E.g. `温州市`.
    pub prefix: String,
    /// E.g. `概念验证中心`.
    pub suffix: String,
    /// The rule as the policy words it.
    pub rule: String,
    /// Article.
    pub article: String,
}

/// The public-notice period (公示期).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Notice {
    /// Length.
    pub days: u32,
    /// `working_days` or `calendar_days`.
    pub counting: String,
    /// Whether the length is a minimum ("不少于") rather than exact.
    pub at_least: bool,
    /// Article.
    pub article: String,
    /// How the wording is read.
    pub reading: String,
}

/// A grade band (等次): `min <= score < below`, either bound optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Grade {
    /// Stable code.
    pub code: String,
    /// Chinese label.
    pub label: String,
    /// Lowest score in the band (included).
    pub min: Option<i64>,
    /// Scores below this are in the band (excluded).
    pub below: Option<i64>,
}

/// Annual evaluation rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Evaluation {
    /// Article.
    pub article: String,
    /// How the bands are read.
    pub reading: String,
    /// Revoke after this many consecutive unqualified years; 0 when the policy sets no such rule.
    pub revoke_after_consecutive_unqualified: u32,
    /// Years of rectification granted after an unqualified result (0: none set).
    pub rectification_years: u32,
    /// Whether refusing to be evaluated revokes.
    pub revoke_if_refused: bool,
    /// The bands.
    pub grades: Vec<Grade>,
    /// Years a host may not apply again after an evaluation revocation (0: no bar).
    #[serde(default)]
    pub revocation_bar_years: u32,
    /// First day of an evaluation year's data window (`01-01`: the calendar year).
    #[serde(default = "new_year")]
    pub window_start: MonthDay,
    /// The annual report (年度运行报告) is due on the first such day after the window.
    #[serde(default = "end_of_march")]
    pub report_due: MonthDay,
    /// Whose the weights and targets are, and how they were set.
    #[serde(default)]
    pub weights_reading: String,
    /// The indicators (评价指标); empty: this profile cannot run an evaluation yet.
    #[serde(default, rename = "indicator")]
    pub indicators: Vec<Indicator>,
    /// A reward for a grade, if the policy sets one.
    #[serde(default)]
    pub reward: Option<Reward>,
    /// Support that follows the grade, if the policy sets it.
    #[serde(default)]
    pub support: Option<Support>,
}

fn new_year() -> MonthDay {
    MonthDay::NEW_YEAR
}

fn end_of_march() -> MonthDay {
    MonthDay::parse("03-31").unwrap_or(MonthDay::NEW_YEAR)
}

impl Evaluation {
    /// The experts indicators: the dimensions an evaluation panel scores.
    pub fn expert_indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.indicators.iter().filter(|i| i.source == IndicatorSource::Experts)
    }

    /// The data window of evaluation year `year`.
    pub fn window(&self, year: i32) -> Window {
        Window::of_year(self.window_start, year)
    }

    /// The grade of a total given in hundredths, if the profile sets score
    /// bounds (`min` included, `below` excluded).
    pub fn grade_of(&self, total_hundredths: i64) -> Option<&Grade> {
        self.grades.iter().find(|g| {
            (g.min.is_some() || g.below.is_some())
                && g.min.is_none_or(|m| total_hundredths >= m * 100)
                && g.below.is_none_or(|b| total_hundredths < b * 100)
        })
    }

    /// The experts indicators as the evaluation panel's score sheet (each dimension 0–100,
    /// weighted as in the plan; a member's total is scaled to 0–100).
    pub fn expert_sheet(&self) -> crate::review::ScoreSheet {
        use crate::review::{sheet, Dimension, ReviewPurpose, ScoreSheet};
        let dims = self
            .expert_indicators()
            .map(|i| Dimension { code: i.code.clone().into(), label: i.label.clone().into(), weight: i.weight, article: i.article.clone().into() })
            .collect();
        ScoreSheet::of_dimensions(ReviewPurpose::AnnualEvaluation, dims, sheet(ReviewPurpose::AnnualEvaluation).disagreement_spread)
    }

    /// The grade with this code.
    pub fn grade(&self, code: &str) -> Option<&Grade> {
        self.grades.iter().find(|g| g.code == code)
    }
}

/// Major-change rules (重大变化报告).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Changes {
    /// Months after the change within which it must be reported, if the policy sets a limit.
    pub report_within_months: Option<u32>,
    /// Article.
    pub article: String,
    /// Whether deregistration of the host ends recognition at once.
    pub deregistration_ends_recognition: bool,
}

/// A reason for revocation (取消资格).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revocation {
    /// Stable code.
    pub code: String,
    /// The reason as worded.
    pub label: String,
    /// Years the host may not apply again.
    pub bar_years: u32,
    /// Article.
    pub article: String,
}

/// An industry field of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueField {
    /// Stable code.
    pub code: String,
    /// Chinese label.
    pub label: String,
    /// Future industry?
    pub future: bool,
    /// Sub-fields: code and label.
    pub sub_fields: Vec<(String, String)>,
}

/// A stage (创建 or 认定) and its criteria.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stage {
    /// Creation or recognition.
    pub kind: StageKind,
    /// Chinese label.
    pub label: String,
    /// Whether the county/district S&T department (or the recommending local
    /// authority) reviews and recommends before the deciding authority.
    pub county_review: bool,
    /// Whether the examiners visit the site.
    pub site_visit: SiteVisitRule,
    /// The stage a center reaches when the application is approved:
    /// `Creating` (创建名单) or `Recognized` (认定), never `KeyCultivation`.
    pub grants: CenterStage,
    /// The article laying down the procedure.
    pub procedure_article: String,
    /// Criteria.
    pub criteria: Vec<Criterion>,
}

/// A parsed and checked policy profile.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    /// Identifier, equal to the file name without `.toml`.
    pub id: String,
    /// Version of this file.
    pub version: u32,
    /// Jurisdiction (e.g. 温州市).
    pub jurisdiction: String,
    /// Title of the policy document.
    pub title: String,
    /// Issuing authority.
    pub issuer: String,
    /// In force from.
    pub effective_from: NaiveDate,
    /// In force until (included).
    pub expires_on: NaiveDate,
    /// PoC center or pilot platform.
    pub center_kind: CenterKind,
    /// Level it recognizes.
    pub level: CenterLevel,
    /// Naming pattern.
    pub naming: Naming,
    /// Public notice.
    pub notice: Notice,
    /// Annual evaluation.
    pub evaluation: Evaluation,
    /// Major changes.
    pub changes: Changes,
    /// Revocation reasons.
    pub revocations: Vec<Revocation>,
    /// Industry catalogue.
    pub catalogue: Vec<CatalogueField>,
    /// Stages.
    pub stages: Vec<Stage>,
    /// Periodic re-evaluation, if the policy sets one (required for pilot platforms).
    pub reevaluation: Option<Reevaluation>,
    /// The network's targets the plan sets (建设目标), which the white paper reads the records against.
    pub goals: Vec<Goal>,
    /// Subsidies and rewards the policy grants (`[[funding]]`; 财政补助与奖励).
    pub funding: Vec<crate::finance::grant::GrantProgramme>,
}

/// What a goal counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "measure", rename_all = "snake_case")]
pub enum GoalMeasure {
    /// Recognized, active centers of a kind at a level or above.
    RecognizedCenters {
        /// PoC centers or pilot platforms.
        center_kind: CenterKind,
        /// The least level counted.
        level: CenterLevel,
    },
    /// Entries of the profile's catalogue (fields and sub-fields) a recognized center serves.
    CatalogueCovered,
    /// Host types of 000 一 (高校、新型研发机构、研究型医院、孵化器) with a recognized center.
    HostTypesCovered,
}

/// A target of the plan (e.g. 000 一: 到2027年建成市级概念验证中心30家).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Goal {
    /// Stable code.
    pub code: String,
    /// What is counted, in Chinese.
    pub label: String,
    /// How it is counted.
    pub measure: GoalMeasure,
    /// The number to reach; none for a coverage goal (全覆盖: every entry).
    pub target: Option<i64>,
    /// The year it is to be reached by (end of year).
    pub by_year: i32,
    /// Whether the plan only strives for it (力争) rather than sets it.
    pub striven: bool,
    /// The article setting it.
    pub article: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    id: Spanned<String>,
    version: u32,
    jurisdiction: String,
    title: String,
    issuer: String,
    effective_from: Spanned<String>,
    expires_on: Spanned<String>,
    center_kind: Spanned<String>,
    level: Spanned<String>,
    naming: Naming,
    notice: Spanned<Notice>,
    evaluation: Spanned<Evaluation>,
    changes: Changes,
    #[serde(default)]
    revocation: Vec<Spanned<Revocation>>,
    #[serde(default)]
    catalogue: Vec<Spanned<RawField>>,
    stage: Vec<Spanned<RawStage>>,
    reevaluation: Option<Spanned<RawReevaluation>>,
    #[serde(default)]
    goal: Vec<Spanned<RawGoal>>,
    #[serde(default)]
    funding: Vec<Spanned<crate::finance::grant::GrantProgramme>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGoal {
    code: String,
    label: String,
    measure: String,
    center_kind: Option<String>,
    level: Option<String>,
    target: Option<i64>,
    by_year: i32,
    #[serde(default)]
    striven: bool,
    article: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReevaluation {
    every_years: Spanned<u32>,
    article: Spanned<String>,
    reading: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawField {
    code: String,
    label: String,
    #[serde(default)]
    future: bool,
    #[serde(default)]
    sub_fields: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStage {
    kind: Spanned<String>,
    label: String,
    county_review: bool,
    site_visit: Spanned<String>,
    grants: Spanned<String>,
    procedure_article: Spanned<String>,
    criterion: Vec<Spanned<RawCriterion>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCriterion {
    code: String,
    label: String,
    fact: Option<String>,
    op: Option<String>,
    threshold: Option<i64>,
    #[serde(default)]
    any_of: Vec<RawCondition>,
    #[serde(default)]
    declaration: bool,
    reading: String,
    article: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCondition {
    fact: String,
    op: String,
    threshold: i64,
}

struct Checker<'a> {
    text: &'a str,
    problems: Vec<Problem>,
}

impl Checker<'_> {
    fn line(&self, span: std::ops::Range<usize>) -> Option<usize> {
        Some(self.text[..span.start.min(self.text.len())].matches('\n').count() + 1)
    }

    fn at(&mut self, span: std::ops::Range<usize>, message: impl Into<String>) {
        let line = self.line(span);
        self.problems.push(Problem { line, message: message.into() });
    }

    fn date(&mut self, s: &Spanned<String>, what: &str) -> NaiveDate {
        match NaiveDate::parse_from_str(s.get_ref(), "%Y-%m-%d") {
            Ok(d) => d,
            Err(_) => {
                self.at(s.span(), format!("{what} `{}` is not a date (YYYY-MM-DD)", s.get_ref()));
                NaiveDate::MIN
            }
        }
    }

    fn condition(&mut self, span: std::ops::Range<usize>, code: &str, fact: &str, op: &str, threshold: i64) -> Option<Condition> {
        let f = Fact::parse(fact);
        let o = Comparison::parse(op);
        if f.is_err() {
            let known: Vec<&str> = Fact::ALL.iter().map(|f| f.as_str()).collect();
            self.at(span.clone(), format!("criterion {code}: unknown fact `{fact}` (known: {})", known.join(", ")));
        }
        if o.is_err() {
            self.at(span.clone(), format!("criterion {code}: unknown op `{op}` (use >=, >, <= or <)"));
        }
        if threshold < 0 {
            self.at(span, format!("criterion {code}: threshold {threshold} is negative"));
        }
        Some(Condition { fact: f.ok()?, op: o.ok()?, threshold })
    }
}

fn unique<'a>(items: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let mut seen = BTreeSet::new();
    items.into_iter().find(|c| !seen.insert(*c))
}

impl Profile {
    /// Parses and checks a profile; `expected_id` (the file name) must match its `id`.
    /// Reports every problem found, each with its line.
    pub fn parse(text: &str, expected_id: Option<&str>) -> Result<Self, Vec<Problem>> {
        let raw: RawProfile = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            vec![Problem { line, message: e.message().to_owned() }]
        })?;
        let mut c = Checker { text, problems: Vec::new() };
        if let Some(expected) = expected_id {
            if raw.id.get_ref() != expected {
                c.at(raw.id.span(), format!("id `{}` differs from the file name `{expected}`", raw.id.get_ref()));
            }
        }
        let effective_from = c.date(&raw.effective_from, "effective_from");
        let expires_on = c.date(&raw.expires_on, "expires_on");
        if effective_from != NaiveDate::MIN && expires_on != NaiveDate::MIN && expires_on < effective_from {
            c.at(raw.expires_on.span(), "expires_on is before effective_from");
        }
        let center_kind = CenterKind::parse(raw.center_kind.get_ref()).unwrap_or_else(|_| {
            c.at(raw.center_kind.span(), "center_kind must be poc_center or pilot_platform");
            CenterKind::PocCenter
        });
        let level = CenterLevel::parse(raw.level.get_ref()).unwrap_or_else(|_| {
            c.at(raw.level.span(), "level must be municipal, provincial or national");
            CenterLevel::Municipal
        });
        if raw.naming.prefix.trim().is_empty() || raw.naming.suffix.trim().is_empty() {
            c.problems.push(Problem { line: None, message: "naming: prefix and suffix must not be empty".into() });
        }
        let notice_span = raw.notice.span();
        let notice = raw.notice.into_inner();
        if notice.days == 0 {
            c.at(notice_span.clone(), "notice.days must be at least 1");
        }
        if !matches!(notice.counting.as_str(), "working_days" | "calendar_days") {
            c.at(notice_span, format!("notice.counting `{}` must be working_days or calendar_days", notice.counting));
        }
        let eval_span = raw.evaluation.span();
        let evaluation = raw.evaluation.into_inner();
        let bounded = evaluation.grades.iter().filter(|g| g.min.is_some() || g.below.is_some()).count();
        if bounded != 0 && bounded != evaluation.grades.len() {
            c.at(eval_span.clone(), "evaluation.grades: give score bounds for every grade or for none");
        }
        for g in &evaluation.grades {
            if let (Some(min), Some(below)) = (g.min, g.below) {
                if min >= below {
                    c.at(eval_span.clone(), format!("grade {}: min {min} is not below {below}", g.code));
                }
            }
        }
        if bounded == evaluation.grades.len() && bounded > 0 {
            // Bands must not overlap: sort by lower bound and compare neighbours.
            let mut bands: Vec<(i64, i64, &str)> =
                evaluation.grades.iter().map(|g| (g.min.unwrap_or(i64::MIN), g.below.unwrap_or(i64::MAX), g.code.as_str())).collect();
            bands.sort();
            for w in bands.windows(2) {
                if w[0].1 != w[1].0 {
                    c.at(eval_span.clone(), format!("grades {} and {} leave a gap or overlap at {}", w[0].2, w[1].2, w[0].1.min(w[1].0)));
                }
            }
        }
        if let Some(dup) = unique(evaluation.grades.iter().map(|g| g.code.as_str())) {
            c.at(eval_span.clone(), format!("grade code {dup} appears twice"));
        }
        let codes: Vec<&str> = evaluation.grades.iter().map(|g| g.code.as_str()).collect();
        if (evaluation.revoke_after_consecutive_unqualified > 0 || evaluation.rectification_years > 0) && !codes.contains(&UNQUALIFIED) {
            c.at(eval_span.clone(), format!("evaluation: a rule on unqualified years needs a grade with code `{UNQUALIFIED}`"));
        }
        for problem in plan::check(&evaluation.indicators, &codes, evaluation.reward.as_ref(), evaluation.support.as_ref()) {
            c.at(eval_span.clone(), problem);
        }
        let mut revocations = Vec::new();
        for r in &raw.revocation {
            if revocations.iter().any(|x: &Revocation| x.code == r.get_ref().code) {
                c.at(r.span(), format!("revocation code {} appears twice", r.get_ref().code));
            }
            revocations.push(r.get_ref().clone());
        }
        let mut catalogue = Vec::new();
        for f in &raw.catalogue {
            let rf = f.get_ref();
            if catalogue.iter().any(|x: &CatalogueField| x.code == rf.code) {
                c.at(f.span(), format!("catalogue field {} appears twice", rf.code));
            }
            let mut subs = Vec::new();
            for s in &rf.sub_fields {
                match s.split_once(':') {
                    Some((code, label)) if !code.trim().is_empty() && !label.trim().is_empty() => {
                        subs.push((code.trim().to_owned(), label.trim().to_owned()))
                    }
                    _ => c.at(f.span(), format!("catalogue {}: sub-field `{s}` must be `code:名称`", rf.code)),
                }
            }
            catalogue.push(CatalogueField { code: rf.code.clone(), label: rf.label.clone(), future: rf.future, sub_fields: subs });
        }
        if catalogue.is_empty() {
            c.problems.push(Problem { line: None, message: "the industry catalogue is empty".into() });
        }
        let mut stages = Vec::new();
        for s in raw.stage {
            let kind_span = s.get_ref().kind.span();
            let rs = s.into_inner();
            let kind = match StageKind::parse(rs.kind.get_ref()) {
                Ok(k) => k,
                Err(_) => {
                    c.at(kind_span, format!("stage kind `{}` must be creation or recognition", rs.kind.get_ref()));
                    continue;
                }
            };
            if stages.iter().any(|x: &Stage| x.kind == kind) {
                c.at(kind_span.clone(), format!("stage {kind} appears twice"));
            }
            let site_visit = SiteVisitRule::parse(rs.site_visit.get_ref()).unwrap_or_else(|| {
                c.at(
                    rs.site_visit.span(),
                    format!("stage {kind}: site_visit `{}` must be none, optional or required", rs.site_visit.get_ref()),
                );
                SiteVisitRule::Optional
            });
            let expected_grant = match kind {
                StageKind::Creation => CenterStage::Creating,
                StageKind::Recognition => CenterStage::Recognized,
            };
            let grants = match CenterStage::parse(rs.grants.get_ref()) {
                Ok(CenterStage::KeyCultivation) => {
                    c.at(
                        rs.grants.span(),
                        format!("stage {kind}: grants `key_cultivation` is not reached by an application (重点培育 follows recognition); use creating or recognized"),
                    );
                    expected_grant
                }
                Ok(g) if g != expected_grant => {
                    c.at(rs.grants.span(), format!("stage {kind}: grants `{g}`, but a {kind} stage grants `{expected_grant}`"));
                    g
                }
                Ok(g) => g,
                Err(_) => {
                    c.at(rs.grants.span(), format!("stage {kind}: grants `{}` must be creating or recognized", rs.grants.get_ref()));
                    expected_grant
                }
            };
            if rs.procedure_article.get_ref().trim().is_empty() {
                c.at(
                    rs.procedure_article.span(),
                    format!("stage {kind}: procedure_article is empty (cite the article laying down the procedure)"),
                );
            }
            let mut criteria: Vec<Criterion> = Vec::new();
            for cr in rs.criterion {
                let span = cr.span();
                let r = cr.into_inner();
                if criteria.iter().any(|x| x.code == r.code) {
                    c.at(span.clone(), format!("criterion {} appears twice in stage {kind}", r.code));
                }
                if r.article.trim().is_empty() {
                    c.at(span.clone(), format!("criterion {}: article is empty (every rule cites its article)", r.code));
                }
                if r.reading.trim().is_empty() {
                    c.at(span.clone(), format!("criterion {}: reading is empty (say how the wording is read)", r.code));
                }
                let mut any_of = Vec::new();
                match (&r.fact, &r.op, r.threshold, r.any_of.is_empty()) {
                    (None, None, None, true) if r.declaration => {}
                    (Some(f), Some(o), Some(t), true) if !r.declaration => {
                        any_of.extend(c.condition(span.clone(), &r.code, f, o, t))
                    }
                    (None, None, None, false) if !r.declaration => {
                        for cond in &r.any_of {
                            any_of.extend(c.condition(span.clone(), &r.code, &cond.fact, &cond.op, cond.threshold));
                        }
                    }
                    _ => c.at(
                        span.clone(),
                        format!("criterion {}: give either fact, op and threshold, or any_of, or declaration = true alone", r.code),
                    ),
                }
                criteria.push(Criterion {
                    code: r.code,
                    label: r.label,
                    any_of,
                    declaration: r.declaration,
                    reading: r.reading,
                    article: r.article,
                });
            }
            stages.push(Stage {
                kind,
                label: rs.label,
                county_review: rs.county_review,
                site_visit,
                grants,
                procedure_article: rs.procedure_article.into_inner(),
                criteria,
            });
        }
        let reevaluation = raw.reevaluation.map(|r| {
            let r = r.into_inner();
            if *r.every_years.get_ref() == 0 {
                c.at(r.every_years.span(), "reevaluation.every_years must be at least 1");
            }
            if r.article.get_ref().trim().is_empty() {
                c.at(r.article.span(), "reevaluation.article is empty (every rule cites its article)");
            }
            if r.reading.get_ref().trim().is_empty() {
                c.at(r.reading.span(), "reevaluation.reading is empty (say how the wording is read)");
            }
            Reevaluation { every_years: r.every_years.into_inner(), article: r.article.into_inner(), reading: r.reading.into_inner() }
        });
        let mut goals: Vec<Goal> = Vec::new();
        for g in raw.goal {
            let span = g.span();
            let g = g.into_inner();
            if goals.iter().any(|x| x.code == g.code) {
                c.at(span.clone(), format!("goal {} appears twice", g.code));
            }
            if g.article.trim().is_empty() {
                c.at(span.clone(), format!("goal {}: article is empty (every target cites its article)", g.code));
            }
            if !(2000..=2100).contains(&g.by_year) {
                c.at(span.clone(), format!("goal {}: by_year {} is not a year between 2000 and 2100", g.code, g.by_year));
            }
            let measure = match (g.measure.as_str(), &g.center_kind, &g.level, g.target) {
                ("recognized_centers", Some(k), Some(l), Some(t)) if t > 0 => match (CenterKind::parse(k), CenterLevel::parse(l)) {
                    (Ok(center_kind), Ok(level)) => Some(GoalMeasure::RecognizedCenters { center_kind, level }),
                    _ => {
                        c.at(span.clone(), format!("goal {}: center_kind must be poc_center or pilot_platform and level municipal, provincial or national", g.code));
                        None
                    }
                },
                ("recognized_centers", ..) => {
                    c.at(span.clone(), format!("goal {}: recognized_centers needs center_kind, level and a positive target", g.code));
                    None
                }
                ("catalogue_covered", None, None, None) => Some(GoalMeasure::CatalogueCovered),
                ("host_types_covered", None, None, None) => Some(GoalMeasure::HostTypesCovered),
                ("catalogue_covered" | "host_types_covered", ..) => {
                    c.at(span.clone(), format!("goal {}: a coverage goal means every entry (全覆盖); give no center_kind, level or target", g.code));
                    None
                }
                (other, ..) => {
                    c.at(span.clone(), format!("goal {}: unknown measure `{other}` (recognized_centers, catalogue_covered or host_types_covered)", g.code));
                    None
                }
            };
            if let Some(measure) = measure {
                goals.push(Goal { code: g.code, label: g.label, measure, target: g.target, by_year: g.by_year, striven: g.striven, article: g.article });
            }
        }
        let mut funding: Vec<crate::finance::grant::GrantProgramme> = Vec::new();
        for f in raw.funding {
            let span = f.span();
            let f = f.into_inner();
            if funding.iter().any(|x| x.code == f.code) {
                c.at(span.clone(), format!("funding {} appears twice", f.code));
            }
            for problem in f.problems() {
                c.at(span.clone(), problem);
            }
            funding.push(f);
        }
        if center_kind == CenterKind::PilotPlatform && reevaluation.is_none() {
            c.at(raw.center_kind.span(), "a pilot_platform profile needs a [reevaluation] table (复评周期)");
        }
        if c.problems.is_empty() {
            Ok(Profile {
                id: raw.id.into_inner(),
                version: raw.version,
                jurisdiction: raw.jurisdiction,
                title: raw.title,
                issuer: raw.issuer,
                effective_from,
                expires_on,
                center_kind,
                level,
                naming: raw.naming,
                notice,
                evaluation,
                changes: raw.changes,
                revocations,
                catalogue,
                stages,
                reevaluation,
                goals,
                funding,
            })
        } else {
            c.problems.sort_by_key(|p| p.line);
            Err(c.problems)
        }
    }

    /// The criteria of a stage, if the profile has it.
    pub fn stage(&self, kind: StageKind) -> Option<&Stage> {
        self.stages.iter().find(|s| s.kind == kind)
    }

    /// Checks a proposed name against the naming pattern; the error says why in Chinese.
    pub fn check_name(&self, name: &str) -> Result<(), String> {
        let n = &self.naming;
        let name = name.trim();
        let middle = name.strip_prefix(n.prefix.as_str()).and_then(|m| m.strip_suffix(n.suffix.as_str()));
        match middle {
            Some(m) if m.chars().count() >= 2 => Ok(()),
            _ => Err(format!("名称须为“{}××{}”的形式（{}，{}）", n.prefix, n.suffix, n.rule, n.article)),
        }
    }

    /// The last day of a public notice that starts on `start`.
    pub fn notice_end(&self, start: NaiveDate, calendar: &HolidayCalendar) -> Result<NaiveDate, CalendarError> {
        self.notice_end_for(start, self.notice.days, calendar)
    }

    /// The last day of a public notice of `days` days (as the profile counts
    /// them) that starts on `start`.
    pub fn notice_end_for(&self, start: NaiveDate, days: u32, calendar: &HolidayCalendar) -> Result<NaiveDate, CalendarError> {
        if self.notice.counting == "working_days" {
            calendar.period_end(start, days)
        } else {
            Ok(start + Days::new(u64::from(days.saturating_sub(1))))
        }
    }

    /// The length of a notice a bureau asks for: the profile's own when none is
    /// asked; longer only where the profile says "不少于" (`at_least`), never
    /// shorter. The error says why in Chinese.
    pub fn notice_days(&self, asked: Option<u32>) -> Result<u32, String> {
        let n = &self.notice;
        let unit = if n.counting == "working_days" { "个工作日" } else { "天" };
        match asked {
            None => Ok(n.days),
            Some(d) if d == n.days => Ok(d),
            Some(d) if n.at_least && d > n.days && d <= 60 => Ok(d),
            Some(d) if n.at_least && d > n.days => Err(format!("公示期{d}{unit}过长，最多60{unit}")),
            Some(_) if n.at_least => Err(format!("公示期不得少于{}{unit}（{}）", n.days, n.article)),
            Some(_) => Err(format!("公示期为{}{unit}（{}），不可更改", n.days, n.article)),
        }
    }

    /// Checks a call's dates against the profile's validity (a call under a
    /// profile no longer, or not yet, in force has no rules to apply): the
    /// first day and the deadline's day must both lie within
    /// `effective_from..=expires_on`. Returns the offending field and why.
    pub fn check_call_dates(&self, opens_on: NaiveDate, deadline_day: NaiveDate) -> Result<(), (&'static str, String)> {
        let window = format!("{}有效期为{}至{}", self.title, self.effective_from, self.expires_on);
        if !self.in_force_on(opens_on) {
            return Err(("opens_on", format!("开始日期{opens_on}不在政策有效期内：{window}")));
        }
        if !self.in_force_on(deadline_day) {
            return Err(("deadline", format!("截止日期{deadline_day}不在政策有效期内：{window}")));
        }
        Ok(())
    }

    /// The grade band of a score, if the profile sets score bounds.
    pub fn grade_for(&self, score: f64) -> Option<&Grade> {
        self.evaluation.grades.iter().find(|g| {
            (g.min.is_some() || g.below.is_some())
                && g.min.is_none_or(|m| score >= m as f64)
                && g.below.is_none_or(|b| score < b as f64)
        })
    }

    /// Whether the profile is in force on `day`.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.effective_from <= day && day <= self.expires_on
    }
}
