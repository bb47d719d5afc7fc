//! One telemetry batch: its serde types and the strict checks every batch passes before it is
//! stored or counted.

use std::collections::BTreeMap;
use std::fmt;
use std::time::{Duration, SystemTime};

use model_core::ModelVersion;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Largest batch body, in bytes (64 KiB).
pub const MAX_BATCH_BYTES: usize = 64 * 1024;
/// Most quotes in one batch.
pub const MAX_QUOTES: usize = 200;
/// Longest batch id, in characters (`[A-Za-z0-9_-]`).
pub const MAX_BATCH_ID: usize = 64;
/// Most attribute values in a quote's car (and extrapolation flags).
pub const MAX_ATTRIBUTES: usize = 100;
/// Longest attribute name or string value, in characters.
pub const MAX_TEXT: usize = 100;
/// The earliest time a quote may have been priced, 2026-01-01T00:00:00Z in seconds since the
/// Unix epoch: before carprice's first rollout, so a device whose clock was reset (to 1970 or
/// 2000) is refused, not counted.
const EARLIEST_QUOTE_SECONDS: u64 = 1_767_225_600;
/// How far after the receiver's clock a quote may have been priced: one day, so a device clock a
/// little fast, or a local time labelled as UTC (at most 14 hours ahead), still passes.
pub const MAX_AHEAD: Duration = Duration::from_secs(24 * 60 * 60);
/// The prices a quote may carry, in dollars: a cent to a billion, so that the ratio of two is
/// a finite number (5e-324 and 1e308 are finite positive prices whose ratio is not).
pub const PRICES: std::ops::RangeInclusive<f64> = 0.01..=1e9;

/// A batch of quotes from one device. `batch` is random per batch and reused when the device
/// sends it again, so that a resend is recognised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// The batch id: 1 to [`MAX_BATCH_ID`] characters of `[A-Za-z0-9_-]`.
    pub batch: String,
    /// 1 to [`MAX_QUOTES`] quotes.
    pub quotes: Vec<TelemetryQuote>,
}

/// One quote priced while a challenger was in the release.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TelemetryQuote {
    /// When it was priced: RFC 3339 in UTC (`Z`), e.g. `2026-11-30T07:07:43.120Z`, from
    /// 2026-01-01T00:00:00Z to [`MAX_AHEAD`] after the receiver's clock.
    pub at: String,
    /// The champion's model version.
    pub champion: String,
    /// The challenger's model version.
    pub challenger: String,
    /// The rollout mode the device priced in.
    pub mode: Mode,
    /// Which model's price the user saw (always the champion in shadow mode).
    pub shown: Shown,
    /// The champion's price, dollars.
    pub champion_price: f64,
    /// The challenger's price, dollars.
    pub challenger_price: f64,
    /// Attributes whose value lies outside the training range (extrapolation flags).
    pub extrapolated: Vec<String>,
    /// The attribute values the models took.
    pub car: BTreeMap<String, CarValue>,
}

/// The rollout mode of a quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Every quote shows the champion; the challenger prices unseen.
    Shadow,
    /// A share of devices sees the challenger's price.
    Canary,
}

/// The model whose price was shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Shown {
    /// The live model.
    Champion,
    /// The model being rolled out.
    Challenger,
}

/// An attribute value: a number, a string or a boolean (nothing nested, no null).
#[derive(Debug, Clone, PartialEq)]
pub enum CarValue {
    /// A number.
    Number(f64),
    /// A category name or a yes/no word.
    Text(String),
    /// A yes/no value.
    Flag(bool),
}

impl Serialize for CarValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            CarValue::Number(n) => serializer.serialize_f64(*n),
            CarValue::Text(t) => serializer.serialize_str(t),
            CarValue::Flag(b) => serializer.serialize_bool(*b),
        }
    }
}

