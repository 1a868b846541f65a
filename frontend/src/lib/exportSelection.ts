// Export of a bulk selection, made in the browser from the contacts on screen: vCard 3.0 (one
// card after another) or CSV with the import template's columns (so it imports back).
import type { ContactFields, Group } from '../api/types';
import { toCsv } from './csv';
import { toVCard } from './vcard';

export const CSV_HEADERS = ['Full Name', 'Job Title', 'Email', 'Mobile', 'Phone', 'Website', 'LinkedIn', 'Facebook', 'X', 'Company', 'Department',
  'Street', 'City', 'Postal Code', 'State', 'Country', 'Notes', 'Groups'];

export function selectionVcf(contacts: ContactFields[]): string {
  return contacts.map(toVCard).join('');
}

export function selectionCsv(contacts: ContactFields[], groups: Group[]): string {
  const name = (id: string) => groups.find((g) => g.id === id)?.name ?? '';
  return toCsv([
    CSV_HEADERS,
    ...contacts.map((c) => [
      c.full_name, c.job_title, c.email, c.mobile, c.phone, c.website, c.linkedin, c.facebook, c.x, c.company, c.department,
      c.address.street, c.address.city, c.address.postal_code, c.address.state, c.address.country, c.notes,
      c.groups.map(name).filter(Boolean).join(';'),
    ]),
  ]);
}
