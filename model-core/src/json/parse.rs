//! JSON text to [`Json`]: a recursive-descent parser over bytes (RFC 8259).

use super::{Json, JsonError, MAX_DEPTH, MAX_MEMBERS};

/// Parses a whole document: one value, whitespace around it, nothing else.
pub(super) fn document(text: &str) -> Result<Json, JsonError> {
    let mut parser = Parser {
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
    };
    let value = parser.value()?;
    parser.skip_whitespace();
    if parser.at < parser.bytes.len() {
        return Err(parser.error("trailing characters"));
    }
    Ok(value)
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    /// A syntax error at the current position.
    fn error(&self, message: &'static str) -> JsonError {
        let before = &self.text[..floor_char_boundary(self.text, self.at)];
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        JsonError::Syntax {
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            message,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    /// Skips whitespace and consumes `byte` if it comes next.
    fn eat(&mut self, byte: u8) -> bool {
        self.skip_whitespace();
        let found = self.peek() == Some(byte);
        if found {
            self.at += 1;
        }
        found
    }

    fn value(&mut self) -> Result<Json, JsonError> {
        self.skip_whitespace();
        match self.peek() {
            None => Err(self.error("EOF while parsing a value")),
            Some(b'{') => self.nested(Parser::object),
            Some(b'[') => self.nested(Parser::array),
            Some(b'"') => self.string().map(Json::String),
            Some(b't') => self.literal("true", Json::Bool(true)),
            Some(b'f') => self.literal("false", Json::Bool(false)),
            Some(b'n') => self.literal("null", Json::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(_) => Err(self.error("expected value")),
        }
    }

    /// Parses an array or object one level deeper, refusing nesting beyond [`MAX_DEPTH`].
    fn nested(
        &mut self,
        parse: fn(&mut Self) -> Result<Json, JsonError>,
    ) -> Result<Json, JsonError> {
        if self.depth == MAX_DEPTH {
            return Err(self.error("nesting is too deep"));
        }
        self.depth += 1;
        self.at += 1;
        let value = parse(self);
        self.depth -= 1;
        value
    }

    fn literal(&mut self, word: &'static str, value: Json) -> Result<Json, JsonError> {
        if self.bytes[self.at..].starts_with(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.error("expected value"))
        }
    }

    fn array(&mut self) -> Result<Json, JsonError> {
        let mut items = Vec::new();
        if self.eat(b']') {
            return Ok(Json::Array(items));
        }
        loop {
            items.push(self.value()?);
            if self.eat(b']') {
                return Ok(Json::Array(items));
            }
            if !self.eat(b',') {
                return Err(self.unexpected("expected `,` or `]`", "EOF while parsing a list"));
            }
        }
    }

    fn object(&mut self) -> Result<Json, JsonError> {
        let mut members: Vec<(String, Json)> = Vec::new();
        let mut key_positions = Vec::new();
        if self.eat(b'}') {
            return Ok(Json::Object(members));
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("key must be a string", "EOF while parsing an object"));
            }
            let key_at = self.at;
            let key = self.string()?;
            if members.len() == MAX_MEMBERS {
                self.at = key_at;
                return Err(self.error("object has too many members"));
            }
            if !self.eat(b':') {
                return Err(self.unexpected("expected `:`", "EOF while parsing an object"));
            }
            members.push((key, self.value()?));
            key_positions.push(key_at);
            if self.eat(b'}') {
                return self.unique_keys(members, &key_positions);
            }
            if !self.eat(b',') {
                return Err(self.unexpected("expected `,` or `}`", "EOF while parsing an object"));
            }
        }
    }

    /// The object, or an error at the first key that repeats an earlier one. Sorting the keys
    /// keeps this `n log n` in the members (a comparison per pair of keys was quadratic).
    fn unique_keys(
        &mut self,
        members: Vec<(String, Json)>,
        key_positions: &[usize],
    ) -> Result<Json, JsonError> {
        let keys: Vec<&str> = members.iter().map(|(key, _)| key.as_str()).collect();
        let order = super::sorted_positions(&keys);
        let repeat = order
            .windows(2)
            .filter(|pair| keys[pair[0]] == keys[pair[1]])
            .map(|pair| pair[1])
            .min();
        match repeat {
            Some(i) => {
                self.at = key_positions[i];
                Err(self.error("duplicate key"))
            }
            None => Ok(Json::Object(members)),
        }
    }

    /// `message`, or `at_end` when the text ended instead.
    fn unexpected(&self, message: &'static str, at_end: &'static str) -> JsonError {
        self.error(if self.at < self.bytes.len() {
            message
        } else {
            at_end
        })
    }

    /// A string starting at the opening quote.
    fn string(&mut self) -> Result<String, JsonError> {
        self.at += 1;
        let mut out = String::new();
        loop {
            let start = self.at;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.at += 1;
            }
            // `start..at` holds no quote, backslash or control byte, so it ends on a char boundary.
            out.push_str(&self.text[start..self.at]);
            match self.peek() {
                None => return Err(self.error("EOF while parsing a string")),
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    out.push(self.escape()?);
                }
                Some(_) => return Err(self.error("control character found while parsing a string")),
            }
        }
    }

    /// The character of an escape sequence, after its backslash.
    fn escape(&mut self) -> Result<char, JsonError> {
        let Some(byte) = self.peek() else {
            return Err(self.error("EOF while parsing a string"));
        };
        self.at += 1;
        Ok(match byte {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => return self.unicode_escape(),
            _ => return Err(self.error("invalid escape")),
        })
    }

    /// `\uXXXX`, or a surrogate pair `\uD83D\uDE97`, after the `\u`.
    fn unicode_escape(&mut self) -> Result<char, JsonError> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if !self.bytes[self.at..].starts_with(b"\\u") {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                self.at += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("invalid unicode code point"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            code => code,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let mut code = 0;
        for _ in 0..4 {
            let digit = self
                .peek()
                .and_then(|b| char::from(b).to_digit(16))
                .ok_or_else(|| self.error("invalid escape"))?;
            code = code * 16 + digit;
            self.at += 1;
        }
        Ok(code)
    }

    /// A number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, correctly rounded.
    fn number(&mut self) -> Result<Json, JsonError> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        match self.peek() {
            Some(b'0') => self.at += 1,
            Some(b'1'..=b'9') => self.digits(),
            _ => return Err(self.error("invalid number")),
        }
        if self.peek() == Some(b'.') {
            self.at += 1;
            self.required_digits()?;
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.at += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.at += 1;
            }
            self.required_digits()?;
        }
        let x = crate::parse_number(&self.text[start..self.at])
            .ok_or_else(|| self.error("invalid number"))?;
        if x.is_finite() {
            Ok(Json::Number(x))
        } else {
            self.at = start;
            Err(self.error("number out of range"))
        }
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.at += 1;
        }
    }

    fn required_digits(&mut self) -> Result<(), JsonError> {
        if !matches!(self.peek(), Some(b'0'..=b'9')) {
            return Err(self.error("invalid number"));
        }
        self.digits();
        Ok(())
    }
}

