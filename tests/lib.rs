//! Harness for the workspace's end-to-end tests: finds (building if needed) the `casedesk`
//! binary, makes temporary station databases, runs commands and reads their output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Path of a workspace binary, built once per test run with the same profile as the tests.
pub fn binary(name: &str) -> PathBuf {
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let status = Command::new(env!("CARGO"))
            .args(["build", "--quiet", "--bins", "-p", "casedesk-cli"])
            .current_dir(workspace())
            .status()
            .map_err(|e| e.to_string())?;
        if status.success() { Ok(()) } else { Err(format!("cargo build failed: {status}")) }
    });
    if let Err(e) = built {
        panic!("cannot build the binaries: {e}");
    }
    // target/<profile>/deps/it-xxxx → target/<profile>/<name>
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().and_then(Path::parent).expect("target profile folder");
    dir.join(name)
}

/// Runs `casedesk` with English messages unless `lang` says otherwise.
pub fn casedesk(db: &Path, args: &[&str]) -> Output {
    casedesk_lang(db, "en", args)
}

pub fn casedesk_lang(db: &Path, lang: &str, args: &[&str]) -> Output {
    Command::new(binary("casedesk"))
        .arg("--db")
        .arg(db)
        .args(["--lang", lang])
        .args(args)
        .output()
        .expect("run casedesk")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts success and returns standard output.
#[track_caller]
pub fn ok(o: Output) -> String {
    assert!(o.status.success(), "command failed ({}):\n{}\n{}", o.status, stdout(&o), stderr(&o));
    stdout(&o)
}

/// A fresh station database in a temporary folder.
pub fn station(dir: &Path) -> PathBuf {
    let db = dir.join("station.db");
    ok(casedesk(
        &db,
        &[
            "init",
            "--unit",
            "HX0201",
            "--unit-name",
            "德令哈市消费者投诉联络站",
            "--admin-code",
            "632802",
        ],
    ));
    db
}
