//! Client-side checks of Slack's documented payload limits.
//!
//! Slack rejects some oversized payloads and silently truncates others (top-level `text` past
//! 40,000 characters). Checking before anything is sent turns both into a typed error that names
//! the JSON path and the limit, such as `blocks[3].text.text: 3,214 characters, Slack allows
//! 3,000`. Limits come from Slack's Block Kit reference and its incoming-webhook guide; lengths are
//! counted in Unicode scalar values, as Slack counts characters, never in bytes.
//!
//! [`Webhook::send`](crate::Webhook::send) checks a payload in the same walk that serializes it,
//! so that each value is read once; [`validate`] checks without serializing.
//!
//! The checks are deliberately limited to what Slack documents: an unknown block type or element
//! passes (only its `block_id` / `action_id` and text objects are checked), so new Slack features
//! are never blocked by an old client.

use std::fmt::{self, Write as _};

use serde_json::{Map, Value};

use crate::json;
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
    /// An error at the value being checked; each enclosing object or array of the walk puts
    /// its key or index in front of the path as the error travels out.
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
    /// A number is below the least Slack accepts.
    TooSmall {
        /// The least whole number Slack accepts.
        minimum: u64,
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
            Self::TooSmall { minimum } => {
                write!(f, "must be a whole number of at least {minimum}")
            }
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
///
/// When there are several violations, the one reported is the first found: a block's or an
/// element's `type` first, then the entries of each object in the order they are written, then
/// the fields that object lacks.
pub fn validate(payload: &Map<String, Value>) -> Result<(), ValidationError> {
    Walk::new(&mut Discard).payload(payload)
}

/// Checks a payload and serializes it in the same walk, as [`validate`] and then
/// `serde_json::to_vec` would, byte for byte, but reading each value once.
pub(crate) fn to_vec_validated(payload: &Map<String, Value>) -> Result<Vec<u8>, ValidationError> {
    let mut out = Vec::with_capacity(128);
    Walk::new(&mut out).payload(payload)?;
    Ok(out)
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

/// Where the walk writes the payload's JSON.
trait Sink {
    /// Punctuation: brackets, braces, commas.
    fn punct(&mut self, byte: u8);
    /// An object key and the colon after it.
    fn key(&mut self, key: &str);
    /// A value that is written out unchecked, whole.
    fn value(&mut self, value: &Value);
}

/// Serializes exactly as `serde_json::to_vec` does, byte for byte (see [`json`]).
impl Sink for Vec<u8> {
    fn punct(&mut self, byte: u8) {
        self.push(byte);
    }

    fn key(&mut self, key: &str) {
        json::write_str(self, key);
        self.push(b':');
    }

    fn value(&mut self, value: &Value) {
        json::write_value(self, value);
    }
}

/// Checks only: nothing is written, and unchecked values are not even visited.
struct Discard;

impl Sink for Discard {
    fn punct(&mut self, _: u8) {}
    fn key(&mut self, _: &str) {}
    fn value(&mut self, _: &Value) {}
}

/// One walk over a payload that checks each value against the rule for its place and writes it
/// to the sink.
///
/// Each object is read once, entry by entry, in the order it is written; only an object whose
/// rules depend on its `type` (a block, an element) looks that up first. Required fields are
/// noted on the way and checked at the end of their object. The path to the value being checked
/// is not kept while walking, which would cost a push and a pop per value: an error collects it
/// on its way out instead, see [`ValidationError::under`].
struct Walk<'o, S> {
    out: &'o mut S,
    markdown_chars: usize,
}

type Checked = Result<(), ValidationError>;

impl<'o, S: Sink> Walk<'o, S> {
    fn new(out: &'o mut S) -> Self {
        Self {
            out,
            markdown_chars: 0,
        }
    }

    fn payload(&mut self, payload: &Map<String, Value>) -> Checked {
        let mut has_text = false;
        let mut has_blocks = false;
        let mut has_attachments = false;
        let mut deletes = false;
        self.object(payload, |w, key, value| match key {
            "text" => {
                let text = string_max(value, MAX_TEXT_CHARS)?;
                has_text = !text.trim().is_empty();
                w.out.value(value);
                Ok(())
            }
            "blocks" => {
                has_blocks = value.as_array().is_some_and(|b| !b.is_empty());
                w.blocks(value)
            }
            "attachments" => {
                has_attachments = value.as_array().is_some_and(|a| !a.is_empty());
                w.list(value, MAX_ATTACHMENTS, |w, attachment| {
                    w.object(as_object(attachment)?, |w, key, value| match key {
                        "blocks" => w.blocks(value),
                        _ => w.unchecked(value),
                    })
                })
            }
            "delete_original" => {
                deletes = *value == Value::Bool(true);
                w.unchecked(value)
            }
            _ => w.unchecked(value),
        })?;
        // A response_url reply of only `delete_original: true` is valid: it deletes the source
        // message and posts nothing.
        if !has_text && !has_blocks && !has_attachments && !deletes {
            return Err(ValidationError::new(Rule::NoContent));
        }
        Ok(())
    }

    fn blocks(&mut self, value: &Value) -> Checked {
        self.list(value, MAX_BLOCKS, Self::block)
    }

    fn block(&mut self, value: &Value) -> Checked {
        let block = as_object(value)?;
        match kind_of(block)? {
            "section" => self.section(block),
            "header" => {
                let mut text = false;
                self.object(block, |w, key, value| match key {
                    "text" => {
                        text = true;
                        w.plain_text(value, 150)
                    }
                    _ => w.block_entry(key, value),
                })?;
                require(text, "text")
            }
            "context" => self.block_list(block, "elements", 10, Self::context_element),
            "actions" => self.block_list(block, "elements", 25, Self::element),
            "image" => {
                let mut image = ImageSource::default();
                self.object(block, |w, key, value| match key {
                    "title" => w.text_object(value, 2_000).map(drop),
                    _ if image.note(key) => w.image_entry(key, value),
                    _ => w.block_entry(key, value),
                })?;
                image.check()
            }
            "input" => {
                let mut label = false;
                self.object(block, |w, key, value| match key {
                    "label" => {
                        label = true;
                        w.text_object(value, 2_000).map(drop)
                    }
                    "hint" => w.text_object(value, 2_000).map(drop),
                    "element" => w.element(value),
                    _ => w.block_entry(key, value),
                })?;
                require(label, "label")
            }
            "markdown" => {
                let mut text = false;
                self.object(block, |w, key, value| match key {
                    "text" => {
                        text = true;
                        w.markdown_text(value)
                    }
                    _ => w.block_entry(key, value),
                })?;
                require(text, "text")
            }
            "video" => {
                let mut video = VideoFields::default();
                self.object(block, |w, key, value| match key {
                    "title" => {
                        video.note(key);
                        w.plain_text(value, 200)
                    }
                    "description" => w.plain_text(value, 200),
                    "author_name" => w.string_max(value, 50),
                    "video_url" | "thumbnail_url" | "alt_text" => {
                        video.note(key);
                        as_str(value)?;
                        w.unchecked(value)
                    }
                    _ => w.block_entry(key, value),
                })?;
                video.check()
            }
            // Slack's table block reference: at most 100 rows of at most 20 cells, and at most
            // 20 column settings.
            "table" => {
                let mut rows = false;
                self.object(block, |w, key, value| match key {
                    "rows" => {
                        rows = true;
                        w.list(value, 100, |w, row| w.list(row, 20, Self::unchecked))
                    }
                    "column_settings" => w.list(value, 20, Self::unchecked),
                    _ => w.block_entry(key, value),
                })?;
                require(rows, "rows")
            }
            _ => self.object(block, Self::block_entry),
        }
    }

    /// A section needs `text`, `fields`, or both.
    fn section(&mut self, block: &Map<String, Value>) -> Checked {
        let mut text = false;
        let mut fields = false;
        self.object(block, |w, key, value| match key {
            "text" => {
                text = true;
                w.text_object(value, 3_000).map(drop)
            }
            "fields" => {
                fields = true;
                w.list(value, 10, |w, field| w.text_object(field, 2_000).map(drop))
            }
            "accessory" => w.element(value),
            _ => w.block_entry(key, value),
        })?;
        require(text || fields, "text")
    }

    /// A block made of a required list, such as the elements of a context or actions block.
    fn block_list(
        &mut self,
        block: &Map<String, Value>,
        name: &'static str,
        limit: usize,
        item: fn(&mut Self, &Value) -> Checked,
    ) -> Checked {
        let mut found = false;
        self.object(block, |w, key, value| {
            if key == name {
                found = true;
                w.list(value, limit, item)
            } else {
                w.block_entry(key, value)
            }
        })?;
        require(found, name)
    }

    /// An entry every block may have.
    fn block_entry(&mut self, key: &str, value: &Value) -> Checked {
        match key {
            "block_id" => self.string_max(value, 255),
            _ => self.unchecked(value),
        }
    }

    /// A `markdown` block's text: all of a message's markdown blocks share one limit.
    fn markdown_text(&mut self, value: &Value) -> Checked {
        self.markdown_chars += char_len(as_str(value)?);
        if self.markdown_chars > MAX_MARKDOWN_TOTAL_CHARS {
            return Err(ValidationError::new(Rule::TooLong {
                chars: self.markdown_chars,
                limit: MAX_MARKDOWN_TOTAL_CHARS,
            }));
        }
        self.out.value(value);
        Ok(())
    }

    fn element(&mut self, value: &Value) -> Checked {
        let element = as_object(value)?;
        let kind = kind_of(element)?;
        self.element_of_kind(element, kind)
    }

    fn element_of_kind(&mut self, element: &Map<String, Value>, kind: &str) -> Checked {
        match kind {
            "button" => {
                let mut text = false;
                self.object(element, |w, key, value| match key {
                    "text" => {
                        text = true;
                        w.text_object(value, 75).map(drop)
                    }
                    "value" => w.string_max(value, 2_000),
                    "url" => w.string_max(value, 3_000),
                    "accessibility_label" => w.string_max(value, 75),
                    "style" => match as_str(value)? {
                        "primary" | "danger" => w.unchecked(value),
                        _ => Err(ValidationError::new(Rule::NotOneOf {
                            allowed: "primary or danger",
                        })),
                    },
                    _ => w.element_entry(key, value),
                })?;
                require(text, "text")
            }
            "overflow" => self.with_options(element, 5),
            // Slack's checkboxes and radio buttons references: at most 10 options.
            "checkboxes" | "radio_buttons" => self.with_options(element, 10),
            kind if kind.ends_with("select") => self.with_options(element, 100),
            "image" => {
                let mut image = ImageSource::default();
                self.object(element, |w, key, value| {
                    if image.note(key) {
                        w.image_entry(key, value)
                    } else {
                        w.element_entry(key, value)
                    }
                })?;
                image.check()
            }
            _ => self.object(element, Self::element_entry),
        }
    }

    /// An entry every interactive element may have.
    fn element_entry(&mut self, key: &str, value: &Value) -> Checked {
        match key {
            "action_id" => self.string_max(value, 255),
            "placeholder" => self.text_object(value, 150).map(drop),
            "confirm" => self.object(as_object(value)?, |w, key, value| match key {
                "title" => w.text_object(value, 100).map(drop),
                "text" => w.text_object(value, 300).map(drop),
                "confirm" | "deny" => w.text_object(value, 30).map(drop),
                _ => w.unchecked(value),
            }),
            _ => self.unchecked(value),
        }
    }

    /// A context element is a text object or an image element.
    fn context_element(&mut self, value: &Value) -> Checked {
        let object = as_object(value)?;
        match type_entry(object).and_then(Value::as_str) {
            Some("plain_text" | "mrkdwn") => self.text_object(value, 3_000).map(drop),
            _ => self.element_of_kind(object, kind_of(object)?),
        }
    }

    /// The `image_url`, `alt_text` and `slack_file` of an image block or element.
    fn image_entry(&mut self, key: &str, value: &Value) -> Checked {
        match key {
            "image_url" => self.string_max(value, 3_000),
            "alt_text" => self.string_max(value, 2_000),
            _ => self.unchecked(value),
        }
    }

    /// A menu's `options` (at most `limit`), `option_groups`, and for a multi-select the
    /// `max_selected_items`.
    fn with_options(&mut self, element: &Map<String, Value>, limit: usize) -> Checked {
        self.object(element, |w, key, value| match key {
            "options" => w.list(value, limit, Self::option),
            "max_selected_items" => {
                if value.as_u64().is_some_and(|max| max >= 1) {
                    return w.unchecked(value);
                }
                if !value.is_number() {
                    return Err(wrong_type("a number", value));
                }
                Err(ValidationError::new(Rule::TooSmall { minimum: 1 }))
            }
            "option_groups" => w.list(value, 100, |w, group| {
                w.object(as_object(group)?, |w, key, value| match key {
                    "label" => w.text_object(value, 75).map(drop),
                    "options" => w.list(value, 100, Self::option),
                    _ => w.unchecked(value),
                })
            }),
            _ => w.element_entry(key, value),
        })
    }

    fn option(&mut self, value: &Value) -> Checked {
        let mut text = false;
        self.object(as_object(value)?, |w, key, value| match key {
            "text" => {
                text = true;
                w.text_object(value, 75).map(drop)
            }
            "value" => w.string_max(value, 150),
            "description" => w.text_object(value, 75).map(drop),
            _ => w.unchecked(value),
        })?;
        require(text, "text")
    }

    /// Checks a text object that Slack requires to be `plain_text`.
    fn plain_text(&mut self, value: &Value, limit: usize) -> Checked {
        if self.text_object(value, limit)? == "plain_text" {
            return Ok(());
        }
        let rule = Rule::NotOneOf {
            allowed: "plain_text",
        };
        Err(ValidationError::new(rule).under(Segment::Key("type")))
    }

    /// Checks a text object (`{"type": "plain_text"|"mrkdwn", "text": …}`) and returns its type.
    fn text_object<'v>(
        &mut self,
        value: &'v Value,
        limit: usize,
    ) -> Result<&'v str, ValidationError> {
        let object = as_object(value)?;
        let mut kind = None;
        let mut text = false;
        self.object(object, |w, key, value| match key {
            "type" => {
                kind = Some(as_str(value)?);
                w.unchecked(value)
            }
            "text" => {
                text = true;
                if string_max(value, limit.min(3_000))?.is_empty() {
                    return Err(ValidationError::new(Rule::Empty));
                }
                w.unchecked(value)
            }
            _ => w.unchecked(value),
        })?;
        let kind = kind.ok_or_else(|| missing("type"))?;
        require(text, "text")?;
        Ok(kind)
    }

    /// Writes an object, checking each entry with `entry`; an error gets the entry's key in its
    /// path.
    fn object<'v>(
        &mut self,
        object: &'v Map<String, Value>,
        mut entry: impl FnMut(&mut Self, &'v str, &'v Value) -> Checked,
    ) -> Checked {
        self.out.punct(b'{');
        for (i, (key, value)) in object.iter().enumerate() {
            if i > 0 {
                self.out.punct(b',');
            }
            self.out.key(key);
            entry(self, key, value).map_err(|e| e.under(Segment::Key(key)))?;
        }
        self.out.punct(b'}');
        Ok(())
    }

    /// Writes an array of at most `limit` items, checking each with `item`; an error gets the
    /// item's index in its path.
    fn list<'v>(
        &mut self,
        value: &'v Value,
        limit: usize,
        mut item: impl FnMut(&mut Self, &'v Value) -> Checked,
    ) -> Checked {
        let list = value
            .as_array()
            .ok_or_else(|| wrong_type("an array", value))?;
        if list.len() > limit {
            return Err(ValidationError::new(Rule::TooMany {
                count: list.len(),
                limit,
            }));
        }
        self.out.punct(b'[');
        for (i, value) in list.iter().enumerate() {
            if i > 0 {
                self.out.punct(b',');
            }
            item(self, value).map_err(|e| e.under(Segment::Index(i)))?;
        }
        self.out.punct(b']');
        Ok(())
    }

    fn string_max(&mut self, value: &Value, limit: usize) -> Checked {
        string_max(value, limit)?;
        self.out.value(value);
        Ok(())
    }

    fn unchecked(&mut self, value: &Value) -> Checked {
        self.out.value(value);
        Ok(())
    }
}

