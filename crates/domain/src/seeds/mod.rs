//! Shanghai's initial verification (科技成果初始验证体系, 004 三(二)): universities, research
//! institutes and hospitals pool their researchers' early concepts (早期成果池); a proof-of-concept
//! platform reviews them periodically and in batches (定期、批量组织论证) and publishes the seed list
//! (“种子”清单), whose seeds enter its project library and meet industry's demand.

pub mod batch;
pub mod concept;

pub use batch::{Assessment, BatchDraft, BatchState, RawAssessment, RawBatch, Verdict};
pub use concept::{ConceptDraft, ConceptState, RawConcept};
