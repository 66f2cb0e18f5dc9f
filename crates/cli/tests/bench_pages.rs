//! `pocnet bench pages` keeps working: at a tiny scale every path it lists is
//! measured, as its role, without a single error (no timing is asserted —
//! the machines are shared). Then the kept installation is reused, and a
//! different dataset is refused without --rebuild.
//!
//! Runs on a kept SQLite data directory, or on a PostgreSQL database that the
//! benchmark creates when `POCNET_TEST_DATABASE_URL` names a server.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::text;

const TINY: &[&str] = &["--centers", "5", "--results", "50", "--connections", "4"];

#[test]
fn every_listed_page_is_measured_without_errors_at_a_tiny_scale() {
    let dir = tempfile::tempdir().unwrap();
    let kept = dir.path().join("kept");
    let kept = kept.to_str().unwrap();
    let url = std::env::var("POCNET_TEST_DATABASE_URL").ok().map(|admin| {
        let base = admin.rsplit_once('/').map_or(admin.as_str(), |(b, _)| b).to_owned();
        format!("{base}/pocnet_test_{}", &pocnet_store::sessions::new_token()[..16])
    });
    let bench = |experts: &str, extra: &[&str]| {
        let mut args = vec!["bench", "pages", "--experts", experts];
        args.extend_from_slice(TINY);
        if url.is_none() {
            args.extend(["--keep", kept]);
        }
        args.extend_from_slice(extra);
        common::run(dir.path(), url.as_deref(), &args, "")
    };

    let listed = bench("30", &["--list"]);
    assert!(listed.status.success(), "{}", text(&listed));
    let paths: Vec<(String, String)> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(p, r)| (p.to_owned(), if r == "-" { "public".to_owned() } else { r.to_owned() }))
        .collect();
    assert!(paths.len() >= 40, "{paths:?}");
    for (path, role) in [("/results?page=500", "bureau"), ("/api/v1/results", "bureau"), ("/experts?q=电池", "bureau"), ("/", "public")] {
        assert!(paths.iter().any(|(p, r)| p == path && r == role), "{path} as {role} is listed");
    }
    for role in ["bureau", "county", "center", "expert", "researcher"] {
        assert!(paths.iter().any(|(p, r)| p == "/dashboard" && r == role), "{role}'s dashboard is listed");
    }

    let run = bench("30", &["--seconds", "0.3"]);
    let out = text(&run);
    assert!(run.status.success(), "{out}");
    assert!(out.contains("| path | role | req/s | p50 ms | p99 ms | max ms | errors | goal |"), "{out}");
    // | `path` | role | req/s | p50 | p99 | max | errors | goal |
    let rows: Vec<Vec<String>> = String::from_utf8_lossy(&run.stdout)
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| l.trim_matches('|').split(" | ").map(|c| c.trim().to_owned()).collect())
        .collect();
    assert_eq!(rows.len(), paths.len(), "one row per listed path:\n{out}");
    for (path, role) in &paths {
        let row = rows
            .iter()
            .find(|r| r[0] == format!("`{path}`") && r[1] == *role)
            .unwrap_or_else(|| panic!("{path} as {role} is in the table:\n{out}"));
        assert_eq!(row[6], "0", "{path} as {role} answered without errors:\n{out}");
        assert!(row[2].parse::<f64>().unwrap() > 0.0, "{path} as {role} was answered:\n{out}");
    }

    // The kept installation is reused; another dataset is refused unless rebuilt.
    let again = bench("30", &["--seconds", "0.2", "--only", "/api/v1/me"]);
    assert!(again.status.success(), "{}", text(&again));
    assert!(text(&again).contains("reusing the dataset"), "{}", text(&again));
    let other = bench("31", &["--seconds", "0.2", "--only", "/api/v1/me"]);
    assert!(!other.status.success());
    assert!(text(&other).contains("--rebuild"), "{}", text(&other));
}
