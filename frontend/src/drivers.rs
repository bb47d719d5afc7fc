//! "What drives this price": the largest contributions of a quote, ready to chart.

use model_core::{format_dollars, format_fixed, AttributeKind, Effect, Model, Quote};

use crate::form::FormState;

/// Contributions smaller than this (0.05% of the price, or 50 cents) are not worth a bar.
const NEGLIGIBLE: f64 = 0.0005;

/// One bar of the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Driver {
    /// Attribute name.
    pub attribute: String,
    /// What the bar is labelled with, e.g. `Make: audi` or `Horsepower: 182 hp`.
    pub label: String,
    /// The signed size (`Effect::signed_size`): a fraction for factors, dollars otherwise.
    pub size: f64,
    /// The size in words, e.g. `+12.3%` or `−$850.00`.
    pub text: String,
}

/// The `limit` largest contributions, largest first, leaving out negligible ones.
pub fn drivers(
    quote: &Quote<'static>,
    model: &Model,
    form: &FormState,
    limit: usize,
) -> Vec<Driver> {
    let mut drivers: Vec<Driver> = quote
        .contributions
        .iter()
        .filter_map(|contribution| {
            let effect = contribution.effect;
            let size = effect.signed_size();
            let negligible = match effect {
                Effect::Factor(_) => size.abs() < NEGLIGIBLE,
                Effect::Dollars(_) => size.abs() < 0.5,
            };
            if negligible || !size.is_finite() {
                return None;
            }
            let attribute = model
                .attributes()
                .find(|a| a.name == contribution.attribute);
            let label = attribute.map_or(contribution.attribute.as_ref(), |a| a.label.as_str());
            let label = if label.is_empty() {
                contribution.attribute.as_ref()
            } else {
                label
            };
            let typed = form.value(&contribution.attribute).trim();
            let value = attribute.map_or_else(
                || typed.to_string(),
                |a| crate::figures::value_label(a, typed),
            );
            let unit = match attribute.map(|a| &a.kind) {
                Some(AttributeKind::Numeric { unit, .. }) if !unit.is_empty() => format!(" {unit}"),
                _ => String::new(),
            };
            Some(Driver {
                attribute: contribution.attribute.to_string(),
                label: format!("{label}: {value}{unit}"),
                size,
                text: effect_text(effect),
            })
        })
        .collect();
    // Insertion sort: a few dozen drivers, and no general sort routine in the download.
    for i in 1..drivers.len() {
        let mut j = i;
        while j > 0 && ranks_before(&drivers[j], &drivers[j - 1]) {
            drivers.swap(j, j - 1);
            j -= 1;
        }
    }
    drivers.truncate(limit);
    drivers
}

/// Larger effects first; equal ones by attribute name.
fn ranks_before(a: &Driver, b: &Driver) -> bool {
    a.size
        .abs()
        .total_cmp(&b.size.abs())
        .then_with(|| b.attribute.cmp(&a.attribute))
        .is_gt()
}

/// An effect in words, with an explicit sign: `+12.3%`, `−4.0%`, `+$850.00`.
pub fn effect_text(effect: Effect) -> String {
    let size = effect.signed_size();
    let sign = if size < 0.0 { "\u{2212}" } else { "+" };
    match effect {
        Effect::Factor(_) => format!("{sign}{}%", format_fixed(size.abs() * 100.0, 1)),
        Effect::Dollars(_) => format!("{sign}{}", format_dollars(size.abs())),
    }
}

/// Horizontal extent of a bar on an axis from `-1` to `1` around a centre line at 0: the start
/// and the length, both as fractions of half the axis, for a bar of `size` when the largest
/// bar has `largest`.
pub fn bar_extent(size: f64, largest: f64) -> (f64, f64) {
    if !(largest.is_finite() && largest > 0.0 && size.is_finite()) {
        return (0.0, 0.0);
    }
    let length = (size.abs() / largest).min(1.0);
    if size < 0.0 {
        (-length, length)
    } else {
        (0.0, length)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{price, Pricing};
    use crate::test_support::{categorical, model, numeric};

    #[test]
    fn the_largest_drivers_come_first_with_their_values() {
        let model = model();
        let (category, value, _) = categorical(&model);
        let (name, min, _, _) = numeric(&model, 0, false);
        let mut form = FormState::for_model(&model);
        form.set(category.name.clone(), value.clone());
        form.set(name.clone(), min.to_string());
        let Pricing::Priced { quote, .. } = price(&model, &form) else {
            panic!("the car should price");
        };
        let drivers = drivers(&quote, &model, &form, 5);
        assert!(!drivers.is_empty() && drivers.len() <= 5);
        assert!(drivers
            .windows(2)
            .all(|w| w[0].size.abs() >= w[1].size.abs()));
        let driver = drivers
            .iter()
            .find(|d| d.attribute == category.name)
            .expect("the category drives");
        // Categories read by their display labels.
        let shown = crate::figures::value_label(category, &value);
        assert_eq!(driver.label, format!("{}: {shown}", category.label));
        assert!(
            drivers.len() <= 2,
            "only changed attributes move the price: {drivers:?}"
        );
        let limited = super::drivers(&quote, &model, &form, 1);
        assert_eq!(limited.len(), 1);
    }

    #[test]
    fn the_reference_car_has_no_drivers() {
        let model = model();
        let form = FormState::for_model(&model);
        let Pricing::Priced { quote, .. } = price(&model, &form) else {
            panic!("the reference car should price");
        };
        assert!(drivers(&quote, &model, &form, 8).is_empty());
    }

    #[test]
    fn effects_and_bars() {
        assert_eq!(effect_text(Effect::Factor(1.123)), "+12.3%");
        assert_eq!(effect_text(Effect::Factor(0.96)), "\u{2212}4.0%");
        assert_eq!(effect_text(Effect::Dollars(-850.0)), "\u{2212}$850.00");
        assert_eq!(bar_extent(0.5, 1.0), (0.0, 0.5));
        assert_eq!(bar_extent(-0.25, 0.5), (-0.5, 0.5));
        assert_eq!(bar_extent(1.0, 0.0), (0.0, 0.0));
        assert_eq!(bar_extent(f64::NAN, 1.0), (0.0, 0.0));
    }
}
