// A small in-memory stand-in for the contactpro API contract, used to develop and
// screenshot the web app when the Rust server is not built yet
// (`node mock-server.mjs --listen 127.0.0.1:8080 --dist ../../frontend/dist`).
// The e2e suite runs against the real binary by default; E2E_SERVER=mock selects this.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import crypto from 'node:crypto';

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const [host, port] = (args.listen ?? '127.0.0.1:8080').split(':');
const dist = path.resolve(args.dist ?? new URL('../../frontend/dist', import.meta.url).pathname);

const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const personas = [
  { tid: TID, oid: '00000000-0000-4000-8000-000000000001', name: 'Adele Vance', upn: 'adele@contoso.example', job_title: 'Office manager', org_name: 'Contoso' },
  { tid: TID, oid: '00000000-0000-4000-8000-000000000002', name: 'Bruno Marchal', upn: 'bruno@contoso.example', job_title: 'Buyer', org_name: 'Contoso' },
  { tid: TID, oid: '00000000-0000-4000-8000-000000000003', name: 'Chloé Martin', upn: 'chloe@contoso.example', job_title: 'Site lead', org_name: 'Contoso' },
];
const users = new Map();
const lists = new Map();
const contacts = new Map(); // listId -> Map
const groups = new Map(); // listId -> Map
const keys = new Map(); // listId -> Map
const jobs = new Map();
// Issue 13: change log, SSE streams, trash, history, deleted groups and lists, import undo records.
const changeLog = new Map(); // listId -> [change]
const streams = new Map(); // listId -> Set(res)
const trash = new Map(); // listId -> Map(contactId -> {contact, deleted_at, deleted_by})
const history = new Map(); // contactId -> [{version, at, by, action, changes, snapshot}]
const deletedGroups = new Map(); // listId -> Map(groupId -> {group, members})
const deletedLists = new Map(); // listId -> {list, deleted_at, deleted_by}
const jobUndo = new Map(); // jobId -> {listId, created: [id], updated: [{id, version}], undone}
let seqCounter = 0;
const now = () => new Date().toISOString();
const uuid = () => crypto.randomUUID();

const fold = (s) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
const words = (s) => fold(s).split(/[^a-z0-9]+/).filter(Boolean);

function send(res, status, body, headers = {}) {
  if (body === undefined) {
    res.writeHead(status, headers);
    return res.end();
  }
  const data = typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': typeof body === 'object' && !Buffer.isBuffer(body) ? 'application/json' : 'text/plain', ...headers });
  res.end(data);
}
const err = (res, status, code, message, extra = {}) => send(res, status, { error: { code, message, ...extra } });

function principal(req) {
  const h = req.headers.authorization ?? '';
  const m = /^Bearer (.+)$/.exec(h);
  if (!m) return null;
  try {
    const p = JSON.parse(Buffer.from(m[1].split('.')[1], 'base64url').toString());
    if (p.exp * 1000 < Date.now()) return null;
    return p;
  } catch {
    return null;
  }
}

function rights(list, oid) {
  const owner = list.owners.includes(oid);
  if (owner || list.permissions.mode === 'everybody') return { owner, add: true, modify: true, delete: true };
  if (list.permissions.mode === 'owners') return { owner, add: false, modify: false, delete: false };
  const m = list.permissions.members.find((x) => x.oid === oid);
  return { owner, add: !!m?.add, modify: !!m?.modify, delete: !!m?.delete };
}
const listView = (l, oid) => ({ ...l, rights: rights(l, oid), contact_count: contacts.get(l.id).size });

