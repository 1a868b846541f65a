//! Merging duplicates: one transaction keeps a contact, fills it from the others and moves them
//! to the trash, so a merge can be taken back (restore the others, revert the kept one).

use super::contacts::contact_key;
use super::log::{ChangeKind, HistoryAction, LogWriter};
use super::records::StoredContact;
use super::{Actor, CONTACTS, Need, OrgStore, Rights, StoreError, StoreResult, decode, encode};
use crate::model::{Contact, ContactFields, ContactId, FieldErrors, ListId, Timestamp};
use redb::ReadableTable;
use std::collections::BTreeMap;

/// The fields a merge may take from one contact or another (`fields` of the request).
pub const MERGE_FIELDS: &[&str] = &[
    "full_name",
    "job_title",
    "email",
    "mobile",
    "phone",
    "website",
    "linkedin",
    "facebook",
    "x",
    "company",
    "department",
    "address",
    "notes",
];

fn field_mut<'a>(f: &'a mut ContactFields, name: &str) -> Option<&'a mut String> {
    Some(match name {
        "full_name" => &mut f.full_name,
        "job_title" => &mut f.job_title,
        "email" => &mut f.email,
        "mobile" => &mut f.mobile,
        "phone" => &mut f.phone,
        "website" => &mut f.website,
        "linkedin" => &mut f.linkedin,
        "facebook" => &mut f.facebook,
        "x" => &mut f.x,
        "company" => &mut f.company,
        "department" => &mut f.department,
        "notes" => &mut f.notes,
        _ => return None,
    })
}

