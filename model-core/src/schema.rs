//! What a data set's columns mean, as a training run is told: labels, units, form groups, help
//! text, kind overrides and display labels for categories (read from a TOML file by the CLI).
//!
//! Columns the schema does not list still train: their name is their label, they have no unit and
//! they go in the `other` form group, after the listed ones.

use std::collections::BTreeMap;

use serde::Deserialize;

/// The attribute schema of a car table. In TOML, one `[[attribute]]` table per column, in the
/// order a form shows them:
///
/// ```toml
/// [[attribute]]
/// name = "drive-wheels"
/// label = "Drive wheels"
/// group = "body"
/// description = "Which wheels the engine drives"
/// kind = "category"            # or "number", "yes-no"; default: read from the data
/// labels = { fwd = "Front-wheel drive", rwd = "Rear-wheel drive" }
/// ```
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Schema {
    /// Attributes in form order.
    #[serde(default, rename = "attribute")]
    pub attributes: Vec<AttributeSchema>,
}

/// What the schema says about one column.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeSchema {
    /// Column name in the table.
    pub name: String,
    /// Form label (default: the column name).
    #[serde(default)]
    pub label: Option<String>,
    /// Unit of a number column, e.g. `lb` (default: none).
    #[serde(default)]
    pub unit: Option<String>,
    /// Form section (default: `other`).
    #[serde(default)]
    pub group: Option<String>,
    /// Help text for forms.
    #[serde(default)]
    pub description: Option<String>,
    /// How to read the column (default: yes/no when every present cell is 0/1 or a yes/no word,
    /// numbers when every present cell is a number, categories when none is).
    #[serde(default)]
    pub kind: Option<KindOverride>,
    /// Display labels of categories (`fwd` → "Front-wheel drive").
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// A column's kind as the schema declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KindOverride {
    /// Numbers; a cell that is not one is an error.
    Number,
    /// Categories, even when the cells look like numbers.
    Category,
    /// Yes/no values: true/false, yes/no, 1/0.
    YesNo,
}

impl Schema {
    /// The entry for a column, if any.
    pub fn attribute(&self, column: &str) -> Option<&AttributeSchema> {
        self.attributes.iter().find(|a| a.name == column)
    }

    /// Sort key putting listed columns in schema order and the others after: training orders a
    /// model's attributes by it, then by their place in the table.
    pub fn position(&self, column: &str) -> usize {
        self.attributes
            .iter()
            .position(|a| a.name == column)
            .unwrap_or(self.attributes.len())
    }
}
