//! Intake of a research result (成果入库申请): the fields a researcher's
//! form, an operator's entry or a spreadsheet row carry, parsed into a draft
//! with every error named.
//!
//! [`ResultInput`] is the result as typed: every field a string, as a form or
//! a spreadsheet cell gives it. [`ResultInput::parse`] checks every rule and
//! returns either a typed [`ResultDraft`] or *all* the problems at once, each
//! naming the field and the rule (so a spreadsheet import reports every bad
//! cell of every row in one pass). The owning unit is not part of the input:
//! the caller resolves it (a researcher's own unit, the operator's pick, a
//! spreadsheet's 所属单位 column looked up by name).
//!
//! Lists (`team`, `patents`, `secret_parts`) are given as a list of strings,
//! each of which may itself hold several values separated by 、 , ， ; ； or a
//! line break — so a JSON client sends `["张伟", "李娜"]` and a spreadsheet
//! row sends its one cell `["张伟、李娜"]`, and both mean the same.

use crate::catalogue::{self, Catalogue};
use crate::research_result::{ResultSource, Trl};
use crate::validation::{text, FieldError};
use serde::{Deserialize, Serialize};

string_enum! {
    /// How far a result has come (成果阶段), as its owner declares it.
    pub enum ResultStage {
        /// 实验室阶段
        Lab => ("lab", "实验室阶段"),
        /// 样品/样机阶段
        Prototype => ("prototype", "样品/样机阶段"),
        /// 中试阶段
        Pilot => ("pilot", "中试阶段"),
        /// 产业化阶段
        Industrialization => ("industrialization", "产业化阶段"),
    }
}

string_enum! {
    /// Legal status of a patent (专利状态).
    pub enum PatentStatus {
        /// 已受理/申请中
        Filed => ("filed", "已受理/申请中"),
        /// 已授权
        Granted => ("granted", "已授权"),
        /// 已失效
        Lapsed => ("lapsed", "已失效"),
    }
}

string_enum! {
    /// A part of a result its owner may mark as trade secret (商业秘密),
    /// besides the confidential summary, which always is.
    pub enum SecretPart {
        /// 研发团队
        Team => ("team", "研发团队"),
        /// 知识产权
        Patents => ("patents", "知识产权"),
        /// 技术就绪度依据
        TrlEvidence => ("trl_evidence", "技术就绪度依据"),
    }
}

/// Characters that separate the items of a list typed in one cell.
const LIST_SEPARATORS: [char; 7] = ['、', ',', '，', ';', '；', '\n', '\r'];

/// Most names in a team, and most patents of one result.
const MAX_ITEMS: usize = 50;

/// The lowest level at which a result can be at the prototype stage or later.
///
/// GB/T 22900-2022 puts levels 1–3 before anything physical exists (principle
/// observed, concept formulated, feasibility shown); level 4 is the first at
/// which a key function works as a laboratory sample. A result claimed to be
/// at the 样品/样机, 中试 or 产业化 stage while rated 1–3 contradicts itself.
pub const MIN_TRL_PAST_LAB: u8 = 4;

/// From this level on the level needs its evidence (就绪度依据): the lower
/// levels are claims about ideas, the higher ones about things that were built
/// and tested, which a screening panel checks.
pub const TRL_NEEDING_EVIDENCE: u8 = 4;

/// A patent of a result, as stored in `research_results.patents`
/// (`[{"number":"CN202511140438.4","status":"filed"}]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Patent {
    /// Application or publication number, upper case, without spaces.
    pub number: String,
    /// Legal status.
    pub status: PatentStatus,
}

