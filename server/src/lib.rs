//! The Anrufe server as a library, so that tests can build the same router the binary serves.

pub mod anchors;
pub mod audit_export;
pub mod auth;
pub mod backup;
pub mod cli;
pub mod config;
pub mod credentials;
pub mod csv_line;
pub mod data_keys;
pub mod demo;
pub mod error;
pub mod jobs;
pub mod limits;
pub mod live;
pub mod llm;
pub mod no_access;
pub mod oidc;
pub mod ops;
pub mod rest;
pub mod router;
pub mod security;
pub mod state;
