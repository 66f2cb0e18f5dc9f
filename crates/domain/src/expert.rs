//! Experts of the library (专家库). Issue 4 adds conflicts and panels.

string_enum! {
    /// The three kinds of expert the seeds name (学术/产业/投资).
    pub enum ExpertKind {
        /// 学术专家
        Academic => ("academic", "学术专家"),
        /// 产业专家
        Industry => ("industry", "产业专家"),
        /// 投资专家
        Investment => ("investment", "投资专家"),
    }
}

use crate::id::OrgId;
use crate::region::Region;
use crate::validation::{text, FieldError};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// A period in which an expert cannot review (不可参评时段), both days included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Unavailable {
    /// First day.
    #[schema(value_type = String)]
    pub from: NaiveDate,
    /// Last day.
    #[schema(value_type = String)]
    pub to: NaiveDate,
    /// Why (出差、出国、回避期 …).
    #[serde(default)]
    pub reason: String,
}

impl Unavailable {
    /// Whether `day` falls in the period.
    pub fn covers(&self, day: NaiveDate) -> bool {
        self.from <= day && day <= self.to
    }
}

/// Splits a list typed by a clerk: 、，,；; / and line breaks all separate;
/// blanks and repeats are dropped, order kept.
pub fn split_list(raw: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in raw.split(['、', '，', ',', '；', ';', '/', '\n', '\r', '|']) {
        let p = part.trim();
        if !p.is_empty() && !out.iter().any(|x| x == p) {
            out.push(p.to_owned());
        }
    }
    out
}

/// Parses unavailable periods typed as `2026-01-05~2026-01-20 出国; 2026-03-01~2026-03-03`.
/// `~`, `至` and `--` separate the days; the reason follows a space.
pub fn parse_unavailable(field: &str, raw: &str) -> Result<Vec<Unavailable>, FieldError> {
    let mut out = Vec::new();
    for part in raw.split(['；', ';', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
        let (range, reason) = part.split_once([' ', '　']).map_or((part, ""), |(a, b)| (a, b.trim()));
        let range = range.replace('至', "~").replace("--", "~");
        let (a, b) = range.split_once('~').unwrap_or((range.as_str(), range.as_str()));
        let years = crate::validation::DayRange::years_2000_to_2100();
        let day = |s: &str| crate::validation::strict_day(s.trim()).filter(|d| *d >= years.earliest && *d <= years.latest);
        match (day(a), day(b)) {
            (Some(from), Some(to)) if from <= to => out.push(Unavailable { from, to, reason: reason.to_owned() }),
            (Some(_), Some(_)) => {
                return Err(FieldError::new(field, "window_reversed", format!("不可参评时段“{part}”的结束日期早于开始日期")))
            }
            _ => {
                return Err(FieldError::new(
                    field,
                    "invalid_window",
                    format!("不可参评时段“{part}”格式不正确，应为“2026-01-05~2026-01-20 事由”"),
                ))
            }
        }
    }
    Ok(out)
}

/// A validated new or edited expert.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpertDraft {
    /// Name.
    pub name: String,
    /// Academic, industry or investment.
    pub kind: ExpertKind,
    /// Organisation id (the store checks it exists).
    pub org_id: OrgId,
    /// Title (职称/职务).
    pub title: String,
    /// Field codes.
    pub fields: Vec<String>,
    /// Sub-field codes.
    pub sub_fields: Vec<String>,
    /// Keywords.
    pub keywords: Vec<String>,
    /// Region.
    pub region: Region,
    /// Free-text profile.
    pub bio: String,
    /// Periods unavailable.
    pub unavailable: Vec<Unavailable>,
    /// Declared conflicts: organisation ids.
    pub conflict_orgs: Vec<OrgId>,
    /// Declared conflicts: people (names).
    pub conflict_people: Vec<String>,
    /// Telephone (curators only).
    pub phone: String,
    /// E-mail (curators only).
    pub email: String,
}

