//! `pocnet backup` and `pocnet restore`: one archive holding a consistent copy
//! of the database and the data directory's own files, checked on the way back.
//!
//! The archive is a gzip-compressed tar:
//! - `manifest.json` first: format, pocnet version, backend, schema version,
//!   creation time, and every other member with its size and SHA-256;
//! - `database/pocnet.db` (SQLite, written by `VACUUM INTO`: one read
//!   transaction, so the copy holds every transaction committed before it
//!   began — including those still in the WAL — while the server keeps
//!   writing) or `database/pocnet.pgdump` (`pg_dump --format=custom`, which
//!   also reads one snapshot);
//! - `data/…`: the data directory's other files (policy profiles, the local
//!   calendar). Evidence documents live in the database (`blobs`), so they
//!   travel with it.
//!
//! A restore reads the manifest before anything else, refuses a schema newer
//! than this binary, unpacks into a staging directory beside the target while
//! hashing every member, runs `PRAGMA integrity_check` on the SQLite copy, and
//! only then moves the files into place: a damaged archive leaves the target
//! as it was.

use crate::Cli;
use anyhow::Context;
use clap::Args;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use pocnet_store::{Backend, Integrity, Store};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The manifest's `format` field this pocnet writes and reads.
pub const FORMAT: &str = "pocnet-backup/1";
const MANIFEST: &str = "manifest.json";
const SQLITE_MEMBER: &str = "database/pocnet.db";
const PGDUMP_MEMBER: &str = "database/pocnet.pgdump";
/// A manifest larger than this is not one of ours.
const MAX_MANIFEST_BYTES: u64 = 16 * 1024 * 1024;

/// Options of `backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The archive to write (a .tar.gz; written beside as `FILE.partial`, renamed when complete).
    #[arg(long)]
    pub output: PathBuf,
    /// Replace FILE if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Options of `restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// The archive written by `pocnet backup`.
    #[arg(long)]
    pub input: PathBuf,
    /// Restore into a data directory (or PostgreSQL database) that is not empty,
    /// replacing its database and the files the archive holds. Stop the server first.
    #[arg(long)]
    pub force: bool,
}

/// What the archive says about itself.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// The pocnet that wrote it.
    pub pocnet_version: String,
    /// `sqlite` or `postgres`.
    pub backend: String,
    /// The newest migration applied to the database copied.
    pub schema_version: i64,
    /// When the copy began (RFC 3339, UTC).
    pub created_at: String,
    /// Every other member of the archive.
    pub files: Vec<ManifestFile>,
}

/// One member of the archive.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestFile {
    /// Path inside the archive (`database/…` or `data/…`).
    pub path: String,
    /// Bytes.
    pub size: u64,
    /// SHA-256, lowercase hex.
    pub sha256: String,
}

