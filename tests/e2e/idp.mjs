// A local stand-in for Microsoft Entra ID (and Graph) and for a generic OpenID Connect provider,
// for the browser sign-in scenarios: Microsoft's login cannot be reached from here. It speaks the
// same protocol: discovery documents, JWKS, the authorization endpoint with a sign-in page,
// authorization code + PKCE (S256 checked), On-Behalf-Of, Graph /me. RS256 keys are made at start;
// HTTPS with a certificate from a CA made at start (openssl), which the server is told to trust.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';

/** A throw-away CA and a certificate for 127.0.0.1 signed by it. */
export function makeCertificates() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'contactpro-idp-'));
  const f = (n) => path.join(dir, n);
  const ssl = (...a) => execFileSync('openssl', a, { stdio: ['ignore', 'ignore', 'pipe'] });
  ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/CN=contactpro e2e CA');
  ssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', f('leaf.key'), '-out', f('leaf.csr'), '-subj', '/CN=127.0.0.1');
  fs.writeFileSync(f('ext.cnf'), 'subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  ssl('x509', '-req', '-in', f('leaf.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('leaf.pem'), '-days', '2', '-extfile', f('ext.cnf'));
  return { dir, caFile: f('ca.pem'), cert: fs.readFileSync(f('leaf.pem')), key: fs.readFileSync(f('leaf.key')) };
}

const b64u = (b) => Buffer.from(b).toString('base64url');

/**
 * opts: { clientId, clientSecret, user: { tid, oid, name, upn, mail, jobTitle } }
 * Returns { base, oidcIssuer, caFile, log, consented, close() }.
 * `consented` is false until the user signs in with prompt=consent: until then On-Behalf-Of answers
 * AADSTS65001 like Entra does for a user who never consented to User.Read.
 */
