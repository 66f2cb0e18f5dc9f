//! The `pocnet` binary as an administrator uses it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::text;

use std::process::Output;

fn pocnet(data_dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    common::run(data_dir, None, args, stdin)
}


#[test]
fn a_password_on_the_command_line_is_refused_and_nothing_is_created() {
    let dir = tempfile::tempdir().unwrap();
    let out = pocnet(dir.path(), &["user", "add", "--username", "chief", "--role", "bureau", "--password", "secret-secret"], "");
    assert!(!out.status.success());
    assert!(text(&out).contains("not accepted on the command line"), "{}", text(&out));
    let list = pocnet(dir.path(), &["user", "list"], "");
    assert!(text(&list).contains("0 account(s)"), "{}", text(&list));
}

#[test]
fn user_add_reads_the_password_from_stdin_and_checks_it() {
    let dir = tempfile::tempdir().unwrap();
    let weak = pocnet(dir.path(), &["user", "add", "--username", "chief", "--role", "bureau"], "short\n");
    assert!(!weak.status.success());
    assert!(text(&weak).contains("密码至少需要10个字符"), "{}", text(&weak));

    let ok = pocnet(dir.path(), &["user", "add", "--username", "chief", "--role", "bureau"], "a-long-enough-secret\n");
    assert!(ok.status.success(), "{}", text(&ok));
    assert!(text(&ok).contains("added chief"));

    let county = pocnet(dir.path(), &["user", "add", "--username", "lihua", "--role", "county"], "another-long-secret\n");
    assert!(!county.status.success(), "a county account needs its organisation");
    assert!(text(&county).contains("--org is required"));

    let org = pocnet(dir.path(), &["org", "add", "--name", "瑞安市科学技术局", "--kind", "county_department", "--region", "瑞安市"], "");
    assert!(org.status.success(), "{}", text(&org));
    let county = pocnet(dir.path(), &["user", "add", "--username", "lihua", "--role", "county", "--org", "瑞安市科学技术局"], "another-long-secret\n");
    assert!(county.status.success(), "{}", text(&county));
    let list = text(&pocnet(dir.path(), &["user", "list"], ""));
    assert!(list.contains("chief") && list.contains("lihua") && list.contains("2 account(s)"), "{list}");
}

#[test]
fn a_database_of_a_newer_schema_makes_the_binary_refuse_to_run() {
    let dir = tempfile::tempdir().unwrap();
    assert!(pocnet(dir.path(), &["migrate"], "").status.success());
    // A later pocnet applied a migration this one does not know.
    let db = dir.path().join("pocnet.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = pocnet_store::Store::connect(&format!("sqlite://{}", db.display()), 1).await.unwrap();
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (99990101000000, 'future', TRUE, x'00', 0)",
        )
        .execute(store.pool())
        .await
        .unwrap();
        store.close().await;
    });
    let out = pocnet(dir.path(), &["serve", "--listen", "127.0.0.1:0"], "");
    assert!(!out.status.success());
    assert!(text(&out).contains("newer than this pocnet"), "{}", text(&out));
}

#[test]
fn help_describes_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = text(&pocnet(dir.path(), &["--help"], ""));
    for cmd in ["serve", "migrate", "user", "org", "demo", "panels", "bench"] {
        assert!(out.contains(cmd), "{cmd} in help: {out}");
    }
    let serve = text(&pocnet(dir.path(), &["serve", "--help"], ""));
    assert!(serve.contains("--listen") && serve.contains("--demo"));
}

#[test]
fn the_calendar_answers_from_the_shipped_schedule_and_refuses_uncovered_years() {
    let dir = tempfile::tempdir().unwrap();
    let out = pocnet(dir.path(), &["calendar", "is-working-day", "2026-10-10"], "");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "true", "make-up Saturday");
    let out = pocnet(dir.path(), &["calendar", "is-working-day", "2026-10-05"], "");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "false", "National Day");
    let out = pocnet(dir.path(), &["calendar", "add-working-days", "--from", "2025-09-26", "--days", "5"], "");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "2025-10-10");
    let out = pocnet(dir.path(), &["calendar", "is-working-day", "2027-01-04"], "");
    assert!(!out.status.success());
    assert!(text(&out).contains("2027"), "{}", text(&out));
}

