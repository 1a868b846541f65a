//! CSV in and out.
//!
//! In: UTF-8 (BOM or not), UTF-16 LE/BE (BOM, or recognised by its zero bytes), else
//! Windows-1252, which is what Excel on Windows writes and which decodes every byte, so a
//! non-UTF-8 file is never decoded lossily. Delimiter `,` `;` or tab, from an Excel `sep=`
//! line or else counted on the header line. Headers go through the shared table (fields.rs).
//!
//! Out: UTF-8 with a BOM (so Excel picks the right encoding), CRLF, the template's columns.
//! Formula injection: a cell starting with = + - @ TAB or CR gets a leading `'`. On import a
//! leading `'` is removed exactly when the rest would have been neutralised, so export ->
//! import gives back the original text (a value that itself starts with `'=` is exported as
//! `''=` and comes back as `'=`).

use super::fields::Mapping;
use super::{HEADER_SCAN_ROWS, ImportError, ImportLimits, Parsed, ParsedRow, contact_cells};
use crate::model::{Contact, GroupId};
use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};
use std::borrow::Cow;
use std::io::Write;

/// Decoded text and, if the file was not UTF-8, a note saying what it was read as.
fn decode(bytes: &[u8]) -> Result<(Cow<'_, str>, Option<&'static str>), ImportError> {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        return std::str::from_utf8(rest).map(|s| (Cow::Borrowed(s), None)).map_err(|e| {
            ImportError::NotAFile(format!(
                "the file starts as UTF-8 but has invalid bytes at offset {}",
                e.valid_up_to() + 3
            ))
        });
    }
    let utf16 = if bytes.starts_with(b"\xFF\xFE") {
        Some((UTF_16LE, &bytes[2..]))
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some((UTF_16BE, &bytes[2..]))
    } else {
        bomless_utf16(bytes).map(|e| (e, bytes))
    };
    if let Some((enc, body)) = utf16 {
        let (text, had_errors) = enc.decode_without_bom_handling(body);
        if had_errors {
            return Err(ImportError::NotAFile(format!("the file is {} with invalid characters", enc.name())));
        }
        return Ok((text, None));
    }
    if bytes.contains(&0) {
        return Err(ImportError::NotAFile("binary data, not a text (CSV) file".into()));
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok((Cow::Borrowed(s), None)),
        Err(_) => Ok((WINDOWS_1252.decode_without_bom_handling(bytes).0, Some("windows-1252"))),
    }
}

/// UTF-16 without BOM: most ASCII text then has a zero in every other byte.
fn bomless_utf16(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096) & !1];
    if head.len() < 4 {
        return None;
    }
    let zeros = |parity: usize| head.iter().skip(parity).step_by(2).filter(|&&b| b == 0).count();
    let half = head.len() / 2;
    if zeros(1) * 10 > half * 8 && zeros(0) == 0 {
        Some(UTF_16LE)
    } else if zeros(0) * 10 > half * 8 && zeros(1) == 0 {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// For sniffing: the head of a file as text, or `None` if it is binary.
pub(super) fn decode_head(head: &[u8]) -> Option<String> {
    if head.starts_with(b"\xFF\xFE") || head.starts_with(b"\xFE\xFF") || bomless_utf16(head).is_some() {
        let enc =
            if head.starts_with(b"\xFE\xFF") || bomless_utf16(head) == Some(UTF_16BE) { UTF_16BE } else { UTF_16LE };
        return Some(enc.decode_with_bom_removal(head).0.into_owned());
    }
    (!head.contains(&0)).then(|| String::from_utf8_lossy(head).into_owned())
}

/// The delimiter that occurs most often outside quotes on the first line (`,` on a tie or none).
fn detect_delimiter(first_line: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in first_line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => counts[0] += 1,
            ';' if !quoted => counts[1] += 1,
            '\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], 3 - i)).unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// A cell that Excel would run as a formula (or that hides one behind a tab / CR).
fn needs_quote(s: &str) -> bool {
    match s.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => true,
        Some(b'\'') => needs_quote(&s[1..]),
        _ => false,
    }
}

/// An international phone number and nothing else ("+33 6 15 88 26 17", "+1 (555) 010-0199"):
/// digits, spaces and `()-./` after the `+`. It cannot call a function, so the export leaves it
/// as it is: Outlook and Google import the apostrophe of a neutralised cell as part of the number.
/// (Excel users get the xlsx export, where every cell is text.)
fn is_plain_phone(s: &str) -> bool {
    s.strip_prefix('+').is_some_and(|rest| {
        rest.starts_with(|c: char| c.is_ascii_digit())
            && rest.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '(' | ')' | '-' | '.' | '/'))
    })
}

