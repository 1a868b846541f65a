//! The one table of recognised column headers, shared by the xlsx and CSV readers.
//!
//! Every header we understand is in [`HEADER_SYNONYMS`]: our template, common synonyms,
//! Outlook's CSV export, Google Contacts' CSV exports (old and new), a few French headers.
//! Headers are compared after [`normalize_header`] (accents, case, spaces and punctuation
//! removed), so "E-mail Address", "email address" and "EMAIL_ADDRESS" are equal.

/// Where a column's values go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    FullName,
    FirstName,
    MiddleName,
    LastName,
    NamePrefix,
    NameSuffix,
    Nickname,
    JobTitle,
    /// "Title": the honorific when the file also has a job title column (Outlook), else the job title.
    Title,
    Email,
    Mobile,
    Phone,
    /// Google "Phone N - Value" / "Phone N - Type|Label": paired by N, routed by the label.
    PhoneValue,
    PhoneLabel,
    Website,
    /// Google "Website N - Value": routed to LinkedIn / Facebook / X by host, else Website.
    WebValue,
    LinkedIn,
    Facebook,
    X,
    Company,
    Department,
    Street,
    City,
    PostalCode,
    State,
    Country,
    /// A one-cell address ("Address 1 - Formatted"), used only when the parts are empty.
    AddressFormatted,
    Notes,
    /// Our Groups column: names separated by ';' (or Google's " ::: ").
    Groups,
    /// Outlook Categories: ';' or ','.
    Categories,
    /// Google Labels / Group Membership: " ::: ", system groups ("* myContacts") dropped.
    Labels,
    /// Known columns that never hold contact data (Outlook's "E-mail Type", "Priority"...):
    /// not imported and not reported as ignored.
    Ignore,
}

use Target::*;

pub(super) const N_TARGETS: usize = Ignore as usize + 1;

/// Rank of a column among columns with the same target: the lowest non-empty one wins. For
/// address parts the rank is the address slot (business/generic 0, Google address N, home 100,
/// other 200) and the first slot with any part filled is used as a whole.
const HOME: u16 = 100;
/// Rank of "Nom", told apart in `fields` (a family name only next to a "Prénom").
pub(super) const NOM_RANK: u16 = 4;
const OTHER: u16 = 200;

