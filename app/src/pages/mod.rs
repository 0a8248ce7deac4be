//! Routed pages, one component each.

mod calls;
mod login;
mod not_found;

pub use calls::CallsPage;
pub use login::LoginPage;
pub use not_found::NotFoundPage;
