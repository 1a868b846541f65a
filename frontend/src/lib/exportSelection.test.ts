import { describe, expect, it } from 'vitest';
import { emptyContactFields } from '../api/types';
import { selectionCsv, selectionVcf } from './exportSelection';

describe('export of a selection', () => {
  const a = { ...emptyContactFields(), full_name: 'Clément Laurent', email: 'c@example.com', groups: ['g1', 'g2'] };
  const b = { ...emptyContactFields(), full_name: 'Aiko Tanaka', notes: '=1+1' };
  const groups = [{ id: 'g1', name: 'Suppliers', member_count: 1 }, { id: 'g2', name: 'Lyon', member_count: 1 }];
  it('writes one vCard per contact', () => {
    const v = selectionVcf([a, b]);
    expect(v.match(/BEGIN:VCARD/g)).toHaveLength(2);
    expect(v).toContain('FN:Clément Laurent');
  });
  it('writes the template columns, group names and neutralised formulas', () => {
    const lines = selectionCsv([a, b], groups).replace(/^\uFEFF/, '').split('\r\n');
    expect(lines[0].startsWith('Full Name,Job Title,Email')).toBe(true);
    expect(lines[1]).toContain('Clément Laurent');
    expect(lines[1].endsWith('"Suppliers;Lyon"')).toBe(true);
    expect(lines[2]).toContain("'=1+1");
  });
});
