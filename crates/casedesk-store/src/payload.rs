//! How event payloads are kept on disk: zstd with a dictionary trained on CaseDesk payloads
//! (`data/payload-v1.zdict`), since a payload is a few hundred bytes of JSON whose keys and
//! code values repeat from event to event (≈330 bytes → ≈90 on demonstration data).
//!
//! Format of the `events.payload` column: TEXT = plain JSON (always readable, for old rows and
//! for people with the sqlite3 shell); BLOB = one format byte (1 = zstd with dictionary v1),
//! the JSON length as u32 little-endian, then the zstd frame. The hash is always over the
//! canonical JSON, never over these bytes, so the storage format can change without touching
//! any chain. The dictionary is part of the format: never change `payload-v1.zdict`; a new
//! dictionary gets a new format byte.

use std::cell::RefCell;
use std::sync::OnceLock;

use rusqlite::types::{Value as SqlValue, ValueRef};
use serde_json::Value;

use crate::error::{Result, StoreError};

const DICT_V1: &[u8] = include_bytes!("../data/payload-v1.zdict");
const FORMAT_ZSTD_V1: u8 = 1;
const LEVEL: i32 = 3;

fn encoder_dict() -> &'static zstd::dict::EncoderDictionary<'static> {
    static D: OnceLock<zstd::dict::EncoderDictionary<'static>> = OnceLock::new();
    D.get_or_init(|| zstd::dict::EncoderDictionary::copy(DICT_V1, LEVEL))
}

fn decoder_dict() -> &'static zstd::dict::DecoderDictionary<'static> {
    static D: OnceLock<zstd::dict::DecoderDictionary<'static>> = OnceLock::new();
    D.get_or_init(|| zstd::dict::DecoderDictionary::copy(DICT_V1))
}

thread_local! {
    static COMPRESSOR: RefCell<Option<zstd::bulk::Compressor<'static>>> = const { RefCell::new(None) };
    static DECOMPRESSOR: RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { RefCell::new(None) };
}

/// The stored form of a payload.
pub(crate) fn encode(payload: &Value) -> Result<SqlValue> {
    let json = serde_json::to_vec(payload)?;
    let frame = COMPRESSOR.with(|cell| -> std::io::Result<Vec<u8>> {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(zstd::bulk::Compressor::with_prepared_dictionary(encoder_dict())?);
        }
        match slot.as_mut() {
            Some(c) => c.compress(&json),
            None => Err(std::io::Error::other("no compressor")),
        }
    })?;
    let mut out = Vec::with_capacity(frame.len() + 5);
    out.push(FORMAT_ZSTD_V1);
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&frame);
    Ok(SqlValue::Blob(out))
}

/// Reads a stored payload, in either form.
pub(crate) fn decode(stored: ValueRef<'_>) -> Result<Value> {
    match stored {
        ValueRef::Text(t) => Ok(serde_json::from_slice(t)?),
        ValueRef::Blob(b) if b.len() >= 5 && b[0] == FORMAT_ZSTD_V1 => {
            let len = u32::from_le_bytes([b[1], b[2], b[3], b[4]]) as usize;
            let json = DECOMPRESSOR.with(|cell| -> std::io::Result<Vec<u8>> {
                let mut slot = cell.borrow_mut();
                if slot.is_none() {
                    *slot =
                        Some(zstd::bulk::Decompressor::with_prepared_dictionary(decoder_dict())?);
                }
                match slot.as_mut() {
                    Some(d) => d.decompress(&b[5..], len),
                    None => Err(std::io::Error::other("no decompressor")),
                }
            })?;
            Ok(serde_json::from_slice(&json)?)
        }
        _ => Err(StoreError::integrity("unknown payload storage format")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn round_trips_and_is_smaller() {
        let v = json!({"case_no": "HX0201-2026-A1-00001", "complainants": [{"name": "才让卓玛", "phones": ["13897712345"],
            "consents": {"personal_info": true, "publish": false, "entrust_mediation": false, "share_with_parties": true}}],
            "facts": {"content": "购买的手机三天后屏幕出现黑屏，商家拒绝退换。"}});
        let stored = encode(&v).unwrap();
        let SqlValue::Blob(b) = &stored else { panic!("not a blob") };
        assert!(b.len() < serde_json::to_vec(&v).unwrap().len() * 2 / 3, "{} bytes", b.len());
        assert_eq!(decode(ValueRef::Blob(b)).unwrap(), v);
        assert_eq!(decode(ValueRef::Text(br#"{"a":1}"#)).unwrap(), json!({"a": 1}));
        assert!(decode(ValueRef::Blob(&[9, 0, 0])).is_err());
    }
}
