//! Decimal text to the nearest `f64`, exactly, with big-integer arithmetic and no tables.
//!
//! Rust's own `str::parse::<f64>` is as exact (up to exponents near 65,536) but carries a 10 KB
//! table of powers of five; this reader is what every number in a model document and every number
//! a person types goes through, in about 2 KB of WebAssembly. It is slower per number
//! (microseconds, not nanoseconds), which is nothing next to reading a model of a few hundred
//! numbers once. The tests below and the
//! property tests in `tests/fuzz` check it against `str::parse` bit for bit, including halfway
//! cases, the subnormal range and million-digit texts.

/// Parses `[+-]digits[.digits][(e|E)[+-]digits]` (either digit run may be empty, not both) to the
/// nearest `f64`, ties to even, like `str::parse::<f64>`, for texts of any length (`str::parse`
/// stops reading an exponent's digits near 65,536, so it reads `0.` + 999,990 zeros + `1e999990`,
/// which is 0.1, as 0). Too large a magnitude gives ±infinity; anything else (`inf`, `NaN`,
/// `0x10`, spaces) gives `None`.
///
/// ```
/// assert_eq!(model_core::parse_number("2.5"), Some(2.5));
/// assert_eq!(model_core::parse_number("-.5e1"), Some(-5.0));
/// assert_eq!(model_core::parse_number("1e400"), Some(f64::INFINITY));
/// assert_eq!(model_core::parse_number("inf"), None);
/// ```
pub fn parse_number(text: &str) -> Option<f64> {
    if let Some(x) = short_decimal(text) {
        return Some(x);
    }
    let (negative, digits, exponent) = split(text)?;
    let magnitude = nearest(&digits, exponent);
    Some(if negative { -magnitude } else { magnitude })
}

/// The common case without allocating: `[-]digits[.digits]` with at most 15 digits in all, whose
/// value is one exact division (or none) of two exact `f64`s, so rounded once: the nearest `f64`,
/// as [`nearest`] finds it. `None` for any other text, which the general reader takes.
fn short_decimal(text: &str) -> Option<f64> {
    let (negative, unsigned) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        bytes => (false, bytes),
    };
    // 15 digits and a point at most; one pass over the bytes.
    if unsigned.len() > 16 {
        return None;
    }
    let mut mantissa: u64 = 0;
    let mut point = None;
    for (i, &b) in unsigned.iter().enumerate() {
        match b {
            b'0'..=b'9' => mantissa = mantissa * 10 + u64::from(b - b'0'),
            b'.' if point.is_none() => point = Some(i),
            _ => return None,
        }
    }
    let (whole, fraction) = match point {
        Some(point) => (point, unsigned.len() - point - 1),
        None => (unsigned.len(), 0),
    };
    if whole == 0 || (point.is_some() && fraction == 0) || whole + fraction > 15 {
        return None;
    }
    // Below 10^15 < 2^53, and 10^k for k <= 15 is exact: both operands exact.
    let magnitude = mantissa as f64 / POWERS_OF_TEN[fraction];
    Some(if negative { -magnitude } else { magnitude })
}

/// 10^0 ..= 10^15, each exact in `f64`.
const POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// At most this many significant digits are kept; more only matter as "a little more" (a sticky
/// digit), since 768 digits decide every halfway case of an `f64`.
const MAX_DIGITS: usize = 800;

/// Written exponents are capped here: no text has as many digits as could bring a larger one back
/// into the range of `f64` (a cap of a million read `1` and 1,000,008 zeros `e-1000008` as 1e8).
const EXPONENT_CAP: i64 = 1 << 50;

