//! Dollar amounts as people read them.
//!
//! Amounts are rounded as numbers (`(amount × 100).round()`, halves away from zero) and their
//! digits then printed with integer arithmetic ([`format_fixed`] on a whole number), so no
//! amount links core's float formatter and any amount, however large, prints without panicking.

use crate::number::{format_fixed, format_number};

/// Formats dollars with thousands separators and cents, e.g. `$13,495.27` or `-$80.00`.
///
/// Rounds to the nearest cent, halves away from zero, after multiplying by 100 as an `f64`
/// (so `999.995`, stored as `999.99499…`, gives `$1,000.00`); amounts beyond $90 trillion, where
/// that product is no longer exact, round their exact value. An amount that rounds to zero cents
/// has no minus sign.
/// NaN and the infinities print as `$NaN`, `$inf` and `-$inf`.
///
/// ```
/// assert_eq!(model_core::format_dollars(13495.271), "$13,495.27");
/// assert_eq!(model_core::format_dollars(-80.0), "-$80.00");
/// ```
pub fn format_dollars(amount: f64) -> String {
    if !amount.is_finite() {
        return non_finite(amount);
    }
    let cents = (amount * 100.0).round();
    let mut digits = if cents.abs() < EXACT_CENTS {
        format_fixed(cents.abs(), 0)
    } else {
        // Beyond $90 trillion `amount × 100` loses cents (or overflows): round the exact value.
        format_fixed(amount.abs(), 2).replace('.', "")
    };
    if digits.len() < 3 {
        digits.insert_str(0, &"00"[digits.len() - 1..]);
    }
    let negative = amount < 0.0 && digits.bytes().any(|b| b != b'0');
    let (whole, cents) = digits.split_at(digits.len() - 2);
    format!("{}.{cents}", dollars_text(negative, whole))
}

/// Below this many cents (2^53), every whole number of cents is an exact `f64`.
const EXACT_CENTS: f64 = 9_007_199_254_740_992.0;

/// Formats dollars rounded to whole dollars (halves away from zero), e.g. `$13,495`.
///
/// NaN and the infinities print as `$NaN`, `$inf` and `-$inf`.
///
/// ```
/// assert_eq!(model_core::format_whole_dollars(16500.5), "$16,501");
/// assert_eq!(model_core::format_whole_dollars(-1500.0), "-$1,500");
/// ```
pub fn format_whole_dollars(amount: f64) -> String {
    let dollars = amount.round();
    if !dollars.is_finite() {
        return non_finite(amount);
    }
    dollars_text(dollars < 0.0, &format_fixed(dollars.abs(), 0))
}

fn non_finite(amount: f64) -> String {
    let sign = if amount < 0.0 { "-" } else { "" };
    format!("{sign}${}", format_number(amount.abs()))
}

/// `$` and the digits of a whole number of dollars with a comma every three digits.
fn dollars_text(negative: bool, digits: &str) -> String {
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
        assert_eq!(format_dollars(1e20), "$100,000,000,000,000,000,000.00");
        assert_eq!(format_whole_dollars(-1e20), "-$100,000,000,000,000,000,000");
        assert_eq!(format_dollars(1e15 + 0.25), "$1,000,000,000,000,000.25");
        // Every digit exact, as `{:.2}` prints them.
        let huge = format_dollars(1e300);
        assert!(huge.starts_with("$1,000,000,000,000,000,052,504,760,255,204,420,248,704"));
        assert_eq!(huge.replace(['$', ','], ""), format!("{:.2}", 1e300));
        assert!(format_dollars(f64::MAX).ends_with(".00"));
        assert_eq!(format_whole_dollars(f64::MAX).len(), 309 + 102 + 1);
        assert_eq!(format_dollars(f64::NAN), "$NaN");
        assert_eq!(format_dollars(f64::INFINITY), "$inf");
        assert_eq!(format_whole_dollars(f64::NEG_INFINITY), "-$inf");
    }
}
