//! Verifying that a request came from Slack, and signing requests as Slack would.
//!
//! Slack signs every request it sends to an app (slash commands, interactivity, events) with the
//! app's signing secret: `X-Slack-Signature` holds `v0=` and the hex HMAC-SHA256 of
//! `v0:<timestamp>:<raw body>`, and `X-Slack-Request-Timestamp` holds the timestamp in Unix
//! seconds. [`SignatureVerifier`] recomputes that MAC over the raw body bytes, before any
//! parsing, compares it in constant time, and rejects requests whose timestamp is too far from
//! the current time in either direction, which limits replays.
//!
//! The current time is an argument: the core reads no clock. [`SignatureVerifier::verify_now`]
//! is the one convenience that reads the system clock.
//!
//! [`sign`] is the inverse, for emulators and tests.

use std::fmt;
use std::time::{Duration, SystemTime};

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The header holding the request's Unix time in seconds.
pub const TIMESTAMP_HEADER: &str = "x-slack-request-timestamp";

/// The header holding the `v0=` signature.
pub const SIGNATURE_HEADER: &str = "x-slack-signature";

/// How far a request's timestamp may be from the current time, in either direction, by
/// default: Slack's documented five minutes.
pub const DEFAULT_TOLERANCE: Duration = Duration::from_secs(300);

/// The only signature version Slack has defined.
const VERSION_PREFIX: &str = "v0=";

/// Length of a hex-encoded HMAC-SHA256.
const HEX_LEN: usize = 64;

/// Checks Slack's request signatures.
///
/// Build one per signing secret and reuse it: the secret is hashed into the MAC's key once.
/// `Debug` never shows the secret.
///
/// Signatures are accepted in lower-case hex, as Slack sends them, and in upper-case hex too;
/// nothing else is trimmed or normalised.
///
/// ```
/// use slackhook::signature::{SignatureError, SignatureVerifier};
///
/// // Slack's documented example.
/// let verifier = SignatureVerifier::new("8f742231b10e8888abcd99yyyzzz85a5")?;
/// let body = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow\
///     &channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner\
///     &command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands\
///     %2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN\
///     &trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
/// let timestamp = "1531420618";
/// let signature = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
///
/// // A minute after Slack sent it: fresh and authentic.
/// let now = 1531420618 + 60;
/// verifier.verify(body.as_bytes(), timestamp, signature, now)?;
///
/// // A tampered body fails.
/// let tampered = body.replace("roadrunner", "coyote");
/// let err = verifier.verify(tampered.as_bytes(), timestamp, signature, now);
/// assert_eq!(err, Err(SignatureError::Mismatch));
///
/// // So does a replay an hour later.
/// let err = verifier.verify(body.as_bytes(), timestamp, signature, now + 3600);
/// assert!(matches!(err, Err(SignatureError::Stale { .. })));
/// # Ok::<(), SignatureError>(())
/// ```
#[derive(Clone)]
pub struct SignatureVerifier {
    /// The MAC already keyed with the signing secret; cloned for each request.
    keyed: HmacSha256,
    /// `None` when the freshness check is off.
    tolerance: Option<u64>,
}

impl SignatureVerifier {
    /// A verifier for one signing secret (the app's "Signing Secret", used as UTF-8 bytes, not
    /// hex-decoded), with the default tolerance of 300 seconds.
    pub fn new(signing_secret: impl Into<String>) -> Result<Self, SignatureError> {
        let secret = signing_secret.into();
        if secret.is_empty() {
            return Err(SignatureError::EmptySecret);
        }

        Ok(Self {
            keyed: keyed_mac(secret.as_bytes()),
            tolerance: Some(DEFAULT_TOLERANCE.as_secs()),
        })
    }

    /// Sets how far a request's timestamp may be from `now`, in either direction.
    ///
    /// Timestamps are whole seconds, so any fraction of a second is dropped. A request exactly
    /// at the limit is accepted.
    pub fn with_tolerance(mut self, tolerance: Duration) -> Self {
        self.tolerance = Some(tolerance.as_secs());
        self
    }

