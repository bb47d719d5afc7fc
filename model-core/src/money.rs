//! Dollar amounts as people read them.

/// Formats dollars with thousands separators and cents, e.g. `$13,495.27` or `-$80.00`.
///
/// ```
/// assert_eq!(model_core::format_dollars(13495.271), "$13,495.27");
/// assert_eq!(model_core::format_dollars(-80.0), "-$80.00");
/// ```
pub fn format_dollars(amount: f64) -> String {
    format!(
        "{}.{:02}",
        whole(amount),
        (round_cents(amount).abs() % 100.0) as u64
    )
}

/// Formats dollars rounded to whole dollars, e.g. `$13,495`.
pub fn format_whole_dollars(amount: f64) -> String {
    whole_dollars_text(amount.round())
}

fn whole(amount: f64) -> String {
    let cents = round_cents(amount);
    let sign = if cents < 0.0 { "-" } else { "" };
    format!(
        "{sign}{}",
        whole_dollars_text((cents.abs() / 100.0).trunc()).trim_start_matches('-')
    )
}

fn round_cents(amount: f64) -> f64 {
    (amount * 100.0).round()
}

fn whole_dollars_text(dollars: f64) -> String {
    let sign = if dollars < 0.0 { "-" } else { "" };
    let digits = format!("{:.0}", dollars.abs());
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}${grouped}")
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
}
