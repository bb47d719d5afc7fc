//! Typed, path-aware access to the fields of a JSON object.

use super::{Json, JsonError};

/// An object's fields, read by name; every error names the field's path (e.g. `terms[2].weight`).
/// Strings are borrowed from the parsed JSON: a reader copies them once it has every field, so
/// an error part-way leaves nothing to clean up.
///
/// Absent and `null` fields are the same to the `optional_*` readers. Unknown fields are ignored,
/// so a document from a newer minor format version still reads.
///
/// ```
/// use model_core::json::{Fields, Json};
///
/// let json = Json::parse(r#"{"car": {"make": "audi", "doors": "four"}}"#).unwrap();
/// let car = Fields::of(&json, "")?.object("car")?;
/// assert_eq!(car.text("make")?, "audi");
/// let error = car.number("doors").unwrap_err();
/// assert_eq!(error.to_string(), "`car.doors` must be a number, not a string");
/// # Ok::<(), model_core::json::JsonError>(())
/// ```
#[derive(Debug, Clone)]
pub struct Fields<'a> {
    path: String,
    members: &'a [(String, Json)],
}

impl<'a> Fields<'a> {
    /// Reads `value` as an object found at `path` (empty for a document's root).
    ///
    /// # Errors
    /// [`JsonError::Shape`] when `value` is not an object.
    pub fn of(value: &'a Json, path: &str) -> Result<Self, JsonError> {
        match value {
            Json::Object(members) => Ok(Fields {
                path: path.to_string(),
                members,
            }),
            other => Err(wrong_type(path, "an object", other)),
        }
    }

    /// The path of one of this object's fields.
    pub fn path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The field's value; `None` when absent or `null`.
    pub fn get(&self, key: &str) -> Option<&'a Json> {
        super::member(self.members, key).filter(|v| **v != Json::Null)
    }

    fn required(&self, key: &str) -> Result<&'a Json, JsonError> {
        self.get(key).ok_or_else(|| JsonError::Shape {
            field: self.path(key),
            problem: "is missing".to_string(),
        })
    }

    /// A required string.
    ///
    /// # Errors
    /// [`JsonError::Shape`] when it is missing or not a string (likewise for every reader here).
    pub fn text(&self, key: &str) -> Result<&'a str, JsonError> {
        self.string_of(key, self.required(key)?)
    }

    /// An optional string.
    ///
    /// # Errors
    /// When present and not a string.
    pub fn optional_text(&self, key: &str) -> Result<Option<&'a str>, JsonError> {
        self.get(key).map(|v| self.string_of(key, v)).transpose()
    }

    fn string_of(&self, key: &str, value: &'a Json) -> Result<&'a str, JsonError> {
        match value {
            Json::String(text) => Ok(text),
            other => Err(wrong_type(&self.path(key), "a string", other)),
        }
    }

    /// A required number.
    ///
    /// # Errors
    /// When missing or not a number.
    pub fn number(&self, key: &str) -> Result<f64, JsonError> {
        number_at(&self.path(key), self.required(key)?)
    }

    /// An optional number.
    ///
    /// # Errors
    /// When present and not a number.
    pub fn optional_number(&self, key: &str) -> Result<Option<f64>, JsonError> {
        self.get(key)
            .map(|v| number_at(&self.path(key), v))
            .transpose()
    }

    /// A required whole number, at least 0.
    ///
    /// # Errors
    /// When missing, not a number, fractional, negative or too large for this platform.
    pub fn count(&self, key: &str) -> Result<usize, JsonError> {
        let x = self.number(key)?;
        if x >= 0.0 && x.fract() == 0.0 && x <= usize::MAX as f64 {
            Ok(x as usize)
        } else {
            Err(JsonError::Shape {
                field: self.path(key),
                problem: "must be a whole number, at least 0".to_string(),
            })
        }
    }

    /// An optional boolean; absent means `false`.
    ///
    /// # Errors
    /// When present and not a boolean.
    pub fn flag(&self, key: &str) -> Result<bool, JsonError> {
        match self.get(key) {
            None => Ok(false),
            Some(Json::Bool(flag)) => Ok(*flag),
            Some(other) => Err(wrong_type(&self.path(key), "true or false", other)),
        }
    }

    /// A required nested object.
    ///
    /// # Errors
    /// When missing or not an object.
    pub fn object(&self, key: &str) -> Result<Fields<'a>, JsonError> {
        Fields::of(self.required(key)?, &self.path(key))
    }

    /// An optional nested object.
    ///
    /// # Errors
    /// When present and not an object.
    pub fn optional_object(&self, key: &str) -> Result<Option<Fields<'a>>, JsonError> {
        self.get(key)
            .map(|v| Fields::of(v, &self.path(key)))
            .transpose()
    }

    /// A required array of objects, each with its path (`terms[2]`).
    ///
    /// # Errors
    /// When missing, not an array, or an item is not an object.
    pub fn objects(&self, key: &str) -> Result<Vec<Fields<'a>>, JsonError> {
        let mut objects = Vec::new();
        for (i, item) in self.array(key)?.iter().enumerate() {
            objects.push(Fields::of(item, &format!("{}[{i}]", self.path(key)))?);
        }
        Ok(objects)
    }

    /// A required array of strings.
    ///
    /// # Errors
    /// When missing, not an array, or an item is not a string.
    pub fn texts(&self, key: &str) -> Result<Vec<String>, JsonError> {
        let mut texts = Vec::new();
        for (i, item) in self.array(key)?.iter().enumerate() {
            match item {
                Json::String(text) => texts.push(text.clone()),
                other => return Err(self.wrong_item(key, i, "a string", other)),
            }
        }
        Ok(texts)
    }

    /// An optional array of strings; absent means empty.
    ///
    /// # Errors
    /// When present and not an array of strings.
    pub fn optional_texts(&self, key: &str) -> Result<Vec<String>, JsonError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(_) => self.texts(key),
        }
    }

    /// A required array of numbers.
    ///
    /// # Errors
    /// When missing, not an array, or an item is not a number.
    pub fn numbers(&self, key: &str) -> Result<Vec<f64>, JsonError> {
        let mut numbers = Vec::new();
        for (i, item) in self.array(key)?.iter().enumerate() {
            match item {
                Json::Number(x) => numbers.push(*x),
                other => return Err(self.wrong_item(key, i, "a number", other)),
            }
        }
        Ok(numbers)
    }

    /// An optional array of numbers; absent means empty.
    ///
    /// # Errors
    /// When present and not an array of numbers.
    pub fn optional_numbers(&self, key: &str) -> Result<Vec<f64>, JsonError> {
        match self.get(key) {
            None => Ok(Vec::new()),
            Some(_) => self.numbers(key),
        }
    }

    fn array(&self, key: &str) -> Result<&'a [Json], JsonError> {
        match self.required(key)? {
            Json::Array(items) => Ok(items),
            other => Err(wrong_type(&self.path(key), "an array", other)),
        }
    }

    fn wrong_item(&self, key: &str, i: usize, expected: &str, found: &Json) -> JsonError {
        wrong_type(&format!("{}[{i}]", self.path(key)), expected, found)
    }
}