/// Why a backup or a restore was refused.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The SQLite database file does not exist.
    #[error("no database at {0}: nothing to back up (check --data-dir / --database-url)")]
    NoDatabase(PathBuf),
    /// The database was never migrated.
    #[error("the database has no schema yet (never started): nothing to back up")]
    EmptyDatabase,
    /// The output exists.
    #[error("{0} exists: choose another name or pass --force to replace it")]
    OutputExists(PathBuf),
    /// The target of a restore holds data.
    #[error("{0} is not empty: restore into a new or empty data directory, or stop the server and pass --force to replace its database and the archive's files")]
    NotEmpty(String),
    /// The archive does not start with a manifest.
    #[error("not a pocnet backup: {0} does not start with manifest.json")]
    NoManifest(PathBuf),
    /// The archive is of a format this pocnet does not read.
    #[error("unknown backup format {0:?} (this pocnet reads {FORMAT})")]
    Format(String),
    /// The backup's schema is newer than this binary.
    #[error("the backup is of schema version {found}, newer than this pocnet knows ({known}): restore it with a newer pocnet")]
    SchemaTooNew {
        /// Schema version in the manifest.
        found: i64,
        /// The newest migration of this binary.
        known: i64,
    },
    /// The backup is of the other database engine.
    #[error("the backup holds a {found} database but the target is {target}: restore a SQLite backup into SQLite, a PostgreSQL backup into PostgreSQL")]
    BackendMismatch {
        /// Backend in the manifest.
        found: String,
        /// Backend of the target.
        target: &'static str,
    },
    /// A member's content differs from the manifest.
    #[error("the archive is damaged: {path} has SHA-256 {found} ({found_size} bytes), the manifest says {expected} ({expected_size} bytes)")]
    HashMismatch {
        /// Member path.
        path: String,
        /// Hash read.
        found: String,
        /// Hash in the manifest.
        expected: String,
        /// Bytes read.
        found_size: u64,
        /// Bytes in the manifest.
        expected_size: u64,
    },
    /// A member is missing.
    #[error("the archive is damaged: {0} is in the manifest but not in the archive")]
    Missing(String),
    /// A member is not in the manifest, or is there twice, or has an unsafe path.
    #[error("the archive is damaged or not ours: unexpected member {0:?}")]
    Unexpected(String),
    /// The archive cannot be read (truncated, not gzip, bad tar).
    #[error("the archive is damaged or unreadable ({path})")]
    Unreadable {
        /// The archive.
        path: PathBuf,
        /// What the reader said.
        #[source]
        source: std::io::Error,
    },
    /// `PRAGMA integrity_check` failed on the restored copy.
    #[error("the restored database fails PRAGMA integrity_check: {0}")]
    Integrity(String),
    /// The database restored is not at the schema version the manifest says.
    #[error("the restored database is at schema version {found:?}, the manifest says {expected}")]
    SchemaMismatch {
        /// Version found in the restored database.
        found: Option<i64>,
        /// Version in the manifest.
        expected: i64,
    },
    /// `pg_dump` or `pg_restore` is not installed.
    #[error("{tool} is not installed (Debian: apt-get install postgresql-client). Without it, run by hand:\n  {hint}\nand copy the data directory's files (policies/, calendar.toml) beside it; see docs/OPERATIONS.md")]
    ToolMissing {
        /// The missing program.
        tool: &'static str,
        /// The command to run instead.
        hint: String,
    },
    /// `pg_dump` or `pg_restore` failed.
    #[error("{tool} failed ({status}):\n{stderr}")]
    ToolFailed {
        /// The program.
        tool: &'static str,
        /// Its exit status.
        status: String,
        /// What it printed.
        stderr: String,
    },
}

/// The SQLite file a `sqlite:` URL names (`None` for an in-memory database).
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite://").or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "sqlite",
        Backend::Postgres => "postgres",
    }
}

/// The URL with its password hidden, for messages.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

/// A libpq command for `url` with the password moved from the command line
/// (which every local user can read in `ps`) to `PGPASSWORD`.
fn pg_command(program: &str, url: &str) -> Command {
    let mut cmd = Command::new(program);
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => match url[s + 3..at].split_once(':') {
            Some((user, password)) => {
                cmd.env("PGPASSWORD", percent_decode(password));
                cmd.arg(format!("--dbname={}{user}{}", &url[..s + 3], &url[at..]));
            }
            None => {
                cmd.arg(format!("--dbname={url}"));
            }
        },
        _ => {
            cmd.arg(format!("--dbname={url}"));
        }
    }
    cmd
}

/// Decodes `%XX` escapes of a URL component.
fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let Some(b) = std::str::from_utf8(&bytes[i + 1..i + 3]).ok().and_then(|h| u8::from_str_radix(h, 16).ok()) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether `program` is on the PATH.
fn installed(program: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(program).is_file()))
}

fn spinner(what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    let style = indicatif::ProgressStyle::with_template(&format!("{{spinner}} {what} {{elapsed_precise}}"))
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
    bar.set_style(style);
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    bar
}

fn bytes_bar(total: u64, what: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(total);
    let style = indicatif::ProgressStyle::with_template(&format!(
        "{what} [{{bar:40.cyan/blue}}] {{bytes}}/{{total_bytes}} {{bytes_per_sec}} {{elapsed_precise}}"
    ))
    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
    .progress_chars("=> ");
    bar.set_style(style);
    bar
}

