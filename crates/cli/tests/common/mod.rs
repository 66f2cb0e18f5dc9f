//! Running the `pocnet` binary as an administrator would, for the CLI's
//! integration tests: one data directory (and, for PostgreSQL, a database
//! URL), the environment's own settings removed, `stdin` piped in.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `pocnet ARGS` on `data_dir` (and `url`, if given) with `stdin`.
pub fn run(data_dir: &Path, url: Option<&str>, args: &[&str], stdin: &str) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_pocnet"));
    cmd.arg("--data-dir").arg(data_dir);
    if let Some(url) = url {
        cmd.arg("--database-url").arg(url);
    }
    let mut child = cmd
        .args(args)
        .env_remove("POCNET_DATABASE_URL")
        .env_remove("POCNET_DATA_DIR")
        .env("POCNET_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run pocnet");
    child.stdin.take().expect("stdin").write_all(stdin.as_bytes()).expect("write stdin");
    child.wait_with_output().expect("pocnet output")
}

/// What a run printed, standard output then standard error.
pub fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}
