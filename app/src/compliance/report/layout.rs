//! A small page layout on `pdf-writer`: headings, wrapped paragraphs and tables on A4 pages,
//! each page with the practice's name at the top and „Seite n von m“ at the bottom.
//!
//! Text is set in Helvetica and Helvetica-Bold, two of the fonts every PDF reader has, with the
//! WinAnsi encoding: German text needs nothing more, nothing is embedded, and the file stays
//! small. A character outside WinAnsi is printed as `?`. Lines are broken with Helvetica's
//! character widths (Adobe's font metrics), so text never runs past the margin.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 56.0;
const TOP: f32 = PAGE_HEIGHT - 78.0;
const BOTTOM: f32 = 64.0;
const TEXT_SIZE: f32 = 9.5;
const HEADING_SIZE: f32 = 13.0;
const LEADING: f32 = 1.3;
const CELL_GAP: f32 = 8.0;

const REGULAR: Name = Name(b"F1");
const BOLD: Name = Name(b"F2");

/// Width of the printable area.
pub const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;

/// Pages being filled from top to bottom.
pub struct Pages {
    practice: String,
    title: String,
    pages: Vec<Content>,
    y: f32,
}

impl Pages {
    pub fn new(practice: &str, title: &str) -> Self {
        let mut pages = Self {
            practice: practice.to_owned(),
            title: title.to_owned(),
            pages: Vec::new(),
            y: 0.0,
        };
        pages.new_page();
        pages
    }

    /// A section heading, kept together with at least three lines after it.
    pub fn heading(&mut self, text: &str) {
        self.room_for(HEADING_SIZE * 2.6 + TEXT_SIZE * LEADING * 3.0);
        self.y -= HEADING_SIZE * 1.6;
        self.line(MARGIN, BOLD, HEADING_SIZE, text);
        self.y -= HEADING_SIZE * 0.7;
    }

    /// A paragraph, broken into lines of the page's width.
    pub fn text(&mut self, text: &str) {
        for line in wrap(text, TEXT_WIDTH, TEXT_SIZE) {
            self.room_for(TEXT_SIZE * LEADING);
            self.y -= TEXT_SIZE * LEADING;
            self.line(MARGIN, REGULAR, TEXT_SIZE, &line);
        }
        self.y -= TEXT_SIZE * 0.5;
    }

    /// A table whose columns have the given shares of the width; each cell's text is wrapped
    /// within its column, the header is repeated on every page the table runs onto.
    pub fn table(&mut self, shares: &[f32], header: &[&str], rows: &[Vec<String>]) {
        let total: f32 = shares.iter().sum();
        let widths: Vec<f32> = shares
            .iter()
            .map(|share| share / total * TEXT_WIDTH)
            .collect();
        let header: Vec<String> = header.iter().map(|cell| (*cell).to_owned()).collect();
        self.room_for(TEXT_SIZE * LEADING * 3.0);
        self.row(&widths, &header, BOLD);
        for row in rows {
            let height = row_height(&widths, row);
            if self.y - height < BOTTOM {
                self.new_page();
                self.row(&widths, &header, BOLD);
            }
            self.row(&widths, row, REGULAR);
        }
        self.y -= TEXT_SIZE * 0.8;
    }

    /// The finished file: catalog, page tree, both fonts, and each page with its header and
    /// footer. Nothing in it depends on the time, so the same content gives the same bytes.
    pub fn finish(self) -> Vec<u8> {
        let mut pdf = Pdf::new();
        let catalog = Ref::new(1);
        let tree = Ref::new(2);
        let regular = Ref::new(3);
        let bold = Ref::new(4);
        let info = Ref::new(5);
        let first = 6;
        let count = self.pages.len();
        let page_ref = |index: usize| Ref::new(first + 2 * i32::try_from(index).unwrap_or(0));
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids((0..count).map(page_ref))
            .count(i32::try_from(count).unwrap_or(i32::MAX));
        for (font, base) in [(regular, "Helvetica"), (bold, "Helvetica-Bold")] {
            pdf.type1_font(font)
                .base_font(Name(base.as_bytes()))
                .encoding_predefined(Name(b"WinAnsiEncoding"));
        }
        pdf.document_info(info)
            .title(TextStr(&self.title))
            .author(TextStr(&self.practice))
            .producer(TextStr("Anrufe"));
        for (index, mut content) in self.pages.into_iter().enumerate() {
            frame(&mut content, &self.practice, &self.title, index + 1, count);
            let id = page_ref(index);
            let contents = Ref::new(id.get() + 1);
            let mut page = pdf.page(id);
            page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
                .parent(tree)
                .contents(contents);
            let mut resources = page.resources();
            resources.fonts().pair(REGULAR, regular).pair(BOLD, bold);
            resources.finish();
            page.finish();
            pdf.stream(contents, &content.finish());
        }
        pdf.finish()
    }

    fn row(&mut self, widths: &[f32], cells: &[String], font: Name) {
        let height = row_height(widths, cells);
        let top = self.y;
        let mut x = MARGIN;
        for (width, cell) in widths.iter().zip(cells) {
            let mut y = top;
            for line in wrap(cell, width - CELL_GAP, TEXT_SIZE) {
                y -= TEXT_SIZE * LEADING;
                self.y = y;
                self.line(x, font, TEXT_SIZE, &line);
            }
            x += width;
        }
        self.y = top - height;
        let rule_y = self.y - 2.0;
        self.page()
            .set_stroke_gray(0.8)
            .set_line_width(0.4)
            .move_to(MARGIN, rule_y)
            .line_to(PAGE_WIDTH - MARGIN, rule_y)
            .stroke();
        self.y -= 3.0;
    }

