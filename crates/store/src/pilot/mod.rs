//! Pilot platforms at work (migration 0034): pilot projects with their plans, and the bookings of
//! the platforms' resources on a calendar.

pub mod bookings;
pub mod projects;
