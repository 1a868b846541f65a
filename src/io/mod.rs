//! Import and export codecs: xlsx, CSV and vCard in, xlsx, CSV and vCard out.
//!
//! Pure functions over bytes: no HTTP, no database. The server runs them inside background
//! jobs, validates each [`ParsedRow`] with `ContactInput::into_fields`, and does the
//! transactions, duplicate handling and group creation.
//!
//! Conventions shared by every reader:
//! - Row numbers are the ones the file shows: the header is row 1, so the first data row is 2
//!   (CSV: records, not physical lines, since a quoted cell may span lines). vCard: the card's
//!   position counting from 1.
//! - A field whose column exists in the file is `Some` (possibly `""`), a field the file has no
//!   column for is `None`, so a server applying a row as a patch never clears what the file
//!   does not mention. vCards describe the whole contact, so every field is `Some`.
//! - Values are mapped faithfully (trimmed, accents and emoji kept); validation is not done here.

mod csv;
mod fields;
mod headers;
mod vcard;
mod vcard_write;
mod xlsx;
mod xlsx_guard;
mod xlsx_write;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_hostile;
#[cfg(test)]
mod tests_roundtrip;

use crate::model::{Contact, ContactInput, GroupId};

pub use self::csv::{write_csv, write_csv_delimited};
pub use self::headers::{HEADER_SYNONYMS, Target, normalize_header};
pub use self::vcard_write::write_vcard;
pub use self::xlsx::template_xlsx;
pub use self::xlsx_guard::{MAX_PART_BYTES, MAX_SHEET_BYTES};
pub use self::xlsx_write::{write_xlsx, write_xlsx_stream};

/// The template's columns, in order. Export writes them, import recognises them (and synonyms).
pub const COLUMNS: [&str; 18] = [
    "Full Name",
    "Job Title",
    "Email",
    "Mobile",
    "Phone",
    "Website",
    "LinkedIn",
    "Facebook",
    "X",
    "Company",
    "Department",
    "Street",
    "City",
    "Postal Code",
    "State",
    "Country",
    "Notes",
    "Groups",
];

/// Rows scanned for the header row (a title or blank rows may come first).
pub(crate) const HEADER_SCAN_ROWS: usize = 10;

/// Separator of group names inside the Groups cell (export and import).
pub const GROUP_SEPARATOR: char = ';';

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Csv,
    Vcard,
}

impl Format {
    /// The Content-Type to serve an export with.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Xlsx => XLSX_MIME,
            Format::Csv => "text/csv; charset=utf-8",
            Format::Vcard => "text/vcard; charset=utf-8",
        }
    }

    /// File extension (without the dot) for a download name.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Csv => "csv",
            Format::Vcard => "vcf",
        }
    }
}

pub const XLSX_MIME: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The format of an upload: the Content-Type when it names one of ours, else sniffed from the
/// bytes (zip header -> xlsx, `BEGIN:VCARD` -> vCard, text -> CSV). Generic types
/// (`application/octet-stream`, `text/plain`, and `application/vnd.ms-excel`, which Windows
/// browsers send for `.csv` files) fall through to sniffing. `None`: binary data we cannot read.
pub fn detect_format(content_type: Option<&str>, bytes: &[u8]) -> Option<Format> {
    if let Some(ct) = content_type {
        let mime = ct.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        match mime.as_str() {
            XLSX_MIME => return Some(Format::Xlsx),
            "text/csv" | "application/csv" | "text/comma-separated-values" | "text/tab-separated-values" => {
                return Some(Format::Csv);
            }
            "text/vcard" | "text/x-vcard" | "text/directory" => return Some(Format::Vcard),
            _ => {}
        }
    }
    sniff(bytes)
}

fn sniff(bytes: &[u8]) -> Option<Format> {
    // Zip local header or empty-archive end record. An old .xls (OLE2) is routed to the xlsx
    // reader too, so that the user gets "save it as .xlsx" rather than "unknown format".
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") || bytes.starts_with(xlsx_guard::OLE2_MAGIC)
    {
        return Some(Format::Xlsx);
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let text = csv::decode_head(head)?;
    let first = text.trim_start_matches('\u{feff}').trim_start();
    if first.len() >= 11 && first[..11].eq_ignore_ascii_case("BEGIN:VCARD") {
        return Some(Format::Vcard);
    }
    Some(Format::Csv)
}

/// A row (or card) that could not be read, or a field-level problem reported by the server.
#[derive(Debug, Clone, serde::Serialize, PartialEq)]
pub struct RowError {
    pub row: usize,
    pub column: String,
    pub message: String,
}

/// One contact read from the file. `input.groups` is always `None`: groups come by name in
/// `group_names` (trimmed, non-empty, de-duplicated case-insensitively), and the server
/// resolves or creates them.
#[derive(Debug, Clone)]
pub struct ParsedRow {
    pub row: usize,
    pub input: ContactInput,
    pub group_names: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub rows: Vec<ParsedRow>,
    /// Rows that could not even be read (an Excel error value in a mapped cell, a vCard card
    /// with a giant line or not terminated...). Those rows are not in `rows`.
    pub errors: Vec<RowError>,
    /// File-level remarks, each reported once (ignored columns, encoding used...).
    pub warnings: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file has more than {max} rows; split it into several files")]
    TooManyRows { max: usize },
    #[error("the file cannot be read: {0}")]
    NotAFile(String),
    #[error("no header row found: {0}")]
    NoHeader(String),
}

/// Parse an upload. Fails as a whole only when the file is unreadable, hostile or too big;
/// unreadable single rows are reported in `Parsed::errors`.
pub fn parse(format: Format, bytes: &[u8], max_rows: usize) -> Result<Parsed, ImportError> {
    match format {
        Format::Xlsx => xlsx::parse(bytes, max_rows),
        Format::Csv => csv::parse(bytes, max_rows),
        Format::Vcard => vcard::parse(bytes, max_rows),
    }
}

/// A contact flattened to the template's columns, in [`COLUMNS`] order. Shared by the xlsx
/// and CSV writers so that the two can never disagree.
pub(crate) fn contact_cells(c: &Contact, group_name: &dyn Fn(GroupId) -> Option<String>) -> [String; 18] {
    let f = &c.fields;
    let a = &f.address;
    let groups: Vec<String> = f.groups.iter().filter_map(|g| group_name(*g)).collect();
    [
        f.full_name.clone(),
        f.job_title.clone(),
        f.email.clone(),
        f.mobile.clone(),
        f.phone.clone(),
        f.website.clone(),
        f.linkedin.clone(),
        f.facebook.clone(),
        f.x.clone(),
        f.company.clone(),
        f.department.clone(),
        a.street.clone(),
        a.city.clone(),
        a.postal_code.clone(),
        a.state.clone(),
        a.country.clone(),
        f.notes.clone(),
        groups.join("; "),
    ]
}

/// Trim, drop empties and de-duplicate group names case-insensitively, keeping the first spelling.
pub(crate) fn push_group(out: &mut Vec<String>, name: &str) {
    let name = name.trim();
    if !name.is_empty() && !out.iter().any(|g| g.to_lowercase() == name.to_lowercase()) {
        out.push(name.to_owned());
    }
}
