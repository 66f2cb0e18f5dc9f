//! Backup and restore of a running installation (issue 11, Operations): a
//! `pocnet serve` process takes writes from concurrent API clients while
//! `pocnet backup` runs; the archive is restored with `pocnet restore` into a
//! new data directory, and every write acknowledged before the backup began
//! is there. A damaged archive is refused and leaves its target untouched.
//!
//! Setup goes through the CLI and the API only. Runs on SQLite, or on
//! PostgreSQL (`pg_dump`/`pg_restore`) when `POCNET_TEST_DATABASE_URL` names a
//! server — then the PostgreSQL client tools must be installed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
use common::text;

use pocnet_store::Store;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

const PASSWORD: &str = "backup-drill-42";

/// A fresh database for a test: a SQLite file in `data_dir` (the default
/// location) or a new PostgreSQL database.
async fn fresh_database_url() -> Option<String> {
    let admin_url = std::env::var("POCNET_TEST_DATABASE_URL").ok()?;
    let name = format!("pocnet_test_{}", &pocnet_store::sessions::new_token()[..16]);
    let admin = Store::connect(&admin_url, 1).await.unwrap();
    sqlx::query(&format!("CREATE DATABASE {name}")).execute(admin.pool()).await.unwrap();
    admin.close().await;
    let base = admin_url.rsplit_once('/').map_or(admin_url.as_str(), |(b, _)| b).to_owned();
    Some(format!("{base}/{name}"))
}

/// Runs the binary on a data directory (and database URL, for PostgreSQL).
fn pocnet(data_dir: &Path, url: Option<&str>, args: &[&str], stdin: &str) -> Output {
    common::run(data_dir, url, args, stdin)
}


fn ok(o: Output, what: &str) -> String {
    let t = text(&o);
    assert!(o.status.success(), "pocnet {what}: {t}");
    t
}

/// A `pocnet serve` process, killed when dropped.
struct Server {
    child: Child,
    base: String,
}