    fn line(&mut self, x: f32, font: Name, size: f32, text: &str) {
        let y = self.y;
        show(self.page(), x, y, font, size, text);
    }

    /// Starts a new page unless `height` still fits on this one.
    fn room_for(&mut self, height: f32) {
        if self.y - height < BOTTOM {
            self.new_page();
        }
    }

    fn new_page(&mut self) {
        self.pages.push(Content::new());
        self.y = TOP;
    }

    fn page(&mut self) -> &mut Content {
        self.pages.last_mut().expect("there is always a page")
    }
}

/// The practice and title at the top, the page number at the bottom.
fn frame(content: &mut Content, practice: &str, title: &str, number: usize, count: usize) {
    let header_y = PAGE_HEIGHT - 44.0;
    show(content, MARGIN, header_y, BOLD, 10.0, practice);
    let title_x = PAGE_WIDTH - MARGIN - width(title, 10.0);
    show(content, title_x, header_y, REGULAR, 10.0, title);
    content
        .set_stroke_gray(0.5)
        .set_line_width(0.6)
        .move_to(MARGIN, header_y - 8.0)
        .line_to(PAGE_WIDTH - MARGIN, header_y - 8.0)
        .stroke();
    let footer = format!("Seite {number} von {count}");
    let footer_x = PAGE_WIDTH - MARGIN - width(&footer, 9.0);
    show(content, footer_x, 36.0, REGULAR, 9.0, &footer);
}

fn show(content: &mut Content, x: f32, y: f32, font: Name, size: f32, text: &str) {
    content
        .begin_text()
        .set_font(font, size)
        .next_line(x, y)
        .show(Str(&winansi(text)))
        .end_text();
}

fn row_height(widths: &[f32], cells: &[String]) -> f32 {
    let lines = widths
        .iter()
        .zip(cells)
        .map(|(width, cell)| wrap(cell, width - CELL_GAP, TEXT_SIZE).len())
        .max()
        .unwrap_or(1);
    lines as f32 * TEXT_SIZE * LEADING
}

/// `text` broken into lines no wider than `max` at `size`: at spaces, and inside a word only
/// when the word alone is wider than a line. Line breaks in `text` are kept.
pub fn wrap(text: &str, max: f32, size: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        for word in paragraph.split(' ') {
            let candidate = if line.is_empty() {
                word.to_owned()
            } else {
                format!("{line} {word}")
            };
            if width(&candidate, size) <= max {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
            }
            for c in word.chars() {
                if !line.is_empty() && width(&format!("{line}{c}"), size) > max {
                    lines.push(std::mem::take(&mut line));
                }
                line.push(c);
            }
        }
        lines.push(line);
    }
    lines
}

/// Width of `text` in Helvetica at `size` points (bold is at most 10 % wider; the margins
/// allow for it).
pub fn width(text: &str, size: f32) -> f32 {
    let units: u32 = text.chars().map(char_width).sum();
    units as f32 * size / 1000.0
}

/// Helvetica's advance widths (per 1000 units of the font size) for printable ASCII.
const ASCII_WIDTHS: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278,
    278, // space../
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0..?
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // @..O
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // P.._
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // `..o
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, // p..~
];

fn char_width(c: char) -> u32 {
    let code = u32::from(c);
    if (32..127).contains(&code) {
        return u32::from(ASCII_WIDTHS[(code - 32) as usize]);
    }
    match c {
        'Ä' | 'Á' | 'À' | 'Â' => 667,
        'Ö' | 'Ó' | 'Ò' | 'Ô' => 778,
        'Ü' | 'Ú' | 'Ù' | 'Û' => 722,
        'ß' => 611,
        '„' | '“' | '”' | '‚' | '‘' | '’' | '´' => 333,
        '—' | '…' => 1000,
        '°' => 400,
        '·' => 278,
        '•' => 350,
        _ => 556,
    }
}

/// `text` in the WinAnsi encoding; a character it lacks becomes `?`.
pub fn winansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            ' '..='~' | '\u{a0}'..='\u{ff}' => u8::try_from(u32::from(c)).unwrap_or(b'?'),
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            _ => b'?',
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_text_is_encoded_and_the_rest_marked() {
        assert_eq!(
            winansi("Größe „ä“ – 5 €"),
            b"Gr\xf6\xdfe \x84\xe4\x93 \x96 5 \x80"
        );
        assert_eq!(winansi("Zoë ✓"), b"Zo\xeb ?");
    }

    #[test]
    fn lines_never_run_past_the_width() {
        let text = "Art. 6 Abs. 1 lit. b DSGVO (Terminvereinbarung und Behandlungsanfragen) \
                    Donaudampfschifffahrtsgesellschaftskapitänsmützenherstellerinnung";
        let lines = wrap(text, 120.0, TEXT_SIZE);
        assert!(lines.len() > 3, "{lines:?}");
        assert!(lines.iter().all(|line| width(line, TEXT_SIZE) <= 120.0));
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        assert_eq!(wrap("", 100.0, TEXT_SIZE), [""]);
    }

    #[test]
    fn a_long_report_gets_numbered_pages() {
        let mut pages = Pages::new("Praxis Dr. Muster", "Compliance-Bericht");
        for index in 0..200 {
            pages.text(&format!("Zeile {index}"));
        }
        // 17.1 points a line, 700 points a page: 41 lines each.
        let pdf = pages.finish();
        let text = String::from_utf8_lossy(&pdf);
        assert!(text.contains("(Seite 1 von 5)"), "page numbers are written");
        assert!(text.contains("(Seite 5 von 5)"));
        assert!(text.contains("(Zeile 199)"));
        assert!(!text.contains("Seite 6"));
    }
}