export async function startIdp(opts) {
  const certs = makeCertificates();
  const { privateKey, publicKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const kid = `k-${crypto.randomBytes(4).toString('hex')}`;
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' };
  const state = { consented: false, log: [], codes: new Map() };
  let base = '';

  const sign = (claims) => {
    const head = b64u(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid }));
    const body = b64u(JSON.stringify(claims));
    const sig = crypto.sign('RSA-SHA256', Buffer.from(`${head}.${body}`), privateKey);
    return `${head}.${body}.${b64u(sig)}`;
  };
  const now = () => Math.floor(Date.now() / 1000);
  const u = opts.user;

  const send = (res, status, body, headers = {}) => {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(status, {
      'Content-Type': typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json',
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Allow-Headers': '*',
      'Cache-Control': 'no-store',
      ...headers,
    });
    res.end(text);
  };
  const readForm = (req) =>
    new Promise((resolve) => {
      let data = '';
      req.on('data', (d) => (data += d));
      req.on('end', () => resolve(Object.fromEntries(new URLSearchParams(data))));
    });

  // flavour 'entra': endpoints under /{tenant}/..., tokens issued by {base}/{tid}/v2.0
  // flavour 'oidc':  endpoints under /oidc/..., issuer {base}/oidc
  const discovery = (flavour, tenant) => {
    const root = flavour === 'entra' ? `${base}/${tenant}` : `${base}/oidc`;
    return {
      issuer: flavour === 'entra' ? `${base}/{tenantid}/v2.0` : `${base}/oidc`,
      authorization_endpoint: flavour === 'entra' ? `${root}/oauth2/v2.0/authorize` : `${root}/authorize`,
      token_endpoint: flavour === 'entra' ? `${root}/oauth2/v2.0/token` : `${root}/token`,
      end_session_endpoint: flavour === 'entra' ? `${root}/oauth2/v2.0/logout` : `${root}/logout`,
      jwks_uri: flavour === 'entra' ? `${base}/common/discovery/v2.0/keys` : `${base}/oidc/jwks`,
      response_types_supported: ['code'],
      response_modes_supported: ['query', 'fragment'],
      code_challenge_methods_supported: ['S256'],
      id_token_signing_alg_values_supported: ['RS256'],
      subject_types_supported: ['public'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    };
  };

  const authorize = (flavour, q, res) => {
    const problems = [];
    if (q.get('client_id') !== opts.clientId) problems.push('unknown client_id');
    if (q.get('response_type') !== 'code') problems.push('response_type must be code');
    if (q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) problems.push('PKCE with S256 is required');
    if (!/^https?:\/\/127\.0\.0\.1:\d+\/auth\/callback$/.test(q.get('redirect_uri') ?? '')) problems.push('redirect_uri not registered');
    if (problems.length) return send(res, 400, `<!doctype html><h1>Sign-in error</h1><p>${problems.join('; ')}</p>`);
    state.log.push({ flavour, prompt: q.get('prompt'), scope: q.get('scope') });
    const id = crypto.randomBytes(8).toString('hex');
    state.codes.set(id, { flavour, params: Object.fromEntries(q), used: false });
    // A sign-in page, as a real provider shows one: the user must click.
    const consent = q.get('prompt') === 'consent';
    send(res, 200, `<!doctype html><html lang="en"><head><title>Stand-in sign-in</title></head><body>
<h1>Sign in to the stand-in ${flavour === 'entra' ? 'Entra ID' : 'identity provider'}</h1>
${consent ? '<p>contactpro asks to read your profile (User.Read).</p>' : ''}
<form method="post" action="${flavour === 'entra' ? `/${q.get('tenant') ?? 'organizations'}` : '/oidc'}/approve">
<input type="hidden" name="id" value="${id}"><button type="submit">${consent ? 'Accept' : `Continue as ${u.name}`}</button>
</form></body></html>`);
  };

  const approve = async (req, res) => {
    const form = await readForm(req);
    const entry = state.codes.get(form.id);
    if (!entry) return send(res, 400, '<p>unknown request</p>');
    if (entry.params.prompt === 'consent') state.consented = true;
    const code = `code-${form.id}`;
    const p = entry.params;
    const params = new URLSearchParams({ code, state: p.state ?? '' });
    if (entry.flavour === 'entra') params.set('client_info', b64u(JSON.stringify({ uid: u.oid, utid: u.tid })));
    const url = p.response_mode === 'fragment' ? `${p.redirect_uri}#${params}` : `${p.redirect_uri}?${params}`;
    res.writeHead(302, { Location: url });
    res.end();
  };

  const token = async (flavour, tenant, req, res) => {
    const f = await readForm(req);
    state.log.push({ flavour, grant: f.grant_type });
    const oauthError = (error, description, codes = []) => send(res, 400, { error, error_description: description, error_codes: codes });
    if (f.grant_type === 'authorization_code') {
      const entry = state.codes.get(String(f.code).replace(/^code-/, ''));
      if (!entry || entry.used || entry.flavour !== flavour) return oauthError('invalid_grant', 'unknown or used code');
      entry.used = true;
      const p = entry.params;
      if (f.client_id !== opts.clientId || f.redirect_uri !== p.redirect_uri) return oauthError('invalid_grant', 'client_id or redirect_uri mismatch');
      const challenge = crypto.createHash('sha256').update(String(f.code_verifier ?? '')).digest('base64url');
      if (challenge !== p.code_challenge) return oauthError('invalid_grant', 'PKCE verification failed');
      const t = now();
      if (flavour === 'entra') {
        const iss = `${base}/${u.tid}/v2.0`;
        const access = sign({ iss, aud: opts.clientId, scp: 'access_as_user', tid: u.tid, oid: u.oid, sub: u.oid, name: u.name, preferred_username: u.upn, ver: '2.0', iat: t, nbf: t, exp: t + 3600 });
        const id = sign({ iss, aud: opts.clientId, tid: u.tid, oid: u.oid, sub: u.oid, name: u.name, preferred_username: u.upn, nonce: p.nonce, ver: '2.0', iat: t, nbf: t, exp: t + 3600 });
        const apiScope = (p.scope ?? '').split(' ').filter((s) => s.startsWith('api://')).join(' ');
        return send(res, 200, {
          token_type: 'Bearer', scope: apiScope, expires_in: 3600, ext_expires_in: 3600, access_token: access, id_token: id,
          refresh_token: `rt-${crypto.randomBytes(8).toString('hex')}`, client_info: b64u(JSON.stringify({ uid: u.oid, utid: u.tid })),
        });
      }
      const iss = `${base}/oidc`;
      const access = sign({ iss, aud: opts.audience, sub: u.oid, org_id: u.tid, name: u.name, preferred_username: u.upn, iat: t, nbf: t, exp: t + 3600 });
      const id = sign({ iss, aud: opts.clientId, sub: u.oid, name: u.name, preferred_username: u.upn, nonce: p.nonce, iat: t, exp: t + 3600 });
      return send(res, 200, { token_type: 'Bearer', expires_in: 3600, access_token: access, id_token: id, scope: p.scope });
    }
    if (flavour === 'entra' && f.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
      if (f.client_id !== opts.clientId || f.client_secret !== opts.clientSecret) return oauthError('invalid_client', 'AADSTS7000215: Invalid client secret provided.', [7000215]);
      if (f.requested_token_use !== 'on_behalf_of' || !f.assertion) return oauthError('invalid_request', 'not an On-Behalf-Of request');
      if (!state.consented) {
        return oauthError('invalid_grant', "AADSTS65001: The user or administrator has not consented to use the application with ID 'x'.", [65001]);
      }
      return send(res, 200, { token_type: 'Bearer', expires_in: 3600, access_token: `graph-${crypto.randomBytes(8).toString('hex')}` });
    }
    return oauthError('unsupported_grant_type', `grant ${f.grant_type} not supported by the stand-in`);
  };

  const server = https.createServer({ cert: certs.cert, key: certs.key }, async (req, res) => {
    const url = new URL(req.url, 'https://x');
    const p = url.pathname;
    if (req.method === 'OPTIONS') return send(res, 204, '');
    let m;
    if (p === '/common/discovery/v2.0/keys' || p === '/common/discovery/keys' || p === '/oidc/jwks') return send(res, 200, { keys: [jwk] });
    if (p === '/oidc/.well-known/openid-configuration') return send(res, 200, discovery('oidc'));
    if ((m = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(p))) return send(res, 200, discovery('entra', m[1]));
    if (p === '/oidc/authorize') return authorize('oidc', url.searchParams, res);
    if ((m = /^\/([^/]+)\/oauth2\/v2\.0\/authorize$/.exec(p))) {
      url.searchParams.set('tenant', m[1]);
      return authorize('entra', url.searchParams, res);
    }
    if (req.method === 'POST' && (p === '/oidc/approve' || /^\/[^/]+\/approve$/.test(p))) return approve(req, res);
    if (req.method === 'POST' && p === '/oidc/token') return token('oidc', null, req, res);
    if (req.method === 'POST' && (m = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(p))) return token('entra', m[1], req, res);
    if (p === '/oidc/logout' || /^\/[^/]+\/oauth2\/v2\.0\/logout$/.test(p)) {
      // End-session: the provider forgets the user, then sends them back to a registered address.
      const back = url.searchParams.get('post_logout_redirect_uri') ?? '';
      state.log.push({ logout: p, hint: Boolean(url.searchParams.get('id_token_hint')) });
      if (!/^https?:\/\/127\.0\.0\.1:\d+\/$/.test(back)) return send(res, 200, '<!doctype html><h1>You are signed out</h1>');
      res.writeHead(302, { Location: back });
      return res.end();
    }
    if (p === '/v1.0/me') {
      if (!/^Bearer graph-/.test(req.headers.authorization ?? '')) return send(res, 401, { error: { code: 'InvalidAuthenticationToken' } });
      return send(res, 200, { displayName: u.name, mail: u.mail, jobTitle: u.jobTitle, userPrincipalName: u.upn });
    }
    send(res, 404, { error: 'not_found', path: p });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${server.address().port}`;
  return {
    base,
    oidcIssuer: `${base}/oidc`,
    caFile: certs.caFile,
    log: state.log,
    get consented() {
      return state.consented;
    },
    close() {
      server.closeAllConnections?.();
      server.close();
      fs.rmSync(certs.dir, { recursive: true, force: true });
    },
  };
}