impl Server {
    fn start(data_dir: &Path, url: Option<&str>) -> Self {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_pocnet"));
        cmd.arg("--data-dir").arg(data_dir);
        if let Some(url) = url {
            cmd.arg("--database-url").arg(url);
        }
        let mut child = cmd
            .args(["serve", "--listen", "127.0.0.1:0"])
            .env_remove("POCNET_DATABASE_URL")
            .env_remove("POCNET_METRICS_TOKEN")
            .env("POCNET_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start pocnet serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let base = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("serve did not say where it listens: {line:?}"))
            .trim_end_matches('/')
            .to_owned();
        Self { child, base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn login(http: &Client, server: &Server) -> String {
    let r = http.post(server.url("/api/v1/auth/login")).json(&json!({"username": "chief", "password": PASSWORD})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = r.json().await.unwrap();
    body["token"].as_str().unwrap().to_owned()
}

/// Writes acknowledged by the server, in the order the acknowledgements arrived.
type Acked = Arc<Mutex<Vec<String>>>;

/// Creates organisations one after another until told to stop; records each 201.
async fn writer(http: Client, url: String, token: String, worker: usize, acked: Acked, stop: Arc<AtomicBool>) {
    let mut i = 0;
    while !stop.load(Ordering::SeqCst) {
        let name = format!("备份演练单位{worker}号{i}");
        let r = http
            .post(&url)
            .bearer_auth(&token)
            .json(&json!({"name": name, "kind": "enterprise", "region": "龙湾区"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::CREATED, "{}", r.text().await.unwrap_or_default());
        acked.lock().unwrap().push(name);
        i += 1;
    }
}

fn pg_tools_installed() -> bool {
    ["pg_dump", "pg_restore"].iter().all(|tool| Command::new(tool).arg("--version").output().is_ok_and(|o| o.status.success()))
}

#[tokio::test]
async fn a_backup_taken_under_concurrent_writes_restores_every_write_acknowledged_before_it_began() {
    let url = fresh_database_url().await;
    if url.is_some() {
        assert!(pg_tools_installed(), "POCNET_TEST_DATABASE_URL is set but pg_dump/pg_restore are not installed (apt-get install postgresql-client)");
    }
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    ok(pocnet(&data, url.as_deref(), &["user", "add", "--username", "chief", "--role", "bureau"], &format!("{PASSWORD}\n")), "user add");
    // A file of the data directory that is not the database travels too.
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(data.join("notes.txt"), "本机运维记录\n").unwrap();

    let server = Server::start(&data, url.as_deref());
    let http = Client::new();
    let token = login(&http, &server).await;
    let acked: Acked = Arc::default();
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = (0..4)
        .map(|w| tokio::spawn(writer(http.clone(), server.url("/api/v1/organisations"), token.clone(), w, acked.clone(), stop.clone())))
        .collect();
    // Let the writers get going (a count, not a time).
    while acked.lock().unwrap().len() < 40 {
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }

    // The backup begins: whatever is acknowledged now must be in it.
    let before: Vec<String> = acked.lock().unwrap().clone();
    let archive = tmp.path().join("pocnet-backup.tar.gz");
    let backup = {
        let (data, url, archive) = (data.clone(), url.clone(), archive.clone());
        tokio::task::spawn_blocking(move || pocnet(&data, url.as_deref(), &["backup", "--output", archive.to_str().unwrap()], ""))
    }
    .await
    .unwrap();
    let during = acked.lock().unwrap().len() - before.len();
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.await.unwrap();
    }
    let report = ok(backup, "backup");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&archive).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the archive holds password hashes and evidence: owner only");
    }
    eprintln!("{report}({} writes acknowledged before the backup began, {during} while it ran)", before.len());
    drop(server);

    // Restore into a new data directory (and a new database on PostgreSQL).
    let restored = tmp.path().join("restored");
    let restored_url = match &url {
        Some(_) => fresh_database_url().await,
        None => None,
    };
    let out = ok(pocnet(&restored, restored_url.as_deref(), &["restore", "--input", archive.to_str().unwrap()], ""), "restore");
    assert!(out.contains("integrity ok"), "{out}");
    assert_eq!(std::fs::read_to_string(restored.join("notes.txt")).unwrap(), "本机运维记录\n");

    // Every acknowledged write is there, as the API shows it.
    let server = Server::start(&restored, restored_url.as_deref());
    let token = login(&http, &server).await;
    let mut names = std::collections::HashSet::new();
    let mut page = 1;
    loop {
        let r = http.get(server.url(&format!("/api/v1/organisations?page={page}&per_page=200"))).bearer_auth(&token).send().await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let body: Value = r.json().await.unwrap();
        let items = body["items"].as_array().unwrap_or_else(|| panic!("a page of organisations: {body}"));
        names.extend(items.iter().filter_map(|o| o["name"].as_str().map(str::to_owned)));
        if items.is_empty() || names.len() as i64 >= body["total"].as_i64().unwrap() {
            break;
        }
        page += 1;
    }
    let lost: Vec<&String> = before.iter().filter(|n| !names.contains(*n)).collect();
    assert!(lost.is_empty(), "{} acknowledged writes lost: {:?}", lost.len(), &lost[..lost.len().min(10)]);
    drop(server);

    // A second restore into the now non-empty directory is refused.
    let again = pocnet(&restored, restored_url.as_deref(), &["restore", "--input", archive.to_str().unwrap()], "");
    assert!(!again.status.success());
    assert!(text(&again).contains("not empty"), "{}", text(&again));
}

#[tokio::test]
async fn a_damaged_archive_is_refused_and_leaves_the_target_empty() {
    let url = fresh_database_url().await;
    if url.is_some() && !pg_tools_installed() {
        panic!("POCNET_TEST_DATABASE_URL is set but pg_dump/pg_restore are not installed (apt-get install postgresql-client)");
    }
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    ok(pocnet(&data, url.as_deref(), &["user", "add", "--username", "chief", "--role", "bureau"], &format!("{PASSWORD}\n")), "user add");
    for i in 0..20 {
        let name = format!("损坏测试单位{i}");
        ok(pocnet(&data, url.as_deref(), &["org", "add", "--name", &name, "--kind", "enterprise", "--region", "鹿城区"], ""), "org add");
    }
    let archive = tmp.path().join("good.tar.gz");
    ok(pocnet(&data, url.as_deref(), &["backup", "--output", archive.to_str().unwrap()], ""), "backup");
    let good = std::fs::read(&archive).unwrap();

    // A flipped byte of the compressed stream that changes what it holds: a
    // flip in a block header's code lengths of unused symbols can leave the
    // content byte for byte the same (then nothing is damaged), so take the
    // first flip from the middle on that alters the unpacked bytes.
    let unpacked = |bytes: &[u8]| {
        let mut out = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut out).ok().map(|_| out)
    };
    let original = unpacked(&good).expect("the good archive unpacks");
    let flipped = (good.len() / 2..good.len())
        .map(|at| {
            let mut bytes = good.clone();
            bytes[at] ^= 0x55;
            bytes
        })
        .find(|bytes| unpacked(bytes).as_ref() != Some(&original))
        .expect("some flip damages the archive");
    let truncated = good[..good.len() * 2 / 3].to_vec();
    let mut not_ours = Vec::new();
    {
        // A valid gzip stream that is not a pocnet backup.
        let out = Command::new("sh").arg("-c").arg("printf 'hello' | gzip -c").output().unwrap();
        not_ours.extend_from_slice(&out.stdout);
    }
    for (what, bytes) in [("a flipped byte", flipped), ("truncated", truncated), ("not a backup", not_ours)] {
        let bad = tmp.path().join("bad.tar.gz");
        std::fs::write(&bad, &bytes).unwrap();
        let target = tmp.path().join(format!("target-{}", what.replace(' ', "-")));
        let target_url = match &url {
            Some(_) => fresh_database_url().await,
            None => None,
        };
        let out = pocnet(&target, target_url.as_deref(), &["restore", "--input", bad.to_str().unwrap()], "");
        let t = text(&out);
        assert!(!out.status.success(), "{what}: restore succeeded: {t}");
        assert!(t.contains("damaged") || t.contains("not a pocnet backup"), "{what}: {t}");
        assert!(!target.join("pocnet.db").exists(), "{what}: a database was left behind");
        let leftovers: Vec<PathBuf> = std::fs::read_dir(&target).map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
        assert!(leftovers.is_empty(), "{what}: left {leftovers:?}");
        if let Some(u) = &target_url {
            // Nothing was restored into the PostgreSQL target either.
            let out = pocnet(&target, Some(u), &["org", "list"], "");
            assert!(!text(&out).contains("损坏测试单位"), "{what}: {}", text(&out));
        }
    }

    // The good archive still restores.
    let target = tmp.path().join("target-good");
    let target_url = match &url {
        Some(_) => fresh_database_url().await,
        None => None,
    };
    let out = ok(pocnet(&target, target_url.as_deref(), &["restore", "--input", archive.to_str().unwrap()], ""), "restore");
    assert!(out.contains("integrity ok"), "{out}");
    let list = ok(pocnet(&target, target_url.as_deref(), &["org", "list"], ""), "org list");
    assert!(list.contains("损坏测试单位19"), "{list}");
}

#[test]
fn without_pg_dump_a_postgres_backup_says_exactly_what_to_run() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pocnet"))
        .arg("--data-dir")
        .arg(tmp.path())
        .args(["--database-url", "postgres://pocnet:s3cret@db.invalid/pocnet", "backup", "--output"])
        .arg(tmp.path().join("b.tar.gz"))
        .env("PATH", tmp.path())
        .env_remove("POCNET_DATABASE_URL")
        .output()
        .unwrap();
    let t = text(&out);
    assert!(!out.status.success(), "{t}");
    assert!(t.contains("pg_dump is not installed"), "{t}");
    assert!(t.contains("pg_dump --format=custom"), "{t}");
    assert!(!t.contains("s3cret"), "the password stays out of the message: {t}");
}
