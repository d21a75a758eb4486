//! USB bundles end to end, with real processes: `casedesk bundle export` → `casedesk-hub bundle
//! import` → `casedesk bundle import`, for a station that has never reached the hub (it enrolls
//! through its first bundle), with replayed, reordered, truncated, tampered and misaddressed
//! bundles, and the same station later syncing over a real link.

use std::path::{Path, PathBuf};
use std::process::Output;

use casedesk_tests::hub::{Hub, HubOptions};
use casedesk_tests::replicas::{Hierarchy, assert_converged};
use casedesk_tests::station::{COMPLAINT, HX, HX0301, Station, UNITS, units_csv};
use casedesk_tests::{stderr, stdout};
use serde_json::{Value, json};
use uuid::Uuid;

/// The single `.cdkb` file in `dir`.
fn only_bundle(dir: &Path) -> PathBuf {
    let files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("read dir")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "cdkb"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    files[0].clone()
}

fn export(st: &Station, out: &Path, code: Option<&str>) -> (PathBuf, Value) {
    let mut args = vec!["bundle", "export", "--json", "--allow-demo", "--out"];
    let out_s = out.to_str().expect("path");
    args.push(out_s);
    if let Some(code) = code {
        args.extend(["--code", code]);
    }
    let v: Value = serde_json::from_str(&st.ok(&args)).expect("export --json");
    (PathBuf::from(v["file"].as_str().expect("file")), v)
}

#[track_caller]
fn hub_import_ok(hub: &Hub, file: &Path, out: &Path) -> (PathBuf, String) {
    let o = hub.bundle_import(file, out);
    assert!(o.status.success(), "{}\n{}", stdout(&o), stderr(&o));
    (only_bundle(out), stdout(&o))
}

#[track_caller]
fn refused(o: &Output, words: &str) {
    assert!(!o.status.success(), "taken: {}", stdout(o));
    let text = format!("{}{}", stdout(o), stderr(o));
    assert!(text.contains(words), "expected {words:?} in:\n{text}");
}

fn station_import(st: &Station, file: &Path) -> Value {
    let out = st.ok(&["bundle", "import", "--json", file.to_str().expect("path")]);
    serde_json::from_str(&out).expect("import --json")
}

