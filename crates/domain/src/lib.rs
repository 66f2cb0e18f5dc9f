//! Pure domain logic of pocnet (概念验证中心与中试平台管理平台).
//!
//! No IO, no async, no SQL, no HTTP: the types here are parsed once at the edge
//! ("parse, don't validate") and trusted everywhere after. Every module is one
//! concept of the mission; later capabilities (policy profiles, panels,
//! verification, evaluation) add their own modules beside these.

#[macro_use]
mod string_enum;

pub mod calendar;
pub mod catalogue;
pub mod center;
pub mod competitions;
pub mod credentials;
pub mod data_rights;
pub mod display;
pub mod document;
pub mod eligibility;
pub mod finance;
pub mod evaluation;
pub mod expert;
pub mod expert_account;
pub mod id;
pub mod industry;
pub mod key_projects;
pub mod library;
pub mod login_guard;
pub mod managers;
pub mod matching;
pub mod money;
pub mod objection;
pub mod next_step;
pub mod org;
pub mod outcome;
pub mod panel;
pub mod pilot;
pub mod policy;
pub mod recognition;
pub mod region;
pub mod research_result;
pub mod review;
pub mod role;
pub mod seeds;
pub mod service_map;
pub mod sharing;
pub mod supervision;
pub mod text;
pub mod todo;
pub mod transition;
pub mod validation;
pub mod white_paper;

pub use string_enum::UnknownValue;
pub use validation::FieldError;