fn number_at(path: &str, value: &Json) -> Result<f64, JsonError> {
    match value {
        Json::Number(x) => Ok(*x),
        other => Err(wrong_type(path, "a number", other)),
    }
}

fn wrong_type(path: &str, expected: &str, found: &Json) -> JsonError {
    JsonError::Shape {
        field: if path.is_empty() { "(document)" } else { path }.to_string(),
        problem: format!("must be {expected}, not {}", found.kind()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shape(error: JsonError) -> String {
        match error {
            JsonError::Shape { .. } => error.to_string(),
            other => panic!("expected a shape error, got {other:?}"),
        }
    }

    #[test]
    fn errors_name_the_field() {
        let json =
            Json::parse(r#"{"a": {"n": 1.5, "list": [1, "x"], "flag": 1, "empty": null}, "s": 2}"#)
                .unwrap();
        let root = Fields::of(&json, "").unwrap();
        let a = root.object("a").unwrap();
        assert_eq!(
            shape(root.text("s").unwrap_err()),
            "`s` must be a string, not a number"
        );
        assert_eq!(
            shape(a.count("n").unwrap_err()),
            "`a.n` must be a whole number, at least 0"
        );
        assert_eq!(
            shape(a.text("missing").unwrap_err()),
            "`a.missing` is missing"
        );
        assert_eq!(shape(a.text("empty").unwrap_err()), "`a.empty` is missing");
        assert_eq!(a.optional_text("empty").unwrap(), None);
        assert_eq!(
            shape(a.flag("flag").unwrap_err()),
            "`a.flag` must be true or false, not a number"
        );
        assert_eq!(
            shape(a.numbers("list").unwrap_err()),
            "`a.list[1]` must be a number, not a string"
        );
        assert_eq!(
            shape(a.objects("list").unwrap_err()),
            "`a.list[0]` must be an object, not a number"
        );
        assert_eq!(a.optional_texts("none").unwrap(), Vec::<String>::new());
        assert_eq!(
            shape(Fields::of(&Json::Array(vec![]), "").unwrap_err()),
            "`(document)` must be an object, not an array"
        );
    }
}
