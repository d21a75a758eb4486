//! Thumbnails of evidence photos for the UI: PNG, at most `max` pixels on the longer side.
//! Scans in PDF have none (the UI shows a PDF icon); decoding is bounded, so a crafted image
//! cannot exhaust memory.

use std::io::Cursor;

use image::{ImageFormat, ImageReader, Limits};

use crate::{DocsError, Result};

/// Longest side of a thumbnail the UI asks for.
pub const THUMB_PX: u32 = 256;

/// The thumbnail of `bytes` if it is a JPEG or PNG photo, else None.
pub fn thumbnail(bytes: &[u8], max: u32) -> Result<Option<Vec<u8>>> {
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| DocsError::Io(e.to_string()))?;
    if !matches!(reader.format(), Some(ImageFormat::Jpeg | ImageFormat::Png)) {
        return Ok(None);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(20_000);
    limits.max_image_height = Some(20_000);
    limits.max_alloc = Some(512 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|e| DocsError::Export(e.to_string()))?;
    let thumb = img.thumbnail(max, max);
    let mut out = Cursor::new(Vec::new());
    thumb.write_to(&mut out, ImageFormat::Png).map_err(|e| DocsError::Export(e.to_string()))?;
    Ok(Some(out.into_inner()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_get_a_png_thumbnail_and_scans_none() {
        let png = thumbnail(crate::sample::RECEIPT_PNG, THUMB_PX).unwrap().unwrap();
        assert!(png.starts_with(b"\x89PNG"));
        assert_eq!(thumbnail(b"%PDF-1.7 scan", THUMB_PX).unwrap(), None);
        // A PNG whose header was altered to claim a huge image is refused, not decoded.
        let mut bomb = crate::sample::RECEIPT_PNG.to_vec();
        bomb[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        bomb[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        assert!(thumbnail(&bomb, THUMB_PX).is_err());
    }
}
