//! Size limits of what a station writes and sends, defined once. The station checks them when
//! an event is written, when one is imported and when one is pulled; the hub checks them on
//! every push. A limit here is part of the protocol: raising one needs every hub upgraded first.

use serde_json::Value;

use crate::Event;

/// Longest name (a person, a business, a place): Tibetan and Mongolian names can be long in
/// Chinese transcription.
pub const MAX_NAME_CHARS: usize = 100;
/// Longest short text (an address, a place, a department).
pub const MAX_SHORT_CHARS: usize = 300;
/// Longest free text (facts, a session record, agreed terms, a note), in characters. No string
/// anywhere in a payload may be longer.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Most elements of any array in a payload (complainants, attendees, edits ...).
pub const MAX_ARRAY_LEN: usize = 500;
/// Deepest nesting of objects and arrays in a payload.
pub const MAX_DEPTH: usize = 16;
/// Largest single event, as canonical JSON of the whole envelope. A registration with every
/// text field at its limit stays below it.
pub const MAX_EVENT_BYTES: usize = 256 * 1024;

/// Smallest and largest push batch the client sends, in bytes of JSON before compression (a
/// batch holds at least one event, so it may exceed the largest by up to one event).
pub const MIN_BATCH_BYTES: usize = 8 * 1024;
pub const MAX_BATCH_BYTES: usize = 1024 * 1024;
/// Most events in one push batch.
pub const MAX_BATCH_EVENTS: usize = 2000;
/// Largest push body the hub accepts, compressed.
pub const MAX_PUSH_BYTES: usize = 4 * 1024 * 1024;
/// Largest push body the hub decompresses: the largest batch a client sends, with room for
/// the one event that may overflow it and the JSON around the events.
pub const MAX_DECODED_PUSH_BYTES: usize = MAX_BATCH_BYTES + MAX_EVENT_BYTES + 64 * 1024;
/// Largest zstd window the hub (and the client) accept, as a power of two: 8 MiB.
pub const ZSTD_WINDOW_LOG_MAX: u32 = 23;
/// Most events in one pull page.
pub const MAX_PULL_LIMIT: u32 = 2000;
/// A pull page stops growing past this many bytes of event JSON (it always holds one event).
pub const PULL_PAGE_BYTES: usize = 8 * 1024 * 1024;
/// Largest answer body the client reads from the hub (a pull page, compressed or not).
pub const MAX_RESPONSE_BYTES: usize = PULL_PAGE_BYTES + 2 * MAX_EVENT_BYTES;
/// How far ahead of the receiver's clock an event's HLC may be before it is quarantined
/// instead of adopted (one day).
pub const MAX_CLOCK_AHEAD_MS: u64 = 24 * 60 * 60 * 1000;

/// Largest file (an evidence photo, a scan, a PDF, the PDF of an issued document) a station
/// stores as a blob beside its log, in bytes. Files travel apart from events, so this does not
/// touch `MAX_EVENT_BYTES`.
pub const MAX_BLOB_BYTES: u64 = 20 * 1024 * 1024;
/// Most files attached to one case.
pub const MAX_EVIDENCE_PER_CASE: usize = 200;
/// Size of one chunk of a blob on the wire (for the blob lane of sync: chunked, resumable).
pub const BLOB_CHUNK_BYTES: usize = 256 * 1024;
/// Most bytes of files (before encoding) one USB bundle carries, each way: a station bundle
/// the files the hub has not acknowledged, a return bundle the files the station is owed. Files
/// past it wait for the next bundle (listed in it as waiting, and reported). Six files at
/// `MAX_BLOB_BYTES`, or some sixty 2 MB photos; the bundle stays well under
/// `bundle::MAX_BUNDLE_BYTES` with base64 and the events around it.
pub const BUNDLE_FILES_BYTES: u64 = 128 * 1024 * 1024;

/// Why an event breaks a limit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LimitViolation {
    /// The whole event is larger than `MAX_EVENT_BYTES` (its size in bytes).
    EventTooLarge(usize),
    /// A string in the payload is longer than `MAX_TEXT_CHARS` (its JSON path).
    TextTooLong(String),
    /// An array in the payload has more than `MAX_ARRAY_LEN` elements (its JSON path).
    ArrayTooLong(String),
    /// The payload nests deeper than `MAX_DEPTH`.
    TooDeep,
}

impl LimitViolation {
    /// The stable code (a quarantine reason at the hub, a message code at the station).
    pub fn code(&self) -> &'static str {
        match self {
            LimitViolation::EventTooLarge(_) => "too_large",
            LimitViolation::TextTooLong(_) => "text_too_long",
            LimitViolation::ArrayTooLong(_) => "array_too_long",
            LimitViolation::TooDeep => "too_deep",
        }
    }

    /// Where in the payload the problem is ("" for the whole event).
    pub fn path(&self) -> &str {
        match self {
            LimitViolation::TextTooLong(p) | LimitViolation::ArrayTooLong(p) => p,
            LimitViolation::EventTooLarge(_) | LimitViolation::TooDeep => "",
        }
    }
}

/// Checks `event` against every limit: each string and array of its payload, its nesting, and
/// the size of the whole envelope. The same function runs at the station and at the hub.
pub fn check_event(event: &Event) -> Result<(), LimitViolation> {
    check_value(&event.payload, &mut String::new(), 0)?;
    // The canonical form holds the same keys and values as serde_json's compact output, in
    // another order: the same length, counted without building either.
    let size = serialized_len(event);
    if size > MAX_EVENT_BYTES {
        return Err(LimitViolation::EventTooLarge(size));
    }
    Ok(())
}

/// The length of `value`'s compact JSON (usize::MAX if it cannot be serialized).
fn serialized_len(value: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut c = Count(0);
    match serde_json::to_writer(&mut c, value) {
        Ok(()) => c.0,
        Err(_) => usize::MAX,
    }
}

fn check_value(v: &Value, path: &mut String, depth: usize) -> Result<(), LimitViolation> {
    match v {
        Value::String(s) => {
            // Counting characters is only needed when the bytes could exceed the limit.
            if s.len() > MAX_TEXT_CHARS && s.chars().count() > MAX_TEXT_CHARS {
                return Err(LimitViolation::TextTooLong(path.clone()));
            }
        }
        Value::Array(items) => {
            if depth >= MAX_DEPTH {
                return Err(LimitViolation::TooDeep);
            }
            if items.len() > MAX_ARRAY_LEN {
                return Err(LimitViolation::ArrayTooLong(path.clone()));
            }
            for (i, item) in items.iter().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                check_value(item, path, depth + 1)?;
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            if depth >= MAX_DEPTH {
                return Err(LimitViolation::TooDeep);
            }
            for (k, item) in map {
                if k.len() > MAX_SHORT_CHARS {
                    return Err(LimitViolation::TextTooLong(path.clone()));
                }
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                check_value(item, path, depth + 1)?;
                path.truncate(len);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
    Ok(())
}