/// (normalized header, target, rank). A `#` in the header stands for a number N (Google's
/// "E-mail 1 - Value"); the rank is then N plus the rank given here.
pub static HEADER_SYNONYMS: &[(&str, Target, u16)] = &[
    // Names.
    ("fullname", FullName, 0),
    ("name", FullName, 1),
    ("displayname", FullName, 2),
    ("contactname", FullName, 3),
    ("contact", FullName, 4),
    ("nomcomplet", FullName, 5),
    ("firstname", FirstName, 0),
    ("givenname", FirstName, 1),
    ("prenom", FirstName, 2),
    ("middlename", MiddleName, 0),
    ("additionalname", MiddleName, 1),
    ("lastname", LastName, 0),
    ("familyname", LastName, 1),
    ("surname", LastName, 2),
    ("nomdefamille", LastName, 3),
    // French forms: "Nom" next to "Prénom" is the family name (alone, it still makes the full
    // name, composed from the parts).
    ("nom", LastName, NOM_RANK),
    ("title", Title, 0),
    ("nameprefix", NamePrefix, 0),
    ("prefix", NamePrefix, 1),
    ("suffix", NameSuffix, 0),
    ("namesuffix", NameSuffix, 1),
    ("nickname", Nickname, 0),
    // Work.
    ("jobtitle", JobTitle, 0),
    ("organizationtitle", JobTitle, 1),
    ("organization#title", JobTitle, 1),
    ("position", JobTitle, 2),
    ("role", JobTitle, 3),
    ("fonction", JobTitle, 4),
    ("poste", JobTitle, 5),
    ("company", Company, 0),
    ("companyname", Company, 1),
    ("organization", Company, 2),
    ("organisation", Company, 3),
    ("organizationname", Company, 4),
    ("organization#name", Company, 4),
    ("employer", Company, 5),
    ("societe", Company, 6),
    ("entreprise", Company, 7),
    ("department", Department, 0),
    ("organizationdepartment", Department, 1),
    ("organization#department", Department, 1),
    ("dept", Department, 2),
    ("service", Department, 3),
    // E-mail.
    ("email", Email, 0),
    ("emailaddress", Email, 1),
    ("mail", Email, 2),
    ("courriel", Email, 3),
    ("email#value", Email, 10),
    ("email#address", Email, 20),
    // Phones.
    ("mobile", Mobile, 0),
    ("mobilephone", Mobile, 1),
    ("cell", Mobile, 2),
    ("cellphone", Mobile, 3),
    ("mobilenumber", Mobile, 4),
    ("portable", Mobile, 5),
    ("telephoneportable", Mobile, 6),
    ("phone", Phone, 0),
    ("telephone", Phone, 1),
    ("phonenumber", Phone, 2),
    ("tel", Phone, 3),
    ("workphone", Phone, 4),
    ("businessphone", Phone, 5),
    ("primaryphone", Phone, 6),
    ("companymainphone", Phone, 7),
    ("businessphone2", Phone, 8),
    ("homephone", Phone, 20),
    ("homephone2", Phone, 21),
    ("otherphone", Phone, 22),
    ("phone#value", PhoneValue, 0),
    ("phone#type", PhoneLabel, 0),
    ("phone#label", PhoneLabel, 0),
    // Web.
    ("website", Website, 0),
    ("webpage", Website, 1),
    ("web", Website, 2),
    ("url", Website, 3),
    ("homepage", Website, 4),
    ("siteweb", Website, 5),
    ("personalwebpage", Website, 6),
    ("website#value", WebValue, 0),
    ("linkedin", LinkedIn, 0),
    ("linkedinurl", LinkedIn, 1),
    ("linkedinprofile", LinkedIn, 2),
    ("facebook", Facebook, 0),
    ("facebookurl", Facebook, 1),
    ("x", X, 0),
    ("twitter", X, 1),
    ("xtwitter", X, 2),
    ("twitterurl", X, 3),
    // Address: rank = slot.
    ("street", Street, 0),
    ("address", Street, 0),
    ("streetaddress", Street, 0),
    ("addressline1", Street, 0),
    ("addressline2", Street, 0),
    ("adresse", Street, 0),
    ("rue", Street, 0),
    ("businessstreet", Street, 0),
    ("businessstreet2", Street, 0),
    ("businessstreet3", Street, 0),
    ("businessaddresspobox", Street, 0),
    ("city", City, 0),
    ("town", City, 0),
    ("ville", City, 0),
    ("businesscity", City, 0),
    ("postalcode", PostalCode, 0),
    ("zip", PostalCode, 0),
    ("zipcode", PostalCode, 0),
    ("postcode", PostalCode, 0),
    ("codepostal", PostalCode, 0),
    ("businesspostalcode", PostalCode, 0),
    ("state", State, 0),
    ("region", State, 0),
    ("province", State, 0),
    ("county", State, 0),
    ("businessstate", State, 0),
    ("country", Country, 0),
    ("countryregion", Country, 0),
    ("pays", Country, 0),
    ("businesscountryregion", Country, 0),
    ("businesscountry", Country, 0),
    ("homestreet", Street, HOME),
    ("homestreet2", Street, HOME),
    ("homestreet3", Street, HOME),
    ("homeaddresspobox", Street, HOME),
    ("homecity", City, HOME),
    ("homepostalcode", PostalCode, HOME),
    ("homestate", State, HOME),
    ("homecountryregion", Country, HOME),
    ("homecountry", Country, HOME),
    ("otherstreet", Street, OTHER),
    ("otherstreet2", Street, OTHER),
    ("otherstreet3", Street, OTHER),
    ("otheraddresspobox", Street, OTHER),
    ("othercity", City, OTHER),
    ("otherpostalcode", PostalCode, OTHER),
    ("otherstate", State, OTHER),
    ("othercountryregion", Country, OTHER),
    ("address#street", Street, 1),
    ("address#pobox", Street, 1),
    ("address#extendedaddress", Street, 1),
    ("address#city", City, 1),
    ("address#postalcode", PostalCode, 1),
    ("address#region", State, 1),
    ("address#country", Country, 1),
    ("address#formatted", AddressFormatted, 1),
    // Notes and groups.
    ("notes", Notes, 0),
    ("note", Notes, 1),
    ("comments", Notes, 2),
    ("remarques", Notes, 3),
    ("commentaire", Notes, 4),
    ("groups", Groups, 0),
    ("group", Groups, 0),
    ("groupes", Groups, 0),
    ("groupe", Groups, 0),
    ("categories", Categories, 0),
    ("labels", Labels, 0),
    ("groupmembership", Labels, 0),
    // Bookkeeping columns of Outlook and Google exports.
    ("emailtype", Ignore, 0),
    ("emaildisplayname", Ignore, 0),
    ("email#type", Ignore, 0),
    ("email#displayname", Ignore, 0),
    ("email#label", Ignore, 0),
    ("address#type", Ignore, 0),
    ("address#label", Ignore, 0),
    ("website#type", Ignore, 0),
    ("website#label", Ignore, 0),
    ("organization#type", Ignore, 0),
    ("priority", Ignore, 0),
    ("sensitivity", Ignore, 0),
    ("private", Ignore, 0),
    ("gender", Ignore, 0),
    ("initials", Ignore, 0),
    ("fileas", Ignore, 0),
];

/// The template column (one of `COLUMNS`) a target feeds, for naming columns in row errors.
pub fn template_column(t: Target) -> Option<&'static str> {
    Some(match t {
        FirstName => "First Name",
        LastName => "Last Name",
        FullName | MiddleName | NamePrefix | NameSuffix | Nickname | Title => "Full Name",
        JobTitle => "Job Title",
        Email => "Email",
        Mobile => "Mobile",
        Phone | PhoneValue | PhoneLabel => "Phone",
        Website | WebValue => "Website",
        LinkedIn => "LinkedIn",
        Facebook => "Facebook",
        X => "X",
        Company => "Company",
        Department => "Department",
        Street | AddressFormatted => "Street",
        City => "City",
        PostalCode => "Postal Code",
        State => "State",
        Country => "Country",
        Notes => "Notes",
        Groups | Categories | Labels => "Groups",
        Ignore => return None,
    })
}

/// Fold a header for comparison: ASCII transliteration, lowercase, letters and digits only.
pub fn normalize_header(h: &str) -> String {
    deunicode::deunicode(h).chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

/// Look a normalized header up: (target, rank, N for numbered headers).
pub(super) fn lookup(norm: &str) -> Option<(Target, u16, u16)> {
    for &(key, target, rank) in HEADER_SYNONYMS {
        match key.split_once('#') {
            None if key == norm => return Some((target, rank, 0)),
            Some((pre, post)) => {
                let Some(mid) = norm.strip_prefix(pre).and_then(|r| r.strip_suffix(post)) else { continue };
                if !mid.is_empty() && mid.len() <= 3 && mid.bytes().all(|b| b.is_ascii_digit()) {
                    let n: u16 = mid.parse().unwrap_or(0);
                    return Some((target, rank.saturating_add(n), n));
                }
            }
            None => {}
        }
    }
    None
}