#[test]
fn a_bureaus_calendar_in_the_data_directory_is_used_and_checked() {
    let dir = tempfile::tempdir().unwrap();
    let shipped = include_str!("../../../data/calendar/cn-state-council.toml");
    let extended = format!(
        "{shipped}\n[[year]]\nyear = 2027\nnotice = \"测试通知\"\nholidays = [\"2027-01-01\"]\nmakeup_working_days = []\n"
    );
    std::fs::write(dir.path().join("calendar.toml"), extended).unwrap();
    let out = pocnet(dir.path(), &["calendar", "is-working-day", "2027-01-01"], "");
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "false", "{}", text(&out));

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[[year]]\nyear = 2027\nnotice = \"x\"\nholidays = [\"2027-13-01\"]\nmakeup_working_days = [\"2027-03-03\"]\n").unwrap();
    let out = pocnet(dir.path(), &["calendar", "check", bad.to_str().unwrap()], "");
    assert!(!out.status.success());
    let msg = text(&out);
    assert!(msg.contains("line 4") && msg.contains("line 5"), "{msg}");
}

#[test]
fn policy_list_shows_shipped_and_local_profiles_and_check_reports_lines() {
    let dir = tempfile::tempdir().unwrap();
    let out = text(&pocnet(dir.path(), &["policy", "list"], ""));
    assert!(out.contains("wenzhou-municipal-2025") && out.contains("urumqi-2026"), "{out}");

    let shipped = include_str!("../../../policies/wenzhou-municipal-2025.toml");
    std::fs::create_dir_all(dir.path().join("policies")).unwrap();
    let amended = shipped.replace("version = 1", "version = 2");
    std::fs::write(dir.path().join("policies/wenzhou-municipal-2025.toml"), amended).unwrap();
    let out = text(&pocnet(dir.path(), &["policy", "list"], ""));
    assert!(out.contains("v2") && out.contains("policies/wenzhou-municipal-2025.toml"), "{out}");

    let good = dir.path().join("policies/wenzhou-municipal-2025.toml");
    let ok = pocnet(dir.path(), &["policy", "check", good.to_str().unwrap()], "");
    assert!(ok.status.success(), "{}", text(&ok));

    let bad = dir.path().join("wenzhou-municipal-2025.toml");
    std::fs::write(&bad, shipped.replace("threshold = 40", "threshold = -40").replace("counting = \"working_days\"", "counting = \"weeks\"")).unwrap();
    let out = pocnet(dir.path(), &["policy", "check", bad.to_str().unwrap()], "");
    assert!(!out.status.success());
    let msg = text(&out);
    assert!(msg.contains("2 problem(s)") && msg.contains("negative") && msg.contains("notice.counting"), "{msg}");
    assert!(msg.contains(": line "), "{msg}");
}

