//! Each profile's own industry catalogue (产业目录), for centers and results
//! alike, and the coverage the plans count (000 一: the five emerging
//! industries, the future industries' sub-fields such as 人工智能、人形机器人、
//! 眼脑健康, and the host types — universities, institutes, research
//! hospitals, incubators).

use crate::org::OrgKind;
use crate::policy::profile::CatalogueField;
use crate::policy::{Profile, SHIPPED};
use std::sync::OnceLock;

/// An industry catalogue: fields with their sub-fields.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Catalogue {
    fields: Vec<CatalogueField>,
}

impl Catalogue {
    /// The catalogue of one profile.
    pub fn of(profile: &Profile) -> Self {
        Self { fields: profile.catalogue.clone() }
    }

    /// The union of several profiles' catalogues (for a center not yet under
    /// any profile): a field in several keeps the sub-fields of all.
    pub fn union<'a>(profiles: impl IntoIterator<Item = &'a Profile>) -> Self {
        let mut out = Self::default();
        for p in profiles {
            for f in &p.catalogue {
                match out.fields.iter_mut().find(|x| x.code == f.code) {
                    Some(x) => {
                        for s in &f.sub_fields {
                            if !x.sub_fields.iter().any(|(c, _)| *c == s.0) {
                                x.sub_fields.push(s.clone());
                            }
                        }
                    }
                    None => out.fields.push(f.clone()),
                }
            }
        }
        out
    }

    /// The fields.
    pub fn fields(&self) -> &[CatalogueField] {
        &self.fields
    }

    /// A field by code or Chinese label.
    pub fn field(&self, raw: &str) -> Option<&CatalogueField> {
        self.fields.iter().find(|f| f.code == raw || f.label == raw)
    }

    /// A sub-field by code or Chinese label, anywhere in the catalogue: (field, code, label).
    pub fn sub_field(&self, raw: &str) -> Option<(&CatalogueField, &str, &str)> {
        self.fields
            .iter()
            .flat_map(|f| f.sub_fields.iter().map(move |(c, l)| (f, c.as_str(), l.as_str())))
            .find(|(_, c, l)| *c == raw || *l == raw)
    }

    /// Whether `code` is a field or a sub-field of the catalogue.
    pub fn contains(&self, code: &str) -> bool {
        self.label(code).is_some()
    }

    /// The Chinese label of a field or sub-field code.
    pub fn label(&self, code: &str) -> Option<&str> {
        self.fields.iter().find_map(|f| {
            if f.code == code {
                Some(f.label.as_str())
            } else {
                f.sub_fields.iter().find(|(c, _)| c == code).map(|(_, l)| l.as_str())
            }
        })
    }
}

/// The catalogue a center's results and fields are checked against: the
/// catalogue of the profile it is on a list under (创建名单 or 认定), else —
/// a center not yet under any profile — the union of the loaded profiles of its kind.
pub fn for_center(profiles: &[Profile], kind: crate::center::CenterKind, profile_id: Option<&str>) -> Catalogue {
    match profile_id.and_then(|id| profiles.iter().find(|p| p.id == id)) {
        Some(p) => Catalogue::of(p),
        None => Catalogue::union(profiles.iter().filter(|p| p.center_kind == kind)),
    }
}

/// The union of the shipped profiles' catalogues (labels for any code the platform knows).
pub fn shipped() -> &'static Catalogue {
    static SHIPPED_UNION: OnceLock<Catalogue> = OnceLock::new();
    SHIPPED_UNION.get_or_init(|| {
        let profiles: Vec<Profile> = SHIPPED.iter().filter_map(|(id, text)| Profile::parse(text, Some(id)).ok()).collect();
        Catalogue::union(&profiles)
    })
}

/// Wenzhou's catalogue (000 二(一)), from its shipped profile: the default
/// where no profile applies (the demo network is Wenzhou's).
pub fn wenzhou() -> &'static Catalogue {
    static WENZHOU: OnceLock<Catalogue> = OnceLock::new();
    WENZHOU.get_or_init(|| {
        let id = "wenzhou-municipal-2025";
        SHIPPED
            .iter()
            .find(|(i, _)| *i == id)
            .and_then(|(_, text)| Profile::parse(text, Some(id)).ok())
            .map(|p| Catalogue::of(&p))
            .unwrap_or_default()
    })
}

/// One line of a coverage table: a field or a sub-field and how many centers serve it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Coverage {
    /// Field or sub-field code.
    pub code: String,
    /// Label; a sub-field's is `领域 · 细分领域`.
    pub label: String,
    /// The field a sub-field belongs to.
    pub parent: Option<String>,
    /// Centers serving it (a field counts centers serving it or any of its sub-fields).
    pub centers: i64,
}

