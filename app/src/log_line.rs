//! Log hygiene: every log event stays one line. A CR or LF inside an event — from an untrusted
//! value such as a file name or an error's text — is written as `\r` or `\n`, so nobody can
//! forge log lines. The server and the importer log through [`OneLine`].

use std::io::{self, Write};

/// Wraps the writer the log subscriber writes each formatted event to (in one `write`).
pub struct OneLine<W>(pub W);

impl<W: Write> Write for OneLine<W> {
    fn write(&mut self, event: &[u8]) -> io::Result<usize> {
        let (body, ended) = match event.strip_suffix(b"\n") {
            Some(body) => (body, true),
            None => (event, false),
        };
        let mut line = Vec::with_capacity(event.len() + 8);
        for &byte in body {
            match byte {
                b'\n' => line.extend_from_slice(b"\\n"),
                b'\r' => line.extend_from_slice(b"\\r"),
                _ => line.push(byte),
            }
        }
        if ended {
            line.push(b'\n');
        }
        self.0.write_all(&line)?;
        Ok(event.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breaks_inside_an_event_cannot_start_a_line_of_their_own() {
        let mut out = OneLine(Vec::new());
        out.write_all(b"WARN file=calls.jsonl\r\nINFO forged: admin logged in\n")
            .expect("write");
        assert_eq!(
            String::from_utf8(out.0).expect("UTF-8"),
            "WARN file=calls.jsonl\\r\\nINFO forged: admin logged in\n"
        );
    }
}