/// An expert as typed (form, JSON or a spreadsheet row), before parsing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
pub struct ExpertInput {
    /// Name (2–30 characters).
    pub name: String,
    /// `academic`, `industry`, `investment` or their Chinese labels.
    pub kind: String,
    /// Organisation id.
    #[serde(default)]
    pub org_id: i64,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Field codes.
    #[serde(default)]
    pub fields: Vec<String>,
    /// Sub-field codes.
    #[serde(default)]
    pub sub_fields: Vec<String>,
    /// Keywords.
    #[serde(default)]
    pub keywords: Vec<String>,
    /// Region (e.g. `瑞安市`, or `市外`).
    pub region: String,
    /// Free-text profile.
    #[serde(default)]
    pub bio: String,
    /// Unavailable periods, e.g. `2026-01-05~2026-01-20 出国`.
    #[serde(default)]
    pub unavailable: String,
    /// Declared conflicting organisation ids.
    #[serde(default)]
    pub conflict_orgs: Vec<i64>,
    /// Declared conflicting people.
    #[serde(default)]
    pub conflict_people: Vec<String>,
    /// Telephone.
    #[serde(default)]
    pub phone: String,
    /// E-mail.
    #[serde(default)]
    pub email: String,
    /// When editing: the version read.
    pub version: Option<i64>,
}

/// Parses an expert kind from its code or its Chinese label (学术/产业/投资, with or without 专家).
pub fn parse_kind(raw: &str) -> Option<ExpertKind> {
    let t = raw.trim();
    ExpertKind::parse(t).ok().or_else(|| {
        ExpertKind::ALL.iter().copied().find(|k| {
            let l = k.label_zh();
            t == l || format!("{t}专家") == l
        })
    })
}

