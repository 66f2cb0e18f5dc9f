//! An early concept (早期概念) in its unit's pool: what a researcher proposes, checked against the
//! reviewing platform's catalogue, and where it stands.

use crate::catalogue::Catalogue;
use crate::library::intake::{ResultDraft, ResultInput, ResultStage};
use crate::org::OrgKind;
use crate::research_result::{ResultSource, Trl};
use crate::validation::{collect, multiline};
use crate::FieldError;

string_enum! {
    /// Where an early concept stands.
    pub enum ConceptState {
        /// 待论证: in the pool, waiting for the platform's next batch.
        Pooled => ("pooled", "待论证"),
        /// 论证中: in a batch under review.
        Batched => ("batched", "论证中"),
        /// 入选种子清单: the batch was published with it on the seed list; it entered the library.
        Seeded => ("seeded", "入选种子清单"),
        /// 未入选: the batch was published without it.
        NotSelected => ("not_selected", "未入选"),
        /// 已撤回: its proposer took it back before a batch took it.
        Withdrawn => ("withdrawn", "已撤回"),
    }
}

impl ConceptState {
    /// Whether its proposer may still take it back (only while it waits in the pool).
    pub fn withdrawable(self) -> bool {
        self == ConceptState::Pooled
    }
}

/// The units that keep an early-result pool (004 三(二) “高校、科研院所和医疗卫生机构建立早期成果池”) and
/// the source their seeds carry into the library; `None` for every other kind of unit.
pub fn pool_source(kind: OrgKind) -> Option<ResultSource> {
    match kind {
        OrgKind::University => Some(ResultSource::University),
        OrgKind::ResearchInstitute => Some(ResultSource::ResearchInstitute),
        OrgKind::Hospital => Some(ResultSource::Hospital),
        OrgKind::Bureau
        | OrgKind::CountyDepartment
        | OrgKind::Enterprise
        | OrgKind::Incubator
        | OrgKind::InvestmentFund
        | OrgKind::Bank
        | OrgKind::Insurer => None,
    }
}

/// The highest technology-readiness level of an early concept. GB/T 22900-2022 puts levels 1–3
/// before anything physical exists (principle observed, concept formulated, feasibility shown):
/// a concept (004 三(二) “科研人员提出的具有潜在价值的概念”) is an idea, not yet a sample; what is further
/// along goes to the library's intake directly.
pub const MAX_EARLY_TRL: u8 = 3;

/// An early concept as typed (form or JSON).
#[derive(Debug, Clone, Copy, Default)]
pub struct RawConcept<'a> {
    /// 概念名称.
    pub title: &'a str,
    /// 概念简介: published with the seed list if it is selected.
    pub summary: &'a str,
    /// 核心思路 (保密): never published.
    pub secret_summary: &'a str,
    /// Field (code or label).
    pub field: &'a str,
    /// Sub-field (code or label).
    pub sub_field: &'a str,
    /// Team members, as cells (`、`-separated or one per item).
    pub team: &'a [String],
    /// Technology-readiness level, 1–3.
    pub trl: &'a str,
    /// 潜在应用与产业需求: where it could be used, which industry needs it.
    pub demand: &'a str,
}

/// A checked early concept.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConceptDraft {
    /// 概念名称, 2–100 characters.
    pub title: String,
    /// 概念简介, 10–2,000 characters.
    pub summary: String,
    /// 核心思路, up to 4,000 characters; a trade secret.
    pub secret_summary: String,
    /// Field code.
    pub field: String,
    /// Sub-field code (empty where the field has none).
    pub sub_field: String,
    /// Team members.
    pub team: Vec<String>,
    /// Technology-readiness level, 1–3.
    pub trl: Trl,
    /// 潜在应用与产业需求, up to 1,000 characters.
    pub demand: String,
}

impl ConceptDraft {
    /// Checks every field against the reviewing platform's `catalogue` with the library's own rules
    /// (the seed becomes a library entry as it is), plus the concept's: a level of at most
    /// [`MAX_EARLY_TRL`] and the demand. Every problem at once, each naming its field.
    pub fn parse(raw: &RawConcept<'_>, source: ResultSource, catalogue: &Catalogue) -> Result<Self, Vec<FieldError>> {
        let input = ResultInput {
            title: raw.title.to_owned(),
            summary: raw.summary.to_owned(),
            secret_summary: raw.secret_summary.to_owned(),
            field: raw.field.to_owned(),
            sub_field: raw.sub_field.to_owned(),
            source: source.as_str().to_owned(),
            team: raw.team.to_vec(),
            trl: raw.trl.to_owned(),
            stage: ResultStage::Lab.as_str().to_owned(),
            ..ResultInput::default()
        };
        let mut errors = Vec::new();
        // The library asks for evidence from level 4 on; a concept never gets there.
        let result = input.parse_in(catalogue).map_err(|e| errors.extend(e.into_iter().filter(|e| e.field != "trl_evidence"))).ok();
        if matches!(raw.trl.trim().parse::<i64>(), Ok(l) if l > i64::from(MAX_EARLY_TRL) && l <= 9) {
            errors.push(FieldError::new(
                "trl",
                "not_early",
                format!("早期概念的技术就绪度为1至{MAX_EARLY_TRL}级；已有样品、样机的成果请直接提交成果入库申请"),
            ));
        }
        let demand = collect(&mut errors, multiline("demand", "潜在应用与产业需求", raw.demand, 0, 1000));
        match (result, demand) {
            (Some(r), Some(demand)) if errors.is_empty() => Ok(Self {
                title: r.title,
                summary: r.summary,
                secret_summary: r.secret_summary,
                field: r.field,
                sub_field: r.sub_field,
                team: r.team,
                trl: r.trl,
                demand,
            }),
            _ => Err(errors),
        }
    }

