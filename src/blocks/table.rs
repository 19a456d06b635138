//! The `table` block.

use serde::{Deserialize, Serialize};

use super::{Kind, RichText, Tag};

/// A `table` block: rows of cells, with optional per-column settings.
///
/// Slack allows 100 rows of at most 20 cells, and 20 column settings; a cell is plain
/// `raw_text` or a [`RichText`] block.
///
/// ```
/// use slackhook::blocks::{ColumnAlign, ColumnSetting, Table};
///
/// let table = Table::new([["Service", "p99"], ["api", "182 ms"]])
///     .with_column_settings([
///         ColumnSetting::new(),
///         ColumnSetting::new().with_align(ColumnAlign::Right),
///     ]);
/// assert_eq!(
///     serde_json::to_value(&table)?,
///     serde_json::json!({
///         "type": "table",
///         "rows": [
///             [{"type": "raw_text", "text": "Service"}, {"type": "raw_text", "text": "p99"}],
///             [{"type": "raw_text", "text": "api"}, {"type": "raw_text", "text": "182 ms"}]
///         ],
///         "column_settings": [{}, {"align": "right"}]
///     })
/// );
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The rows, each a list of cells.
    pub rows: Vec<Vec<TableCell>>,
    /// Settings for the first columns, in order; `None` (JSON `null`) leaves a column as Slack
    /// draws it by default.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub column_settings: Vec<Option<ColumnSetting>>,
    /// Identifies the block in interaction payloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_id: Option<String>,
}

impl Kind for Table {
    const TYPE: &'static str = "table";
}

impl Table {
    /// A table of rows; a cell may be a string, a [`RawText`] or a [`RichText`] block.
    pub fn new<R, C>(rows: impl IntoIterator<Item = R>) -> Self
    where
        R: IntoIterator<Item = C>,
        C: Into<TableCell>,
    {
        Self {
            kind: Tag::new(),
            rows: rows
                .into_iter()
                .map(|row| row.into_iter().map(Into::into).collect())
                .collect(),
            column_settings: Vec::new(),
            block_id: None,
        }
    }

    /// Adds one row.
    pub fn with_row<C: Into<TableCell>>(mut self, row: impl IntoIterator<Item = C>) -> Self {
        self.rows.push(row.into_iter().map(Into::into).collect());
        self
    }

    /// Sets `column_settings`; each item is a [`ColumnSetting`] or an `Option` of one.
    pub fn with_column_settings<S: Into<Option<ColumnSetting>>>(
        mut self,
        settings: impl IntoIterator<Item = S>,
    ) -> Self {
        self.column_settings = settings.into_iter().map(Into::into).collect();
        self
    }
}

setters!(Table: block_id);

/// A cell of a [`Table`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
#[non_exhaustive]
pub enum TableCell {
    /// `raw_text`: plain text.
    RawText(RawText),
    /// `rich_text`: formatted text, links and mentions.
    RichText(RichText),
}

super::deserialize_by_type!(TableCell, "table cell" {
    RawText(RawText),
    RichText(RichText),
});

super::into_enum!(TableCell {
    RawText(RawText),
    RichText(RichText),
});

impl From<&str> for TableCell {
    fn from(text: &str) -> Self {
        Self::RawText(RawText::new(text))
    }
}

impl From<String> for TableCell {
    fn from(text: String) -> Self {
        Self::RawText(RawText::new(text))
    }
}

/// A `raw_text` table cell: plain text, at least 1 character.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RawText {
    #[serde(rename = "type")]
    kind: Tag<Self>,
    /// The text.
    pub text: String,
}

impl Kind for RawText {
    const TYPE: &'static str = "raw_text";
}

impl RawText {
    /// A plain-text cell.
    pub fn new(text: impl Into<String>) -> Self {
        Self {
            kind: Tag::new(),
            text: text.into(),
        }
    }
}

/// How a table column's cells are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ColumnAlign {
    /// Left (Slack's default).
    Left,
    /// Centred.
    Center,
    /// Right, for numbers.
    Right,
}

/// How one table column is drawn.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ColumnSetting {
    /// The alignment; left when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub align: Option<ColumnAlign>,
    /// Whether long cells wrap; Slack's default is not to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_wrapped: Option<bool>,
}

impl ColumnSetting {
    /// Slack's defaults.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets `align`.
    pub fn with_align(mut self, align: ColumnAlign) -> Self {
        self.align = Some(align);
        self
    }

    /// Sets `is_wrapped`.
    pub fn with_wrapped(mut self, wrapped: bool) -> Self {
        self.is_wrapped = Some(wrapped);
        self
    }
}
