//! `pocnet import results`: a list of research results into a center's
//! intake — whole, or (with any bad row) not at all. Runs on a temporary
//! SQLite file, or on a fresh PostgreSQL database when
//! `POCNET_TEST_DATABASE_URL` names a server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pocnet_domain::center::CenterKind;
use pocnet_domain::org::OrgDraft;
use pocnet_store::centers::{self, CenterDraft};
use pocnet_store::{orgs, Actor, Store};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A migrated database with two owning units, a PoC center and a pilot platform.
struct Env {
    dir: tempfile::TempDir,
    url: String,
    center: i64,
    pilot: i64,
}

const HEADER: &str = "成果编号,成果名称,成果简介,保密内容,产业领域,细分领域,成果来源,所属单位,研发团队,知识产权,技术就绪度,就绪度依据,成果阶段,商业秘密部分";

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

impl Env {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let url = match std::env::var("POCNET_TEST_DATABASE_URL") {
            Ok(admin_url) => {
                let name = format!("pocnet_test_{}", &pocnet_store::sessions::new_token()[..16]);
                runtime().block_on(async {
                    let admin = Store::connect(&admin_url, 1).await.unwrap();
                    sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin.pool()).await.unwrap();
                    admin.close().await;
                });
                let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b).to_owned();
                format!("{base}/{name}")
            }
            Err(_) => format!("sqlite://{}", dir.path().join("pocnet.db").display()),
        };
        let (center, pilot) = runtime().block_on(async {
            let store = Store::connect(&url, 1).await.unwrap();
            store.migrate().await.unwrap();
            let actor = Actor::system("test");
            let now = chrono::Utc::now();
            let mut tx = store.write().await.unwrap();
            let mut ids = Vec::new();
            for (name, kind) in [("温州测试大学", "university"), ("瓯江测试研究院", "research_institute")] {
                ids.push(orgs::create(&mut tx, &actor, now, &OrgDraft::parse(name, kind, "鹿城区").unwrap()).await.unwrap().id);
            }
            let draft = |name: &str, kind| CenterDraft {
                name: name.into(),
                kind,
                fields: vec!["new_energy".into()],
                admin_director: "王主任".into(),
                tech_director: "李主任".into(),
                summary: "测试".into(),
                floor_area_m2: None,
            };
            let center = centers::create(&mut tx, &actor, now, ids[0], &draft("测试概念验证中心", CenterKind::PocCenter)).await.unwrap().id;
            let pilot = centers::create(&mut tx, &actor, now, ids[1], &draft("测试中试平台", CenterKind::PilotPlatform)).await.unwrap().id;
            tx.commit().await.unwrap();
            store.close().await;
            (center, pilot)
        });
        Self { dir, url, center: center.get(), pilot: pilot.get() }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn pocnet(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_pocnet"))
            .arg("--data-dir")
            .arg(self.dir.path())
            .arg("--database-url")
            .arg(&self.url)
            .args(args)
            .env_remove("POCNET_DATABASE_URL")
            .env("POCNET_LOG", "warn")
            .output()
            .expect("run pocnet")
    }

    fn import(&self, file: &Path, extra: &[&str]) -> Output {
        let center = self.center.to_string();
        let mut args = vec!["import", "results", file.to_str().unwrap(), "--center", &center];
        args.extend_from_slice(extra);
        self.pocnet(&args)
    }

    fn count(&self, sql: &str) -> i64 {
        runtime().block_on(async {
            let store = Store::connect(&self.url, 1).await.unwrap();
            let n: i64 = sqlx::query_scalar(sql).fetch_one(store.pool()).await.unwrap();
            store.close().await;
            n
        })
    }
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// Three good rows: codes and labels, lists in one cell, a quoted cell with a comma and a line break.
fn good_csv() -> String {
    [
        HEADER,
        "WZU-001,高安全固态锂电池电解质,一种高离子电导率的硫化物固态电解质及其制备方法。,配方比例,新能源,前沿电池,高校,温州测试大学,张伟、李娜,CN202511140438.4:已授权；ZL202310123456.7,5,第三方检测报告,样品/样机阶段,知识产权",
        "WZU-002,眼底影像智能筛查系统,\"基于深度学习的眼底影像筛查系统，可识别糖网病变,\n已在两家医院试用。\",,life_health,eye_brain_health,hospital,瓯江测试研究院,陈明,,6,医院试用报告,pilot,\"team,trl_evidence\"",
        "WZU-003,海上风电叶片健康监测方法,利用光纤传感监测风电叶片的应变与损伤情况。,,新能源,新一代风电,科研院所,瓯江测试研究院,周杰；吴昊,,3,,,",
    ]
    .join("\n")
}