/// SHA-256 and size of a file.
fn hash_file(path: &Path, bar: &indicatif::ProgressBar) -> std::io::Result<(String, u64)> {
    let mut reader = BufReader::with_capacity(1 << 20, File::open(path)?);
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut size = 0u64;
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
        bar.inc(n as u64);
    }
    Ok((hex::encode(hasher.finalize()), size))
}

/// The data directory's own files (relative paths), without the database and
/// its WAL, backups in progress, the search index (rebuilt from the database)
/// and anything under `skip`.
fn data_files(data_dir: &Path, skip: &[PathBuf]) -> std::io::Result<Vec<PathBuf>> {
    let mut found = Vec::new();
    if !data_dir.is_dir() {
        return Ok(found);
    }
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        for entry in std::fs::read_dir(data_dir.join(&rel))? {
            let entry = entry?;
            let name = entry.file_name();
            let name_str = name.to_string_lossy();
            if name_str.starts_with(".pocnet-backup-") || name_str.starts_with(".pocnet-restore-") || name_str.ends_with(".partial") {
                continue;
            }
            // The search index is derived from the database: a restored server rebuilds it.
            if rel.as_os_str().is_empty() && name_str == "search" {
                continue;
            }
            let path = entry.path();
            if skip.iter().any(|s| same_file(s, &path)) {
                continue;
            }
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(rel.join(&name));
            } else if kind.is_file() {
                found.push(rel.join(&name));
            } else {
                tracing::warn!(path = %path.display(), "not a regular file: left out of the backup");
            }
        }
    }
    found.sort();
    Ok(found)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// The database file and what SQLite keeps beside it.
