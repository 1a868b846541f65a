import { describe, expect, it } from 'vitest';
import { initials } from './lite';

describe('initials', () => {
  it('takes the first letters of the first and last words', () => {
    expect(initials('Clément Dupont')).toBe('CD');
    expect(initials('émile  de la Tour')).toBe('ÉT');
    expect(initials('3M Service desk')).toBe('SD');
    expect(initials('Imported Person 01')).toBe('IP');
    expect(initials('3M')).toBe('3');
    expect(initials('Zoé')).toBe('Z');
    expect(initials('  ')).toBe('?');
    expect(initials('(ACME) Support')).toBe('AS');
  });
});
