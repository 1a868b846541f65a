import { describe, expect, it } from 'vitest';
import { demoProvider, jwtExpiry, teamsProvider, tokenProviderFor } from './index';
import { browserProvider } from './browser';

const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');

describe('auth', () => {
  it('picks the token provider by auth mode and host', () => {
    expect(tokenProviderFor('demo', false)).toBe(demoProvider);
    expect(tokenProviderFor('demo', true)).toBe(demoProvider);
    expect(tokenProviderFor('entra', true)).toBe(teamsProvider);
    expect(tokenProviderFor('oidc', true)).toBe(teamsProvider);
    expect(tokenProviderFor('entra', false)).toBe(browserProvider);
    expect(tokenProviderFor('oidc', false)).toBe(browserProvider);
  });
  it('reads a JWT expiry', () => {
    expect(jwtExpiry(`h.${b64({ exp: 1234 })}.s`)).toBe(1234);
    expect(jwtExpiry('garbage')).toBeNull();
    expect(jwtExpiry(`h.${b64({ sub: 'x' })}.s`)).toBeNull();
  });
});
