// Merging duplicates (issue 14) and the duplicate warning on create: pure, unit-tested logic.
// The server decides what a merge keeps (src/store/merge.rs): the kept contact's value, or the
// first other's when it has none, unless `fields` names the contact to take a field from; groups
// are united and every distinct note is kept. The dialog shows the same, and sends every choice
// explicitly so that what was on screen is what is saved.
import type { Contact, ContactFields, MergeRequest } from '../api/types';
import { foldWord } from './highlight';

/** The fields a merge picks from one contact (notes and groups are kept together). */
export const PICK_FIELDS = [
  'full_name', 'job_title', 'company', 'department', 'email', 'mobile', 'phone', 'website', 'linkedin', 'facebook', 'x', 'address',
] as const;
export type PickField = (typeof PICK_FIELDS)[number];

/** A field's value as shown (the address on one line). */
export function fieldValue(c: ContactFields, f: PickField): string {
  if (f === 'address') {
    const a = c.address;
    return [a.street, [a.postal_code, a.city].filter(Boolean).join(' '), a.state, a.country].map((x) => x.trim()).filter(Boolean).join(', ');
  }
  return (c[f] ?? '').trim();
}

/** The kept contact first, then the others in the server's order (by id). */
export function mergeOrder<T extends { id: string }>(contacts: T[], keepId: string): T[] {
  const keep = contacts.find((c) => c.id === keepId);
  const others = contacts.filter((c) => c.id !== keepId).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return keep ? [keep, ...others] : others;
}

/** Per field, whose value a merge keeps unless told otherwise: the kept contact's, else the first non-empty. */
export function mergeDefaults(contacts: Contact[], keepId: string): Partial<Record<PickField, string>> {
  const order = mergeOrder(contacts, keepId);
  const out: Partial<Record<PickField, string>> = {};
  for (const f of PICK_FIELDS) {
    const from = order.find((c) => fieldValue(c, f) !== '');
    if (from) out[f] = from.id;
  }
  return out;
}

/** Fields where the contacts disagree (two or more different non-empty values): a choice to make. */
export function conflictingFields(contacts: Contact[]): PickField[] {
  return PICK_FIELDS.filter((f) => new Set(contacts.map((c) => fieldValue(c, f)).filter(Boolean)).size > 1);
}

/** The request body: the others, and for every field with a value, the contact it comes from. */
export function mergeRequest(contacts: Contact[], keepId: string, choices: Partial<Record<PickField, string>>): MergeRequest {
  const defaults = mergeDefaults(contacts, keepId);
  const fields: Record<string, string> = {};
  for (const f of PICK_FIELDS) {
    const chosen = choices[f];
    // A choice for a contact that has no value there (or is no longer in the merge) falls back.
    const ok = chosen && contacts.some((c) => c.id === chosen && fieldValue(c, f) !== '');
    const id = ok ? chosen : defaults[f];
    if (id) fields[f] = id;
  }
  return { others: contacts.filter((c) => c.id !== keepId).map((c) => c.id), fields };
}

/** Groups after the merge: everybody's, once. */
export function unionGroups(contacts: Contact[]): string[] {
  return [...new Set(contacts.flatMap((c) => c.groups))];
}

/** Notes after the merge: the kept contact's, then each other's distinct notes, a blank line apart. */
export function mergedNotes(contacts: Contact[], keepId: string): string {
  let out = '';
  for (const c of mergeOrder(contacts, keepId)) {
    const n = c.notes.trim();
    if (c.id === keepId) out = c.notes;
    else if (n && !out.includes(n)) out = out ? `${out}\n\n${n}` : n;
  }
  return out;
}

const fold = (s: string) => foldWord(s);

/**
 * The existing contact a new one duplicates: the same e-mail address, or the same full name at
 * the same company (accents, case and spacing aside). `candidates` come from a search.
 */
export function findExisting<T extends Pick<Contact, 'full_name' | 'email' | 'company'>>(form: Pick<ContactFields, 'full_name' | 'email' | 'company'>, candidates: T[]): T | null {
  const email = form.email.trim().toLowerCase();
  if (email) {
    const same = candidates.find((c) => c.email.trim().toLowerCase() === email);
    if (same) return same;
  }
  const name = fold(form.full_name);
  if (!name) return null;
  const company = fold(form.company);
  return candidates.find((c) => fold(c.full_name) === name && fold(c.company) === company) ?? null;
}
