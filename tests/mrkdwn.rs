//! mrkdwn helpers: escaping, links, mentions and dates as Slack's "Formatting message text"
//! guide writes them.

use slackhook::mrkdwn::{self, CHANNEL, Date, EVERYONE, HERE};

#[test]
fn escape_is_unchanged_by_the_helpers() {
    assert_eq!(mrkdwn::escape("a & b < c > d"), "a &amp; b &lt; c &gt; d");
    assert_eq!(mrkdwn::escape("é *ok* _ok_ `ok`"), "é *ok* _ok_ `ok`");
}

#[test]
fn link_with_a_label_is_url_pipe_label() {
    assert_eq!(
        mrkdwn::link("https://example.com", "Example"),
        "<https://example.com|Example>"
    );
}

#[test]
fn link_labels_are_escaped() {
    assert_eq!(
        mrkdwn::link("https://example.com", "<@U123> & <!here>"),
        "<https://example.com|&lt;@U123&gt; &amp; &lt;!here&gt;>"
    );
}

#[test]
fn link_labels_keep_pipes_and_non_ascii() {
    assert_eq!(
        mrkdwn::link("https://example.com", "a | b ✓"),
        "<https://example.com|a | b ✓>"
    );
}

#[test]
fn url_pipes_and_angle_brackets_are_percent_encoded() {
    assert_eq!(
        mrkdwn::link("https://example.com/a|b>c<d", "x"),
        "<https://example.com/a%7Cb%3Ec%3Cd|x>"
    );
    assert_eq!(
        mrkdwn::url("https://example.com/?q=a|b"),
        "<https://example.com/?q=a%7Cb>"
    );
}

#[test]
fn the_rest_of_a_url_is_left_alone() {
    let url = "https://example.com/path?q=a&b=%20c#frag^x";
    assert_eq!(mrkdwn::url(url), format!("<{url}>"));
}

#[test]
fn url_without_a_label_is_bracketed() {
    assert_eq!(mrkdwn::url("https://example.com"), "<https://example.com>");
    assert_eq!(
        mrkdwn::url("mailto:bob@example.com"),
        "<mailto:bob@example.com>"
    );
}

#[test]
fn user_mentions_use_at() {
    assert_eq!(mrkdwn::user("U012AB3CD"), "<@U012AB3CD>");
}

#[test]
fn channel_mentions_use_hash() {
    assert_eq!(mrkdwn::channel("C123ABC456"), "<#C123ABC456>");
}

#[test]
fn user_group_mentions_use_subteam() {
    assert_eq!(mrkdwn::user_group("SAZ94GDB8"), "<!subteam^SAZ94GDB8>");
}

#[test]
fn ids_cannot_break_out_of_their_mention() {
    assert_eq!(mrkdwn::user("U1><!channel"), "<@U1&gt;&lt;!channel>");
    assert_eq!(mrkdwn::channel("C1>"), "<#C1&gt;>");
    assert_eq!(mrkdwn::user_group("S1&"), "<!subteam^S1&amp;>");
}

#[test]
fn special_mentions_are_slacks_keywords() {
    assert_eq!(HERE, "<!here>");
    assert_eq!(CHANNEL, "<!channel>");
    assert_eq!(EVERYONE, "<!everyone>");
}

#[test]
fn dates_carry_timestamp_format_and_fallback() {
    let date = Date::new(1392734382, "{date_short}", "Feb 18, 2014");
    assert_eq!(
        date.to_string(),
        "<!date^1392734382^{date_short}|Feb 18, 2014>"
    );
}

#[test]
fn dates_may_link_somewhere() {
    let date = Date::new(
        1392734382,
        "{date_num} {time_secs}",
        "2014-02-18 6:39:42 AM",
    )
    .with_link("https://example.com/");
    assert_eq!(
        date.to_string(),
        "<!date^1392734382^{date_num} {time_secs}^https://example.com/|2014-02-18 6:39:42 AM>"
    );
}

#[test]
fn date_fallback_and_format_are_escaped_and_the_link_encoded() {
    let date = Date::new(0, "{ago} <soon>", "a & b").with_link("https://example.com/a^b|c");
    assert_eq!(
        date.to_string(),
        "<!date^0^{ago} &lt;soon&gt;^https://example.com/a%5Eb%7Cc|a &amp; b>"
    );
}

#[test]
fn dates_before_the_epoch_are_negative() {
    let date = Date::new(-86_400, "{date}", "Dec 31, 1969");
    assert_eq!(date.to_string(), "<!date^-86400^{date}|Dec 31, 1969>");
}

#[test]
fn helpers_compose_into_one_message() {
    let text = format!(
        "{HERE} {} opened {} in {}",
        mrkdwn::user("U1"),
        mrkdwn::link("https://example.com/i/7", "incident #7"),
        mrkdwn::channel("C2"),
    );
    assert_eq!(
        text,
        "<!here> <@U1> opened <https://example.com/i/7|incident #7> in <#C2>"
    );
}
