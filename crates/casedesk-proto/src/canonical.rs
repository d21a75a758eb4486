//! Canonical JSON: object keys sorted by their UTF-8 bytes, no insignificant whitespace,
//! integers printed as integers. Hashes are computed over this form, so that the hash of an
//! event never depends on how a serde_json `Map` happens to be ordered in a given build
//! (the `preserve_order` feature can be switched on by any crate in the dependency graph).

use serde_json::Value;

/// Writes `value` in canonical form.
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::with_capacity(256);
    write_value(value, &mut out);
    out
}

/// The canonical form of the object `object` with the entry `key: value` added (`object` has no
/// `key`): the same text as `canonical_json` of that object, without building it.
pub fn canonical_with(object: &Value, key: &str, value: &Value) -> String {
    let Value::Object(map) = object else {
        return canonical_json(object);
    };
    let mut entries: Vec<(&str, &Value)> = map.iter().map(|(k, v)| (k.as_str(), v)).collect();
    entries.retain(|(k, _)| *k != key);
    entries.push((key, value));
    entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut out = String::with_capacity(512);
    out.push('{');
    for (i, (k, v)) in entries.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(k, &mut out);
        out.push(':');
        write_value(v, &mut out);
    }
    out.push('}');
    out
}

fn write_value(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_value(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(v, out);
            }
            out.push(']');
        }
        Value::String(s) => write_string(s, out),
        // serde_json prints numbers, booleans and null deterministically.
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        other => out.push_str(&other.to_string()),
    }
}

fn write_string(s: &str, out: &mut String) {
    // serde_json's string escaping is deterministic: it escapes `"`, `\` and the control
    // characters below U+0020, nothing else. A string without them (nearly all) is written as
    // it is, without the copies.
    if !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20) {
        out.reserve(s.len() + 2);
        out.push('"');
        out.push_str(s);
        out.push('"');
        return;
    }
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

#[cfg(test)]
mod with_tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_with_is_canonical_json_of_the_whole() {
        let head = json!({"z": 1, "a": "x\"y", "m": null, "pz": [1, {"b": 2, "a": 1}]});
        let payload = json!({"k": {"y": [true, 2.5, "t"], "b": "\n"}, "a": -3});
        let mut whole = head.clone();
        whole["payload"] = payload.clone();
        assert_eq!(canonical_with(&head, "payload", &payload), canonical_json(&whole));
        // A key sorting first and one sorting last.
        assert_eq!(canonical_with(&head, "0", &payload), {
            let mut w = head.clone();
            w["0"] = payload.clone();
            canonical_json(&w)
        });
        assert_eq!(canonical_with(&head, "zz", &json!(7)), {
            let mut w = head.clone();
            w["zz"] = json!(7);
            canonical_json(&w)
        });
    }
}
