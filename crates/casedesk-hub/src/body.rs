//! Push bodies, decoded within bounds: at most `limits::MAX_DECODED_PUSH_BYTES` of JSON (a
//! plain body larger than that, or a zstd body that expands past it, is 413 `too_large`), and a
//! zstd frame whose window is larger than `2^limits::ZSTD_WINDOW_LOG_MAX` is refused from its
//! header, before anything is decoded. The JSON is parsed only once it is known to be within
//! the cap, so no `serde_json::Value` is ever built from an unbounded body.

use std::io::Read;

use casedesk_proto::limits::{MAX_DECODED_PUSH_BYTES, ZSTD_WINDOW_LOG_MAX};

use crate::error::{HubError, Result};

const ZSTD_MAGIC: u32 = 0xFD2F_B528;
/// Skippable frames have magic numbers 0x184D2A50 ..= 0x184D2A5F.
const SKIPPABLE_MAGIC: u32 = 0x184D_2A50;

/// The JSON of a push body: the body itself, or its zstd decompression.
pub fn decode_push_body(body: &[u8], zstd: bool) -> Result<Vec<u8>> {
    if !zstd {
        if body.len() > MAX_DECODED_PUSH_BYTES {
            return Err(HubError::TooLarge);
        }
        return Ok(body.to_vec());
    }
    let not_zstd = |_| HubError::BadRequest("the body is not valid zstd".into());
    let frame = first_frame(body)?;
    if frame.window > 1u64 << ZSTD_WINDOW_LOG_MAX {
        return Err(HubError::TooLarge);
    }
    if frame.content_size.is_some_and(|n| n > MAX_DECODED_PUSH_BYTES as u64) {
        return Err(HubError::TooLarge);
    }
    let mut decoder = zstd::stream::read::Decoder::new(body).map_err(not_zstd)?;
    // Later frames are held to the same window by the decoder itself.
    decoder.window_log_max(ZSTD_WINDOW_LOG_MAX).map_err(not_zstd)?;
    let mut out = Vec::new();
    decoder.take(MAX_DECODED_PUSH_BYTES as u64 + 1).read_to_end(&mut out).map_err(not_zstd)?;
    if out.len() > MAX_DECODED_PUSH_BYTES {
        return Err(HubError::TooLarge);
    }
    Ok(out)
}

/// What the header of a zstd frame says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FrameHeader {
    /// The window the decoder must keep, in bytes.
    pub window: u64,
    /// The decompressed size, when the frame says.
    pub content_size: Option<u64>,
}

/// The header of the first zstd frame of `body`, past any skippable frames (RFC 8878, 3.1.1).
pub fn first_frame(body: &[u8]) -> Result<FrameHeader> {
    let bad = || HubError::BadRequest("the body is not valid zstd".into());
    let mut at = 0usize;
    loop {
        let magic = read_le(body, at, 4).ok_or_else(bad)?;
        if magic & 0xFFFF_FFF0 == u64::from(SKIPPABLE_MAGIC) {
            let size = read_le(body, at + 4, 4).ok_or_else(bad)?;
            at = usize::try_from(size)
                .ok()
                .and_then(|size| at.checked_add(8)?.checked_add(size))
                .ok_or_else(bad)?;
            continue;
        }
        if magic != u64::from(ZSTD_MAGIC) {
            return Err(bad());
        }
        at += 4;
        let descriptor = *body.get(at).ok_or_else(bad)?;
        at += 1;
        let single_segment = descriptor & 0x20 != 0;
        let fcs_bytes = match descriptor >> 6 {
            0 if single_segment => 1,
            0 => 0,
            1 => 2,
            2 => 4,
            _ => 8,
        };
        let did_bytes = match descriptor & 0x03 {
            0 => 0,
            1 => 1,
            2 => 2,
            _ => 4,
        };
        let mut window = None;
        if !single_segment {
            let wd = *body.get(at).ok_or_else(bad)?;
            at += 1;
            let log = 10 + u32::from(wd >> 3);
            let base = 1u64 << log;
            window = Some(base + (base / 8) * u64::from(wd & 0x07));
        }
        at += did_bytes;
        let content_size = match fcs_bytes {
            0 => None,
            2 => Some(read_le(body, at, 2).ok_or_else(bad)? + 256),
            n => Some(read_le(body, at, n).ok_or_else(bad)?),
        };
        // A single-segment frame's window is its whole content.
        let window = window.or(content_size).ok_or_else(bad)?;
        return Ok(FrameHeader { window, content_size });
    }
}

