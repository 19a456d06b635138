//! Slash commands and interactive payloads, parsed from the form bodies Slack posts.

use slackhook::UrlError;
use slackhook::interaction::{InteractionError, InteractionPayload, SlashCommand};

// The body of Slack's request-signing example: a real slash command.
const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow\
    &channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner\
    &command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands\
    %2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN\
    &trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";

const RESPONSE_URL: &str = "https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F2%2Fsecret-path";

fn command(body: &str) -> Result<SlashCommand, InteractionError> {
    SlashCommand::from_form(body.as_bytes())
}

fn minimal(extra: &str) -> String {
    format!("command=%2Fdeploy&response_url={RESPONSE_URL}{extra}")
}

/// Form-encodes a JSON payload the way Slack does.
fn payload_form(json: &str) -> String {
    form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", json)
        .finish()
}

fn payload(json: &str) -> Result<InteractionPayload, InteractionError> {
    InteractionPayload::from_form(payload_form(json).as_bytes())
}

#[test]
fn slacks_example_body_parses_into_a_slash_command() {
    let parsed = command(BODY).expect("valid command");

    assert_eq!(parsed.command(), "/webhook-collect");
    assert_eq!(parsed.text(), "");
    assert_eq!(
        parsed.response_url().expose_secret(),
        "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN"
    );
    assert_eq!(parsed.user_id(), "U2CERLKJA");
    assert_eq!(parsed.user_name(), "roadrunner");
    assert_eq!(parsed.channel_id(), "G8PSS9T3V");
    assert_eq!(parsed.channel_name(), "foobar");
    assert_eq!(parsed.team_id(), "T1DC2JH3J");
    assert_eq!(parsed.team_domain(), "testteamnow");
    assert_eq!(parsed.enterprise_id(), None);
    assert_eq!(
        parsed.trigger_id(),
        "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    );
    assert_eq!(parsed.api_app_id(), None);
}

#[test]
fn optional_fields_are_read_when_present() {
    let parsed = command(&minimal("&enterprise_id=E0001&api_app_id=A0002")).expect("valid");
    assert_eq!(parsed.enterprise_id(), Some("E0001"));
    assert_eq!(parsed.api_app_id(), Some("A0002"));
}

#[test]
fn empty_optional_fields_read_as_absent() {
    let parsed = command(&minimal("&enterprise_id=&api_app_id=")).expect("valid");
    assert_eq!(parsed.enterprise_id(), None);
    assert_eq!(parsed.api_app_id(), None);
}

#[test]
fn fields_slack_always_sends_read_as_empty_when_absent() {
    let parsed = command(&minimal("")).expect("valid");
    assert_eq!(parsed.command(), "/deploy");
    assert_eq!(parsed.text(), "");
    assert_eq!(parsed.user_id(), "");
    assert_eq!(parsed.trigger_id(), "");
}

#[test]
fn unknown_fields_are_ignored() {
    let body = minimal("&is_enterprise_install=false&enterprise_name=Acme&future_field=%FF%FE&&=x");
    let parsed = command(&body).expect("unknown fields do not matter");
    assert_eq!(parsed.command(), "/deploy");
}

#[test]
fn plus_and_percent_escapes_decode() {
    let body = minimal("&text=ship+it+%E2%9C%85+to+%3Cprod%3E+%26+more%2B1");
    let parsed = command(&body).expect("valid");
    assert_eq!(parsed.text(), "ship it ✅ to <prod> & more+1");
}

#[test]
fn field_order_does_not_matter() {
    let body = format!("text=hi&response_url={RESPONSE_URL}&user_id=U1&command=%2Fdeploy");
    let parsed = command(&body).expect("valid");
    assert_eq!(parsed.text(), "hi");
    assert_eq!(parsed.user_id(), "U1");
}

#[test]
fn debug_hides_the_response_url_text_and_token() {
    let body = format!("{BODY}&text=my+password+is+hunter2");
    let body = body.replacen("&text=&", "&", 1);
    let parsed = command(&body).expect("valid");

    let shown = format!("{parsed:?}");
    assert!(!shown.contains("96rGlfmibIGlgcZRskXaIFfN"), "{shown}");
    assert!(!shown.contains("397700885554"), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(!shown.contains("xyzz0WbapA4vBCDEFasx0q6G"), "{shown}");
    assert!(shown.contains("/webhook-collect"), "{shown}");
    assert!(shown.contains("U2CERLKJA"), "{shown}");
}

#[test]
fn a_missing_command_is_named() {
    let body = format!("text=hi&response_url={RESPONSE_URL}");
    assert_eq!(
        command(&body),
        Err(InteractionError::MissingField { name: "command" })
    );
    assert_eq!(
        command(""),
        Err(InteractionError::MissingField { name: "command" })
    );
}

#[test]
fn a_missing_response_url_is_named() {
    assert_eq!(
        command("command=%2Fdeploy&text=hi"),
        Err(InteractionError::MissingField {
            name: "response_url"
        })
    );
}

#[test]
fn a_command_without_its_slash_is_invalid() {
    for bad in ["deploy", "%2F", "%2Fde+ploy", ""] {
        let body = format!("command={bad}&response_url={RESPONSE_URL}");
        assert!(
            matches!(
                command(&body),
                Err(InteractionError::InvalidField {
                    name: "command",
                    ..
                })
            ),
            "{bad:?}"
        );
    }
}

#[test]
fn an_unusable_response_url_is_a_url_error_that_hides_the_url() {
    let body =
        "command=%2Fdeploy&response_url=http%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F2%2Fleaky";
    let err = command(body).expect_err("plain http to slack");
    assert_eq!(
        err,
        InteractionError::InvalidResponseUrl(UrlError::InsecureScheme)
    );
    assert!(!err.to_string().contains("leaky"), "{err}");
    assert!(!format!("{err:?}").contains("leaky"), "{err:?}");

    let source = std::error::Error::source(&err).expect("wraps the url error");
    assert_eq!(source.to_string(), UrlError::InsecureScheme.to_string());

    assert_eq!(
        command("command=%2Fdeploy&response_url="),
        Err(InteractionError::InvalidResponseUrl(UrlError::Empty))
    );
}

#[test]
fn a_body_that_is_not_utf8_is_rejected() {
    let mut body = minimal("&text=").into_bytes();
    body.push(0xff);
    assert_eq!(
        SlashCommand::from_form(&body),
        Err(InteractionError::NotUtf8)
    );
    assert_eq!(
        InteractionPayload::from_form(b"payload=\xc3\x28"),
        Err(InteractionError::NotUtf8)
    );
}

#[test]
fn escapes_that_decode_to_invalid_utf8_are_rejected() {
    assert_eq!(
        command(&minimal("&text=caf%E9")),
        Err(InteractionError::InvalidField {
            name: "text",
            reason: "percent-escapes that are not utf-8"
        })
    );
}

#[test]
fn an_escaped_replacement_character_is_kept() {
    let parsed = command(&minimal("&text=%EF%BF%BD")).expect("valid utf-8");
    assert_eq!(parsed.text(), "\u{FFFD}");
}

#[test]
fn a_json_body_is_not_a_form() {
    assert_eq!(
        command(r#"{"command":"/deploy"}"#),
        Err(InteractionError::NotAForm)
    );
    assert_eq!(
        InteractionPayload::from_form(b"  [1]"),
        Err(InteractionError::NotAForm)
    );
}

#[test]
fn a_repeated_field_is_rejected() {
    assert_eq!(
        command(&minimal("&command=%2Fother")),
        Err(InteractionError::DuplicateField { name: "command" })
    );
}

#[test]
fn block_actions_expose_their_kind_response_url_and_json() {
    let parsed = payload(
        r#"{"type":"block_actions","user":{"id":"U1"},
            "response_url":"https://hooks.slack.com/actions/T1/2/secret-path",
            "actions":[{"action_id":"approve","value":"42"}]}"#,
    )
    .expect("valid payload");

    assert_eq!(parsed.kind(), "block_actions");
    assert_eq!(
        parsed.response_url().map(|url| url.expose_secret()),
        Some("https://hooks.slack.com/actions/T1/2/secret-path")
    );
    assert_eq!(parsed.json()["actions"][0]["value"], "42");
    assert_eq!(parsed.clone().into_json()["user"]["id"], "U1");
}

#[test]
fn view_submissions_take_the_first_of_their_response_urls() {
    let parsed = payload(
        r#"{"type":"view_submission","response_urls":[
            {"block_id":"b","action_id":"a","channel_id":"C1",
             "response_url":"https://hooks.slack.com/app/T1/first/secret"},
            {"response_url":"https://hooks.slack.com/app/T1/second/secret"}]}"#,
    )
    .expect("valid payload");

    assert_eq!(parsed.kind(), "view_submission");
    assert_eq!(
        parsed.response_url().map(|url| url.expose_secret()),
        Some("https://hooks.slack.com/app/T1/first/secret")
    );
}