/// Which of an image's source fields were seen: it needs an `image_url` unless a `slack_file`
/// stands in for it, and always an `alt_text`.
#[derive(Default)]
struct ImageSource {
    image_url: bool,
    slack_file: bool,
    alt_text: bool,
}

impl ImageSource {
    /// Notes `key` if it is one of the source fields, and says whether it was.
    fn note(&mut self, key: &str) -> bool {
        let seen = match key {
            "image_url" => &mut self.image_url,
            "slack_file" => &mut self.slack_file,
            "alt_text" => &mut self.alt_text,
            _ => return false,
        };
        *seen = true;
        true
    }

    fn check(&self) -> Checked {
        require(self.image_url || self.slack_file, "image_url")?;
        require(self.alt_text, "alt_text")
    }
}

/// Which of a video block's required fields were seen.
#[derive(Default)]
struct VideoFields {
    title: bool,
    video_url: bool,
    thumbnail_url: bool,
    alt_text: bool,
}

impl VideoFields {
    fn note(&mut self, key: &str) {
        match key {
            "title" => self.title = true,
            "video_url" => self.video_url = true,
            "thumbnail_url" => self.thumbnail_url = true,
            "alt_text" => self.alt_text = true,
            _ => {}
        }
    }

    /// The first missing field is reported, in the order [`Video::new`](crate::blocks::Video::new)
    /// takes them.
    fn check(&self) -> Checked {
        require(self.title, "title")?;
        require(self.video_url, "video_url")?;
        require(self.thumbnail_url, "thumbnail_url")?;
        require(self.alt_text, "alt_text")
    }
}