/// Checks a Chinese patent number and returns it normalised (upper case,
/// spaces removed).
///
/// Accepted: application numbers of 12 digits (since 2003) or 8 digits
/// (before), a dot and a check character (`202310123456.7`, `98123456.X`),
/// optionally prefixed by `CN` or `ZL` (the patent certificate's form); and
/// publication numbers `CN` + 7–9 digits + a kind code (`CN115123456A`,
/// `CN115123456B`, `CN2123456Y`, `CN305123456S`). The check character is not
/// recomputed: lists in the field carry numbers copied with every kind of
/// slip, and a wrong check digit is for the screening panel to query, not a
/// reason to refuse the row.
pub fn parse_patent_number(raw: &str) -> Result<String, String> {
    let n: String = raw.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_uppercase();
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let application = |s: &str| match s.split_once('.') {
        Some((body, check)) => {
            (body.len() == 12 || body.len() == 8)
                && digits(body)
                && check.len() == 1
                && check.bytes().all(|b| b.is_ascii_digit() || b == b'X')
        }
        None => false,
    };
    let publication = |s: &str| {
        let body_len = s.bytes().take_while(u8::is_ascii_digit).count();
        let kind = &s[body_len..];
        (7..=9).contains(&body_len)
            && matches!(kind.len(), 1 | 2)
            && kind.as_bytes()[0].is_ascii_uppercase()
            && kind.bytes().skip(1).all(|b| b.is_ascii_digit())
    };
    let ok = if let Some(rest) = n.strip_prefix("CN") {
        application(rest) || publication(rest)
    } else if let Some(rest) = n.strip_prefix("ZL") {
        application(rest)
    } else {
        application(&n)
    };
    if ok {
        Ok(n)
    } else {
        Err(format!(
            "专利号“{}”格式不正确，应为申请号（如 CN202511140438.4、ZL202310123456.7）或公开号（如 CN115123456A）",
            raw.trim().chars().take(40).collect::<String>()
        ))
    }
}

/// Parses a patent status from its code or its Chinese label (either half of
/// 已受理/申请中 will do).
pub fn parse_patent_status(raw: &str) -> Option<PatentStatus> {
    let t = raw.trim();
    PatentStatus::parse(t).ok().or_else(|| {
        PatentStatus::ALL.iter().copied().find(|s| s.label_zh() == t || s.label_zh().split('/').any(|part| part == t))
    })
}

/// Parses one patent typed as `NUMBER` or `NUMBER:STATUS` (`:` or `：`); the
/// status is filed (申请中) when omitted.
pub fn parse_patent(raw: &str) -> Result<Patent, FieldError> {
    let (number, status) = match raw.split_once([':', '：']) {
        Some((n, s)) => (n, Some(s)),
        None => (raw, None),
    };
    let number = parse_patent_number(number).map_err(|m| FieldError::new("patents", "invalid_patent_number", m))?;
    let status = match status.map(str::trim) {
        None | Some("") => PatentStatus::Filed,
        Some(s) => parse_patent_status(s).ok_or_else(|| {
            FieldError::new(
                "patents",
                "unknown_patent_status",
                format!("专利“{number}”的状态“{}”无效，可选：申请中、已授权、已失效", s.chars().take(20).collect::<String>()),
            )
        })?,
    };
    Ok(Patent { number, status })
}