/// Sign, significant digits (no leading or trailing zeros, each 0–9) and the decimal exponent of
/// the last digit kept: the value is `digits × 10^exponent`.
fn split(text: &str) -> Option<(bool, Vec<u8>, i64)> {
    let bytes = text.as_bytes();
    let mut at = 0;
    let negative = match bytes.first() {
        Some(b'-') => {
            at = 1;
            true
        }
        Some(b'+') => {
            at = 1;
            false
        }
        _ => false,
    };
    let mut digits = Vec::new();
    let mut exponent: i64 = 0;
    let mut seen_digit = false;
    let mut seen_point = false;
    let mut sticky = false;
    while let Some(&b) = bytes.get(at) {
        match b {
            b'0'..=b'9' => {
                seen_digit = true;
                if seen_point {
                    exponent -= 1;
                }
                if digits.len() < MAX_DIGITS {
                    if !(digits.is_empty() && b == b'0') {
                        digits.push(b - b'0');
                    }
                } else {
                    exponent += 1;
                    sticky |= b != b'0';
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => break,
        }
        at += 1;
    }
    if !seen_digit {
        return None;
    }
    if matches!(bytes.get(at), Some(b'e' | b'E')) {
        at += 1;
        let sign = match bytes.get(at) {
            Some(b'-') => {
                at += 1;
                -1
            }
            Some(b'+') => {
                at += 1;
                1
            }
            _ => 1,
        };
        let start = at;
        let mut written: i64 = 0;
        while let Some(&b @ b'0'..=b'9') = bytes.get(at) {
            // Capped far beyond any text's length (and the digit count that could offset it),
            // where the value is 0 or infinite anyway.
            written = (written * 10 + i64::from(b - b'0')).min(EXPONENT_CAP);
            at += 1;
        }
        if at == start {
            return None;
        }
        exponent += sign * written;
    }
    if at != bytes.len() {
        return None;
    }
    if sticky {
        digits.push(1);
        exponent -= 1;
    }
    while digits.last() == Some(&0) {
        digits.pop();
        exponent += 1;
    }
    Some((negative, digits, exponent))
}

/// The `f64` nearest `digits × 10^exponent`.
fn nearest(digits: &[u8], exponent: i64) -> f64 {
    let length = digits.len() as i64;
    if digits.is_empty() || length + exponent < -324 {
        return 0.0;
    }
    if length + exponent > 310 {
        return f64::INFINITY;
    }
    // Exact in f64 arithmetic: both operands are exact and the one operation rounds once.
    if length <= 15 && exponent.abs() <= 22 {
        let mantissa = digits.iter().fold(0.0, |m, &d| m * 10.0 + f64::from(d));
        let scale = (0..exponent.abs()).fold(1.0, |p, _| p * 10.0);
        return if exponent < 0 {
            mantissa / scale
        } else {
            mantissa * scale
        };
    }
    let mut numerator = Big::from_digits(digits);
    let mut denominator = Big::one();
    if exponent >= 0 {
        numerator.mul_pow10(exponent as u32);
    } else {
        denominator.mul_pow10(exponent.unsigned_abs() as u32);
    }
    // numerator / denominator lies in [2^(bits - 1), 2^(bits + 1)).
    let bits = numerator.bit_length() as i64 - denominator.bit_length() as i64;
    let mut binary_exponent = (bits - 53).max(-1074);
    let (mut mantissa, mut round_up) = divide(&numerator, &denominator, binary_exponent);
    if mantissa >= 1 << 53 {
        binary_exponent += 1;
        (mantissa, round_up) = divide(&numerator, &denominator, binary_exponent);
    }
    if round_up {
        mantissa += 1;
        if mantissa == 1 << 53 {
            mantissa = 1 << 52;
            binary_exponent += 1;
        }
    }
    if mantissa < 1 << 52 {
        // Subnormal (binary_exponent is -1074): the biased exponent field is 0.
        return f64::from_bits(mantissa);
    }
    let biased = binary_exponent + 1075;
    if biased >= 2047 {
        return f64::INFINITY;
    }
    f64::from_bits(((biased as u64) << 52) | (mantissa - (1 << 52)))
}

/// `floor(numerator / (denominator × 2^shift))` (below 2^55) and whether it rounds up: the
/// remainder is more than half, or exactly half with an odd quotient.
fn divide(numerator: &Big, denominator: &Big, shift: i64) -> (u64, bool) {
    let mut remainder = numerator.clone();
    let mut divisor = denominator.clone();
    if shift >= 0 {
        divisor.shl(shift as u32);
    } else {
        remainder.shl(shift.unsigned_abs() as u32);
    }
    let mut step = divisor.clone();
    step.shl(QUOTIENT_BITS - 1);
    let mut quotient: u64 = 0;
    for _ in 0..QUOTIENT_BITS {
        quotient <<= 1;
        if remainder >= step {
            remainder.sub(&step);
            quotient |= 1;
        }
        step.shr1();
    }
    remainder.shl(1);
    let round_up = remainder > divisor || (remainder == divisor && quotient & 1 == 1);
    (quotient, round_up)
}

/// Bits of quotient [`divide`] produces; enough for any quotient below 2^55.
const QUOTIENT_BITS: u32 = 55;

/// A non-negative big integer: little-endian 32-bit limbs, no zero limbs at the top.
#[derive(Clone, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn one() -> Big {
        Big(vec![1])
    }

    fn from_digits(digits: &[u8]) -> Big {
        let mut big = Big(Vec::new());
        for chunk in digits.chunks(9) {
            let value = chunk.iter().fold(0, |v, &d| v * 10 + u32::from(d));
            big.mul_add(10u32.pow(chunk.len() as u32), value);
        }
        big
    }

    /// `self = self × factor + add`.
    fn mul_add(&mut self, factor: u32, add: u32) {
        let mut carry = u64::from(add);
        for limb in &mut self.0 {
            let product = u64::from(*limb) * u64::from(factor) + carry;
            *limb = product as u32;
            carry = product >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
    }

    fn mul_pow10(&mut self, mut power: u32) {
        while power > 0 {
            let step = power.min(9);
            self.mul_add(10u32.pow(step), 0);
            power -= step;
        }
    }

    fn bit_length(&self) -> u32 {
        self.0
            .last()
            .map_or(0, |top| 32 * self.0.len() as u32 - top.leading_zeros())
    }

    fn shl(&mut self, bits: u32) {
        let (limbs, bits) = ((bits / 32) as usize, bits % 32);
        if bits > 0 {
            let mut carry = 0;
            for limb in &mut self.0 {
                let next = *limb >> (32 - bits);
                *limb = (*limb << bits) | carry;
                carry = next;
            }
            if carry > 0 {
                self.0.push(carry);
            }
        }
        self.0.splice(0..0, std::iter::repeat_n(0, limbs));
    }

    fn shr1(&mut self) {
        let mut carry = 0;
        for limb in self.0.iter_mut().rev() {
            let next = *limb << 31;
            *limb = (*limb >> 1) | carry;
            carry = next;
        }
        self.trim();
    }

    /// `self -= other`, for `other <= self`.
    fn sub(&mut self, other: &Big) {
        let mut borrow = false;
        for (i, limb) in self.0.iter_mut().enumerate() {
            let (difference, b1) = limb.overflowing_sub(other.0.get(i).copied().unwrap_or(0));
            let (difference, b2) = difference.overflowing_sub(u32::from(borrow));
            *limb = difference;
            borrow = b1 || b2;
        }
        self.trim();
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }
}

impl PartialOrd for Big {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Big {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) {
        let expected: f64 = text.parse().unwrap();
        let found = parse_number(text).unwrap();
        assert_eq!(
            found.to_bits(),
            expected.to_bits(),
            "{text}: {found:e} vs {expected:e}"
        );
    }

    #[test]
    fn hard_cases_match_the_standard_library() {
        for text in [
            "0",
            "-0",
            "0.0",
            "1",
            "0.1",
            "2.5",
            "1e22",
            "1e23",
            "9007199254740993",
            "9007199254740992.5",
            "9007199254740993.0000000000000001",
            "2.2250738585072011e-308",
            "2.2250738585072014e-308",
            "4.9406564584124654e-324",
            "2.4703282292062327e-324",
            "2.4703282292062328e-324",
            "1.7976931348623157e308",
            "1.7976931348623158e308",
            "1.7976931348623159e308",
            "123456789012345678901234567890",
            "0.000001234",
            "7.038531e-26",
            "8.98846567431158e307",
            "1e-400",
            "1e400",
            "1.00000000000000011102230246251565404236316680908203125",
            "1.00000000000000011102230246251565404236316680908203124",
            "1.00000000000000011102230246251565404236316680908203126",
        ] {
            check(text);
        }
        let long = format!("0.{}1e-300", "0".repeat(900));
        check(&long);
        check(&format!("1{}e-800", "0".repeat(850)));
        check("2.4703282292062327208828439643411068618252990130716238221279284125033775363510437593264991818081799618989828234772285886546332835517796989819938739800539093906315035659515570226392290858392449105184435931802849936536152500319370457678249219365623669863658480757001585769269903706311928279558551332927834338409351978015531246597263579574622766465272827220056374006485499977096599470454020828166226237857393450736339007967761930577506740176324673600968951340535537458516661134223766678604162159680461914467291840300530057530849048765391711386591646239524912623653881879636239373280423891018672348497668235089863388587925628302755995657524455507255189313690836254779186948667994968324049705821028513185451396213837722826145437693412532098591327667236328125e-324");
    }

    /// A fixed xorshift stream.
    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// 1 to `longest` random digits and a place for a decimal point among them.
    fn random_digits(next: &mut impl FnMut() -> u64, longest: u64) -> (String, usize) {
        let length = 1 + (next() % longest) as usize;
        let digits: String = (0..length)
            .map(|_| char::from(b'0' + (next() % 10) as u8))
            .collect();
        let point = (next() % (length as u64 + 1)) as usize;
        (digits, point)
    }

    #[test]
    fn short_decimals_match_the_standard_library() {
        for text in [
            "0",
            "-0",
            "-0.0",
            "5.",
            "-5.",
            ".5",
            "007",
            "0.1",
            "999999999999999",
            "99999999999999.9",
            "9999999999999.99",
            "-.5",
        ] {
            check(text);
        }
        check("9999999999999999");
        check("0.0000000000000001");
        for text in ["1.2.3", "1..2", "--5", "5-", "-", "."] {
            assert_eq!(parse_number(text), None, "{text:?}");
        }
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        for _ in 0..20_000 {
            let (digits, point) = random_digits(&mut next, 16);
            let sign = if next().is_multiple_of(2) { "-" } else { "" };
            check(&format!("{sign}{}.{}", &digits[..point], &digits[point..]));
            check(&format!("{sign}{digits}"));
        }
    }

    #[test]
    fn random_numbers_match_the_standard_library() {
        // Digits of every length up to 25, exponents across the range.
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
        for _ in 0..20_000 {
            let (digits, point) = random_digits(&mut next, 25);
            let exponent = (next() % 700) as i64 - 350;
            check(&format!(
                "{}.{}e{exponent}",
                &digits[..point],
                &digits[point..]
            ));
        }
        for _ in 0..20_000 {
            let x = f64::from_bits(next() % 0x7FF0_0000_0000_0000);
            check(&format!("{x:e}"));
            check(&format!("{x}"));
        }
    }

    #[test]
    fn the_grammar_is_plain_decimal() {
        assert_eq!(parse_number("+1.5"), Some(1.5));
        assert_eq!(parse_number("5."), Some(5.0));
        assert_eq!(parse_number(".5"), Some(0.5));
        assert_eq!(parse_number("1E3"), Some(1000.0));
        assert_eq!(parse_number("-1e-400"), Some(-0.0));
        for bad in [
            "", ".", "-", "e5", "1e", "1e+", "1.2.3", "inf", "NaN", " 1", "1 ", "0x10", "1_000",
        ] {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
    }
}
