//! JSON output byte for byte as `serde_json::to_vec` writes it, but faster for the strings of a
//! message.
//!
//! Nearly every string in a message (keys, labels, texts) needs no JSON escape: those are found
//! eight bytes at a time and copied whole, instead of byte by byte through serde_json's escaper.
//! Every other string, and every number, goes through serde_json itself, so that the output never
//! differs from its own.

use serde_json::{Map, Value};

/// Writes `value` as `serde_json::to_vec` would, byte for byte, with [`write_str`] for its
/// strings and keys.
pub(crate) fn write_value(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::String(s) => write_str(out, s),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_value(out, item);
            }
            out.push(b']');
        }
        Value::Object(entries) => write_object(out, entries),
        scalar => serde_json::to_writer(&mut *out, scalar).expect("writing to a Vec cannot fail"),
    }
}

/// A JSON object's bytes, as `serde_json::to_vec` writes them.
pub(crate) fn object_to_vec(entries: &Map<String, Value>) -> Vec<u8> {
    let mut out = Vec::with_capacity(128);
    write_object(&mut out, entries);
    out
}

/// [`write_value`] for an object.
fn write_object(out: &mut Vec<u8>, entries: &Map<String, Value>) {
    out.push(b'{');
    for (i, (key, item)) in entries.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(out, key);
        out.push(b':');
        write_value(out, item);
    }
    out.push(b'}');
}

/// Writes `s` as a JSON string. Nearly every string in a message needs no escape; those are
/// copied whole, instead of byte by byte through serde_json's escaper. The rest are left to
/// serde_json, so that the output never differs from its own.
pub(crate) fn write_str(out: &mut Vec<u8>, s: &str) {
    if needs_escape(s.as_bytes()) {
        serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
    } else {
        out.reserve(s.len() + 2);
        out.push(b'"');
        out.extend_from_slice(s.as_bytes());
        out.push(b'"');
    }
}

/// Whether JSON needs an escape for any byte of `s`: a control character, a quote or a
/// backslash.
///
/// Looks at eight bytes at a time. Message strings are mostly short keys and labels, so the
/// bytes past the last whole eight are covered by one more read that overlaps the previous
/// one, rather than by a byte loop.
fn needs_escape(s: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    // Nonzero exactly when some byte of `x` is below `n` (for n <= 0x80): the subtraction sets
    // a byte's high bit, and `!x` keeps it only where the byte did not have it already.
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x & HIGH;
    let any_in = |x: u64| {
        below(x, 0x20)
            | below(x ^ (ONES * u64::from(b'"')), 1)
            | below(x ^ (ONES * u64::from(b'\\')), 1)
            != 0
    };
    let word = |bytes: &[u8]| u64::from_ne_bytes(bytes.try_into().expect("eight bytes"));
    let half = |bytes: &[u8]| u64::from(u32::from_ne_bytes(bytes.try_into().expect("four bytes")));

    let n = s.len();
    if n >= 8 {
        let mut chunks = s.chunks_exact(8);
        if chunks.by_ref().any(|chunk| any_in(word(chunk))) {
            return true;
        }
        !chunks.remainder().is_empty() && any_in(word(&s[n - 8..]))
    } else if n >= 4 {
        any_in(half(&s[..4]) | half(&s[n - 4..]) << 32)
    } else {
        s.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\')
    }
}

#[cfg(test)]
mod tests {
    use super::needs_escape;

    fn escaped_by_json(b: u8) -> bool {
        b < 0x20 || b == b'"' || b == b'\\'
    }

    #[test]
    fn needs_escape_finds_every_byte_json_escapes_at_every_position() {
        for len in 0..=40 {
            let clean = vec![b'a'; len];
            assert!(!needs_escape(&clean), "{len} clean bytes");
            for at in 0..len {
                for b in 0..=u8::MAX {
                    let mut s = clean.clone();
                    s[at] = b;
                    assert_eq!(
                        needs_escape(&s),
                        escaped_by_json(b),
                        "byte {b:#x} at {at} of {len}"
                    );
                }
            }
        }
    }

    #[test]
    fn needs_escape_is_not_fooled_by_neighbouring_bytes() {
        // Borrows in the word-wide subtraction must not make a byte look like another.
        for a in 0..=u8::MAX {
            for b in 0..=u8::MAX {
                let s = [b'x', b'x', b'x', a, b, b'x', b'x', b'x', b'x'];
                assert_eq!(
                    needs_escape(&s),
                    escaped_by_json(a) || escaped_by_json(b),
                    "{a:#x} {b:#x}"
                );
            }
        }
    }
}
