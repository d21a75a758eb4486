//! CaseDesk domain: consumer-complaint mediation in 一会两站, as data and pure functions.
//!
//! Map:
//! - `types`: code tables (case type, mode, channel, statuses, outcomes, ...).
//! - `event`: event payloads, one type per kind (a persisted format: they derive serde).
//! - `case`: the case state machine (`allows`, `transition`, `check`) and `fold`.
//! - `org`: checks of organisation and intake events (units, staff, roving sessions,
//!   consultations), applied by every writer.
//! - `validate`: every problem of an input at once, with field paths and message codes;
//!   `validate::ids` holds the ID-number, credit-code and phone checks.
//! - `calendar` and `deadline`: working days with holidays and 调休, and the rule sets' clocks.
//! - `document`: which documents (文书) a case's state allows, masking for the other party,
//!   补正 items, document numbers (文号) that need no coordination.
//! - `reference`: categories and reason-code tables shipped with the app.
//! - `access`: staff roles, the permissions they give, the permission each event kind needs.
//! - `mask`: ID numbers and phones masked for display and output (one rule for every path).
//! - `retention`: which fields are personal, and when a closed case's are removed.
//! - `messages` and `error`: message codes with Chinese and English texts; `DomainError`.
//!
//! **Invariant:** nothing here does I/O: no database, no network, no files, no randomness.
//! Data shipped with the app (holidays, categories) is compiled in.

pub mod access;
pub mod calendar;
pub mod case;
pub mod deadline;
pub mod document;
pub mod error;
pub mod event;
pub mod mask;
pub mod messages;
pub mod org;
pub mod reference;
pub mod retention;
pub mod types;
pub mod validate;

pub use error::{DomainError, Issue, Result};
pub use messages::Lang;

#[cfg(any(test, feature = "testutil"))]
pub mod testutil;

#[cfg(test)]
mod tests;
