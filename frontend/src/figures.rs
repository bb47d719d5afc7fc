//! Figures for people: the headline price rounded to the site's step, the range to $100 (widened
//! outwards, so the rounded range still holds the 80% range), and categories by display label.
//! The exact amounts stay on the page in data attributes and titles.

use model_core::{format_dollars, format_whole_dollars, Attribute, AttributeKind, Model};

/// The range's rounding step, in dollars.
pub const RANGE_STEP: f64 = 100.0;

/// `amount` to the nearest multiple of `step` (halves away from zero).
pub fn nearest(amount: f64, step: f64) -> f64 {
    (amount / step).round() * step
}

/// The headline price, e.g. `$10,110` for $10,113.59 with a $10 step.
pub fn headline(price: f64, step: f64) -> String {
    format_whole_dollars(nearest(price, step))
}

/// The range rounded outwards to [`RANGE_STEP`], e.g. `$8,600 – $11,700`.
pub fn range(low: f64, high: f64) -> String {
    format!(
        "{} – {}",
        format_whole_dollars((low / RANGE_STEP).floor() * RANGE_STEP),
        format_whole_dollars((high / RANGE_STEP).ceil() * RANGE_STEP)
    )
}

/// The exact range to the cent (a title for the rounded one).
pub fn exact_range(low: f64, high: f64) -> String {
    format!("{} – {}", format_dollars(low), format_dollars(high))
}

/// The display label of a category value (the value itself when the model has none).
pub fn value_label(attribute: &Attribute, value: &str) -> String {
    match &attribute.kind {
        AttributeKind::Categorical {
            categories, labels, ..
        } => categories
            .iter()
            .position(|c| c == value)
            .and_then(|i| labels.get(i))
            .cloned()
            .unwrap_or_else(|| value.to_string()),
        AttributeKind::Numeric { .. } | AttributeKind::YesNo { .. } => value.to_string(),
    }
}

/// An attribute's label (its name when it has none).
pub fn attribute_label(attribute: &Attribute) -> &str {
    if attribute.label.is_empty() {
        &attribute.name
    } else {
        &attribute.label
    }
}

/// A value as a person reads it: a category's display label, a number with its unit.
pub fn value_text(model: &Model, name: &str, value: &str) -> String {
    match model.attributes().find(|a| a.name == name) {
        Some(attribute) => match &attribute.kind {
            AttributeKind::Numeric { unit, .. } if !unit.is_empty() => format!("{value} {unit}"),
            _ => value_label(attribute, value),
        },
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::model;

    #[test]
    fn the_headline_is_rounded_to_the_step_and_the_range_outwards_to_100() {
        assert_eq!(headline(10_113.59, 10.0), "$10,110");
        assert_eq!(headline(10_115.0, 10.0), "$10,120");
        assert_eq!(headline(10_113.59, 50.0), "$10,100");
        assert_eq!(headline(10_113.59, 1.0), "$10,114");
        assert_eq!(range(8_596.4, 11_630.2), "$8,500 – $11,700");
        assert_eq!(range(8_600.0, 11_700.0), "$8,600 – $11,700");
        assert_eq!(exact_range(8_596.4, 11_630.2), "$8,596.40 – $11,630.20");
    }

    #[test]
    fn categories_show_their_display_labels() {
        let model = model();
        let labelled = model
            .attributes()
            .find_map(|a| match &a.kind {
                AttributeKind::Categorical {
                    categories, labels, ..
                } if !labels.is_empty() => Some((a, categories[0].clone(), labels[0].clone())),
                _ => None,
            })
            .expect("the default model has display labels");
        let (attribute, category, label) = labelled;
        assert_eq!(value_label(attribute, &category), label);
        assert_eq!(value_label(attribute, "trabant"), "trabant");
        assert_eq!(value_text(&model, &attribute.name, &category), label);
        assert_eq!(value_text(&model, "retired", "x"), "x");
    }
}
