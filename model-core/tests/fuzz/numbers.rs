//! `model_core::parse_number` against `str::parse::<f64>` and an exact reference.
//!
//! The standard library caps a written exponent near 65,536 (it stops reading its digits there),
//! so for texts with that many digits and an exponent that offsets them it is not exact:
//! `0.` + 999,990 zeros + `1e999990` is 0.1 and `str::parse` gives 0. The reference here is
//! `str::parse` applied to the same number rewritten with a small exponent, which it reads exactly;
//! plain `str::parse` is compared wherever its cap does not apply.

use model_core::parse_number;
use proptest::prelude::*;

/// The exact value of a decimal text (`None` outside the grammar), computed by `str::parse` on
/// the same number written as `0.DIGITS` times a small power of ten.
pub fn exact(text: &str) -> Option<f64> {
    let (negative, rest) = match text.as_bytes().first() {
        Some(b'-') => (true, &text[1..]),
        Some(b'+') => (false, &text[1..]),
        _ => (false, text),
    };
    let (mantissa, written) = match rest.find(['e', 'E']) {
        Some(at) => (&rest[..at], Some(&rest[at + 1..])),
        None => (rest, None),
    };
    let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(whole) || !all_digits(fraction) || whole.len() + fraction.len() == 0 {
        return None;
    }
    let exponent: i128 = match written {
        None => 0,
        Some(e) => {
            let (sign, digits) = match e.as_bytes().first() {
                Some(b'-') => (-1, &e[1..]),
                Some(b'+') => (1, &e[1..]),
                _ => (1, e),
            };
            if digits.is_empty() || !all_digits(digits) {
                return None;
            }
            let value = digits
                .bytes()
                .fold(0i128, |v, b| (v * 10 + i128::from(b - b'0')).min(1 << 80));
            sign * value
        }
    };
    // value = 0.DIGITS × 10^point
    let digits = format!("{whole}{fraction}");
    let leading = digits.len() - digits.trim_start_matches('0').len();
    let significant = digits[leading..].trim_end_matches('0');
    let point = whole.len() as i128 - leading as i128 + exponent;
    let magnitude = if significant.is_empty() || point < -400 {
        0.0
    } else if point > 400 {
        f64::INFINITY
    } else {
        format!("0.{significant}e{point}").parse::<f64>().unwrap()
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// The written exponent when `str::parse` reads it in full (below its cap of 65,536).
fn within_std_exponent_cap(text: &str) -> bool {
    match text.find(['e', 'E']) {
        None => true,
        Some(at) => {
            let digits = text[at + 1..].trim_start_matches(['+', '-']);
            digits
                .bytes()
                .try_fold(0u64, |v, b| {
                    let v = v * 10 + u64::from(b.wrapping_sub(b'0'));
                    (v < 0x10000).then_some(v)
                })
                .is_some()
        }
    }
}

/// Parses `text` both ways and compares: accepted by both or neither, same bits.
pub fn check(text: &str) -> Result<(), TestCaseError> {
    let ours = parse_number(text);
    let reference = exact(text);
    prop_assert_eq!(
        ours.map(f64::to_bits),
        reference.map(f64::to_bits),
        "parse_number({:?}) = {:?}, exactly {:?}",
        text,
        ours,
        reference
    );
    let standard = text.parse::<f64>().ok();
    if within_std_exponent_cap(text) {
        prop_assert_eq!(
            standard.map(f64::to_bits),
            reference.map(f64::to_bits),
            "str::parse({:?}) differs from the exact reference",
            text
        );
    } else {
        prop_assert_eq!(standard.is_some(), reference.is_some(), "{:?}", text);
    }
    Ok(())
}

/// A run of digits: mostly short, sometimes thousands long, sometimes all zeros.
pub fn digits(max: usize) -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::collection::vec(0u8..10, 0..=20),
        1 => proptest::collection::vec(0u8..10, 0..=max),
        1 => (0..=max, 0u8..10).prop_map(|(n, last)| {
            let mut zeros = vec![0; n];
            zeros.push(last);
            zeros
        }),
    ]
    .prop_map(|digits| digits.into_iter().map(|d| char::from(b'0' + d)).collect())
}

/// An exponent: mostly inside `f64`'s range, sometimes far out, sometimes long.
fn exponent() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => (-400i64..400).prop_map(|e| e.to_string()),
        1 => any::<i64>().prop_map(|e| e.to_string()),
        1 => (digits(40), prop_oneof![Just(""), Just("+"), Just("-")])
            .prop_map(|(d, sign)| format!("{sign}{d}")),
    ]
}

/// Texts of the decimal grammar (and near misses: empty runs, a sign or point too many).
fn decimal_text() -> impl Strategy<Value = String> {
    (
        prop_oneof![Just(""), Just("-"), Just("+")],
        digits(3_000),
        proptest::option::of(digits(3_000)),
        proptest::option::of((prop_oneof![Just('e'), Just('E')], exponent())),
    )
        .prop_map(|(sign, whole, fraction, exponent)| {
            let mut text = format!("{sign}{whole}");
            if let Some(fraction) = fraction {
                text.push('.');
                text.push_str(&fraction);
            }
            if let Some((e, exponent)) = exponent {
                text.push(e);
                text.push_str(&exponent);
            }
            text
        })
}