#[test]
fn a_good_file_imports_every_row_as_submitted_with_one_step_each() {
    let env = Env::new();
    let file = env.write("good.csv", &good_csv());
    let out = env.import(&file, &["--submitted-on", "2026-03-02"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("imported 3 results"), "{}", text(&out));
    assert_eq!(env.count("SELECT COUNT(*) FROM research_results WHERE state = 'submitted' AND submitted_on = '2026-03-02'"), 3);
    assert_eq!(env.count("SELECT COUNT(*) FROM result_steps WHERE action = 'submit' AND to_state = 'submitted'"), 3);
    assert_eq!(env.count("SELECT COUNT(DISTINCT result_id) FROM result_steps"), 3);
    assert_eq!(env.count("SELECT COUNT(*) FROM audit_events WHERE action = 'result.import'"), 1);
    assert_eq!(
        env.count("SELECT COUNT(*) FROM research_results WHERE ref_no = 'WZU-002' AND stage = 'pilot' AND secret_parts = '[\"team\",\"trl_evidence\"]' AND summary LIKE '%糖网病变,\n已在%'"),
        1
    );
    assert_eq!(
        env.count("SELECT COUNT(*) FROM research_results WHERE ref_no = 'WZU-001' AND patents = '[{\"number\":\"CN202511140438.4\",\"status\":\"granted\"},{\"number\":\"ZL202310123456.7\",\"status\":\"filed\"}]'"),
        1
    );
}

#[test]
fn an_xlsx_and_a_gbk_csv_are_read_too() {
    let env = Env::new();
    let rows: Vec<Vec<String>> = good_csv().lines().take(2).map(|l| l.split(',').map(str::to_owned).collect()).collect();
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if r == 1 && c == 10 {
                ws.write_number(r as u32, c as u16, 5.0).unwrap();
            } else {
                ws.write_string(r as u32, c as u16, v).unwrap();
            }
        }
    }
    let xlsx = env.path("list.xlsx");
    wb.save(&xlsx).unwrap();
    let out = env.import(&xlsx, &[]);
    assert!(out.status.success(), "{}", text(&out));

    let csv = good_csv().replace("WZU-", "GBK-");
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(&csv);
    assert!(!unmappable);
    let file = env.path("gbk.csv");
    std::fs::write(&file, &gbk).unwrap();
    let out = env.import(&file, &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(env.count("SELECT COUNT(*) FROM research_results WHERE title = '眼底影像智能筛查系统'"), 1);
    assert_eq!(env.count("SELECT COUNT(*) FROM research_results"), 4);
}

