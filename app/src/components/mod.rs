//! Display components: data comes in through props.

mod calls_table;
mod status_filter;

pub use calls_table::CallsTable;
pub use status_filter::StatusFilter;