#[test]
fn policy_eligibility_checks_a_demo_center_and_explains_each_criterion() {
    let dir = tempfile::tempdir().unwrap();
    let load = pocnet(dir.path(), &["demo", "load"], "");
    assert!(load.status.success(), "{}", text(&load));
    // Center 1 declares 80万元 of special funds for 2025 (replacing the demo's), without evidence.
    let db = dir.path().join("pocnet.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let store = pocnet_store::Store::connect(&format!("sqlite://{}", db.display()), 1).await.unwrap();
        let mut tx = store.write().await.unwrap();
        for sql in [
            "DELETE FROM center_finances WHERE center_id = 1 AND kind = 'special_funds'",
            "DELETE FROM center_documents WHERE center_id = 1 AND topic = 'special_funds_per_year_yuan'",
        ] {
            sqlx::query(sql).execute(&mut *tx).await.unwrap();
        }
        let edit = pocnet_store::registry::FileEdit::AddFinance {
            kind: "special_funds",
            year: Some(2025),
            name: "2025年度概念验证专项资金".into(),
            amount_yuan: pocnet_domain::money::Yuan::new(800_000),
        };
        pocnet_store::registry::edit(&mut tx, &pocnet_store::Actor::system("test"), chrono::Utc::now(), 1.into(), None, &edit).await.unwrap();
        tx.commit().await.unwrap();
        store.close().await;
    });

    let args = ["policy", "eligibility", "--center", "1", "--profile", "wenzhou-municipal-2025", "--kind", "recognition"];
    let out = pocnet(dir.path(), &args, "");
    assert!(out.status.success(), "a check that ran exits 0, eligible or not: {}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    for needle in [
        "累计入库项目数量",
        "概念验证服务顾问专家团队人数",
        "建设主体为在温州市内注册登记且具有独立法人资格的单位",
        "二(二)",
        "二(三)",
        "二(五)",
        "缺少证明材料",
        // 000 指引 二(二) "每年…": the lowest year is compared (issue 10).
        "专项资金最低年度：80万元，要求不少于100万元",
        "未上传证明材料",
        "结论：不符合",
    ] {
        assert!(shown.contains(needle), "{needle} in:\n{shown}");
    }
    assert!(shown.contains("满足 ") && shown.contains("项，不满足 ") && shown.contains("项，缺少证明材料 "), "{shown}");

    let mut json_args = args.to_vec();
    json_args.push("--json");
    let out = pocnet(dir.path(), &json_args, "");
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let criteria = v["criteria"].as_array().expect("criteria array");
    assert_eq!(criteria.len(), 15, "with 已纳入创建名单 (方案三(二))");
    assert_eq!(v["profile_id"], "wenzhou-municipal-2025");
    assert_eq!(v["center_id"], 1);
    assert_eq!(v["eligible"], false);
    let funds = criteria.iter().find(|c| c["code"] == "special_funds").expect("special_funds");
    // A figure that fails is not met at once, evidence or not (issue 10).
    assert_eq!(funds["outcome"], "not_met");
    assert_eq!(funds["article"], "二(二)");
    assert_eq!(funds["figures"][0][1], 800_000);
    let counted = v["met"].as_u64().unwrap() + v["not_met"].as_u64().unwrap() + v["missing_evidence"].as_u64().unwrap();
    assert_eq!(counted, 15);

    let out = pocnet(dir.path(), &["policy", "eligibility", "--center", "1", "--profile", "nowhere-2030", "--kind", "recognition"], "");
    assert!(!out.status.success());
    let msg = text(&out);
    assert!(msg.contains("nowhere-2030") && msg.contains("wenzhou-municipal-2025") && msg.contains("urumqi-2026"), "{msg}");

    let out = pocnet(dir.path(), &["policy", "eligibility", "--center", "9999", "--profile", "wenzhou-municipal-2025", "--kind", "recognition"], "");
    assert!(!out.status.success());
    assert!(text(&out).contains("9999"), "{}", text(&out));

    // Wenzhou has a creation stage now (000 方案 三(二), issue 10); Shanghai's plan has none.
    let out = pocnet(dir.path(), &["policy", "eligibility", "--center", "1", "--profile", "wenzhou-municipal-2025", "--kind", "creation"], "");
    assert!(out.status.success(), "{}", text(&out));
    let out = pocnet(dir.path(), &["policy", "eligibility", "--center", "1", "--profile", "shanghai-platform-2025", "--kind", "creation"], "");
    assert!(!out.status.success());
    assert!(text(&out).contains("recognition"), "names the stages it has: {}", text(&out));

    let help = text(&pocnet(dir.path(), &["policy", "eligibility", "--help"], ""));
    assert!(help.contains("Exit status") && help.contains("--json"), "{help}");
}

