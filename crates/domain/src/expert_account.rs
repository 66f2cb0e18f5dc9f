//! Experts are people with accounts (专家账号): one account, one library
//! expert. The bureau (or a center, for its own advisory experts) links an
//! existing expert account to a library record, or opens the account from the
//! record and hands the expert a one-time activation code with which the
//! expert sets its own password. An expert may also apply to join the library
//! (专家入库申请); the application stays pending until the bureau approves it.

use crate::credentials::{Password, Username};
use crate::expert::ExpertInput;
use crate::org::OrgKind;
use crate::validation::{text, FieldError};
use serde::{Deserialize, Serialize};

/// How long an activation code stays valid after it is issued (days).
pub const ACTIVATION_VALID_DAYS: i64 = 7;

/// The alphabet of activation codes: Crockford's base32 (no I, L, O, U), so a
/// code read aloud or copied from paper is not misread.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters in a code: 20 × 5 bits = 100 bits of randomness.
pub const CODE_LEN: usize = 20;

/// A one-time activation code (激活码), shown as `ABCD-EFGH-JKMN-PQRS-TVWX`.
#[derive(Clone, PartialEq, Eq)]
pub struct ActivationCode(String);

impl ActivationCode {
    /// A code from random bytes (the caller draws them from the OS generator).
    pub fn from_random(bytes: [u8; CODE_LEN]) -> Self {
        Self(bytes.iter().map(|b| char::from(ALPHABET[usize::from(b & 31)])).collect())
    }

    /// Parses a code as typed: case, spaces and dashes do not matter, and the
    /// look-alikes O, I and L read as 0, 1 and 1.
    pub fn parse(raw: &str) -> Result<Self, FieldError> {
        let mut out = String::with_capacity(CODE_LEN);
        for c in raw.chars().filter(|c| !matches!(c, ' ' | '-' | '　')) {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                other => other,
            };
            if !c.is_ascii() || !ALPHABET.contains(&(c as u8)) {
                return Err(invalid_code());
            }
            out.push(c);
        }
        if out.is_empty() {
            return Err(FieldError::required("code", "激活码"));
        }
        if out.len() != CODE_LEN {
            return Err(invalid_code());
        }
        Ok(Self(out))
    }

    /// The canonical form (what is hashed and stored).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form shown to people: groups of four joined by dashes.
    pub fn display(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
    }
}

impl std::fmt::Debug for ActivationCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ActivationCode(…)")
    }
}

fn invalid_code() -> FieldError {
    FieldError::new("code", "invalid_code", "激活码格式不正确（20位字母数字，可含连字符）")
}

string_enum! {
    /// Where an application to join the library stands (专家入库申请).
    pub enum RegistrationStatus {
        /// 待审核
        Pending => ("pending", "待审核"),
        /// 已通过
        Approved => ("approved", "已通过"),
        /// 未通过
        Rejected => ("rejected", "未通过"),
    }
}

/// An application to join the library, as typed by the applicant.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
pub struct RegistrationInput {
    /// The login name wanted.
    pub username: String,
    /// The password wanted (10–128 characters, not the username).
    pub password: String,
    /// The unit's full name as the applicant writes it (工作单位).
    pub org_name: String,
    /// The unit's kind: `university`, `research_institute`, `hospital`, `enterprise`, `fund`, `bank`, `incubator` ….
    pub org_kind: String,
    /// The expert profile; `org_id` is ignored (the bureau settles the unit on approval).
    #[serde(flatten)]
    pub profile: ExpertInput,
}

/// A checked application to join the library.
#[derive(Debug, Clone)]
pub struct RegistrationDraft {
    /// Login name.
    pub username: Username,
    /// The new password (hashed by the caller, never stored as typed).
    pub password: Password,
    /// The unit's name.
    pub org_name: String,
    /// The unit's kind.
    pub org_kind: OrgKind,
    /// The profile as typed (re-parsed with the unit's id on approval).
    pub profile: ExpertInput,
}