/// Exact decimal digits and exponent of a positive finite `x`: `x = DIGITS × 10^exponent`.
fn exact_decimal(x: f64) -> (Vec<u8>, i64) {
    let text = format!("{x:.800e}");
    let (mantissa, exponent) = text.split_once('e').unwrap();
    let digits = mantissa
        .bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0');
    (digits.collect(), exponent.parse::<i64>().unwrap() - 800)
}

/// The exact decimal halfway between a positive finite `x` and the next `f64` up, as digits and
/// exponent: the hardest texts to round.
fn halfway(x: f64) -> (Vec<u8>, i64) {
    let next = f64::from_bits(x.to_bits() + 1);
    let (a, ea) = exact_decimal(x);
    let (b, eb) = exact_decimal(next);
    let exponent = ea.min(eb) - 1;
    // Both as whole numbers of 10^exponent (each ends in a zero, so their sum halves exactly).
    let widen = |digits: Vec<u8>, e: i64| {
        let mut digits = digits;
        digits.extend(std::iter::repeat_n(0, (e - exponent) as usize));
        digits
    };
    let (a, b) = (widen(a, ea), widen(b, eb));
    let width = a.len().max(b.len()) + 1;
    let padded = |d: &[u8]| {
        let mut v = vec![0; width - d.len()];
        v.extend_from_slice(d);
        v
    };
    let (a, b) = (padded(&a), padded(&b));
    let mut sum = vec![0u8; width];
    let mut carry = 0;
    for i in (0..width).rev() {
        let s = a[i] + b[i] + carry;
        sum[i] = s % 10;
        carry = s / 10;
    }
    let mut half = Vec::with_capacity(width);
    let mut remainder = 0;
    for d in sum {
        let v = remainder * 10 + d;
        half.push(v / 2);
        remainder = v % 2;
    }
    assert_eq!(remainder, 0, "the sum is even at this exponent");
    (half, exponent)
}

fn text_of(digits: &[u8], exponent: i64) -> String {
    let digits: String = digits.iter().map(|d| char::from(b'0' + d)).collect();
    format!("{digits}e{exponent}")
}

proptest! {
    #![proptest_config(crate::config())]

    #[test]
    fn decimal_texts_read_exactly(text in decimal_text()) {
        check(&text)?;
    }

    #[test]
    fn texts_of_decimal_characters_are_accepted_and_refused_alike(
        text in proptest::collection::vec(
            prop_oneof![8 => b'0'..=b'9', 1 => Just(b'.'), 1 => Just(b'e'), 1 => Just(b'E'),
                        1 => Just(b'+'), 1 => Just(b'-')],
            0..40,
        )
    ) {
        check(std::str::from_utf8(&text).unwrap())?;
    }

    #[test]
    fn every_f64_reads_back(bits in any::<u64>()) {
        let x = f64::from_bits(bits);
        prop_assume!(x.is_finite());
        for text in [format!("{x:e}"), format!("{x}"), format!("{x:.30e}")] {
            check(&text)?;
        }
        prop_assert_eq!(parse_number(&format!("{x:e}")).map(f64::to_bits), Some(bits));
    }

    #[test]
    fn halfway_cases_round_to_even(bits in 1u64..0x7FEF_FFFF_FFFF_FFFF) {
        let (digits, exponent) = halfway(f64::from_bits(bits));
        check(&text_of(&digits, exponent))?;
        // Just above and just below the halfway point.
        let mut above = digits.clone();
        above.extend([0, 0, 0, 1]);
        check(&text_of(&above, exponent - 4))?;
        let mut below = digits;
        below.extend([0, 0, 0, 0]);
        let last_nonzero = below.iter().rposition(|&d| d > 0).unwrap();
        below[last_nonzero] -= 1;
        below[last_nonzero + 1..].fill(9);
        check(&text_of(&below, exponent - 4))?;
    }
}

/// Bug: a written exponent was capped at a million, so `1` and 1,000,008 zeros `e-1000008` (which
/// is 1) read as 1e8.
#[test]
fn exponent_offsetting_a_million_digits_is_not_capped() {
    let text = format!("1{}e-1000008", "0".repeat(1_000_008));
    assert_eq!(parse_number(&text), Some(1.0));
    check(&text).unwrap();
    let text = format!("-0.{}25e1000001", "0".repeat(1_000_000));
    assert_eq!(parse_number(&text), Some(-2.5));
}

/// Reported as a bug: a million-character `0.000…01e999990` reads as 0.1 where `str::parse`
/// gives 0. 0.1 is the exact value: the standard library stops reading the exponent at 99999.
#[test]
fn a_long_zero_fraction_with_an_offsetting_exponent_reads_exactly() {
    let text = format!("0.{}1e999990", "0".repeat(999_990));
    assert_eq!(text.len(), 1_000_000);
    assert_eq!(parse_number(&text), Some(0.1));
    assert_eq!(exact(&text), Some(0.1));
    assert_eq!(text.parse::<f64>(), Ok(0.0));
}

/// Very long texts: all zeros, a million-digit integer, and long runs either side of the point.
#[test]
fn million_digit_texts_match_the_standard_library() {
    for text in [
        format!("0.{}", "0".repeat(999_998)),
        "9".repeat(1_000_009),
        format!("1{}", "0".repeat(1_000_008)),
        format!("0.{}1", "0".repeat(999_997)),
        format!("{}e-1000000", "9".repeat(1_000_009)),
        format!("1.{}1e-330", "0".repeat(1_000_000)),
    ] {
        check(&text).unwrap();
    }
}