    /// The library entry a seed becomes (成果入库申请, at the laboratory stage): its platform screens
    /// it as any other. `ref_no` names the batch it came from.
    pub fn to_result(&self, source: ResultSource, ref_no: String) -> ResultDraft {
        ResultDraft {
            ref_no: Some(ref_no),
            title: self.title.clone(),
            summary: self.summary.clone(),
            secret_summary: self.secret_summary.clone(),
            field: self.field.clone(),
            sub_field: self.sub_field.clone(),
            source,
            team: self.team.clone(),
            patents: Vec::new(),
            trl: self.trl,
            trl_evidence: String::new(),
            stage: ResultStage::Lab,
            secret_parts: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>(team: &'a [String]) -> RawConcept<'a> {
        RawConcept {
            title: "基于钙钛矿叠层的柔性光伏概念",
            summary: "提出一种钙钛矿与晶硅叠层的柔性组件结构，理论效率可达三成以上。",
            secret_summary: "界面钝化层的配方与工艺窗口。",
            field: "new_energy",
            sub_field: "",
            team,
            trl: "2",
            demand: "分布式光伏、建筑一体化",
        }
    }

    /// 004 三(二): the pool takes universities', institutes' and hospitals' concepts only.
    #[test]
    fn pool_units() {
        let cases = [
            (OrgKind::University, Some(ResultSource::University)),
            (OrgKind::ResearchInstitute, Some(ResultSource::ResearchInstitute)),
            (OrgKind::Hospital, Some(ResultSource::Hospital)),
            (OrgKind::Enterprise, None),
            (OrgKind::Incubator, None),
            (OrgKind::Bureau, None),
        ];
        for (kind, want) in cases {
            assert_eq!(pool_source(kind), want, "{kind:?}");
        }
    }

    #[test]
    fn concept_rules() {
        let team = vec!["张伟、李娜".to_owned()];
        let catalogue = crate::catalogue::wenzhou();
        let field = catalogue.fields()[0].clone();
        let sub = field.sub_fields.first().map(|s| s.0.clone()).unwrap_or_default();
        type Case = (&'static str, fn(&mut RawConcept<'_>), Option<(&'static str, &'static str)>);
        let cases: &[Case] = &[
            ("valid", |_| {}, None),
            ("level 3 is still early", |r| r.trl = "3", None),
            ("level 4 is past the concept", |r| r.trl = "4", Some(("trl", "not_early"))),
            ("level 0", |r| r.trl = "0", Some(("trl", "out_of_range"))),
            ("no title", |r| r.title = "", Some(("title", "required"))),
            ("summary too short", |r| r.summary = "太短", Some(("summary", "too_short"))),
            ("unknown field", |r| r.field = "alchemy", Some(("field", "unknown_value"))),
            ("demand too long", |r| r.demand = "需", Some(("demand", "too_long"))),
        ];
        let long_demand = "需".repeat(1001);
        for (name, edit, want) in cases {
            let mut r = raw(&team);
            r.field = &field.code;
            r.sub_field = &sub;
            edit(&mut r);
            if *name == "demand too long" {
                r.demand = &long_demand;
            }
            match (want, ConceptDraft::parse(&r, ResultSource::University, catalogue)) {
                (None, Ok(d)) => {
                    assert_eq!(d.team, vec!["张伟", "李娜"], "{name}");
                    assert!(d.trl.level() <= MAX_EARLY_TRL, "{name}");
                }
                (Some((field, code)), Err(es)) => {
                    assert!(es.iter().any(|e| e.field == *field && e.code == *code), "{name}: {es:?}");
                }
                (w, g) => panic!("{name}: want {w:?}, got {g:?}"),
            }
        }
    }

    #[test]
    fn a_seed_enters_the_library_at_the_lab_stage() {
        let team = vec!["张伟".to_owned()];
        let catalogue = crate::catalogue::wenzhou();
        let field = catalogue.fields()[0].clone();
        let sub = field.sub_fields.first().map(|s| s.0.clone()).unwrap_or_default();
        let mut r = raw(&team);
        r.field = &field.code;
        r.sub_field = &sub;
        let Ok(d) = ConceptDraft::parse(&r, ResultSource::Hospital, catalogue) else { panic!("the concept is valid") };
        let result = d.to_result(ResultSource::Hospital, "SEED-3-17".into());
        assert_eq!(result.stage, ResultStage::Lab);
        assert_eq!(result.source, ResultSource::Hospital);
        assert_eq!(result.ref_no.as_deref(), Some("SEED-3-17"));
        assert_eq!(result.secret_summary, d.secret_summary, "the core idea stays a trade secret in the library");
    }
}