#[test]
fn payloads_without_a_response_url_have_none() {
    for json in [
        r#"{"type":"shortcut"}"#,
        r#"{"type":"view_submission","response_urls":[]}"#,
        r#"{"type":"block_actions","response_url":null}"#,
    ] {
        let parsed = payload(json).expect(json);
        assert_eq!(parsed.response_url(), None, "{json}");
    }
}

#[test]
fn payload_debug_hides_the_json_and_the_response_url() {
    let parsed = payload(
        r#"{"type":"block_actions","token":"legacy-token",
            "response_url":"https://hooks.slack.com/actions/T1/2/secret-path",
            "state":{"values":{"typed":"private words"}}}"#,
    )
    .expect("valid payload");

    let shown = format!("{parsed:?}");
    assert!(shown.contains("block_actions"), "{shown}");
    for hidden in ["secret-path", "legacy-token", "private words"] {
        assert!(!shown.contains(hidden), "{shown}");
    }
}

#[test]
fn a_form_without_a_payload_is_rejected() {
    assert_eq!(
        InteractionPayload::from_form(b"command=%2Fdeploy"),
        Err(InteractionError::MissingPayload)
    );
    assert_eq!(
        InteractionPayload::from_form(b""),
        Err(InteractionError::MissingPayload)
    );
}

