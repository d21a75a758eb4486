//! Fixtures for the tests of the store and of the crates above it.

use chrono::{DateTime, Utc};

pub use casedesk_domain::testutil::*;
use casedesk_domain::types::UnitKind;

use crate::{StationInit, Store};

pub fn station_init() -> StationInit {
    StationInit {
        unit: "HX0201".into(),
        unit_name: "德令哈市消费者投诉联络站".into(),
        unit_kind: UnitKind::LiaisonStation,
        parent: Some("HX02".into()),
        admin_code: "632802".into(),
        device_code: "A1".into(),
        device_name: "前台电脑".into(),
    }
}

/// A store with a station, whose clock reads `now`.
pub fn store_at(now: DateTime<Utc>) -> Store {
    let mut s = Store::open_in_memory().expect("in-memory store");
    s.set_clock(move || now);
    s.init_station(station_init()).expect("init station");
    s
}