fn require(found: bool, key: &'static str) -> Checked {
    if found { Ok(()) } else { Err(missing(key)) }
}

fn missing(key: &str) -> ValidationError {
    ValidationError::new(Rule::Missing).under(Segment::Key(key))
}

/// The `type` of a block or element, which its other rules depend on.
fn kind_of(object: &Map<String, Value>) -> Result<&str, ValidationError> {
    let value = type_entry(object).ok_or_else(|| missing("type"))?;
    as_str(value).map_err(|e| e.under(Segment::Key("type")))
}

/// The `type` entry of an object. Objects in a message have a handful of keys: a scan that
/// compares lengths first costs less than the map's ordered search, which compares every key
/// it passes byte by byte.
fn type_entry(object: &Map<String, Value>) -> Option<&Value> {
    object
        .iter()
        .find_map(|(key, value)| (key.as_str() == "type").then_some(value))
}

fn as_str(value: &Value) -> Result<&str, ValidationError> {
    value.as_str().ok_or_else(|| wrong_type("a string", value))
}

fn as_object(value: &Value) -> Result<&Map<String, Value>, ValidationError> {
    value
        .as_object()
        .ok_or_else(|| wrong_type("an object", value))
}

fn wrong_type(expected: &'static str, value: &Value) -> ValidationError {
    ValidationError::new(Rule::WrongType {
        expected,
        found: json_type_name(value),
    })
}

/// Checks that a value is a string of at most `limit` characters.
fn string_max(value: &Value, limit: usize) -> Result<&str, ValidationError> {
    let s = as_str(value)?;
    // A string of at most `limit` bytes has at most `limit` characters: skip the count.
    if s.len() <= limit {
        return Ok(s);
    }
    let chars = char_len(s);
    if chars > limit {
        return Err(ValidationError::new(Rule::TooLong { chars, limit }));
    }
    Ok(s)
}