const EDITABLE = ['full_name', 'job_title', 'email', 'mobile', 'phone', 'website', 'linkedin', 'facebook', 'x', 'company', 'department', 'address', 'notes', 'groups'];
function validate(f) {
  const e = {};
  if (!f.full_name?.trim()) e.full_name = 'is required';
  if (f.email && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(f.email)) e.email = 'is not a valid e-mail address';
  for (const k of ['website', 'linkedin', 'facebook', 'x']) if (f[k] && !/^https?:\/\/[^\s/]+/i.test(f[k])) e[k] = 'must be an http:// or https:// address';
  for (const k of ['mobile', 'phone']) if (f[k] && !/^[0-9+\-(). /#*,;xXpPwWextEXT]*$/.test(f[k])) e[k] = 'may contain only digits, spaces and + - ( ) . / # * , ;';
  return e;
}
function record(listId, kind, id, name, by) {
  const c = { seq: ++seqCounter, kind, id, name, at: now(), by };
  if (!changeLog.has(listId)) changeLog.set(listId, []);
  changeLog.get(listId).push(c);
  for (const res of streams.get(listId) ?? []) res.write(`event: change\nid: ${c.seq}\ndata: ${JSON.stringify(c)}\n\n`);
  return c;
}
const FIELDS13 = ['full_name', 'job_title', 'email', 'mobile', 'phone', 'website', 'linkedin', 'facebook', 'x', 'company', 'department', 'address', 'notes', 'groups'];
const snapshot = (c) => JSON.parse(JSON.stringify(Object.fromEntries(FIELDS13.map((k) => [k, c[k]]))));
/** Appends a history entry with the field-level differences from the previous snapshot. */
function remember(c, action, by) {
  if (!history.has(c.id)) history.set(c.id, []);
  const h = history.get(c.id);
  const prev = h.length ? h[h.length - 1].snapshot : Object.fromEntries(FIELDS13.map((k) => [k, k === 'groups' ? [] : k === 'address' ? blank().address : '']));
  const snap = snapshot(c);
  const changes = {};
  for (const k of FIELDS13) if (JSON.stringify(prev[k]) !== JSON.stringify(snap[k])) changes[k] = { from: prev[k], to: snap[k] };
  h.push({ version: c.version, at: now(), by, action, changes, snapshot: snap });
}
function blank() {
  return { full_name: '', job_title: '', email: '', mobile: '', phone: '', website: '', linkedin: '', facebook: '', x: '', company: '', department: '', address: { street: '', city: '', postal_code: '', state: '', country: '' }, notes: '', groups: [] };
}
function letterOf(name) {
  const c = fold(name.trim())[0]?.toUpperCase() ?? '#';
  return c >= 'A' && c <= 'Z' ? c : '#';
}
function haystack(c, gmap) {
  return words([c.full_name, c.job_title, c.company, c.department, c.notes, c.email, c.mobile, c.phone, ...Object.values(c.address), ...c.groups.map((g) => gmap.get(g)?.name ?? '')].join(' '));
}

async function body(req) {
  const chunks = [];
  for await (const ch of req) chunks.push(ch);
  return Buffer.concat(chunks);
}
async function json(req) {
  const b = await body(req);
  return b.length ? JSON.parse(b.toString()) : {};
}

function parseCsv(text) {
  text = text.replace(/^\uFEFF/, '');
  const sep = (text.split('\n')[0].match(/;/g)?.length ?? 0) > (text.split('\n')[0].match(/,/g)?.length ?? 0) ? ';' : ',';
  const rows = [];
  let row = [], cell = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (q) {
      if (ch === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (ch === '"') q = false;
      else cell += ch;
    } else if (ch === '"') q = true;
    else if (ch === sep) row.push(cell), (cell = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(cell), rows.push(row), (row = []), (cell = '');
    } else cell += ch;
  }
  if (cell || row.length) row.push(cell), rows.push(row);
  return rows.filter((r) => r.some((c) => c.trim()));
}
const HEADERS = ['Full Name', 'Job Title', 'Email', 'Mobile', 'Phone', 'Website', 'LinkedIn', 'Facebook', 'X', 'Company', 'Department', 'Street', 'City', 'Postal Code', 'State', 'Country', 'Notes', 'Groups'];
const csvCell = (v) => (/[",;\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : /^[=+\-@]/.test(v) ? `'${v}` : v);

function runImport(job, list, user, text, onDup) {
  const rows = parseCsv(text);
  const header = rows.shift()?.map((h) => fold(h).replace(/[^a-z]/g, '')) ?? [];
  job.total = rows.length;
  job.status = 'running';
  const cmap = contacts.get(list.id);
  const gmap = groups.get(list.id);
  let i = 0;
  const step = () => {
    const end = Math.min(rows.length, i + Math.max(1, Math.ceil(rows.length / 8)));
    for (; i < end; i++) {
      const r = rows[i];
      const get = (h) => r[header.indexOf(fold(h).replace(/[^a-z]/g, ''))]?.trim() ?? '';
      const f = blank();
      for (const [k, h] of [['full_name', 'Full Name'], ['job_title', 'Job Title'], ['email', 'Email'], ['mobile', 'Mobile'], ['phone', 'Phone'], ['website', 'Website'], ['linkedin', 'LinkedIn'], ['facebook', 'Facebook'], ['x', 'X'], ['company', 'Company'], ['department', 'Department'], ['notes', 'Notes']]) f[k] = get(h);
      f.address = { street: get('Street'), city: get('City'), postal_code: get('Postal Code'), state: get('State'), country: get('Country') };
      const e = validate(f);
      if (Object.keys(e).length) {
        for (const [col, msg] of Object.entries(e)) job.errors.push({ row: i + 2, column: col, message: msg });
        job.processed++;
        continue;
      }
      for (const gname of get('Groups').split(';').map((s) => s.trim()).filter(Boolean)) {
        let g = [...gmap.values()].find((x) => fold(x.name) === fold(gname));
        if (!g) gmap.set((g = { id: uuid(), name: gname, created_at: now(), created_by: user }).id, g);
        f.groups.push(g.id);
      }
      const dup = onDup === 'create' ? null : [...cmap.values()].find((c) => (f.email && fold(c.email) === fold(f.email)) || (fold(c.full_name) === fold(f.full_name) && fold(c.company) === fold(f.company)));
      if (dup && onDup === 'skip') job.skipped++;
      else if (dup && onDup === 'update') {
        jobUndo.get(job.id).updated.push({ id: dup.id, version: dup.version });
        Object.assign(dup, f, { version: dup.version + 1, updated_at: now(), updated_by: user });
        remember(dup, 'imported', user);
        record(list.id, 'contact.updated', dup.id, dup.full_name, user);
        job.updated++;
      } else {
        const c = { id: uuid(), ...f, created_at: now(), created_by: user, updated_at: now(), updated_by: user, version: 1 };
        cmap.set(c.id, c);
        remember(c, 'imported', user);
        record(list.id, 'contact.created', c.id, c.full_name, user);
        jobUndo.get(job.id).created.push(c.id);
        job.imported++;
      }
      job.processed++;
    }
    if (i < rows.length) setTimeout(step, 150);
    else job.status = 'succeeded';
  };
  setTimeout(step, 200);
}

const MIME = { '.js': 'text/javascript', '.css': 'text/css', '.html': 'text/html', '.svg': 'image/svg+xml', '.json': 'application/json', '.png': 'image/png' };

async function api(req, res, url) {
  const p = url.pathname;
  const m = req.method;
  if (p === '/api/v1/info') return send(res, 200, { version: '0.1.0-mock', auth_mode: 'demo', entra: null, oidc: null });
  if (p === '/api/openapi.json')
    return send(res, 200, {
      openapi: '3.1.0', info: { title: 'contactpro (mock)', version: '0.1.0' },
      paths: { '/api/v1/lists': { get: { summary: 'Lists of the organization', responses: { 200: { description: 'OK', content: { 'application/json': { schema: { $ref: '#/components/schemas/ListPage' } } } } } } } },
      components: { schemas: { ListPage: { type: 'object', properties: { items: { type: 'array', items: { type: 'object' } } }, required: ['items'] } } },
    });
  if (p === '/api/v1/demo/personas') return send(res, 200, { items: personas });
  if (p === '/api/v1/demo/token' && m === 'POST') {
    const b = await json(req);
    const payload = Buffer.from(JSON.stringify({ tid: b.tid, oid: b.oid, name: b.name, preferred_username: b.upn, exp: Math.floor(Date.now() / 1000) + 28800 })).toString('base64url');
    return send(res, 200, { access_token: `e30.${payload}.mock`, token_type: 'Bearer', expires_in: 28800 });
  }
  const me = principal(req);
  if (!me) return err(res, 401, 'unauthorized', 'A valid bearer token is required');
  const user = { id: me.oid, name: me.name };
  const profile = () => ({ user: users.get(me.oid), org: { id: me.tid } });
  if (p === '/api/v1/login' && m === 'POST') {
    users.set(me.oid, { oid: me.oid, upn: me.preferred_username, display_name: me.name, email: me.preferred_username, job_title: '', last_login: now() });
    return send(res, 200, profile());
  }
  if (p === '/api/v1/me') return users.has(me.oid) ? send(res, 200, profile()) : err(res, 404, 'not_found', 'Sign in first');
  if (p === '/api/v1/users') {
    const q = fold(url.searchParams.get('q') ?? '');
    return send(res, 200, { items: [...users.values()].filter((u) => fold(u.display_name + ' ' + u.upn).includes(q)) });
  }
  const jm = /^\/api\/v1\/jobs\/([^/]+)$/.exec(p);
  if (jm) return jobs.has(jm[1]) ? send(res, 200, jobs.get(jm[1])) : err(res, 404, 'not_found', 'No such job');
  const ju = /^\/api\/v1\/jobs\/([^/]+)\/undo$/.exec(p);
  if (ju && m === 'POST') {
    const job = jobs.get(ju[1]);
    const u = jobUndo.get(ju[1]);
    if (!job || !u) return err(res, 404, 'not_found', 'No such job');
    if (job.status === 'queued' || job.status === 'running') return err(res, 409, 'job_running', 'The import is still running');
    if (u.undone) return err(res, 409, 'already_undone', 'This import was already undone');
    u.undone = true;
    const by = { id: me.oid, name: me.name };
    const cm = contacts.get(u.listId);
    const out = { trashed: 0, reverted: 0, skipped: [] };
    for (const id of u.created) {
      const c = cm.get(id);
      if (!c) continue;
      if (c.version !== 1) { out.skipped.push({ id, full_name: c.full_name, reason: 'changed since the import' }); continue; }
      cm.delete(id);
      trash.get(u.listId).set(id, { contact: c, deleted_at: now(), deleted_by: by });
      record(u.listId, 'contact.deleted', id, c.full_name, by);
      out.trashed++;
    }
    for (const { id, version } of u.updated) {
      const c = cm.get(id);
      if (!c) continue;
      if (c.version !== version + 1) { out.skipped.push({ id, full_name: c.full_name, reason: 'changed since the import' }); continue; }
      const old = history.get(id).find((h) => h.version === version);
      Object.assign(c, JSON.parse(JSON.stringify(old.snapshot)), { version: c.version + 1, updated_at: now(), updated_by: by });
      remember(c, 'updated', by);
      record(u.listId, 'contact.updated', id, c.full_name, by);
      out.reverted++;
    }
    return send(res, 200, out);
  }
  if (p === '/api/v1/lists/trash') {
    return send(res, 200, { items: [...deletedLists.values()].filter((d) => d.list.owners.includes(me.oid)).map((d) => ({ id: d.list.id, name: d.list.name, deleted_at: d.deleted_at, deleted_by: d.deleted_by, contact_count: contacts.get(d.list.id).size })) });
  }
  const lr = /^\/api\/v1\/lists\/([^/]+)\/restore$/.exec(p);
  if (lr && m === 'POST' && deletedLists.has(lr[1])) {
    const d = deletedLists.get(lr[1]);
    if (!d.list.owners.includes(me.oid)) return err(res, 403, 'forbidden', 'Owners only');
    deletedLists.delete(lr[1]);
    lists.set(d.list.id, d.list);
    return send(res, 200, listView(d.list, me.oid));
  }
  if (p === '/api/v1/lists') {
    if (m === 'GET') return send(res, 200, { items: [...lists.values()].map((l) => listView(l, me.oid)) });
    if (m === 'POST') {
      const b = await json(req);
      if (!b.name?.trim()) return err(res, 422, 'validation', 'Invalid list', { fields: { name: 'is required' } });
      const l = { id: uuid(), name: b.name.trim(), channel: b.channel ?? null, team: b.team ?? null, created_by: user, created_at: now(), owners: [me.oid], display_mode: b.display_mode ?? 'card', visible_fields: ['job_title', 'company', 'department', 'mobile', 'email'], permissions: { mode: 'everybody', members: [] } };
      lists.set(l.id, l);
      contacts.set(l.id, new Map());
      groups.set(l.id, new Map());
      keys.set(l.id, new Map());
      trash.set(l.id, new Map());
      deletedGroups.set(l.id, new Map());
      return send(res, 201, listView(l, me.oid));
    }
  }
  const lm = /^\/api\/v1\/lists\/([^/]+)(\/.*)?$/.exec(p);
  if (!lm) return err(res, 404, 'not_found', 'No such route');
  const list = lists.get(lm[1]);
  if (!list) return err(res, 404, 'not_found', 'No such list');
  const rest = lm[2] ?? '';
  const r = rights(list, me.oid);
  const cmap = contacts.get(list.id);
  const gmap = groups.get(list.id);
  if (rest === '') {
    if (m === 'GET') return send(res, 200, listView(list, me.oid));
    if (!r.owner) return err(res, 403, 'forbidden', 'Only owners change the list settings');
    if (m === 'PATCH') {
      const b = await json(req);
      for (const k of ['name', 'display_mode', 'visible_fields', 'owners', 'permissions', 'channel', 'team']) if (k in b) list[k] = k === 'permissions' ? { members: [], ...b[k] } : b[k];
      return send(res, 200, listView(list, me.oid));
    }
    if (m === 'DELETE') {
      deletedLists.set(list.id, { list, deleted_at: now(), deleted_by: user });
      return lists.delete(list.id), send(res, 204);
    }
  }
  if (rest === '/about') return send(res, 200, { version: '0.1.0-mock', id: list.id, created_by: list.created_by });
  if (rest === '/contacts' && m === 'GET') {
    const sp = url.searchParams;
    const qw = words(sp.get('q') ?? '');
    const group = sp.get('group') ?? '';
    let items = [...cmap.values()];
    if (qw.length) items = items.filter((c) => { const h = haystack(c, gmap); return qw.every((w) => h.some((x) => x.startsWith(w))); });
    if (group) items = items.filter((c) => (group === 'none' ? c.groups.length === 0 : c.groups.includes(group)));
    const letters = {};
    for (const c of items) letters[letterOf(c.full_name)] = (letters[letterOf(c.full_name)] ?? 0) + 1;
    const letter = sp.get('letter');
    if (letter) items = items.filter((c) => letterOf(c.full_name) === letter);
    const sort = sp.get('sort') || 'full_name';
    const dir = sp.get('order') === 'desc' ? -1 : 1;
    items.sort((a, b) => dir * fold(String(a[sort] ?? '')).localeCompare(fold(String(b[sort] ?? ''))) || fold(a.full_name).localeCompare(fold(b.full_name)));
    const per = Math.min(500, Number(sp.get('per_page') ?? 50) || 50);
    const page = Math.max(1, Number(sp.get('page') ?? 1) || 1);
    return send(res, 200, { items: items.slice((page - 1) * per, page * per), total: items.length, page, per_page: per, letters });
  }
  if (rest === '/contacts' && m === 'POST') {
    if (!r.add) return err(res, 403, 'forbidden', 'You may not add contacts to this list');
    const b = await json(req);
    const unknown = Object.keys(b).filter((k) => !EDITABLE.includes(k));
    if (unknown.length) return err(res, 400, 'bad_request', `unknown field ${unknown[0]}`);
    const f = { ...blank(), ...b, address: { ...blank().address, ...(b.address ?? {}) } };
    const e = validate(f);
    if (Object.keys(e).length) return err(res, 422, 'validation', 'Some fields are not valid', { fields: e });
    const c = { id: uuid(), ...f, created_at: now(), created_by: user, updated_at: now(), updated_by: user, version: 1 };
    cmap.set(c.id, c);
    remember(c, 'created', user);
    record(list.id, 'contact.created', c.id, c.full_name, user);
    return send(res, 201, c, { ETag: `"${c.version}"` });
  }
  const cm = /^\/contacts\/([^/]+)$/.exec(rest);
  if (cm) {
    const c = cmap.get(cm[1]);
    if (!c) return err(res, 404, 'not_found', 'No such contact');
    if (m === 'GET') return send(res, 200, c, { ETag: `"${c.version}"` });
    const need = m === 'DELETE' ? r.delete : r.modify;
    if (!need) return err(res, 403, 'forbidden', 'You may not change contacts of this list');
    const im = req.headers['if-match'];
    if (im && im !== `"${c.version}"`) return err(res, 412, 'version_mismatch', 'The contact was changed by someone else', { current: c });
    if (m === 'DELETE') {
      cmap.delete(c.id);
      trash.get(list.id).set(c.id, { contact: c, deleted_at: now(), deleted_by: user });
      remember({ ...c, version: c.version + 1 }, 'deleted', user);
      record(list.id, 'contact.deleted', c.id, c.full_name, user);
      return send(res, 204);
    }
    const b = await json(req);
    const f = m === 'PUT' ? { ...blank(), ...b, address: { ...blank().address, ...(b.address ?? {}) } } : { ...c, ...b, address: { ...c.address, ...(b.address ?? {}) } };
    const e = validate(f);
    if (Object.keys(e).length) return err(res, 422, 'validation', 'Some fields are not valid', { fields: e });
    for (const k of EDITABLE) c[k] = f[k];
    Object.assign(c, { version: c.version + 1, updated_at: now(), updated_by: user });
    remember(c, 'updated', user);
    record(list.id, 'contact.updated', c.id, c.full_name, user);
    return send(res, 200, c, { ETag: `"${c.version}"` });
  }
  const hm = /^\/contacts\/([^/]+)\/(history|revert)$/.exec(rest);
  if (hm) {
    const h = history.get(hm[1]);
    if (!h) return err(res, 404, 'not_found', 'No such contact');
    if (hm[2] === 'history') return send(res, 200, { items: [...h].reverse().map(({ snapshot: _s, ...x }) => x) });
    if (!r.modify) return err(res, 403, 'forbidden', 'Not allowed');
    const c = cmap.get(hm[1]);
    if (!c) return err(res, 404, 'not_found', 'No such contact');
    const im = req.headers['if-match'];
    if (im && im !== `"${c.version}"`) return err(res, 412, 'version_mismatch', 'The contact was changed by someone else', { current: c });
    const b = await json(req);
    const old = h.find((x) => x.version === b.version);
    if (!old) return err(res, 404, 'not_found', 'No such version');
    const snap = JSON.parse(JSON.stringify(old.snapshot));
    snap.groups = snap.groups.filter((g) => gmap.has(g));
    Object.assign(c, snap, { version: c.version + 1, updated_at: now(), updated_by: user });
    remember(c, 'updated', user);
    record(list.id, 'contact.updated', c.id, c.full_name, user);
    return send(res, 200, c, { ETag: `"${c.version}"` });
  }
  if (rest === '/trash' && m === 'GET') {
    if (!r.delete && !r.owner) return err(res, 403, 'forbidden', 'Not allowed');
    const items = [...trash.get(list.id).values()].sort((a, b) => b.deleted_at.localeCompare(a.deleted_at)).map((t) => ({ id: t.contact.id, full_name: t.contact.full_name, deleted_at: t.deleted_at, deleted_by: t.deleted_by }));
    return send(res, 200, { items, total: items.length });
  }
  const tm = /^\/trash\/([^/]+)(\/restore)?$/.exec(rest);
  if (tm) {
    const t = trash.get(list.id).get(tm[1]);
    if (!t) return err(res, 404, 'not_found', 'Not in the trash');
    if (tm[2] && m === 'POST') {
      if (!r.delete) return err(res, 403, 'forbidden', 'Not allowed');
      trash.get(list.id).delete(tm[1]);
      const c = t.contact;
      c.groups = c.groups.filter((g) => gmap.has(g));
      Object.assign(c, { version: c.version + 2, updated_at: now(), updated_by: user });
      cmap.set(c.id, c);
      remember(c, 'restored', user);
      record(list.id, 'contact.restored', c.id, c.full_name, user);
      return send(res, 200, c);
    }
    if (!tm[2] && m === 'DELETE') {
      if (!r.owner) return err(res, 403, 'forbidden', 'Owners only');
      trash.get(list.id).delete(tm[1]);
      return send(res, 204);
    }
  }
  if (rest === '/events' && m === 'GET') {
    const last = Number(req.headers['last-event-id'] ?? url.searchParams.get('since') ?? NaN);
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-store' });
    res.write(': hello\n\n');
    if (Number.isFinite(last)) for (const c of changeLog.get(list.id) ?? []) if (c.seq > last) res.write(`event: change\nid: ${c.seq}\ndata: ${JSON.stringify(c)}\n\n`);
    if (!streams.has(list.id)) streams.set(list.id, new Set());
    streams.get(list.id).add(res);
    const ping = setInterval(() => res.write(': ping\n\n'), 15000);
    req.on('close', () => {
      clearInterval(ping);
      streams.get(list.id).delete(res);
    });
    return;
  }
  const count = (gid) => [...cmap.values()].filter((c) => c.groups.includes(gid)).length;
  if (rest === '/groups') {
    if (m === 'GET') return send(res, 200, { items: [...gmap.values()].sort((a, b) => fold(a.name).localeCompare(fold(b.name))).map((g) => ({ ...g, member_count: count(g.id) })) });
    if (!r.add) return err(res, 403, 'forbidden', 'You may not add groups');
    const b = await json(req);
    if (!b.name?.trim()) return err(res, 422, 'validation', 'Invalid group', { fields: { name: 'is required' } });
    if ([...gmap.values()].some((g) => fold(g.name) === fold(b.name.trim()))) return err(res, 409, 'duplicate_name', 'A group with this name exists');
    const g = { id: uuid(), name: b.name.trim(), created_at: now(), created_by: user };
    gmap.set(g.id, g);
    return send(res, 201, { ...g, member_count: 0 });
  }
  const gr = /^\/groups\/([^/]+)\/restore$/.exec(rest);
  if (gr && m === 'POST') {
    const d = deletedGroups.get(list.id).get(gr[1]);
    if (!d) return err(res, 404, 'not_found', 'Not restorable');
    if (!r.delete) return err(res, 403, 'forbidden', 'Not allowed');
    deletedGroups.get(list.id).delete(gr[1]);
    gmap.set(d.group.id, d.group);
    for (const id of d.members) { const c = cmap.get(id); if (c && !c.groups.includes(d.group.id)) c.groups.push(d.group.id), c.version++; }
    record(list.id, 'group.created', d.group.id, d.group.name, user);
    return send(res, 200, { ...d.group, member_count: count(d.group.id) });
  }
  const gm = /^\/groups\/([^/]+)$/.exec(rest);
  if (gm) {
    const g = gmap.get(gm[1]);
    if (!g) return err(res, 404, 'not_found', 'No such group');
    if (m === 'GET') return send(res, 200, { ...g, member_count: count(g.id) });
    if (!(m === 'DELETE' ? r.delete : r.modify)) return err(res, 403, 'forbidden', 'Not allowed');
    if (m === 'DELETE') {
      const members = [...cmap.values()].filter((c) => c.groups.includes(g.id)).map((c) => c.id);
      deletedGroups.get(list.id).set(g.id, { group: g, members });
      for (const c of cmap.values()) c.groups = c.groups.filter((x) => x !== g.id);
      record(list.id, 'group.deleted', g.id, g.name, user);
      return gmap.delete(g.id), send(res, 204);
    }
    const b = await json(req);
    if (b.name) g.name = b.name.trim();
    for (const id of b.add_members ?? []) { const c = cmap.get(id); if (c && !c.groups.includes(g.id)) c.groups.push(g.id), c.version++, remember(c, 'updated', user), record(list.id, 'contact.updated', c.id, c.full_name, user); }
    for (const id of b.remove_members ?? []) { const c = cmap.get(id); if (c && c.groups.includes(g.id)) c.groups = c.groups.filter((x) => x !== g.id), c.version++, remember(c, 'updated', user), record(list.id, 'contact.updated', c.id, c.full_name, user); }
    return send(res, 200, { ...g, member_count: count(g.id) });
  }
  if (rest === '/import/template.xlsx') return send(res, 200, HEADERS.join(',') + '\r\n', { 'Content-Type': 'text/csv', 'Content-Disposition': 'attachment; filename="contacts-template.csv"' });
  if (rest === '/imports' && m === 'POST') {
    if (!r.add) return err(res, 403, 'forbidden', 'Not allowed');
    const text = (await body(req)).toString('utf8');
    const job = { id: uuid(), kind: 'import', status: 'queued', total: 0, processed: 0, imported: 0, updated: 0, skipped: 0, errors: [], warnings: [], message: null };
    jobs.set(job.id, job);
    jobUndo.set(job.id, { listId: list.id, created: [], updated: [], undone: false });
    runImport(job, list, user, text, url.searchParams.get('on_duplicate') ?? 'skip');
    return send(res, 202, job);
  }
  if (rest === '/export') {
    const fmt = url.searchParams.get('format') ?? 'xlsx';
    const rows = [...cmap.values()].map((c) => [c.full_name, c.job_title, c.email, c.mobile, c.phone, c.website, c.linkedin, c.facebook, c.x, c.company, c.department, c.address.street, c.address.city, c.address.postal_code, c.address.state, c.address.country, c.notes, c.groups.map((g) => gmap.get(g)?.name).join(';')]);
    const csv = [HEADERS, ...rows].map((r) => r.map((v) => csvCell(String(v ?? ''))).join(',')).join('\r\n');
    return send(res, 200, '\uFEFF' + csv, { 'Content-Type': 'text/csv', 'Content-Disposition': `attachment; filename="${list.name}.${fmt}"` });
  }
  if (rest === '/api-keys') {
    if (!r.owner) return err(res, 403, 'forbidden', 'Owners only');
    const kmap = keys.get(list.id);
    if (m === 'GET') return send(res, 200, { items: [...kmap.values()] });
    const b = await json(req);
    const secret = 'cpk_' + crypto.randomBytes(24).toString('base64url');
    const k = { id: uuid(), name: b.name, prefix: secret.slice(0, 10), created_at: now(), created_by: user, last_used_at: null };
    kmap.set(k.id, k);
    return send(res, 201, { key: k, secret });
  }
  const km = /^\/api-keys\/([^/]+)$/.exec(rest);
  if (km && m === 'DELETE') return keys.get(list.id).delete(km[1]), send(res, 204);
  return err(res, 404, 'not_found', 'No such route');
}

http
  .createServer(async (req, res) => {
    const url = new URL(req.url, `http://${req.headers.host}`);
    try {
      if (url.pathname === '/healthz') return send(res, 200, 'ok');
      if (url.pathname.startsWith('/api/')) return await api(req, res, url);
      let file = path.join(dist, path.normalize(url.pathname));
      if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
        if (path.extname(url.pathname)) return send(res, 404, 'not found');
        file = path.join(dist, 'index.html');
      }
      res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' });
      fs.createReadStream(file).pipe(res);
    } catch (e) {
      err(res, 500, 'internal', String(e));
    }
  })
  .listen(Number(port), host, () => console.log(`mock contactpro listening on http://${host}:${port}`));
