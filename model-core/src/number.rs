//! Numbers as text, without core's float formatter.
//!
//! `{}`, `{:?}`, `{:.N}` and `to_string()` on an `f64` link core's float-to-decimal machinery
//! (Grisu with a Dragon fallback, and their tables): 15–20 KB of the web app's download for the
//! handful of numbers it shows. These functions print with integer arithmetic instead.
//!
//! - [`format_number`]: numbers people typed or that come from a model document (`2.5`, `288`,
//!   `-0.1`), written so they read back exactly.
//! - [`format_fixed`]: a fixed number of decimals, like `{:.N}`, for prices, percentages and
//!   scores (`8.9`, `0.956`).
//!
//! Integers need none of this: `u64`/`i64` `Display` does not use the float formatter.

/// Most decimals [`format_number`] tries before it settles for an approximation.
const MAX_DECIMALS: i32 = 9;

/// Below this, a whole number of units (`m` in `m / 10^d`) is exact in an `f64`.
const EXACT_INTEGERS: f64 = 9_007_199_254_740_992.0;

/// Formats a number as the shortest plain decimal that reads back as exactly the same `f64`,
/// when one with at most 9 decimals exists (typed values, training ranges, model defaults).
///
/// Other numbers are approximations: below 10^15 rounded to 9 decimals, beyond that (or
/// below 10^-9) 10 significant digits with an exponent (`1.5e20`). Zero, including negative
/// zero, is `0`; the non-finite values are `NaN`, `inf` and `-inf`.
///
/// ```
/// use model_core::format_number;
/// assert_eq!(format_number(2.5), "2.5");
/// assert_eq!(format_number(288.0), "288");
/// assert_eq!(format_number(-0.1), "-0.1");
/// assert_eq!(format_number(0.000000015), "0.000000015");
/// assert_eq!(format_number(1.0 / 3.0), "0.333333333");
/// assert_eq!(format_number(1.5e20), "1.5e20");
/// assert_eq!(format_number(-2.5e-12), "-2.5e-12");
/// ```
pub fn format_number(x: f64) -> String {
    if !x.is_finite() {
        return special(x).into();
    }
    let a = x.abs();
    if a == 0.0 {
        return "0".into();
    }
    let sign = if x < 0.0 { "-" } else { "" };
    if (1e-9..1e15).contains(&a) {
        let exact = (0..=MAX_DECIMALS).find(|&d| {
            let m = (a * pow10(d)).round();
            m < EXACT_INTEGERS && m / pow10(d) == a
        });
        // Otherwise as many decimals as keep the digits exact integers.
        let decimals = exact.unwrap_or_else(|| {
            (0..=MAX_DECIMALS)
                .rev()
                .find(|&d| a * pow10(d) < EXACT_INTEGERS)
                .unwrap_or(0)
        });
        let text = fixed(a, decimals);
        return format!("{sign}{}", trim_zeros(&text));
    }
    // Scientific: a = mantissa × 10^exponent with 1 <= mantissa < 10.
    let mut exponent = 0;
    let mut mantissa = a;
    while mantissa >= 10.0 {
        mantissa /= 10.0;
        exponent += 1;
    }
    while mantissa < 1.0 {
        mantissa *= 10.0;
        exponent -= 1;
    }
    let mut digits = fixed(mantissa, MAX_DECIMALS);
    if digits.starts_with("10") {
        // 9.9999999999 rounded up to 10.
        digits = fixed(1.0, MAX_DECIMALS);
        exponent += 1;
    }
    format!("{sign}{}e{exponent}", trim_zeros(&digits))
}

/// Formats a number with exactly `decimals` decimals (at most 9), like `format!("{:.N}", x)`,
/// rounding half away from zero (`{:.N}` rounds exact halves to even: `0.125` gives `0.13` here
/// and `0.12` there). A negative number that rounds to zero prints without its sign. Numbers
/// from 10^15 on are printed with [`format_number`]; non-finite values are `NaN`, `inf`, `-inf`.
///
/// ```
/// use model_core::format_fixed;
/// assert_eq!(format_fixed(8.94, 1), "8.9");
/// assert_eq!(format_fixed(0.95649, 3), "0.956");
/// assert_eq!(format_fixed(79.5, 0), "80");
/// assert_eq!(format_fixed(-0.04, 1), "0.0");
/// assert_eq!(format_fixed(13495.2712, 2), "13495.27");
/// ```
pub fn format_fixed(x: f64, decimals: u32) -> String {
    if !x.is_finite() {
        return special(x).into();
    }
    if x.abs() >= 1e15 {
        return format_number(x);
    }
    let decimals = decimals.min(MAX_DECIMALS as u32) as i32;
    let text = fixed(x.abs(), decimals);
    let rounds_to_zero = text.bytes().all(|b| b == b'0' || b == b'.');
    if x < 0.0 && !rounds_to_zero {
        format!("-{text}")
    } else {
        text
    }
}

