//! Reads a German phone number as written in free text (`0171 123 45 67`, `+49 (0)30 123456`,
//! `0049 30 123456`) as E.164, to recognise the caller's own number. Plain digit handling, so it
//! runs in the browser too.

/// The E.164 form of `text` if it looks like a German or international number, else `None`.
pub fn as_e164(text: &str) -> Option<String> {
    let trimmed = text.trim_start_matches('(').trim_start();
    let digits: String = trimmed.chars().filter(char::is_ascii_digit).collect();
    let international = if trimmed.starts_with('+') {
        digits
    } else if let Some(rest) = digits.strip_prefix("00") {
        rest.to_owned()
    } else if let Some(rest) = digits.strip_prefix('0') {
        format!("49{rest}")
    } else {
        return None;
    };
    // "+49 (0)30": the trunk zero written in brackets is not dialled from abroad.
    let international = match international.strip_prefix("490") {
        Some(rest) if text.contains("(0)") => format!("49{rest}"),
        _ => international,
    };
    (international.len() >= 8).then(|| format!("+{international}"))
}

#[cfg(test)]
mod tests {
    use super::as_e164;

    #[test]
    fn german_notations_read_as_e164() {
        for text in [
            "030 1234567",
            "(030) 123 45 67",
            "030/1234567",
            "+49 30 1234567",
            "+49 (0)30 1234567",
            "0049 30 1234567",
            "+4930-1234567",
        ] {
            assert_eq!(as_e164(text).as_deref(), Some("+49301234567"), "{text}");
        }
        assert_eq!(as_e164("1234567"), None);
        assert_eq!(as_e164("0123"), None);
    }
}
