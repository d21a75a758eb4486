//! The unit hierarchy: idempotent upserts, and no loops.

use casedesk_hub::HubError;
use casedesk_hub::store::HubStore;
use casedesk_hub::units::parse_units;

use crate::support::{Hub, UNITS_CSV};

conformance! {
async fn importing_again_is_idempotent_and_updates_what_changed() {
    let hub = Hub::new().await;
    let again = parse_units(UNITS_CSV, |_| false).expect("units");
    let report = hub.store.import_units(again).await.expect("import");
    assert_eq!((report.inserted, report.updated, report.unchanged), (0, 0, 5));

    let renamed = "code,name,kind,parent\nHX03,乌兰县消费者维权服务站,service_station,HX\n\
                   HX04,天峻县投诉联络站,liaison_station,HX\n";
    let units = parse_units(renamed, |c| c == "HX").expect("units");
    let report = hub.store.import_units(units).await.expect("import");
    assert_eq!((report.inserted, report.updated, report.unchanged), (1, 1, 0));
    let held = hub.store.list_units().await.expect("units");
    assert_eq!(held.len(), 6);
    assert!(held.iter().any(|u| u.code == "HX03" && u.name == "乌兰县消费者维权服务站"));
}
}

conformance! {
async fn a_parent_loop_is_refused_whole() {
    let hub = Hub::new().await;
    // HX moves under HX0101, which is below HX: a loop.
    let looped = "code,name,kind,parent\nHX,海西州消费者协会,association,HX0101\n";
    let units = parse_units(looped, |_| true).expect("parses");
    let err = hub.store.import_units(units).await;
    assert!(matches!(err, Err(HubError::Invalid(ref m)) if m.contains("loop")), "{err:?}");
    let held = hub.store.list_units().await.expect("units");
    assert_eq!(held.iter().find(|u| u.code == "HX").and_then(|u| u.parent.clone()), None);
}
}
