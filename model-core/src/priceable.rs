//! The guarantee a valid model gives: every car inside its ranges gets a finite, positive price,
//! prediction interval and contribution factors.
//!
//! A car is *inside the ranges* when each number lies in its attribute's `[min, max]` and each
//! category is one of its attribute's categories. Every term's effect is monotone in its input
//! (a slope times a monotone transform, or a table of weights), so its extremes over the ranges are
//! at `min`, at `max` or at one of the categories. Summed term by term in the order pricing sums
//! them (floating-point addition is monotone), they bound the linear predictor of every car inside
//! the ranges; adding the interval offsets bounds the interval's ends. The same holds for each
//! attribute's change from the reference car, which sets its contribution.

use crate::car::Car;
use crate::compiled::{CompiledAttribute, CompiledTerm};
use crate::document::{AttributeKind, ModelDocument};
use crate::error::ModelError;
use crate::number::format_number;
use crate::transform::Transform;

/// Whether a price, interval end or factor is a finite number above 0.
pub(crate) fn sane(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

/// Whether a value that is not [`sane`] failed towards infinity (or NaN) rather than towards 0.
pub(crate) fn pushes_up(x: f64) -> bool {
    x > 0.0 || x.is_nan()
}

/// The smallest and largest effect of one term over the ranges, with the values giving them.
struct Extremes {
    low: f64,
    low_value: String,
    high: f64,
    high_value: String,
}

fn extremes(
    term: &CompiledTerm,
    document: &ModelDocument,
    attributes: &[CompiledAttribute],
) -> Extremes {
    let index = term.attribute();
    let candidates: Vec<(f64, String)> = match (term, &document.attributes[index].kind) {
        (CompiledTerm::Numeric { transform, .. }, _) => {
            let (min, max) = attributes[index]
                .range()
                .expect("numeric terms read numeric attributes");
            [min, max]
                .into_iter()
                .map(|x| (term.effect(transform.apply(x)), format_number(x)))
                .collect()
        }
        (
            CompiledTerm::Categorical { weights, .. },
            AttributeKind::Categorical { categories, .. },
        ) => weights
            .iter()
            .zip(categories)
            .map(|(w, c)| (*w, format!("\"{c}\"")))
            .collect(),
        (CompiledTerm::Categorical { .. }, AttributeKind::Numeric { .. }) => {
            unreachable!("terms were checked against their attribute's kind")
        }
    };
    let low = candidates
        .iter()
        .min_by(|a, b| a.0.total_cmp(&b.0))
        .expect("an attribute has a range or categories");
    let high = candidates
        .iter()
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .expect("an attribute has a range or categories");
    Extremes {
        low: low.0,
        low_value: low.1.clone(),
        high: high.0,
        high_value: high.1.clone(),
    }
}

/// Checks the guarantee for a compiled document.
///
/// # Errors
/// [`ModelError::Invalid`] naming the term (or interval offset) that pushes a car inside the ranges
/// furthest towards an infinite, zero or negative price, interval end or contribution factor, with
/// the attribute value that does it.
pub(crate) fn check(
    document: &ModelDocument,
    target: Transform,
    attributes: &[CompiledAttribute],
    terms: &[CompiledTerm],
    reference: &Car,
) -> Result<(), ModelError> {
    let extremes: Vec<Extremes> = terms
        .iter()
        .map(|term| extremes(term, document, attributes))
        .collect();
    let reference_effects: Vec<f64> = terms
        .iter()
        .zip(&reference.inputs)
        .map(|(term, input)| term.effect(*input))
        .collect();
    let (lowest, highest) = extremes
        .iter()
        .fold((document.intercept, document.intercept), |(lo, hi), e| {
            (lo + e.low, hi + e.high)
        });
    let interval = &document.interval;

    // The interval contains the price (lower <= 0 <= upper), so its ends bound the price too. As
    // the reference car prices sanely, the upper end can only overflow and the lower only reach 0.
    for upward in [true, false] {
        let (end, offset) = if upward {
            (highest + interval.upper, interval.upper)
        } else {
            (lowest + interval.lower, interval.lower)
        };
        if sane(target.invert(end)) {
            continue;
        }
        // The term (or the offset) that moves the end furthest from the reference car's price.
        let sign = if upward { 1.0 } else { -1.0 };
        let (term, push) = extremes
            .iter()
            .zip(&reference_effects)
            .map(|(e, reference)| sign * (if upward { e.high } else { e.low } - reference))
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .expect("a valid document has terms");
        return Err(match (upward, sign * offset > push) {
            (true, true) => unpriceable("interval.upper", "", "an infinite upper price"),
            (false, true) => unpriceable("interval.lower", "", "a lower price that is not above 0"),
            (true, false) => unpriceable(
                &format!("terms[{term}]"),
                &car(document, terms, term, &extremes[term].high_value),
                "an infinite price or upper price",
            ),
            (false, false) => unpriceable(
                &format!("terms[{term}]"),
                &car(document, terms, term, &extremes[term].low_value),
                "a price or lower price that is not above 0",
            ),
        });
    }

    // Contributions: each attribute's change from the reference car, summed as pricing sums it.
    let mut changes = vec![(0.0, 0.0); attributes.len()];
    for ((term, e), reference) in terms.iter().zip(&extremes).zip(&reference_effects) {
        let (lo, hi) = &mut changes[term.attribute()];
        *lo += e.low - reference;
        *hi += e.high - reference;
    }
    for (i, term) in terms.iter().enumerate() {
        let (lo, hi) = changes[term.attribute()];
        let (high, low) = (&extremes[i].high_value, &extremes[i].low_value);
        let culprit = match target {
            Transform::Log if !libm::exp(hi).is_finite() => Some(high),
            Transform::Log if libm::exp(lo) <= 0.0 => Some(low),
            Transform::Identity if !hi.is_finite() => Some(high),
            Transform::Identity if !lo.is_finite() => Some(low),
            _ => None,
        };
        if let Some(value) = culprit {
            return Err(unpriceable(
                &format!("terms[{i}]"),
                &car(document, terms, i, value),
                "a contribution that is not a finite positive factor or finite amount",
            ));
        }
    }
    Ok(())
}

/// `(attribute = value)` for the message.
fn car(document: &ModelDocument, terms: &[CompiledTerm], term: usize, value: &str) -> String {
    let attribute = &document.attributes[terms[term].attribute()].name;
    format!(" (\"{attribute}\" = {value})")
}

fn unpriceable(field: &str, car: &str, what: &str) -> ModelError {
    ModelError::Invalid {
        field: field.to_string(),
        problem: format!(
            "gives cars inside the model's ranges{car} {what}; the weights or interval offsets are corrupt"
        ),
    }
}
