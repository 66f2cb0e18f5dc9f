//! Canonical JSON: the bytes a document is signed and logged as.
//!
//! The output follows RFC 8785 (JSON Canonicalization Scheme) for the values we allow: object
//! members sorted by the UTF-16 code units of their names, no insignificant whitespace, strings
//! escaped as ECMAScript's `JSON.stringify` does (`\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, other
//! control characters as `\u00xx`, everything else literal UTF-8). Numbers must be integers within
//! ±(2^53 − 1), written in plain decimal: documents carry money as integer fen or as decimal
//! strings, never as floating point, and a larger integer would not survive a JCS implementation
//! that parses numbers as IEEE doubles. A float with no fractional part (`1.0`) is written as the
//! integer (`1`), as JCS does; any other float is an error.

use serde_json::Value;

/// Largest integer magnitude accepted: 2^53 − 1 (`Number.MAX_SAFE_INTEGER`).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// Why a value has no canonical form here.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    /// A number with a fractional part (or not finite).
    #[error("number {0} is not an integer (carry amounts as integer fen or decimal strings)")]
    NotAnInteger(String),
    /// An integer beyond ±(2^53 − 1).
    #[error("integer {0} is beyond ±(2^53 − 1); carry it as a string")]
    UnsafeInteger(String),
}

/// The canonical bytes of `value`.
pub fn canonical_json(value: &Value) -> Result<Vec<u8>, CanonicalError> {
    let mut out = Vec::new();
    write_value(&mut out, value)?;
    Ok(out)
}

/// The canonical form of `value` as a string.
pub fn canonical_json_string(value: &Value) -> Result<String, CanonicalError> {
    let mut out = String::new();
    write_value_str(&mut out, value)?;
    Ok(out)
}

fn write_value(out: &mut Vec<u8>, value: &Value) -> Result<(), CanonicalError> {
    let mut s = String::new();
    write_value_str(&mut s, value)?;
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

fn write_value_str(out: &mut String, value: &Value) -> Result<(), CanonicalError> {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => write_number(out, n)?,
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value_str(out, item)?;
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut members: Vec<(&String, &Value)> = map.iter().collect();
            members.sort_by(|a, b| a.0.encode_utf16().cmp(b.0.encode_utf16()));
            out.push('{');
            for (i, (k, v)) in members.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(out, k);
                out.push(':');
                write_value_str(out, v)?;
            }
            out.push('}');
        }
    }
    Ok(())
}

fn write_number(out: &mut String, n: &serde_json::Number) -> Result<(), CanonicalError> {
    if let Some(i) = n.as_i64() {
        if i.unsigned_abs() > MAX_SAFE_INTEGER {
            return Err(CanonicalError::UnsafeInteger(n.to_string()));
        }
        out.push_str(&i.to_string());
    } else if n.as_u64().is_some() {
        return Err(CanonicalError::UnsafeInteger(n.to_string()));
    } else {
        let f = n
            .as_f64()
            .ok_or_else(|| CanonicalError::NotAnInteger(n.to_string()))?;
        if !f.is_finite() || f.fract() != 0.0 {
            return Err(CanonicalError::NotAnInteger(n.to_string()));
        }
        if f.abs() > MAX_SAFE_INTEGER as f64 {
            return Err(CanonicalError::UnsafeInteger(n.to_string()));
        }
        // In range and integral, so the conversion is exact; -0 is written as 0.
        out.push_str(&(f as i64).to_string());
    }
    Ok(())
}

fn write_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn canon(text: &str) -> Result<String, CanonicalError> {
        canonical_json_string(&serde_json::from_str(text).unwrap())
    }

    #[test]
    fn table() {
        let cases: &[(&str, &str)] = &[
            ("null", "null"),
            ("true", "true"),
            (" [ 1 , 2 ,\n 3 ] ", "[1,2,3]"),
            (
                r#"{"b": 1, "a": {"d": [], "c": {}}}"#,
                r#"{"a":{"c":{},"d":[]},"b":1}"#,
            ),
            ("-0", "0"),
            ("-0.0", "0"),
            ("1.0", "1"),
            ("1e3", "1000"),
            ("-42", "-42"),
            ("9007199254740991", "9007199254740991"),
            ("-9007199254740991", "-9007199254740991"),
            // Chinese text stays literal UTF-8; keys sort by UTF-16 code units (中 4E2D < 金 91D1 < 项 9879).
            (
                r#"{"项目":"概念验证","金额":"1000.00","中心":"深圳市概念验证中心"}"#,
                r#"{"中心":"深圳市概念验证中心","金额":"1000.00","项目":"概念验证"}"#,
            ),
            (r#""\u4e2d\u6587""#, r#""中文""#),
            // Escapes as JSON.stringify: short forms, \u00xx for other controls, "/" and DEL literal.
            (
                r#""a\"b\\c\/d\b\f\n\r\t\u0001\u001f\u007f""#,
                "\"a\\\"b\\\\c/d\\b\\f\\n\\r\\t\\u0001\\u001f\u{7f}\"",
            ),
            (r#""\u2028\u2029""#, "\"\u{2028}\u{2029}\""),
            (r#""😀""#, "\"😀\""),
        ];
        for (input, want) in cases {
            assert_eq!(canon(input).unwrap(), *want, "{input}");
        }
    }

    #[test]
    fn rfc8785_sorting_example() {
        // RFC 8785 §3.2.3: the property names in UTF-16 order.
        let v = json!({
            "\u{20ac}": "Euro Sign", "\r": "Carriage Return", "\u{fb33}": "Hebrew Letter Dalet With Dagesh",
            "1": "One", "\u{1f600}": "Emoji: Grinning Face", "\u{80}": "Control", "\u{f6}": "Latin Small Letter O With Diaeresis",
            "\u{394}": "Greek Capital Letter Delta"
        });
        let s = canonical_json_string(&v).unwrap();
        let order: Vec<&str> = [
            "\\r",
            "1",
            "\u{80}",
            "\u{f6}",
            "\u{394}",
            "\u{20ac}",
            "\u{1f600}",
            "\u{fb33}",
        ]
        .to_vec();
        let mut last = 0;
        for k in order {
            let at = s.find(&format!("\"{k}\":")).unwrap();
            assert!(at >= last, "{k} out of order in {s}");
            last = at;
        }
        // UTF-8 byte order would put U+FB33 before U+1F600; UTF-16 order puts it after.
        assert!(s.find("\u{1f600}").unwrap() < s.find("\u{fb33}").unwrap());
    }

    #[test]
    fn rejects_fractions_and_unsafe_integers() {
        assert!(matches!(canon("1.5"), Err(CanonicalError::NotAnInteger(_))));
        assert!(matches!(
            canon(r#"{"amount": 0.1}"#),
            Err(CanonicalError::NotAnInteger(_))
        ));
        assert!(matches!(
            canon("9007199254740992"),
            Err(CanonicalError::UnsafeInteger(_))
        ));
        assert!(matches!(
            canon("-9007199254740992"),
            Err(CanonicalError::UnsafeInteger(_))
        ));
        assert!(matches!(
            canon("18446744073709551615"),
            Err(CanonicalError::UnsafeInteger(_))
        ));
        assert!(matches!(
            canon("1e300"),
            Err(CanonicalError::UnsafeInteger(_))
        ));
    }

    #[test]
    fn canonical_form_is_a_fixed_point() {
        let v = json!({"z": [1, {"y": "二", "x": null}], "a": "一"});
        let once = canonical_json(&v).unwrap();
        let twice = canonical_json(&serde_json::from_slice(&once).unwrap()).unwrap();
        assert_eq!(once, twice);
    }
}
