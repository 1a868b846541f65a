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
//! - Values are mapped faithfully (trimmed, accents and emoji kept); validation is not done here,
//!   except for what bounds memory and work (see [`ImportLimits`]): a value over its field's limit
//!   is refused before it is copied or kept, group names are checked by the API's own rule
//!   (`model::group_name`) and counted while they are split, and the text kept for the whole
//!   file is capped. Each of those is a per-row error, so memory follows the file's real
//!   content, never a reference (one shared string, one number format) multiplied by a count.

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

use crate::model::{Contact, ContactInput, GroupId, Limits};
use std::collections::HashSet;

pub use self::csv::{write_csv, write_csv_delimited};
pub use self::headers::{HEADER_SYNONYMS, Target, normalize_header};
pub use self::vcard_write::{VcardVersion, card as write_card, esc as vcard_escape, write_vcard};
pub use self::xlsx::template_xlsx;
pub use self::xlsx_guard::{MAX_PART_BYTES, MAX_SHEET_BYTES};
pub use self::xlsx_write::{write_xlsx, write_xlsx_stream};

/// The template's columns, in order. Export writes them, import recognises them (and synonyms).
/// "First Name" and "Last Name" (the given and family names, Outlook's headers) come last so that
/// files made for the 18 columns before them keep their positions.
pub const COLUMNS: [&str; 20] = [
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
    "First Name",
    "Last Name",
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
    /// Rows that could not even be read (an Excel error value in a mapped cell, a value over its
    /// field's limit, a vCard card with a giant line...), the first [`MAX_KEPT_ERRORS`] of them.
    /// Those rows are not in `rows`.
    pub errors: Vec<RowError>,
    /// How many errors there were (`errors` keeps only the first ones).
    pub error_count: usize,
    /// Rows that could not be read (a row may have several errors).
    pub unreadable: usize,
    /// File-level remarks, each reported once (ignored columns, encoding used...).
    pub warnings: Vec<String>,
    /// Bytes of text kept in `rows`, checked against [`ImportLimits::max_text_bytes`].
    text_bytes: usize,
}

/// Row errors kept per import (parse and job alike); the rest are only counted.
pub const MAX_KEPT_ERRORS: usize = 1000;

impl Parsed {
    /// Rows read so far, readable or not: what `max_rows` limits.
    pub fn row_count(&self) -> usize {
        self.rows.len() + self.unreadable
    }

    /// A row that could not be read, with its errors: (column, message).
    pub(crate) fn reject(&mut self, row: usize, errors: impl IntoIterator<Item = (String, String)>) {
        self.unreadable += 1;
        for (column, message) in errors {
            self.error_count += 1;
            if self.errors.len() < MAX_KEPT_ERRORS {
                self.errors.push(RowError { row, column, message });
            }
        }
    }

    /// Keep a row whose values are all within their caps, counting its text against the budget.
    pub(crate) fn keep(&mut self, row: ParsedRow, limits: &ImportLimits) -> Result<(), ImportError> {
        self.text_bytes += row.text_bytes();
        if self.text_bytes > limits.max_text_bytes {
            return Err(ImportError::TooMuchText { max_mb: limits.max_text_bytes >> 20 });
        }
        self.rows.push(row);
        Ok(())
    }
}

impl ParsedRow {
    fn text_bytes(&self) -> usize {
        let i = &self.input;
        let a = i.address.as_ref();
        let len = |s: Option<&String>| s.map_or(0, String::len);
        [
            &i.full_name,
            &i.given_name,
            &i.family_name,
            &i.job_title,
            &i.email,
            &i.mobile,
            &i.phone,
            &i.website,
            &i.linkedin,
            &i.facebook,
            &i.x,
            &i.company,
            &i.department,
            &i.notes,
        ]
        .into_iter()
        .map(|s| len(s.as_ref()))
        .sum::<usize>()
            + a.map_or(0, |a| {
                [&a.street, &a.city, &a.postal_code, &a.state, &a.country].into_iter().map(|s| len(s.as_ref())).sum()
            })
            + self.group_names.iter().map(String::len).sum::<usize>()
    }
}

/// What an import may hold, applied while reading.
#[derive(Debug, Clone)]
pub struct ImportLimits {
    /// Rows (or cards) per file, readable or not.
    pub max_rows: usize,
    /// The contact limits of the API: field lengths, groups per contact.
    pub fields: Limits,
    /// Text kept for the whole file (every value of every row, in UTF-8 bytes).
    pub max_text_bytes: usize,
}

/// Default of `limits.max_import_text_bytes`.
pub const DEFAULT_MAX_TEXT_BYTES: usize = 64 << 20;

impl ImportLimits {
    /// The API's default field limits with `max_rows` (tests, benchmarks).
    pub fn rows(max_rows: usize) -> Self {
        Self { max_rows, fields: Limits::default(), max_text_bytes: DEFAULT_MAX_TEXT_BYTES }
    }