    /// Turns the freshness check off: a captured request then verifies forever.
    ///
    /// Only for replaying recorded traffic in tests. The timestamp must still be well-formed,
    /// since it is part of what is signed.
    pub fn danger_skip_timestamp_check(mut self) -> Self {
        self.tolerance = None;
        self
    }

    /// The tolerance, or `None` when the freshness check is off.
    pub fn tolerance(&self) -> Option<Duration> {
        self.tolerance.map(Duration::from_secs)
    }

    /// Verifies a request from its raw body and the values of its two headers.
    ///
    /// `body` is the body exactly as received, before any parsing or decoding; it need not be
    /// UTF-8. `now` is the current Unix time in seconds. An empty `timestamp` or `signature`
    /// counts as missing.
    ///
    /// The checks run cheapest first: the header formats, then freshness, then the MAC.
    pub fn verify(
        &self,
        body: &[u8],
        timestamp: &str,
        signature: &str,
        now: u64,
    ) -> Result<(), SignatureError> {
        if timestamp.is_empty() {
            return Err(SignatureError::MissingTimestamp);
        }
        if signature.is_empty() {
            return Err(SignatureError::MissingSignature);
        }

        let sent_at = parse_timestamp(timestamp)?;
        let expected_tag = parse_signature(signature)?;
        self.check_freshness(sent_at, now)?;

        let mut mac = self.keyed.clone();
        feed(&mut mac, timestamp, body);
        mac.verify_slice(&expected_tag)
            .map_err(|_| SignatureError::Mismatch)
    }

    /// Verifies a request from its headers (`X-Slack-Request-Timestamp`, `X-Slack-Signature`,
    /// in any case) and its raw body. See [`verify`](Self::verify).
    ///
    /// A header that is given more than once, or whose value is not visible ASCII, is malformed.
    pub fn verify_headers(
        &self,
        headers: &http::HeaderMap,
        body: &[u8],
        now: u64,
    ) -> Result<(), SignatureError> {
        let timestamp = single_header(headers, TIMESTAMP_HEADER)
            .ok_or(SignatureError::MissingTimestamp)?
            .ok_or(SignatureError::MalformedTimestamp)?;
        let signature = single_header(headers, SIGNATURE_HEADER)
            .ok_or(SignatureError::MissingSignature)?
            .ok_or(SignatureError::MalformedSignature)?;

        self.verify(body, timestamp, signature, now)
    }

    /// Verifies an [`http::Request`] whose body holds the raw bytes as received. See
    /// [`verify_headers`](Self::verify_headers).
    pub fn verify_request<B: AsRef<[u8]>>(
        &self,
        request: &http::Request<B>,
        now: u64,
    ) -> Result<(), SignatureError> {
        self.verify_headers(request.headers(), request.body().as_ref(), now)
    }

    /// Like [`verify`](Self::verify), but reads `now` from the system clock.
    ///
    /// The one place in the core that reads a clock. A clock set before 1970 counts as 1970,
    /// which makes every request stale rather than panicking.
    pub fn verify_now(
        &self,
        body: &[u8],
        timestamp: &str,
        signature: &str,
    ) -> Result<(), SignatureError> {
        let now = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        self.verify(body, timestamp, signature, now)
    }

    /// Signs a body as Slack would, with this verifier's secret: see [`sign`].
    pub fn sign(&self, timestamp: u64, body: &[u8]) -> String {
        let mut mac = self.keyed.clone();
        feed(&mut mac, &timestamp.to_string(), body);
        format_signature(&mac.finalize().into_bytes())
    }