/// `n` (≤ 8) little-endian bytes of `body` at `at`.
fn read_le(body: &[u8], at: usize, n: usize) -> Option<u64> {
    let bytes = body.get(at..at.checked_add(n)?)?;
    Some(bytes.iter().rev().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compress(data: &[u8], window_log: u32) -> Vec<u8> {
        let mut encoder = zstd::stream::write::Encoder::new(Vec::new(), 3).expect("encoder");
        encoder.window_log(window_log).expect("window log");
        std::io::Write::write_all(&mut encoder, data).expect("write");
        encoder.finish().expect("finish")
    }

    #[test]
    fn headers_of_real_frames() {
        let data = br#"{"device":"x","events":[]}"#;
        let streamed = first_frame(&compress(data, 20)).expect("header");
        assert_eq!(streamed.window, 1 << 20);
        let whole = first_frame(&zstd::bulk::compress(data, 3).expect("zstd")).expect("header");
        assert_eq!(whole.content_size, Some(data.len() as u64));
        assert!(whole.window <= 1 << ZSTD_WINDOW_LOG_MAX);
        assert_eq!(
            decode_push_body(&zstd::encode_all(&data[..], 3).expect("zstd"), true).expect("ok"),
            data
        );
    }

    #[test]
    fn a_frame_asking_for_a_large_window_is_refused_undecoded() {
        let body = compress(b"{}", ZSTD_WINDOW_LOG_MAX + 4);
        assert_eq!(first_frame(&body).expect("header").window, 1 << (ZSTD_WINDOW_LOG_MAX + 4));
        assert!(matches!(decode_push_body(&body, true), Err(HubError::TooLarge)));
        // At the limit it decodes.
        let body = compress(b"{}", ZSTD_WINDOW_LOG_MAX);
        assert_eq!(decode_push_body(&body, true).expect("ok"), b"{}");
    }

    #[test]
    fn skippable_frames_and_garbage() {
        let mut body = vec![0x50, 0x2A, 0x4D, 0x18, 3, 0, 0, 0, 1, 2, 3];
        body.extend(compress(b"{}", 30));
        assert_eq!(first_frame(&body).expect("header").window, 1 << 30);
        assert!(matches!(first_frame(b"not zstd at all"), Err(HubError::BadRequest(_))));
        assert!(matches!(first_frame(&[0x28, 0xB5, 0x2F]), Err(HubError::BadRequest(_))));
        let huge_skip = [0x50, 0x2A, 0x4D, 0x18, 0xFF, 0xFF, 0xFF, 0xFF];
        assert!(matches!(first_frame(&huge_skip), Err(HubError::BadRequest(_))));
    }

    #[test]
    fn bodies_past_the_cap_are_too_large() {
        let big = vec![b' '; MAX_DECODED_PUSH_BYTES + 1];
        assert!(matches!(decode_push_body(&big, false), Err(HubError::TooLarge)));
        let packed = zstd::encode_all(&big[..], 3).expect("zstd");
        assert!(packed.len() < 64 * 1024, "spaces pack well");
        assert!(matches!(decode_push_body(&packed, true), Err(HubError::TooLarge)));
        let exact = vec![b' '; MAX_DECODED_PUSH_BYTES];
        let packed = zstd::encode_all(&exact[..], 3).expect("zstd");
        assert_eq!(decode_push_body(&packed, true).expect("ok").len(), MAX_DECODED_PUSH_BYTES);
    }
}
