//! Money (金额): whole yuan (元) as integers, never floats; shown in 万元.

use crate::validation::FieldError;
use serde::{Deserialize, Serialize};

/// An amount in whole yuan (元): what the database stores and the API sends
/// (an integer), shown in 万元 ([`Yuan::wan`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Yuan(i64);

impl Yuan {
    /// Nothing.
    pub const ZERO: Yuan = Yuan(0);

    /// This many yuan.
    pub const fn new(yuan: i64) -> Self {
        Self(yuan)
    }

    /// The whole yuan (to store, to compare with a figure of a policy).
    pub const fn get(self) -> i64 {
        self.0
    }

    /// As 万元 with up to two decimals (see [`wan`]).
    pub fn wan(self) -> String {
        wan(self.0)
    }

    /// The sum, or `None` past the range of the store.
    pub fn checked_add(self, other: Yuan) -> Option<Yuan> {
        self.0.checked_add(other.0).map(Yuan)
    }
}

impl From<i64> for Yuan {
    fn from(yuan: i64) -> Self {
        Self(yuan)
    }
}

impl std::ops::Add for Yuan {
    type Output = Yuan;
    fn add(self, other: Yuan) -> Yuan {
        Yuan(self.0.saturating_add(other.0))
    }
}

impl std::ops::Sub for Yuan {
    type Output = Yuan;
    fn sub(self, other: Yuan) -> Yuan {
        Yuan(self.0.saturating_sub(other.0))
    }
}

impl std::iter::Sum for Yuan {
    fn sum<I: Iterator<Item = Yuan>>(iter: I) -> Yuan {
        iter.fold(Yuan::ZERO, |a, b| a + b)
    }
}

impl std::fmt::Display for Yuan {
    /// 万元, as people read amounts.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.wan())
    }
}

impl utoipa::PartialSchema for Yuan {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        i64::schema()
    }
}

impl utoipa::ToSchema for Yuan {}

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
pub fn parse_yuan(field: &str, label: &str, raw: &str) -> Result<Yuan, FieldError> {
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
        .map(Yuan)
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
            assert_eq!(Yuan::new(yuan).to_string(), want, "{yuan}");
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
                (Ok(v), Ok(w)) => assert_eq!(v.get(), *w, "{raw}"),
                (Err(e), Err(code)) => assert_eq!(e.code, *code, "{raw}"),
                (got, _) => panic!("{raw}: got {got:?}, want {want:?}"),
            }
        }
    }
}