/// Undo the export's neutralisation (see the module doc).
pub(super) fn unquote(s: &str) -> &str {
    match s.strip_prefix('\'') {
        Some(rest) if needs_quote(rest) => rest,
        _ => s,
    }
}

pub(super) fn parse(bytes: &[u8], limits: &ImportLimits) -> Result<Parsed, ImportError> {
    let max_rows = limits.max_rows;
    let (text, encoding) = decode(bytes)?;
    // A non-UTF-8 file is decoded whole (Windows-1252 can triple, UTF-16 grow by half): that
    // copy counts against the text budget before any row is read.
    if matches!(text, Cow::Owned(_)) && text.len() > limits.max_text_bytes {
        return Err(ImportError::TooMuchText { max_mb: limits.max_text_bytes >> 20 });
    }
    let mut text: &str = text.trim_start_matches('\u{feff}');
    let mut out = Parsed::default();
    if let Some(enc) = encoding {
        out.warnings.push(format!("The file is not UTF-8; it was read as {enc} (Excel's default on Windows)."));
    }
    // Excel's "sep=;" hint line is not a row of the sheet Excel shows.
    let first_line = text.lines().next().unwrap_or("");
    let mut delimiter = None;
    if let Some(d) = first_line.strip_prefix("sep=").filter(|d| d.len() == 1) {
        delimiter = Some(d.as_bytes()[0]);
        text = text.get(first_line.len()..).unwrap_or("").trim_start_matches(['\r', '\n']);
    }
    let delimiter = delimiter.unwrap_or_else(|| detect_delimiter(text.lines().next().unwrap_or("")));
    let mut reader =
        ::csv::ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut record = ::csv::StringRecord::new();
    let mut row = 0usize;
    // The csv reader skips blank lines, which Excel shows as rows, and its positions do not
    // say where they were. So: rows advanced = line breaks from the previous record's first
    // byte to this record's first byte, minus the breaks inside the previous record's cells.
    let bytes = text.as_bytes();
    let (mut prev_start, mut prev_inside) = (0usize, 0usize);
    let mut mapping: Option<Mapping> = None;
    let (mut first_header, mut scanned) = (None, 0);
    loop {
        let before = reader.position().byte() as usize;
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            // Input is already valid UTF-8 and the reader is flexible, so this is an I/O-level
            // oddity; report where it happened rather than guessing.
            Err(e) => return Err(ImportError::NotAFile(format!("CSV error after row {row}: {e}"))),
        }
        let start = before + bytes[before..].iter().take_while(|&&b| b == b'\r' || b == b'\n').count();
        row += if row == 0 {
            1 + line_breaks(&bytes[..start])
        } else {
            line_breaks(&bytes[prev_start..start]).saturating_sub(prev_inside)
        };
        prev_start = start;
        prev_inside = record.iter().map(|f| line_breaks(f.as_bytes())).sum();
        let Some(map) = mapping.as_mut() else {
            if record.iter().all(|c| c.trim().is_empty()) {
                continue; // blank lines before the header
            }
            let headers: Vec<String> = record.iter().map(|h| h.trim().to_owned()).collect();
            let m = Mapping::new(&headers, limits);
            if m.recognised() > 0 {
                mapping = Some(m);
            } else {
                // Maybe a title line: look a few rows further, but report the first one.
                let first = first_header.get_or_insert_with(|| no_header(row, &headers));
                scanned += 1;
                if scanned >= HEADER_SCAN_ROWS {
                    return Err(std::mem::replace(first, ImportError::NoHeader(String::new())));
                }
            }
            continue;
        };
        let Some(built) = map.build(record.len(), |i| unquote(record.get(i).unwrap_or(""))) else {
            continue;
        };
        // Rows that fail to read count too: the limit is on the file, not on what succeeds.
        if out.row_count() == max_rows {
            return Err(ImportError::TooManyRows { max: max_rows });
        }
        if built.errors.is_empty() {
            out.keep(ParsedRow { row, input: built.input, group_names: built.groups }, limits)?;
        } else {
            out.reject(row, built.errors);
        }
    }
    let Some(map) = mapping else {
        return Err(first_header.unwrap_or_else(|| ImportError::NoHeader("the file is empty".into())));
    };
    out.warnings.extend(map.warning());
    Ok(out)
}

