import { beforeEach, describe, expect, it, vi } from 'vitest';

// teams-js replaced at the module boundary: Teams itself cannot run here.
const getAuthToken = vi.fn();
vi.mock('@microsoft/teams-js', () => ({ authentication: { getAuthToken } }));

const { teamsProvider } = await import('./index');
const b64 = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
const token = (name: string) => `h.${b64({ name, exp: Math.floor(Date.now() / 1000) + 3600 })}.s`;

beforeEach(() => {
  getAuthToken.mockReset();
  teamsProvider.clear();
});

describe('Teams SSO', () => {
  it('gets the token silently, and retries non-silently when consent is missing', async () => {
    getAuthToken.mockImplementation(async (o?: { silent?: boolean }) => {
      if (o?.silent === false) return token('after-consent');
      throw new Error('resourceRequiresConsent');
    });
    expect(await teamsProvider.getToken()).toBe(token('after-consent'));
    expect(getAuthToken.mock.calls.map((c) => c[0])).toEqual([undefined, { silent: false }]);
  });

  it('asks Teams for consent when the server answers consent_required, then uses the new token', async () => {
    getAuthToken.mockImplementation(async (o?: { silent?: boolean }) => token(o?.silent === false ? 'granted' : 'silent'));
    expect(await teamsProvider.getToken()).toBe(token('silent'));
    await teamsProvider.requestConsent!();
    expect(getAuthToken).toHaveBeenLastCalledWith({ silent: false });
    expect(await teamsProvider.getToken()).toBe(token('granted'));
  });

  it('reports other SSO failures instead of prompting', async () => {
    getAuthToken.mockRejectedValue(new Error('App resource defined in manifest and iframe origin do not match'));
    await expect(teamsProvider.getToken()).rejects.toThrow(/do not match/);
    expect(getAuthToken).toHaveBeenCalledTimes(1);
  });
});
