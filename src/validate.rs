//! Client-side checks of Slack's documented payload limits.
//!
//! Slack rejects some oversized payloads and silently truncates others (top-level `text` past
//! 40,000 characters). Checking before anything is sent turns both into a typed error that names
//! the JSON path and the limit, such as `blocks[3].text.text: 3,214 characters, Slack allows
//! 3,000`. Limits come from Slack's Block Kit reference and its incoming-webhook guide; lengths are
//! counted in Unicode scalar values, as Slack counts characters, never in bytes.
//!
//! The checks are deliberately limited to what Slack documents: an unknown block type or element
//! passes (only its `block_id` / `action_id` and text objects are checked), so new Slack features
//! are never blocked by an old client.

use std::fmt::{self, Write as _};
use std::marker::PhantomData;

use serde_json::{Map, Value};

use crate::message::json_type_name;

/// Top-level `text`: Slack truncates beyond this.
pub const MAX_TEXT_CHARS: usize = 40_000;
/// Blocks in one message.
pub const MAX_BLOCKS: usize = 50;
/// Attachments in one message.
pub const MAX_ATTACHMENTS: usize = 100;
/// All `markdown` blocks of one message together.
pub const MAX_MARKDOWN_TOTAL_CHARS: usize = 12_000;

/// A payload that breaks one of Slack's documented limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidationError {
    path: String,
    rule: Rule,
}

impl ValidationError {
    /// An error at the value being checked; each enclosing [`Validator::at`] puts its segment
    /// in front of the path as the error travels out.
    fn new(rule: Rule) -> Self {
        Self {
            path: String::new(),
            rule,
        }
    }

    /// Puts `segment` in front of the path, spelled as `blocks[3].text.text`.
    fn under(mut self, segment: Segment<'_>) -> Self {
        let rest = std::mem::take(&mut self.path);
        // A key is followed by a dot, unless an index or nothing follows it; an index is
        // followed by a dot only when a key follows it.
        let dot = if rest.is_empty() || rest.starts_with('[') {
            ""
        } else {
            "."
        };
        self.path = match segment {
            Segment::Key(key) => format!("{key}{dot}{rest}"),
            Segment::Index(i) => format!("[{i}]{dot}{rest}"),
        };
        self
    }

    /// The JSON path of the offending value, such as `blocks[3].text.text`; empty for the
    /// payload as a whole.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The rule that was broken.
    pub fn rule(&self) -> &Rule {
        &self.rule
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "payload: {}", self.rule)
        } else {
            write!(f, "{}: {}", self.path, self.rule)
        }
    }
}

impl std::error::Error for ValidationError {}

/// The limit a payload broke.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rule {
    /// No `text`, `blocks` or `attachments`: Slack answers `no_text`.
    NoContent,
    /// A string is longer than Slack allows.
    TooLong {
        /// Its length in characters.
        chars: usize,
        /// Slack's limit in characters.
        limit: usize,
    },
    /// A string that Slack requires to be non-empty is empty.
    Empty,
    /// A list holds more items than Slack allows.
    TooMany {
        /// How many there are.
        count: usize,
        /// Slack's limit.
        limit: usize,
    },
    /// A required field is absent.
    Missing,
    /// A value has the wrong JSON type.
    WrongType {
        /// What Slack expects, e.g. `"a string"`.
        expected: &'static str,
        /// What was found.
        found: &'static str,
    },
    /// A value is not one of the few Slack accepts.
    NotOneOf {
        /// The accepted values, e.g. `"primary or danger"`.
        allowed: &'static str,
    },
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NoContent => f.write_str("no text, blocks or attachments; Slack requires one"),
            Self::TooLong { chars, limit } => write!(
                f,
                "{} characters, Slack allows {}",
                Thousands(*chars),
                Thousands(*limit)
            ),
            Self::Empty => f.write_str("empty, Slack requires at least 1 character"),
            Self::TooMany { count, limit } => write!(
                f,
                "{} items, Slack allows {}",
                Thousands(*count),
                Thousands(*limit)
            ),
            Self::Missing => f.write_str("missing, Slack requires it"),
            Self::WrongType { expected, found } => write!(f, "expected {expected}, found {found}"),
            Self::NotOneOf { allowed } => write!(f, "must be {allowed}"),
        }
    }
}

