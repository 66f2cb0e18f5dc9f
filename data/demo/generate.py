#!/usr/bin/env python3
"""Generates the pocnet demo dataset (data/demo/wenzhou.json): a fictional
Wenzhou-like network. Deterministic: the same run writes the same bytes.
Every organisation, person and result here is invented."""
import json, random, os

rng = random.Random(20251017)
REGIONS = ["市本级", "鹿城区", "龙湾区", "瓯海区", "洞头区", "永嘉县", "平阳县", "苍南县", "文成县", "泰顺县", "瑞安市", "乐清市", "龙港市"]
FIELDS = {
    "digital_economy": ["cloud_big_data", "integrated_circuits"],
    "new_energy": ["advanced_batteries", "wind_power", "hydrogen", "energy_storage"],
    "life_health": ["eye_brain_health", "new_drugs", "medical_devices"],
    "smart_equipment": ["smart_electrical", "smart_laser", "industrial_robots"],
    "new_materials": ["advanced_polymers", "functional_materials"],
    "future_industries": ["artificial_intelligence", "humanoid_robots", "synthetic_biology", "cell_gene_therapy", "low_altitude_economy"],
}
FIELD_OF = {s: f for f, subs in FIELDS.items() for s in subs}
FIELD_LABEL = {"digital_economy": "数字经济", "new_energy": "新能源", "life_health": "生命健康", "smart_equipment": "智能装备", "new_materials": "新材料", "future_industries": "未来产业"}

orgs = []
def org(key, name, kind, region):
    orgs.append({"key": key, "name": name, "kind": kind, "region": region})
    return key

org("bureau", "温州市科学技术局（演示）", "bureau", "市本级")
for key, region in [("county_ruian", "瑞安市"), ("county_yueqing", "乐清市"), ("county_lucheng", "鹿城区"), ("county_longwan", "龙湾区"), ("county_ouhai", "瓯海区"), ("county_pingyang", "平阳县")]:
    org(key, f"{region}科学技术局（演示）", "county_department", region)
UNIVS = [("univ_demo", "瓯江理工大学", "鹿城区"), ("univ_med", "东瓯医科大学", "瓯海区"), ("univ_tech", "雁荡科技学院", "乐清市"), ("univ_normal", "南麂师范大学", "瓯海区"), ("univ_ocean", "洞头海洋职业技术学院", "洞头区")]
for k, n, r in UNIVS: org(k, n, "university", r)
INSTS = [("inst_materials", "温州东海新材料研究院", "龙湾区"), ("inst_laser", "瓯越激光与光电研究院", "龙湾区"), ("inst_bio", "江心屿合成生物研究所", "鹿城区"), ("inst_energy", "飞云江新能源研究院", "瑞安市")]
for k, n, r in INSTS: org(k, n, "research_institute", r)
HOSPS = [("hosp_eye", "瓯江眼视光医院", "鹿城区"), ("hosp_brain", "东瓯脑科医院", "瓯海区")]
for k, n, r in HOSPS: org(k, n, "hospital", r)
ENTS = [("ent_electric", "鹿湾智能电气有限公司", "乐清市"), ("ent_battery", "瓯能电池科技有限公司", "瑞安市"), ("ent_robot", "江滨工业机器人有限公司", "龙湾区"), ("ent_pump", "永嘉流体装备股份有限公司", "永嘉县"),
        ("ent_polymer", "龙港新材包装科技有限公司", "龙港市"), ("ent_chip", "瓯芯微电子有限公司", "龙湾区"), ("ent_drone", "雁南低空飞行器有限公司", "平阳县"), ("ent_pharma", "塘河生物医药有限公司", "瓯海区"),
        ("ent_wind", "东海风电装备有限公司", "洞头区"), ("ent_hydrogen", "苍南氢源科技有限公司", "苍南县"), ("ent_data", "瓯云数据科技有限公司", "鹿城区"), ("ent_device", "瓯康医疗器械有限公司", "瑞安市")]