impl<'de> Deserialize<'de> for CarValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ValueVisitor;
        impl Visitor<'_> for ValueVisitor {
            type Value = CarValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number, a string or a boolean")
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<CarValue, E> {
                Ok(CarValue::Flag(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<CarValue, E> {
                Ok(CarValue::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<CarValue, E> {
                Ok(CarValue::Number(v as f64))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<CarValue, E> {
                Ok(CarValue::Number(v))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<CarValue, E> {
                Ok(CarValue::Text(v.to_string()))
            }
        }
        deserializer.deserialize_any(ValueVisitor)
    }
}

/// A batch that is refused, saying what to fix.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// The body is over [`MAX_BATCH_BYTES`].
    #[error("the batch is {size} bytes; the limit is {limit}: send fewer quotes per batch")]
    TooLarge {
        /// Bytes received.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The body is not JSON.
    #[error("malformed JSON at line {line}, column {column}: {message}")]
    Malformed {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser found.
        message: String,
    },
    /// JSON of the wrong shape or with a value out of bounds.
    #[error("{field}: {message}")]
    Invalid {
        /// The JSON path of the problem, e.g. `quotes[2].car.make`.
        field: String,
        /// What is wrong.
        message: String,
    },
}

fn malformed(error: &serde_json::Error) -> BatchError {
    BatchError::Malformed {
        line: error.line(),
        column: error.column(),
        message: without_position(error),
    }
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> BatchError {
    BatchError::Invalid {
        field: field.into(),
        message: message.into(),
    }
}

impl Batch {
    /// Reads and checks a batch: at most [`MAX_BATCH_BYTES`], known fields only, 1 to
    /// [`MAX_QUOTES`] quotes, each with a UTC RFC 3339 time from 2026-01-01T00:00:00Z to
    /// [`MAX_AHEAD`] after now, version numbers, finite positive
    /// prices, at most [`MAX_ATTRIBUTES`] attribute values (numbers, booleans, strings of at most
    /// [`MAX_TEXT`] characters) and extrapolation flags naming attributes of the car.
    ///
    /// # Errors
    /// [`BatchError`] naming the JSON path of the first problem.
    pub fn from_json(bytes: &[u8]) -> Result<Batch, BatchError> {
        if bytes.len() > MAX_BATCH_BYTES {
            return Err(BatchError::TooLarge {
                size: bytes.len(),
                limit: MAX_BATCH_BYTES,
            });
        }
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        let batch: Batch =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
                let field = error.path().to_string();
                let inner = error.into_inner();
                if inner.is_data() {
                    invalid(field, without_position(&inner))
                } else {
                    malformed(&inner)
                }
            })?;
        deserializer.end().map_err(|error| malformed(&error))?;
        batch.check()?;
        Ok(batch)
    }

    /// The batch as stored: compact JSON of the checked fields.
    pub fn to_json(&self) -> Vec<u8> {
        serde_json::to_vec(self).expect("a batch always serialises")
    }

    /// Checks every bound of the format (see [`Batch::from_json`]).
    ///
    /// # Errors
    /// [`BatchError::Invalid`] naming the field.
    pub fn check(&self) -> Result<(), BatchError> {
        let id_ok = (1..=MAX_BATCH_ID).contains(&self.batch.len())
            && self
                .batch
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if !id_ok {
            return Err(invalid(
                "batch",
                format!("must be 1 to {MAX_BATCH_ID} characters of A-Z, a-z, 0-9, _ and -"),
            ));
        }
        if !(1..=MAX_QUOTES).contains(&self.quotes.len()) {
            return Err(invalid(
                "quotes",
                format!(
                    "{} quotes; a batch holds 1 to {MAX_QUOTES}",
                    self.quotes.len()
                ),
            ));
        }
        let now = SystemTime::now();
        for (i, quote) in self.quotes.iter().enumerate() {
            quote.check(&format!("quotes[{i}]"), now)?;
        }
        Ok(())
    }

    /// The UTC day (`YYYY-MM-DD`) of the batch's earliest quote: with the batch id, the name it is
    /// stored under, the same on every resend.
    pub fn day(&self) -> String {
        let earliest = self
            .quotes
            .iter()
            .map(|q| q.time())
            .min()
            .unwrap_or(SystemTime::UNIX_EPOCH);
        humantime::format_rfc3339_seconds(earliest).to_string()[..10].to_string()
    }
}

impl TelemetryQuote {
    /// When the quote was priced (checked by [`Batch::from_json`]; the Unix epoch if unreadable).
    pub fn time(&self) -> SystemTime {
        parse_utc(&self.at)
            .ok()
            .flatten()
            .unwrap_or(SystemTime::UNIX_EPOCH)
    }

    /// The challenger's price over the champion's.
    pub fn ratio(&self) -> f64 {
        self.challenger_price / self.champion_price
    }

    /// Whether `at` is an RFC 3339 time in UTC within the accepted window: from
    /// 2026-01-01T00:00:00Z to [`MAX_AHEAD`] after `now`.
    fn check_time(&self, now: SystemTime) -> Result<(), String> {
        let time = match parse_utc(&self.at) {
            Ok(time) if self.at.len() <= 64 => time,
            _ => {
                return Err(format!(
                    "{:?} is malformed: it must be an RFC 3339 time in UTC (ending in Z), e.g. \
                     2026-11-30T07:07:43.120Z",
                    self.at.chars().take(64).collect::<String>()
                ))
            }
        };
        let earliest = SystemTime::UNIX_EPOCH + Duration::from_secs(EARLIEST_QUOTE_SECONDS);
        let latest = now + MAX_AHEAD;
        match time {
            Some(time) if (earliest..=latest).contains(&time) => Ok(()),
            Some(time) if time > latest => Err(format!(
                "{} is out of the accepted range: it is more than a day after the receiving \
                 clock ({}); check the device's clock",
                self.at,
                humantime::format_rfc3339_seconds(now)
            )),
            _ => Err(format!(
                "{} is out of the accepted range: it is before {}, when no quote was priced \
                 with carprice yet; check the device's clock",
                self.at,
                humantime::format_rfc3339_seconds(earliest)
            )),
        }
    }

    fn check(&self, path: &str, now: SystemTime) -> Result<(), BatchError> {
        let field = |name: &str| format!("{path}.{name}");
        self.check_time(now)
            .map_err(|message| invalid(field("at"), message))?;
        for (name, version) in [
            ("champion", &self.champion),
            ("challenger", &self.challenger),
        ] {
            if version.parse::<ModelVersion>().is_err() {
                return Err(invalid(
                    field(name),
                    "must be a model version: dot-separated numbers such as 1.2.0",
                ));
            }
        }
        if self.mode == Mode::Shadow && self.shown != Shown::Champion {
            return Err(invalid(
                field("shown"),
                "must be \"champion\" in shadow mode",
            ));
        }
        for (name, price) in [
            ("champion_price", self.champion_price),
            ("challenger_price", self.challenger_price),
        ] {
            if !PRICES.contains(&price) {
                return Err(invalid(
                    field(name),
                    format!(
                        "must be a number of dollars from {} to {} (got {price})",
                        PRICES.start(),
                        PRICES.end()
                    ),
                ));
            }
        }
        if self.car.len() > MAX_ATTRIBUTES {
            return Err(invalid(
                field("car"),
                format!("{} attributes; at most {MAX_ATTRIBUTES}", self.car.len()),
            ));
        }
        for (name, value) in &self.car {
            let here = || format!("{path}.car.{name}");
            if !is_short_text(name) || name.is_empty() {
                return Err(invalid(
                    field("car"),
                    format!(
                        "attribute names must be 1 to {MAX_TEXT} characters without control characters"
                    ),
                ));
            }
            match value {
                CarValue::Number(n) if !n.is_finite() => {
                    return Err(invalid(here(), "must be a finite number"));
                }
                CarValue::Text(text) if !is_short_text(text) => {
                    return Err(invalid(
                        here(),
                        format!("must be at most {MAX_TEXT} characters without control characters"),
                    ));
                }
                _ => {}
            }
        }
        if self.extrapolated.len() > self.car.len() {
            return Err(invalid(
                field("extrapolated"),
                "lists more attributes than the car has",
            ));
        }
        for (j, name) in self.extrapolated.iter().enumerate() {
            if !self.car.contains_key(name) {
                return Err(invalid(
                    format!("{path}.extrapolated[{j}]"),
                    "must name an attribute of the quote's car",
                ));
            }
        }
        Ok(())
    }
}

/// Reads an RFC 3339 time in UTC (`Z`), e.g. `2026-11-30T07:07:43Z` or with fractional seconds.
/// humantime reads the years 1970 to 9999; a valid time of an earlier year is `Ok(None)`.
///
/// # Errors
/// humantime's error when the text is not an RFC 3339 time in UTC.
fn parse_utc(text: &str) -> Result<Option<SystemTime>, humantime::TimestampError> {
    match humantime::parse_rfc3339(text) {
        Ok(time) => Ok(Some(time)),
        Err(error) => {
            // The same date and time in a year humantime reads, as much a leap year as the
            // original: valid then, the original was valid too, only early.
            let year = text.get(..4).and_then(|y| y.parse::<u32>().ok());
            match (year, text.get(4..)) {
                (Some(year), Some(rest)) if year < 1970 => {
                    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
                    let stand_in = if leap { "1972" } else { "1971" };
                    humantime::parse_rfc3339(&format!("{stand_in}{rest}"))
                        .map(|_| None)
                        .map_err(|_| error)
                }
                _ => Err(error),
            }
        }
    }
}

fn is_short_text(text: &str) -> bool {
    text.chars().count() <= MAX_TEXT && !text.chars().any(char::is_control)
}

/// serde_json's message without its trailing " at line L column C".
/// A data error's message for a device's developer: no position (the field is named beside it)
/// and JSON's words for Rust's types (`expected a number`, not `expected f64`).
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let message = match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => &message,
    };
    message
        .replace("expected f64", "expected a number")
        .replace("expected usize", "expected a whole number")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn quote() -> Value {
        json!({"at": "2026-11-30T07:07:43.120Z", "champion": "1.0.0", "challenger": "1.1.0",
            "mode": "shadow", "shown": "champion", "champion_price": 13495.0,
            "challenger_price": 13710.5, "extrapolated": ["horsepower"],
            "car": {"make": "audi", "horsepower": 302, "turbo": false}})
    }

    fn batch_with(edit: impl FnOnce(&mut Value)) -> Result<Batch, BatchError> {
        let mut body = json!({"batch": "k3J9-x_0", "quotes": [quote()]});
        edit(&mut body);
        Batch::from_json(body.to_string().as_bytes())
    }

    fn refused_field(edit: impl FnOnce(&mut Value)) -> String {
        match batch_with(edit) {
            Err(BatchError::Invalid { field, .. }) => field,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn a_price_given_as_text_said_expected_f64() {
        let refusal = batch_with(|b| b["quotes"][0]["champion_price"] = json!("13495"));
        let Err(BatchError::Invalid { field, message }) = refusal else {
            panic!("{refusal:?}")
        };
        assert_eq!(field, "quotes[0].champion_price");
        assert!(message.contains("expected a number"), "{message}");
        assert!(!message.contains("f64"), "{message}");
    }

    #[test]
    fn a_price_of_5e_324_made_the_price_ratio_infinite() {
        // Finite positive prices whose ratio is not finite: monitor's 90th percentile was `inf`.
        for price in [5e-324, 1e308, 0.001, 2e9] {
            for field in ["champion_price", "challenger_price"] {
                assert_eq!(
                    refused_field(|b| b["quotes"][0][field] = json!(price)),
                    format!("quotes[0].{field}")
                );
            }
        }
        assert!(batch_with(|b| b["quotes"][0]["challenger_price"] = json!(1e9)).is_ok());
    }

    #[test]
    fn reads_a_valid_batch_and_writes_it_back_the_same() {
        let batch = batch_with(|_| {}).unwrap();
        assert_eq!(batch.quotes[0].car["turbo"], CarValue::Flag(false));
        assert_eq!(batch.quotes[0].car["horsepower"], CarValue::Number(302.0));
        assert_eq!(batch.day(), "2026-11-30");
        assert_eq!(Batch::from_json(&batch.to_json()).unwrap(), batch);
    }

    #[test]
    fn refuses_unknown_fields_and_bad_values_naming_the_field() {
        assert_eq!(
            refused_field(|b| b["quotes"][0]["name"] = json!("Jo")),
            "quotes[0].name"
        );
        assert_eq!(refused_field(|b| b["extra"] = json!(1)), "extra");
        assert_eq!(refused_field(|b| b["batch"] = json!("a/b")), "batch");
        assert_eq!(
            refused_field(|b| b["batch"] = json!("x".repeat(65))),
            "batch"
        );
        assert_eq!(refused_field(|b| b["quotes"] = json!([])), "quotes");
        assert_eq!(
            refused_field(|b| b["quotes"][0]["at"] = json!("2026-11-30T08:07:43+01:00")),
            "quotes[0].at"
        );
        assert_eq!(
            refused_field(|b| b["quotes"][0]["champion"] = json!("latest")),
            "quotes[0].champion"
        );
        assert_eq!(
            refused_field(|b| b["quotes"][0]["champion_price"] = json!(0)),
            "quotes[0].champion_price"
        );
        assert_eq!(
            refused_field(|b| b["quotes"][0]["challenger_price"] = json!(-3.5)),
            "quotes[0].challenger_price"
        );
        assert_eq!(
            refused_field(|b| b["quotes"][0]["shown"] = json!("challenger")),
            "quotes[0].shown"
        );
        assert_eq!(
            refused_field(|b| b["quotes"][0]["mode"] = json!("live")),
            "quotes[0].mode"
        );
        assert_eq!(
            refused_field(|b| b["quotes"][0]["car"]["make"] = json!({"nested": 1})),
            "quotes[0].car.make"
        );
        assert_eq!(
            refused_field(|b| b["quotes"][0]["car"]["make"] = Value::Null),
            "quotes[0].car.make"
        );
        assert_eq!(
            refused_field(|b| b["quotes"][0]["car"]["notes"] = json!("x".repeat(101))),
            "quotes[0].car.notes"
        );
        assert_eq!(
            refused_field(|b| b["quotes"][0]["extrapolated"] = json!(["width"])),
            "quotes[0].extrapolated[0]"
        );
    }

    #[test]
    fn a_valid_time_before_1970_was_not_rfc_3339_and_year_9999_was_accepted() {
        let refusal = |at: &str| match batch_with(|b| b["quotes"][0]["at"] = json!(at)) {
            Err(BatchError::Invalid { field, message }) if field == "quotes[0].at" => message,
            other => panic!("{at}: expected a refusal of quotes[0].at, got {other:?}"),
        };
        let hours_from_now = |hours: u64| {
            let time = SystemTime::now() + Duration::from_secs(hours * 3600);
            humantime::format_rfc3339_millis(time).to_string()
        };
        for early in [
            "0001-01-01T00:00:00Z",
            "1600-02-29T12:00:00Z",
            "1969-12-31T23:59:59.5Z",
            "1970-01-01T00:00:00Z",
            "2025-12-31T23:59:59Z",
        ] {
            let message = refusal(early);
            assert_eq!(
                message,
                format!("{early} is out of the accepted range: it is before 2026-01-01T00:00:00Z, when no quote was priced with carprice yet; check the device's clock")
            );
        }
        for late in ["9999-12-31T23:59:59Z".to_string(), hours_from_now(25)] {
            let message = refusal(&late);
            assert!(
                message.starts_with(&format!("{late} is out of the accepted range: it is more than a day after the receiving clock (")),
                "{message}"
            );
        }
        for malformed in [
            "0001-13-01T00:00:00Z",
            "1900-02-29T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "2026-11-30 07:07:43Z",
            "2026-11-30T08:07:43+01:00",
            "yesterday",
        ] {
            let message = refusal(malformed);
            assert!(
                message.starts_with(&format!(
                    "{malformed:?} is malformed: it must be an RFC 3339 time in UTC"
                )),
                "{malformed}: {message}"
            );
        }
        for accepted in [
            "2026-01-01T00:00:00Z".to_string(),
            "2026-01-01T00:00:00+00:00".to_string(),
            hours_from_now(23),
        ] {
            assert!(
                batch_with(|b| b["quotes"][0]["at"] = json!(accepted)).is_ok(),
                "{accepted}"
            );
        }
    }

    #[test]
    fn bounds_the_counts() {
        let many: serde_json::Map<String, Value> = (0..=MAX_ATTRIBUTES)
            .map(|i| (format!("a{i}"), json!(i)))
            .collect();
        assert_eq!(
            refused_field(|b| b["quotes"][0]["car"] = Value::Object(many)),
            "quotes[0].car"
        );
        let quotes: Vec<Value> = (0..=MAX_QUOTES).map(|_| quote()).collect();
        // 201 small quotes fit in 64 KiB only if they are small: shrink the car to be sure.
        let quotes: Vec<Value> = quotes
            .into_iter()
            .map(|mut q| {
                q["car"] = json!({});
                q["extrapolated"] = json!([]);
                q
            })
            .collect();
        assert_eq!(
            refused_field(|b| b["quotes"] = Value::Array(quotes)),
            "quotes"
        );
    }

    #[test]
    fn refuses_oversized_and_malformed_bodies() {
        let big = vec![b' '; MAX_BATCH_BYTES + 1];
        assert!(matches!(
            Batch::from_json(&big),
            Err(BatchError::TooLarge { size, .. }) if size == MAX_BATCH_BYTES + 1
        ));
        assert!(matches!(
            Batch::from_json(b"{\"batch\": \"a\",\n \"quotes\": [}"),
            Err(BatchError::Malformed { line: 2, .. })
        ));
        assert!(matches!(
            Batch::from_json(b"{\"batch\": \"a\", \"quotes\": []} trailing"),
            Err(BatchError::Malformed { .. })
        ));
    }
}
