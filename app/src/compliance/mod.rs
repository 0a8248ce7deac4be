//! The compliance area (seed 003 on call data): the PII rules of the source policy.

pub mod pii;
