import { describe, expect, it } from 'vitest';
import { emptyContactFields } from '../api/types';
import { escapeText, mapUrl, splitName, toVCard, vcardFileName } from './vcard';
import { setMapProvider } from './map';

describe('vCard of one contact', () => {
  it('derives family and given names', () => {
    expect(splitName('Clément Dupont')).toEqual({ family: 'Dupont', given: 'Clément' });
    expect(splitName('Ludwig van Beethoven')).toEqual({ family: 'van Beethoven', given: 'Ludwig' });
    expect(splitName('Cher')).toEqual({ family: '', given: 'Cher' });
    expect(splitName('Anne Marie  Costa')).toEqual({ family: 'Costa', given: 'Anne Marie' });
    expect(splitName('Costa, Chloé')).toEqual({ family: 'Costa', given: 'Chloé' });
    expect(splitName('Jean de la Fontaine')).toEqual({ family: 'de la Fontaine', given: 'Jean' });
    expect(splitName('Martin Luther King, Jr.')).toEqual({ family: 'King', given: 'Martin Luther' });
  });
  it('writes stored given and family names in N, derives an empty one', () => {
    const n = (c: Partial<ReturnType<typeof emptyContactFields>>) =>
      toVCard({ ...emptyContactFields(), ...c }).split('\r\n').find((l) => l.startsWith('N:'));
    expect(n({ full_name: 'Nguyen Van An', given_name: 'An', family_name: 'Nguyen' })).toBe('N:Nguyen;An;;;');
    expect(n({ full_name: 'Chloé Costa' })).toBe('N:Costa;Chloé;;;');
    expect(n({ full_name: 'Bob Stone', family_name: 'Stone-Smith' })).toBe('N:Stone-Smith;Bob;;;');
  });
  it('escapes text values', () => {
    expect(escapeText('a,b;c\\d\ne')).toBe('a\\,b\\;c\\\\d\\ne');
  });
  it('writes the fields a phone imports', () => {
    const v = toVCard({
      ...emptyContactFields(),
      full_name: 'Paulo Costa',
      company: 'Costa; Filhos',
      mobile: '+351 912 345 678',
      email: 'paulo@example.com',
      website: 'costa.example',
      address: { street: '1 Rua', city: 'Porto', postal_code: '4000', state: '', country: 'Portugal' },
    });
    expect(v.split('\r\n')).toEqual([
      'BEGIN:VCARD', 'VERSION:3.0', 'N:Costa;Paulo;;;', 'FN:Paulo Costa', 'ORG:Costa\\; Filhos', 'TEL;TYPE=CELL:+351 912 345 678',
      'EMAIL;TYPE=INTERNET:paulo@example.com', 'URL:https://costa.example', 'ADR;TYPE=WORK:;;1 Rua;Porto;;4000;Portugal', 'END:VCARD', '',
    ]);
  });
  it('names the file after the contact and links the address to a map', () => {
    expect(vcardFileName('Clément / Dupont')).toBe('Clément  Dupont.vcf');
    expect(vcardFileName('???')).toBe('contact.vcf');
    expect(mapUrl({ street: '1 Rua', city: 'Porto', postal_code: '', state: '', country: '' })).toBe('https://www.openstreetmap.org/search?query=1%20Rua%2C%20Porto');
    expect(mapUrl({ street: '', city: ' ', postal_code: '', state: '', country: '' })).toBeNull();
  });
  it('uses the map the server names, and never a non-http one', () => {
    const porto = { street: '1 Rua', city: 'Porto', postal_code: '', state: '', country: '' };
    try {
      setMapProvider({ url: 'https://maps.example/?q={address}&z={address}', name: 'Maps' });
      expect(mapUrl(porto)).toBe('https://maps.example/?q=1%20Rua%2C%20Porto&z=1%20Rua%2C%20Porto');
      setMapProvider({ url: 'javascript:alert(1)//{address}', name: 'x' });
      expect(mapUrl(porto)).toBeNull();
      setMapProvider({ url: '', name: '' });
      expect(mapUrl(porto)).toBeNull();
    } finally {
      setMapProvider({ url: 'https://www.openstreetmap.org/search?query={address}', name: 'OpenStreetMap' });
    }
  });
});
