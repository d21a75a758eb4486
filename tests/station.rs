//! A station: a `casedesk` database of one unit, and the commands the tests run on it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use casedesk_proto::Event;
use serde_json::{Value, json};

use crate::{binary, stderr, stdout};

/// A unit of the hierarchy the sync tests use (一会两站: an association, a branch under it,
/// stations under those).
#[derive(Clone, Copy, Debug)]
pub struct UnitSpec {
    pub code: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub parent: Option<&'static str>,
    /// This station's device code (in case numbers).
    pub device_code: &'static str,
}

pub const HX: UnitSpec = UnitSpec {
    code: "HX",
    name: "海西州消费者协会",
    kind: "association",
    parent: None,
    device_code: "Z1",
};
pub const HX02: UnitSpec = UnitSpec {
    code: "HX02",
    name: "格尔木市消费者协会分会",
    kind: "branch",
    parent: Some("HX"),
    device_code: "F1",
};
pub const HX0201: UnitSpec = UnitSpec {
    code: "HX0201",
    name: "格尔木市河西投诉联络站",
    kind: "liaison_station",
    parent: Some("HX02"),
    device_code: "A1",
};
pub const HX0202: UnitSpec = UnitSpec {
    code: "HX0202",
    name: "格尔木市昆仑路投诉联络站",
    kind: "liaison_station",
    parent: Some("HX02"),
    device_code: "B1",
};
pub const HX0301: UnitSpec = UnitSpec {
    code: "HX0301",
    name: "乌兰县维权服务站",
    kind: "service_station",
    parent: Some("HX"),
    device_code: "C1",
};

/// The hierarchy of the sync tests.
pub const UNITS: &[UnitSpec] = &[HX, HX02, HX0201, HX0202, HX0301];

/// `units` as the hub's CSV import (`code,name,kind,parent`).
pub fn units_csv(units: &[UnitSpec]) -> String {
    let mut csv = String::from("code,name,kind,parent\n");
    for u in units {
        csv.push_str(&format!("{},{},{},{}\n", u.code, u.name, u.kind, u.parent.unwrap_or("")));
    }
    csv
}

/// A complaint for `case add --json`.
pub const COMPLAINT: &str = r#"{
  "case_type": "complaint", "mode": "own", "channel": "visit",
  "complainants": [{"name": "才让卓玛", "phones": ["13897712345"], "village": "天峻县织合玛乡夏季牧场",
                    "language": "bo", "consents": {"personal_info": true}}],
  "respondents": [{"name": "天峻县丰源饲料店", "kind": "individual"}],
  "category": "CCA-G10", "nature": "CCA-N02",
  "facts": {"content": "购买的育肥饲料喂食后羊只腹泻，三只死亡。", "amount_fen": 680000},
  "requests": ["compensation"], "claim_fen": 450000
}"#;

/// Which device code `casedesk init` is given.
#[derive(Clone, Debug, Default)]
pub enum DeviceCode {
    /// The unit's (`UnitSpec::device_code`).
    #[default]
    Unit,
    Given(String),
    /// None: `init` makes one from the device id.
    None,
}

/// How `Station::init` sets up a device.
#[derive(Clone, Debug, Default)]
pub struct Init {
    /// File name (without `.db`) and label; the unit code by default.
    pub label: Option<String>,
    pub device_code: DeviceCode,
    /// `--unit-name`; the unit's by default.
    pub unit_name: Option<String>,
}

impl Init {
    /// A second (third ...) device of a unit, in `<label>.db`.
    pub fn device(label: &str) -> Init {
        Init { label: Some(label.into()), ..Init::default() }
    }

    pub fn code(mut self, code: DeviceCode) -> Init {
        self.device_code = code;
        self
    }

    pub fn unit_name(mut self, name: &str) -> Init {
        self.unit_name = Some(name.into());
        self
    }
}

