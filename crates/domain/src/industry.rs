//! The industry catalogue (产业领域): Wenzhou's five emerging leading industries
//! and its future industries with their sub-fields (000 一, 二(一)). Issue 3
//! moves catalogues into per-jurisdiction policy profiles; the codes stay.

/// A sub-field (细分领域) of an industry field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubField {
    /// Stable code.
    pub code: &'static str,
    /// Chinese name.
    pub label: &'static str,
}

/// An industry field (产业领域) with its sub-fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    /// Stable code.
    pub code: &'static str,
    /// Chinese name.
    pub label: &'static str,
    /// Whether this is a future industry (未来产业) rather than an emerging leading one.
    pub future: bool,
    /// Its sub-fields.
    pub sub_fields: &'static [SubField],
}

const fn sf(code: &'static str, label: &'static str) -> SubField {
    SubField { code, label }
}

/// Wenzhou's catalogue (000 二(一)).
pub const WENZHOU: &[Field] = &[
    Field {
        code: "digital_economy",
        label: "数字经济",
        future: false,
        sub_fields: &[sf("cloud_big_data", "云计算与大数据"), sf("integrated_circuits", "集成电路")],
    },
    Field {
        code: "new_energy",
        label: "新能源",
        future: false,
        sub_fields: &[
            sf("advanced_batteries", "前沿电池"),
            sf("wind_power", "新一代风电"),
            sf("hydrogen", "氢能"),
            sf("energy_storage", "新型储能"),
        ],
    },
    Field {
        code: "life_health",
        label: "生命健康",
        future: false,
        sub_fields: &[
            sf("eye_brain_health", "眼脑健康"),
            sf("new_drugs", "新药创制"),
            sf("medical_devices", "高端医疗器械"),
        ],
    },
    Field {
        code: "smart_equipment",
        label: "智能装备",
        future: false,
        sub_fields: &[
            sf("smart_electrical", "智能电气"),
            sf("smart_laser", "智能激光"),
            sf("industrial_robots", "工业机器人"),
        ],
    },
    Field {
        code: "new_materials",
        label: "新材料",
        future: false,
        sub_fields: &[sf("advanced_polymers", "先进高分子材料"), sf("functional_materials", "功能材料")],
    },
    Field {
        code: "future_industries",
        label: "未来产业",
        future: true,
        sub_fields: &[
            sf("artificial_intelligence", "人工智能"),
            sf("humanoid_robots", "人形机器人"),
            sf("synthetic_biology", "合成生物"),
            sf("cell_gene_therapy", "细胞与基因治疗"),
            sf("low_altitude_economy", "低空经济"),
        ],
    },
];

/// Looks a field up by code.
pub fn field(code: &str) -> Option<&'static Field> {
    WENZHOU.iter().find(|f| f.code == code)
}

/// The Chinese label of a field or sub-field code, or the code itself if unknown.
pub fn label(code: &str) -> &str {
    if let Some(f) = field(code) {
        return f.label;
    }
    WENZHOU
        .iter()
        .flat_map(|f| f.sub_fields.iter())
        .find(|s| s.code == code)
        .map(|s| s.label)
        // Every profile has its own catalogue (issue 10): Shanghai's 脑机接口, Urumqi's 绿色算力 …
        .or_else(|| crate::catalogue::shipped().label(code))
        .unwrap_or(code)
}

/// Whether `sub` is a sub-field of `field_code`.
pub fn is_sub_field_of(sub: &str, field_code: &str) -> bool {
    field(field_code).is_some_and(|f| f.sub_fields.iter().any(|s| s.code == sub))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn five_emerging_plus_future() {
        assert_eq!(WENZHOU.iter().filter(|f| !f.future).count(), 5);
        assert!(is_sub_field_of("hydrogen", "new_energy"));
        assert!(!is_sub_field_of("hydrogen", "new_materials"));
        assert_eq!(label("smart_laser"), "智能激光");
        assert_eq!(label("life_health"), "生命健康");
        assert_eq!(label("nope"), "nope");
    }

    #[test]
    fn codes_are_unique() {
        let mut codes: Vec<&str> = WENZHOU.iter().map(|f| f.code).collect();
        codes.extend(WENZHOU.iter().flat_map(|f| f.sub_fields.iter().map(|s| s.code)));
        let n = codes.len();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), n);
    }
}
