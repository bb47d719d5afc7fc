//! A small JSON reader: text to a [`Json`] tree ([`Json::parse`]), and typed access to its fields
//! with errors that name the field ([`Fields`]).
//!
//! The model document, the web app's release manifest and its settings are read with it instead of
//! serde_json because it costs the browser bundle a fraction of the bytes (derived deserialisers
//! for tagged enums and exact float parsing were a third of the download). Numbers are read exactly
//! (correctly rounded, see [`crate::parse_number`]), so a document reads to the same bits as with
//! any other exact JSON parser. Writing JSON stays with serde_json (native only).

mod fields;
mod keys;
mod parse;

pub use fields::Fields;
pub(crate) use keys::sorted_positions;

use thiserror::Error;

/// Deepest nesting of arrays and objects accepted (a model document needs 4).
pub const MAX_DEPTH: usize = 64;

/// Most members an object may have (a model document's objects have about 20).
pub const MAX_MEMBERS: usize = 1_000;

/// A parsed JSON value. Object members keep their document order.
#[derive(Debug, Clone, PartialEq)]
pub enum Json {
    /// `null`
    Null,
    /// `true` or `false`
    Bool(bool),
    /// A finite number.
    Number(f64),
    /// A string, unescaped.
    String(String),
    /// An array.
    Array(Vec<Json>),
    /// An object's members, in document order; keys are unique.
    Object(Vec<(String, Json)>),
}

/// Why a text could not be read as the JSON expected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum JsonError {
    /// The text is not JSON.
    #[error("malformed JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column (in characters) of the problem.
        column: usize,
        /// What the reader expected or found.
        message: &'static str,
    },
    /// The JSON is well formed but a field is missing or of the wrong type.
    #[error("`{field}` {problem}")]
    Shape {
        /// Path of the field, e.g. `attributes[3].min`.
        field: String,
        /// What is wrong, e.g. `must be a number`.
        problem: String,
    },
}

impl Json {
    /// Parses a complete JSON text (surrounding whitespace allowed).
    ///
    /// # Errors
    /// [`JsonError::Syntax`] with line and column for malformed text, numbers outside the range
    /// of `f64`, duplicate object keys, objects with more than [`MAX_MEMBERS`] members and
    /// nesting deeper than [`MAX_DEPTH`].
    pub fn parse(text: &str) -> Result<Json, JsonError> {
        parse::document(text)
    }

    /// The member `key` of an object (`None` for other values or a missing key).
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Object(members) => member(members, key),
            _ => None,
        }
    }

    /// The text of a string value.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Json::String(text) => Some(text),
            _ => None,
        }
    }

    /// The JSON type's name, for messages: `null`, `a boolean`, `a number`, ...
    pub fn kind(&self) -> &'static str {
        match self {
            Json::Null => "null",
            Json::Bool(_) => "a boolean",
            Json::Number(_) => "a number",
            Json::String(_) => "a string",
            Json::Array(_) => "an array",
            Json::Object(_) => "an object",
        }
    }
}

/// The value of `key` among an object's members.
fn member<'a>(members: &'a [(String, Json)], key: &str) -> Option<&'a Json> {
    members.iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

/// Appends `text` to `out` as a JSON string literal (quoted and escaped).
///
/// ```
/// let mut out = String::new();
/// model_core::json::write_string(&mut out, "say \"hi\"\n");
/// assert_eq!(out, r#""say \"hi\"\n""#);
/// ```
pub fn write_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let code = u32::from(c) as usize;
                out.push_str("\\u00");
                out.push(char::from(HEX[code >> 4]));
                out.push(char::from(HEX[code & 0xf]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_strings_read_back() {
        let original = "tab\t quote\" backslash\\ bell\u{7} é 🚗";
        let mut text = String::new();
        write_string(&mut text, original);
        assert_eq!(Json::parse(&text).unwrap(), Json::String(original.into()));
    }
}