/// The largest char boundary at or before `at` (positions can fall inside a multi-byte character).
fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syntax(text: &str) -> (usize, usize, &'static str) {
        match document(text) {
            Err(JsonError::Syntax {
                line,
                column,
                message,
            }) => (line, column, message),
            other => panic!("{text:?} gave {other:?}"),
        }
    }

    #[test]
    fn reads_every_kind_of_value() {
        let json = document(
            r#" {"a": [1, -2.5e3, 0.1, true, false, null], "b": {"c": "x\u00e9\ud83d\ude97\n"}} "#,
        )
        .unwrap();
        assert_eq!(
            json.get("a"),
            Some(&Json::Array(vec![
                Json::Number(1.0),
                Json::Number(-2500.0),
                Json::Number(0.1),
                Json::Bool(true),
                Json::Bool(false),
                Json::Null,
            ]))
        );
        let c = json
            .get("b")
            .and_then(|b| b.get("c"))
            .and_then(Json::as_str);
        assert_eq!(c, Some("xé🚗\n"));
    }

    #[test]
    fn numbers_are_correctly_rounded() {
        for text in [
            "0.1",
            "2.2250738585072014e-308",
            "9007199254740993",
            "1.7976931348623157e308",
        ] {
            let expected: f64 = text.parse().unwrap();
            assert_eq!(document(text).unwrap(), Json::Number(expected), "{text}");
        }
    }

    #[test]
    fn malformed_text_is_located() {
        assert_eq!(syntax(""), (1, 1, "EOF while parsing a value"));
        assert_eq!(syntax("{\"a\": 1"), (1, 8, "EOF while parsing an object"));
        assert_eq!(syntax("[1,\n 2 x"), (2, 4, "expected `,` or `]`"));
        assert_eq!(syntax("{\"é\": 1, \"é\": 2}"), (1, 10, "duplicate key"));
        assert_eq!(syntax("[01]"), (1, 3, "expected `,` or `]`"));
        assert_eq!(syntax("[1.]"), (1, 4, "invalid number"));
        assert_eq!(syntax("1e999"), (1, 1, "number out of range"));
        assert_eq!(syntax("[NaN]"), (1, 2, "expected value"));
        assert_eq!(
            syntax("\"a\u{1}\""),
            (1, 3, "control character found while parsing a string")
        );
        assert_eq!(syntax("\"\\x\""), (1, 4, "invalid escape"));
        assert_eq!(
            syntax("\"\\ud83d\""),
            (1, 8, "lone leading surrogate in hex escape")
        );
        assert_eq!(syntax("{1: 2}"), (1, 2, "key must be a string"));
        assert_eq!(syntax("{} {}"), (1, 4, "trailing characters"));
        assert_eq!(syntax("tru"), (1, 1, "expected value"));
    }

    #[test]
    fn objects_have_unique_keys_and_a_bounded_size() {
        let members = |n: usize| -> String {
            let members: Vec<String> = (0..n).map(|i| format!("\"k{i}\": {i}")).collect();
            format!("{{{}}}", members.join(","))
        };
        assert!(document(&members(MAX_MEMBERS)).is_ok());
        assert_eq!(
            syntax(&members(MAX_MEMBERS + 1)).2,
            "object has too many members"
        );
        let repeated = members(100).replace("\"k98\"", "\"k3\"");
        assert_eq!(syntax(&repeated).2, "duplicate key");
    }

    #[test]
    fn deep_nesting_is_refused_without_overflowing_the_stack() {
        let deep = "[".repeat(100_000);
        assert_eq!(syntax(&deep).2, "nesting is too deep");
        let fine = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(document(&fine).is_ok());
    }
}