/// Splits list items typed in cells (`、 , ， ; ；` and line breaks), dropping
/// blanks; order kept, repeats kept (the caller decides whether they matter).
pub fn split_items(cells: &[String]) -> Vec<String> {
    cells
        .iter()
        .flat_map(|c| c.split(LIST_SEPARATORS))
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Parses the patents of a result: every bad item is one error.
pub fn parse_patents(cells: &[String]) -> Result<Vec<Patent>, Vec<FieldError>> {
    let mut out: Vec<Patent> = Vec::new();
    let mut errors = Vec::new();
    for item in split_items(cells) {
        match parse_patent(&item) {
            Ok(p) if out.iter().any(|q| q.number == p.number) => errors.push(FieldError::new(
                "patents",
                "duplicate_patent",
                format!("专利号“{}”重复填写", p.number),
            )),
            Ok(p) => out.push(p),
            Err(e) => errors.push(e),
        }
    }
    if out.len() > MAX_ITEMS {
        errors.push(FieldError::new("patents", "too_many", format!("知识产权最多填写{MAX_ITEMS}项")));
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Parses the names of a team: at least one, at most [`MAX_ITEMS`], each 1–30
/// characters; a name given twice counts once.
pub fn parse_team(cells: &[String]) -> Result<Vec<String>, FieldError> {
    let mut out: Vec<String> = Vec::new();
    for name in split_items(cells) {
        if name.chars().count() > 30 || name.chars().any(char::is_control) {
            return Err(FieldError::new(
                "team",
                "invalid_name",
                format!("研发团队成员“{}…”不是一个姓名（每人不超过30个字符，多人用“、”分隔）", name.chars().take(12).collect::<String>()),
            ));
        }
        if !out.contains(&name) {
            out.push(name);
        }
    }
    if out.is_empty() {
        return Err(FieldError::new("team", "required", "研发团队至少填写一名成员"));
    }
    if out.len() > MAX_ITEMS {
        return Err(FieldError::new("team", "too_many", format!("研发团队最多填写{MAX_ITEMS}人")));
    }
    Ok(out)
}

/// Parses the parts marked as trade secret, by code or Chinese label; repeats count once.
pub fn parse_secret_parts(cells: &[String]) -> Result<Vec<SecretPart>, FieldError> {
    let mut out = Vec::new();
    for item in split_items(cells) {
        let part = SecretPart::parse(&item)
            .ok()
            .or_else(|| SecretPart::ALL.iter().copied().find(|p| p.label_zh() == item))
            .ok_or_else(|| {
                FieldError::new(
                    "secret_parts",
                    "unknown_value",
                    format!(
                        "商业秘密部分“{}”无效，可选：研发团队、知识产权、技术就绪度依据（保密内容始终保密，无需填写）",
                        item.chars().take(20).collect::<String>()
                    ),
                )
            })?;
        if !out.contains(&part) {
            out.push(part);
        }
    }
    Ok(out)
}

/// Parses a source from its code or Chinese label.
pub fn parse_source(raw: &str) -> Option<ResultSource> {
    let t = raw.trim();
    ResultSource::parse(t).ok().or_else(|| ResultSource::ALL.iter().copied().find(|s| s.label_zh() == t))
}

/// Parses a stage from its code or Chinese label (with or without 阶段; 样品 and 样机 alone too).
pub fn parse_stage(raw: &str) -> Option<ResultStage> {
    let t = raw.trim();
    ResultStage::parse(t).ok().or_else(|| {
        ResultStage::ALL.iter().copied().find(|s| {
            let label = s.label_zh();
            let short = label.trim_end_matches("阶段");
            t == label || t == short || short.split('/').any(|part| part == t)
        })
    })
}

/// A column of a results list (成果清单): its code, its Chinese header,
/// whether it must be present. `pocnet import results` reads these and the
/// web offers them as the import template.
pub struct ListColumn {
    /// Code (also the `ResultInput` field, except `owner`, the owner unit's name).
    pub code: &'static str,
    /// Chinese header.
    pub zh: &'static str,
    /// Must be present in the header.
    pub required: bool,
}

const fn col(code: &'static str, zh: &'static str, required: bool) -> ListColumn {
    ListColumn { code, zh, required }
}

/// The columns of a results list, in the template's order.
pub const LIST_COLUMNS: &[ListColumn] = &[
    col("ref_no", "成果编号", false),
    col("title", "成果名称", true),
    col("summary", "成果简介", true),
    col("secret_summary", "保密内容", false),
    col("field", "产业领域", true),
    col("sub_field", "细分领域", true),
    col("source", "成果来源", true),
    col("owner", "所属单位", true),
    col("team", "研发团队", true),
    col("patents", "知识产权", false),
    col("trl", "技术就绪度", true),
    col("trl_evidence", "就绪度依据", false),
    col("stage", "成果阶段", false),
    col("secret_parts", "商业秘密部分", false),
];

/// A research result at intake, as typed (form, JSON or a spreadsheet row).
///
/// The schema of a value sent as a string or a JSON integer.
pub fn string_or_integer() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    ObjectBuilder::new().schema_type(SchemaType::from_iter([Type::String, Type::Integer])).build()
}

/// Every value is a string as the user typed it; `trl` also accepts a JSON
/// number. See the module documentation for how lists are given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ResultInput {
    /// The submitter's own reference (成果编号), unique per center; optional.
    #[serde(default)]
    pub ref_no: String,
    /// Title (成果名称), 2–100 characters.
    pub title: String,
    /// Public summary (成果简介), 10–2000 characters; investors may see it.
    pub summary: String,
    /// Confidential content (保密内容), 0–4000 characters; always a trade secret.
    #[serde(default)]
    pub secret_summary: String,
    /// Industry field (产业领域): code or Chinese label.
    pub field: String,
    /// Sub-field (细分领域) of that field: code or Chinese label.
    pub sub_field: String,
    /// Source (成果来源): `university`, `research_institute`, `hospital`,
    /// `enterprise`, `pushed_list`, `county_scouting` or their Chinese labels.
    pub source: String,
    /// Team members' names (研发团队).
    #[serde(default)]
    pub team: Vec<String>,
    /// Patents (知识产权), each `NUMBER` or `NUMBER:STATUS`, e.g.
    /// `CN202511140438.4:已授权`; the status defaults to filed.
    #[serde(default)]
    pub patents: Vec<String>,
    /// Technology-readiness level (技术就绪度), 1–9; a string or a number.
    #[serde(default, deserialize_with = "string_or_number")]
    #[schema(schema_with = string_or_integer)]
    pub trl: String,
    /// Evidence for the level (就绪度依据); required from level 4 on.
    #[serde(default)]
    pub trl_evidence: String,
    /// Stage (成果阶段): `lab`, `prototype`, `pilot`, `industrialization` or
    /// their Chinese labels; blank means `lab`.
    #[serde(default)]
    pub stage: String,
    /// Parts marked as trade secret (商业秘密部分): `team`, `patents`,
    /// `trl_evidence` or their Chinese labels.
    #[serde(default)]
    pub secret_parts: Vec<String>,
}

/// Reads a value sent as a string or a JSON number as the text typed.
pub fn string_or_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        S(String),
        I(i64),
        F(f64),
    }
    Ok(match Raw::deserialize(d)? {
        Raw::S(s) => s,
        Raw::I(i) => i.to_string(),
        Raw::F(f) => f.to_string(),
    })
}

