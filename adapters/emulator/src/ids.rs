//! Identifiers that look like Slack's: team ids, webhook tokens, command ids.
//!
//! They only need to be unpredictable enough that two registrations never collide and that a
//! test cannot guess one; std's randomly keyed SipHash over a counter gives that without a
//! random-number dependency.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const UPPER: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const DIGITS: &[u8] = b"0123456789";
const HEX: &[u8] = b"0123456789abcdef";

static COUNTER: AtomicU64 = AtomicU64::new(0);

fn next_u64() -> u64 {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(COUNTER.fetch_add(1, Ordering::Relaxed));

    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    hasher.write_u128(nanos);
    hasher.finish()
}

fn draw(alphabet: &[u8], len: usize) -> String {
    let mut out = String::with_capacity(len);
    let mut bits = next_u64();
    let mut left = 8;
    for _ in 0..len {
        if left == 0 {
            bits = next_u64();
            left = 8;
        }
        let index = (bits & 0xff) as usize % alphabet.len();
        out.push(char::from(alphabet[index]));
        bits >>= 8;
        left -= 1;
    }
    out
}

/// A Slack-style id: a one-letter prefix and upper-case letters and digits (`T0123ABCD45`).
pub(crate) fn slack_id(prefix: char, len: usize) -> String {
    format!("{prefix}{}", draw(UPPER, len))
}

/// A mixed-case secret token, as in the last segment of a webhook URL.
pub(crate) fn token(len: usize) -> String {
    draw(ALPHANUMERIC, len)
}

/// A decimal number of `len` digits, first digit not zero.
pub(crate) fn digits(len: usize) -> String {
    let mut out = draw(DIGITS, len);
    if out.starts_with('0') {
        out.replace_range(0..1, "7");
    }
    out
}

/// Lower-case hex, as in trigger ids and signing secrets.
pub(crate) fn hex(len: usize) -> String {
    draw(HEX, len)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_have_the_requested_length_and_alphabet() {
        let t = token(24);
        assert_eq!(t.len(), 24);
        assert!(t.bytes().all(|b| b.is_ascii_alphanumeric()));
    }

    #[test]
    fn consecutive_tokens_differ() {
        assert_ne!(token(24), token(24));
    }

    #[test]
    fn slack_ids_are_upper_case_with_their_prefix() {
        let id = slack_id('T', 10);
        assert!(id.starts_with('T'));
        assert_eq!(id.len(), 11);
        assert!(!id.bytes().any(|b| b.is_ascii_lowercase()));
    }

    #[test]
    fn digit_strings_do_not_start_with_zero() {
        for _ in 0..50 {
            let d = digits(12);
            assert_eq!(d.len(), 12);
            assert!(!d.starts_with('0'));
        }
    }
}
