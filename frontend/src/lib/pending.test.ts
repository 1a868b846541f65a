import { describe, expect, it } from 'vitest';
import { looksLikeEmail, matchesKnownUser, pendingEmail, pendingId } from './pending';

describe('people not signed in yet', () => {
  it('recognises e-mail addresses', () => {
    expect(looksLikeEmail('someone@contoso.example')).toBe(true);
    expect(looksLikeEmail('  Ada.Lovelace@Contoso.Example ')).toBe(true);
    expect(looksLikeEmail('ada')).toBe(false);
    expect(looksLikeEmail('ada@')).toBe(false);
    expect(looksLikeEmail('ada@contoso')).toBe(false);
    expect(looksLikeEmail('a da@contoso.example')).toBe(false);
    expect(looksLikeEmail('a@b@c.example')).toBe(false);
  });

  it('makes lowercase upn: ids and reads them back', () => {
    expect(pendingId(' Someone@Contoso.Example ')).toBe('upn:someone@contoso.example');
    expect(pendingEmail('upn:someone@contoso.example')).toBe('someone@contoso.example');
    expect(pendingEmail('0f8fad5b-d9cb-469f-a165-70867728950e')).toBeNull();
  });

  it('matches known users by UPN or e-mail, ignoring case', () => {
    const users = [{ upn: 'Ada@Contoso.Example', email: 'ada.lovelace@contoso.example' }];
    expect(matchesKnownUser('ada@contoso.example', users)).toBe(true);
    expect(matchesKnownUser('ADA.LOVELACE@contoso.example', users)).toBe(true);
    expect(matchesKnownUser('bob@contoso.example', users)).toBe(false);
  });
});