/// A research result at intake, every rule checked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ResultDraft {
    /// The submitter's own reference (成果编号), if given.
    pub ref_no: Option<String>,
    /// Title.
    pub title: String,
    /// Public summary.
    pub summary: String,
    /// Confidential content (always a trade secret).
    pub secret_summary: String,
    /// Field code of the catalogue.
    pub field: String,
    /// Sub-field code, within `field`.
    pub sub_field: String,
    /// Source.
    pub source: ResultSource,
    /// Team members.
    pub team: Vec<String>,
    /// Patents.
    pub patents: Vec<Patent>,
    /// Technology-readiness level.
    pub trl: Trl,
    /// Evidence for the level (may be empty below level 4).
    pub trl_evidence: String,
    /// Stage.
    pub stage: ResultStage,
    /// Parts marked as trade secret besides the confidential content.
    pub secret_parts: Vec<SecretPart>,
}

impl ResultInput {
    /// Checks every rule against Wenzhou's catalogue (the default where no
    /// profile applies); on failure returns every problem, in field order.
    pub fn parse(&self) -> Result<ResultDraft, Vec<FieldError>> {
        self.parse_in(catalogue::wenzhou())
    }

    /// Checks every rule, the field and sub-field against `catalogue` (the
    /// receiving center's profile's own); on failure returns every problem, in field order.
    pub fn parse_in(&self, catalogue: &Catalogue) -> Result<ResultDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut keep = |r: Result<String, FieldError>| r.map_err(|e| errors.push(e)).ok();

        let ref_no = keep(text("ref_no", "成果编号", &self.ref_no, 0, 64));
        let title = keep(text("title", "成果名称", &self.title, 2, 100));
        let summary = keep(paragraphs("summary", "成果简介", &self.summary, 10, 2000));
        let secret_summary = keep(paragraphs("secret_summary", "保密内容", &self.secret_summary, 0, 4000));
        let trl_evidence = keep(paragraphs("trl_evidence", "技术就绪度依据", &self.trl_evidence, 0, 2000));

        let field_raw = self.field.trim();
        let field = if field_raw.is_empty() {
            errors.push(FieldError::required("field", "产业领域"));
            None
        } else {
            let f = catalogue.field(field_raw);
            if f.is_none() {
                errors.push(FieldError::new("field", "unknown_value", format!("产业领域“{}”不在产业目录中", clip(field_raw))));
            }
            f
        };
        let sub_raw = self.sub_field.trim();
        // A field without sub-fields in this catalogue (e.g. Shanghai's 脑机接口) takes none.
        let needs_sub = field.is_none_or(|f| !f.sub_fields.is_empty());
        let sub_field = if sub_raw.is_empty() {
            if needs_sub {
                errors.push(FieldError::required("sub_field", "细分领域"));
            }
            None
        } else {
            match (catalogue.sub_field(sub_raw), field) {
                (None, _) => {
                    errors.push(FieldError::new("sub_field", "unknown_value", format!("细分领域“{}”不在产业目录中", clip(sub_raw))));
                    None
                }
                (Some((parent, _, label)), Some(f)) if parent.code != f.code => {
                    errors.push(FieldError::new(
                        "sub_field",
                        "not_in_field",
                        format!("细分领域“{label}”不属于产业领域“{}”", f.label),
                    ));
                    None
                }
                (Some((_, code, _)), _) => Some(code.to_owned()),
            }
        };

        let source = if self.source.trim().is_empty() {
            errors.push(FieldError::required("source", "成果来源"));
            None
        } else {
            let s = parse_source(&self.source);
            if s.is_none() {
                errors.push(FieldError::new(
                    "source",
                    "unknown_value",
                    format!("成果来源“{}”无效，可选：高校、科研院所、医院、企业、推送清单、县域挖掘", clip(self.source.trim())),
                ));
            }
            s
        };

