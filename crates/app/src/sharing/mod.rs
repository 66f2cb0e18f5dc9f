//! Sharing the network's resources as workflows (资源共享, 000 二(九); 001 中试
//! 16; 004 四(一)): centers publish what they offer ([`offers`]), others request
//! to use it and the center answers ([`requests`]), the bureau lists the
//! supporting policies ([`policies`]), and the lists built from them
//! ([`lists`]: the 验证能力互补清单's coverage, Shanghai's 服务领域).

pub mod lists;
pub mod offers;
pub mod policies;
pub mod requests;
