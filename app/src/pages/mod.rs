//! Routed pages, one component each.

mod calls;
mod not_found;

pub use calls::CallsPage;
pub use not_found::NotFoundPage;
