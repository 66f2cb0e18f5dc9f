//! Usernames and passwords, parsed at the edge (账号与口令).

use crate::validation::FieldError;
use std::fmt;

/// A login name: 3–32 characters of `a-z 0-9 . _ -`, starting with a letter.
/// Stored lower-case so that `Bureau` and `bureau` are the same account.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    /// Parses a login name typed by a user.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim().to_ascii_lowercase();
        let len = value.chars().count();
        if len == 0 {
            return Err(FieldError::required("username", "用户名"));
        }
        if !(3..=32).contains(&len) {
            return Err(FieldError::new("username", "invalid_length", "用户名长度须为3至32个字符"));
        }
        if !value.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err(FieldError::new("username", "invalid_start", "用户名须以英文字母开头"));
        }
        if !value.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')) {
            return Err(FieldError::new(
                "username",
                "invalid_characters",
                "用户名只能包含英文字母、数字以及 . _ -",
            ));
        }
        Ok(Self(value))
    }

    /// The normalised login name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for Username {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Username({})", self.0)
    }
}

/// A password offered at login. Never printed: `Debug` redacts it.
#[derive(Clone)]
pub struct Password(String);

impl Password {
    /// Wraps what the user typed, unchecked (login compares; it does not judge).
    pub fn offered(raw: String) -> Self {
        Self(raw)
    }

    /// Parses a *new* password against the password policy: 10–128 characters,
    /// not the username, not one repeated character.
    pub fn new_for(raw: String, username: &Username, field: &str) -> Result<Self, FieldError> {
        let len = raw.chars().count();
        if len < 10 {
            return Err(FieldError::new(field, "too_short", "密码至少需要10个字符"));
        }
        if len > 128 {
            return Err(FieldError::new(field, "too_long", "密码不能超过128个字符"));
        }
        if raw.to_ascii_lowercase().contains(username.as_str()) {
            return Err(FieldError::new(field, "contains_username", "密码不能包含用户名"));
        }
        let mut chars = raw.chars();
        if let Some(first) = chars.next() {
            if chars.all(|c| c == first) {
                return Err(FieldError::new(field, "too_simple", "密码不能由同一个字符重复组成"));
            }
        }
        Ok(Self(raw))
    }

    /// The secret itself, for hashing or verifying only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn username_rules() {
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("bureau", Ok("bureau")),
            ("  Bureau ", Ok("bureau")),
            ("li.ming_2", Ok("li.ming_2")),
            ("", Err("required")),
            ("ab", Err("invalid_length")),
            ("a".repeat(33).leak(), Err("invalid_length")),
            ("1abc", Err("invalid_start")),
            ("张三丰", Err("invalid_start")),
            ("abc def", Err("invalid_characters")),
            ("abc;drop", Err("invalid_characters")),
        ];
        for (raw, want) in cases {
            match (want, Username::parse(raw)) {
                (Ok(v), Ok(u)) => assert_eq!(u.as_str(), *v),
                (Err(code), Err(e)) => {
                    assert_eq!(e.code, *code, "input {raw:?}");
                    assert_eq!(e.field, "username");
                }
                (w, g) => panic!("input {raw:?}: want {w:?}, got {g:?}"),
            }
        }
    }

    #[test]
    fn new_password_rules() {
        let Ok(user) = Username::parse("county") else { panic!("valid username") };
        let cases: &[(&str, Result<(), &str>)] = &[
            ("pocnet-demo", Ok(())),
            ("长城长城长城长城长城", Ok(())),
            ("short", Err("too_short")),
            ("aaaaaaaaaaaa", Err("too_simple")),
            ("my-County-2026", Err("contains_username")),
        ];
        for (raw, want) in cases {
            let got = Password::new_for((*raw).to_owned(), &user, "new_password");
            match (want, got) {
                (Ok(()), Ok(_)) => {}
                (Err(code), Err(e)) => {
                    assert_eq!(e.code, *code, "input {raw:?}");
                    assert_eq!(e.field, "new_password");
                }
                (w, g) => panic!("input {raw:?}: want {w:?}, got {g:?}"),
            }
        }
        let long = "x1".repeat(65);
        assert!(matches!(Password::new_for(long, &user, "p"), Err(e) if e.code == "too_long"));
    }

    #[test]
    fn password_debug_is_redacted() {
        let p = Password::offered("secret-value".into());
        assert!(!format!("{p:?}").contains("secret"));
    }
}
