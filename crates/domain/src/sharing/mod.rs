//! Sharing the network's resources (资源共享): what a center or pilot platform
//! offers others — verification capabilities, instruments, lines, test
//! environments, application scenarios — with its conditions and fees
//! ([`offer`]); requests to use them and their answers ([`request`]); and the
//! supporting policies the bureau lists beside them ([`support_policy`]).
//! Together they make the 验证能力互补清单 and the equipment sharing list
//! (000 二(九)), the pilot platforms' 服务资源目录清单 (001 中试 16) and
//! Shanghai's four lists (004 四(一)).

pub mod offer;
pub mod request;
pub mod support_policy;

pub use offer::{OfferDraft, OfferKind, OfferState, Qualification, RawOffer};
pub use request::{RawRequest, RequestDecline, RequestDraft, RequestPurpose, RequestState, RequestStep};
pub use support_policy::{PolicyItemDraft, PolicyItemState, RawPolicyItem};