/// A station database. Nothing runs in the background: each method runs one `casedesk`
/// command to its end.
#[derive(Clone, Debug)]
pub struct Station {
    pub db: PathBuf,
    /// Names this station in messages (the unit code, or the file name of a second device).
    pub label: String,
    pub unit: String,
    /// This station's device id.
    pub device: String,
    /// The device ids this station wrote as before a restore from a backup gave it a new one
    /// (`casedesk backup restore`).
    pub former_devices: Vec<String>,
    /// Commands run inside this network namespace.
    netns: Option<String>,
}

/// One event as a station holds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StationEvent {
    pub id: String,
    pub device: String,
    pub seq: u64,
    pub hash: String,
    pub kind: String,
}

impl Station {
    /// `casedesk init` of a station of `unit` in `dir/<code>.db`.
    pub fn new(dir: &Path, unit: &UnitSpec) -> Station {
        Station::init(dir, unit, &Init::default())
    }

    /// `casedesk init` of a device of `unit` as `init` says (another file, device code, unit
    /// name): two laptops of one station are two of these.
    pub fn init(dir: &Path, unit: &UnitSpec, init: &Init) -> Station {
        let label = init.label.clone().unwrap_or_else(|| unit.code.to_owned());
        let db = dir.join(format!("{label}.db"));
        let mut st = Station {
            db,
            label,
            unit: unit.code.into(),
            device: String::new(),
            former_devices: Vec::new(),
            netns: None,
        };
        let name = init.unit_name.as_deref().unwrap_or(unit.name);
        let mut args = vec![
            "init",
            "--unit",
            unit.code,
            "--unit-name",
            name,
            "--unit-kind",
            unit.kind,
            "--staff",
            crate::HEAD,
        ];
        match &init.device_code {
            DeviceCode::Unit => args.extend(["--device-code", unit.device_code]),
            DeviceCode::Given(code) => args.extend(["--device-code", code.as_str()]),
            DeviceCode::None => {}
        }
        if let Some(parent) = unit.parent {
            args.extend(["--parent", parent]);
        }
        st.ok(&args);
        let conn = crate::open_sqlite(&st.db);
        st.device = conn
            .query_row("SELECT value FROM meta WHERE key = 'device'", [], |r| r.get(0))
            .expect("device id");
        st
    }

    /// The same station, with its commands run inside network namespace `ns`.
    pub fn in_netns(&self, ns: &str) -> Station {
        Station { netns: Some(ns.into()), ..self.clone() }
    }

    /// A `casedesk --db <db> --lang en` command, to add arguments and environment to.
    pub fn command(&self) -> Command {
        let mut cmd = match &self.netns {
            Some(ns) => {
                let mut c = Command::new("ip");
                c.args(["netns", "exec", ns]).arg(binary("casedesk"));
                c
            }
            None => Command::new(binary("casedesk")),
        };
        cmd.arg("--db")
            .arg(&self.db)
            .args(["--lang", "en"])
            .env_remove("CASEDESK_FAILPOINT")
            .env("CASEDESK_PASSPHRASE", crate::PASSPHRASE)
            .env("CASEDESK_AS", crate::HEAD)
            .env("CASEDESK_PASSWORD", crate::HEAD_PASSWORD)
            .env_remove("CASEDESK_NEW_PASSWORD");
        cmd
    }

    pub fn run(&self, args: &[&str]) -> Output {
        self.command().args(args).output().expect("run casedesk")
    }