fn sqlite_companions(db: &Path) -> [PathBuf; 4] {
    let with = |suffix: &str| {
        let mut s = db.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    [db.to_owned(), with("-wal"), with("-shm"), with("-journal")]
}

/// `data/` + the relative path with `/` separators.
fn data_member(rel: &Path) -> String {
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    format!("data/{}", parts.join("/"))
}

/// `pocnet backup`.
pub async fn backup(cli: &Cli, args: &BackupArgs) -> anyhow::Result<()> {
    if args.output.exists() && !args.force {
        return Err(BackupError::OutputExists(args.output.clone()).into());
    }
    let url = cli.database_url();
    let backend = Backend::of_url(&url)?;
    let out_dir = match args.output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&out_dir).with_context(|| format!("cannot create {}", out_dir.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".pocnet-backup-")
        .tempdir_in(&out_dir)
        .with_context(|| format!("cannot create a staging directory in {}", out_dir.display()))?;
    std::fs::create_dir_all(staging.path().join("database"))?;
    let started = Instant::now();
    let created_at = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);

    let mut skip = vec![args.output.clone(), staging.path().to_owned()];
    let snapshot_secs;
    let (member, snapshot, schema_version) = match backend {
        Backend::Sqlite => {
            let db = sqlite_path(&url).ok_or_else(|| BackupError::NoDatabase(PathBuf::from(&url)))?;
            if !db.is_file() {
                return Err(BackupError::NoDatabase(db).into());
            }
            skip.extend(sqlite_companions(&db));
            // Not open_store: a backup never migrates the database it copies.
            let store = Store::connect(&url, 1).await.context("cannot open the database")?;
            let schema = store.applied_schema_version().await?.ok_or(BackupError::EmptyDatabase)?;
            let target = staging.path().join(SQLITE_MEMBER);
            let bar = spinner("数据库快照 (VACUUM INTO)");
            let copied = store.vacuum_into(&target).await;
            bar.finish_and_clear();
            store.close().await;
            copied.context("VACUUM INTO failed")?;
            snapshot_secs = started.elapsed().as_secs_f64();
            // The copy is checked before it is trusted to an archive.
            let copy = Store::connect(&format!("sqlite://{}", target.display()), 1).await?;
            let bar = spinner("检查快照 (PRAGMA integrity_check)");
            let integrity = copy.integrity_check().await;
            bar.finish_and_clear();
            copy.close().await;
            if let Integrity::Damaged(problems) = integrity? {
                return Err(BackupError::Integrity(problems.join("; ")).into());
            }
            (SQLITE_MEMBER, target, schema)
        }
        Backend::Postgres => {
            let target = staging.path().join(PGDUMP_MEMBER);
            if !installed("pg_dump") {
                return Err(BackupError::ToolMissing {
                    tool: "pg_dump",
                    hint: format!("pg_dump --format=custom --no-owner --no-privileges --dbname='{}' --file=pocnet.pgdump", redact(&url)),
                }
                .into());
            }
            let store = Store::connect(&url, 1).await.context("cannot connect to PostgreSQL")?;
            let schema = store.applied_schema_version().await?.ok_or(BackupError::EmptyDatabase)?;
            store.close().await;
            let bar = spinner("pg_dump");
            let dump_started = Instant::now();
            let out = pg_command("pg_dump", &url)
                .args(["--format=custom", "--no-owner", "--no-privileges"])
                .arg(format!("--file={}", target.display()))
                .output()
                .context("cannot run pg_dump")?;
            bar.finish_and_clear();
            snapshot_secs = dump_started.elapsed().as_secs_f64();
            if !out.status.success() {
                return Err(BackupError::ToolFailed {
                    tool: "pg_dump",
                    status: out.status.to_string(),
                    stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                }
                .into());
            }
            (PGDUMP_MEMBER, target, schema)
        }
    };
    let check_done = started.elapsed().as_secs_f64();

    // Every member: (path in the archive, file on disk).
    let mut members: Vec<(String, PathBuf)> = vec![(member.to_owned(), snapshot)];
    for rel in data_files(&cli.data_dir, &skip).with_context(|| format!("cannot read {}", cli.data_dir.display()))? {
        members.push((data_member(&rel), cli.data_dir.join(&rel)));
    }
    let total: u64 = members.iter().filter_map(|(_, p)| p.metadata().ok()).map(|m| m.len()).sum();
    let bar = bytes_bar(total, "校验 (SHA-256)");
    let mut files = Vec::with_capacity(members.len());
    for (path, file) in &members {
        let (sha256, size) = hash_file(file, &bar).with_context(|| format!("cannot read {}", file.display()))?;
        files.push(ManifestFile { path: path.clone(), size, sha256 });
    }
    bar.finish_and_clear();
    let manifest = Manifest {
        format: FORMAT.to_owned(),
        pocnet_version: env!("CARGO_PKG_VERSION").to_owned(),
        backend: backend_name(backend).to_owned(),
        schema_version,
        created_at,
        files,
    };

    let partial = {
        let mut s = args.output.as_os_str().to_owned();
        s.push(".partial");
        PathBuf::from(s)
    };
    let written = write_archive(&partial, &manifest, &members, total);
    if let Err(e) = written {
        let _ = std::fs::remove_file(&partial);
        return Err(e.context(format!("cannot write {}", partial.display())));
    }
    std::fs::rename(&partial, &args.output).with_context(|| format!("cannot rename {} to {}", partial.display(), args.output.display()))?;
    let archive_size = args.output.metadata().map(|m| m.len()).unwrap_or(0);
    println!(
        "backup written: {} ({} bytes; {} database, schema version {}, {} data files; {} bytes before compression)",
        args.output.display(),
        archive_size,
        manifest.backend,
        manifest.schema_version,
        manifest.files.len() - 1,
        total
    );
    let total_secs = started.elapsed().as_secs_f64();
    println!(
        "took {total_secs:.1} s (snapshot {snapshot_secs:.1} s, check {:.1} s, hash and archive {:.1} s), consistent as of {}",
        check_done - snapshot_secs,
        total_secs - check_done,
        manifest.created_at
    );
    Ok(())
}

