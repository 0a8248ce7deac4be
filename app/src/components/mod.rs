//! Display components: data comes in through props and the page's [`Desk`].

mod account;
mod alerts;
mod bulk_bar;
mod call_drawer;
mod caller_rights;
mod calls_table;
mod desk;
mod filter_bar;
mod keyboard;
mod masked;
mod pager;
mod restriction;
mod suggestion;
mod tiles;
mod toast;

pub use account::{AccountMenu, go_to};
pub use alerts::EscalationBanner;
pub use bulk_bar::BulkBar;
pub use call_drawer::{ASSIGN_SELECT_ID, DrawerProps, NOTE_INPUT_ID, lazy_drawer};
pub use calls_table::CallsTable;
pub use desk::Desk;
pub use filter_bar::{FilterBar, SEARCH_INPUT_ID};
pub use keyboard::{focus_element, use_shortcuts};
pub use pager::Pager;
pub use tiles::DeskTilesRow;
pub use toast::ToastArea;
