//! Reading typed input the same way from JSON and from HTML forms.

use serde::Deserialize;

/// Reads an optional id from JSON (a number or null) or a form (a string;
/// empty means absent).
pub fn empty_as_none<'de, D>(d: D) -> Result<Option<i64>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(i64),
        Text(String),
    }
    match Option::<Raw>::deserialize(d)? {
        None => Ok(None),
        Some(Raw::Int(n)) => Ok(Some(n)),
        Some(Raw::Text(s)) if s.trim().is_empty() => Ok(None),
        Some(Raw::Text(s)) => s.trim().parse().map(Some).map_err(|_| serde::de::Error::custom(format!("`{s}` is not an id"))),
    }
}

/// The version a change was read at (the optimistic lock every compare-and-set sends back), or
/// the error naming the missing field.
pub fn version(v: Option<i64>) -> Result<i64, pocnet_domain::FieldError> {
    v.ok_or_else(|| pocnet_domain::FieldError::required("version", "版本号"))
}