/// Renders 12000 as `12,000`.
struct Thousands(usize);

impl fmt::Display for Thousands {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.0.to_string();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i) % 3 == 0 {
                f.write_char(',')?;
            }
            f.write_char(c)?;
        }
        Ok(())
    }
}

/// Checks a whole payload against Slack's limits.
pub fn validate(payload: &Map<String, Value>) -> Result<(), ValidationError> {
    let mut v = Validator {
        markdown_chars: 0,
        values: PhantomData,
    };
    v.payload(payload)
}

/// Counts characters as Slack does: Unicode scalar values.
fn char_len(s: &str) -> usize {
    s.chars().count()
}

#[derive(Clone, Copy)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// Walks a payload. The path to the value being checked is not kept while walking, which
/// would cost a push and a pop per value and an allocation per payload: an error collects it
/// on its way out instead, see [`ValidationError::under`].
struct Validator<'a> {
    markdown_chars: usize,
    values: PhantomData<&'a Value>,
}

impl<'a> Validator<'a> {
    fn fail(&self, rule: Rule) -> ValidationError {
        ValidationError::new(rule)
    }

    /// Runs `f` on the value at `segment`; an error from it gets `segment` in its path.
    fn at<T>(
        &mut self,
        segment: Segment<'a>,
        f: impl FnOnce(&mut Self) -> Result<T, ValidationError>,
    ) -> Result<T, ValidationError> {
        f(self).map_err(|e| e.under(segment))
    }

    fn payload(&mut self, payload: &'a Map<String, Value>) -> Result<(), ValidationError> {
        let text = payload.get("text");
        let blocks = payload.get("blocks");
        let attachments = payload.get("attachments");
        let deletes = payload.get("delete_original") == Some(&Value::Bool(true));

        if let Some(text) = text {
            self.at(Segment::Key("text"), |v| {
                v.string_max(text, MAX_TEXT_CHARS).map(drop)
            })?;
        }
        if let Some(blocks) = blocks {
            self.at(Segment::Key("blocks"), |v| v.blocks(blocks))?;
        }
        if let Some(attachments) = attachments {
            self.at(Segment::Key("attachments"), |v| v.attachments(attachments))?;
        }

        let has_text = text
            .and_then(Value::as_str)
            .is_some_and(|t| !t.trim().is_empty());
        let has_blocks = blocks
            .and_then(Value::as_array)
            .is_some_and(|b| !b.is_empty());
        let has_attachments = attachments
            .and_then(Value::as_array)
            .is_some_and(|a| !a.is_empty());
        // A response_url reply of only `delete_original: true` is valid: it deletes the source
        // message and posts nothing.
        if !has_text && !has_blocks && !has_attachments && !deletes {
            return Err(self.fail(Rule::NoContent));
        }
        Ok(())
    }

    fn attachments(&mut self, value: &'a Value) -> Result<(), ValidationError> {
        let list = self.array_max(value, MAX_ATTACHMENTS)?;
        for (i, attachment) in list.iter().enumerate() {
            self.at(Segment::Index(i), |v| {
                let object = v.object(attachment)?;
                match object.get("blocks") {
                    Some(blocks) => v.at(Segment::Key("blocks"), |v| v.blocks(blocks)),
                    None => Ok(()),
                }
            })?;
        }
        Ok(())
    }

    fn blocks(&mut self, value: &'a Value) -> Result<(), ValidationError> {
        let list = self.array_max(value, MAX_BLOCKS)?;
        for (i, block) in list.iter().enumerate() {
            self.at(Segment::Index(i), |v| v.block(block))?;
        }
        Ok(())
    }