/// `a >= 0` (below 10^15) rounded to `decimals` (at most 9) decimals, half away from zero: the
/// whole part, and the fraction scaled to an integer (subtracting the whole part is exact).
fn fixed(a: f64, decimals: i32) -> String {
    let scale = pow10(decimals);
    let mut whole = a.trunc() as u64;
    let mut fraction = ((a - a.trunc()) * scale).round() as u64;
    if fraction as f64 >= scale {
        whole += 1;
        fraction = 0;
    }
    if decimals == 0 {
        whole.to_string()
    } else {
        format!("{whole}.{fraction:0>width$}", width = decimals as usize)
    }
}

/// `10^d` for `0 <= d <= 22`, exactly.
fn pow10(d: i32) -> f64 {
    (0..d).fold(1.0, |p, _| p * 10.0)
}

/// Drops trailing zeros of the decimals, and the point when none remain.
fn trim_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

fn special(x: f64) -> &'static str {
    if x.is_nan() {
        "NaN"
    } else if x > 0.0 {
        "inf"
    } else {
        "-inf"
    }
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
            (10.0, "10"),
            (48.8, "48.8"),
            (0.956, "0.956"),
            (13495.27, "13495.27"),
            (0.000000015, "0.000000015"),
            (1e-9, "0.000000001"),
            (123456789012345.0, "123456789012345"),
            (0.3, "0.3"),
            (1e15, "1e15"),
            (1.5e20, "1.5e20"),
            (-2.5e-10, "-2.5e-10"),
            (1e300, "1e300"),
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
    fn long_numbers_are_close() {
        for x in [
            1.0 / 3.0,
            0.1 + 0.2,
            13495.271234567,
            1.23456789012e-15,
            1.2345678912e300,
            5e-324,
        ] {
            let back: f64 = format_number(x).parse().unwrap();
            assert!(
                ((back - x) / x).abs() < 1e-8,
                "{x:e} printed as {}",
                format_number(x)
            );
        }
    }

    /// A small deterministic generator (xorshift), so the test needs no dependency.
    fn numbers() -> impl Iterator<Item = u64> {
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        std::iter::repeat_with(move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        })
    }

    #[test]
    fn numbers_with_few_decimals_read_back_exactly() {
        for bits in numbers().take(200_000) {
            let decimals = (bits >> 60) as i32 % 7;
            let x = (bits % 100_000_000) as f64 / pow10(decimals);
            let x = if bits & 1 == 1 { -x } else { x };
            let text = format_number(x);
            let back: f64 = text.parse().unwrap();
            assert_eq!(
                back.to_bits(),
                (x + 0.0).to_bits(),
                "{x:e} printed as {text}"
            );
            assert_eq!(text, format!("{}", x + 0.0), "{x:e}");
        }
    }

    #[test]
    fn fixed_decimals_match_the_standard_formatter_except_at_exact_halves() {
        for bits in numbers().take(100_000) {
            let x = (bits >> 11) as f64 / (1u64 << 53) as f64 * 2e6 - 1e6;
            for decimals in 0..=6 {
                let ours = format_fixed(x, decimals);
                let standard = format!("{x:.*}", decimals as usize);
                let standard = standard
                    .strip_prefix('-')
                    .filter(|s| s.bytes().all(|b| b == b'0' || b == b'.'))
                    .map_or(standard.clone(), str::to_string);
                let scaled = x.abs() * pow10(decimals as i32);
                // Near a half, `x × 10^d` rounds before `round` sees it; the standard formatter
                // works on the exact value.
                if (scaled.fract() - 0.5).abs() > 1e-6 {
                    assert_eq!(ours, standard, "{x:e} with {decimals} decimals");
                }
            }
        }
    }

    #[test]
    fn fixed_decimals() {
        for (x, decimals, text) in [
            (8.94, 1, "8.9"),
            (0.125, 2, "0.13"),
            (-0.125, 2, "-0.13"),
            (0.95649, 3, "0.956"),
            (79.5, 0, "80"),
            (0.5, 0, "1"),
            (0.4, 0, "0"),
            (9.96, 1, "10.0"),
            (99.999, 2, "100.00"),
            (-0.04, 1, "0.0"),
            (-0.0, 2, "0.00"),
            (0.0, 0, "0"),
            (-12.345, 6, "-12.345000"),
            (1e-7, 6, "0.000000"),
            (5e-324, 3, "0.000"),
            (1e20, 1, "1e20"),
        ] {
            assert_eq!(format_fixed(x, decimals), text, "{x:e} to {decimals}");
        }
    }
}
