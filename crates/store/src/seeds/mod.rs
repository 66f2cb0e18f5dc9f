//! Early-result pools and seed lists (早期成果池、种子清单, 004 三(二)): the concepts, and the batches
//! that review them and publish the seeds.

pub mod batches;
pub mod concepts;
