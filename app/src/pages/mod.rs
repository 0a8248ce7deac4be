//! Routed pages, one component each.

pub mod admin;
mod calls;
mod login;
mod not_found;

pub use calls::CallsPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
