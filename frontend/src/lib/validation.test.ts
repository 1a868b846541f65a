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
    expect(e.linkedin).toBeUndefined(); // completed to https://linkedin.com/in/x (issue 16)
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

describe('forgiving input (issue 16)', () => {
  it('completes a website typed without https://', async () => {
    const { completeUrl, normalizeContact } = await import('./validation');
    expect(completeUrl('example.com')).toBe('https://example.com');
    expect(completeUrl('www.linkedin.com/in/anne')).toBe('https://www.linkedin.com/in/anne');
    expect(completeUrl('http://example.com')).toBe('http://example.com');
    expect(completeUrl('not a url')).toBe('not a url');
    expect(completeUrl('mailto:a@b.c')).toBe('mailto:a@b.c');
    expect(validateContact(f({ full_name: 'A', website: 'example.com' })).website).toBeUndefined();
    expect(normalizeContact(f({ full_name: 'A', website: 'example.com' })).website).toBe('https://example.com');
  });
  it('accepts phone extensions written in words', async () => {
    const { normalizePhone } = await import('./validation');
    expect(normalizePhone('+33 1 23 45 67 89 poste 1234')).toBe('+33 1 23 45 67 89 ext 1234');
    expect(normalizePhone('+1 555 0100 extension 12')).toBe('+1 555 0100 ext 12');
    expect(phoneError('+33 1 23 45 67 89 poste 1234')).toBeNull();
    expect(validateContact(f({ full_name: 'A', phone: '01 23 45 67 89 poste 12' })).phone).toBeUndefined();
  });
});