#[test]
fn a_file_with_bad_rows_imports_nothing_and_reports_each_row_and_column() {
    let env = Env::new();
    let mut lines: Vec<String> = good_csv().lines().map(str::to_owned).collect();
    lines.push("WZU-004,合格的一行吗,这一行的技术就绪度超出了范围。,,新能源,氢能,企业,温州测试大学,郑华,,12,,,".into());
    lines.push("WZU-005,未登记单位的成果,所属单位在平台上尚未登记。,,新能源,氢能,企业,不存在的公司,郑华,一项专利,3,,,".into());
    lines.push("WZU-001,重复的编号,成果编号与第二行相同的一行。,,新能源,前沿电池,高校,温州测试大学,郑华,,2,,,".into());
    let file = env.write("bad.csv", &lines.join("\r\n"));
    let report = env.path("report.csv");
    let out = env.import(&file, &["--report", report.to_str().unwrap()]);
    assert!(!out.status.success());
    let shown = text(&out);
    for needle in [
        // Row 3's summary holds a line break: Excel shows that record as one row.
        "第5行 技术就绪度",
        "第6行 所属单位：所属单位“不存在的公司”尚未登记",
        "第6行 知识产权",
        "第7行 成果编号：成果编号“WZU-001”与第2行重复",
        "4 problem(s) in 3 of 6 rows",
        "nothing was imported",
    ] {
        assert!(shown.contains(needle), "{needle} in {shown}");
    }
    assert!(!shown.contains("第2行 ") && !shown.contains("第4行 "), "good rows are not reported: {shown}");
    let written = std::fs::read_to_string(&report).unwrap();
    assert!(written.starts_with("\u{FEFF}行号,列,代码,问题"), "{written}");
    assert!(written.contains("5,技术就绪度,out_of_range,") && written.contains("6,所属单位,unknown_organisation,"), "{written}");
    assert_eq!(env.count("SELECT COUNT(*) FROM research_results"), 0);
    assert_eq!(env.count("SELECT COUNT(*) FROM result_steps"), 0);

    let xlsx_report = env.path("report.xlsx");
    let out = env.import(&file, &["--report", xlsx_report.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(std::fs::metadata(&xlsx_report).unwrap().len() > 0);
}

#[test]
fn wrong_or_missing_columns_are_refused_before_any_row_is_read() {
    let env = Env::new();
    let header = HEADER.replace(",技术就绪度,", ",备注,").replace("所属单位", "单位");
    let file = env.write("columns.csv", &format!("{header}\n这一行,本来就不对,,,,,,,,,,,,"));
    let out = env.import(&file, &[]);
    assert!(!out.status.success());
    let shown = text(&out);
    for needle in ["缺少必需的列：所属单位、技术就绪度", "无法识别的列：单位、备注", "no row was read", "成果编号 (ref_no)", "商业秘密部分 (secret_parts)"] {
        assert!(shown.contains(needle), "{needle} in {shown}");
    }
    assert!(!shown.contains("第2行"), "{shown}");

    let codes = env.write("codes.csv", &good_csv().replacen(HEADER, "ref_no,title,summary,secret_summary,field,sub_field,source,owner,team,patents,trl,trl_evidence,stage,secret_parts", 1));
    let out = env.import(&codes, &[]);
    assert!(out.status.success(), "English codes are headers too: {}", text(&out));
}

#[test]
fn a_dry_run_checks_everything_and_writes_nothing() {
    let env = Env::new();
    let file = env.write("good.csv", &good_csv());
    let out = env.import(&file, &["--dry-run"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("dry run: all 3 rows") && text(&out).contains("nothing was written"), "{}", text(&out));
    assert_eq!(env.count("SELECT COUNT(*) FROM research_results"), 0);
    assert_eq!(env.count("SELECT COUNT(*) FROM audit_events WHERE action = 'result.import'"), 0);

    let bad = env.write("bad.csv", &good_csv().replace(",5,", ",0,"));
    let out = env.import(&bad, &["--dry-run"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("第2行 技术就绪度"), "{}", text(&out));
}

#[test]
fn the_same_file_twice_is_refused_by_its_ref_nos() {
    let env = Env::new();
    let file = env.write("good.csv", &good_csv());
    assert!(env.import(&file, &[]).status.success());
    let out = env.import(&file, &[]);
    assert!(!out.status.success());
    let shown = text(&out);
    assert!(shown.contains("第2行 成果编号：成果编号“WZU-001”已在该中心的项目库中"), "{shown}");
    assert!(shown.contains("3 problem(s) in 3 of 3 rows"), "{shown}");
    assert_eq!(env.count("SELECT COUNT(*) FROM research_results"), 3);
}

#[test]
fn only_an_existing_proof_of_concept_center_takes_results() {
    let env = Env::new();
    let file = env.write("good.csv", &good_csv());
    let pilot = env.pilot.to_string();
    let out = env.pocnet(&["import", "results", file.to_str().unwrap(), "--center", &pilot]);
    assert!(!out.status.success());
    assert!(text(&out).contains("not a proof-of-concept center"), "{}", text(&out));
    let out = env.pocnet(&["import", "results", file.to_str().unwrap(), "--center", "9999"]);
    assert!(!out.status.success());
    assert!(text(&out).contains("center 9999 does not exist"), "{}", text(&out));
    let out = env.import(&env.write("list.txt", "x"), &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains(".xlsx or a .csv"), "{}", text(&out));
    // A revoked center takes nothing.
    runtime().block_on(async {
        let store = Store::connect(&env.url, 1).await.unwrap();
        sqlx::query("UPDATE centers SET status = 'revoked' WHERE id = $1").bind(env.center).execute(store.pool()).await.unwrap();
        store.close().await;
    });
    let out = env.import(&file, &[]);
    assert!(!out.status.success());
    assert!(text(&out).contains("no longer in the register"), "{}", text(&out));
    assert_eq!(env.count("SELECT COUNT(*) FROM research_results"), 0);
}

#[test]
fn a_list_of_50000_rows_imports_completely() {
    let env = Env::new();
    let fields = [("新能源", "氢能"), ("life_health", "new_drugs"), ("智能装备", "工业机器人"), ("未来产业", "低空经济")];
    let mut csv = String::with_capacity(50_000 * 200);
    csv.push_str(HEADER);
    for n in 0..50_000 {
        let (field, sub) = fields[n % fields.len()];
        let owner = if n % 3 == 0 { "瓯江测试研究院" } else { "温州测试大学" };
        let trl = n % 9 + 1;
        let (evidence, stage) = if trl >= 4 { ("样机测试记录", "样机") } else { ("", "") };
        csv.push_str(&format!(
            "\nBIG-{n:06},第{n}号成果的关键技术,面向产业需求的第{n}号科技成果的简介。,,{field},{sub},高校,{owner},张伟、李娜,CN2025{:07}1.{}:已授权,{trl},{evidence},{stage},",
            n % 10_000_000,
            n % 10
        ));
    }
    let file = env.write("big.csv", &csv);
    let out = env.import(&file, &[]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("imported 50000 results"), "{}", text(&out));
    assert_eq!(env.count("SELECT COUNT(*) FROM research_results WHERE state = 'submitted'"), 50_000);
    assert_eq!(env.count("SELECT COUNT(*) FROM result_steps"), 50_000);
    assert_eq!(env.count("SELECT COUNT(DISTINCT ref_no) FROM research_results"), 50_000);
    assert_eq!(env.count("SELECT COUNT(*) FROM audit_events WHERE action = 'result.import'"), 1);
}

#[test]
fn bench_import_generates_a_list_and_imports_it_into_a_throwaway_database() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pocnet"))
        .args(["--data-dir", dir.path().to_str().unwrap(), "bench", "import", "--rows", "400"])
        .env_remove("POCNET_DATABASE_URL")
        .env("POCNET_LOG", "warn")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    for needle in ["400 rows × 14 columns", "read .xlsx", "insert + commit", "imported 400 rows", "peak memory"] {
        assert!(shown.contains(needle), "{needle} in {shown}");
    }
    assert!(!dir.path().join("pocnet.db").exists(), "the data directory is left alone");
}
