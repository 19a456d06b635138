//! Redaction of URLs in text that slackhook did not write itself.
//!
//! clap quotes a mistyped argument in its error ("unexpected argument '…' found"), and a
//! mistyped argument is quite often a webhook URL pasted in the wrong place. Such text passes
//! through [`urls`] before it reaches the terminal.

use slackhook::WebhookUrl;

/// Replaces the path of every `scheme://…` URL in `text`, as [`WebhookUrl`]'s `Display` does.
pub fn urls(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;

    while let Some(at) = rest.find("://") {
        let start = rest[..at]
            .char_indices()
            .rev()
            .find(|&(_, c)| !is_scheme_char(c))
            .map_or(0, |(i, c)| i + c.len_utf8());
        let after = at + 3;
        let end = rest[after..]
            .find(is_delimiter)
            .map_or(rest.len(), |i| after + i);

        out.push_str(&rest[..start]);
        out.push_str(&redact_one(&rest[start..end]));
        rest = &rest[end..];
    }

    out.push_str(rest);
    out
}

fn is_scheme_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "+-.".contains(c)
}

fn is_delimiter(c: char) -> bool {
    c.is_whitespace() || "'\"`<>".contains(c)
}

fn redact_one(url: &str) -> String {
    if let Ok(parsed) = WebhookUrl::parse(url) {
        return parsed.to_string();
    }

    // Not an address slackhook would use, but it may still carry a secret: keep only the scheme
    // and the host, and drop any user-info.
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let host = authority.rsplit('@').next().unwrap_or(authority);
    if authority_end == rest.len() && !authority.contains('@') {
        format!("{scheme}://{host}")
    } else {
        format!("{scheme}://{host}/***")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_url_in_a_sentence_loses_its_token() {
        let text =
            "error: unexpected argument 'https://hooks.slack.com/services/T1/B2/s3cr3t' found";
        let redacted = urls(text);
        assert_eq!(
            redacted,
            "error: unexpected argument 'https://hooks.slack.com/services/T1/B2/***' found"
        );
    }

    #[test]
    fn addresses_slackhook_rejects_are_cut_to_their_host() {
        assert_eq!(
            urls("see http://example.com/hook/s3cr3t now"),
            "see http://example.com/*** now"
        );
        assert_eq!(urls("ftp://user:pw@example.com"), "ftp://example.com/***");
    }

    #[test]
    fn text_without_urls_is_unchanged() {
        let text = "error: the argument '--url <URL>' cannot be used with '--local'";
        assert_eq!(urls(text), text);
    }

    #[test]
    fn several_urls_and_unicode_around_them_survive() {
        let text = "é https://hooks.slack.com/services/T/B/x1 and https://a.example/b/c ü";
        assert_eq!(
            urls(text),
            "é https://hooks.slack.com/services/T/B/*** and https://a.example/*** ü"
        );
    }
}
