//! Seeded synthetic instances for benchmarks and tests: fields with
//! sub-fields and Chinese keywords built from a per-field vocabulary plus a
//! shared one (so most pairs have a non-zero affinity, as with dense scores),
//! organisations of Zipf-like sizes (the ten largest, which host the centers
//! running the reviews, are strong in one field each), owner units that employ experts (so
//! same-unit conflicts are frequent), declared conflicts, team members,
//! availability, a blacklist; kinds about 45 % academic, 35 % industry, 20 %
//! investment. Same spec, same instance.

use super::model::{
    AffinityOverride, BlacklistEntry, DeclaredConflicts, Expert, Instance, Item, Options, PairConflict, Window,
};
use super::rounding::below;
use crate::expert::ExpertKind;
use chrono::NaiveDate;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeMap;

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spec {
    /// Items to review.
    pub items: usize,
    /// Experts in the library.
    pub experts: usize,
    /// Panel size.
    pub panel: u32,
    /// Every item needs ≥ 1 industry and ≥ 1 investment expert and at most half
    /// of its panel from the host unit of its center.
    pub composition: bool,
    /// Seed.
    pub seed: u64,
    /// Maximum load of every expert (`None`: about twice the average load, at least 2).
    pub max_load: Option<u32>,
    /// Give every pair an explicit score (uniform in [0, 1], six decimals), as
    /// a dense score matrix does, instead of computing it from fields and keywords.
    pub dense: bool,
}

const FIELDS: [(&str, [&str; 6], [&str; 12]); 8] = [
    ("电子信息", ["集成电路", "人工智能", "通信网络", "工业软件", "传感器", "光电子"], ["芯片", "封装", "算法", "模型", "视觉", "基站", "天线", "嵌入", "射频", "激光", "光纤", "存储"]),
    ("生物医药", ["创新药", "医疗器械", "诊断试剂", "基因治疗", "中药现代化", "疫苗"], ["靶点", "抗体", "蛋白", "细胞", "基因", "影像", "试剂", "制剂", "中药", "疫苗", "临床", "筛选"]),
    ("新材料", ["高分子材料", "金属材料", "陶瓷材料", "纳米材料", "复合材料", "电子材料"], ["石墨", "涂层", "合金", "陶瓷", "纤维", "薄膜", "纳米", "树脂", "粉末", "晶体", "焊接", "磁性"]),
    ("高端装备", ["数控机床", "机器人", "智能制造", "仪器仪表", "增材制造", "流体机械"], ["机床", "伺服", "减速", "焊接", "打印", "泵阀", "轴承", "控制", "检测", "夹具", "机械", "液压"]),
    ("新能源", ["锂电池", "光伏", "氢能", "风电", "储能", "智能电网"], ["电池", "电极", "隔膜", "光伏", "组件", "氢气", "燃料", "风机", "储能", "逆变", "电网", "充电"]),
    ("节能环保", ["水处理", "固废处理", "大气治理", "环境监测", "节能技术", "资源回收"], ["污水", "膜法", "固废", "焚烧", "脱硫", "催化", "监测", "回收", "余热", "节能", "土壤", "降解"]),
    ("现代农业", ["种业", "农机装备", "食品加工", "植物保护", "畜牧兽医", "水产养殖"], ["育种", "种子", "农机", "灌溉", "食品", "发酵", "农药", "肥料", "饲料", "兽药", "养殖", "保鲜"]),
    ("数字经济", ["大数据", "区块链", "工业互联网", "信息安全", "数字孪生", "云计算"], ["数据", "平台", "区块", "加密", "安全", "孪生", "云端", "边缘", "调度", "可视", "接口", "治理"]),
];
const SHARED: [&str; 10] = ["智能", "检测", "系统", "材料", "装置", "方法", "工艺", "设计", "优化", "应用"];

fn pick<'x, T>(rng: &mut ChaCha8Rng, list: &'x [T]) -> &'x T {
    &list[below(rng, list.len() as u64) as usize]
}

fn chance(rng: &mut ChaCha8Rng, percent: u64) -> bool {
    below(rng, 100) < percent
}

fn keyword(rng: &mut ChaCha8Rng, field: usize) -> String {
    let vocab = &FIELDS[field].2;
    let a = pick(rng, vocab);
    let b = if chance(rng, 50) { pick(rng, &SHARED) } else { pick(rng, vocab) };
    format!("{a}{b}")
}

/// An index drawn with weight `1 / (rank + 1)^0.8` (a few big units, many small ones).
fn zipf(rng: &mut ChaCha8Rng, cumulative: &[f64]) -> usize {
    let total = cumulative.last().copied().unwrap_or(1.0);
    let x = below(rng, 1 << 40) as f64 / (1u64 << 40) as f64 * total;
    cumulative.partition_point(|&c| c <= x).min(cumulative.len().saturating_sub(1))
}

