//! Canonical JSON: object keys sorted by their UTF-8 bytes, no insignificant whitespace,
//! integers printed as integers. Hashes are computed over this form, so that the hash of an
//! event never depends on how a serde_json `Map` happens to be ordered in a given build
//! (the `preserve_order` feature can be switched on by any crate in the dependency graph).

use serde_json::Value;

/// Writes `value` in canonical form.
pub fn canonical_json(value: &Value) -> String {
    let mut out = Vec::with_capacity(256);
    write_value(value, &mut out);
    // Only serde_json's own output and ASCII punctuation went in: always UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

fn write_value(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_leaf(k, out);
                out.push(b':');
                write_value(v, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(v, out);
            }
            out.push(b']');
        }
        // serde_json escapes strings (only what JSON requires) and prints numbers, booleans
        // and null deterministically.
        Value::String(s) => write_leaf(s, out),
        other => write_leaf(other, out),
    }
}

fn write_leaf<T: serde::Serialize + ?Sized>(v: &T, out: &mut Vec<u8>) {
    // Writing a string, number, boolean or null into a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, v);
}
