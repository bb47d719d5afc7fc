//! Numbers as text, without core's float formatter.
//!
//! `{}`, `{:?}`, `{:.N}` and `to_string()` on an `f64` link core's float-to-decimal machinery
//! (Grisu with a Dragon fallback, and their tables): 15–20 KB of the web app's download for the
//! handful of numbers it shows. These functions print numbers from their exact binary value with
//! integer arithmetic instead, in about 4 KB of wasm; checking that a shortened number reads back
//! reuses the float parser, which the app needs anyway for what people type.
//!
//! - [`format_number`]: the shortest text that reads back as the same number, for values people
//!   typed or that come from a model document (`2.5`, `288`, `-0.1`).
//! - [`format_fixed`]: a fixed number of decimals, like `{:.N}`, for percentages and scores
//!   (`8.9`, `0.956`).
//!
//! Integers need none of this: `u64`/`i64` `Display` does not use the float formatter.

/// Significant digits that always identify an `f64`.
const ROUND_TRIP_DIGITS: usize = 17;

/// Decimal exponents printed in plain notation: `1e-9 <= |x| < 1e15`.
const PLAIN_EXPONENTS: std::ops::RangeInclusive<i32> = -9..=14;

/// Formats a number as the shortest decimal that reads back as exactly the same `f64`.
///
/// - Numbers from `1e-9` up to (not including) `1e15` are written plainly, without trailing zeros:
///   `2.5`, `288`, `-0.1`, `0.000000015`. Larger and smaller ones use an exponent: `1.5e20`,
///   `1e-12`.
/// - The digits are the fewest that read back as the number (at most 17, which always do), and
///   of those the closest to it: the same digits as JavaScript's `String(x)` and Rust's `{}`.
///   So `0.1 + 0.2` gives `0.30000000000000004`.
/// - Parsing the text (Rust's `str::parse::<f64>`, JavaScript's `Number`) gives back `x`
///   exactly, for every finite `x`.
/// - Zero, including negative zero, is `0`; the non-finite values are `NaN`, `inf` and `-inf`.
///
/// ```
/// use model_core::format_number;
/// assert_eq!(format_number(2.5), "2.5");
/// assert_eq!(format_number(288.0), "288");
/// assert_eq!(format_number(-0.1), "-0.1");
/// assert_eq!(format_number(0.1 + 0.2), "0.30000000000000004");
/// assert_eq!(format_number(1.5e20), "1.5e20");
/// assert_eq!(format_number(1e-12), "1e-12");
/// ```
pub fn format_number(x: f64) -> String {
    if let Some(text) = special(x) {
        return text;
    }
    if x == 0.0 {
        return "0".into();
    }
    let a = x.abs();
    let (digits, exponent) = significant_digits(a, ROUND_TRIP_DIGITS + 1);
    let (digits, exponent) = (1..ROUND_TRIP_DIGITS)
        .map(|count| round_to(&digits, exponent, count))
        .find(|(digits, exponent)| reads_back_as(digits, *exponent, a))
        .unwrap_or_else(|| round_to(&digits, exponent, ROUND_TRIP_DIGITS));
    let mut text = String::with_capacity(digits.len() + 8);
    if x < 0.0 {
        text.push('-');
    }
    let last = digits.iter().rposition(|&d| d != 0).unwrap_or(0);
    let digits = &digits[..=last];
    if PLAIN_EXPONENTS.contains(&exponent) {
        if exponent < 0 {
            text.push_str("0.");
            (1..-exponent).for_each(|_| text.push('0'));
            push_digits(&mut text, digits);
        } else {
            let point = exponent as usize + 1;
            push_digits(&mut text, &digits[..point.min(digits.len())]);
            (digits.len()..point).for_each(|_| text.push('0'));
            if digits.len() > point {
                text.push('.');
                push_digits(&mut text, &digits[point..]);
            }
        }
    } else {
        push_digits(&mut text, &digits[..1]);
        if digits.len() > 1 {
            text.push('.');
            push_digits(&mut text, &digits[1..]);
        }
        text.push('e');
        text.push_str(&exponent.to_string());
    }
    text
}

