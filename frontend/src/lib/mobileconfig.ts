// An Apple configuration profile (.mobileconfig) that adds a CardDAV account on iPhone, iPad or Mac
// (issue 17). Made in the browser right after an app password is created, so the password never
// travels through the server again.

export interface CardDavProfile {
  /** The server's origin, e.g. https://contacts.example.com (window.location.origin). */
  origin: string;
  username: string;
  password: string;
  /** What the account is called on the device ("contactpro"). */
  description: string;
  /** Two distinct UUIDs (profile, account); crypto.randomUUID() when omitted. */
  uuids?: [string, string];
}

/** Escapes text for an XML element's content. */
export function xmlEscape(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;')
    // Control characters other than tab and newlines are not allowed in XML 1.0.
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}

/** Host, port and TLS of an origin; the port is the scheme's default when the URL has none. */
export function hostOf(origin: string): { host: string; port: number; ssl: boolean } {
  const u = new URL(origin);
  const ssl = u.protocol === 'https:';
  return { host: u.hostname, port: u.port ? Number(u.port) : ssl ? 443 : 80, ssl };
}

/** A random (version 4) UUID; crypto.randomUUID needs a secure context, getRandomValues does not. */
function uuid(): string {
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('').toUpperCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The profile as plist XML. */
export function buildMobileConfig(p: CardDavProfile): string {
  const { host, port, ssl } = hostOf(p.origin);
  const [profileUuid, accountUuid] = p.uuids ?? [uuid(), uuid()];
  const reverse = host.split('.').reverse().join('.');
  const str = (k: string, v: string) => `\t\t\t<key>${k}</key>\n\t\t\t<string>${xmlEscape(v)}</string>\n`;
  const account =
    '\t\t<dict>\n' +
    str('CardDAVAccountDescription', p.description) +
    str('CardDAVHostName', host) +
    str('CardDAVPassword', p.password) +
    `\t\t\t<key>CardDAVPort</key>\n\t\t\t<integer>${port}</integer>\n` +
    str('CardDAVPrincipalURL', '/dav/') +
    `\t\t\t<key>CardDAVUseSSL</key>\n\t\t\t<${ssl ? 'true' : 'false'}/>\n` +
    str('CardDAVUsername', p.username) +
    str('PayloadDescription', p.description) +
    str('PayloadDisplayName', p.description) +
    str('PayloadIdentifier', `${reverse}.contactpro.carddav.${accountUuid}`) +
    str('PayloadType', 'com.apple.carddav.account') +
    str('PayloadUUID', accountUuid) +
    '\t\t\t<key>PayloadVersion</key>\n\t\t\t<integer>1</integer>\n' +
    '\t\t</dict>\n';
  const top = (k: string, v: string) => `\t<key>${k}</key>\n\t<string>${xmlEscape(v)}</string>\n`;
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n' +
    '<plist version="1.0">\n<dict>\n' +
    '\t<key>PayloadContent</key>\n\t<array>\n' + account + '\t</array>\n' +
    top('PayloadDisplayName', p.description) +
    top('PayloadIdentifier', `${reverse}.contactpro.${profileUuid}`) +
    '\t<key>PayloadRemovalDisallowed</key>\n\t<false/>\n' +
    top('PayloadType', 'Configuration') +
    top('PayloadUUID', profileUuid) +
    '\t<key>PayloadVersion</key>\n\t<integer>1</integer>\n' +
    '</dict>\n</plist>\n'
  );
}

/** A file name for the profile: "contactpro-iPhone.mobileconfig". */
export function mobileConfigFileName(name: string): string {
  const safe = name.replace(/[^\p{L}\p{N}._-]+/gu, '-').replace(/^-+|-+$/g, '');
  return `contactpro${safe ? `-${safe}` : ''}.mobileconfig`;
}

/** The CardDAV server URL people type into their client. */
export function davServerUrl(origin: string): string {
  return `${origin.replace(/\/+$/, '')}/dav/`;
}
