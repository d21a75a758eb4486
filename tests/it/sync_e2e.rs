//! Sync end to end, with real processes over loopback: a hub (`casedesk-hub serve`, TLS) with
//! the unit hierarchy imported, an association and three stations (`casedesk init`, `demo`,
//! `enroll`), and `casedesk sync` runs. Convergence is checked against the hub's database.

use casedesk_tests::hub::{Hub, HubOptions};
use casedesk_tests::replicas::{Hierarchy, assert_converged, assert_projections_equal};
use casedesk_tests::station::{COMPLAINT, HX, HX0201, HX0202, HX0301, Station, UNITS, units_csv};
use casedesk_tests::stderr;
use serde_json::{Value, json};
use uuid::Uuid;

fn sync_all(stations: &[&Station]) {
    for st in stations {
        st.sync_ok();
    }
}

#[test]
fn stations_and_the_association_converge_through_the_hub() {
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(dir.path(), HubOptions::default());
    hub.import_units(&units_csv(UNITS));
    let hx = Station::new(dir.path(), &HX);
    let s1 = Station::new(dir.path(), &HX0201);
    let s2 = Station::new(dir.path(), &HX0202);
    let s3 = Station::new(dir.path(), &HX0301);
    let all = [&hx, &s1, &s2, &s3];
    for (i, st) in all.iter().enumerate() {
        st.demo(6, 100 + i as u64);
        hub.enroll(st, None);
    }

    // The association registers a case and transfers it down to HX0202; HX0201 asks HX0202
    // to co-handle one of its own.
    let (_, down_no) = hx.add_case(COMPLAINT);
    let down = Uuid::now_v7().to_string();
    hx.act(
        &down_no,
        "case.transferred",
        json!({"transfer": down, "kind": "down", "to_unit": "HX0202", "reason": "small_case_down",
               "note": "小案下办"}),
    );
    let (_, co_no) = s1.add_case(COMPLAINT);
    let co = Uuid::now_v7().to_string();
    s1.act(
        &co_no,
        "case.transferred",
        json!({"transfer": co, "kind": "co_handle", "to_unit": "HX0202", "reason": "hard_case_joint"}),
    );
    sync_all(&all);
    sync_all(&all);

    // HX0202 holds the transferred case with its whole history, as the association does.
    let at_hx = hx.show(&down_no);
    let at_s2 = s2.show(&down_no);
    assert_eq!(at_s2, at_hx);
    assert_eq!(at_s2["case"]["home_unit"], "HX0202");
    let kinds: Vec<&Value> = at_s2["case"]["timeline"].as_array().unwrap().iter().collect();
    assert_eq!(kinds.len(), 2, "registration and transfer: {kinds:?}");
    // Stations it was not sent to do not hold it.
    for st in [&s1, &s3] {
        let o = st.run(&["case", "show", &down_no]);
        assert!(stderr(&o).contains("not found"), "{}: {}", st.unit, stderr(&o));
    }
    assert_eq!(s2.show(&co_no), s1.show(&co_no));

    // HX0202 answers the transfer and takes the case on; it also notes its co-handling.
    let feedback = "已受理，正在联系双方当事人";
    s2.act(
        &down_no,
        "case.transfer_feedback",
        json!({"transfer": down, "at": casedesk_tests::minutes_ago(0), "text": feedback}),
    );
    s2.ok(&["case", "accept", &down_no]);
    s2.act(&co_no, "case.note_added", json!({"text": "协办：已电话联系被投诉人"}));
    s2.sync_ok();
    hx.sync_ok();
    s1.sync_ok();
    let seen = hx.show(&down_no);
    assert_eq!(seen["case"]["transfers"][0]["feedback"][1], feedback, "{seen}");
    assert_eq!(seen["case"]["status"], "accepted");
    let notes = s1.show(&co_no)["case"]["notes"].to_string();
    assert!(notes.contains("协办：已电话联系被投诉人"), "{notes}");

    // Everyone syncs twice: every replica agrees with the hub.
    sync_all(&all);
    sync_all(&all);
    let converged = assert_converged(&hub, &all, &Hierarchy::of(UNITS));
    assert_eq!(converged.held["HX"], converged.hub_events, "the association sees everything");
    let compared = assert_projections_equal(&all);
    assert!(compared >= 6 * 3 + 3, "too few shared cases compared: {compared}");
    for st in [&hx, &s1] {
        assert_eq!(st.show(&co_no), s2.show(&co_no), "{}", st.unit);
    }
    assert_eq!(hx.show(&down_no), s2.show(&down_no));

    // Nothing is left to move.
    for st in all {
        let r = st.sync_ok();
        assert_eq!((r["pushed"].as_u64(), r["applied"].as_u64()), (Some(0), Some(0)), "{r}");
    }
}

/// Whether the file at `path` (and its write-ahead log) holds `needle` anywhere, in clear.
fn file_holds(path: &std::path::Path, needle: &str) -> bool {
    let mut bytes = std::fs::read(path).unwrap_or_default();
    let mut wal = path.as_os_str().to_owned();
    wal.push("-wal");
    bytes.extend(std::fs::read(std::path::PathBuf::from(wal)).unwrap_or_default());
    bytes.windows(needle.len()).any(|w| w == needle.as_bytes())
}