/// Formats a number with exactly `decimals` decimals, like `format!("{:.N}", x)`.
///
/// Rounds the exact binary value half away from zero (`{:.N}` rounds halves to even, so an exact
/// half such as `0.125` gives `0.13` here and `0.12` there; values that only look like halves,
/// such as `2.675`, which is really `2.67499…`, round the same way in both). A negative number
/// that rounds to zero prints without its sign (`0.0`, not `-0.0`). Meant for a few decimals
/// (percentages, scores, SVG coordinates); every digit printed is exact. Non-finite values are
/// `NaN`, `inf` and `-inf`.
///
/// ```
/// use model_core::format_fixed;
/// assert_eq!(format_fixed(8.94, 1), "8.9");
/// assert_eq!(format_fixed(0.95649, 3), "0.956");
/// assert_eq!(format_fixed(79.5, 0), "80");
/// assert_eq!(format_fixed(-0.04, 1), "0.0");
/// ```
pub fn format_fixed(x: f64, decimals: u32) -> String {
    if let Some(text) = special(x) {
        return text;
    }
    let mut exact = Exact::new(x.abs());
    // A leading 0 takes the carry of a round-up such as 9.96 -> 10.0.
    let mut digits = vec![0];
    digits.append(&mut exact.int);
    let point = digits.len();
    digits.extend((0..decimals).map(|_| exact.next_digit()));
    if exact.next_digit() >= 5 {
        round_up(&mut digits);
    }
    let first = digits[..point - 1]
        .iter()
        .position(|&d| d != 0)
        .unwrap_or(point - 1);
    let mut text = String::with_capacity(digits.len() + 2);
    if x < 0.0 && digits.iter().any(|&d| d != 0) {
        text.push('-');
    }
    push_digits(&mut text, &digits[first..point]);
    if decimals > 0 {
        text.push('.');
        push_digits(&mut text, &digits[point..]);
    }
    text
}

/// The text of NaN and the infinities; `None` for finite numbers.
fn special(x: f64) -> Option<String> {
    if x.is_nan() {
        Some("NaN".into())
    } else if x.is_infinite() {
        Some(if x > 0.0 { "inf" } else { "-inf" }.into())
    } else {
        None
    }
}

fn push_digits(text: &mut String, digits: &[u8]) {
    text.extend(digits.iter().map(|&d| char::from(b'0' + d)));
}

/// Adds one unit in the last place of a digit string that starts with a spare leading digit.
fn round_up(digits: &mut [u8]) {
    for digit in digits.iter_mut().rev() {
        if *digit == 9 {
            *digit = 0;
        } else {
            *digit += 1;
            return;
        }
    }
}

/// The first `count` significant digits of a finite `a > 0`, truncated, and the decimal exponent
/// of the first one (`a = d.ddd… × 10^exponent`).
fn significant_digits(a: f64, count: usize) -> (Vec<u8>, i32) {
    let mut exact = Exact::new(a);
    let mut digits = std::mem::take(&mut exact.int);
    let mut exponent = digits.len() as i32 - 1;
    if digits.is_empty() {
        // 0.000…: skip the zeros after the point (a > 0, so a digit comes).
        loop {
            let digit = exact.next_digit();
            if digit != 0 {
                digits.push(digit);
                break;
            }
            exponent -= 1;
        }
    }
    while digits.len() < count {
        digits.push(exact.next_digit());
    }
    digits.truncate(count);
    (digits, exponent)
}

/// Rounds truncated significant digits (more than `count` of them) to `count`, half up.
fn round_to(digits: &[u8], exponent: i32, count: usize) -> (Vec<u8>, i32) {
    let mut rounded = Vec::with_capacity(count + 1);
    rounded.push(0);
    rounded.extend_from_slice(&digits[..count]);
    if digits[count] >= 5 {
        round_up(&mut rounded);
    }
    if rounded[0] == 0 {
        rounded.remove(0);
        (rounded, exponent)
    } else {
        // 99.97 -> 100: one digit more in front, drop the (zero) last one.
        rounded.truncate(count);
        (rounded, exponent + 1)
    }
}

/// Whether the decimal `0.d1d2… × 10^(exponent + 1)` reads back as `a`, by parsing it: the app
/// parses typed numbers anyway, so this costs no code, and parsing is correctly rounded
/// ([`crate::parse_number`]).
fn reads_back_as(digits: &[u8], exponent: i32, a: f64) -> bool {
    let mut text = String::with_capacity(digits.len() + 6);
    push_digits(&mut text, digits);
    text.push('e');
    text.push_str(&(exponent + 1 - digits.len() as i32).to_string());
    crate::parse_number(&text) == Some(a)
}