/// Generates an instance.
pub fn generate(spec: &Spec) -> Instance {
    let mut rng = ChaCha8Rng::seed_from_u64(spec.seed);
    let r = &mut rng;
    let n_orgs = (spec.experts / 25).max(20);
    let orgs: Vec<String> = (0..n_orgs).map(|o| format!("单位{o:04}")).collect();
    let mut cumulative = Vec::with_capacity(n_orgs);
    let mut acc = 0.0;
    for o in 0..n_orgs {
        acc += 1.0 / ((o + 1) as f64).powf(0.8);
        cumulative.push(acc);
    }
    let seats = spec.items as u64 * u64::from(spec.panel);
    let max_load = spec.max_load.unwrap_or_else(|| ((2 * seats).div_ceil(spec.experts.max(1) as u64) as u32).max(2));
    let dates: Vec<NaiveDate> = (0..5).filter_map(|d| NaiveDate::from_ymd_opt(2026, 6, 8 + d * 7)).collect();

    let mut experts = Vec::with_capacity(spec.experts);
    for j in 0..spec.experts {
        let kind = match below(r, 100) {
            0..45 => ExpertKind::Academic,
            45..80 => ExpertKind::Industry,
            _ => ExpertKind::Investment,
        };
        let org = zipf(r, &cumulative);
        // The big units (which host the centers) are strong in one field.
        let f1 = if org < 10 && chance(r, 60) { org % FIELDS.len() } else { below(r, FIELDS.len() as u64) as usize };
        let mut fields = vec![f1];
        if chance(r, 25) {
            let f2 = below(r, FIELDS.len() as u64) as usize;
            if f2 != f1 {
                fields.push(f2);
            }
        }
        let mut sub_fields = Vec::new();
        let mut keywords = Vec::new();
        for &f in &fields {
            for _ in 0..1 + below(r, 2) {
                let s = pick(r, &FIELDS[f].1).to_string();
                if !sub_fields.contains(&s) {
                    sub_fields.push(s);
                }
            }
            for _ in 0..3 + below(r, 3) {
                keywords.push(keyword(r, f));
            }
        }
        let mut conflicts = DeclaredConflicts::default();
        if chance(r, 10) {
            conflicts.orgs.push(orgs[zipf(r, &cumulative)].clone());
        }
        if chance(r, 5) && spec.experts > 1 {
            conflicts.persons.push(format!("E{:05}", below(r, spec.experts as u64)));
        }
        let availability = chance(r, 10).then(|| {
            let d = *pick(r, &dates);
            vec![Window { from: d - chrono::Days::new(3), to: d + chrono::Days::new(10) }]
        });
        experts.push(Expert {
            id: format!("E{j:05}"),
            kind,
            org: orgs[org].clone(),
            fields: fields.iter().map(|&f| FIELDS[f].0.to_owned()).collect(),
            sub_fields,
            keywords,
            min_load: u32::from(chance(r, 5)),
            max_load,
            conflicts,
            availability,
        });
    }
    // The centers running the reviews, hosted by the largest units.
    let hosts: Vec<usize> = (0..n_orgs.min(10)).collect();
    let mut items = Vec::with_capacity(spec.items);
    let mut explicit = Vec::new();
    for i in 0..spec.items {
        let host = *pick(r, &hosts);
        let field = if spec.composition && chance(r, 40) { host % FIELDS.len() } else { below(r, FIELDS.len() as u64) as usize };
        let owner = if chance(r, 70) { orgs[zipf(r, &cumulative)].clone() } else { format!("企业{i:05}") };
        let mut sub_fields = vec![pick(r, &FIELDS[field].1).to_string()];
        if chance(r, 40) {
            let s = pick(r, &FIELDS[field].1).to_string();
            if !sub_fields.contains(&s) {
                sub_fields.push(s);
            }
        }
        let keywords: Vec<String> = (0..4 + below(r, 3)).map(|_| keyword(r, field)).collect();
        let mut team = vec![format!("P{i:05}")];
        for _ in 0..below(r, 3) {
            team.push(format!("E{:05}", below(r, spec.experts.max(1) as u64)));
        }
        let mut min_per_kind = BTreeMap::new();
        if spec.composition {
            min_per_kind.insert(ExpertKind::Industry, 1);
            min_per_kind.insert(ExpertKind::Investment, 1);
        }
        if chance(r, 2) && spec.experts > 0 {
            explicit.push(PairConflict {
                expert: format!("E{:05}", below(r, spec.experts as u64)),
                item: format!("I{i:05}"),
                reason: "近三年合作发表论文".to_owned(),
            });
        }
        items.push(Item {
            id: format!("I{i:05}"),
            panel_size: spec.panel,
            owner_org: owner,
            host_org: spec.composition.then(|| orgs[host].clone()),
            team,
            fields: vec![FIELDS[field].0.to_owned()],
            sub_fields,
            keywords,
            review_date: chance(r, 50).then(|| *pick(r, &dates)),
            min_per_kind,
            max_internal_share: spec.composition.then_some(0.5),
        });
    }
    let mut affinities = Vec::new();
    if spec.dense {
        affinities.reserve(spec.items * spec.experts);
        for i in 0..spec.items {
            for j in 0..spec.experts {
                let score = below(r, 1_000_001) as f64 / 1e6;
                affinities.push(AffinityOverride { item: format!("I{i:05}"), expert: format!("E{j:05}"), score });
            }
        }
    }
    let blacklist = (0..spec.experts)
        .filter(|_| chance(r, 1))
        .map(|j| BlacklistEntry { expert: format!("E{j:05}"), reason: "评审失信记录".to_owned() })
        .collect();
    Instance { items, experts, conflicts: explicit, blacklist, affinities, options: Options::default() }
}
