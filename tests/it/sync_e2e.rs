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