#[test]
fn a_payload_that_is_not_json_is_rejected_without_quoting_it() {
    let err = payload(r#"{"type": "block_actions", secret-stuff"#).expect_err("not json");
    assert!(
        matches!(
            err,
            InteractionError::InvalidPayloadJson {
                line: 1,
                reason: "syntax error",
                ..
            }
        ),
        "{err:?}"
    );
    assert!(!err.to_string().contains("secret-stuff"), "{err}");

    let err = payload(r#"{"type": "#).expect_err("truncated");
    assert!(
        matches!(
            err,
            InteractionError::InvalidPayloadJson {
                reason: "unexpected end of input",
                ..
            }
        ),
        "{err:?}"
    );
}

#[test]
fn a_payload_that_is_not_an_object_is_rejected() {
    assert_eq!(
        payload(r#"["block_actions"]"#),
        Err(InteractionError::PayloadNotAnObject)
    );
    assert_eq!(payload("42"), Err(InteractionError::PayloadNotAnObject));
}

#[test]
fn a_payload_without_a_type_is_rejected() {
    assert_eq!(
        payload(r#"{"response_url":"https://hooks.slack.com/actions/T1/2/x"}"#),
        Err(InteractionError::MissingField { name: "type" })
    );
    assert_eq!(
        payload(r#"{"type":7}"#),
        Err(InteractionError::InvalidField {
            name: "type",
            reason: "not a string"
        })
    );
}

#[test]
fn a_payload_response_url_of_the_wrong_shape_is_rejected() {
    assert!(matches!(
        payload(r#"{"type":"block_actions","response_url":5}"#),
        Err(InteractionError::InvalidField {
            name: "response_url",
            ..
        })
    ));
    assert!(matches!(
        payload(r#"{"type":"view_submission","response_urls":"nope"}"#),
        Err(InteractionError::InvalidField {
            name: "response_urls",
            ..
        })
    ));
    assert!(matches!(
        payload(r#"{"type":"view_submission","response_urls":[{"channel_id":"C1"}]}"#),
        Err(InteractionError::InvalidField {
            name: "response_urls",
            ..
        })
    ));
}

#[test]
fn an_unusable_payload_response_url_hides_the_url() {
    let err =
        payload(r#"{"type":"block_actions","response_url":"ftp://hooks.slack.com/a/secret"}"#)
            .expect_err("ftp");
    assert_eq!(
        err,
        InteractionError::InvalidResponseUrl(UrlError::UnsupportedScheme)
    );
    assert!(!err.to_string().contains("secret"), "{err}");
}

#[test]
fn a_repeated_payload_is_rejected() {
    let body = format!("{}&{}", payload_form("{}"), payload_form("{}"));
    assert_eq!(
        InteractionPayload::from_form(body.as_bytes()),
        Err(InteractionError::DuplicateField { name: "payload" })
    );
}

#[test]
fn every_error_has_a_short_lowercase_message() {
    let errors = [
        InteractionError::NotUtf8,
        InteractionError::NotAForm,
        InteractionError::MissingField { name: "command" },
        InteractionError::DuplicateField { name: "command" },
        InteractionError::InvalidField {
            name: "command",
            reason: "not a slash command name like /deploy",
        },
        InteractionError::InvalidResponseUrl(UrlError::Empty),
        InteractionError::MissingPayload,
        InteractionError::InvalidPayloadJson {
            line: 1,
            column: 2,
            reason: "syntax error",
        },
        InteractionError::PayloadNotAnObject,
    ];
    for err in errors {
        let message = err.to_string();
        assert!(!message.is_empty());
        assert!(message.len() < 120, "{message}");
        assert_eq!(message, message.to_lowercase(), "{message}");
    }
}