    /// Runs and expects success; returns standard output.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.run(args);
        assert!(
            out.status.success(),
            "{} `casedesk {}` failed ({}):\n{}\n{}",
            self.label,
            args.join(" "),
            out.status,
            stdout(&out),
            stderr(&out)
        );
        stdout(&out)
    }

    /// `casedesk demo`: `cases` realistic cases (with their consultations, roving sessions...).
    pub fn demo(&self, cases: u64, seed: u64) {
        self.ok(&["demo", "--cases", &cases.to_string(), "--seed", &seed.to_string()]);
    }

    /// `casedesk enroll CODE [--hub URL]`; `--allow-plain-http` when the hub (or the address
    /// it is reached by) is a plain-HTTP one, as the tests' capturing hubs are.
    pub fn enroll(&self, code: &str, hub_url: Option<&str>) {
        let mut args = vec!["enroll", code];
        if let Some(url) = hub_url {
            args.extend(["--hub", url]);
        }
        let plain = hub_url.is_some_and(|u| u.starts_with("http://"))
            || casedesk_proto::sync::EnrollCode::decode(code)
                .is_some_and(|c| c.hub.starts_with("http://"));
        if plain {
            args.push("--allow-plain-http");
        }
        // The sync tests fill their stations with demonstration data.
        args.push("--allow-demo");
        self.ok(&args);
    }

    /// A new address for the hub this station is enrolled with, as the desktop's settings
    /// change it (`casedesk_sync::set_hub_address`: the pinned certificate stays).
    pub fn set_hub_address(&self, url: &str) -> Result<(), casedesk_sync::SyncError> {
        let mut store = crate::open_store(&self.db);
        casedesk_sync::set_hub_address(&mut store, url)
    }

    /// `casedesk backup now`: a manual backup into the data folder; returns its file.
    #[track_caller]
    pub fn back_up(&self) -> PathBuf {
        let v: Value = serde_json::from_str(&self.ok(&["backup", "now", "--json"]))
            .expect("backup now --json output");
        PathBuf::from(v["written"][0]["path"].as_str().expect("a backup written"))
    }

    /// `casedesk backup restore FILE --yes`: the station is the backup now, under a new device
    /// identity (the old one is kept in `former_devices`). Returns the command's report.
    #[track_caller]
    pub fn restore(&mut self, backup: &Path) -> Value {
        let file = backup.to_str().expect("path");
        let out = self.ok(&["backup", "restore", file, "--yes", "--json"]);
        let v: Value = serde_json::from_str(&out).expect("backup restore --json output");
        let old = v["old_device"].as_str().expect("old device").to_owned();
        let new = v["new_device"].as_str().expect("new device").to_owned();
        assert_ne!(old, new, "{}: a restore keeps no device identity", self.label);
        if !self.former_devices.contains(&old) {
            self.former_devices.push(old);
        }
        self.device = new;
        v
    }

    /// `casedesk sync --json`, whatever its outcome.
    pub fn sync(&self) -> Output {
        self.run(&["sync", "--json"])
    }

    /// `casedesk sync` with the client failpoint `CASEDESK_FAILPOINT=name`, expected to abort
    /// the process there (as `kill -9` would).
    #[track_caller]
    pub fn sync_aborted_at(&self, failpoint: &str) {
        use std::os::unix::process::ExitStatusExt;
        let out = self.command().env("CASEDESK_FAILPOINT", failpoint).arg("sync").output();
        let out = out.expect("run casedesk sync");
        assert_eq!(
            out.status.signal(),
            Some(6), // SIGABRT
            "{}: sync did not abort at {failpoint} ({}):\n{}{}",
            self.label,
            out.status,
            stdout(&out),
            stderr(&out)
        );
    }

    /// `casedesk sync --json`, expected to succeed; returns its report.
    #[track_caller]
    pub fn sync_ok(&self) -> Value {
        let out = self.ok(&["sync", "--json"]);
        let v: Value = serde_json::from_str(&out).expect("sync --json output");
        assert_eq!(
            v["status"]["waiting"], 0,
            "{}: events still waiting after sync: {v}",
            self.label
        );
        v["report"].clone()
    }

    /// `casedesk sync` expected to fail for want of a network: exit code 4, in plain words.
    #[track_caller]
    pub fn sync_fails_on_network(&self) -> String {
        let out = self.sync();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(4), "{}: {}\n{err}", self.label, stdout(&out));
        assert!(
            err.contains("sync failed [network]: Cannot reach the hub"),
            "{}: not a plain network error: {err}",
            self.label
        );
        err
    }

    /// `casedesk verify` must pass.
    #[track_caller]
    pub fn verify_ok(&self) {
        let report = self.ok(&["verify"]);
        assert!(report.trim_end().ends_with("OK"), "{}: {report}", self.label);
    }

    /// `case add --json` of `registration`; returns the case's id and number.
    pub fn add_case(&self, registration: &str) -> (String, String) {
        let file = self.db.with_extension(format!("{}.case.json", uuid::Uuid::now_v7()));
        std::fs::write(&file, registration).expect("write case");
        let out = self.ok(&["case", "add", "--json", file.to_str().expect("path"), "--json-out"]);
        let v: Value = serde_json::from_str(out.trim()).expect("case add output");
        (v["id"].as_str().expect("id").to_owned(), v["no"].as_str().expect("no").to_owned())
    }

    /// Registers and accepts `n` complaints (two events each).
    pub fn add_accepted_cases(&self, n: usize) {
        for _ in 0..n {
            let (_, no) = self.add_case(COMPLAINT);
            self.ok(&["case", "accept", &no]);
        }
    }

    /// `case act NO --json` with an event of `kind` and `payload`.
    pub fn act(&self, no: &str, kind: &str, payload: Value) -> String {
        let file = self.db.with_extension(format!("{}.act.json", uuid::Uuid::now_v7()));
        let body = json!({ "kind": kind, "payload": payload });
        std::fs::write(&file, body.to_string()).expect("write act");
        self.ok(&["case", "act", no, "--json", file.to_str().expect("path")])
    }

    /// `case act NO --json` with an event of `kind` and `payload`, whatever its outcome.
    pub fn try_act(&self, no: &str, kind: &str, payload: Value) -> Output {
        let file = self.db.with_extension(format!("{}.act.json", uuid::Uuid::now_v7()));
        let body = json!({ "kind": kind, "payload": payload });
        std::fs::write(&file, body.to_string()).expect("write act");
        let out = self.run(&["case", "act", no, "--json", file.to_str().expect("path")]);
        let _ = std::fs::remove_file(&file);
        out
    }

    /// `sync --status --json`.
    pub fn status(&self) -> Value {
        serde_json::from_str(&self.ok(&["sync", "--status", "--json"])).expect("sync --status")
    }

    /// The device code this station numbers its cases with now.
    pub fn device_code(&self) -> String {
        self.open()
            .query_row("SELECT value FROM meta WHERE key = 'device_code'", [], |r| r.get(0))
            .expect("device code")
    }

    /// The name this station's projection holds for `unit` (None if it knows no such unit).
    pub fn unit_name(&self, unit: &str) -> Option<String> {
        use rusqlite::OptionalExtension;
        self.open()
            .query_row("SELECT name FROM units WHERE code = ?1", [unit], |r| r.get(0))
            .optional()
            .expect("units")
    }

    /// Every case number shown (`case list`), sorted.
    pub fn case_numbers(&self) -> Vec<String> {
        let mut nos: Vec<String> =
            self.case_rows().values().map(|r| r["no"].as_str().expect("no").to_owned()).collect();
        nos.sort();
        nos
    }

    /// `casedesk export` into a file beside the database; returns its path.
    pub fn export(&self) -> PathBuf {
        let file = self.db.with_extension(format!("{}.export.jsonl", uuid::Uuid::now_v7()));
        self.ok(&["export", file.to_str().expect("path")]);
        file
    }

    /// `casedesk import FILE`, whatever its outcome.
    pub fn import(&self, file: &Path) -> Output {
        self.run(&["import", file.to_str().expect("path")])
    }

    /// The station's quarantine (`sync --status --json`): (event id, kind, reason).
    pub fn quarantine(&self) -> Vec<(String, String, String)> {
        let status = self.status();
        status["quarantine"]
            .as_array()
            .expect("quarantine")
            .iter()
            .map(|q| {
                let text = |k: &str| q[k].as_str().unwrap_or_default().to_owned();
                (text("id"), text("kind"), text("reason"))
            })
            .collect()
    }

    /// `case show NO --json`.
    /// The case page as every replica must show it: without `actors`, the names of the staff
    /// members this station knows (a station does not hold the staff of the units that sent it
    /// a case, so the names differ between replicas while the events are the same).
    pub fn show(&self, no: &str) -> Value {
        let mut v: Value = serde_json::from_str(&self.ok(&["case", "show", no, "--json"]))
            .expect("case show output");
        if let Some(o) = v.as_object_mut() {
            o.remove("actors");
        }
        v
    }

    /// Every case row (`case list --json`, all pages), by case id.
    pub fn case_rows(&self) -> BTreeMap<String, Value> {
        let mut rows = BTreeMap::new();
        let mut after: Option<String> = None;
        loop {
            let mut args = vec!["case", "list", "--json", "--limit", "500"];
            if let Some(a) = &after {
                args.extend(["--after", a.as_str()]);
            }
            let page: Value = serde_json::from_str(&self.ok(&args)).expect("case list output");
            for row in page["rows"].as_array().expect("rows") {
                rows.insert(row["id"].as_str().expect("id").to_owned(), row.clone());
            }
            match page["next"].as_str() {
                Some(next) => after = Some(next.to_owned()),
                None => return rows,
            }
        }
    }

    fn open(&self) -> rusqlite::Connection {
        crate::open_sqlite(&self.db)
    }

    /// Every event the station holds, in its log order.
    pub fn events(&self) -> Vec<StationEvent> {
        let conn = self.open();
        let mut stmt = conn
            .prepare("SELECT id, device, seq, hash, kind FROM events ORDER BY rowid")
            .expect("prepare");
        stmt.query_map([], |r| {
            Ok(StationEvent {
                id: uuid_of(&r.get::<_, Vec<u8>>(0)?),
                device: uuid_of(&r.get::<_, Vec<u8>>(1)?),
                seq: u64::try_from(r.get::<_, i64>(2)?).unwrap_or(0),
                hash: hex(&r.get::<_, Vec<u8>>(3)?),
                kind: r.get(4)?,
            })
        })
        .expect("query")
        .map(|row| row.expect("row"))
        .collect()
    }

    /// This device's own events.
    pub fn own_events(&self) -> Vec<StationEvent> {
        self.events().into_iter().filter(|e| e.device == self.device).collect()
    }

    /// This device's last sequence number.
    pub fn head(&self) -> u64 {
        self.own_events().iter().map(|e| e.seq).max().unwrap_or(0)
    }

    /// A value of the sync state (`token`, `fingerprint`, `hub`, `acked_seq`, `cursor`...).
    pub fn sync_state(&self, key: &str) -> Option<String> {
        self.open()
            .query_row("SELECT value FROM sync_state WHERE key = ?1", [key], |r| r.get(0))
            .ok()
    }

    /// This device's events with sequence numbers in `from..=to`, as sent (via `export`).
    pub fn own_chain(&self, from: u64, to: u64) -> Vec<Event> {
        let file = self.db.with_extension(format!("{}.export.jsonl", uuid::Uuid::now_v7()));
        self.ok(&["export", file.to_str().expect("path")]);
        let text = std::fs::read_to_string(&file).expect("read export");
        let _ = std::fs::remove_file(&file);
        let mut events: Vec<Event> = text
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str::<Event>(l).expect("exported event"))
            .filter(|e| e.device.to_string() == self.device && (from..=to).contains(&e.seq))
            .collect();
        events.sort_by_key(|e| e.seq);
        events
    }
}

fn uuid_of(bytes: &[u8]) -> String {
    uuid::Uuid::from_slice(bytes).map(|u| u.to_string()).unwrap_or_else(|_| hex(bytes))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
