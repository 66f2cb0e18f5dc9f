//! A closed set of values stored and sent as stable ASCII codes, shown in Chinese.

/// A code that is not one of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind} `{value}`")]
pub struct UnknownValue {
    /// Which enum was parsed (its Rust name).
    pub kind: &'static str,
    /// The value that did not parse.
    pub value: String,
}

/// Declares an enum whose values have a stable code (database, API) and a
/// Chinese label (UI). The code doubles as the serde name so the JSON API and
/// the database agree.
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident => ($code:tt, $label:tt) ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
                 serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
        $vis enum $name {
            $( $(#[$vmeta])* #[serde(rename = $code)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order (the order the UI lists them).
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable code used in the database and the API.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }

            /// The Chinese label shown to users.
            pub fn label_zh(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }

            /// Parses a stable code.
            pub fn parse(code: &str) -> Result<Self, $crate::UnknownValue> {
                match code {
                    $($code => Ok($name::$variant),)+
                    other => Err($crate::UnknownValue {
                        kind: stringify!($name),
                        value: other.chars().take(64).collect(),
                    }),
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }

        /// A stored code read as the value (`#[sqlx(try_from = "String")]`):
        /// an unknown code is an error, never a default.
        impl TryFrom<String> for $name {
            type Error = $crate::UnknownValue;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }
    };
}
