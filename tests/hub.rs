//! A real `casedesk-hub serve` on a temporary database, and reads of that database.
//!
//! The database is a SQLite file in the test's folder, or, with `CDK_HUB_DB=postgres`, a fresh
//! schema on the PostgreSQL server `CDK_PG_URL` names (`scripts/with-pg.sh` starts one; the
//! reads then go through `psql`).

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus};
use std::time::Duration;

use casedesk_proto::Event;

use crate::process::Process;
use crate::station::Station;
use crate::{binary, ok};

/// How long a hub may take to print `listening on`.
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// How to start a hub.
#[derive(Clone, Debug)]
pub struct HubOptions {
    /// `--listen`; port 0 picks a free port.
    pub listen: String,
    pub plain_http: bool,
    /// `--tls-names` for the generated certificate (the default names when empty).
    pub tls_names: Vec<String>,
    /// `CASEDESK_HUB_FAILPOINT`, e.g. `after_commit`.
    pub failpoint: Option<String>,
    /// Run inside this network namespace (`ip netns exec`).
    pub netns: Option<String>,
}

impl Default for HubOptions {
    fn default() -> HubOptions {
        HubOptions {
            listen: "127.0.0.1:0".into(),
            plain_http: false,
            tls_names: Vec::new(),
            failpoint: None,
            netns: None,
        }
    }
}

impl HubOptions {
    pub fn plain_http() -> HubOptions {
        HubOptions { plain_http: true, ..HubOptions::default() }
    }

    pub fn with_failpoint(mut self, name: &str) -> HubOptions {
        self.failpoint = Some(name.into());
        self
    }
}

/// A running hub. Killed on drop.
pub struct Hub {
    db: PathBuf,
    /// The PostgreSQL URL of the hub's database, when it runs on PostgreSQL.
    pg: Option<String>,
    opts: HubOptions,
    process: Option<Process>,
    addr: SocketAddr,
    fingerprint: Option<String>,
}

/// One event as the hub stores it.
#[derive(Clone, Debug)]
pub struct HubEvent {
    pub event: Event,
    pub quarantined: bool,
}

impl Hub {
    /// Starts a hub on `dir/hub.db` (created if needed) and waits until it listens.
    pub fn start(dir: &Path, opts: HubOptions) -> Hub {
        let db = dir.join("hub.db");
        let pg = (std::env::var("CDK_HUB_DB").as_deref() == Ok("postgres")).then(postgres_db);
        let mut hub =
            Hub { db, pg, opts, process: None, addr: ([0, 0, 0, 0], 0).into(), fingerprint: None };
        hub.spawn();
        hub
    }

