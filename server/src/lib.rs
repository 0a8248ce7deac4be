//! The Anrufe server as a library, so that tests can build the same router the binary serves.

pub mod config;
pub mod live;
pub mod rest;
pub mod router;
pub mod state;
