import { describe, expect, it } from 'vitest';
import { emptyContactFields, type Contact } from '../api/types';
import { conflictingFields, fieldValue, findExisting, mergeDefaults, mergedNotes, mergeOrder, mergeRequest, unionGroups } from './dedupe';

const who = { id: 'u', name: 'U' };
const contact = (id: string, over: Partial<Contact>): Contact => ({
  ...emptyContactFields(), id, created_at: '', created_by: who, updated_at: '', updated_by: who, version: 1, ...over,
});

const a = contact('b-2', { full_name: 'François Hansen', email: 'francois.hansen@wingtip.example', mobile: '', company: 'Wingtip', notes: 'Met at the fair', groups: ['g1'] });
const b = contact('a-1', { full_name: 'Francois Hansen', email: 'francois.hansen@wingtip.example', mobile: '+33 6 11 22 33 44', company: 'Wingtip Toys', notes: 'Prefers mail', groups: ['g2', 'g1'] });
const c = contact('c-3', { full_name: 'F. Hansen', job_title: 'Buyer', notes: 'Met at the fair' });

describe('merge defaults', () => {
  it("keeps the kept contact's value, else the first non-empty one in the server's order", () => {
    const d = mergeDefaults([a, b, c], 'b-2');
    expect(d.full_name).toBe('b-2');
    expect(d.company).toBe('b-2');
    expect(d.mobile).toBe('a-1'); // empty on the kept one: the first other (by id) that has it
    expect(d.job_title).toBe('c-3');
    expect(d.phone).toBeUndefined(); // nobody has one
  });

  it('follows the kept contact when it changes', () => {
    const d = mergeDefaults([a, b, c], 'c-3');
    expect(d.full_name).toBe('c-3');
    expect(d.company).toBe('a-1');
    expect(d.email).toBe('a-1');
  });

  it('orders the kept contact first, then the others by id', () => {
    expect(mergeOrder([a, b, c], 'c-3').map((x) => x.id)).toEqual(['c-3', 'a-1', 'b-2']);
  });

  it('asks only where the values differ', () => {
    expect(conflictingFields([a, b, c])).toEqual(['full_name', 'company']);
    expect(conflictingFields([a, a])).toEqual([]);
  });

  it('sends every field with a value, a choice winning over the default', () => {
    const r = mergeRequest([a, b, c], 'b-2', { company: 'a-1', mobile: 'b-2' /* empty there: ignored */ });
    expect(r.others).toEqual(['a-1', 'c-3']);
    expect(r.fields).toEqual({
      full_name: 'b-2', job_title: 'c-3', company: 'a-1', email: 'b-2', mobile: 'a-1',
    });
    expect(r.fields.notes).toBeUndefined(); // notes are kept together by the server
  });

  it('unites groups and keeps distinct notes together, like the server', () => {
    expect(unionGroups([a, b, c]).sort()).toEqual(['g1', 'g2']);
    expect(mergedNotes([a, b, c], 'b-2')).toBe('Met at the fair\n\nPrefers mail');
    expect(mergedNotes([a, b, c], 'a-1')).toBe('Prefers mail\n\nMet at the fair');
  });

  it('shows the address on one line', () => {
    const x = contact('x', { address: { street: '12 rue de la Paix', city: 'Paris', postal_code: '75002', state: '', country: 'France' } });
    expect(fieldValue(x, 'address')).toBe('12 rue de la Paix, 75002 Paris, France');
    expect(fieldValue(a, 'address')).toBe('');
  });
});

describe('findExisting', () => {
  const existing = [
    contact('1', { full_name: 'Alice Martin', company: 'Acme', email: 'alice@acme.example' }),
    contact('2', { full_name: 'Bob Durand', company: '', email: '' }),
  ];
  it('finds the same e-mail address, whatever the case', () => {
    expect(findExisting({ full_name: 'Someone', company: '', email: ' ALICE@acme.example ' }, existing)?.id).toBe('1');
  });
  it('finds the same name at the same company, accents and case aside', () => {
    expect(findExisting({ full_name: 'alice  martin', company: 'ACME', email: '' }, existing)?.id).toBe('1');
    expect(findExisting({ full_name: 'Bob Durand', company: '', email: '' }, existing)?.id).toBe('2');
  });
  it('a namesake at another company is someone else', () => {
    expect(findExisting({ full_name: 'Alice Martin', company: 'Contoso', email: 'am@contoso.example' }, existing)).toBeNull();
    expect(findExisting({ full_name: '', company: '', email: '' }, existing)).toBeNull();
  });
});
