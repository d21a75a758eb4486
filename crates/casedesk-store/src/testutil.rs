//! Fixtures for the tests of the store and of the crates above it.

use chrono::{DateTime, Utc};

pub use casedesk_domain::testutil::*;
use casedesk_domain::types::UnitKind;

use crate::{Actor, StationInit, Store};

pub fn station_init() -> StationInit {
    StationInit {
        unit: "HX0201".into(),
        unit_name: "德令哈市消费者投诉联络站".into(),
        unit_kind: UnitKind::LiaisonStation,
        parent: Some("HX02".into()),
        admin_code: "632802".into(),
        device_code: "A1".into(),
        device_name: "前台电脑".into(),
        founder: "马站长".into(),
        founder_secret: None,
    }
}

/// A store with a station, whose clock reads `now`.
pub fn store_at(now: DateTime<Utc>) -> Store {
    let mut s = Store::open_in_memory().expect("in-memory store");
    s.set_clock(move || now);
    s.init_station(station_init()).expect("init station");
    s
}

/// The station's first head (its founder, who set it up), acting without a password check.
pub fn founder(s: &Store) -> Actor {
    let unit = s.station().map(|st| st.unit.clone()).unwrap_or_default();
    let staff = s.staff().expect("staff");
    let head = staff
        .iter()
        .find(|m| m.unit == unit && m.active && m.roles.iter().any(|r| r == "head"))
        .expect("the station has a head");
    Actor::unchecked(head.id)
}

/// A new active staff member of the station with `roles`, registered by its founder.
pub fn member(s: &mut Store, name: &str, roles: &[casedesk_domain::types::StaffRole]) -> Actor {
    let head = founder(s);
    let row = s
        .add_staff_op(
            None,
            &head,
            crate::NewStaff {
                name: name.into(),
                roles: roles.to_vec(),
                phone: String::new(),
                languages: vec![],
                secret: None,
            },
        )
        .expect("add staff");
    Actor::unchecked(row.id)
}