/// Creates the archive readable by its owner only: it holds password hashes,
/// sessions and every evidence document.
fn create_private(path: &Path) -> std::io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn write_archive(path: &Path, manifest: &Manifest, members: &[(String, PathBuf)], total: u64) -> anyhow::Result<()> {
    let file = create_private(path)?;
    // Level 1: the province-size SQLite file (75 MB) shrinks to 17 MB in 1.0 s;
    // level 6 makes 14 MB in 2.3 s (docs/BENCHMARKS.md). Evidence PDFs barely
    // compress at any level, so speed wins.
    let gz = GzEncoder::new(BufWriter::with_capacity(1 << 20, file), flate2::Compression::fast());
    let mut tar = tar::Builder::new(gz);
    let mtime = u64::try_from(chrono::Utc::now().timestamp()).unwrap_or(0);
    let json = serde_json::to_vec_pretty(manifest)?;
    let mut header = tar::Header::new_gnu();
    header.set_size(json.len() as u64);
    header.set_mode(0o600);
    header.set_mtime(mtime);
    tar.append_data(&mut header, MANIFEST, json.as_slice())?;
    let bar = bytes_bar(total, "写入归档 (tar.gz)");
    for (name, file) in members {
        let f = File::open(file).with_context(|| format!("cannot read {}", file.display()))?;
        let size = f.metadata()?.len();
        let mut header = tar::Header::new_gnu();
        header.set_size(size);
        header.set_mode(0o600);
        header.set_mtime(mtime);
        tar.append_data(&mut header, name, bar.wrap_read(BufReader::with_capacity(1 << 20, f)))?;
    }
    bar.finish_and_clear();
    let gz = tar.into_inner()?;
    let buffered = gz.finish()?;
    let file = buffered.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    Ok(())
}

/// Whether a directory is absent or empty.
fn dir_is_empty(dir: &Path) -> std::io::Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(e),
    }
}

/// A member path made only of normal components, below `database/` or `data/`.
fn safe_member(path: &Path) -> bool {
    path.components().all(|c| matches!(c, Component::Normal(_)))
        && path.components().next().is_some_and(|c| c.as_os_str() == "database" || c.as_os_str() == "data")
}

/// Unpacks the archive into `staging`, checking each member against the manifest.
fn unpack(input: &Path, staging: &Path, backend: Backend) -> Result<Manifest, BackupError> {
    let unreadable = |source: std::io::Error| BackupError::Unreadable { path: input.to_owned(), source };
    let file = File::open(input).map_err(unreadable)?;
    let mut archive = tar::Archive::new(GzDecoder::new(BufReader::with_capacity(1 << 20, file)));
    let mut entries = archive.entries().map_err(unreadable)?;

    let first = entries.next().ok_or_else(|| BackupError::NoManifest(input.to_owned()))?.map_err(unreadable)?;
    if first.path().map_err(unreadable)?.as_ref() != Path::new(MANIFEST) || first.size() > MAX_MANIFEST_BYTES {
        return Err(BackupError::NoManifest(input.to_owned()));
    }
    let mut json = Vec::new();
    first.take(MAX_MANIFEST_BYTES).read_to_end(&mut json).map_err(unreadable)?;
    let manifest: Manifest = serde_json::from_slice(&json).map_err(|_| BackupError::NoManifest(input.to_owned()))?;
    if manifest.format != FORMAT {
        return Err(BackupError::Format(manifest.format));
    }
    if manifest.backend != backend_name(backend) {
        return Err(BackupError::BackendMismatch { found: manifest.backend, target: backend_name(backend) });
    }
    let known = backend.known_schema_version();
    if manifest.schema_version > known {
        return Err(BackupError::SchemaTooNew { found: manifest.schema_version, known });
    }

    let mut expected: BTreeMap<String, ManifestFile> = manifest.files.iter().map(|f| (f.path.clone(), f.clone())).collect();
    let total: u64 = manifest.files.iter().map(|f| f.size).sum();
    let bar = bytes_bar(total, "解包并校验");
    for entry in &mut entries {
        let mut entry = entry.map_err(unreadable)?;
        let path = entry.path().map_err(unreadable)?.into_owned();
        let name = path.to_string_lossy().into_owned();
        if !entry.header().entry_type().is_file() || !safe_member(&path) {
            return Err(BackupError::Unexpected(name));
        }
        let want = expected.remove(&name).ok_or_else(|| BackupError::Unexpected(name.clone()))?;
        let target = staging.join(&path);
        if let Some(parent) = target.parent() {
            create_private_dirs(parent).map_err(unreadable)?;
        }
        let mut out = BufWriter::with_capacity(1 << 20, create_private(&target).map_err(unreadable)?);
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 1 << 20];
        let mut size = 0u64;
        loop {
            let n = entry.read(&mut buf).map_err(unreadable)?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
            out.write_all(&buf[..n]).map_err(unreadable)?;
            size += n as u64;
            bar.inc(n as u64);
        }
        out.into_inner().map_err(|e| unreadable(e.into_error()))?.sync_all().map_err(unreadable)?;
        let sha256 = hex::encode(hasher.finalize());
        if sha256 != want.sha256 || size != want.size {
            return Err(BackupError::HashMismatch { path: name, found: sha256, expected: want.sha256, found_size: size, expected_size: want.size });
        }
    }
    bar.finish_and_clear();
    // Read to the end of the gzip stream, so its own checksum is verified too.
    std::io::copy(&mut archive.into_inner(), &mut std::io::sink()).map_err(unreadable)?;
    if let Some(missing) = expected.into_keys().next() {
        return Err(BackupError::Missing(missing));
    }
    Ok(manifest)
}