    fn check_freshness(&self, sent_at: u64, now: u64) -> Result<(), SignatureError> {
        let Some(tolerance) = self.tolerance else {
            return Ok(());
        };

        // Both operands fit in i128, so the difference cannot overflow.
        let age = i128::from(now) - i128::from(sent_at);
        if age.unsigned_abs() <= u128::from(tolerance) {
            return Ok(());
        }
        Err(SignatureError::Stale {
            age_seconds: i64::try_from(age).unwrap_or(if age < 0 { i64::MIN } else { i64::MAX }),
            tolerance_seconds: tolerance,
        })
    }
}

impl fmt::Debug for SignatureVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignatureVerifier")
            .field("signing_secret", &"***")
            .field("tolerance", &self.tolerance())
            .finish()
    }
}

/// Signs `body` as Slack does: `v0=` and the lower-case hex HMAC-SHA256 of
/// `v0:<timestamp>:<body>`, keyed with the secret's UTF-8 bytes.
///
/// The value to send in `X-Slack-Signature`, with `timestamp` in `X-Slack-Request-Timestamp`.
///
/// ```
/// let signature = slackhook::signature::sign("my-secret", 1531420618, b"text=hello");
/// assert!(signature.starts_with("v0="));
/// assert_eq!(signature.len(), 3 + 64);
/// ```
pub fn sign(signing_secret: &str, timestamp: u64, body: &[u8]) -> String {
    let mut mac = keyed_mac(signing_secret.as_bytes());
    feed(&mut mac, &timestamp.to_string(), body);
    format_signature(&mac.finalize().into_bytes())
}

fn keyed_mac(secret: &[u8]) -> HmacSha256 {
    HmacSha256::new_from_slice(secret).expect("hmac accepts keys of any length")
}

/// Feeds the base string `v0:<timestamp>:<body>` in pieces, so that no copy of the body is made.
fn feed(mac: &mut HmacSha256, timestamp: &str, body: &[u8]) {
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
}

fn format_signature(tag: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";

    let mut out = String::with_capacity(VERSION_PREFIX.len() + 2 * tag.len());
    out.push_str(VERSION_PREFIX);
    for byte in tag {
        out.push(char::from(DIGITS[usize::from(byte >> 4)]));
        out.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    out
}

/// Only plain decimal digits: `u64::from_str` alone would also take a leading `+`.
fn parse_timestamp(timestamp: &str) -> Result<u64, SignatureError> {
    if !timestamp.bytes().all(|b| b.is_ascii_digit()) {
        return Err(SignatureError::MalformedTimestamp);
    }
    timestamp
        .parse()
        .map_err(|_| SignatureError::MalformedTimestamp)
}

/// Decodes `v0=<64 hex digits>` into the 32-byte tag it names.
fn parse_signature(signature: &str) -> Result<[u8; 32], SignatureError> {
    let Some(hex) = signature.strip_prefix(VERSION_PREFIX) else {
        return Err(if has_version_prefix(signature) {
            SignatureError::UnknownVersion
        } else {
            SignatureError::MalformedSignature
        });
    };
    if hex.len() != HEX_LEN {
        return Err(SignatureError::MalformedSignature);
    }

    let mut tag = [0u8; 32];
    for (byte, pair) in tag.iter_mut().zip(hex.as_bytes().chunks_exact(2)) {
        let high = hex_value(pair[0]).ok_or(SignatureError::MalformedSignature)?;
        let low = hex_value(pair[1]).ok_or(SignatureError::MalformedSignature)?;
        *byte = high << 4 | low;
    }
    Ok(tag)
}

/// Whether the signature starts like a versioned one, `v<digits>=`, just not `v0=`.
fn has_version_prefix(signature: &str) -> bool {
    let Some(rest) = signature.strip_prefix('v') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    digits > 0 && rest.as_bytes().get(digits) == Some(&b'=')
}

fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

/// The header's only value: `None` when absent, `Some(None)` when present but unusable (given
/// twice, which would leave it ambiguous which one was signed, or not visible ASCII).
fn single_header<'h>(headers: &'h http::HeaderMap, name: &str) -> Option<Option<&'h str>> {
    let mut values = headers.get_all(name).iter();
    let first = values.next()?;
    if values.next().is_some() {
        return Some(None);
    }
    Some(first.to_str().ok())
}

