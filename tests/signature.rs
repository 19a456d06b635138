//! Slack request signatures: Slack's worked example, every error, and hostile input.

use std::time::Duration;

use slackhook::http::{HeaderMap, HeaderValue, Request};
use slackhook::signature::{SignatureError, SignatureVerifier, sign};

// Slack's documented example ("Verifying requests from Slack").
const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
const TIMESTAMP: &str = "1531420618";
const TS: u64 = 1_531_420_618;
const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow\
    &channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner\
    &command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands\
    %2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN\
    &trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const SIGNATURE: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const HEX: &str = "a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

fn verifier() -> SignatureVerifier {
    SignatureVerifier::new(SECRET).expect("non-empty secret")
}

fn verify(timestamp: &str, signature: &str) -> Result<(), SignatureError> {
    verifier().verify(BODY.as_bytes(), timestamp, signature, TS)
}

fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        map.append(*name, HeaderValue::from_str(value).expect("header value"));
    }
    map
}

/// Asserts that nothing about an error gives away the signature it was expecting.
fn assert_reveals_nothing(err: &SignatureError, expected_hex: &str) {
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(expected_hex), "{shown}");
        assert!(!shown.contains(&expected_hex[..16]), "{shown}");
        assert!(!shown.contains(SECRET), "{shown}");
    }
}

#[test]
fn slacks_documented_example_verifies() {
    assert_eq!(verify(TIMESTAMP, SIGNATURE), Ok(()));
}

#[test]
fn sign_produces_slacks_documented_signature() {
    assert_eq!(sign(SECRET, TS, BODY.as_bytes()), SIGNATURE);
    assert_eq!(verifier().sign(TS, BODY.as_bytes()), SIGNATURE);
}

#[test]
fn a_changed_body_is_a_mismatch() {
    let body = BODY.replace("roadrunner", "coyote");
    let err = verifier().verify(body.as_bytes(), TIMESTAMP, SIGNATURE, TS);
    assert_eq!(err, Err(SignatureError::Mismatch));
}

