//! Domain types shared by the server, the importer and the WASM bundle.
//! Each type is defined once here; parsing functions make invalid values unrepresentable.

mod call;
mod phone;
mod time;

pub use call::{CallListItem, CallPage, CallQuery, CallStatus, ParseEnumError, Priority};
pub use phone::PhoneNumber;
pub use time::{BERLIN, format_berlin};
