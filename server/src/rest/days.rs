//! A range of whole days given as `from` and `to` (`YYYY-MM-DD`, Europe/Berlin, inclusive), as
//! the calls list and the compliance log take it.

use app::domain::Invalid;
use chrono::NaiveDate;

use crate::error::ApiError;

/// The days `from` and `to`, either open; a malformed day or `from` after `to` is refused.
pub fn day_range(
    from: Option<String>,
    to: Option<String>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), ApiError> {
    let day = |field: &str, value: Option<String>| -> Result<Option<NaiveDate>, ApiError> {
        value
            .map(|value| {
                value
                    .parse()
                    .map_err(|_| ApiError::invalid(field, Invalid::DateMalformed))
            })
            .transpose()
    };
    let (from, to) = (day("from", from)?, day("to", to)?);
    if let (Some(from), Some(to)) = (from, to)
        && from > to
    {
        return Err(ApiError::invalid("to", Invalid::RangeReversed));
    }
    Ok((from, to))
}