#[test]
fn bench_eligibility_runs_on_a_temporary_sqlite_file_and_refuses_a_real_one() {
    let dir = tempfile::tempdir().unwrap();
    let out = pocnet(dir.path(), &["bench", "eligibility", "--centers", "6", "--projects", "500", "--repeat", "2"], "");
    assert!(out.status.success(), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(shown.contains("6 centers") && shown.contains("500 research results"), "{shown}");
    assert!(shown.contains("records query") && shown.contains("wenzhou-municipal-2025") && shown.contains("/6"), "{shown}");
    assert!(!dir.path().join("pocnet.db").exists(), "the data directory is left alone");

    let db = dir.path().join("real.db");
    let url = format!("sqlite://{}", db.display());
    let out = pocnet(dir.path(), &["--database-url", &url, "bench", "eligibility", "--centers", "2", "--projects", "10"], "");
    assert!(!out.status.success());
    assert!(text(&out).contains("temporary SQLite file"), "{}", text(&out));
    assert!(!db.exists());
}

/// The full example of docs/PANELS.md (its first JSON block), so the documentation stays runnable.
fn panels_example() -> String {
    let doc = include_str!("../../../docs/PANELS.md");
    let start = doc.find("```json\n").unwrap() + "```json\n".len();
    let end = start + doc[start..].find("\n```").unwrap();
    doc[start..end].to_owned()
}

#[test]
fn panels_assign_solves_the_documented_example_and_explains_what_it_cannot_staff() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("example.json");
    let output = dir.path().join("solution.json");
    std::fs::write(&input, panels_example()).unwrap();
    let out = pocnet(dir.path(), &["panels", "assign", "--input", input.to_str().unwrap(), "--output", output.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    for needle in ["staffed 2/3 items", "objective 3.312193", "bound 3.312193", "gap 0.0000 %", "proven optimal", "仅有1名符合条件的投资专家，需要2人"] {
        assert!(shown.contains(needle), "{needle} in {shown}");
    }
    let sol: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&output).unwrap()).unwrap();
    assert_eq!(sol["panels"].as_array().unwrap().len(), 2);
    assert_eq!(sol["unstaffable"][0]["code"], "too_few_of_kind");
    assert_eq!(sol["unstaffable"][0]["available"], 1);
    let first = &sol["panels"][0];
    assert_eq!(first["item"], "WZ-2026-001");
    let experts: Vec<&str> = first["experts"].as_array().unwrap().iter().map(|s| s["expert"].as_str().unwrap()).collect();
    for conflicted in ["E03", "E04", "E09", "E12", "E01"] {
        assert!(!experts.contains(&conflicted), "{conflicted} on WZ-2026-001: {experts:?}");
    }
    assert!(first["experts"][0]["reason"].as_str().unwrap().starts_with("无利益冲突：非同单位、未申报回避、非团队成员、未列入黑名单"));
    assert!(first["experts"][0]["components"]["text"].as_f64().is_some());

    let out = pocnet(
        dir.path(),
        &["panels", "replace", "--input", input.to_str().unwrap(), "--assignment", output.to_str().unwrap(), "--item", "WZ-2026-001", "--declined", "E05"],
        "",
    );
    assert!(out.status.success(), "{}", text(&out));
    let shown = text(&out);
    assert!(shown.contains("replace E05 on WZ-2026-001 by E06") && shown.contains("须为投资专家"), "{shown}");

    let out = pocnet(dir.path(), &["panels", "explain", "--input", input.to_str().unwrap(), "--item", "WZ-2026-001", "--expert", "E04"], "");
    assert!(out.status.success(), "{}", text(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["eligible"], false);
    assert_eq!(report["conflicts"][0]["kind"], "unavailable");
}

#[test]
fn panels_assign_names_the_json_path_of_what_is_wrong() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("bad.json");
    let output = dir.path().join("out.json");
    let mut v: serde_json::Value = serde_json::from_str(&panels_example()).unwrap();
    v["items"][1]["panel_size"] = "three".into();
    std::fs::write(&input, v.to_string()).unwrap();
    let args = ["panels", "assign", "--input", input.to_str().unwrap(), "--output", output.to_str().unwrap()];
    let out = pocnet(dir.path(), &args, "");
    assert!(!out.status.success());
    assert!(text(&out).contains("items[1].panel_size"), "{}", text(&out));

    let mut v: serde_json::Value = serde_json::from_str(&panels_example()).unwrap();
    v["experts"][0]["min_load"] = 5.into();
    v["conflicts"][0]["item"] = "WZ-1999-999".into();
    std::fs::write(&input, v.to_string()).unwrap();
    let out = pocnet(dir.path(), &args, "");
    assert!(!out.status.success());
    let msg = text(&out);
    assert!(msg.contains("experts[0].min_load") && msg.contains("conflicts[0].item") && msg.contains("2 problem(s)"), "{msg}");
    assert!(!output.exists(), "nothing written on error");
}