/// Coverage of a catalogue by centers, given each center's field codes: every
/// field, then each of its sub-fields (000 一 counts 人工智能、人形机器人、眼脑健康 …
/// — sub-fields in 二(一) — one by one).
pub fn coverage(catalogue: &Catalogue, centers: &[Vec<String>]) -> Vec<Coverage> {
    let serving = |pred: &dyn Fn(&str) -> bool| centers.iter().filter(|fs| fs.iter().any(|c| pred(c))).count() as i64;
    let mut out = Vec::new();
    for f in catalogue.fields() {
        let in_field = |c: &str| c == f.code || f.sub_fields.iter().any(|(s, _)| s == c);
        out.push(Coverage { code: f.code.clone(), label: f.label.clone(), parent: None, centers: serving(&in_field) });
        for (code, label) in &f.sub_fields {
            out.push(Coverage {
                code: code.clone(),
                label: format!("{} · {label}", f.label),
                parent: Some(f.code.clone()),
                centers: serving(&|c: &str| c == code),
            });
        }
    }
    out
}

/// The host types 000 一 sets out to cover (重点高校、省级新型研发机构、研究型医院、孵化器).
pub const HOST_TYPES: &[(OrgKind, &str)] = &[
    (OrgKind::University, "高校"),
    (OrgKind::ResearchInstitute, "科研院所（新型研发机构）"),
    (OrgKind::Hospital, "研究型医院"),
    (OrgKind::Incubator, "孵化器"),
];

/// Centers per host type of [`HOST_TYPES`], given each center's host kind.
pub fn host_coverage(hosts: &[OrgKind]) -> Vec<(String, i64)> {
    HOST_TYPES.iter().map(|(k, label)| ((*label).to_owned(), hosts.iter().filter(|h| *h == k).count() as i64)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(id: &str) -> Profile {
        let text = SHIPPED.iter().find(|(i, _)| *i == id).map(|(_, t)| *t).unwrap_or_default();
        Profile::parse(text, Some(id)).unwrap_or_else(|e| panic!("{id}: {e:?}"))
    }

    /// Issue 10: every profile has its own catalogue — 脑机接口 is Shanghai's
    /// (004 二(三)), not Wenzhou's (000 二(一)).
    #[test]
    fn each_profile_has_its_own_catalogue() {
        let sh = Catalogue::of(&profile("shanghai-platform-2025"));
        let wz = Catalogue::of(&profile("wenzhou-municipal-2025"));
        let cases = [("脑机接口", true, false), ("brain_computer_interface", true, false), ("生命健康", false, true), ("人工智能", true, false)];
        for (raw, in_sh, in_wz) in cases {
            assert_eq!((sh.field(raw).is_some(), wz.field(raw).is_some()), (in_sh, in_wz), "{raw}");
        }
        assert_eq!(wz.sub_field("眼脑健康").map(|(f, c, _)| (f.code.as_str(), c)), Some(("life_health", "eye_brain_health")));
        assert_eq!(shipped().label("brain_computer_interface"), Some("脑机接口"));
        assert!(shipped().contains("eye_brain_health"));
        let all: Vec<Profile> = SHIPPED.iter().map(|(id, _)| profile(id)).collect();
        let poc = crate::center::CenterKind::PocCenter;
        assert!(for_center(&all, poc, Some("shanghai-platform-2025")).field("脑机接口").is_some());
        assert!(for_center(&all, poc, Some("wenzhou-municipal-2025")).field("脑机接口").is_none());
        assert!(for_center(&all, poc, None).field("脑机接口").is_some(), "a center under no profile yet: any PoC catalogue");
        let u = Catalogue::union([&profile("wenzhou-municipal-2025"), &profile("urumqi-2026")]);
        assert!(u.field("new_energy").is_some_and(|f| f.sub_fields.iter().any(|(c, _)| c == "hydrogen")));
        assert!(u.field("ai_plus").is_some());
    }

    /// 000 一: coverage counts the sub-fields (人工智能、人形机器人、眼脑健康 …) and the host types.
    #[test]
    fn coverage_counts_fields_sub_fields_and_host_types() {
        let wz = Catalogue::of(&profile("wenzhou-municipal-2025"));
        let centers = vec![
            vec!["eye_brain_health".to_owned()],
            vec!["life_health".to_owned()],
            vec!["humanoid_robots".to_owned(), "smart_equipment".to_owned()],
        ];
        let rows = coverage(&wz, &centers);
        let n = |code: &str| rows.iter().find(|r| r.code == code).map(|r| r.centers);
        assert_eq!(n("life_health"), Some(2));
        assert_eq!(n("eye_brain_health"), Some(1));
        assert_eq!(n("new_drugs"), Some(0));
        assert_eq!(n("future_industries"), Some(1));
        assert_eq!(n("humanoid_robots"), Some(1));
        assert_eq!(n("artificial_intelligence"), Some(0));
        assert_eq!(n("smart_equipment"), Some(1));
        let hosts = host_coverage(&[OrgKind::University, OrgKind::University, OrgKind::Incubator, OrgKind::Enterprise]);
        assert_eq!(hosts, vec![("高校".into(), 2), ("科研院所（新型研发机构）".into(), 0), ("研究型医院".into(), 0), ("孵化器".into(), 1)]);
    }
}
