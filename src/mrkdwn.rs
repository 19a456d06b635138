//! Slack's `mrkdwn` text format.
//!
//! Slack reads `&`, `<` and `>` as control characters in message text; user-supplied text must
//! have exactly those three escaped, and nothing else.

use std::borrow::Cow;

/// Escapes `&`, `<` and `>` for use in `mrkdwn` or plain message text.
///
/// Borrows when there is nothing to escape.
///
/// ```
/// assert_eq!(slackhook::mrkdwn::escape("a < b && c > d"), "a &lt; b &amp;&amp; c &gt; d");
/// assert_eq!(slackhook::mrkdwn::escape("*bold* _it_"), "*bold* _it_");
/// ```
pub fn escape(text: &str) -> Cow<'_, str> {
    if !text.contains(['&', '<', '>']) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_exactly_the_three_control_characters() {
        assert_eq!(escape("<@U1> & <!here>"), "&lt;@U1&gt; &amp; &lt;!here&gt;");
        assert_eq!(
            escape("\"quotes\" 'and' *marks*"),
            "\"quotes\" 'and' *marks*"
        );
    }

    #[test]
    fn borrows_when_nothing_needs_escaping() {
        assert!(matches!(escape("plain"), Cow::Borrowed("plain")));
    }
}
