//! Endpoint mode's wire: the body sent to `POST /api/score` and the quote read from its answer
//! (and the car as JSON, which telemetry sends too).
//!
//! The app keeps quotes as [`Quote<'static>`] (owning their names), whether the browser's model
//! gave them ([`Quote::into_owned`]) or the endpoint did ([`Quote::from_fields`]).

use model_core::json::{write_string, Fields, Json, JsonError};
use model_core::{format_number, AttributeValue, CarDescription, Quote};

/// Body of `POST /api/score` in its named form for one car: `{"cars": [{"make": "audi", ...}]}`.
/// Numbers are sent as JSON numbers that read back as exactly the same `f64` (up to 9 decimals).
pub fn score_request(car: &CarDescription) -> String {
    let mut body = String::from("{\"cars\":[");
    write_car(&mut body, car);
    body.push_str("]}");
    body
}

/// Appends a car as a JSON object: texts as strings, numbers as JSON numbers that read back as
/// exactly the same `f64` (up to 9 decimals).
pub fn write_car(out: &mut String, car: &CarDescription) {
    out.push('{');
    for (i, (name, value)) in car.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        write_string(out, name);
        out.push(':');
        match value {
            AttributeValue::Text(text) => write_string(out, text),
            // Reads back as exactly `x` for numbers with up to 9 decimals, i.e. anything typed.
            AttributeValue::Number(x) => out.push_str(&format_number(*x)),
        }
    }
    out.push('}');
}

/// The first quote of a `POST /api/score` answer: `{"model_version": ..., "quotes": [...]}`.
///
/// # Errors
/// [`JsonError`] when the answer is not JSON of that shape.
pub fn first_quote(answer: &str) -> Result<Option<Quote<'static>>, JsonError> {
    let json = Json::parse(answer)?;
    let fields = Fields::of(&json, "")?;
    // Every quote is read, so a malformed answer is refused whole.
    let mut first = None;
    for item in fields.objects("quotes")? {
        let quote = Quote::from_fields(&item)?;
        first.get_or_insert(quote);
    }
    Ok(first)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{categorical, model, numeric};

    #[test]
    fn a_served_quote_reads_back_as_the_local_one() {
        let model = model();
        let (category, value, untrained) = categorical(&model);
        let (name, _, max, _) = numeric(&model, 0, false);
        let mut car = model.default_description();
        car.set(category.name.clone(), untrained.unwrap_or(value).as_str());
        car.set(name, max * 1.2 + 1.0);
        let quote = model.quote(&model.car(&car).unwrap()).unwrap();
        assert!(!quote.extrapolations.is_empty());
        let served = format!(
            r#"{{"model_version": "{}", "quotes": [{}]}}"#,
            quote.model_version,
            serde_json::to_string(&quote).unwrap()
        );
        assert_eq!(first_quote(&served), Ok(Some(quote.clone().into_owned())));
        assert_eq!(first_quote(r#"{"quotes": []}"#), Ok(None));
        assert_eq!(
            first_quote(r#"{"quotes": [{"model_version": "1"}]}"#)
                .unwrap_err()
                .to_string(),
            "`quotes[0].price` is missing"
        );
    }

    #[test]
    fn a_score_request_sends_every_value_as_it_was() {
        let model = model();
        let mut car = model.default_description();
        car.set(numeric(&model, 0, false).0, 2.345);
        car.set("note \"quoted\"", "x");
        let body: serde_json::Value = serde_json::from_str(&score_request(&car)).unwrap();
        let sent = &body["cars"][0];
        assert_eq!(
            sent.as_object().unwrap().len(),
            model.attributes().len() + 1
        );
        // Numbers go as JSON numbers that read back to the same bits; texts as strings.
        let sent: model_core::CarDescription = serde_json::from_value(sent.clone()).unwrap();
        for (name, value) in car.iter() {
            assert_eq!(sent.get(name), Some(value), "{name}");
        }
    }
}