#[test]
fn a_station_without_a_link_enrolls_and_syncs_by_bundle_and_later_over_a_link() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let hub = Hub::start(dir, HubOptions::default());
    hub.import_units(&units_csv(UNITS));
    // The association is on a link; it sends a case down to the station that has none.
    let hx = Station::new(dir, &HX);
    hx.demo(2, 1);
    hub.enroll(&hx, None);
    let (_, down_no) = hx.add_case(COMPLAINT);
    hx.act(
        &down_no,
        "case.transferred",
        json!({"transfer": Uuid::now_v7().to_string(), "kind": "down", "to_unit": "HX0301",
               "reason": "small_case_down", "note": "小案下办"}),
    );
    hx.sync_ok();

    let far = Station::new(dir, &HX0301);
    far.demo(3, 2);
    let code = hub.enroll_code("HX0301", None);

    // First bundle: the enrollment and every event.
    let usb = dir.join("usb1");
    let (b1, v) = export(&far, &usb, Some(&code));
    assert_eq!(v["enrolling"], true);
    assert_eq!(v["events"], far.head());
    let ret1 = dir.join("ret1");
    let (r1, log) = hub_import_ok(&hub, &b1, &ret1);
    assert!(log.contains("enrolled: device"), "{log}");
    assert_eq!(hub.acked_seq(&far.device), far.head(), "{log}");
    let got = station_import(&far, &r1);
    assert_eq!(got["enrolled"], true, "{got}");
    assert_eq!(got["acked_seq"], far.head());
    assert!(got["applied"].as_u64().unwrap() > 0, "{got}");
    // The case sent down arrived with its history, as the association holds it.
    assert_eq!(far.show(&down_no), hx.show(&down_no));
    assert_eq!(far.status()["status"]["waiting"], 0);
    assert_eq!(far.status()["status"]["enrolled"], true);

    // Replayed: the same station bundle again is harmless (held already, no second enrollment)
    // and so is the same return bundle.
    let events_before = hub.event_count();
    let again = dir.join("ret1-again");
    let (r1b, log) = hub_import_ok(&hub, &b1, &again);
    assert!(log.contains("taken by an earlier import"), "{log}");
    assert!(log.contains(" 0 new events"), "{log}");
    assert_eq!(hub.event_count(), events_before);
    let got = station_import(&far, &r1b);
    assert_eq!((got["enrolled"].clone(), got["receipts"].clone()), (json!(false), json!(0)));
    let got = station_import(&far, &r1);
    assert_eq!(got["applied"], 0, "{got}");

    // Two more bundles written before either answer comes back, imported at the hub in the
    // wrong order, and their answers at the station in the wrong order too.
    far.add_case(COMPLAINT);
    let (b2, _) = export(&far, &dir.join("usb2"), None);
    far.add_case(COMPLAINT);
    let (b3, v3) = export(&far, &dir.join("usb3"), None);
    assert!(v3["events"].as_u64().unwrap() > 0);
    let (r3, _) = hub_import_ok(&hub, &b3, &dir.join("ret3"));
    let (r2, log2) = hub_import_ok(&hub, &b2, &dir.join("ret2"));
    assert!(log2.contains(" 0 new events"), "b2 is part of b3: {log2}");
    assert_eq!(hub.acked_seq(&far.device), far.head());
    let got = station_import(&far, &r3);
    assert_eq!(got["acked_seq"], far.head(), "{got}");
    let got = station_import(&far, &r2);
    assert_eq!(got["receipts"], 0, "an older answer advances nothing: {got}");
    assert_eq!(far.sync_state("acked_seq").as_deref(), Some(far.head().to_string().as_str()));

    // Cut short, changed, or for someone else: refused with a clear message, nothing used.
    far.add_case(COMPLAINT);
    let (b4, _) = export(&far, &dir.join("usb4"), None);
    let acked_before = hub.acked_seq(&far.device);
    let bytes = std::fs::read(&b4).unwrap();
    let cut = dir.join("cut.cdkb");
    std::fs::write(&cut, &bytes[..bytes.len() * 2 / 3]).unwrap();
    refused(&hub.bundle_import(&cut, &dir.join("ret-cut")), "damaged");
    let mut flipped = bytes.clone();
    let i = flipped.len() - 40;
    flipped[i] ^= 0x20;
    let changed = dir.join("changed.cdkb");
    std::fs::write(&changed, &flipped).unwrap();
    refused(&hub.bundle_import(&changed, &dir.join("ret-changed")), "damaged");
    let not_one = dir.join("notes.cdkb");
    std::fs::write(&not_one, "会议纪要").unwrap();
    refused(&hub.bundle_import(&not_one, &dir.join("ret-not")), "not a CaseDesk bundle");
    let other_dir = dir.join("other-hub");
    std::fs::create_dir_all(&other_dir).unwrap();
    let other = Hub::start(&other_dir, HubOptions::default());
    other.import_units(&units_csv(UNITS));
    refused(&other.bundle_import(&b4, &dir.join("ret-other")), "encrypted for another hub");
    assert!(!dir.join("ret-cut").exists() && !dir.join("ret-other").exists());
    assert_eq!(hub.acked_seq(&far.device), acked_before);

    // A return bundle cut short, changed, or addressed to another station, at the station.
    let (r4, _) = hub_import_ok(&hub, &b4, &dir.join("ret4"));
    let rbytes = std::fs::read(&r4).unwrap();
    let rcut = dir.join("rcut.cdkb");
    std::fs::write(&rcut, &rbytes[..rbytes.len() / 2]).unwrap();
    let o = far.run(&["bundle", "import", rcut.to_str().unwrap()]);
    refused(&o, "bundle_damaged");
    assert_eq!(o.status.code(), Some(5));
    let o = hx.run(&["bundle", "import", r4.to_str().unwrap()]);
    refused(&o, "bundle_");
    let got = station_import(&far, &r4);
    assert_eq!(got["acked_seq"], far.head());

    // The station later gets a real link: it syncs from where the bundles left it, nothing
    // doubled, nothing frozen.
    far.add_case(COMPLAINT);
    let report = far.sync_ok();
    assert_eq!(report["push_duplicates"], 0, "{report}");
    hx.sync_ok();
    far.sync_ok();
    assert!(hub.frozen().is_empty(), "{:?}", hub.frozen());
    assert_eq!(hub.acked_seq(&far.device), far.head());
    assert_converged(&hub, &[&hx, &far], &Hierarchy::of(UNITS));
}
