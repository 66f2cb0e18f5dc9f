//! Password hashing for the web: the workflows' own (`pocnet_app::password`),
//! re-exported for start-up (the fallback hash) and the test suites.

pub use pocnet_app::password::{hash, hash_blocking, verify};
