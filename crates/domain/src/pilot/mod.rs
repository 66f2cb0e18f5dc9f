//! Pilot platforms at work (中试平台): the pilot projects they run (中试项目, 001 中试 8 “建立中试项目
//! 全流程管理制度”) and the bookings of their lines, equipment and test environments on a calendar
//! with each one's capacity.

pub mod booking;
pub mod project;

pub use booking::{BookingSpan, Occupancy, RawBooking};
pub use project::{MarketFit, MassProduction, PilotAction, PilotParty, PilotSource, PilotStage, PilotState};
