//! Shared resources (资源共享): the offers of centers and pilot platforms, the
//! requests to use them, and the supporting policies listed beside them.

pub mod offers;
pub mod policies;
pub mod requests;