for k, n, r in ENTS: org(k, n, "enterprise", r)
INCS = [("inc_valley", "温州科创谷孵化器（演示）", "瓯海区"), ("inc_port", "瓯江科创港孵化器（演示）", "龙湾区"), ("inc_yueqing", "乐清智造孵化园（演示）", "乐清市")]
for k, n, r in INCS: org(k, n, "incubator", r)
FUNDS = [("fund_demo", "瓯越科创投资基金管理有限公司", "市本级"), ("fund_angel", "江心天使投资合伙企业", "鹿城区"), ("fund_industry", "雁荡产业投资基金管理有限公司", "乐清市")]
for k, n, r in FUNDS: org(k, n, "investment_fund", r)
BANKS = [("bank_tech", "瓯江农商银行科技支行（演示）", "鹿城区"), ("bank_east", "东海商业银行温州科创支行（演示）", "龙湾区")]
for k, n, r in BANKS: org(k, n, "bank", r)

SURNAMES = "陈林黄张王李周吴郑徐胡叶潘金朱章谢蔡池钱孙方施应余戴卢"
GIVEN = ["明远", "晓峰", "思琪", "文博", "雅婷", "志强", "海燕", "建华", "子涵", "俊杰", "丽娟", "振宇", "一鸣", "慧敏", "家豪", "佳怡", "国栋", "雨桐", "立新", "若溪", "宏亮", "静怡", "浩然", "梦洁", "天宇", "秀英", "卫东", "欣然", "鹏飞", "书瑶"]
used_names = set()
def person():
    while True:
        n = rng.choice(SURNAMES) + rng.choice(GIVEN)
        if n not in used_names:
            used_names.add(n)
            return n

CENTERS_SPEC = [
    ("center_demo", "univ_demo", "poc_center", "智能装备", ["smart_equipment", "future_industries"], "recognized", "municipal", "2025-12-18", "面向智能电气、工业机器人和人形机器人成果，开展原理样机验证、可靠性测试与应用场景验证。"),
    ("center_med", "univ_med", "poc_center", "生命健康", ["life_health"], "key_cultivation", "provincial", "2025-06-30", "聚焦眼脑健康与高端医疗器械，提供临床前评价、医工融合验证与注册路径咨询。"),
    ("center_materials", "inst_materials", "poc_center", "新材料", ["new_materials"], "recognized", "municipal", "2025-12-18", "围绕先进高分子与功能材料，开展配方放大、性能检测与下游应用验证。"),
    ("center_laser", "inst_laser", "poc_center", "智能激光", ["smart_equipment", "digital_economy"], "recognized", "municipal", "2025-12-18", "提供激光器件、精密加工与光电检测的技术可行性与工艺验证。"),
    ("center_energy", "inst_energy", "poc_center", "新能源", ["new_energy"], "key_cultivation", "provincial", "2025-06-30", "覆盖前沿电池、氢能与新型储能，开展电化学性能、安全与成本验证。"),
    ("center_bio", "inst_bio", "poc_center", "合成生物", ["future_industries", "life_health"], "recognized", "municipal", "2026-01-20", "面向合成生物与细胞基因治疗，提供菌株构建、发酵放大与工艺验证服务。"),
    ("center_eye", "hosp_eye", "poc_center", "眼视光", ["life_health"], "recognized", "municipal", "2026-01-20", "以临床需求驱动眼健康器械与数字诊疗成果的概念验证。"),
    ("center_valley", "inc_valley", "poc_center", "数字经济", ["digital_economy", "future_industries"], "recognized", "municipal", "2026-01-20", "为入孵项目提供创意验证、可行性验证与商业性验证，优选人工智能与数据类项目。"),
    ("center_port", "inc_port", "poc_center", "低空经济", ["future_industries", "smart_equipment"], "recognized", "municipal", "2026-06-12", "面向低空飞行器与人形机器人，提供场景验证与适航、安全测试对接。"),
    ("center_tech", "univ_tech", "poc_center", "智能电气", ["smart_equipment", "new_energy"], "creating", "municipal", None, "依托电气学科，筹建面向乐清电气产业集群的概念验证中心。"),
    ("center_normal", "univ_normal", "poc_center", "人工智能", ["future_industries", "digital_economy"], "creating", "municipal", None, "筹建面向教育与行业大模型应用的概念验证中心。"),
    ("center_brain", "hosp_brain", "poc_center", "脑健康", ["life_health", "future_industries"], "creating", "municipal", None, "筹建面向脑疾病诊疗器械与数字疗法的概念验证中心。"),
    ("pilot_electric", "ent_electric", "pilot_platform", "智能电气", ["smart_equipment"], "recognized", "municipal", "2025-09-26", "提供低压电器与智能配电产品的小批量试制、型式试验与产线验证。"),
    ("pilot_battery", "ent_battery", "pilot_platform", "新型储能", ["new_energy"], "recognized", "provincial", "2025-06-30", "提供电芯与储能系统的中试线、工艺优化与量产前测试。"),
    ("pilot_materials", "inst_materials", "pilot_platform", "高分子材料", ["new_materials"], "creating", "municipal", None, "建设改性高分子材料中试线，承接概念验证后的工程化开发。"),
]
org_by_key = {o["key"]: o for o in orgs}
centers = []
for key, host, kind, label, fields, stage, level, rec, summary in CENTERS_SPEC:
    h = org_by_key[host]
    short = h["name"].replace("有限公司", "").replace("股份", "").replace("（演示）", "").replace("温州", "")
    suffix = "概念验证中心" if kind == "poc_center" else "中试平台"
    centers.append({"key": key, "name": f"温州市{short}{label}{suffix}", "kind": kind, "host": host, "region": h["region"], "level": level, "stage": stage,
                    "fields": fields, "admin_director": person(), "tech_director": person(), "recognized_on": rec, "summary": summary})

