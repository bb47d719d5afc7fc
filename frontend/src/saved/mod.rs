//! Saved quotes: what "Save quote" keeps (car, price, range, main drivers, model version, time,
//! and the headline, range and car summary the saved quotes screen shows), in this browser's
//! IndexedDB through [`store`], whose module writes each record, draws that screen and exports
//! the quotes as CSV. Between the app and the module a quote travels as fields separated by
//! [`SEPARATOR`] (none of which can hold it: the car is link text, the rest are the model's
//! version, numbers and the app's own words), so that no JSON of saved quotes is in the wasm.

pub mod store;

use model_core::{format_number, parse_number, Quote};
use thiserror::Error;

/// The most quotes one browser keeps; `quotes.js` refuses to save more, saying so.
pub const LIMIT: u32 = 500;

/// Separates the fields of a quote between the app and `quotes.js` (U+001F, unit separator).
pub const SEPARATOR: char = '\u{1f}';

/// Why quotes could not be saved or shown, in words for the person at the desk (`quotes.js` puts
/// the browser's refusals in words; this app only the module's failing to load).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{0}")]
pub struct StoreError(pub String);

/// The fields of a quote to save, for `quotes.js`: model version, price, low, high, car as link
/// text, then as shown: headline, range and car summary, then the main drivers in words, largest
/// first. The module adds the time.
pub fn to_fields(quote: &Quote<'_>, car: &str, shown: [String; 3], drivers: &[String]) -> String {
    let mut fields = vec![
        quote.model_version.to_string(),
        format_number(quote.price),
        format_number(quote.interval.low),
        format_number(quote.interval.high),
        car.to_string(),
    ];
    fields.extend(shown);
    fields.extend_from_slice(drivers);
    fields.join(&SEPARATOR.to_string())
}

/// A saved quote reopened: what the pricing screen shows of it then.
#[derive(Debug, Clone, PartialEq)]
pub struct SavedQuote {
    /// The car as link text ([`crate::share::encode`]).
    pub car: String,
    /// When it was saved, RFC 3339 UTC.
    pub saved_at: String,
    /// Price in dollars.
    pub price: f64,
    /// The model that priced it.
    pub model_version: String,
}

impl SavedQuote {
    /// Reads `quotes.js`'s fields of a reopened quote: car, time, price, model version.
    pub fn from_fields(text: &str) -> Option<SavedQuote> {
        let mut fields = text.split(SEPARATOR);
        let mut next = || fields.next().map(str::to_string);
        Some(SavedQuote {
            car: next()?,
            saved_at: next()?,
            price: parse_number(&next()?)?,
            model_version: next()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reopened_quote_reads_from_its_fields() {
        let text = "make=audi&note=a%2Cb\u{1f}2026-11-30T07:15:00.123Z\u{1f}10113.5941\u{1f}1.0.0";
        assert_eq!(
            SavedQuote::from_fields(text),
            Some(SavedQuote {
                car: "make=audi&note=a%2Cb".into(),
                saved_at: "2026-11-30T07:15:00.123Z".into(),
                price: 10_113.594_1,
                model_version: "1.0.0".into(),
            })
        );
        assert_eq!(
            SavedQuote::from_fields("make=audi\u{1f}2026\u{1f}lots\u{1f}1.0.0"),
            None
        );
        assert_eq!(SavedQuote::from_fields("make=audi"), None);
    }
}
