//! Saved quotes: what "Save quote" keeps (car, price, range, main drivers, model version, time,
//! and the figures and car summary the saved quotes screen shows), as one small JSON text per
//! quote in this browser's IndexedDB ([`store`], whose module also draws that screen and exports
//! the quotes as CSV).

pub mod store;

use model_core::json::{write_string, Fields, Json, JsonError};
use model_core::{format_number, Quote};
use thiserror::Error;

/// The most quotes one browser keeps; saving more is refused with [`StoreError::Full`].
pub const LIMIT: u32 = 500;

/// One saved quote.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedQuote {
    /// When it was saved, in milliseconds since 1970 (also its key in the store).
    pub id: f64,
    /// When it was saved, RFC 3339 UTC.
    pub saved_at: String,
    /// The model that priced it.
    pub model_version: String,
    /// Price in dollars.
    pub price: f64,
    /// Low end of the range.
    pub low: f64,
    /// High end of the range.
    pub high: f64,
    /// The main drivers in words, largest first (`Make: Audi +12.3%`).
    pub drivers: Vec<String>,
    /// The car as link text ([`crate::share::encode`]).
    pub car: String,
    /// The price as shown when saved (`$10,110`).
    pub headline: String,
    /// The range as shown when saved (`$8,500 – $11,700`).
    pub range: String,
    /// The car's first values by label (`Make: Audi · Body style: Sedan`).
    pub summary: String,
}

/// Why quotes could not be saved, listed or deleted, in words for the person at the desk.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum StoreError {
    /// No IndexedDB (a private window, or site storage turned off).
    #[error("This browser does not let the price desk keep quotes ({0}). Turn site storage on, or use a normal window.")]
    Unavailable(String),
    /// [`LIMIT`] quotes are saved already.
    #[error(
        "{} quotes are saved, the most this browser keeps: export and delete some to save more.",
        LIMIT
    )]
    Full,
    /// The device's storage is full.
    #[error("This device's storage is full, so the quote was not saved: export and delete some saved quotes.")]
    Quota,
    /// Anything else the browser refused.
    #[error("The browser refused: {0}")]
    Refused(String),
}

impl SavedQuote {
    /// A quote to save: `id` and `saved_at` say when, `drivers` are the main ones in words,
    /// `car` the form as link text, `shown` the headline, range and car summary as shown.
    pub fn new(
        (id, saved_at): (f64, String),
        quote: &Quote<'_>,
        drivers: Vec<String>,
        car: String,
        [headline, range, summary]: [String; 3],
    ) -> SavedQuote {
        SavedQuote {
            id,
            saved_at,
            model_version: quote.model_version.to_string(),
            price: quote.price,
            low: quote.interval.low,
            high: quote.interval.high,
            drivers,
            car,
            headline,
            range,
            summary,
        }
    }

    /// The record as stored: a JSON object.
    pub fn to_json(&self) -> String {
        let mut out = format!(
            "{{\"id\":{},\"price\":{},\"low\":{},\"high\":{},\"saved_at\":",
            format_number(self.id),
            format_number(self.price),
            format_number(self.low),
            format_number(self.high)
        );
        write_string(&mut out, &self.saved_at);
        out.push_str(",\"model_version\":");
        write_string(&mut out, &self.model_version);
        for (name, text) in [
            ("car", &self.car),
            ("headline", &self.headline),
            ("range", &self.range),
            ("summary", &self.summary),
        ] {
            out.push_str(",\"");
            out.push_str(name);
            out.push_str("\":");
            write_string(&mut out, text);
        }
        out.push_str(",\"drivers\":[");
        for (i, driver) in self.drivers.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            write_string(&mut out, driver);
        }
        out.push_str("]}");
        out
    }

    /// Reads a stored record (one saved before the shown figures were kept has them empty).
    ///
    /// # Errors
    /// [`JsonError`] naming the field when the text is not a saved quote.
    pub fn from_json(text: &str) -> Result<SavedQuote, JsonError> {
        let json = Json::parse(text)?;
        let fields = Fields::of(&json, "")?;
        let shown =
            |key| Ok::<_, JsonError>(fields.optional_text(key)?.unwrap_or_default().to_string());
        Ok(SavedQuote {
            id: fields.number("id")?,
            saved_at: fields.text("saved_at")?.to_string(),
            model_version: fields.text("model_version")?.to_string(),
            price: fields.number("price")?,
            low: fields.number("low")?,
            high: fields.number("high")?,
            drivers: fields.texts("drivers")?,
            car: fields.text("car")?.to_string(),
            headline: shown("headline")?,
            range: shown("range")?,
            summary: shown("summary")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn quote() -> SavedQuote {
        SavedQuote {
            id: 1_795_000_000_123.0,
            saved_at: "2026-11-30T07:15:00.123Z".into(),
            model_version: "1.0.0".into(),
            price: 10_113.594_1,
            low: 8_596.4,
            high: 11_630.2,
            drivers: vec![
                "Make: Audi +12.3%".into(),
                "Body: \"hardtop\", 2 doors".into(),
            ],
            car: "make=audi&curb-weight=2337&note=a%2Cb".into(),
            headline: "$10,110".into(),
            range: "$8,500 – $11,700".into(),
            summary: "Make: Audi".into(),
        }
    }

    #[test]
    fn a_saved_quote_reads_back_as_it_was() {
        let quote = quote();
        assert_eq!(SavedQuote::from_json(&quote.to_json()), Ok(quote.clone()));
        assert_eq!(
            SavedQuote::from_json(r#"{"id": 1}"#)
                .unwrap_err()
                .to_string(),
            "`saved_at` is missing"
        );
        let mut older = quote.to_json();
        older.truncate(older.find(",\"headline\"").unwrap());
        older.push_str(r#","drivers":[]}"#);
        let older = SavedQuote::from_json(&older).unwrap();
        assert_eq!(
            (older.headline, older.summary),
            (String::new(), String::new())
        );
    }

    #[test]
    fn store_errors_say_what_to_do() {
        assert!(StoreError::Full
            .to_string()
            .starts_with("500 quotes are saved"));
        assert!(StoreError::Quota.to_string().contains("export and delete"));
    }
}