KEYWORDS = {
    "cloud_big_data": ["数据治理", "隐私计算", "云原生", "数据要素"], "integrated_circuits": ["功率器件", "芯片设计", "封装测试", "碳化硅"],
    "advanced_batteries": ["固态电池", "钠离子电池", "正极材料", "电池安全"], "wind_power": ["海上风电", "叶片材料", "变流器", "运维监测"],
    "hydrogen": ["电解水制氢", "燃料电池", "储氢材料", "加氢装备"], "energy_storage": ["储能系统", "液流电池", "电池管理", "热管理"],
    "eye_brain_health": ["近视防控", "眼底影像", "脑机接口", "神经调控"], "new_drugs": ["小分子药物", "抗体药物", "药物递送", "临床前评价"],
    "medical_devices": ["有源器械", "手术机器人", "体外诊断", "医用材料"], "smart_electrical": ["低压电器", "智能断路器", "配电物联网", "电能质量"],
    "smart_laser": ["超快激光", "激光焊接", "光纤激光器", "精密加工"], "industrial_robots": ["协作机器人", "机器视觉", "运动控制", "减速器"],
    "advanced_polymers": ["生物降解材料", "改性塑料", "高分子合成", "可回收包装"], "functional_materials": ["纳米涂层", "磁性材料", "导热材料", "光学薄膜"],
    "artificial_intelligence": ["大模型", "计算机视觉", "知识图谱", "边缘智能"], "humanoid_robots": ["灵巧手", "双足行走", "具身智能", "伺服关节"],
    "synthetic_biology": ["菌株构建", "生物制造", "酶工程", "发酵工艺"], "cell_gene_therapy": ["CAR-T", "基因编辑", "干细胞", "病毒载体"],
    "low_altitude_economy": ["无人机", "电动垂直起降", "低空通信", "飞控系统"],
}
ACADEMIC_ORGS = [k for k, _, _ in UNIVS] + [k for k, _, _ in INSTS] + [k for k, _, _ in HOSPS]
INDUSTRY_ORGS = [k for k, _, _ in ENTS]
INVEST_ORGS = [k for k, _, _ in FUNDS] + [k for k, _, _ in BANKS]
TITLES = {"academic": ["教授", "研究员", "副教授", "副研究员", "主任医师"], "industry": ["高级工程师", "总工程师", "技术总监", "研发中心主任", "正高级工程师"], "investment": ["投资总监", "合伙人", "投资经理", "风控总监", "科技金融部总经理"]}
experts = []
kinds = ["academic"] * 35 + ["industry"] * 28 + ["investment"] * 17
for i, kind in enumerate(kinds):
    pool = {"academic": ACADEMIC_ORGS, "industry": INDUSTRY_ORGS, "investment": INVEST_ORGS}[kind]
    o = "univ_demo" if i == 0 else rng.choice(pool)
    fields = rng.sample(sorted(FIELDS), rng.randint(2, 3)) if i else ["smart_equipment", "future_industries"]
    subs = sorted({rng.choice(FIELDS[f]) for f in fields})
    kws = sorted({k for s in subs for k in rng.sample(KEYWORDS[s], 2)})[:6]
    if len(kws) < 3:
        kws = (kws + KEYWORDS[subs[0]])[:3]
    bio = {"academic": "长期从事{}方向研究，主持多项国家和省级科技项目。", "industry": "在{}领域有十余年产品研发与产业化经验。", "investment": "专注{}方向早期科技项目投资，参与多个项目的验证后融资。"}[kind].format("、".join(FIELD_LABEL[f] for f in fields))
    experts.append({"key": "expert_demo" if i == 0 else f"expert_{i:03d}", "name": person(), "kind": kind, "org": o, "title": rng.choice(TITLES[kind]),
                    "fields": fields, "sub_fields": subs, "keywords": kws, "region": org_by_key[o]["region"], "bio": bio})

