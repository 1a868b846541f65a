import { describe, expect, it } from 'vitest';
import { emptyContactFields } from '../api/types';
import { diffContacts, isEmail, isHttpUrl, isValid, phoneError, validateContact } from './validation';

const f = (over: Partial<ReturnType<typeof emptyContactFields>>) => ({ ...emptyContactFields(), ...over });

describe('contact validation', () => {
  it('requires a full name', () => {
    expect(validateContact(f({})).full_name).toBe('required');
    expect(validateContact(f({ full_name: '   ' })).full_name).toBe('required');
    expect(isValid(validateContact(f({ full_name: 'Clément' })))).toBe(true);
  });
  it('checks emails like the server', () => {
    expect(isEmail('anne.dupont@example.fr')).toBe(true);
    expect(isEmail("o'neil+tag@sub.example.co.uk")).toBe(true);
    for (const bad of ['', 'a@', '@b.c', 'a@b', 'a b@c.d', 'a@b..c', 'a@-b.c', '.a@b.c']) expect(isEmail(bad)).toBe(false);
    expect(validateContact(f({ full_name: 'A', email: 'nope' })).email).toBe('email');
  });
  it('checks URLs: only http(s)', () => {
    expect(isHttpUrl('https://example.com')).toBe(true);
    expect(isHttpUrl('http://example.com/a?b#c')).toBe(true);
    for (const bad of ['javascript:alert(1)', 'JAVASCRIPT:alert(1)', 'data:text/html,x', '//x.y', 'https://', 'ftp://x', 'https://a b']) {
      expect(isHttpUrl(bad)).toBe(false);
    }
    const e = validateContact(f({ full_name: 'A', website: 'javascript:alert(1)', linkedin: 'linkedin.com/in/x', x: 'https://x.com/a' }));
    expect(e.website).toBe('url');
    expect(e.linkedin).toBe('url');
    expect(e.x).toBeUndefined();
  });
  it('checks phone characters', () => {
    expect(phoneError('+33 6 15 88 26 17')).toBeNull();
    expect(phoneError('(555) 123-4567 ext 8')).toBeNull();
    expect(phoneError('call me')).toBe('phoneChars');
    expect(phoneError('+-')).toBe('phoneDigits');
    expect(validateContact(f({ full_name: 'A', mobile: 'abc' })).mobile).toBe('phoneChars');
  });
  it('checks lengths', () => {
    expect(validateContact(f({ full_name: 'x'.repeat(257) })).full_name).toBe('tooLong');
    expect(validateContact(f({ full_name: 'A', notes: 'n'.repeat(10_001) })).notes).toBe('tooLong');
    expect(validateContact(f({ full_name: 'A', notes: 'line1\nline2' })).notes).toBeUndefined();
  });
  it('lists the fields that differ', () => {
    expect(diffContacts(f({ full_name: 'A', groups: ['1', '2'] }), f({ full_name: 'B', groups: ['2', '1'] }))).toEqual(['full_name']);
    const a = f({ full_name: 'A' });
    const b = f({ full_name: 'A' });
    b.address.city = 'Lyon';
    expect(diffContacts(a, b)).toEqual(['address.city']);
  });
});
