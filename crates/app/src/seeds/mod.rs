//! Early-result pools and seed lists (早期成果池、种子清单, 004 三(二)) as each side works them: a
//! researcher of a university, institute or hospital pools a concept with a PoC platform; the
//! platform's operators review the pool in batches and publish the seed list, whose seeds enter
//! their project library; everyone reads the published list.

pub mod batches;
pub mod concepts;