/// The merged fields: `keep`'s, with each empty field filled from the first other that has it,
/// except where `choose` names the contact to take a field from; groups are united and distinct
/// notes are kept one after the other (unless `choose` picks one).
pub fn merge_fields(
    keep: &ContactFields,
    keep_id: ContactId,
    others: &[(ContactId, ContactFields)],
    choose: &BTreeMap<String, ContactId>,
    max_notes: usize,
) -> Result<ContactFields, FieldErrors> {
    let mut out = keep.clone();
    let from = |id: ContactId| -> Option<&ContactFields> {
        if id == keep_id { Some(keep) } else { others.iter().find(|(o, _)| *o == id).map(|(_, f)| f) }
    };
    let mut errs = FieldErrors::new();
    for (name, id) in choose {
        if !MERGE_FIELDS.contains(&name.as_str()) {
            errs.insert(
                format!("fields.{name}"),
                format!("is not a field a merge can choose ({})", MERGE_FIELDS.join(", ")),
            );
            continue;
        }
        let Some(src) = from(*id) else {
            errs.insert(format!("fields.{name}"), format!("{id} is not one of the merged contacts"));
            continue;
        };
        if name == "address" {
            out.address = src.address.clone();
        } else if name == "full_name" {
            // The given and family names go with the full name they split.
            out.full_name.clone_from(&src.full_name);
            out.given_name.clone_from(&src.given_name);
            out.family_name.clone_from(&src.family_name);
        } else if let (Some(dst), Some(v)) = (field_mut(&mut out, name), field_mut(&mut src.clone(), name).cloned()) {
            *dst = v;
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    for (_, o) in others {
        for name in MERGE_FIELDS {
            if choose.contains_key(*name) {
                continue;
            }
            match *name {
                "address" => {
                    if out.address.is_empty() {
                        out.address = o.address.clone();
                    }
                }
                "notes" => {
                    let n = o.notes.trim();
                    if !n.is_empty() && !out.notes.contains(n) {
                        out.notes = if out.notes.is_empty() { n.to_owned() } else { format!("{}\n\n{n}", out.notes) };
                    }
                }
                _ => {
                    let mut o = o.clone();
                    if let (Some(dst), Some(v)) = (field_mut(&mut out, name), field_mut(&mut o, name))
                        && dst.is_empty()
                    {
                        *dst = std::mem::take(v);
                    }
                }
            }
        }
        for g in &o.groups {
            if !out.groups.contains(g) {
                out.groups.push(*g);
            }
        }
    }
    out.groups.sort();
    if out.notes.chars().count() > max_notes {
        errs.insert(
            "fields.notes".into(),
            format!("the notes together are longer than {max_notes} characters: choose whose notes to keep"),
        );
        return Err(errs);
    }
    Ok(out)
}

impl OrgStore {
    /// Merge `others` into `id` in one transaction (needs Modify and Delete): see [`merge_fields`].
    #[allow(clippy::too_many_arguments)]
    pub fn merge_contacts(
        &self,
        actor: &Actor,
        list: ListId,
        id: ContactId,
        others: &[ContactId],
        choose: &BTreeMap<String, ContactId>,
        if_match: Option<u64>,
        max_notes: usize,
        now: Timestamp,
    ) -> StoreResult<Contact> {
        let idx = self.index(list)?;
        let _w = self.write_lock.lock();
        let (txn, l) = self.begin_list_write(actor, list, Need::Modify)?;
        Rights::of(&l, actor)?.require(Need::Delete)?;
        let (merged, appended) = {
            let mut t = txn.open_table(CONTACTS)?;
            let read = |t: &redb::Table<'_, (u128, u128), &'static [u8]>, c: ContactId| -> StoreResult<StoredContact> {
                let v = t.get(contact_key(list, c))?.ok_or(StoreError::NotFound("contact"))?;
                Ok(decode(v.value())?)
            };
            let keep = read(&t, id)?;
            if if_match.is_some_and(|v| v != keep.version) {
                return Err(StoreError::VersionMismatch(Box::new(keep.into())));
            }
            let mut gone = Vec::with_capacity(others.len());
            for o in others {
                match read(&t, *o) {
                    Ok(c) => gone.push(c),
                    Err(StoreError::NotFound(_)) => {
                        let mut e = FieldErrors::new();
                        e.insert("others".into(), format!("unknown contact {o}"));
                        return Err(StoreError::Validation(e));
                    }
                    Err(e) => return Err(e),
                }
            }
            let pairs: Vec<(ContactId, ContactFields)> = gone.iter().map(|c| (c.id, c.fields.clone())).collect();
            let fields = merge_fields(&keep.fields, id, &pairs, choose, max_notes).map_err(StoreError::Validation)?;
            let before = keep.fields.clone();
            let mut kept = keep;
            kept.fields = fields;
            kept.version += 1;
            kept.updated_at = now;
            kept.updated_by = actor.display.clone();
            t.insert(contact_key(list, id), encode(&kept).as_slice())?;
            for c in &gone {
                t.remove(contact_key(list, c.id))?;
            }
            drop(t);
            let mut log = LogWriter::open(&txn, now, &actor.display)?;
            log.contact(list, ChangeKind::ContactUpdated, HistoryAction::Merged, &kept, Some(&before))?;
            for c in gone {
                super::trash::trash_contact(&txn, &mut log, list, c, now, &actor.display)?;
            }
            (Contact::from(kept), log.finish()?)
        };
        Self::add_to_count(&txn, list, -i64::try_from(others.len()).unwrap_or(0))?;
        self.commit(txn, appended)?;
        let mut w = idx.write();
        w.upsert(&merged);
        for o in others {
            w.remove(*o);
        }
        Ok(merged)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, email: &str, mobile: &str, notes: &str) -> ContactFields {
        ContactFields {
            full_name: name.into(),
            email: email.into(),
            mobile: mobile.into(),
            notes: notes.into(),
            ..ContactFields::default()
        }
    }

    #[test]
    fn empty_fields_are_filled_notes_kept_and_choices_win() {
        let (a, b, c) = (ContactId::new_random(), ContactId::new_random(), ContactId::new_random());
        let keep = f("Clément Laurent", "", "06 15 88 26 17", "Met in Lyon");
        let others = vec![
            (b, f("Clement Laurent", "clement@tailspin.example", "", "Prefers calls")),
            (c, f("C. Laurent", "c.laurent@old.example", "06 00 00 00 00", "Met in Lyon")),
        ];
        let m = merge_fields(&keep, a, &others, &BTreeMap::new(), 10_000).unwrap();
        assert_eq!(m.full_name, "Clément Laurent");
        assert_eq!(m.email, "clement@tailspin.example", "the first other that has it");
        assert_eq!(m.mobile, "06 15 88 26 17", "the kept contact's own value stays");
        assert_eq!(m.notes, "Met in Lyon\n\nPrefers calls", "every distinct note, once");
        let choose = BTreeMap::from([("email".to_owned(), c), ("mobile".to_owned(), c)]);
        let m = merge_fields(&keep, a, &others, &choose, 10_000).unwrap();
        assert_eq!((m.email.as_str(), m.mobile.as_str()), ("c.laurent@old.example", "06 00 00 00 00"));
        let bad = BTreeMap::from([("groups".to_owned(), b), ("email".to_owned(), ContactId::new_random())]);
        let e = merge_fields(&keep, a, &others, &bad, 10_000).unwrap_err();
        assert_eq!(e.keys().collect::<Vec<_>>(), ["fields.email", "fields.groups"]);
        let e = merge_fields(&keep, a, &others, &BTreeMap::new(), 20).unwrap_err();
        assert!(e.contains_key("fields.notes"));
    }
}
