//! A shared resource (共享资源): one thing a center or pilot platform offers
//! others, with the conditions of use and the fee, published in the network's
//! lists: a verification capability (验证能力, the 验证能力互补清单 of 000 二(九)),
//! an instrument (仪器设备共享), a pilot line, a test environment or an
//! application scenario (服务资源目录清单, 001 中试 16; 场景应用, 004 四(一)).

use crate::validation::{multiline, text};
use crate::FieldError;

string_enum! {
    /// What is offered.
    pub enum OfferKind {
        /// 验证能力（服务内容）: a kind of verification the center performs for others.
        Capability => ("capability", "验证能力"),
        /// 仪器设备: an instrument others may use or have run.
        Instrument => ("instrument", "仪器设备"),
        /// 中试线（产线）: a pilot or production line.
        Line => ("line", "中试线"),
        /// 试验环境: a test environment (climate chamber, test field, clean room …).
        Environment => ("environment", "试验环境"),
        /// 应用场景: a scenario where a new product can be tried in real use.
        Scenario => ("scenario", "应用场景"),
    }
}

string_enum! {
    /// Whether an offer takes requests.
    pub enum OfferState {
        /// 开放共享: listed and taking requests.
        Open => ("open", "开放共享"),
        /// 暂停受理: listed, but not taking requests for now.
        Paused => ("paused", "暂停受理"),
        /// 已下架: no longer listed (its center's operators and the bureau still read it).
        Withdrawn => ("withdrawn", "已下架"),
    }
}

impl OfferKind {
    /// Whether it is booked on a calendar by days (a line, an instrument, an environment, a
    /// scenario); a capability is a service, not a thing with days to book.
    pub fn bookable(self) -> bool {
        self != OfferKind::Capability
    }
}

impl OfferState {
    /// Whether the public lists show it.
    pub fn listed(self) -> bool {
        self != OfferState::Withdrawn
    }

    /// The states an offer's center may move it to from this one.
    pub fn may_become(self, to: OfferState) -> bool {
        matches!(
            (self, to),
            (OfferState::Open, OfferState::Paused | OfferState::Withdrawn)
                | (OfferState::Paused, OfferState::Open | OfferState::Withdrawn)
                | (OfferState::Withdrawn, OfferState::Open)
        )
    }
}

string_enum! {
    /// A qualification an offer carries (检验检测资质, 002 三(八)).
    pub enum Qualification {
        /// CNAS 实验室认可.
        Cnas => ("cnas", "CNAS认可"),
        /// CMA 检验检测机构资质认定.
        Cma => ("cma", "CMA认定"),
    }
}

/// An offer as typed (form or JSON).
#[derive(Debug, Clone, Default)]
pub struct RawOffer<'a> {
    /// Kind code.
    pub kind: &'a str,
    /// 名称.
    pub name: &'a str,
    /// Field code.
    pub field: &'a str,
    /// 能力与用途.
    pub description: &'a str,
    /// 使用条件 (who may use it, how, lead time, safety).
    pub conditions: &'a str,
    /// 收费标准 (e.g. “500元/机时”, “免费”, “面议”).
    pub fee_terms: &'a str,
    /// Qualification codes.
    pub qualifications: &'a [String],
    /// 容量: bookings it hosts on one day ("" = 1).
    pub capacity: &'a str,
}

/// A validated offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferDraft {
    /// What is offered.
    pub kind: OfferKind,
    /// 名称 (2–60 characters, one line).
    pub name: String,
    /// Field code (checked against the catalogue by the caller's `is_field`).
    pub field: String,
    /// 能力与用途 (10–2000 characters).
    pub description: String,
    /// 使用条件 (4–1000 characters): sharing needs conditions (000 二(九) 共享机制).
    pub conditions: String,
    /// 收费标准 (1–200 characters).
    pub fee_terms: String,
    /// Qualifications, without repeats, in the enum's order.
    pub qualifications: Vec<Qualification>,
    /// 容量 (1–99): how many bookings it hosts on one day — one line 1, a room of four chambers 4.
    pub capacity: u32,
}