/// Line breaks as a spreadsheet counts them: CRLF, LF or a lone CR.
fn line_breaks(b: &[u8]) -> usize {
    let lf = b.iter().filter(|&&c| c == b'\n').count();
    let lone_cr = b.iter().enumerate().filter(|&(i, &c)| c == b'\r' && b.get(i + 1) != Some(&b'\n')).count();
    lf + lone_cr
}

pub(super) fn no_header(row: usize, headers: &[String]) -> ImportError {
    let shown: Vec<&str> = headers.iter().map(String::as_str).filter(|h| !h.is_empty()).take(5).collect();
    ImportError::NoHeader(format!(
        "row {row} ({}) has no known column; expected a header row such as {}",
        shown.join(", "),
        super::COLUMNS[..4].join(", ")
    ))
}

/// UTF-8 with BOM, CRLF, the template's columns, formula-looking cells neutralised.
pub fn write_csv(
    out: &mut dyn Write,
    contacts: &mut dyn Iterator<Item = Contact>,
    group_name: &dyn Fn(GroupId) -> Option<String>,
) -> std::io::Result<()> {
    write_csv_delimited(out, b',', contacts, group_name)
}

/// [`write_csv`] with another delimiter: Excel in locales whose decimal mark is a comma
/// (French, German...) splits CSV on `;` and shows a comma-separated file in one column.
/// (A `sep=` line would fix that but makes Excel ignore the BOM, breaking accents.)
pub fn write_csv_delimited(
    out: &mut dyn Write,
    delimiter: u8,
    contacts: &mut dyn Iterator<Item = Contact>,
    group_name: &dyn Fn(GroupId) -> Option<String>,
) -> std::io::Result<()> {
    out.write_all(b"\xEF\xBB\xBF")?;
    let mut w = ::csv::WriterBuilder::new().delimiter(delimiter).terminator(::csv::Terminator::CRLF).from_writer(out);
    w.write_record(super::COLUMNS)?;
    let mut buf = String::new();
    for c in contacts {
        let cells = contact_cells(&c, group_name);
        for cell in &cells {
            if needs_quote(cell) && !is_plain_phone(cell) {
                buf.clear();
                buf.push('\'');
                buf.push_str(cell);
                w.write_field(&buf)?;
            } else {
                w.write_field(cell)?;
            }
        }
        w.write_record(None::<&[u8]>)?;
    }
    w.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_roundtrip_is_exact() {
        for s in ["=1+1", "+33 6", "@x", "-5", "\tx", "'=x", "''=x", "'plain", "plain", "", "'"] {
            let exported = if needs_quote(s) { format!("'{s}") } else { s.to_owned() };
            assert!(!exported.starts_with(['=', '+', '-', '@', '\t', '\r']), "{s}");
            assert_eq!(unquote(&exported), s, "{s}");
        }
    }

    #[test]
    fn delimiters() {
        assert_eq!(detect_delimiter("Full Name;Email;\"a,b\""), b';');
        assert_eq!(detect_delimiter("Full Name,Email"), b',');
        assert_eq!(detect_delimiter("Full Name\tEmail"), b'\t');
        assert_eq!(detect_delimiter("Full Name"), b',');
    }

    #[test]
    fn encodings() {
        let (t, e) = decode(b"\xEF\xBB\xBFa\xC3\xA9").unwrap();
        assert_eq!((t.as_ref(), e), ("a\u{e9}", None));
        let (t, e) = decode(b"Cl\xE9ment \x80").unwrap();
        assert_eq!((t.as_ref(), e), ("Cl\u{e9}ment \u{20ac}", Some("windows-1252")));
        let le: Vec<u8> = "\u{feff}Name,\u{e9}".encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(decode(&le).unwrap().0.trim_start_matches('\u{feff}'), "Name,\u{e9}");
        let be: Vec<u8> = "Full Name,Email".encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert_eq!(decode(&be).unwrap().0, "Full Name,Email");
        assert!(matches!(decode(b"\xEF\xBB\xBFok\xFF"), Err(ImportError::NotAFile(_))));
        assert!(matches!(decode(b"a,b\0c"), Err(ImportError::NotAFile(_))));
    }
}