/// The exact decimal expansion of a finite non-negative `f64`: the integer digits, and the
/// fraction as a big number, from which each further digit is the carry of a multiplication by 10.
struct Exact {
    /// Integer part, most significant digit first, without leading zeros (empty for `a < 1`).
    int: Vec<u8>,
    /// The fraction `f / 2^(32 × len)`, as `f`'s 32-bit limbs, least significant first.
    fraction: Vec<u32>,
}

impl Exact {
    fn new(a: f64) -> Exact {
        let bits = a.to_bits();
        let biased = ((bits >> 52) & 0x7ff) as i32;
        let stored = bits & ((1 << 52) - 1);
        // a = mantissa × 2^exponent exactly.
        let (mantissa, exponent) = if biased == 0 {
            (stored, -1074)
        } else {
            (stored | 1 << 52, biased - 1075)
        };
        if exponent >= 0 {
            return Exact {
                int: decimal(limbs(mantissa, exponent as u32)),
                fraction: Vec::new(),
            };
        }
        let shift = exponent.unsigned_abs();
        let (int, fraction) = if shift < 64 {
            (mantissa >> shift, mantissa & ((1 << shift) - 1))
        } else {
            (0, mantissa)
        };
        // fraction / 2^shift = (fraction × 2^(32 len − shift)) / 2^(32 len).
        let len = shift.div_ceil(32);
        let mut fraction = limbs(fraction, 32 * len - shift);
        fraction.resize(len as usize, 0);
        Exact {
            int: decimal(vec![int as u32, (int >> 32) as u32]),
            fraction,
        }
    }