/// The report of `unit` for the year, as JSON, without when it was made.
fn report(st: &Station, unit: &str) -> Value {
    let year = chrono::Utc::now().format("%Y").to_string();
    let out = st.ok(&["report", "--period", &year, "--unit", unit, "--json"]);
    let mut v: Value = serde_json::from_str(&out).expect("report json");
    if let Some(o) = v.as_object_mut() {
        o.remove("computed_at");
    }
    v
}

/// Retention end to end (issue 11 item 6): station A anonymises a closed case after sync; the
/// hub, A's second device, the association and a device enrolled afterwards hold only the
/// redacted payloads (in their files too), `verify` passes on each, the reports are unchanged
/// and every replica converges with the hub.
#[test]
fn sync_e2e_anonymisation_reaches_the_hub_and_every_replica() {
    use casedesk_tests::station::{DeviceCode, Init};
    const NAME: &str = "索南达杰";
    const PHONE: &str = "13997005566";
    const VILLAGE: &str = "乌兰县铜普镇察汗诺村";
    let dir = tempfile::tempdir().unwrap();
    let hub = Hub::start(dir.path(), HubOptions::default());
    hub.import_units(&units_csv(UNITS));
    let hx = Station::new(dir.path(), &HX);
    let a = Station::new(dir.path(), &HX0201);
    let second = Init::device("HX0201-b").code(DeviceCode::Given("B2".into()));
    let a2 = Station::init(dir.path(), &HX0201, &second);
    for st in [&hx, &a, &a2] {
        hub.enroll(st, None);
    }
    let complaint = COMPLAINT
        .replace("才让卓玛", NAME)
        .replace("13897712345", PHONE)
        .replace("天峻县织合玛乡夏季牧场", VILLAGE);
    let (_, no) = a.add_case(&complaint);
    a.ok(&["case", "accept", &no]);
    a.act(&no, "case.note_added", json!({"text": format!("{NAME}来电，电话{PHONE}")}));
    a.ok(&["case", "close", &no, "--outcome", "withdrawn"]);
    // Another case, open, keeps everything.
    a.add_case(COMPLAINT);
    let all = [&a, &a2, &hx];
    sync_all(&all);
    sync_all(&all);
    for st in all {
        let seen = st.ok(&["search", NAME, "--json"]);
        assert!(seen.contains(&no), "{}: the test sees the case: {seen}", st.label);
    }
    let before = (report(&a, "HX0201"), report(&hx, "HX"));

    // Someone who is not a head may not; the head sets the period and anonymises what is due.
    a.command()
        .args(["staff", "add", "小周", "--roles", "clerk"])
        .env("CASEDESK_NEW_PASSWORD", "2580")
        .output()
        .map(|o| assert!(o.status.success(), "{}", stderr(&o)))
        .unwrap();
    for args in [&["retention", "period", "0"][..], &["retention", "apply", "--all"]] {
        let out = a
            .command()
            .args(args)
            .env("CASEDESK_AS", "小周")
            .env("CASEDESK_PASSWORD", "2580")
            .output()
            .unwrap();
        assert!(!out.status.success(), "a clerk may not {args:?}");
        assert!(stderr(&out).contains("access.denied"), "{}", stderr(&out));
    }
    a.ok(&["retention", "period", "0"]);
    let due: Value = serde_json::from_str(&a.ok(&["retention", "list", "--json"])).unwrap();
    let due_nos: Vec<&str> =
        due.as_array().unwrap().iter().filter_map(|d| d["no"].as_str()).collect();
    assert_eq!(due_nos, vec![no.as_str()], "only the closed case is due");
    let done = a.ok(&["retention", "apply", "--all"]);
    assert!(done.contains(&no), "{done}");
    assert!(a.ok(&["retention", "list"]).contains("No case"));

    sync_all(&all);
    sync_all(&all);
    // A device enrolled afterwards pulls the redacted forms and verifies them.
    let third = Init::device("HX0201-c").code(DeviceCode::Given("C3".into()));
    let a3 = Station::init(dir.path(), &HX0201, &third);
    hub.enroll(&a3, None);
    a3.sync_ok();
    let all = [&a, &a2, &hx, &a3];
    sync_all(&all);
    assert_converged(&hub, &all, &Hierarchy::of(UNITS));

    let hub_text =
        serde_json::to_string(&hub.events().iter().map(|h| &h.event).collect::<Vec<_>>()).unwrap();
    assert!(hub_text.contains("才让卓玛"), "the open case keeps its complainant");
    for needle in [NAME, PHONE, VILLAGE] {
        assert!(!hub_text.contains(needle), "the hub still stores {needle}");
        if std::env::var("CDK_HUB_DB").as_deref() != Ok("postgres") {
            assert!(!file_holds(hub.db(), needle), "the hub's file still holds {needle}");
        }
    }
    for st in all {
        let text = st.show(&no).to_string();
        assert!(!text.contains(NAME) && !text.contains(VILLAGE), "{}: {text}", st.label);
        let found = st.ok(&["search", NAME, "--json"]);
        assert!(!found.contains(&no), "{}: search still finds the case", st.label);
        for needle in [NAME, PHONE, VILLAGE] {
            assert!(!file_holds(&st.db, needle), "{}: the file still holds {needle}", st.label);
        }
        st.verify_ok();
    }
    assert_eq!((report(&a, "HX0201"), report(&hx, "HX")), before, "the statistics are unchanged");
}
