//! The guarantee a valid model gives: every car inside its ranges gets a finite, positive price,
//! prediction interval and contribution factors.
//!
//! A car is *inside the ranges* when each number lies in its attribute's `[min, max]` and each
//! category is one of its attribute's categories. Every one-attribute term's effect is monotone in
//! its input (a slope times a monotone transform, or a table of weights), so its extremes over the
//! ranges are at `min`, at `max` or at one of the categories; an interaction is a weight times the
//! product of two such factors, bilinear, so its extremes are at the corners of their ranges. Summed term by term in the order pricing sums
//! them (floating-point addition is monotone), they bound the linear predictor of every car inside
//! the ranges; adding the interval offsets bounds the interval's ends. The same holds for each
//! attribute's change from the reference car, which sets its contribution.

use crate::car::Car;
use crate::compiled::{CompiledAttribute, CompiledFactor, CompiledTerm, FactorValue};
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

/// The smallest and largest effect of one term over the ranges, with the attribute values giving
/// them (as `("name" = value)` for messages).
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
    let name = |index: usize| &document.attributes[index].name;
    let candidates: Vec<(f64, String)> = match term {
        CompiledTerm::Numeric {
            attribute,
            transform,
            ..
        } => {
            let (min, max) = attributes[*attribute]
                .range()
                .expect("numeric terms read numeric attributes");
            [min, max]
                .into_iter()
                .map(|x| {
                    let value = format!(" (\"{}\" = {})", name(*attribute), format_number(x));
                    (term.effect(transform.apply(x)), value)
                })
                .collect()
        }
        CompiledTerm::Categorical { attribute, weights } => {
            let names: Vec<&str> = match &document.attributes[*attribute].kind {
                AttributeKind::Categorical { categories, .. } => {
                    categories.iter().map(String::as_str).collect()
                }
                AttributeKind::YesNo { .. } => vec!["no", "yes"],
                AttributeKind::Numeric { .. } => {
                    unreachable!("terms were checked against their attribute's kind")
                }
            };
            weights
                .iter()
                .zip(names)
                .map(|(w, c)| (*w, format!(" (\"{}\" = \"{c}\")", name(*attribute))))
                .collect()
        }
        CompiledTerm::Interaction { factors, weight } => {
            let ends = |factor: &CompiledFactor| -> [(f64, String); 2] {
                let attribute = name(factor.attribute);
                match factor.value {
                    FactorValue::Number(transform) => {
                        let (min, max) = attributes[factor.attribute]
                            .range()
                            .expect("numeric factors read numeric attributes");
                        [min, max].map(|x| {
                            (
                                (transform.apply(x) - factor.center) / factor.scale,
                                format!("\"{attribute}\" = {}", format_number(x)),
                            )
                        })
                    }
                    FactorValue::Indicator(_) => [0.0, 1.0].map(|x| {
                        let which = if x > 0.0 { "the" } else { "not the" };
                        (
                            (x - factor.center) / factor.scale,
                            format!("\"{attribute}\" {which} factor's category"),
                        )
                    }),
                }
            };
            let (first, second) = (ends(&factors[0]), ends(&factors[1]));
            first
                .iter()
                .flat_map(|(a, a_value)| {
                    second.iter().map(move |(b, b_value)| {
                        (weight * (a * b), format!(" ({a_value}, {b_value})"))
                    })
                })
                .collect()
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
                &extremes[term].high_value,
                "an infinite price or upper price",
            ),
            (false, false) => unpriceable(
                &format!("terms[{term}]"),
                &extremes[term].low_value,
                "a price or lower price that is not above 0",
            ),
        });
    }

    // Contributions: each attribute's change from the reference car, summed as pricing sums it; an
    // interaction's change is split in halves between its two attributes.
    let mut changes = vec![(0.0, 0.0); attributes.len()];
    for ((term, e), reference) in terms.iter().zip(&extremes).zip(&reference_effects) {
        let (first, second) = term.attributes();
        let share = if second.is_some() { 0.5 } else { 1.0 };
        for attribute in std::iter::once(first).chain(second) {
            let (lo, hi) = &mut changes[attribute];
            *lo += share * (e.low - reference);
            *hi += share * (e.high - reference);
        }
    }
    for (i, term) in terms.iter().enumerate() {
        let (first, second) = term.attributes();
        let (lo, hi) = std::iter::once(first)
            .chain(second)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), attribute| {
                (lo.min(changes[attribute].0), hi.max(changes[attribute].1))
            });
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
                value,
                "a contribution that is not a finite positive factor or finite amount",
            ));
        }
    }
    Ok(())
}

fn unpriceable(field: &str, car: &str, what: &str) -> ModelError {
    ModelError::Invalid {
        field: field.to_string(),
        problem: format!(
            "gives cars inside the model's ranges{car} {what}; the weights or interval offsets are corrupt"
        ),
    }
}
