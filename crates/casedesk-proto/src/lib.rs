//! The formats that leave a station: the event envelope (persisted in every station database and
//! sent to the hub), its canonical hashing, and the sync protocol messages.
//!
//! This crate knows serde (and Ed25519, for `sign`; age, for the encrypted USB `bundle`s) and nothing else: no database, no HTTP. Everything here is a frozen
//! format; changing a field breaks hash chains, so the golden tests in `tests.rs` pin the bytes.

pub mod bundle;
mod canonical;
mod event;
pub mod limits;
pub mod redact;
pub mod sign;
pub mod sync;

pub use canonical::canonical_json;
pub use event::{Event, EventHash, Hlc, ZERO_HASH};

/// Version of the event envelope. Bumped only with an upcaster for older envelopes.
pub const ENVELOPE_VERSION: u32 = 1;

#[cfg(test)]
mod tests;