STEMS = {
    "cloud_big_data": ["面向中小制造企业的工业数据中台", "基于隐私计算的医疗数据可信流通平台", "多源异构政务数据智能治理系统", "鞋服产业链需求预测大数据平台", "港口物流云边协同调度系统", "低代码工业APP快速开发平台", "电力负荷数据驱动的能效诊断服务"],
    "integrated_circuits": ["车规级碳化硅功率模块封装技术", "低功耗物联网主控芯片设计", "高精度电流传感器专用芯片", "晶圆级先进封装热应力仿真方法", "智能断路器专用计量芯片", "氮化镓快充驱动集成电路", "芯片测试探针卡国产化技术"],
    "advanced_batteries": ["高镍三元正极材料低成本共沉淀制备技术", "硫化物固态电解质薄膜制备工艺", "钠离子电池层状氧化物正极材料", "锂金属负极界面保护涂层技术", "电池热失控早期预警传感技术", "硅碳复合负极材料规模化制备", "废旧动力电池梯次利用快速分选技术"],
    "wind_power": ["海上风电叶片前缘防腐蚀涂层", "大兆瓦风机主轴承状态监测系统", "漂浮式风电系泊缆健康评估技术", "风电变流器宽禁带器件应用方案", "风机叶片无人机智能巡检系统", "海上升压站腐蚀防护一体化技术"],
    "hydrogen": ["碱性电解水制氢高活性镍基电极", "质子交换膜燃料电池低铂催化剂", "固态储氢合金材料及储氢罐", "加氢站氢气泄漏智能监测装置", "光伏耦合离网制氢控制系统", "燃料电池双极板精密冲压工艺"],
    "energy_storage": ["全钒液流电池高性能离子膜", "工商业储能柜智能热管理系统", "储能电站电池簇均衡管理技术", "压缩空气储能高效换热器", "户用光储一体机能量管理算法", "储能系统消防抑爆一体化装置"],
    "eye_brain_health": ["基于深度学习的眼底病变早筛系统", "儿童近视离焦防控镜片设计", "便携式眼压连续监测装置", "阿尔茨海默病血液标志物检测方法", "非侵入式脑机接口康复训练系统", "青光眼视野智能评估软件", "经颅磁刺激精准定位导航系统"],
    "new_drugs": ["新型口服降糖小分子候选药物", "靶向肿瘤的抗体偶联药物连接子技术", "眼科缓释微球注射制剂", "中药活性成分纳米递送系统", "抗耐药菌新型抗菌肽", "治疗干眼症的滴眼液新配方"],
    "medical_devices": ["腹腔镜手术机器人力反馈器械", "一次性电子内窥镜", "多联检化学发光即时检测仪", "可降解镁合金骨科内固定器械", "智能输液泵闭环控制系统", "穿戴式心电连续监测贴片", "超声引导穿刺定位辅助装置"],
    "smart_electrical": ["物联网智能微型断路器", "低压配电柜数字孪生运维系统", "直流固态断路器快速分断技术", "电弧故障检测算法及模块", "光伏直流侧智能关断器", "配电变压器在线监测终端", "智能电表非侵入式负荷辨识"],
    "smart_laser": ["飞秒激光玻璃精密切割工艺", "动力电池极耳激光焊接质量在线检测", "高功率光纤激光器泵浦合束器", "激光清洗船舶除锈装备", "激光熔覆耐磨涂层修复技术", "紫外激光打标智能控制系统"],
    "industrial_robots": ["协作机器人一体化关节模组", "基于视觉的无序抓取机器人系统", "鞋面自动涂胶机器人", "阀门装配柔性机器人工作站", "精密RV减速器国产化设计", "焊接机器人焊缝自动跟踪技术", "移动复合机器人柔性上下料系统"],
    "advanced_polymers": ["全生物降解地膜专用改性材料", "可回收单一材质软包装薄膜", "高阻隔聚酯瓶涂层技术", "低VOC水性聚氨酯合成革树脂", "耐高温尼龙改性电气绝缘材料", "生物基聚酰胺合成工艺"],
    "functional_materials": ["石墨烯导热界面材料", "超疏水自清洁纳米涂层", "高性能钕铁硼磁体晶界扩散技术", "柔性透明导电薄膜", "电磁屏蔽吸波复合材料", "光学级聚酰亚胺薄膜制备"],
    "artificial_intelligence": ["面向电气制造的工业质检视觉大模型", "基层医疗智能问诊辅助系统", "多模态法律文书智能审查平台", "中小学作业智能批改与学情分析系统", "城市交通信号自适应优化算法", "纺织面料瑕疵智能检测系统", "边缘端轻量化语音识别模块"],
    "humanoid_robots": ["人形机器人高自由度灵巧手", "双足机器人动态平衡控制算法", "服务型人形机器人具身智能系统", "高扭矩密度伺服关节模组", "人形机器人触觉感知电子皮肤", "人形机器人远程遥操作示教系统"],
    "synthetic_biology": ["高产麦角硫因工程菌株构建", "生物法合成高值化妆品原料", "酶法合成手性药物中间体", "秸秆纤维素高效糖化酶制剂", "微生物合成可降解PHA材料", "合成生物学香料发酵工艺"],
    "cell_gene_therapy": ["通用型CAR-T细胞制备工艺", "间充质干细胞治疗膝骨关节炎", "腺相关病毒载体高效纯化技术", "碱基编辑治疗遗传性眼病方案", "类器官药物筛选平台", "NK细胞规模化扩增培养体系"],
    "low_altitude_economy": ["城市物流无人机自动起降柜", "电动垂直起降飞行器分布式电推进系统", "低空飞行器5G-A通感一体监视系统", "农林植保无人机精准变量喷洒", "无人机集群协同巡检调度平台", "海岛应急医疗物资无人机配送系统"],
}
SOURCE_OF_KIND = {"university": "university", "research_institute": "research_institute", "hospital": "hospital", "enterprise": "enterprise", "incubator": "enterprise"}
OWNERS = {"university": [k for k, _, _ in UNIVS], "research_institute": [k for k, _, _ in INSTS], "hospital": [k for k, _, _ in HOSPS], "enterprise": [k for k, _, _ in ENTS]}
STATES = ["submitted"] * 20 + ["screening"] * 20 + ["admitted"] * 35 + ["rejected"] * 12 + ["verifying"] * 30 + ["verified"] * 18 + ["handed_off"] * 8 + ["stopped"] * 7
TRL = {"submitted": (2, 4), "screening": (2, 4), "rejected": (2, 4), "admitted": (3, 5), "stopped": (3, 5), "verifying": (4, 6), "verified": (5, 7), "handed_off": (5, 7)}
SECRETS = ["关键工艺参数窗口与良率数据仅限项目团队掌握", "核心配方配比与原料供应商信息", "已与意向客户签订保密协议的试用数据", "未公开的对比实验结果与失效分析报告", "产线改造方案及设备选型清单", "拟申请专利的技术细节与权利要求草案"]
poc_centers = [c for c in centers if c["kind"] == "poc_center"]
all_stems = [(s, t) for s, ts in STEMS.items() for t in ts]
rng.shuffle(all_stems)
results = []
seen = set()
for i, state in enumerate(STATES):
    sub, stem = all_stems[i % len(all_stems)]
    title = stem if stem not in seen else stem + "（二期）"
    seen.add(title)
    field = FIELD_OF[sub]
    if i < 12:
        owner, source = "univ_demo", "university"
    else:
        source = rng.choice(["university", "university", "research_institute", "hospital", "enterprise", "pushed_list", "county_scouting"])
        kind = source if source in OWNERS else rng.choice(["university", "research_institute", "enterprise"])
        owner = rng.choice(OWNERS[kind])
    if i % 8 == 0 or (i < 40 and field in ("smart_equipment", "future_industries")):
        center = "center_demo"
    else:
        fitting = [c["key"] for c in poc_centers if field in c["fields"]] or [c["key"] for c in poc_centers]
        center = rng.choice(fitting)
    if state == "submitted" and i % 3 == 0:
        center = None
    lo, hi = TRL[state]
    team = [person() for _ in range(rng.randint(2, 5))]
    patents = [{"number": f"CN{rng.randint(2021, 2025)}{rng.randint(10000000, 99999999)}.{rng.randint(0, 9)}", "status": rng.choice(["filed", "granted"])} for _ in range(rng.randint(0, 3))]
    month = rng.randint(0, 16)
    y, m = 2025 + (5 + month) // 12, (5 + month) % 12 + 1
    day = rng.randint(1, 28) if (y, m) != (2026, 11) else rng.randint(1, 15)
    summary = f"本成果面向{FIELD_LABEL[field]}领域的实际需求，{stem}已完成实验室阶段研究。拟通过概念验证进一步明确技术可行性、应用场景与市场前景。"
    results.append({"key": f"result_{i:03d}", "title": title, "summary": summary, "secret_summary": rng.choice(SECRETS) + "。",
                    "field": field, "sub_field": sub, "source": source, "owner_org": owner, "center": center, "state": state,
                    "trl": rng.randint(lo, hi), "team": team, "patents": patents, "submitted_on": f"{y:04d}-{m:02d}-{day:02d}"})