    /// The most characters a cell of `target` may hold before it is refused without being kept.
    pub(crate) fn cap(&self, target: Option<Target>) -> usize {
        match target {
            Some(Target::Notes) => self.fields.max_notes_len,
            // Every group of a contact at its longest, with separators; the split counts them.
            Some(Target::Groups | Target::Categories | Target::Labels) => self.group_cell_cap(),
            _ => self.fields.max_field_len,
        }
    }

    fn group_cell_cap(&self) -> usize {
        (self.fields.max_groups_per_contact + 1) * (crate::model::MAX_GROUP_NAME_CHARS + 1)
    }

    /// The row error for a cell over [`Self::cap`].
    pub(crate) fn too_long(&self, target: Option<Target>) -> String {
        let cap = self.cap(target);
        match target {
            Some(Target::Groups | Target::Categories | Target::Labels) => format!(
                "is longer than {cap} characters (at most {} groups of up to {} characters)",
                self.fields.max_groups_per_contact,
                crate::model::MAX_GROUP_NAME_CHARS
            ),
            _ => format!("is longer than {cap} characters"),
        }
    }
}

/// Whether `s` has more than `cap` characters. Bytes are looked at first, so a 9 MB value is
/// refused in constant time and a value is never scanned past four times its cap.
pub(crate) fn over_cap(s: &str, cap: usize) -> bool {
    s.len() > cap && (s.len() > cap.saturating_mul(4) || s.chars().count() > cap)
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file has more than {max} rows; split it into several files")]
    TooManyRows { max: usize },
    #[error("the file cannot be read: {0}")]
    NotAFile(String),
    #[error("no header row found: {0}")]
    NoHeader(String),
    #[error("the file holds more than {max_mb} MB of text; split it into several files")]
    TooMuchText { max_mb: usize },
}

/// [`parse_with`] the API's default field limits and at most `max_rows` rows.
pub fn parse(format: Format, bytes: &[u8], max_rows: usize) -> Result<Parsed, ImportError> {
    parse_with(format, bytes, &ImportLimits::rows(max_rows))
}

/// Parse an upload. Fails as a whole only when the file is unreadable, hostile or too big;
/// unreadable single rows are reported in `Parsed::errors`.
pub fn parse_with(format: Format, bytes: &[u8], limits: &ImportLimits) -> Result<Parsed, ImportError> {
    let mut parsed = match format {
        Format::Xlsx => xlsx::parse(bytes, limits),
        Format::Csv => csv::parse(bytes, limits),
        Format::Vcard => vcard::parse(bytes, limits),
    }?;
    parsed.drop_template_example();
    Ok(parsed)
}

impl Parsed {
    /// The template's example person (left in by someone who filled the template below it) is
    /// not imported; the report says which row was left out.
    fn drop_template_example(&mut self) {
        let (name, email) = xlsx::EXAMPLE_PERSON;
        let is_example = |r: &ParsedRow| {
            r.input.full_name.as_deref().map(str::trim) == Some(name)
                && r.input.email.as_deref().map(str::trim) == Some(email)
        };
        let Some(pos) = self.rows.iter().position(is_example) else { return };
        let row = self.rows.remove(pos).row;
        self.warnings.push(format!(
            "row {row} is the template's example ({name}) and was not imported; delete it from the file to silence this"
        ));
    }
}

/// A contact flattened to the template's columns, in [`COLUMNS`] order. Shared by the xlsx
/// and CSV writers so that the two can never disagree.
/// The given and family names are the stored ones only (empty when derived from the full name),
/// so exporting then importing gives back the same contact.
pub(crate) fn contact_cells(c: &Contact, group_name: &dyn Fn(GroupId) -> Option<String>) -> [String; 20] {
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
        f.given_name.clone(),
        f.family_name.clone(),
    ]
}

/// The group names of one row: trimmed, empties dropped, de-duplicated case-insensitively
/// (first spelling kept) with a hash set, each checked by the API's rule. Splitting stops at the
/// first bad name or at one name over the per-contact limit, so a cell of 64,000 names costs
/// one pass over at most its first hundred-odd names.
#[derive(Debug, Default)]
pub(crate) struct GroupSet {
    pub names: Vec<String>,
    seen: HashSet<String>,
    max: usize,
    /// Why the row's groups are refused (the row becomes a row error).
    pub error: Option<String>,
}

impl GroupSet {
    pub fn new(max: usize) -> Self {
        Self { max, ..Self::default() }
    }

    /// Add one name; false once the row's groups are refused (stop splitting).
    pub fn push(&mut self, name: &str) -> bool {
        if self.error.is_some() {
            return false;
        }
        let name = name.trim();
        if name.is_empty() {
            return true;
        }
        let name = match crate::model::group_name(name) {
            Ok(n) => n,
            Err(why) => {
                let shown: String = name.chars().take(40).collect();
                let more = if shown.len() < name.len() { "…" } else { "" };
                self.error = Some(format!("the group name \"{}{more}\" {why}", shown.escape_debug()));
                return false;
            }
        };
        let key = name.to_lowercase();
        if self.seen.contains(&key) {
            return true;
        }
        if self.names.len() == self.max {
            self.error = Some(format!("has more than {} groups", self.max));
            return false;
        }
        self.seen.insert(key);
        self.names.push(name.to_owned());
        true
    }
}
