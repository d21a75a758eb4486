//! CaseDesk core: the domain of consumer-complaint mediation (一会两站), its validation, and the
//! station store: an append-only, hash-chained event log in SQLite with projections for lists,
//! search and deadlines.
//!
//! Map:
//! - `domain`: code tables (`types`), event payloads (`event`), the case state machine and fold
//!   (`case`). No I/O.
//! - `validate`: every problem of an input at once, with field paths and message codes;
//!   `validate::ids` holds the ID-number, credit-code and phone checks.
//! - `calendar` and `deadline`: working days with holidays and 调休, and the rule sets' clocks.
//! - `reference`: categories and reason-code tables shipped with the app.
//! - `store`: the SQLite file: migrations, append, projections, queries, verify, export/import.
//! - `messages` and `error`: message codes with Chinese and English texts.
//! - `sync`: store-and-forward to the hub (engine free of I/O, HTTP transport, schedule,
//!   worker thread).
//! - `demo`: realistic demonstration data.

pub mod calendar;
pub mod deadline;
pub mod demo;
pub mod domain;
pub mod error;
pub mod messages;
pub mod reference;
pub mod store;
pub mod sync;
pub mod validate;

pub use error::{CoreError, Issue, Result};
pub use messages::Lang;
pub use store::{CaseRef, Station, StationInit, Store};

#[cfg(test)]
mod testutil;

/// Test hook for fault injection: when the environment variable `CASEDESK_FAILPOINT` names
/// this point, the process aborts here (as if killed). Used by the end-to-end sync tests.
pub(crate) fn failpoint(name: &str) {
    if std::env::var("CASEDESK_FAILPOINT").is_ok_and(|v| v == name) {
        std::process::abort();
    }
}