/// Why a request's signature was not accepted.
///
/// No variant holds the signing secret or the expected signature, so errors are safe to log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SignatureError {
    /// The signing secret is empty.
    EmptySecret,
    /// The `X-Slack-Request-Timestamp` header is missing or empty.
    MissingTimestamp,
    /// The `X-Slack-Signature` header is missing or empty.
    MissingSignature,
    /// The timestamp is not a Unix time in whole seconds (plain decimal digits that fit in 64
    /// bits, with no sign, exponent or whitespace).
    MalformedTimestamp,
    /// The timestamp is further from the current time than the tolerance allows.
    Stale {
        /// `now - timestamp`: positive when the request is too old, negative when it claims to
        /// come from the future. Saturates at the bounds of `i64`.
        age_seconds: i64,
        /// The tolerance that was exceeded.
        tolerance_seconds: u64,
    },
    /// The signature is not `v0=` followed by 64 hex digits.
    MalformedSignature,
    /// The signature uses a version other than `v0` (e.g. `v1=`).
    UnknownVersion,
    /// The signature is well-formed but does not match the request.
    Mismatch,
}

impl fmt::Display for SignatureError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptySecret => f.write_str("signing secret is empty"),
            Self::MissingTimestamp => f.write_str("x-slack-request-timestamp header is missing"),
            Self::MissingSignature => f.write_str("x-slack-signature header is missing"),
            Self::MalformedTimestamp => {
                f.write_str("request timestamp is not a unix time in whole seconds")
            }
            Self::Stale {
                age_seconds,
                tolerance_seconds,
            } => {
                let direction = if *age_seconds < 0 {
                    "in the future"
                } else {
                    "old"
                };
                write!(
                    f,
                    "request timestamp is {}s {direction}; at most {tolerance_seconds}s \
                     either way is allowed",
                    age_seconds.unsigned_abs()
                )
            }
            Self::MalformedSignature => {
                f.write_str("signature is not v0= followed by 64 hex digits")
            }
            Self::UnknownVersion => f.write_str("signature version is not v0"),
            Self::Mismatch => f.write_str("signature does not match the request"),
        }
    }
}

impl std::error::Error for SignatureError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_prefixes_need_digits_and_an_equals_sign() {
        assert!(has_version_prefix("v1=ab"));
        assert!(has_version_prefix("v10="));
        assert!(!has_version_prefix("v="));
        assert!(!has_version_prefix("v1"));
        assert!(!has_version_prefix("x1=ab"));
        assert!(!has_version_prefix(""));
    }

    #[test]
    fn hex_round_trips_through_format_and_parse() {
        let tag: [u8; 32] = std::array::from_fn(|i| (i * 8) as u8);
        let text = format_signature(&tag);
        assert_eq!(parse_signature(&text), Ok(tag));
        assert_eq!(
            parse_signature(&text.to_uppercase().replacen("V0", "v0", 1)),
            Ok(tag)
        );
    }

    #[test]
    fn a_leading_plus_is_not_a_timestamp() {
        assert_eq!(
            parse_timestamp("+1"),
            Err(SignatureError::MalformedTimestamp)
        );
        assert_eq!(parse_timestamp("0001"), Ok(1));
    }

    #[test]
    fn ages_beyond_i64_saturate() {
        let verifier = SignatureVerifier::new("s").expect("non-empty");
        let err = verifier.check_freshness(0, u64::MAX);
        assert!(matches!(
            err,
            Err(SignatureError::Stale {
                age_seconds: i64::MAX,
                ..
            })
        ));
        let err = verifier.check_freshness(u64::MAX, 0);
        assert!(matches!(
            err,
            Err(SignatureError::Stale {
                age_seconds: i64::MIN,
                ..
            })
        ));
    }
}
