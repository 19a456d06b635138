//! `slackhook sign` and `slackhook verify`: Slack's request signatures over a body on stdin.

use std::io::Read as _;
use std::time::SystemTime;

use slackhook::signature::{self, SignatureError, SignatureVerifier};

use crate::Failure;
use crate::cli::{SecretArgs, SignArgs, VerifyArgs};

const SECRET_VAR: &str = "SLACK_SIGNING_SECRET";

/// Runs `slackhook sign`.
pub fn sign(args: SignArgs) -> Result<(), Failure> {
    let secret = secret(&args.secret)?;
    let timestamp = args.timestamp.unwrap_or_else(now);
    let body = stdin()?;

    outln!("X-Slack-Request-Timestamp: {timestamp}");
    outln!(
        "X-Slack-Signature: {}",
        signature::sign(&secret, timestamp, &body)
    );
    Ok(())
}

/// Runs `slackhook verify`.
pub fn verify(args: VerifyArgs) -> Result<(), Failure> {
    let secret = secret(&args.secret)?;
    let verifier = SignatureVerifier::new(secret).map_err(|e| Failure::usage(e.to_string()))?;
    let now = args.now.unwrap_or_else(now);
    let body = stdin()?;

    match verifier.verify(&body, &args.timestamp, &args.signature, now) {
        Ok(()) => {
            outln!("valid: the signature matches the body and the timestamp is fresh");
            Ok(())
        }
        Err(error) => Err(Failure::refused(format!("invalid: {}", reason(error)))),
    }
}

/// The verifier's reason, with a hint where one helps.
fn reason(error: SignatureError) -> String {
    match error {
        SignatureError::Stale { .. } => {
            format!("{error} (pass --now to check a recorded request)")
        }
        SignatureError::Mismatch => {
            format!("{error} (a different body, timestamp or secret; a trailing newline counts)")
        }
        other => other.to_string(),
    }
}

/// `--secret`, else `SLACK_SIGNING_SECRET`. An empty value counts as none.
pub fn secret(args: &SecretArgs) -> Result<String, Failure> {
    let secret = match &args.secret {
        Some(secret) => secret.clone(),
        None => std::env::var(SECRET_VAR).unwrap_or_default(),
    };
    if secret.is_empty() {
        return Err(Failure::usage(format!(
            "no signing secret: set {SECRET_VAR} or pass --secret"
        )));
    }
    Ok(secret)
}

/// The current Unix time; a clock before 1970 reads as 0.
pub fn now() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

fn stdin() -> Result<Vec<u8>, Failure> {
    let mut body = Vec::new();
    std::io::stdin()
        .read_to_end(&mut body)
        .map_err(|e| Failure::usage(format!("cannot read the body from stdin: {e}")))?;
    Ok(body)
}
