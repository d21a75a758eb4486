//! The domain model: code tables, events, and the case state machine. No I/O here.

pub mod case;
pub mod event;
pub mod types;

#[cfg(test)]
mod tests;
