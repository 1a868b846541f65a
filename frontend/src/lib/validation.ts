// Client-side checks mirroring the server's (src/model/validate.rs), so Save stays
// disabled until the form is valid. The server stays the authority: its 422 field
// messages are shown on the same fields.
import type { ContactFields } from '../api/types';

export type FieldKey =
  | 'full_name' | 'given_name' | 'family_name' | 'job_title' | 'email' | 'mobile' | 'phone' | 'website' | 'linkedin' | 'facebook' | 'x'
  | 'company' | 'department' | 'notes' | 'groups'
  | 'address.street' | 'address.city' | 'address.postal_code' | 'address.state' | 'address.country';

export type ValidationCode = 'required' | 'email' | 'url' | 'phoneChars' | 'phoneDigits' | 'tooLong' | 'control';
export type FieldErrors = Partial<Record<FieldKey, ValidationCode>>;

export const MAX_FIELD_LEN = 256;
export const MAX_NOTES_LEN = 10_000;
const PHONE_CHARS = '0123456789+-(). /#*,;xXpPwWextEXT';

export function isEmail(s: string): boolean {
  const at = s.lastIndexOf('@');
  if (at <= 0) return false;
  const local = s.slice(0, at);
  const domain = s.slice(at + 1);
  if (local.length > 64 || domain.length > 253) return false;
  if (/[@ <>(),;:"\\[\]]/.test(local)) return false;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return false;
  const labels = domain.split('.');
  return (
    labels.length >= 2 &&
    labels.every((l) => l.length > 0 && l.length <= 63 && !l.startsWith('-') && !l.endsWith('-') && /^[\p{L}\p{N}-]+$/u.test(l))
  );
}

export function isHttpUrl(s: string): boolean {
  const lower = s.toLowerCase();
  let rest: string;
  if (lower.startsWith('https://')) rest = lower.slice(8);
  else if (lower.startsWith('http://')) rest = lower.slice(7);
  else return false;
  const host = rest.split(/[/?#]/)[0] ?? '';
  return host.length > 0 && !/[\s\p{Cc}]/u.test(s) && !host.includes('@');
}

/**
 * "example.com/team" -> "https://example.com/team": people type addresses without a scheme.
 * Anything that does not look like a host name is left alone (and refused by the check).
 */
export function completeUrl(v: string): string {
  const t = v.trim();
  if (!t || /^[a-z][a-z0-9+.-]*:/i.test(t) || t.includes('@') || /\s/.test(t)) return t;
  return /^[\p{L}\p{N}-]+(\.[\p{L}\p{N}-]+)+(:\d+)?([/?#].*)?$/u.test(t) ? `https://${t}` : t;
}

/**
 * Extension words people write after a number ("poste 1234", "extension 12", "Durchwahl 3")
 * become "ext", which the server's phone characters allow and tel: links understand.
 */
export function normalizePhone(v: string): string {
  return v
    .trim()
    .replace(/\s*\b(poste|extension|ext|durchwahl|dw|interno|int)\b\.?\s*/giu, ' ext ')
    .trim();
}

export function phoneError(v: string): ValidationCode | null {
  v = normalizePhone(v);
  if (!v) return null;
  for (const ch of v) if (!PHONE_CHARS.includes(ch)) return 'phoneChars';
  if (!/\d/.test(v)) return 'phoneDigits';
  return null;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
// eslint-disable-next-line no-control-regex
const CONTROL_NOTES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

export function validateContact(f: ContactFields): FieldErrors {
  const errs: FieldErrors = {};
  const short: [FieldKey, string][] = [
    ['full_name', f.full_name], ['given_name', f.given_name ?? ''], ['family_name', f.family_name ?? ''], ['job_title', f.job_title], ['email', f.email], ['mobile', f.mobile], ['phone', f.phone],
    ['website', f.website], ['linkedin', f.linkedin], ['facebook', f.facebook], ['x', f.x], ['company', f.company],
    ['department', f.department], ['address.street', f.address.street], ['address.city', f.address.city],
    ['address.postal_code', f.address.postal_code], ['address.state', f.address.state], ['address.country', f.address.country],
  ];
  for (const [k, v] of short) {
    if ([...v].length > MAX_FIELD_LEN) errs[k] = 'tooLong';
    else if (CONTROL.test(v)) errs[k] = 'control';
  }
  if (!f.full_name.trim()) errs.full_name = 'required';
  if ([...f.notes].length > MAX_NOTES_LEN) errs.notes = 'tooLong';
  else if (CONTROL_NOTES.test(f.notes)) errs.notes = 'control';
  const email = f.email.trim();
  if (email && !errs.email && !isEmail(email)) errs.email = 'email';
  for (const k of ['mobile', 'phone'] as const) {
    const e = phoneError(f[k].trim());
    if (e && !errs[k]) errs[k] = e;
  }
  for (const k of ['website', 'linkedin', 'facebook', 'x'] as const) {
    const v = f[k].trim();
    if (v && !errs[k] && !isHttpUrl(k === 'x' ? v : completeUrl(v))) errs[k] = 'url';
  }
  return errs;
}

export function isValid(errs: FieldErrors): boolean {
  return Object.keys(errs).length === 0;
}

/** Trims every text field before sending (the server stores what it gets). */
export function normalizeContact(f: ContactFields): ContactFields {
  return {
    ...f,
    full_name: f.full_name.trim(),
    given_name: (f.given_name ?? '').trim(),
    family_name: (f.family_name ?? '').trim(),
    job_title: f.job_title.trim(),
    email: f.email.trim(),
    mobile: normalizePhone(f.mobile),
    phone: normalizePhone(f.phone),
    website: completeUrl(f.website),
    linkedin: completeUrl(f.linkedin),
    facebook: completeUrl(f.facebook),
    x: f.x.trim(),
    company: f.company.trim(),
    department: f.department.trim(),
    address: {
      street: f.address.street.trim(),
      city: f.address.city.trim(),
      postal_code: f.address.postal_code.trim(),
      state: f.address.state.trim(),
      country: f.address.country.trim(),
    },
    notes: f.notes.replace(/\s+$/, ''),
  };
}

/** Which fields differ between two versions (groups compared as a set). */
export function diffContacts(a: ContactFields, b: ContactFields): FieldKey[] {
  const keys: FieldKey[] = ['full_name', 'given_name', 'family_name', 'job_title', 'email', 'mobile', 'phone', 'website', 'linkedin', 'facebook', 'x',
    'company', 'department', 'address.street', 'address.city', 'address.postal_code', 'address.state', 'address.country', 'notes', 'groups'];
  return keys.filter((k) => JSON.stringify(getField(a, k)) !== JSON.stringify(getField(b, k)));
}

export function getField(f: ContactFields, k: FieldKey): string | string[] {
  if (k.startsWith('address.')) return f.address[k.slice(8) as keyof ContactFields['address']] ?? '';
  if (k === 'groups') return [...f.groups].sort();
  return (f as unknown as Record<string, string>)[k] ?? '';
}
