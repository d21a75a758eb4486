//! Size limits of what a station writes and sends, defined once. The station checks them when
//! an event is written and when one is imported; the hub checks them on every push. A limit
//! here is part of the protocol: raising one needs every hub upgraded first.

/// Longest name (a person, a business, a place): Tibetan and Mongolian names can be long in
/// Chinese transcription.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest short text (an address, a place, a department).
pub const MAX_SHORT_CHARS: usize = 300;
/// Longest free text (facts, a session record, agreed terms, a note).
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Largest single event, as canonical JSON of the whole envelope. A registration with every
/// text field at its limit stays below it.
pub const MAX_EVENT_BYTES: usize = 256 * 1024;
/// Largest push body the hub accepts, compressed.
pub const MAX_PUSH_BYTES: usize = 4 * 1024 * 1024;
/// Most events in one pull page.
pub const MAX_PULL_LIMIT: u32 = 2000;