# --- checks ---
def unique(items, attr):
    vals = [x[attr] for x in items]
    assert len(vals) == len(set(vals)), f"duplicate {attr}"
for coll in (orgs, centers, experts, results):
    unique(coll, "key")
unique(orgs, "name"); unique(centers, "name"); unique(results, "title")
okeys = {o["key"] for o in orgs}; ckeys = {c["key"] for c in centers}
for c in centers: assert c["host"] in okeys and c["region"] in REGIONS
for e in experts:
    assert e["org"] in okeys and all(FIELD_OF[s] in e["fields"] for s in e["sub_fields"])
for r in results:
    assert r["owner_org"] in okeys and (r["center"] is None or r["center"] in ckeys) and FIELD_OF[r["sub_field"]] == r["field"]
    assert r["state"] == "submitted" or r["center"]
assert len(experts) == 80 and len(results) == 150 and len([c for c in centers if c["kind"] == "poc_center"]) == 12
assert sum(r["owner_org"] == "univ_demo" for r in results) >= 10 and sum(r["center"] == "center_demo" for r in results) >= 15
for k in ("center_demo", "expert_demo", "univ_demo", "fund_demo", "county_ruian"):
    assert k in okeys | ckeys | {e["key"] for e in experts}, k

out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "wenzhou.json")
with open(out, "w", encoding="utf-8") as f:
    json.dump({"organisations": orgs, "centers": centers, "experts": experts, "results": results}, f, ensure_ascii=False, indent=1)
    f.write("\n")
print(f"wrote {out}: {len(orgs)} organisations, {len(centers)} centers, {len(experts)} experts, {len(results)} results")