    fn spawn(&mut self) {
        let mut cmd = match &self.opts.netns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns]).arg(binary("casedesk-hub"));
                c
            }
            None => Command::new(binary("casedesk-hub")),
        };
        cmd.arg("serve").args(self.db_args()).args(["--listen", &self.opts.listen]);
        if self.opts.plain_http {
            cmd.arg("--plain-http");
        } else if !self.opts.tls_names.is_empty() {
            cmd.arg("--tls-names").arg(self.opts.tls_names.join(","));
        }
        cmd.env_remove("CASEDESK_HUB_FAILPOINT").env("RUST_LOG", "info");
        if let Some(fp) = &self.opts.failpoint {
            cmd.env("CASEDESK_HUB_FAILPOINT", fp);
        }
        let process = Process::spawn("casedesk-hub", cmd);
        let listening = process.wait_line("listening on ", START_TIMEOUT);
        self.addr = listening.parse().unwrap_or_else(|e| panic!("listening on {listening:?}: {e}"));
        self.fingerprint = (!self.opts.plain_http).then(|| {
            let fp = process.wait_line("fingerprint (SHA-256) ", START_TIMEOUT);
            assert_eq!(fp.len(), 64, "fingerprint {fp:?}");
            fp
        });
        self.process = Some(process);
    }

    /// Kills the hub (SIGKILL), if it runs.
    pub fn stop(&mut self) {
        if let Some(mut p) = self.process.take() {
            p.kill();
        }
    }

    /// Stops the hub if it runs (SIGKILL) and starts it again on the same database and address,
    /// with `failpoint` (or none).
    pub fn restart(&mut self, failpoint: Option<&str>) {
        self.stop();
        self.opts.listen = self.addr.to_string();
        self.opts.failpoint = failpoint.map(str::to_owned);
        self.spawn();
    }

    /// Stops the hub, throws its certificate and key away and starts it again on the same
    /// database and address: it makes a new self-signed certificate, as a reinstalled hub (or
    /// one an attacker stands up at its address) would.
    pub fn restart_with_new_certificate(&mut self) {
        self.stop();
        for ext in [".crt", ".key"] {
            let mut name = self.db.clone().into_os_string();
            name.push(ext);
            std::fs::remove_file(PathBuf::from(name)).expect("remove the hub's certificate");
        }
        let old = self.fingerprint.clone();
        self.restart(None);
        assert_ne!(self.fingerprint, old, "the hub kept its certificate");
    }

    /// The hub's database files (the database, its WAL and shared-memory files if any).
    fn db_files(&self) -> Vec<PathBuf> {
        ["", "-wal", "-shm"]
            .iter()
            .map(|ext| {
                let mut name = self.db.clone().into_os_string();
                name.push(ext);
                PathBuf::from(name)
            })
            .collect()
    }

    /// Copies the database files into `to` (a backup); the hub must be stopped.
    pub fn back_up(&mut self, to: &Path) {
        assert!(!self.is_running(), "back up a stopped hub");
        std::fs::create_dir_all(to).expect("backup folder");
        for file in self.db_files() {
            let target = to.join(file.file_name().expect("file name"));
            let _ = std::fs::remove_file(&target);
            if file.exists() {
                std::fs::copy(&file, &target).expect("copy a hub file");
            }
        }
    }

    /// Puts the database files of a backup made by `back_up` in place (removing the current
    /// WAL and shared-memory files); the hub must be stopped.
    pub fn restore(&mut self, from: &Path) {
        assert!(!self.is_running(), "restore a stopped hub");
        for file in self.db_files() {
            let _ = std::fs::remove_file(&file);
            let source = from.join(file.file_name().expect("file name"));
            if source.exists() {
                std::fs::copy(&source, &file).expect("restore a hub file");
            }
        }
    }

    /// Stops the hub and starts it on the same database in network namespace `netns` (or
    /// outside any), listening on `listen`: the same hub reached over another link.
    pub fn relocate(&mut self, netns: Option<&str>, listen: &str) {
        self.stop();
        self.opts.netns = netns.map(str::to_owned);
        self.opts.listen = listen.into();
        self.opts.failpoint = None;
        self.spawn();
    }

    /// Starts a stopped hub again on the same database and address.
    pub fn start_again(&mut self) {
        assert!(self.process.is_none(), "the hub is running");
        self.restart(None);
    }

    /// Waits for the hub to exit by itself (a failpoint), and forgets the process.
    #[track_caller]
    pub fn wait_for_death(&mut self, timeout: Duration) -> ExitStatus {
        let p = self.process.as_mut().expect("the hub is running");
        match p.wait_exit(timeout) {
            Some(status) => {
                self.process = None;
                status
            }
            None => panic!("the hub is still running after {timeout:?}"),
        }
    }

    pub fn is_running(&mut self) -> bool {
        self.process.as_mut().is_some_and(|p| p.wait_exit(Duration::ZERO).is_none())
    }

    /// The hub process's id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.process.as_ref().map(Process::pid)
    }

    /// The folder the hub keeps the files events name in (`<db>.blobs` beside a SQLite file,
    /// `hub.blobs` in the state folder of a PostgreSQL hub).
    pub fn blob_dir(&self) -> PathBuf {
        let base = match &self.pg {
            None => self.db.clone(),
            Some(_) => self.db.with_extension("state").join("hub"),
        };
        let mut name = base.into_os_string();
        name.push(".blobs");
        PathBuf::from(name)
    }

    pub fn db(&self) -> &Path {
        &self.db
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn url(&self) -> String {
        let scheme = if self.opts.plain_http { "http" } else { "https" };
        format!("{scheme}://{}", self.addr)
    }

    pub fn fingerprint(&self) -> Option<&str> {
        self.fingerprint.as_deref()
    }

    /// The hub's request log so far (standard error), for failure messages.
    pub fn log(&self) -> String {
        self.process.as_ref().map(Process::stderr_tail).unwrap_or_default()
    }

    /// `casedesk-hub units import` of a CSV text.
    pub fn import_units(&self, csv: &str) {
        let file = self.db.with_extension("units.csv");
        std::fs::write(&file, csv).expect("write units");
        let out = Command::new(binary("casedesk-hub"))
            .args(["units", "import"])
            .args(self.db_args())
            .arg(&file)
            .output()
            .expect("run casedesk-hub units import");
        ok(out);
    }

    /// A one-time enrollment code for `unit`, naming the hub as `hub_url` (the hub's own URL
    /// when `None`).
    pub fn enroll_code(&self, unit: &str, hub_url: Option<&str>) -> String {
        let url = hub_url.map_or_else(|| self.url(), str::to_owned);
        let out = Command::new(binary("casedesk-hub"))
            .arg("enroll-code")
            .args(self.db_args())
            .args(["--unit", unit, "--hub-url", &url])
            .output()
            .expect("run casedesk-hub enroll-code");
        let code = ok(out).trim().to_owned();
        assert!(code.starts_with("CDE1-"), "{code}");
        code
    }

    /// `casedesk-hub bundle import FILE --out OUT` on this hub's database, whatever its outcome.
    pub fn bundle_import(&self, file: &Path, out: &Path) -> std::process::Output {
        Command::new(binary("casedesk-hub"))
            .args(["bundle", "import"])
            .args(self.db_args())
            .arg(file)
            .arg("--out")
            .arg(out)
            .output()
            .expect("run casedesk-hub bundle import")
    }

    /// Enrolls `station` with a fresh code; `via` overrides the hub's address (a proxy's).
    pub fn enroll(&self, station: &Station, via: Option<&str>) {
        let code = self.enroll_code(&station.unit, None);
        station.enroll(&code, via);
    }

    /// `--db` (and, on PostgreSQL, `--state-dir`) for `casedesk-hub`.
    fn db_args(&self) -> Vec<std::ffi::OsString> {
        match &self.pg {
            None => vec!["--db".into(), self.db.clone().into()],
            Some(url) => {
                let state = self.db.with_extension("state");
                vec!["--db".into(), url.into(), "--state-dir".into(), state.into()]
            }
        }
    }

    /// The rows of `sql` (one line each, columns separated by `\x1f`) from the PostgreSQL hub.
    fn psql(&self, sql: &str) -> Option<Vec<Vec<String>>> {
        let url = self.pg.as_ref()?;
        let out = Command::new("psql")
            .args([
                "-X",
                "-A",
                "-t",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-F",
                "\x1f",
                "-d",
                url,
                "-c",
                sql,
            ])
            .output()
            .expect("run psql");
        let text = ok(out);
        Some(
            text.lines()
                .filter(|l| !l.is_empty())
                .map(|l| l.split('\x1f').map(str::to_owned).collect())
                .collect(),
        )
    }

    fn open(&self) -> rusqlite::Connection {
        let conn = rusqlite::Connection::open(&self.db).expect("open the hub database");
        conn.busy_timeout(Duration::from_secs(10)).expect("busy timeout");
        conn
    }

    /// Every event the hub holds, in its order.
    pub fn events(&self) -> Vec<HubEvent> {
        if let Some(rows) = self.psql("SELECT json, quarantined FROM events ORDER BY pos") {
            return rows
                .iter()
                .map(|r| HubEvent {
                    event: serde_json::from_str(&r[0]).expect("stored event JSON"),
                    quarantined: r[1] == "t",
                })
                .collect();
        }
        let conn = self.open();
        let mut stmt =
            conn.prepare("SELECT json, quarantined FROM events ORDER BY pos").expect("prepare");
        stmt.query_map([], |r| {
            let json: String = r.get(0)?;
            let quarantined: bool = r.get(1)?;
            Ok((json, quarantined))
        })
        .expect("query")
        .map(|row| {
            let (json, quarantined) = row.expect("row");
            let event = serde_json::from_str(&json).expect("stored event JSON");
            HubEvent { event, quarantined }
        })
        .collect()
    }

    /// `acked_seq` of every enrolled device, by device id.
    pub fn acked(&self) -> BTreeMap<String, u64> {
        if let Some(rows) = self.psql("SELECT id, acked_seq FROM devices") {
            return rows.iter().map(|r| (r[0].clone(), r[1].parse().unwrap_or(0))).collect();
        }
        let conn = self.open();
        let mut stmt = conn.prepare("SELECT id, acked_seq FROM devices").expect("prepare");
        stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
            .expect("query")
            .map(|row| {
                let (id, n) = row.expect("row");
                (id, u64::try_from(n).unwrap_or(0))
            })
            .collect()
    }

    /// A value of the hub's `meta` table (`bundle_key`, its age identity; `signing_key`, its
    /// Ed25519 seed): tests that open or craft bundles as only the hub could.
    pub fn meta(&self, key: &str) -> String {
        if let Some(rows) = self.psql(&format!("SELECT value FROM meta WHERE key = '{key}'")) {
            return rows[0][0].clone();
        }
        self.open()
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .expect("a value of the hub's meta table")
    }

    /// `acked_seq` of one device (0 if unknown).
    pub fn acked_seq(&self, device: &str) -> u64 {
        self.acked().get(device).copied().unwrap_or(0)
    }

    /// Stored receipts (batch id → receipt JSON) of one device.
    pub fn receipts(&self, device: &str) -> BTreeMap<String, String> {
        let sql = format!("SELECT batch_id, json FROM receipts WHERE device = '{device}'");
        if let Some(rows) = self.psql(&sql) {
            return rows.iter().map(|r| (r[0].clone(), r[1].clone())).collect();
        }
        let conn = self.open();
        let mut stmt =
            conn.prepare("SELECT batch_id, json FROM receipts WHERE device = ?1").expect("prepare");
        stmt.query_map([device], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .map(|row| row.expect("row"))
            .collect()
    }

    /// The hub's quarantine: (event id, kind, reason), in arrival order.
    pub fn quarantine(&self) -> Vec<(String, String, String)> {
        let conn = self.open();
        let mut stmt = conn
            .prepare(
                "SELECT e.id, e.kind, q.reason FROM quarantine q JOIN events e ON e.pos = q.event_pos
                 ORDER BY q.event_pos",
            )
            .expect("prepare");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .expect("query")
            .map(|row| row.expect("row"))
            .collect()
    }

    /// The quarantine reason of event `id`, if the hub quarantined it.
    pub fn quarantine_reason(&self, id: &str) -> Option<String> {
        self.quarantine().into_iter().find(|(e, _, _)| e == id).map(|(_, _, r)| r)
    }

    /// Devices the hub has frozen (a fork), with the reason.
    pub fn frozen(&self) -> Vec<(String, String)> {
        let sql = "SELECT id, coalesce(frozen_reason, '') FROM devices WHERE frozen_ms IS NOT NULL";
        if let Some(rows) = self.psql(sql) {
            return rows.into_iter().map(|r| (r[0].clone(), r[1].clone())).collect();
        }
        let conn = self.open();
        let mut stmt = conn
            .prepare(
                "SELECT id, coalesce(frozen_reason, '') FROM devices WHERE frozen_ms IS NOT NULL",
            )
            .expect("prepare");
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .expect("query")
            .map(|row| row.expect("row"))
            .collect()
    }

    /// The device code the hub gave `device` (empty if none).
    pub fn device_code(&self, device: &str) -> String {
        self.open()
            .query_row(
                "SELECT coalesce(device_code, '') FROM devices WHERE id = ?1",
                [device],
                |r| r.get(0),
            )
            .unwrap_or_default()
    }

    /// How many events the hub holds.
    pub fn event_count(&self) -> u64 {
        if let Some(rows) = self.psql("SELECT count(*) FROM events") {
            return rows[0][0].parse().unwrap_or(0);
        }
        let n: i64 =
            self.open().query_row("SELECT count(*) FROM events", [], |r| r.get(0)).expect("count");
        u64::try_from(n).unwrap_or(0)
    }
}

/// A fresh schema on the server `CDK_PG_URL` names; the database URL that uses it.
fn postgres_db() -> String {
    let server = std::env::var("CDK_PG_URL").expect("CDK_HUB_DB=postgres needs CDK_PG_URL");
    let schema = format!("hub_{}", uuid::Uuid::now_v7().simple());
    ok(Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", &server, "-c"])
        .arg(format!("CREATE SCHEMA {schema}"))
        .output()
        .expect("run psql"));
    let sep = if server.contains('?') { '&' } else { '?' };
    format!("{server}{sep}options=-csearch_path%3D{schema}")
}