impl ExpertInput {
    /// Parses; `is_field` and `is_sub_field` decide which catalogue codes are known.
    pub fn parse(&self, is_field: &dyn Fn(&str) -> bool, is_sub_field: &dyn Fn(&str) -> bool) -> Result<ExpertDraft, FieldError> {
        let name = text("name", "姓名", &self.name, 2, 30)?;
        let kind = parse_kind(&self.kind).ok_or_else(|| FieldError::unknown_value("kind", "专家类型"))?;
        let title = text("title", "职称/职务", &self.title, 0, 60)?;
        let mut fields = Vec::new();
        for f in self.fields.iter().map(|f| f.trim()).filter(|f| !f.is_empty()) {
            if !is_field(f) {
                return Err(FieldError::new("fields", "unknown_value", format!("产业领域“{f}”不在产业目录中")));
            }
            if !fields.iter().any(|x: &String| x == f) {
                fields.push(f.to_owned());
            }
        }
        if fields.is_empty() {
            return Err(FieldError::required("fields", "擅长产业领域"));
        }
        let mut sub_fields = Vec::new();
        for f in self.sub_fields.iter().map(|f| f.trim()).filter(|f| !f.is_empty()) {
            if !is_sub_field(f) {
                return Err(FieldError::new("sub_fields", "unknown_value", format!("细分领域“{f}”不在产业目录中")));
            }
            if !sub_fields.iter().any(|x: &String| x == f) {
                sub_fields.push(f.to_owned());
            }
        }
        let keywords: Vec<String> = self.keywords.iter().flat_map(|k| split_list(k)).collect();
        if keywords.len() > 30 || keywords.iter().any(|k| k.chars().count() > 30) {
            return Err(FieldError::new("keywords", "too_long", "关键词最多30个，每个不超过30个字符"));
        }
        let region = Region::parse(self.region.trim()).map_err(|_| FieldError::unknown_value("region", "所在地区"))?;
        let bio = text("bio", "个人简介", &self.bio, 0, 4000)?;
        let unavailable = parse_unavailable("unavailable", &self.unavailable)?;
        let conflict_people: Vec<String> = self.conflict_people.iter().flat_map(|p| split_list(p)).collect();
        if conflict_people.iter().any(|p| p.chars().count() > 30) {
            return Err(FieldError::new("conflict_people", "too_long", "回避人员姓名不能超过30个字符"));
        }
        let phone = text("phone", "联系电话", &self.phone, 0, 30)?;
        if !phone.is_empty() && !phone.chars().all(|c| c.is_ascii_digit() || "+- ()".contains(c)) {
            return Err(FieldError::new("phone", "invalid_phone", "联系电话只能包含数字、空格和 + - ( )"));
        }
        let email = text("email", "电子邮箱", &self.email, 0, 100)?;
        let plausible = email.contains('@') && email.rsplit('@').next().is_some_and(|d| d.contains('.'));
        if !email.is_empty() && !plausible {
            return Err(FieldError::new("email", "invalid_email", "电子邮箱格式不正确"));
        }
        let mut conflict_orgs: Vec<OrgId> = self.conflict_orgs.iter().copied().map(OrgId::new).collect();
        conflict_orgs.sort_unstable();
        conflict_orgs.dedup();
        Ok(ExpertDraft {
            name,
            kind,
            org_id: OrgId::new(self.org_id),
            title,
            fields,
            sub_fields,
            keywords,
            region,
            bio,
            unavailable,
            conflict_orgs,
            conflict_people,
            phone,
            email,
        })
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;

    fn known(c: &str) -> bool {
        matches!(c, "new_energy" | "smart_equipment")
    }

    fn sub(c: &str) -> bool {
        matches!(c, "hydrogen" | "smart_laser")
    }

    fn input() -> ExpertInput {
        ExpertInput {
            name: "王立群".into(),
            kind: "产业专家".into(),
            org_id: 3,
            fields: vec!["new_energy".into()],
            region: "瑞安市".into(),
            keywords: vec!["氢燃料电池、电堆，储氢".into()],
            ..Default::default()
        }
    }

    #[test]
    fn lists_split_on_every_separator_a_clerk_uses() {
        assert_eq!(split_list("氢能、储能，电池;电池 ; 光伏/风电\n"), vec!["氢能", "储能", "电池", "光伏", "风电"]);
        assert!(split_list(" 、 ,").is_empty());
    }

    #[test]
    fn kinds_by_code_or_label() {
        let cases = [("academic", Some(ExpertKind::Academic)), ("学术专家", Some(ExpertKind::Academic)), ("产业", Some(ExpertKind::Industry)),
            ("投资专家", Some(ExpertKind::Investment)), ("律师", None), ("", None)];
        for (raw, want) in cases {
            assert_eq!(parse_kind(raw), want, "{raw}");
        }
    }

    #[test]
    fn unavailable_windows_table() {
        let ok = parse_unavailable("u", "2026-01-05~2026-01-20 出国；2026-03-01至2026-03-01").unwrap_or_default();
        assert_eq!(ok.len(), 2);
        assert_eq!(ok[0].reason, "出国");
        assert!(ok[1].covers(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap_or_default()));
        let cases = [("2026-02-01~2026-01-01", "window_reversed"), ("2026/01/01~2026-01-02", "invalid_window"), ("明天", "invalid_window")];
        for (raw, code) in cases {
            assert_eq!(parse_unavailable("u", raw).map(|_| ()).err().map(|e| e.code), Some(code), "{raw}");
        }
        assert_eq!(parse_unavailable("u", "  "), Ok(vec![]));
    }

    #[test]
    fn an_expert_parses_and_each_rule_names_its_field() {
        let d = input().parse(&known, &sub).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(d.kind, ExpertKind::Industry);
        assert_eq!(d.keywords, vec!["氢燃料电池", "电堆", "储氢"]);
        type Tweak = fn(&mut ExpertInput);
        let cases: &[(Tweak, &str, &str)] = &[
            (|i| i.name = "王".into(), "name", "too_short"),
            (|i| i.kind = "律师".into(), "kind", "unknown_value"),
            (|i| i.fields = vec![], "fields", "required"),
            (|i| i.fields = vec!["space".into()], "fields", "unknown_value"),
            (|i| i.sub_fields = vec!["warp".into()], "sub_fields", "unknown_value"),
            (|i| i.region = "火星".into(), "region", "unknown_value"),
            (|i| i.unavailable = "下周".into(), "unavailable", "invalid_window"),
            (|i| i.phone = "call me".into(), "phone", "invalid_phone"),
            (|i| i.email = "wang@".into(), "email", "invalid_email"),
        ];
        for (tweak, field, code) in cases {
            let mut i = input();
            tweak(&mut i);
            let e = i.parse(&known, &sub).expect_err(field);
            assert_eq!((e.field.as_str(), e.code), (*field, *code));
        }
    }
}
