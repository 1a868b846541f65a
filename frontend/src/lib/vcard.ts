// One contact as a vCard 3.0 (RFC 2426): what phones import from a download or a QR code.
import type { ContactFields } from '../api/types';
import { completeUrl } from './validation';
import { mapProvider } from './map';

/** RFC 2426 text escaping: backslash, comma, semicolon, newline. */
export function escapeText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '').replace(/,/g, '\\,').replace(/;/g, '\\;');
}

/**
 * Family and given names derived from the full name, as the server does (src/model/name_parts.rs,
 * the rule; this is the part a preview needs): "Costa, Chloé" -> Costa / Chloé; otherwise the last
 * word with the particles before it ("Ludwig van Beethoven" -> van Beethoven); one word is a given
 * name ("Clément Dupont" -> Dupont / Clément).
 */
export function splitName(full: string): { family: string; given: string } {
  const comma = full.indexOf(',');
  if (comma >= 0) {
    const family = full.slice(0, comma).trim().split(/\s+/).filter(Boolean).join(' ');
    const given = full.slice(comma + 1).trim().split(/\s+/).filter(Boolean).join(' ');
    if (family && given && !/^(jr|sr|ii|iii|iv|phd|md|esq)\.?$/i.test(given)) return { family, given };
    full = family || given;
  }
  const words = full.trim().split(/\s+/).filter(Boolean);
  if (words.length <= 1) return { family: '', given: words[0] ?? '' };
  let i = words.length - 1;
  const particles = new Set(['van', 'von', 'de', 'del', 'della', 'di', 'da', 'du', 'des', 'le', 'la', 'der', 'den', 'ter', 'ten', 'dos', 'das', 'af', 'bin', 'ibn', 'al']);
  while (i > 1 && particles.has(words[i - 1].toLowerCase())) i--;
  return { family: words.slice(i).join(' '), given: words.slice(0, i).join(' ') };
}

export function toVCard(c: ContactFields & { given_name?: string; family_name?: string }): string {
  // Each stored part wins; an empty one is derived (as the server writes N).
  const derived = splitName(c.full_name);
  const family = c.family_name || derived.family;
  const given = c.given_name || derived.given;
  const lines = ['BEGIN:VCARD', 'VERSION:3.0', `N:${escapeText(family)};${escapeText(given)};;;`, `FN:${escapeText(c.full_name)}`];
  if (c.company || c.department) lines.push(`ORG:${escapeText(c.company)}${c.department ? `;${escapeText(c.department)}` : ''}`);
  if (c.job_title) lines.push(`TITLE:${escapeText(c.job_title)}`);
  if (c.mobile) lines.push(`TEL;TYPE=CELL:${escapeText(c.mobile)}`);
  if (c.phone) lines.push(`TEL;TYPE=WORK,VOICE:${escapeText(c.phone)}`);
  if (c.email) lines.push(`EMAIL;TYPE=INTERNET:${escapeText(c.email)}`);
  if (c.website) lines.push(`URL:${escapeText(completeUrl(c.website))}`);
  const a = c.address;
  if (a && (a.street || a.city || a.postal_code || a.state || a.country)) {
    lines.push(`ADR;TYPE=WORK:;;${[a.street, a.city, a.state, a.postal_code, a.country].map(escapeText).join(';')}`);
  }
  if (c.notes) lines.push(`NOTE:${escapeText(c.notes)}`);
  lines.push('END:VCARD');
  return lines.join('\r\n') + '\r\n';
}

/** A file name for the download: letters, digits, spaces and dashes of the name. */
export function vcardFileName(fullName: string): string {
  const base = fullName.normalize('NFC').replace(/[^\p{L}\p{N} _-]+/gu, '').trim().slice(0, 80);
  return `${base || 'contact'}.vcf`;
}

/** The address on the configured map, or null when there is no address or no map. */
export function mapUrl(a: ContactFields['address']): string | null {
  const q = [a.street, a.postal_code, a.city, a.state, a.country].map((s) => s.trim()).filter(Boolean).join(', ');
  // Only http(s) templates (the server checks too): a javascript: URL must never become a link.
  const map = mapProvider();
  if (!q || !/^https?:\/\//.test(map.url)) return null;
  return map.url.split('{address}').join(encodeURIComponent(q));
}
