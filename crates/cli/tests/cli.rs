//! The `pocnet` binary as an administrator uses it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn pocnet(data_dir: &std::path::Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pocnet"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("POCNET_DATABASE_URL")
        .env("POCNET_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pocnet");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
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
    for cmd in ["serve", "migrate", "user", "org", "demo", "bench"] {
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
