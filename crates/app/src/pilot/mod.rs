//! Pilot platforms at work (中试平台): pilot projects from hand-off or application to report, and
//! the bookings of the platforms' lines, equipment and test environments.

pub mod bookings;
pub mod projects;