    fn block(&mut self, value: &'a Value) -> Result<(), ValidationError> {
        let block = self.object(value)?;
        let kind = self.required_str(block, "type")?;
        self.optional_max(block, "block_id", 255)?;

        match kind {
            "section" => {
                // Slack's reference: a section needs `text`, `fields`, or both.
                if !block.contains_key("text") && !block.contains_key("fields") {
                    self.required(block, "text")?;
                }
                self.optional_text_object(block, "text", 3_000)?;
                if let Some(fields) = block.get("fields") {
                    self.at(Segment::Key("fields"), |v| {
                        let list = v.array_max(fields, 10)?;
                        for (i, field) in list.iter().enumerate() {
                            v.at(Segment::Index(i), |v| v.text_object(field, 2_000))?;
                        }
                        Ok(())
                    })?;
                }
                if let Some(accessory) = block.get("accessory") {
                    self.at(Segment::Key("accessory"), |v| v.element(accessory))?;
                }
            }
            "header" => {
                let text = self.required(block, "text")?;
                self.at(Segment::Key("text"), |v| {
                    let kind = v.text_object(text, 150)?;
                    if kind != "plain_text" {
                        return v.at(Segment::Key("type"), |v| {
                            Err(v.fail(Rule::NotOneOf {
                                allowed: "plain_text",
                            }))
                        });
                    }
                    Ok(())
                })?;
            }
            "context" => {
                let elements = self.required(block, "elements")?;
                self.at(Segment::Key("elements"), |v| {
                    let list = v.array_max(elements, 10)?;
                    for (i, element) in list.iter().enumerate() {
                        v.at(Segment::Index(i), |v| v.context_element(element))?;
                    }
                    Ok(())
                })?;
            }
            "actions" => {
                let elements = self.required(block, "elements")?;
                self.at(Segment::Key("elements"), |v| {
                    let list = v.array_max(elements, 25)?;
                    for (i, element) in list.iter().enumerate() {
                        v.at(Segment::Index(i), |v| v.element(element))?;
                    }
                    Ok(())
                })?;
            }
            "image" => {
                self.image_source(block)?;
                self.optional_text_object(block, "title", 2_000)?;
            }
            "input" => {
                let label = self.required(block, "label")?;
                self.at(Segment::Key("label"), |v| {
                    v.text_object(label, 2_000).map(drop)
                })?;
                self.optional_text_object(block, "hint", 2_000)?;
                if let Some(element) = block.get("element") {
                    self.at(Segment::Key("element"), |v| v.element(element))?;
                }
            }
            "markdown" => {
                let text = self.required(block, "text")?;
                let chars = self.at(Segment::Key("text"), |v| v.string(text).map(char_len))?;
                self.markdown_chars += chars;
                if self.markdown_chars > MAX_MARKDOWN_TOTAL_CHARS {
                    return self.at(Segment::Key("text"), |v| {
                        Err(v.fail(Rule::TooLong {
                            chars: v.markdown_chars,
                            limit: MAX_MARKDOWN_TOTAL_CHARS,
                        }))
                    });
                }
            }
            "video" => {
                self.optional_text_object(block, "title", 200)?;
                self.optional_text_object(block, "description", 200)?;
                self.optional_max(block, "author_name", 50)?;
            }
            "table" => {
                // Slack's table block reference: at most 100 rows of at most 20 cells, and at
                // most 20 column settings.
                let rows = self.required(block, "rows")?;
                self.at(Segment::Key("rows"), |v| {
                    let list = v.array_max(rows, 100)?;
                    for (i, row) in list.iter().enumerate() {
                        v.at(Segment::Index(i), |v| v.array_max(row, 20).map(drop))?;
                    }
                    Ok(())
                })?;
                if let Some(settings) = block.get("column_settings") {
                    self.at(Segment::Key("column_settings"), |v| {
                        v.array_max(settings, 20).map(drop)
                    })?;
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn element(&mut self, value: &'a Value) -> Result<(), ValidationError> {
        let element = self.object(value)?;
        let kind = self.required_str(element, "type")?;
        self.optional_max(element, "action_id", 255)?;
        self.optional_text_object(element, "placeholder", 150)?;
        self.optional_confirm(element)?;

        match kind {
            "button" => {
                let text = self.required(element, "text")?;
                self.at(Segment::Key("text"), |v| v.text_object(text, 75).map(drop))?;
                self.optional_max(element, "value", 2_000)?;
                self.optional_max(element, "url", 3_000)?;
                self.optional_max(element, "accessibility_label", 75)?;
                if let Some(style) = element.get("style") {
                    self.at(Segment::Key("style"), |v| match v.string(style)? {
                        "primary" | "danger" => Ok(()),
                        _ => Err(v.fail(Rule::NotOneOf {
                            allowed: "primary or danger",
                        })),
                    })?;
                }
            }
            "overflow" => self.options(element, 5)?,
            // Slack's checkboxes and radio buttons references: at most 10 options.
            "checkboxes" | "radio_buttons" => self.options(element, 10)?,
            kind if kind.ends_with("select") => self.options(element, 100)?,
            "image" => self.image_source(element)?,
            _ => {}
        }
        Ok(())
    }

    /// A context element is a text object or an image element.
    fn context_element(&mut self, value: &'a Value) -> Result<(), ValidationError> {
        match value.get("type").and_then(Value::as_str) {
            Some("plain_text" | "mrkdwn") => self.text_object(value, 3_000).map(drop),
            _ => self.element(value),
        }
    }

    /// The picture of an image block or element: an `image_url`, unless a `slack_file` stands in
    /// for it, and the required `alt_text`.
    fn image_source(&mut self, image: &'a Map<String, Value>) -> Result<(), ValidationError> {
        if image.get("slack_file").is_none() {
            self.required_max(image, "image_url", 3_000)?;
        } else {
            self.optional_max(image, "image_url", 3_000)?;
        }
        self.required_max(image, "alt_text", 2_000)
    }

    fn options(
        &mut self,
        element: &'a Map<String, Value>,
        limit: usize,
    ) -> Result<(), ValidationError> {
        if let Some(options) = element.get("options") {
            self.at(Segment::Key("options"), |v| v.option_list(options, limit))?;
        }
        if let Some(groups) = element.get("option_groups") {
            self.at(Segment::Key("option_groups"), |v| {
                let list = v.array_max(groups, 100)?;
                for (i, group) in list.iter().enumerate() {
                    v.at(Segment::Index(i), |v| {
                        let group = v.object(group)?;
                        v.optional_text_object(group, "label", 75)?;
                        match group.get("options") {
                            Some(options) => {
                                v.at(Segment::Key("options"), |v| v.option_list(options, 100))
                            }
                            None => Ok(()),
                        }
                    })?;
                }
                Ok(())
            })?;
        }
        Ok(())
    }

    fn option_list(&mut self, value: &'a Value, limit: usize) -> Result<(), ValidationError> {
        let list = self.array_max(value, limit)?;
        for (i, option) in list.iter().enumerate() {
            self.at(Segment::Index(i), |v| {
                let option = v.object(option)?;
                let text = v.required(option, "text")?;
                v.at(Segment::Key("text"), |v| v.text_object(text, 75).map(drop))?;
                v.optional_max(option, "value", 150)?;
                v.optional_text_object(option, "description", 75)
            })?;
        }
        Ok(())
    }

    fn optional_confirm(&mut self, element: &'a Map<String, Value>) -> Result<(), ValidationError> {
        let Some(confirm) = element.get("confirm") else {
            return Ok(());
        };
        self.at(Segment::Key("confirm"), |v| {
            let confirm = v.object(confirm)?;
            v.optional_text_object(confirm, "title", 100)?;
            v.optional_text_object(confirm, "text", 300)?;
            v.optional_text_object(confirm, "confirm", 30)?;
            v.optional_text_object(confirm, "deny", 30)
        })
    }

    /// Checks a text object (`{"type": "plain_text"|"mrkdwn", "text": …}`) and returns its type.
    /// A bare string is accepted where Slack takes a string (`alt_text`, attachment fields).
    fn text_object(&mut self, value: &'a Value, limit: usize) -> Result<&'a str, ValidationError> {
        let object = self.object(value)?;
        let kind = self.required_str(object, "type")?;
        let text = self.required(object, "text")?;
        self.at(Segment::Key("text"), |v| {
            if v.string_max(text, limit.min(3_000))?.is_empty() {
                return Err(v.fail(Rule::Empty));
            }
            Ok(())
        })?;
        Ok(kind)
    }

    fn optional_text_object(
        &mut self,
        object: &'a Map<String, Value>,
        key: &'a str,
        limit: usize,
    ) -> Result<(), ValidationError> {
        match object.get(key) {
            Some(value) => self.at(Segment::Key(key), |v| v.text_object(value, limit).map(drop)),
            None => Ok(()),
        }
    }

    fn required(
        &self,
        object: &'a Map<String, Value>,
        key: &'a str,
    ) -> Result<&'a Value, ValidationError> {
        object
            .get(key)
            .ok_or_else(|| ValidationError::new(Rule::Missing).under(Segment::Key(key)))
    }

    fn required_str(
        &mut self,
        object: &'a Map<String, Value>,
        key: &'a str,
    ) -> Result<&'a str, ValidationError> {
        let value = self.required(object, key)?;
        self.at(Segment::Key(key), |v| v.string(value))
    }

    fn required_max(
        &mut self,
        object: &'a Map<String, Value>,
        key: &'a str,
        limit: usize,
    ) -> Result<(), ValidationError> {
        let value = self.required(object, key)?;
        self.at(Segment::Key(key), |v| v.string_max(value, limit).map(drop))
    }

    fn optional_max(
        &mut self,
        object: &'a Map<String, Value>,
        key: &'a str,
        limit: usize,
    ) -> Result<(), ValidationError> {
        match object.get(key) {
            Some(value) => self.at(Segment::Key(key), |v| v.string_max(value, limit).map(drop)),
            None => Ok(()),
        }
    }

    fn string(&self, value: &'a Value) -> Result<&'a str, ValidationError> {
        value.as_str().ok_or_else(|| {
            self.fail(Rule::WrongType {
                expected: "a string",
                found: json_type_name(value),
            })
        })
    }

    /// Checks that a value is a string of at most `limit` characters.
    fn string_max(&self, value: &'a Value, limit: usize) -> Result<&'a str, ValidationError> {
        let s = self.string(value)?;
        // A string of at most `limit` bytes has at most `limit` characters: skip the count.
        if s.len() <= limit {
            return Ok(s);
        }
        let chars = char_len(s);
        if chars > limit {
            return Err(self.fail(Rule::TooLong { chars, limit }));
        }
        Ok(s)
    }

    fn object(&self, value: &'a Value) -> Result<&'a Map<String, Value>, ValidationError> {
        value.as_object().ok_or_else(|| {
            self.fail(Rule::WrongType {
                expected: "an object",
                found: json_type_name(value),
            })
        })
    }

    fn array_max(&self, value: &'a Value, limit: usize) -> Result<&'a [Value], ValidationError> {
        let list = value.as_array().ok_or_else(|| {
            self.fail(Rule::WrongType {
                expected: "an array",
                found: json_type_name(value),
            })
        })?;
        if list.len() > limit {
            return Err(self.fail(Rule::TooMany {
                count: list.len(),
                limit,
            }));
        }
        Ok(list)
    }
}
