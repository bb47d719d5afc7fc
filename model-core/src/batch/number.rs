//! Prices written as `f64`'s `Display` writes them, several times faster (ryu, with `Display`
//! for the few numbers the two would write differently).

/// `x` as `f64`'s `Display` writes it (the shortest digits that read back as `x`, never an
/// exponent), found with ryu. The two pick different digits only when `x` lies exactly halfway
/// between the two nearest candidates (ryu rounds that half to even, `Display` up), which needs
/// `x` to be a multiple of a power of two no smaller than half the last digit's place (for a
/// price, 26 trailing zero bits); those, and ryu's other forms (`1e16`), are left to `Display`,
/// written into `spill`.
pub(super) fn display_number<'b>(
    digits: &'b mut ryu::Buffer,
    spill: &'b mut String,
    x: f64,
) -> &'b str {
    if x.is_finite() && x != 0.0 {
        let text = digits.format_finite(x);
        let bytes = text.as_bytes();
        // The power of ten of the last digit written.
        let last_place = match (
            text.strip_suffix(".0"),
            bytes.iter().position(|&b| b == b'.'),
        ) {
            _ if bytes.contains(&b'e') => None,
            (_, None) => None,
            (Some(whole), _) => Some((whole.len() - whole.trim_end_matches('0').len()) as i32),
            (None, Some(point)) => Some(-((text.len() - point - 1) as i32)),
        };
        if let Some(last_place) = last_place.filter(|&p| lowest_bit(x) < p - 1) {
            return if last_place >= 0 {
                &text[..text.len() - 2]
            } else {
                text
            };
        }
    }
    use std::fmt::Write as _;
    spill.clear();
    let _ = write!(spill, "{x}");
    spill
}

/// The power of two of the lowest set bit of a finite, non-zero `x`.
fn lowest_bit(x: f64) -> i32 {
    let bits = x.to_bits();
    let exponent = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    let (mantissa, power) = if exponent == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, exponent - 1075)
    };
    power + mantissa.trailing_zeros() as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_display_writes_them() {
        // Bit patterns spread by a multiplicative hash of a counter: every magnitude.
        let spread = |i: u64| i.wrapping_mul(0x9E37_79B9_7F4A_7C15).rotate_left(17);
        let random: Vec<f64> = (0..200_000)
            .map(|i| f64::from_bits(spread(i) >> 1))
            .collect();
        let prices: Vec<f64> = (0..200_000)
            .map(|i| (spread(i) % 10_000_000_000) as f64 / 1e4)
            .collect();
        let (mut digits, mut spill) = (ryu::Buffer::new(), String::new());
        // An exactly halfway case (184682136014194.625: ryu and Display round it differently),
        // integers, extremes.
        let special = [
            5_909_828_352_454_228.0 / 32.0,
            0.5,
            2.5,
            0.0,
            1.0,
            12.0,
            12300.0,
            1e15,
            1e16,
            1e17,
            9_007_199_254_740_992.0,
            1e-5,
            1e-7,
            123.456,
            5e-324,
            f64::MAX,
            f64::NAN,
            f64::INFINITY,
        ];
        for x in special.into_iter().chain(random).chain(prices) {
            assert_eq!(display_number(&mut digits, &mut spill, x), x.to_string());
        }
    }
}
