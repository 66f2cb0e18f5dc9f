//! Supply–demand matching (三单联动, 002 三(九)): industry demands
//! (重点产业需求清单), how well a research result, a center or an expert fits
//! one (each part of the fit a component of the score, so every proposal
//! explains itself), and the follow-up of accepted matches (精准对接清单).

pub mod demand;
pub mod docking;
pub mod fit;

pub use demand::{DemandDraft, DemandState, RawDemand};
pub use docking::{Answer, DeclineReason, MatchStage, Side};
pub use fit::{Component, Fit, Need, Offer};