        let team = parse_team(&self.team).map_err(|e| errors.push(e)).ok();
        let patents = parse_patents(&self.patents).map_err(|e| errors.extend(e)).ok();

        let trl = match self.trl.trim() {
            "" => {
                errors.push(FieldError::required("trl", "技术就绪度"));
                None
            }
            t => match parse_level(t) {
                Some(level) => Trl::parse(level).map_err(|e| errors.push(e)).ok(),
                None => {
                    errors.push(FieldError::new("trl", "not_a_number", format!("技术就绪度“{}”不是1至9的整数", clip(t))));
                    None
                }
            },
        };
        if let (Some(trl), Some(evidence)) = (trl, &trl_evidence) {
            if trl.level() >= TRL_NEEDING_EVIDENCE && evidence.chars().count() < 4 {
                errors.push(FieldError::new(
                    "trl_evidence",
                    "evidence_required",
                    format!("技术就绪度为{}级（{TRL_NEEDING_EVIDENCE}级及以上）时须填写就绪度依据（至少4个字符）", trl.level()),
                ));
            }
        }

        let stage = match self.stage.trim() {
            "" => Some(ResultStage::Lab),
            s => {
                let stage = parse_stage(s);
                if stage.is_none() {
                    errors.push(FieldError::new(
                        "stage",
                        "unknown_value",
                        format!("成果阶段“{}”无效，可选：实验室阶段、样品/样机阶段、中试阶段、产业化阶段", clip(s)),
                    ));
                }
                stage
            }
        };
        if let (Some(stage), Some(trl)) = (stage, trl) {
            if stage != ResultStage::Lab && trl.level() < MIN_TRL_PAST_LAB {
                errors.push(FieldError::new(
                    "stage",
                    "stage_above_trl",
                    format!(
                        "成果处于{}，技术就绪度应不低于{MIN_TRL_PAST_LAB}级（现为{}级）",
                        stage.label_zh(),
                        trl.level()
                    ),
                ));
            }
        }

        let secret_parts = parse_secret_parts(&self.secret_parts).map_err(|e| errors.push(e)).ok();

        match (ref_no, title, summary, secret_summary, field, sub_field, source, team, patents, trl, trl_evidence, stage, secret_parts) {
            (
                Some(ref_no),
                Some(title),
                Some(summary),
                Some(secret_summary),
                Some(field),
                sub_field,
                Some(source),
                Some(team),
                Some(patents),
                Some(trl),
                Some(trl_evidence),
                Some(stage),
                Some(secret_parts),
            ) if errors.is_empty() => Ok(ResultDraft {
                ref_no: (!ref_no.is_empty()).then_some(ref_no),
                title,
                summary,
                secret_summary,
                field: field.code.to_owned(),
                sub_field: sub_field.unwrap_or_default(),
                source,
                team,
                patents,
                trl,
                trl_evidence,
                stage,
                secret_parts,
            }),
            _ => Err(errors),
        }
    }
}

/// Like [`text`], for a longer text whose line breaks are kept (a cell typed
/// with Alt+Enter, a form's textarea); every break becomes `\n`.
fn paragraphs(field: &str, label: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let normalized = raw.replace("\r\n", "\n").replace('\r', "\n");
    text(field, label, &normalized.replace('\n', " "), min, max)?;
    Ok(normalized.trim().to_owned())
}

/// A level typed as `5`, `5.0` (a spreadsheet's number), `5级` or `TRL5`.
fn parse_level(raw: &str) -> Option<i64> {
    let t = raw.trim_start_matches(['T', 't', 'R', 'r', 'L', 'l']).trim_end_matches('级').trim();
    if let Ok(n) = t.parse::<i64>() {
        return Some(n);
    }
    t.strip_suffix(".0").and_then(|n| n.parse().ok())
}