    /// The next digit of the fraction (0 once it is exhausted).
    fn next_digit(&mut self) -> u8 {
        let mut carry = 0u64;
        for limb in &mut self.fraction {
            let product = u64::from(*limb) * 10 + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        carry as u8
    }
}

/// `value × 2^shift` as 32-bit limbs, least significant first.
fn limbs(value: u64, shift: u32) -> Vec<u32> {
    let mut limbs = vec![0; (shift / 32) as usize];
    let value = u128::from(value) << (shift % 32);
    limbs.extend([value as u32, (value >> 32) as u32, (value >> 64) as u32]);
    limbs
}

/// The decimal digits of a big number given as 32-bit limbs, most significant first, without
/// leading zeros (empty for zero).
fn decimal(mut limbs: Vec<u32>) -> Vec<u8> {
    let mut digits = Vec::new();
    loop {
        while limbs.last() == Some(&0) {
            limbs.pop();
        }
        if limbs.is_empty() {
            break;
        }
        let mut remainder = 0u64;
        for limb in limbs.iter_mut().rev() {
            let value = remainder << 32 | u64::from(*limb);
            *limb = (value / 10) as u32;
            remainder = value % 10;
        }
        digits.push(remainder as u8);
    }
    digits.reverse();
    digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_numbers_print_as_written() {
        for (x, text) in [
            (2.5, "2.5"),
            (288.0, "288"),
            (-0.1, "-0.1"),
            (0.0, "0"),
            (-0.0, "0"),
            (1.0, "1"),
            (-1.0, "-1"),
            (10.0, "10"),
            (100.0, "100"),
            (48.8, "48.8"),
            (0.956, "0.956"),
            (13495.27, "13495.27"),
            (0.000000015, "0.000000015"),
            (1e-9, "0.000000001"),
            (123456789012345.0, "123456789012345"),
            (999999999999999.9, "999999999999999.9"),
            (0.3, "0.3"),
            (5e-7, "0.0000005"),
            (123.456e-20, "1.23456e-18"),
            (1e15, "1e15"),
            (1.5e20, "1.5e20"),
            (-2.5e-10, "-2.5e-10"),
            (1e-12, "1e-12"),
            (1e300, "1e300"),
            (f64::MAX, "1.7976931348623157e308"),
            (f64::MIN_POSITIVE, "2.2250738585072014e-308"),
            (5e-324, "5e-324"),
            (9007199254740993.0, "9.007199254740992e15"),
        ] {
            assert_eq!(format_number(x), text, "{x:e}");
        }
    }

    #[test]
    fn non_finite_numbers_have_names() {
        assert_eq!(format_number(f64::NAN), "NaN");
        assert_eq!(format_number(f64::INFINITY), "inf");
        assert_eq!(format_number(f64::NEG_INFINITY), "-inf");
        assert_eq!(format_fixed(f64::NAN, 2), "NaN");
        assert_eq!(format_fixed(f64::NEG_INFINITY, 1), "-inf");
    }

    #[test]
    fn inexact_sums_print_every_digit_they_need() {
        assert_eq!(format_number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(format_number(1.0 / 3.0), "0.3333333333333333");
        assert_eq!(format_number(2.0 / 3.0), "0.6666666666666666");
        assert_eq!(format_number(100.0 / 3.0), "33.333333333333336");
    }

    /// A small deterministic generator (xorshift), so the test needs no dependency.
    fn numbers() -> impl Iterator<Item = f64> {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        std::iter::repeat_with(move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        })
        .enumerate()
        .map(|(i, bits)| match i % 4 {
            // Any finite double.
            0 => f64::from_bits((bits & !(0x7ff << 52)) | (((bits >> 40) % 0x7ff) << 52)),
            // Prices and attribute values: pricing output has all 17 digits.
            1 => (bits >> 11) as f64 / (1u64 << 53) as f64 * 100_000.0,
            // Short decimals, as typed.
            2 => {
                (bits % 1_000_000) as f64
                    / [1.0, 10.0, 100.0, 1e3, 1e4, 1e5][(bits >> 60) as usize % 6]
            }
            _ => -((bits >> 11) as f64) / (1u64 << 53) as f64,
        })
    }

    #[test]
    fn every_number_reads_back_exactly_and_matches_the_standard_digits() {
        for x in numbers().take(200_000) {
            let text = format_number(x);
            let back: f64 = text.parse().unwrap();
            assert_eq!(back.to_bits(), x.to_bits(), "{x:e} printed as {text}");
            // Same significant digits as the standard (shortest) formatter.
            let standard = format!("{x:e}");
            let (mantissa, _) = standard.split_once('e').unwrap();
            let digits = |s: &str| {
                s.trim_start_matches('-')
                    .chars()
                    .take_while(|c| *c != 'e')
                    .filter(char::is_ascii_digit)
                    .collect::<String>()
                    .trim_start_matches('0')
                    .trim_end_matches('0')
                    .to_string()
            };
            assert_eq!(digits(&text), digits(mantissa), "{x:e} printed as {text}");
        }
    }

    #[test]
    fn fixed_decimals_match_the_standard_formatter_except_at_exact_halves() {
        for x in numbers().take(100_000) {
            let x = x % 1e6;
            for decimals in 0..=6 {
                let ours = format_fixed(x, decimals);
                let standard = format!("{x:.*}", decimals as usize);
                let standard = standard
                    .strip_prefix('-')
                    .filter(|s| s.bytes().all(|b| b == b'0' || b == b'.'))
                    .map_or(standard.clone(), str::to_string);
                let scaled = x * 10f64.powi(decimals as i32);
                let half = (scaled - scaled.trunc()).abs() == 0.5;
                if !half {
                    assert_eq!(ours, standard, "{x:e} with {decimals} decimals");
                }
            }
        }
    }

    #[test]
    fn fixed_decimals() {
        for (x, decimals, text) in [
            (8.94, 1, "8.9"),
            (8.95, 1, "8.9"), // 8.949999…
            (0.125, 2, "0.13"),
            (-0.125, 2, "-0.13"),
            (2.675, 2, "2.67"), // 2.67499…
            (0.95649, 3, "0.956"),
            (79.5, 0, "80"),
            (80.0, 0, "80"),
            (0.5, 0, "1"),
            (0.4, 0, "0"),
            (9.96, 1, "10.0"),
            (99.999, 2, "100.00"),
            (-0.04, 1, "0.0"),
            (-0.0, 2, "0.00"),
            (0.0, 0, "0"),
            (-12.345, 6, "-12.345000"),
            (100.0, 2, "100.00"),
            (1e20, 1, "100000000000000000000.0"),
            (1e-7, 6, "0.000000"),
            (5e-324, 3, "0.000"),
        ] {
            assert_eq!(format_fixed(x, decimals), text, "{x:e} to {decimals}");
        }
    }

    #[test]
    fn exact_expansion_of_extremes() {
        assert_eq!(format_fixed(f64::MAX, 0), format!("{:.0}", f64::MAX));
        assert_eq!(format_fixed(2f64.powi(64), 0), "18446744073709551616");
        assert_eq!(format_fixed(0.1, 20), "0.10000000000000000555");
        assert_eq!(
            format_fixed(5e-324, 1074).trim_end_matches('0').len(),
            format!("{:.1074}", 5e-324).trim_end_matches('0').len()
        );
    }
}
