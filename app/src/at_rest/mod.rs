//! Protection at rest: the date of birth is stored only sealed (XChaCha20-Poly1305 under a
//! data key that never enters the database) — in its column, in the call's raw event, and in
//! refused lines kept for replay — and opened where a reader may see it. [`keys`] holds the keys, [`seal`] seals and opens,
//! [`store`] brings stored values under the active key (`server keys rotate`).

pub mod keys;
pub mod seal;
pub mod store;

pub use keys::{KeyId, Keyring, KeysError};
pub use seal::{SealError, open_date, open_line, open_payload, seal_date, seal_line, seal_payload};
