//! Validation errors that name the field and the rule.
//!
//! The `code` is stable (clients branch on it); the `message` is Chinese and
//! shown to users as is.

use serde::Serialize;

/// One input field broke one rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error, utoipa::ToSchema)]
#[error("{field}: {message}")]
pub struct FieldError {
    /// The input field, as named in the form and the JSON body.
    pub field: String,
    /// The rule that was broken, e.g. `too_short`, `required`, `unknown_value`.
    pub code: &'static str,
    /// What went wrong, in Chinese, for the user.
    pub message: String,
}

impl FieldError {
    /// A new error for `field` breaking `code`.
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self { field: field.into(), code, message: message.into() }
    }

    /// The field is empty.
    pub fn required(field: &str, label: &str) -> Self {
        Self::new(field, "required", format!("{label}不能为空"))
    }

    /// The value is not one of the allowed codes.
    pub fn unknown_value(field: &str, label: &str) -> Self {
        Self::new(field, "unknown_value", format!("{label}的取值无效"))
    }
}

/// Trims `raw` and checks its length in characters (not bytes: Chinese text).
pub fn text(field: &str, label: &str, raw: &str, min: usize, max: usize) -> Result<String, FieldError> {
    let value = raw.trim();
    let len = value.chars().count();
    if len == 0 && min > 0 {
        return Err(FieldError::required(field, label));
    }
    if len < min {
        return Err(FieldError::new(field, "too_short", format!("{label}至少需要{min}个字符")));
    }
    if len > max {
        return Err(FieldError::new(field, "too_long", format!("{label}不能超过{max}个字符")));
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(FieldError::new(field, "invalid_characters", format!("{label}不能包含控制字符")));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_rules_table() {
        let cases: &[(&str, usize, usize, Result<&str, &str>)] = &[
            ("  温州  ", 2, 10, Ok("温州")),
            ("", 1, 10, Err("required")),
            ("   ", 1, 10, Err("required")),
            ("温", 2, 10, Err("too_short")),
            ("温州市科学技术局", 2, 5, Err("too_long")),
            ("a\u{0007}b", 1, 10, Err("invalid_characters")),
            ("", 0, 10, Ok("")),
        ];
        for (raw, min, max, want) in cases {
            let got = text("name", "名称", raw, *min, *max);
            match (want, got) {
                (Ok(v), Ok(g)) => assert_eq!(*v, g, "input {raw:?}"),
                (Err(code), Err(e)) => {
                    assert_eq!(*code, e.code, "input {raw:?}");
                    assert_eq!(e.field, "name");
                    assert!(e.message.contains("名称"));
                }
                (w, g) => panic!("input {raw:?}: want {w:?}, got {g:?}"),
            }
        }
    }
}
