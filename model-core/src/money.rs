//! Dollar amounts as people read them.
//!
//! Amounts are rounded as numbers (`(amount × 100).round()`, halves away from zero) and their
//! digits printed with integer arithmetic, so no amount links core's float formatter. Amounts of
//! a thousand trillion dollars or more (no car's) print in [`format_number`]'s exponent form.

use crate::number::format_number;

/// Amounts from here on are printed as `$1.5e15`.
const HUGE: f64 = 1e15;

/// Formats dollars with thousands separators and cents, e.g. `$13,495.27` or `-$80.00`.
///
/// Rounds to the nearest cent, halves away from zero, after multiplying by 100 as an `f64`
/// (so `999.995`, stored as `999.99499…`, gives `$1,000.00`). An amount that rounds to zero
/// cents has no minus sign. NaN and the infinities print as `$NaN`, `$inf` and `-$inf`.
///
/// ```
/// assert_eq!(model_core::format_dollars(13495.271), "$13,495.27");
/// assert_eq!(model_core::format_dollars(-80.0), "-$80.00");
/// ```
pub fn format_dollars(amount: f64) -> String {
    if amount.is_nan() || amount.abs() >= HUGE {
        return huge(amount);
    }
    let cents = (amount.abs() * 100.0).round() as u64;
    let whole = dollars_text(amount < 0.0 && cents > 0, cents / 100);
    format!("{whole}.{:02}", cents % 100)
}

/// Formats dollars rounded to whole dollars (halves away from zero), e.g. `$13,495`.
///
/// NaN and the infinities print as `$NaN`, `$inf` and `-$inf`.
///
/// ```
/// assert_eq!(model_core::format_whole_dollars(16500.5), "$16,501");
/// assert_eq!(model_core::format_whole_dollars(-1500.0), "-$1,500");
/// ```
pub fn format_whole_dollars(amount: f64) -> String {
    if amount.is_nan() || amount.abs() >= HUGE {
        return huge(amount);
    }
    let dollars = amount.abs().round() as u64;
    dollars_text(amount < 0.0 && dollars > 0, dollars)
}

/// Amounts too large (or not finite) for grouped digits: `$1.5e20`, `-$inf`, `$NaN`.
fn huge(amount: f64) -> String {
    let sign = if amount < 0.0 { "-" } else { "" };
    format!("{sign}${}", format_number(amount.abs()))
}

/// `$` and a whole number of dollars with a comma every three digits.
fn dollars_text(negative: bool, dollars: u64) -> String {
    let digits = dollars.to_string();
    let mut text = String::with_capacity(digits.len() + digits.len() / 3 + 2);
    if negative {
        text.push('-');
    }
    text.push('$');
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            text.push(',');
        }
        text.push(c);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_and_rounds_cents() {
        assert_eq!(format_dollars(0.0), "$0.00");
        assert_eq!(format_dollars(999.995), "$1,000.00");
        assert_eq!(format_dollars(1234567.891), "$1,234,567.89");
        assert_eq!(format_whole_dollars(16500.4), "$16,500");
        assert_eq!(format_whole_dollars(-1500.0), "-$1,500");
    }

    #[test]
    fn small_and_negative_amounts() {
        assert_eq!(format_dollars(0.05), "$0.05");
        assert_eq!(format_dollars(0.5), "$0.50");
        assert_eq!(format_dollars(1.0), "$1.00");
        assert_eq!(format_dollars(12.3), "$12.30");
        assert_eq!(format_dollars(999.0), "$999.00");
        assert_eq!(format_dollars(1000.0), "$1,000.00");
        assert_eq!(format_dollars(-0.004), "$0.00");
        assert_eq!(format_dollars(-0.0), "$0.00");
        assert_eq!(format_dollars(-0.005), "-$0.01");
        assert_eq!(format_dollars(-999.995), "-$1,000.00");
        assert_eq!(format_dollars(-1234567.891), "-$1,234,567.89");
        assert_eq!(format_whole_dollars(0.4), "$0");
        assert_eq!(format_whole_dollars(-0.4), "$0");
        assert_eq!(format_whole_dollars(0.5), "$1");
        assert_eq!(format_whole_dollars(-0.5), "-$1");
        assert_eq!(format_whole_dollars(999.5), "$1,000");
        assert_eq!(format_whole_dollars(123456.0), "$123,456");
    }

    #[test]
    fn huge_and_non_finite_amounts_do_not_panic() {
        assert_eq!(format_dollars(999_999_999_999.994), "$999,999,999,999.99");
        assert_eq!(format_dollars(1e20), "$1e20");
        assert_eq!(format_whole_dollars(-1e20), "-$1e20");
        assert_eq!(format_dollars(f64::MAX), "$1.797693135e308");
        assert_eq!(format_dollars(f64::NAN), "$NaN");
        assert_eq!(format_dollars(f64::INFINITY), "$inf");
        assert_eq!(format_whole_dollars(f64::NEG_INFINITY), "-$inf");
    }
}