/// At most 20 characters of a user's value, for a message.
fn clip(raw: &str) -> String {
    let mut s: String = raw.chars().take(20).collect();
    if raw.chars().count() > 20 {
        s.push('…');
    }
    s
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    fn good() -> ResultInput {
        ResultInput {
            ref_no: "WZU-2026-001".into(),
            title: "高安全固态锂电池电解质".into(),
            summary: "一种高离子电导率的硫化物固态电解质及其制备方法，已完成实验室验证。".into(),
            secret_summary: "配方比例与烧结工艺参数。".into(),
            field: "new_energy".into(),
            sub_field: "advanced_batteries".into(),
            source: "university".into(),
            team: vec!["张伟、李娜".into()],
            patents: vec!["CN202511140438.4:已授权；ZL202310123456.7".into()],
            trl: "5".into(),
            trl_evidence: "第三方检测报告：离子电导率12 mS/cm".into(),
            stage: "prototype".into(),
            secret_parts: vec!["patents".into()],
        }
    }

    fn codes(input: &ResultInput) -> Vec<(String, &'static str)> {
        match input.parse() {
            Ok(_) => Vec::new(),
            Err(errors) => errors.into_iter().map(|e| (e.field, e.code)).collect(),
        }
    }

    #[test]
    fn a_good_input_parses_into_typed_values() {
        let d = good().parse().expect("good input");
        assert_eq!(d.ref_no.as_deref(), Some("WZU-2026-001"));
        assert_eq!((d.field.as_str(), d.sub_field.as_str()), ("new_energy", "advanced_batteries"));
        assert_eq!(d.source, ResultSource::University);
        assert_eq!(d.team, vec!["张伟", "李娜"]);
        assert_eq!(
            d.patents,
            vec![
                Patent { number: "CN202511140438.4".into(), status: PatentStatus::Granted },
                Patent { number: "ZL202310123456.7".into(), status: PatentStatus::Filed },
            ]
        );
        assert_eq!(d.trl.level(), 5);
        assert_eq!(d.stage, ResultStage::Prototype);
        assert_eq!(d.secret_parts, vec![SecretPart::Patents]);
        let mut two = good();
        two.summary = " 第一段：固态电解质。\r\n第二段：制备方法。 ".into();
        assert_eq!(two.parse().expect("two paragraphs").summary, "第一段：固态电解质。\n第二段：制备方法。");
    }

    #[test]
    fn chinese_labels_are_accepted_like_codes() {
        let mut i = good();
        i.field = "新能源".into();
        i.sub_field = "前沿电池".into();
        i.source = "高校".into();
        i.stage = "中试阶段".into();
        i.secret_parts = vec!["研发团队，技术就绪度依据".into()];
        let d = i.parse().expect("labels");
        assert_eq!((d.field.as_str(), d.sub_field.as_str()), ("new_energy", "advanced_batteries"));
        assert_eq!(d.stage, ResultStage::Pilot);
        assert_eq!(d.secret_parts, vec![SecretPart::Team, SecretPart::TrlEvidence]);
    }

    #[test]
    fn every_rule_is_checked_table() {
        type Edit = fn(&mut ResultInput);
        let cases: &[(&str, Edit, &str, &str)] = &[
            ("title empty", |i| i.title = "  ".into(), "title", "required"),
            ("title short", |i| i.title = "电".into(), "title", "too_short"),
            ("title long", |i| i.title = "电".repeat(101), "title", "too_long"),
            ("summary short", |i| i.summary = "太短的简介".into(), "summary", "too_short"),
            ("summary long", |i| i.summary = "简".repeat(2001), "summary", "too_long"),
            ("secret long", |i| i.secret_summary = "密".repeat(4001), "secret_summary", "too_long"),
            ("ref_no long", |i| i.ref_no = "X".repeat(65), "ref_no", "too_long"),
            ("field empty", |i| i.field = String::new(), "field", "required"),
            ("field unknown", |i| i.field = "航天".into(), "field", "unknown_value"),
            ("sub_field empty", |i| i.sub_field = String::new(), "sub_field", "required"),
            ("sub_field unknown", |i| i.sub_field = "火箭".into(), "sub_field", "unknown_value"),
            ("sub_field by code", |i| i.sub_field = "hydrogen".into(), "", ""),
            ("sub_field of another field", |i| i.sub_field = "智能激光".into(), "sub_field", "not_in_field"),
            ("source empty", |i| i.source = String::new(), "source", "required"),
            ("source unknown", |i| i.source = "个人".into(), "source", "unknown_value"),
            ("team empty", |i| i.team = vec![" 、 ".into()], "team", "required"),
            ("team name too long", |i| i.team = vec!["张".repeat(31)], "team", "invalid_name"),
            ("team too big", |i| i.team = (0..51).map(|n| format!("成员{n}")).collect(), "team", "too_many"),
            ("trl empty", |i| i.trl = String::new(), "trl", "required"),
            ("trl text", |i| i.trl = "高".into(), "trl", "not_a_number"),
            ("trl zero", |i| i.trl = "0".into(), "trl", "out_of_range"),
            ("trl ten", |i| i.trl = "10".into(), "trl", "out_of_range"),
            ("trl 4 without evidence", |i| {
                i.trl = "4".into();
                i.trl_evidence = "有".into();
            }, "trl_evidence", "evidence_required"),
            ("trl 3 lab without evidence", |i| {
                i.trl = "3".into();
                i.trl_evidence = String::new();
                i.stage = "lab".into();
            }, "", ""),
            ("stage unknown", |i| i.stage = "量产".into(), "stage", "unknown_value"),
            ("prototype at trl 3", |i| i.trl = "3".into(), "stage", "stage_above_trl"),
            ("industrialization at trl 2", |i| {
                i.trl = "2".into();
                i.stage = "产业化".into();
            }, "stage", "stage_above_trl"),
            ("blank stage means lab", |i| {
                i.trl = "2".into();
                i.stage = String::new();
            }, "", ""),
            ("patent garbage", |i| i.patents = vec!["一项发明".into()], "patents", "invalid_patent_number"),
            ("patent status unknown", |i| i.patents = vec!["CN202511140438.4:待定".into()], "patents", "unknown_patent_status"),
            ("patent twice", |i| i.patents = vec!["CN202511140438.4;cn202511140438.4".into()], "patents", "duplicate_patent"),
            ("secret part unknown", |i| i.secret_parts = vec!["成果简介".into()], "secret_parts", "unknown_value"),
            ("control character", |i| i.title = "电池\u{0007}材料".into(), "title", "invalid_characters"),
            ("line break in a title", |i| i.title = "电池\n材料".into(), "title", "invalid_characters"),
            ("line breaks in a summary", |i| i.summary = "第一段：固态电解质。\r\n第二段：制备方法。".into(), "", ""),
            ("control character in a summary", |i| i.summary = "第一段：固态电解质。\u{0007}第二段。".into(), "summary", "invalid_characters"),
        ];
        for (name, edit, field, code) in cases {
            let mut input = good();
            edit(&mut input);
            let got = codes(&input);
            if field.is_empty() {
                assert!(got.is_empty(), "{name}: want ok, got {got:?}");
            } else {
                assert_eq!(got, vec![(field.to_string(), *code)], "{name}");
            }
        }
    }

    #[test]
    fn every_error_is_returned_at_once_with_chinese_messages() {
        let input = ResultInput { trl: "12".into(), ..Default::default() };
        let errors = input.parse().expect_err("empty input");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["title", "summary", "field", "sub_field", "source", "team", "trl"]);
        assert!(errors.iter().all(|e| !e.message.is_empty() && !e.message.is_ascii()), "{errors:?}");
    }

    #[test]
    fn patent_numbers_table() {
        let cases: &[(&str, Option<&str>)] = &[
            ("CN202511140438.4", Some("CN202511140438.4")),
            ("ZL202310123456.7", Some("ZL202310123456.7")),
            ("202310123456.7", Some("202310123456.7")),
            (" zl 2023 1012 3456.x ", Some("ZL202310123456.X")),
            ("98123456.X", Some("98123456.X")),
            ("CN115123456A", Some("CN115123456A")),
            ("CN115123456B", Some("CN115123456B")),
            ("CN1123456A", Some("CN1123456A")),
            ("CN2123456Y", Some("CN2123456Y")),
            ("CN115123456B1", Some("CN115123456B1")),
            ("", None),
            ("CN", None),
            ("一项发明专利", None),
            ("2023101234567", None),
            ("20231012345.7", None),
            ("202310123456.78", None),
            ("202310123456.A", None),
            ("ZL115123456A", None),
            ("115123456A", None),
            ("CN115123456", None),
            ("CN115123456AB", None),
            ("US10123456B2", None),
        ];
        for (raw, want) in cases {
            let got = parse_patent_number(raw);
            match want {
                Some(n) => assert_eq!(got.as_deref(), Ok(*n), "{raw:?}"),
                None => {
                    let message = got.expect_err(raw);
                    assert!(message.contains("格式不正确"), "{raw:?}: {message}");
                }
            }
        }
    }

    #[test]
    fn patent_cells_table() {
        use PatentStatus::*;
        type Want = Result<Vec<(&'static str, PatentStatus)>, &'static str>;
        let cases: &[(&str, Want)] = &[
            ("", Ok(vec![])),
            ("CN202511140438.4", Ok(vec![("CN202511140438.4", Filed)])),
            (
                "CN202511140438.4:已授权；ZL202310123456.7:申请中",
                Ok(vec![("CN202511140438.4", Granted), ("ZL202310123456.7", Filed)]),
            ),
            ("CN202511140438.4：granted\nCN115123456A:lapsed", Ok(vec![("CN202511140438.4", Granted), ("CN115123456A", Lapsed)])),
            ("CN202511140438.4:已受理;CN115123456A:已失效", Ok(vec![("CN202511140438.4", Filed), ("CN115123456A", Lapsed)])),
            ("CN202511140438.4:已受理/申请中", Ok(vec![("CN202511140438.4", Filed)])),
            ("CN202511140438.4:", Ok(vec![("CN202511140438.4", Filed)])),
            ("CN202511140438.4:作废", Err("unknown_patent_status")),
            ("ABC:已授权", Err("invalid_patent_number")),
        ];
        for (cell, want) in cases {
            let got = parse_patents(&[cell.to_string()]);
            match (want, got) {
                (Ok(w), Ok(g)) => {
                    let g: Vec<(&str, PatentStatus)> = g.iter().map(|p| (p.number.as_str(), p.status)).collect();
                    assert_eq!(&g, w, "{cell:?}");
                }
                (Err(code), Err(e)) => assert_eq!(e[0].code, *code, "{cell:?}"),
                (w, g) => panic!("{cell:?}: want {w:?}, got {g:?}"),
            }
        }
    }

    #[test]
    fn team_cells_table() {
        type Want = Result<&'static [&'static str], &'static str>;
        let cases: &[(&[&str], Want)] = &[
            (&["张伟、李娜"], Ok(&["张伟", "李娜"])),
            (&["张伟,李娜，王芳;赵敏；周杰\n吴昊"], Ok(&["张伟", "李娜", "王芳", "赵敏", "周杰", "吴昊"])),
            (&["张伟", "李娜、张伟"], Ok(&["张伟", "李娜"])),
            (&["Zhang Wei"], Ok(&["Zhang Wei"])),
            (&[""], Err("required")),
            (&[], Err("required")),
        ];
        for (cells, want) in cases {
            let cells: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
            match (want, parse_team(&cells)) {
                (Ok(w), Ok(g)) => assert_eq!(&g, w, "{cells:?}"),
                (Err(code), Err(e)) => assert_eq!(e.code, *code),
                (w, g) => panic!("{cells:?}: want {w:?}, got {g:?}"),
            }
        }
    }

    #[test]
    fn levels_are_read_as_typed_in_spreadsheets() {
        for (raw, want) in [("5", Some(5)), ("5.0", Some(5)), ("5级", Some(5)), ("TRL5", Some(5)), ("5.5", None), ("五", None)] {
            assert_eq!(parse_level(raw), want, "{raw}");
        }
    }

    #[test]
    fn json_input_takes_trl_as_number_or_string() {
        let a: ResultInput = serde_json::from_str(r#"{"title":"t","summary":"s","field":"f","sub_field":"x","source":"u","trl":5}"#)
            .expect("number");
        let b: ResultInput = serde_json::from_str(r#"{"title":"t","summary":"s","field":"f","sub_field":"x","source":"u","trl":"5"}"#)
            .expect("string");
        assert_eq!(a.trl, "5");
        assert_eq!(a, b);
    }

    #[test]
    fn patents_serialize_in_the_stored_format() {
        let p = vec![Patent { number: "CN202511140438.4".into(), status: PatentStatus::Filed }];
        assert_eq!(serde_json::to_string(&p).expect("json"), r#"[{"number":"CN202511140438.4","status":"filed"}]"#);
    }

    /// Issue 10: a result is checked against its center's own catalogue — a
    /// Shanghai result in 脑机接口 (004 二(三), a field without sub-fields) is
    /// accepted under Shanghai's catalogue and refused under Wenzhou's.
    #[test]
    fn a_result_is_checked_against_its_profiles_catalogue() {
        let text = crate::policy::SHIPPED.iter().find(|(i, _)| *i == "shanghai-platform-2025").map(|(_, t)| *t).unwrap_or_default();
        let sh = Catalogue::of(&crate::policy::Profile::parse(text, None).unwrap_or_else(|e| panic!("{e:?}")));
        let mut i = good();
        i.field = "脑机接口".into();
        i.sub_field = String::new();
        let d = i.parse_in(&sh).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((d.field.as_str(), d.sub_field.as_str()), ("brain_computer_interface", ""));
        assert!(codes(&i).contains(&("field".into(), "unknown_value")), "{:?}", codes(&i));
        // A Wenzhou field with sub-fields still needs one.
        let mut i = good();
        i.sub_field = String::new();
        assert!(i.parse_in(catalogue::wenzhou()).is_err());
    }
}