#[test]
fn a_randomised_draw_records_its_seed_and_the_seed_replays_it() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("instance.json");
    let gen = pocnet(dir.path(), &["panels", "generate", "--items", "20", "--experts", "60", "--panel", "3", "--output", input.to_str().unwrap()], "");
    assert!(gen.status.success(), "{}", text(&gen));
    let mut v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&input).unwrap()).unwrap();
    v["options"]["randomize"] = serde_json::json!({"q": 0.5});
    std::fs::write(&input, v.to_string()).unwrap();
    let first = dir.path().join("first.json");
    let out = pocnet(dir.path(), &["panels", "assign", "--input", input.to_str().unwrap(), "--output", first.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("drew seed") && text(&out).contains("randomised draw: q = 0.5"), "{}", text(&out));
    let a: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&first).unwrap()).unwrap();
    let seed = a["randomization"]["seed"].as_u64().expect("seed recorded");
    assert!(seed < 1 << 53);
    for panel in a["panels"].as_array().unwrap() {
        for seat in panel["experts"].as_array().unwrap() {
            assert!(seat["probability"].as_f64().unwrap() <= 0.5 + 1e-9);
        }
    }
    v["options"]["randomize"] = serde_json::json!({"q": 0.5, "seed": seed});
    std::fs::write(&input, v.to_string()).unwrap();
    let second = dir.path().join("second.json");
    let out = pocnet(dir.path(), &["panels", "assign", "--input", input.to_str().unwrap(), "--output", second.to_str().unwrap()], "");
    assert!(out.status.success(), "{}", text(&out));
    let b: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&second).unwrap()).unwrap();
    assert_eq!(a["panels"], b["panels"], "the recorded seed replays the draw");
    assert_eq!(a["loads"], b["loads"]);
}

#[test]
fn bench_panels_reports_objective_bound_gap_time_and_memory() {
    let dir = tempfile::tempdir().unwrap();
    let out = pocnet(dir.path(), &["bench", "panels", "--items", "40", "--experts", "120", "--panel", "3", "--composition", "--repeat", "2"], "");
    assert!(out.status.success(), "{}", text(&out));
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    for needle in ["40 items × 120 experts × panel 3", "objective", "bound", "gap", "peak mem", "eligible pairs", "best"] {
        assert!(shown.contains(needle), "{needle} in {shown}");
    }
    let out = pocnet(dir.path(), &["bench", "panels", "--items", "30", "--experts", "90", "--panel", "3", "--q", "0.5", "--repeat", "1"], "");
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("randomised: q = 0.5"), "{}", text(&out));
}

#[test]
fn demo_load_at_a_city_scale_builds_a_city_the_demo_logins_open_and_refuses_a_used_database() {
    let dir = tempfile::tempdir().unwrap();
    let built = pocnet(dir.path(), &["demo", "load", "--scale", "city"], "");
    let out = text(&built);
    assert!(built.status.success(), "{out}");
    assert!(out.contains("City scale: built in"), "{out}");
    let db = dir.path().join("pocnet.db");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        use pocnet_store::{experts, results};
        let store = pocnet_store::Store::connect(&format!("sqlite://{}", db.display()), 1).await.unwrap();
        let pool = store.pool();
        // The mission's city: ~50 centers, ~5,000 projects, ~2,000 experts (the demo's included).
        let n: i64 = results::count_by_state(pool, results::ResultScope::All).await.unwrap().iter().map(|(_, n)| n).sum();
        assert!((4_500..=5_500).contains(&n), "{n} results");
        let page = pocnet_store::Page { number: 1, size: 1, ..pocnet_store::Page::new(None, None) };
        let e = experts::list(pool, &experts::ExpertFilter::default(), page).await.unwrap().total;
        assert!((1_800..=2_200).contains(&e), "{e} experts");
        // The demo's bureau login opens it with the README's password.
        let (user, hash) = pocnet_store::users::find_for_login(pool, &pocnet_domain::credentials::Username::parse("bureau").unwrap()).await.unwrap().unwrap();
        assert!(user.is_active);
        assert!(pocnet_app::password::verify(pocnet_demo::DEMO_PASSWORD.into(), hash).await.unwrap());
        store.close().await;
    });
    // The same scale again reuses it; another is refused and writes nothing.
    let again = pocnet(dir.path(), &["demo", "load", "--scale", "city"], "");
    assert!(again.status.success() && text(&again).contains("reusing"), "{}", text(&again));
    let other = pocnet(dir.path(), &["demo", "load", "--scale", "province"], "");
    assert!(!other.status.success() && text(&other).contains("holds another dataset"), "{}", text(&other));

    // A database with the plain demo is not built at a scale: refused.
    let plain = tempfile::tempdir().unwrap();
    assert!(pocnet(plain.path(), &["demo", "load"], "").status.success());
    let refused = pocnet(plain.path(), &["demo", "load", "--scale", "city"], "");
    assert!(!refused.status.success() && text(&refused).contains("not empty"), "{}", text(&refused));
}