/// Creates a directory and its missing parents for the owner alone (0700): a data directory
/// holds the log's signing keys, which pocnet refuses to use when others may read them.
fn create_private_dirs(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// Moves a file, across file systems if need be.
fn move_file(from: &Path, to: &Path) -> std::io::Result<()> {
    if let Some(parent) = to.parent() {
        create_private_dirs(parent)?;
    }
    if std::fs::rename(from, to).is_err() {
        std::fs::copy(from, to)?;
        std::fs::remove_file(from)?;
    }
    Ok(())
}

/// `pocnet restore`.
pub async fn restore(cli: &Cli, args: &RestoreArgs) -> anyhow::Result<()> {
    let url = cli.database_url();
    let backend = Backend::of_url(&url)?;
    let started = Instant::now();
    let data_dir = &cli.data_dir;
    let sqlite_db = match backend {
        Backend::Sqlite => Some(sqlite_path(&url).ok_or_else(|| BackupError::NoDatabase(PathBuf::from(&url)))?),
        Backend::Postgres => None,
    };
    if !args.force {
        if !dir_is_empty(data_dir).with_context(|| format!("cannot read {}", data_dir.display()))? {
            return Err(BackupError::NotEmpty(data_dir.display().to_string()).into());
        }
        if let Some(db) = &sqlite_db {
            if db.exists() {
                return Err(BackupError::NotEmpty(db.display().to_string()).into());
            }
        }
    }
    if !args.input.is_file() {
        anyhow::bail!("{} is not a file", args.input.display());
    }
    let pg_store = match backend {
        Backend::Postgres => {
            if !installed("pg_restore") {
                return Err(BackupError::ToolMissing {
                    tool: "pg_restore",
                    hint: format!(
                        "tar -xzf {} database/pocnet.pgdump && pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname='{}' database/pocnet.pgdump",
                        args.input.display(),
                        redact(&url)
                    ),
                }
                .into());
            }
            let store = Store::connect(&url, 1).await.context("cannot connect to PostgreSQL")?;
            let tables = store.table_count().await.context("cannot list the tables of the target database")?;
            if tables > 0 && !args.force {
                store.close().await;
                return Err(BackupError::NotEmpty(format!("the database {}", redact(&url))).into());
            }
            Some(store)
        }
        Backend::Sqlite => None,
    };

    std::fs::create_dir_all(data_dir).with_context(|| format!("cannot create {}", data_dir.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".pocnet-restore-")
        .tempdir_in(data_dir)
        .with_context(|| format!("cannot create a staging directory in {}", data_dir.display()))?;
    let input = args.input.clone();
    let staged = staging.path().to_owned();
    let manifest = tokio::task::spawn_blocking(move || unpack(&input, &staged, backend)).await??;

    match (&sqlite_db, pg_store) {
        (Some(db), _) => {
            let copy = staging.path().join(SQLITE_MEMBER);
            let store = Store::connect(&format!("sqlite://{}", copy.display()), 1).await?;
            let bar = spinner("检查数据库 (PRAGMA integrity_check)");
            let integrity = store.integrity_check().await;
            bar.finish_and_clear();
            let version = store.applied_schema_version().await;
            store.close().await;
            if let Integrity::Damaged(problems) = integrity? {
                return Err(BackupError::Integrity(problems.join("; ")).into());
            }
            let version = version?;
            if version != Some(manifest.schema_version) {
                return Err(BackupError::SchemaMismatch { found: version, expected: manifest.schema_version }.into());
            }
            for old in sqlite_companions(db) {
                match std::fs::remove_file(&old) {
                    Ok(()) => {}
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e).with_context(|| format!("cannot remove {}", old.display())),
                }
            }
            for companion in sqlite_companions(&copy).into_iter().skip(1) {
                let _ = std::fs::remove_file(companion);
            }
            move_file(&copy, db).with_context(|| format!("cannot move the database to {}", db.display()))?;
        }
        (None, Some(store)) => {
            let dump = staging.path().join(PGDUMP_MEMBER);
            let mut cmd = pg_command("pg_restore", &url);
            cmd.args(["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]);
            if args.force {
                cmd.args(["--clean", "--if-exists"]);
            }
            let bar = spinner("pg_restore");
            let out = cmd.arg(&dump).output().context("cannot run pg_restore")?;
            bar.finish_and_clear();
            if !out.status.success() {
                store.close().await;
                return Err(BackupError::ToolFailed {
                    tool: "pg_restore",
                    status: out.status.to_string(),
                    stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
                }
                .into());
            }
            let version = store.applied_schema_version().await;
            store.close().await;
            let version = version?;
            if version != Some(manifest.schema_version) {
                return Err(BackupError::SchemaMismatch { found: version, expected: manifest.schema_version }.into());
            }
        }
        (None, None) => anyhow::bail!("internal error: no SQLite file and no PostgreSQL connection to restore into"),
    }

    let mut data_count = 0;
    for f in manifest.files.iter().filter(|f| f.path.starts_with("data/")) {
        let rel = Path::new(&f.path).strip_prefix("data").map_err(|_| BackupError::Unexpected(f.path.clone()))?;
        move_file(&staging.path().join(&f.path), &data_dir.join(rel)).with_context(|| format!("cannot restore {}", f.path))?;
        data_count += 1;
    }
    drop(staging);
    println!(
        "restored {} ({} database, schema version {}, taken {} by pocnet {}) into {}: integrity ok, {} data files, {:.1} s",
        args.input.display(),
        manifest.backend,
        manifest.schema_version,
        manifest.created_at,
        manifest.pocnet_version,
        sqlite_db.as_ref().map_or_else(|| redact(&url), |p| p.display().to_string()),
        data_count,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(sqlite_path("sqlite://data/pocnet.db"), Some(PathBuf::from("data/pocnet.db")));
        assert_eq!(sqlite_path("sqlite:///var/lib/pocnet/pocnet.db?mode=rwc"), Some(PathBuf::from("/var/lib/pocnet/pocnet.db")));
        assert_eq!(sqlite_path("sqlite::memory:"), None);
        assert_eq!(sqlite_path("postgres://x@y/z"), None);
    }

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(redact("postgres://pocnet:s3cret@db.local/pocnet"), "postgres://pocnet:***@db.local/pocnet");
        assert_eq!(redact("postgres://postgres@127.0.0.1/pocnet"), "postgres://postgres@127.0.0.1/pocnet");
    }

    #[test]
    fn the_password_travels_in_the_environment_not_in_the_arguments() {
        let cmd = pg_command("pg_dump", "postgres://pocnet:s3cr%40t@db.local:5432/pocnet");
        let args: Vec<String> = cmd.get_args().map(|a| a.to_string_lossy().into_owned()).collect();
        assert_eq!(args, ["--dbname=postgres://pocnet@db.local:5432/pocnet"]);
        let env: Vec<_> = cmd.get_envs().collect();
        assert_eq!(env, [(std::ffi::OsStr::new("PGPASSWORD"), Some(std::ffi::OsStr::new("s3cr@t")))]);
        assert_eq!(percent_decode("a%2Fb%zz%4"), "a/b%zz%4");
    }

    #[test]
    fn members_stay_below_their_folders() {
        assert!(safe_member(Path::new("database/pocnet.db")));
        assert!(safe_member(Path::new("data/policies/x.toml")));
        assert!(!safe_member(Path::new("data/../../etc/passwd")));
        assert!(!safe_member(Path::new("/etc/passwd")));
        assert!(!safe_member(Path::new("other/file")));
    }
}