impl OfferDraft {
    /// Validates every field, naming each that fails.
    pub fn parse(raw: &RawOffer<'_>, is_field: impl Fn(&str) -> bool) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = match raw.kind.trim() {
            "" => {
                errors.push(FieldError::required("kind", "资源类别"));
                None
            }
            k => OfferKind::parse(k).map_err(|_| errors.push(FieldError::unknown_value("kind", "资源类别"))).ok(),
        };
        let name = text("name", "资源名称", raw.name, 2, 60).map_err(|e| errors.push(e)).ok();
        let field = raw.field.trim();
        if field.is_empty() {
            errors.push(FieldError::required("field", "产业领域"));
        } else if !is_field(field) {
            errors.push(FieldError::unknown_value("field", "产业领域"));
        }
        let description = multiline("description", "能力与用途", raw.description, 10, 2000).map_err(|e| errors.push(e)).ok();
        let conditions = multiline("conditions", "使用条件", raw.conditions, 4, 1000).map_err(|e| errors.push(e)).ok();
        let fee_terms = text("fee_terms", "收费标准", raw.fee_terms, 1, 200).map_err(|e| errors.push(e)).ok();
        let mut qualifications = Vec::new();
        for q in raw.qualifications.iter().map(|q| q.trim()).filter(|q| !q.is_empty()) {
            match Qualification::parse(q) {
                Ok(q) => qualifications.push(q),
                Err(_) => errors.push(FieldError::unknown_value("qualifications", "资质")),
            }
        }
        qualifications.sort();
        qualifications.dedup();
        let max = crate::pilot::booking::MAX_CAPACITY;
        let capacity = match raw.capacity.trim() {
            "" => Some(1),
            c => match c.parse::<u32>() {
                Ok(n) if (1..=max).contains(&n) => Some(n),
                _ => {
                    errors.push(FieldError::new("capacity", "out_of_range", format!("容量须为1至{max}之间的整数（每天可同时容纳的预约数）")));
                    None
                }
            },
        };
        match (kind, name, description, conditions, fee_terms, capacity) {
            (Some(kind), Some(name), Some(description), Some(conditions), Some(fee_terms), Some(capacity)) if errors.is_empty() => {
                Ok(Self { kind, name, field: field.to_owned(), description, conditions, fee_terms, qualifications, capacity })
            }
            _ => Err(errors),
        }
    }
}

/// Qualifications as stored: codes joined by commas ('' when none).
pub fn qualifications_code(q: &[Qualification]) -> String {
    q.iter().map(|q| q.as_str()).collect::<Vec<_>>().join(",")
}

/// Qualifications read back from [`qualifications_code`]; unknown codes are skipped.
pub fn qualifications_of(code: &str) -> Vec<Qualification> {
    code.split(',').filter_map(|c| Qualification::parse(c.trim()).ok()).collect()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn quals() -> Vec<String> {
        vec!["cma".to_owned(), "cnas".to_owned(), "cma".to_owned()]
    }

    fn good(q: &[String]) -> RawOffer<'_> {
        RawOffer {
            kind: "instrument",
            name: "场发射扫描电子显微镜",
            field: "new_materials",
            description: "材料微观形貌与成分分析，分辨率1纳米，配能谱仪。",
            conditions: "须经培训上机；提前3个工作日预约；危险样品不受理。",
            fee_terms: "400元/机时，委托测试另计",
            qualifications: q,
            capacity: "",
        }
    }

    fn known(f: &str) -> bool {
        f == "new_materials"
    }

    #[test]
    fn a_good_offer_parses_with_its_qualifications_once_each_in_order() {
        let q = quals();
        let o = OfferDraft::parse(&good(&q), known).unwrap();
        assert_eq!((o.kind, o.qualifications.clone()), (OfferKind::Instrument, vec![Qualification::Cnas, Qualification::Cma]));
        assert_eq!(qualifications_code(&o.qualifications), "cnas,cma");
        assert_eq!(o.capacity, 1, "one place a day unless said");
        assert_eq!(OfferDraft::parse(&RawOffer { capacity: "4", ..good(&q) }, known).map(|o| o.capacity), Ok(4));
        assert_eq!(qualifications_of("cnas,cma,x"), vec![Qualification::Cnas, Qualification::Cma]);
    }

    #[test]
    fn each_bad_field_is_named_with_its_rule() {
        let q = quals();
        let bad_q = vec!["iso".to_owned()];
        let cases: Vec<(RawOffer<'_>, &str, &str)> = vec![
            (RawOffer { kind: "", ..good(&q) }, "kind", "required"),
            (RawOffer { kind: "lab", ..good(&q) }, "kind", "unknown_value"),
            (RawOffer { name: "镜", ..good(&q) }, "name", "too_short"),
            (RawOffer { field: "", ..good(&q) }, "field", "required"),
            (RawOffer { field: "space", ..good(&q) }, "field", "unknown_value"),
            (RawOffer { description: "电镜", ..good(&q) }, "description", "too_short"),
            (RawOffer { conditions: "", ..good(&q) }, "conditions", "required"),
            (RawOffer { fee_terms: "  ", ..good(&q) }, "fee_terms", "required"),
            (RawOffer { qualifications: &bad_q, ..good(&q) }, "qualifications", "unknown_value"),
            (RawOffer { capacity: "0", ..good(&q) }, "capacity", "out_of_range"),
            (RawOffer { capacity: "100", ..good(&q) }, "capacity", "out_of_range"),
            (RawOffer { capacity: "一", ..good(&q) }, "capacity", "out_of_range"),
        ];
        for (raw, field, code) in cases {
            let errors = OfferDraft::parse(&raw, known).unwrap_err();
            assert!(errors.iter().any(|e| e.field == field && e.code == code), "{field}/{code}: {errors:?}");
        }
    }

    #[test]
    fn an_offer_pauses_reopens_and_is_withdrawn_but_never_stays_put() {
        use OfferState::*;
        let table = [
            (Open, Paused, true),
            (Open, Withdrawn, true),
            (Paused, Open, true),
            (Paused, Withdrawn, true),
            (Withdrawn, Open, true),
            (Withdrawn, Paused, false),
            (Open, Open, false),
        ];
        for (from, to, ok) in table {
            assert_eq!(from.may_become(to), ok, "{from:?} → {to:?}");
        }
        assert!(!Withdrawn.listed() && Paused.listed());
    }
}
