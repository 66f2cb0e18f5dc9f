//! Money (金额): whole yuan (元) as integers, never floats; shown in 万元.

use crate::validation::FieldError;

/// Formats yuan as 万元 with up to two decimals, trailing zeros dropped
/// (1,000,000 → "100万元", 1,234,500 → "123.45万元", 500 → "0.05万元").
pub fn wan(yuan: i64) -> String {
    let sign = if yuan < 0 { "-" } else { "" };
    let abs = yuan.unsigned_abs();
    // Round to the nearest 100 yuan (0.01 万元), halves away from zero.
    let hundredths = (abs + 50) / 100;
    let whole = hundredths / 100;
    let frac = hundredths % 100;
    let frac_text = match frac {
        0 => String::new(),
        f if f % 10 == 0 => format!(".{}", f / 10),
        f => format!(".{f:02}"),
    };
    format!("{sign}{whole}{frac_text}万元")
}

/// Parses an amount in yuan typed by a user: digits, optional thousands
/// separators, optional "元"; negative amounts and fractions are refused.
pub fn parse_yuan(field: &str, label: &str, raw: &str) -> Result<i64, FieldError> {
    let cleaned: String = raw.trim().trim_end_matches('元').chars().filter(|c| *c != ',' && *c != '，').collect();
    if cleaned.is_empty() {
        return Err(FieldError::required(field, label));
    }
    if !cleaned.chars().all(|c| c.is_ascii_digit()) {
        return Err(FieldError::new(field, "not_whole_yuan", format!("{label}须为不小于0的整数（单位：元）")));
    }
    cleaned
        .parse::<i64>()
        .ok()
        .filter(|v| *v <= 1_000_000_000_000)
        .ok_or_else(|| FieldError::new(field, "too_large", format!("{label}超出允许范围")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wan_table() {
        let cases = [
            (0, "0万元"),
            (500, "0.05万元"),
            (10_000, "1万元"),
            (1_000_000, "100万元"),
            (1_234_500, "123.45万元"),
            (1_230_000, "123万元"),
            (1_205_000, "120.5万元"),
            (10_000_000, "1000万元"),
            (-25_000, "-2.5万元"),
            (49, "0万元"),
        ];
        for (yuan, want) in cases {
            assert_eq!(wan(yuan), want, "{yuan}");
        }
    }

    #[test]
    fn parse_yuan_table() {
        let cases: &[(&str, Result<i64, &str>)] = &[
            ("1000000", Ok(1_000_000)),
            ("1,000,000", Ok(1_000_000)),
            (" 500元 ", Ok(500)),
            ("", Err("required")),
            ("-5", Err("not_whole_yuan")),
            ("12.5", Err("not_whole_yuan")),
            ("abc", Err("not_whole_yuan")),
            ("99999999999999999999", Err("too_large")),
        ];
        for (raw, want) in cases {
            match (parse_yuan("amount", "金额", raw), want) {
                (Ok(v), Ok(w)) => assert_eq!(v, *w, "{raw}"),
                (Err(e), Err(code)) => assert_eq!(e.code, *code, "{raw}"),
                (got, _) => panic!("{raw}: got {got:?}, want {want:?}"),
            }
        }
    }
}