#[test]
fn a_changed_timestamp_is_a_mismatch() {
    assert_eq!(
        verify("1531420619", SIGNATURE),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn another_secret_is_a_mismatch() {
    let other = SignatureVerifier::new("another-secret").expect("non-empty");
    let err = other.verify(BODY.as_bytes(), TIMESTAMP, SIGNATURE, TS);
    assert_eq!(err, Err(SignatureError::Mismatch));
}

#[test]
fn the_timestamp_is_signed_as_written() {
    // Leading zeros are digits like any other; the signature covers the text, not the number.
    let signature = verifier().sign(TS, BODY.as_bytes());
    assert_eq!(
        verify("01531420618", &signature),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn an_empty_secret_is_rejected() {
    assert!(matches!(
        SignatureVerifier::new(""),
        Err(SignatureError::EmptySecret)
    ));
    assert!(matches!(
        SignatureVerifier::new(String::new()),
        Err(SignatureError::EmptySecret)
    ));
}

#[test]
fn debug_never_shows_the_secret() {
    let shown = format!("{:?}", verifier());
    assert!(!shown.contains(SECRET), "{shown}");
    assert!(shown.contains("SignatureVerifier"), "{shown}");
}

#[test]
fn empty_header_values_count_as_missing() {
    assert_eq!(verify("", SIGNATURE), Err(SignatureError::MissingTimestamp));
    assert_eq!(verify(TIMESTAMP, ""), Err(SignatureError::MissingSignature));
}

#[test]
fn malformed_timestamps_are_rejected() {
    for bad in [
        "abc",
        "-1",
        "+1531420618",
        "1e3",
        "1531420618.5",
        "18446744073709551616",
        "99999999999999999999999999",
        " 1531420618",
        "1531420618 ",
        "1531420618\n",
        "１２３",
    ] {
        assert_eq!(
            verify(bad, SIGNATURE),
            Err(SignatureError::MalformedTimestamp),
            "{bad:?}"
        );
    }
}

#[test]
fn the_largest_timestamp_parses_without_overflow() {
    let verifier = verifier().danger_skip_timestamp_check();
    let signature = verifier.sign(u64::MAX, b"");
    let timestamp = u64::MAX.to_string();
    assert_eq!(verifier.verify(b"", &timestamp, &signature, 0), Ok(()));
}

#[test]
fn malformed_signatures_are_rejected() {
    let cases = [
        HEX.to_string(),
        format!("v0:{HEX}"),
        format!("V0={HEX}"),
        format!("v0={}", &HEX[..63]),
        format!("v0={HEX}0"),
        format!("v0={}g", &HEX[..63]),
        format!("v0={}é", &HEX[..62]),
        format!(" {SIGNATURE}"),
        format!("{SIGNATURE} "),
        format!("{SIGNATURE}\n"),
        format!("v0= {}", &HEX[..63]),
        "v0=".to_string(),
        "v=abc".to_string(),
        "sha256=abc".to_string(),
    ];
    for bad in cases {
        assert_eq!(
            verify(TIMESTAMP, &bad),
            Err(SignatureError::MalformedSignature),
            "{bad:?}"
        );
    }
}

#[test]
fn other_signature_versions_are_unknown() {
    for bad in [
        format!("v1={HEX}"),
        format!("v2={HEX}"),
        "v10=ab".to_string(),
    ] {
        assert_eq!(
            verify(TIMESTAMP, &bad),
            Err(SignatureError::UnknownVersion),
            "{bad:?}"
        );
    }
}

#[test]
fn upper_case_hex_is_accepted() {
    let upper = format!("v0={}", HEX.to_ascii_uppercase());
    assert_eq!(verify(TIMESTAMP, &upper), Ok(()));

    let mixed = format!("v0=A2114D57{}", &HEX[8..]);
    assert_eq!(verify(TIMESTAMP, &mixed), Ok(()));
}

#[test]
fn sign_writes_lower_case_hex() {
    let signature = sign("secret", 1, b"body");
    let hex = signature.strip_prefix("v0=").expect("v0 prefix");
    assert_eq!(hex.len(), 64);
    assert!(
        hex.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    );
}

#[test]
fn timestamps_at_the_tolerance_are_accepted_both_ways() {
    let verifier = verifier();
    for now in [TS - 300, TS + 300] {
        assert_eq!(
            verifier.verify(BODY.as_bytes(), TIMESTAMP, SIGNATURE, now),
            Ok(()),
            "now = {now}"
        );
    }
}

#[test]
fn a_request_one_second_too_old_is_stale() {
    let err = verifier().verify(BODY.as_bytes(), TIMESTAMP, SIGNATURE, TS + 301);
    assert_eq!(
        err,
        Err(SignatureError::Stale {
            age_seconds: 301,
            tolerance_seconds: 300
        })
    );
    let message = err.expect_err("stale").to_string();
    assert!(message.contains("301s old"), "{message}");
}

#[test]
fn a_request_one_second_too_far_in_the_future_is_stale() {
    let err = verifier().verify(BODY.as_bytes(), TIMESTAMP, SIGNATURE, TS - 301);
    assert_eq!(
        err,
        Err(SignatureError::Stale {
            age_seconds: -301,
            tolerance_seconds: 300
        })
    );
    let message = err.expect_err("stale").to_string();
    assert!(message.contains("301s in the future"), "{message}");
}

#[test]
fn freshness_is_checked_before_the_mac() {
    // A stale request is rejected without hashing its body, whatever its signature.
    let err = verify("1", &format!("v0={}", "0".repeat(64)));
    assert!(matches!(err, Err(SignatureError::Stale { .. })), "{err:?}");
}

#[test]
fn extreme_clocks_never_overflow() {
    let verifier = verifier();
    for (timestamp, now) in [("0", u64::MAX), ("18446744073709551615", 0), ("0", 0)] {
        let err = verifier.verify(b"", timestamp, SIGNATURE, now);
        assert!(
            matches!(
                err,
                Err(SignatureError::Stale { .. } | SignatureError::Mismatch)
            ),
            "{timestamp} at {now}: {err:?}"
        );
    }
}

#[test]
fn the_tolerance_is_configurable() {
    let strict = verifier().with_tolerance(Duration::from_secs(10));
    assert_eq!(strict.tolerance(), Some(Duration::from_secs(10)));
    assert_eq!(
        strict.verify(BODY.as_bytes(), TIMESTAMP, SIGNATURE, TS + 10),
        Ok(())
    );
    assert!(matches!(
        strict.verify(BODY.as_bytes(), TIMESTAMP, SIGNATURE, TS + 11),
        Err(SignatureError::Stale {
            age_seconds: 11,
            tolerance_seconds: 10
        })
    ));
}

#[test]
fn fractions_of_a_second_in_the_tolerance_are_dropped() {
    let verifier = verifier().with_tolerance(Duration::from_millis(1_999));
    assert_eq!(verifier.tolerance(), Some(Duration::from_secs(1)));
}

#[test]
fn the_default_tolerance_is_five_minutes() {
    assert_eq!(verifier().tolerance(), Some(Duration::from_secs(300)));
}

#[test]
fn skipping_the_timestamp_check_accepts_old_requests_but_not_forged_ones() {
    let verifier = verifier().danger_skip_timestamp_check();
    assert_eq!(verifier.tolerance(), None);

    let years_later = TS + 10 * 365 * 24 * 3600;
    assert_eq!(
        verifier.verify(BODY.as_bytes(), TIMESTAMP, SIGNATURE, years_later),
        Ok(())
    );
    assert_eq!(
        verifier.verify(b"forged", TIMESTAMP, SIGNATURE, years_later),
        Err(SignatureError::Mismatch)
    );
    assert_eq!(
        verifier.verify(BODY.as_bytes(), "-1", SIGNATURE, years_later),
        Err(SignatureError::MalformedTimestamp)
    );
}

#[test]
fn empty_bodies_sign_and_verify() {
    let signature = sign(SECRET, TS, b"");
    assert_eq!(verifier().verify(b"", TIMESTAMP, &signature, TS), Ok(()));
    assert_eq!(
        verifier().verify(b"x", TIMESTAMP, &signature, TS),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn bodies_that_are_not_utf8_sign_and_verify() {
    let body = [0xff, 0xfe, 0x00, 0xc3, 0x28, b'a'];
    let signature = sign(SECRET, TS, &body);
    assert_eq!(verifier().verify(&body, TIMESTAMP, &signature, TS), Ok(()));
}

#[test]
fn a_one_megabyte_body_signs_and_verifies() {
    let body: Vec<u8> = (0..1024 * 1024).map(|i| (i % 251) as u8).collect();
    let signature = sign(SECRET, TS, &body);
    assert_eq!(verifier().verify(&body, TIMESTAMP, &signature, TS), Ok(()));

    let mut flipped = body;
    let last = flipped.len() - 1;
    flipped[last] ^= 1;
    assert_eq!(
        verifier().verify(&flipped, TIMESTAMP, &signature, TS),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn headers_are_found_in_any_case() {
    let map = headers(&[
        ("X-Slack-Request-Timestamp", TIMESTAMP),
        ("x-SLACK-signature", SIGNATURE),
    ]);
    assert_eq!(verifier().verify_headers(&map, BODY.as_bytes(), TS), Ok(()));
}

#[test]
fn missing_headers_are_named() {
    let only_signature = headers(&[("x-slack-signature", SIGNATURE)]);
    assert_eq!(
        verifier().verify_headers(&only_signature, BODY.as_bytes(), TS),
        Err(SignatureError::MissingTimestamp)
    );

    let only_timestamp = headers(&[("x-slack-request-timestamp", TIMESTAMP)]);
    assert_eq!(
        verifier().verify_headers(&only_timestamp, BODY.as_bytes(), TS),
        Err(SignatureError::MissingSignature)
    );
}

#[test]
fn repeated_headers_are_malformed() {
    let two_timestamps = headers(&[
        ("x-slack-request-timestamp", TIMESTAMP),
        ("x-slack-request-timestamp", TIMESTAMP),
        ("x-slack-signature", SIGNATURE),
    ]);
    assert_eq!(
        verifier().verify_headers(&two_timestamps, BODY.as_bytes(), TS),
        Err(SignatureError::MalformedTimestamp)
    );

    let two_signatures = headers(&[
        ("x-slack-request-timestamp", TIMESTAMP),
        ("x-slack-signature", SIGNATURE),
        ("x-slack-signature", SIGNATURE),
    ]);
    assert_eq!(
        verifier().verify_headers(&two_signatures, BODY.as_bytes(), TS),
        Err(SignatureError::MalformedSignature)
    );
}

#[test]
fn header_values_that_are_not_visible_ascii_are_malformed() {
    let mut map = headers(&[("x-slack-signature", SIGNATURE)]);
    let opaque = HeaderValue::from_bytes(b"15314\xff0618").expect("obs-text is allowed");
    map.insert("x-slack-request-timestamp", opaque);
    assert_eq!(
        verifier().verify_headers(&map, BODY.as_bytes(), TS),
        Err(SignatureError::MalformedTimestamp)
    );
}

#[test]
fn requests_verify_from_their_headers_and_body() {
    let request = Request::post("/slack/commands")
        .header("X-Slack-Request-Timestamp", TIMESTAMP)
        .header("X-Slack-Signature", SIGNATURE)
        .body(BODY.as_bytes().to_vec())
        .expect("request");
    assert_eq!(verifier().verify_request(&request, TS + 5), Ok(()));

    let request = request.map(|_| bytes::Bytes::from_static(b"tampered"));
    assert_eq!(
        verifier().verify_request(&request, TS + 5),
        Err(SignatureError::Mismatch)
    );
}

#[test]
fn verify_now_uses_the_system_clock() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs();
    let signature = verifier().sign(now, b"fresh");
    assert_eq!(
        verifier().verify_now(b"fresh", &now.to_string(), &signature),
        Ok(())
    );

    // Slack's example is from 2018: long stale by any real clock.
    assert!(matches!(
        verifier().verify_now(BODY.as_bytes(), TIMESTAMP, SIGNATURE),
        Err(SignatureError::Stale { .. })
    ));
}

#[test]
fn no_error_reveals_the_expected_signature() {
    // Each failing request is checked against the signature that would have been accepted.
    let wrong = format!("v0={}", "0".repeat(64));
    let cases: [(&str, &str, u64); 7] = [
        ("", &wrong, TS),
        (TIMESTAMP, "", TS),
        ("x", &wrong, TS),
        (TIMESTAMP, "v0=zz", TS),
        (TIMESTAMP, "v1=ab", TS),
        (TIMESTAMP, &wrong, TS + 1000),
        (TIMESTAMP, &wrong, TS),
    ];
    for (timestamp, signature, now) in cases {
        let err = verifier()
            .verify(BODY.as_bytes(), timestamp, signature, now)
            .expect_err("every case fails");
        assert_reveals_nothing(&err, HEX);
    }
    assert_reveals_nothing(&SignatureError::EmptySecret, HEX);
}

#[test]
fn every_error_has_a_short_lowercase_message() {
    let errors = [
        SignatureError::EmptySecret,
        SignatureError::MissingTimestamp,
        SignatureError::MissingSignature,
        SignatureError::MalformedTimestamp,
        SignatureError::Stale {
            age_seconds: 400,
            tolerance_seconds: 300,
        },
        SignatureError::MalformedSignature,
        SignatureError::UnknownVersion,
        SignatureError::Mismatch,
    ];
    for err in errors {
        let message = err.to_string();
        assert!(!message.is_empty());
        assert!(message.len() < 100, "{message}");
        assert_eq!(message, message.to_lowercase(), "{message}");
    }
}

#[test]
fn no_input_makes_verification_panic() {
    let verifier = verifier();
    let timestamps = [
        "",
        "0",
        "-0",
        "1531420618",
        "18446744073709551615",
        "\u{0}",
        "é",
    ];
    let signatures = ["", "v0=", "v0=é", "v", "v1", "v1=", "v0=\u{0}", SIGNATURE];
    for timestamp in timestamps {
        for signature in signatures {
            for now in [0, 1, TS, u64::MAX] {
                let _ = verifier.verify(b"\xff", timestamp, signature, now);
            }
        }
    }
}
