import { describe, expect, it } from 'vitest';
import { buildMobileConfig, davServerUrl, hostOf, mobileConfigFileName, xmlEscape } from './mobileconfig';

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';

// No DOM in the test environment: a small strict plist reader. It checks that every tag is
// closed in order, that text holds no raw markup characters, and turns the plist into values.
type PV = string | number | boolean | PV[] | { [k: string]: PV };
const unescape = (s: string) => {
  expect(s).not.toMatch(/[<>]|&(?!(amp|lt|gt|quot|apos);)/);
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
};
function parse(xml: string): { [k: string]: PV } {
  const body = xml.replace(/^<\?xml[^>]*\?>\s*<!DOCTYPE[^>]*>\s*/, '');
  const tokens = body.match(/<[^>]+>|[^<]+/g) ?? [];
  let i = 0;
  const next = () => tokens[i++];
  const skipWs = () => { while (i < tokens.length && /^\s+$/.test(tokens[i])) i++; };
  const text = (tag: string): string => {
    let t = next();
    if (t === `</${tag}>`) return '';
    const v = unescape(t);
    t = next();
    expect(t).toBe(`</${tag}>`);
    return v;
  };
  const value = (): PV => {
    skipWs();
    const open = next();
    if (open === '<true/>') return true;
    if (open === '<false/>') return false;
    if (open === '<string>') return text('string');
    if (open === '<integer>') return Number(text('integer'));
    if (open === '<array>') {
      const out: PV[] = [];
      for (;;) { skipWs(); if (tokens[i] === '</array>') { i++; return out; } out.push(value()); }
    }
    if (open === '<dict>') {
      const out: { [k: string]: PV } = {};
      for (;;) {
        skipWs();
        const t = next();
        if (t === '</dict>') return out;
        expect(t).toBe('<key>');
        const k = text('key');
        out[k] = value();
      }
    }
    throw new Error(`unexpected ${open}`);
  };
  skipWs();
  expect(next()).toBe('<plist version="1.0">');
  const v = value();
  skipWs();
  expect(next()).toBe('</plist>');
  skipWs();
  expect(i).toBe(tokens.length);
  return v as { [k: string]: PV };
}

describe('mobileconfig', () => {
  it('is a plist with one CardDAV account payload', () => {
    const xml = buildMobileConfig({ origin: 'https://contacts.example.com', username: 'ada@contoso.example', password: 'cpa_x_y_z', description: 'contactpro', uuids: [U1, U2] });
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    const top = parse(xml);
    expect(top.PayloadType).toBe('Configuration');
    expect(top.PayloadUUID).toBe(U1);
    expect(top.PayloadVersion).toBe(1);
    const content = top.PayloadContent as PV[];
    expect(content).toHaveLength(1);
    expect(content[0]).toEqual({
      CardDAVAccountDescription: 'contactpro',
      CardDAVHostName: 'contacts.example.com',
      CardDAVPassword: 'cpa_x_y_z',
      CardDAVPort: 443,
      CardDAVPrincipalURL: '/dav/',
      CardDAVUseSSL: true,
      CardDAVUsername: 'ada@contoso.example',
      PayloadDescription: 'contactpro',
      PayloadDisplayName: 'contactpro',
      PayloadIdentifier: `com.example.contacts.contactpro.carddav.${U2}`,
      PayloadType: 'com.apple.carddav.account',
      PayloadUUID: U2,
      PayloadVersion: 1,
    });
  });

  it('escapes values', () => {
    const xml = buildMobileConfig({ origin: 'http://localhost:8080', username: 'a<b>&"c\'', password: '</string><key>x', description: 'Tom & Jerry\u0001', uuids: [U1, U2] });
    expect(xml).not.toContain('</string><key>x');
    const account = (parse(xml).PayloadContent as PV[])[0] as { [k: string]: PV };
    expect(account.CardDAVUsername).toBe('a<b>&"c\'');
    expect(account.CardDAVPassword).toBe('</string><key>x');
    expect(account.CardDAVAccountDescription).toBe('Tom & Jerry');
    expect(account.CardDAVPort).toBe(8080);
    expect(account.CardDAVUseSSL).toBe(false);
  });

  it('makes fresh UUIDs when none are given', () => {
    const a = buildMobileConfig({ origin: 'https://h.example', username: 'u', password: 'p', description: 'd' });
    const b = buildMobileConfig({ origin: 'https://h.example', username: 'u', password: 'p', description: 'd' });
    expect(a).not.toBe(b);
  });

  it('helpers', () => {
    expect(xmlEscape('<&>')).toBe('&lt;&amp;&gt;');
    expect(hostOf('https://h.example:8443')).toEqual({ host: 'h.example', port: 8443, ssl: true });
    expect(hostOf('http://h.example')).toEqual({ host: 'h.example', port: 80, ssl: false });
    expect(mobileConfigFileName('My iPhone!')).toBe('contactpro-My-iPhone.mobileconfig');
    expect(mobileConfigFileName('///')).toBe('contactpro.mobileconfig');
    expect(davServerUrl('https://h.example')).toBe('https://h.example/dav/');
  });
});
