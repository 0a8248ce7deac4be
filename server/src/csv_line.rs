//! CSV lines for downloads a data-protection officer opens in a spreadsheet: quoted as RFC 4180
//! asks, and defused so that opening the file cannot run a formula.

/// `fields` as one CSV line with its line break; a field of people's text should pass through
/// [`spreadsheet_safe`] first.
pub fn csv_line<I, S>(fields: I) -> String
where
    I: IntoIterator<Item = S>,
    S: AsRef<[u8]>,
{
    let mut writer = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    if writer.write_record(fields).is_err() {
        return String::new();
    }
    writer
        .into_inner()
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}

/// A text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return at the
/// start) gets a leading apostrophe, so opening the export cannot run anything (OWASP's advice
/// on CSV injection).
pub fn spreadsheet_safe(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::{csv_line, spreadsheet_safe};

    #[test]
    fn texts_a_spreadsheet_would_run_are_defused() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("{\"field\":1}"), "{\"field\":1}");
        assert_eq!(spreadsheet_safe("Anna Schmidt"), "Anna Schmidt");
    }

    #[test]
    fn a_field_with_a_comma_quote_or_break_is_quoted() {
        assert_eq!(
            csv_line(["a", "b,c", "say \"hi\"", "x\ny"]),
            "a,\"b,c\",\"say \"\"hi\"\"\",\"x\ny\"\n"
        );
    }
}