impl RegistrationInput {
    /// Checks every field; every problem at once. `parse_profile` checks the
    /// profile against the loaded catalogues (with a stand-in unit).
    pub fn parse(&self, parse_profile: &dyn Fn(&ExpertInput) -> Result<(), FieldError>) -> Result<RegistrationDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let username = Username::parse(&self.username).map_err(|e| errors.push(e)).ok();
        let password = username
            .as_ref()
            .and_then(|u| Password::new_for(self.password.clone(), u, "password").map_err(|e| errors.push(e)).ok());
        let org_name = text("org_name", "工作单位", &self.org_name, 2, 100).map_err(|e| errors.push(e)).ok();
        let org_kind = OrgKind::parse(self.org_kind.trim())
            .ok()
            .filter(|k| !matches!(k, OrgKind::Bureau | OrgKind::CountyDepartment))
            .or_else(|| {
                errors.push(FieldError::unknown_value("org_kind", "单位类型"));
                None
            });
        if let Err(e) = parse_profile(&self.profile) {
            errors.push(e);
        }
        match (username, password, org_name, org_kind) {
            (Some(username), Some(password), Some(org_name), Some(org_kind)) if errors.is_empty() => {
                let mut profile = self.profile.clone();
                profile.org_id = 0;
                profile.version = None;
                Ok(RegistrationDraft { username, password, org_name, org_kind, profile })
            }
            _ => Err(errors),
        }
    }
}

/// At most this many applications to join the library from one address per hour.
pub const REGISTRATIONS_PER_ADDRESS_PER_HOUR: i64 = 5;

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_people_type_them() {
        let code = ActivationCode::from_random([7u8; CODE_LEN]);
        assert_eq!(code.as_str(), "77777777777777777777");
        assert_eq!(code.display(), "7777-7777-7777-7777-7777");
        let cases: &[(&str, Result<&str, &str>)] = &[
            ("ABCD-EFGH-JKMN-PQRS-TVWX", Ok("ABCDEFGHJKMNPQRSTVWX")),
            ("abcd efgh jkmn pqrs tvwx", Ok("ABCDEFGHJKMNPQRSTVWX")),
            // Look-alikes: O is zero, I and L are one.
            ("OOOO-IIII-LLLL-0000-1111", Ok("00001111111100001111")),
            ("", Err("required")),
            ("ABCD-EFGH", Err("invalid_code")),
            ("ABCD-EFGH-JKMN-PQRS-TVWXY", Err("invalid_code")),
            ("ABCD-EFGH-JKMN-PQRS-TVWU", Err("invalid_code")),
            ("激活码激活码激活码激活码激活码激活码激活", Err("invalid_code")),
        ];
        for (raw, want) in cases {
            match (ActivationCode::parse(raw), want) {
                (Ok(c), Ok(w)) => assert_eq!(c.as_str(), *w, "{raw}"),
                (Err(e), Err(w)) => assert_eq!(e.code, *w, "{raw}"),
                (got, want) => panic!("{raw}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn every_byte_maps_into_the_alphabet() {
        for b in 0..=255u8 {
            let c = ActivationCode::from_random([b; CODE_LEN]);
            assert!(ActivationCode::parse(&c.display()).is_ok(), "{b}");
        }
    }

    fn input() -> RegistrationInput {
        RegistrationInput {
            username: "wang.li".into(),
            password: "a-long-enough-secret".into(),
            org_name: "温州某某大学".into(),
            org_kind: "university".into(),
            profile: ExpertInput { name: "王力".into(), kind: "academic".into(), region: "鹿城区".into(), fields: vec!["new_energy".into()], ..Default::default() },
        }
    }

    #[test]
    fn an_application_to_join_reports_every_problem_at_once() {
        let ok = |_: &ExpertInput| Ok(());
        let draft = input().parse(&ok).expect("valid");
        assert_eq!(draft.username.as_str(), "wang.li");
        assert_eq!(draft.org_kind, OrgKind::University);

        let mut bad = input();
        bad.username = "x".into();
        bad.org_name = String::new();
        bad.org_kind = "bureau".into(); // a bureau is not an expert's unit
        let fails = |_: &ExpertInput| Err(FieldError::required("fields", "擅长产业领域"));
        let errors = bad.parse(&fails).expect_err("invalid");
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "org_name", "org_kind", "fields"]);

        let mut weak = input();
        weak.password = "wang.li-secret".into();
        let errors = weak.parse(&ok).expect_err("password contains the username");
        assert_eq!(errors[0].code, "contains_username");
    }
}
