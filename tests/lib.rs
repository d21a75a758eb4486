//! Harness for the workspace's end-to-end tests: finds (building if needed) the `casedesk` and
//! `casedesk-hub` binaries, makes temporary station databases, runs commands and reads their
//! output.
//!
//! The sync tests use the modules below, each a small piece with an RAII guard:
//! - `process`: a child process whose output is read on threads, killed on drop.
//! - `hub`: `Hub::start(...)`, a `casedesk-hub serve` on a temporary database, ready once it
//!   printed `listening on`; restart, failpoints, and direct reads of its SQLite file.
//! - `station`: `Station::new(...)`, a `casedesk` station database and the commands run on it.
//! - `proxy`: a TCP proxy on threads that adds latency and jitter, cuts connections after so
//!   many bytes, captures plain-HTTP traffic and duplicates pushes; `cdk-netproxy` wraps it in a
//!   process for network namespaces.
//! - `http1`: just enough HTTP/1.1 to split captured traffic and replay a request.
//! - `netns`: two network namespaces joined by a veth pair, link profiles (tbf rate, iptables
//!   loss) and partitions, deleted on drop.
//! - `craft`: events a legitimately enrolled device never wrote through `casedesk`, pushed with
//!   the real client (a forged or buggy station).
//! - `replicas`: the convergence oracle (nothing lost, nothing doubled, each station holds
//!   exactly what it may see, replicas equal).

pub mod craft;
pub mod http1;
pub mod hub;
pub mod netns;
pub mod process;
pub mod proxy;
pub mod replicas;
pub mod station;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

/// The workspace root.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// Path of a workspace binary (`casedesk`, `casedesk-hub`, `cdk-netproxy`), built once per run
/// with the same profile as the running test or example.
///
/// `CDK_BIN_DIR=<folder>` takes `casedesk` and `casedesk-hub` from that folder instead, without
/// building: to run the tests against the binaries of another commit (the old behaviour a test
/// is meant to catch). The harness's own `cdk-*` binaries are still built here.
pub fn binary(name: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os("CDK_BIN_DIR").filter(|_| !name.starts_with("cdk-")) {
        return PathBuf::from(dir).join(name);
    }
    static BUILT: OnceLock<Result<(), String>> = OnceLock::new();
    // target/<profile>/deps/it-xxxx or target/<profile>/examples/x → target/<profile>/<name>
    let exe = std::env::current_exe().expect("test executable path");
    let dir = exe.parent().and_then(Path::parent).expect("target profile folder").to_path_buf();
    let built = BUILT.get_or_init(|| {
        let mut cargo = Command::new(env!("CARGO"));
        cargo.args(["build", "--quiet", "--bins"]);
        for package in ["casedesk-cli", "casedesk-hub", "casedesk-tests"] {
            cargo.args(["-p", package]);
        }
        if dir.file_name().is_some_and(|d| d == "release") {
            cargo.arg("--release");
        }
        let status = cargo.current_dir(workspace()).status().map_err(|e| e.to_string())?;
        if status.success() { Ok(()) } else { Err(format!("cargo build failed: {status}")) }
    });
    if let Err(e) = built {
        panic!("cannot build the binaries: {e}");
    }
    dir.join(name)
}

/// Whether the long versions of the slow tests run (`CDK_SLOW=1`, as `make test-slow` sets).
/// Without it each slow test runs its short version and says so on standard error.
pub fn slow_tests() -> bool {
    std::env::var("CDK_SLOW").is_ok_and(|v| v == "1")
}

/// `long` with `CDK_SLOW=1`, else `short`, printing which past the test harness's capture.
pub fn scale(test: &str, short: usize, long: usize) -> usize {
    use std::io::Write;
    let n = if slow_tests() { long } else { short };
    if n < long {
        let _ = writeln!(
            std::io::stderr(),
            "SHORTENED {test}: {n} of {long} rounds (CDK_SLOW=1 runs them all)"
        );
    }
    n
}

/// The seed of a randomised test: `CDK_SEED` when set (to replay a failure), else a fresh
/// one; printed either way, past the capture, so that a failing run can be repeated.
pub fn seed(test: &str) -> u64 {
    use std::io::Write;
    let seed =
        std::env::var("CDK_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(rand::random);
    let _ = writeln!(std::io::stderr(), "SEED {test}: {seed} (replay with CDK_SEED={seed})");
    seed
}

/// The time now, `minutes` ago, as RFC 3339 (for the times entered with actions, which may
/// not lie in the future nor before the case was received).
pub fn minutes_ago(minutes: i64) -> String {
    (chrono::Utc::now() - chrono::Duration::minutes(minutes))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// The first staff member (a head) of every station the tests make, and their password: every
/// command runs as them (`CASEDESK_AS`, `CASEDESK_PASSWORD`) unless a test says otherwise.
pub const HEAD: &str = "马站长";
pub const HEAD_PASSWORD: &str = "qinghai-lake-2026";

/// The station passphrase of the tests' stations (given as `CASEDESK_PASSPHRASE`): every
/// station the tests make is encrypted, as a real one is.
pub const PASSPHRASE: &str = "测试站点口令 casedesk-tests";

/// The key of the test station file `db` (from its key note and [`PASSPHRASE`]).
pub fn station_key(db: &Path) -> casedesk_store::DbKey {
    let note = casedesk_keys::read_note(db).expect("read the key note").expect("a key note");
    casedesk_keys::key_for(&note, Some(PASSPHRASE)).expect("derive the key")
}

/// A plain SQLite connection on the encrypted station file `db`, keyed (for what the tests
/// read or damage by hand).
pub fn open_sqlite(db: &Path) -> rusqlite::Connection {
    let key = station_key(db);
    let conn = rusqlite::Connection::open(db).expect("open the station file");
    conn.pragma_update(None, "key", format!("x'{}'", &*key.to_hex())).expect("key");
    conn.busy_timeout(std::time::Duration::from_secs(10)).expect("busy timeout");
    conn
}

/// A store on the encrypted station file `db`.
pub fn open_store(db: &Path) -> casedesk_store::Store {
    casedesk_store::Store::open_encrypted(db, &station_key(db), None).expect("open the station")
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
        .env("CASEDESK_AS", HEAD)
        .env("CASEDESK_PASSWORD", HEAD_PASSWORD)
        .env_remove("CASEDESK_NEW_PASSWORD")
        .args(args)
        .env("CASEDESK_PASSPHRASE", PASSPHRASE)
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
            "--staff",
            HEAD,
        ],
    ));
    db
}
