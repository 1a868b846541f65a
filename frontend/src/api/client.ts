import { getToken, clearSession } from '../auth';
import { RETRYABLE_503, retryDelayMs, setServiceStatus, sleep, startOfflineProbe } from './status';
import type {
  About, ApiKey, AppPassword, Contact, ContactFields, ContactList, ContactPage, CreatedAppPassword, Duplicates, MergeRequest, Group, HistoryEntry, ImportUndo, Info, Items, Job,
  LoginResponse, Persona, TokenResponse, TrashedContact, TrashedList, User,
} from './types';

/** An error answered by the server: `{"error":{"code","message","fields"}}`. */
export class ApiError extends Error {
  status: number;
  code: string;
  fields: Record<string, string>;
  body: unknown;
  constructor(status: number, code: string, message: string, fields: Record<string, string> = {}, body: unknown = null) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.body = body;
  }
}

export interface RequestOptions {
  method?: string;
  body?: unknown;
  rawBody?: BodyInit;
  contentType?: string;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  auth?: boolean;
  /** Idempotent writes (POST /login) retry a 503 as long as reads do. */
  idempotent?: boolean;
}

async function toApiError(res: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  const err = (body as { error?: { code?: string; message?: string; fields?: Record<string, string> } } | null)?.error;
  return new ApiError(
    res.status,
    err?.code ?? `http_${res.status}`,
    err?.message ?? `${res.status} ${res.statusText}`,
    err?.fields ?? {},
    body,
  );
}

/** Non-GET requests give up after this many 503 answers; reads retry until they succeed or are aborted. */
export const MAX_WRITE_ATTEMPTS = 6;

/**
 * Sends a request. A 503 `auth_unavailable` (the identity provider's keys are unreachable) or
 * `busy` (or `org_moving`, the organization is moving to another server) is not the user's fault and says nothing about their session: the request is sent again
 * with backoff (Retry-After wins) while the banner says so. Only a 401 forgets the tokens.
 */
export async function rawRequest(path: string, opts: RequestOptions = {}): Promise<Response> {
  const readOnly = (opts.method ?? 'GET') === 'GET' || opts.idempotent === true;
  for (let attempt = 0; ; attempt++) {
    const headers: Record<string, string> = { Accept: 'application/json', ...(opts.headers ?? {}) };
    if (opts.auth !== false) {
      const token = await getToken();
      if (token) headers.Authorization = `Bearer ${token}`;
    }
    let body: BodyInit | undefined;
    if (opts.rawBody !== undefined) {
      body = opts.rawBody;
      if (opts.contentType) headers['Content-Type'] = opts.contentType;
    } else if (opts.body !== undefined) {
      body = JSON.stringify(opts.body);
      headers['Content-Type'] = 'application/json';
    }
    let res: Response;
    try {
      res = await fetch(path, { method: opts.method ?? 'GET', headers, body, signal: opts.signal });
    } catch (e) {
      if (!(e instanceof DOMException && e.name === 'AbortError')) {
        setServiceStatus('offline');
        startOfflineProbe(probeHealth);
      }
      throw e;
    }
    if (res.ok) {
      setServiceStatus('ok');
      return res;
    }
    const e = await toApiError(res);
    if (res.status === 503 && RETRYABLE_503.has(e.code) && (readOnly || attempt + 1 < MAX_WRITE_ATTEMPTS)) {
      setServiceStatus(e.code === 'auth_unavailable' ? 'authUnavailable' : 'busy');
      await sleep(retryDelayMs(attempt, res.headers.get('Retry-After')), opts.signal);
      continue;
    }
    // Any other answer proves the server is there.
    setServiceStatus('ok');
    if (res.status === 401 && opts.auth !== false) clearSession();
    throw e;
  }
}

export async function probeHealth(): Promise<boolean> {
  try {
    return (await fetch('/healthz', { cache: 'no-store' })).ok;
  } catch {
    return false;
  }
}

export async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await rawRequest(path, opts);
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  return (text ? JSON.parse(text) : undefined) as T;
}

const enc = encodeURIComponent;
const L = (id: string) => `/api/v1/lists/${enc(id)}`;

export interface ContactQuery {
  q?: string;
  letter?: string;
  group?: string;
  sort?: string;
  order?: string;
  page?: number;
  per_page?: number;
}

export function contactQueryString(q: ContactQuery): string {
  const p = new URLSearchParams();
  if (q.q) p.set('q', q.q);
  if (q.letter) p.set('letter', q.letter);
  if (q.group) p.set('group', q.group);
  if (q.sort) p.set('sort', q.sort);
  if (q.order) p.set('order', q.order);
  if (q.page) p.set('page', String(q.page));
  if (q.per_page) p.set('per_page', String(q.per_page));
  const s = p.toString();
  return s ? `?${s}` : '';
}

export const api = {
  info: () => request<Info>('/api/v1/info', { auth: false }),
  personas: () => request<Items<Persona>>('/api/v1/demo/personas', { auth: false }),
  demoToken: (p: Pick<Persona, 'tid' | 'oid' | 'name' | 'upn'>) =>
    request<TokenResponse>('/api/v1/demo/token', { method: 'POST', body: p, auth: false }),
  login: () => request<LoginResponse>('/api/v1/login', { method: 'POST', body: {}, idempotent: true }),
  me: () => request<LoginResponse>('/api/v1/me'),
  users: (q: string, signal?: AbortSignal) => request<Items<User>>(`/api/v1/users?q=${enc(q)}`, { signal }),

  lists: () => request<Items<ContactList>>('/api/v1/lists'),
  createList: (body: { name: string; display_mode?: string; channel?: { id: string; name: string }; team?: { id: string; name: string } }) =>
    request<ContactList>('/api/v1/lists', { method: 'POST', body }),
  list: (id: string) => request<ContactList>(L(id)),
  patchList: (id: string, body: Partial<Pick<ContactList, 'name' | 'display_mode' | 'sort' | 'visible_fields' | 'owners' | 'permissions' | 'channel' | 'team'>>) =>
    request<ContactList>(L(id), { method: 'PATCH', body }),
  deleteList: (id: string) => request<void>(L(id), { method: 'DELETE' }),
  about: (id: string) => request<About>(`${L(id)}/about`),

  contacts: (id: string, q: ContactQuery, signal?: AbortSignal) =>
    request<ContactPage>(`${L(id)}/contacts${contactQueryString(q)}`, { signal }),
  contact: async (id: string, cid: string): Promise<Contact> => request<Contact>(`${L(id)}/contacts/${enc(cid)}`),
  createContact: (id: string, body: ContactFields) => request<Contact>(`${L(id)}/contacts`, { method: 'POST', body }),
  putContact: (id: string, cid: string, version: number, body: ContactFields) =>
    request<Contact>(`${L(id)}/contacts/${enc(cid)}`, { method: 'PUT', body, headers: { 'If-Match': `"${version}"` } }),
  patchContact: (id: string, cid: string, version: number, body: Partial<ContactFields>) =>
    request<Contact>(`${L(id)}/contacts/${enc(cid)}`, { method: 'PATCH', body, headers: { 'If-Match': `"${version}"` } }),
  deleteContact: (id: string, cid: string, version: number) =>
    request<void>(`${L(id)}/contacts/${enc(cid)}`, { method: 'DELETE', headers: { 'If-Match': `"${version}"` } }),

  // Duplicates and merge (issue 14).
  duplicates: (id: string) => request<Duplicates>(`${L(id)}/duplicates`),
  mergeContacts: (id: string, keep: string, body: MergeRequest, version?: number) =>
    request<Contact>(`${L(id)}/contacts/${enc(keep)}/merge`, {
      method: 'POST', body, headers: version !== undefined ? { 'If-Match': `"${version}"` } : undefined,
    }),

  groups: (id: string) => request<Items<Group>>(`${L(id)}/groups`),
  createGroup: (id: string, name: string) => request<Group>(`${L(id)}/groups`, { method: 'POST', body: { name } }),
  patchGroup: (id: string, gid: string, body: { name?: string; add_members?: string[]; remove_members?: string[] }) =>
    request<Group>(`${L(id)}/groups/${enc(gid)}`, { method: 'PATCH', body }),
  deleteGroup: (id: string, gid: string) => request<void>(`${L(id)}/groups/${enc(gid)}`, { method: 'DELETE' }),
  restoreGroup: (id: string, gid: string) => request<Group>(`${L(id)}/groups/${enc(gid)}/restore`, { method: 'POST' }),

  // Trash, history and undo (issue 13).
  trash: (id: string) => request<Items<TrashedContact> & { total: number }>(`${L(id)}/trash`),
  restoreContact: (id: string, cid: string) => request<Contact>(`${L(id)}/trash/${enc(cid)}/restore`, { method: 'POST' }),
  purgeContact: (id: string, cid: string) => request<void>(`${L(id)}/trash/${enc(cid)}`, { method: 'DELETE' }),
  history: (id: string, cid: string) => request<Items<HistoryEntry>>(`${L(id)}/contacts/${enc(cid)}/history`),
  revertContact: (id: string, cid: string, version: number, ifMatch?: number) =>
    request<Contact>(`${L(id)}/contacts/${enc(cid)}/revert`, {
      method: 'POST', body: { version }, headers: ifMatch !== undefined ? { 'If-Match': `"${ifMatch}"` } : undefined,
    }),
  listTrash: () => request<Items<TrashedList>>('/api/v1/lists/trash'),
  restoreList: (id: string) => request<ContactList>(`${L(id)}/restore`, { method: 'POST' }),
  undoImport: (jobId: string) => request<ImportUndo>(`/api/v1/jobs/${enc(jobId)}/undo`, { method: 'POST' }),
  /** The list's live change feed (Server-Sent Events); read with lib/sse. */
  events: (id: string, lastEventId: number | null, signal: AbortSignal) =>
    rawRequest(`${L(id)}/events`, {
      signal,
      headers: { Accept: 'text/event-stream', ...(lastEventId !== null ? { 'Last-Event-ID': String(lastEventId) } : {}) },
    }),

  templateUrl: (id: string) => `${L(id)}/import/template.xlsx`,
  startImport: (id: string, file: Blob, contentType: string, onDuplicate: string) =>
    request<Job>(`${L(id)}/imports?on_duplicate=${enc(onDuplicate)}`, { method: 'POST', rawBody: file, contentType }),
  job: (jobId: string, signal?: AbortSignal) => request<Job>(`/api/v1/jobs/${enc(jobId)}`, { signal }),
  exportUrl: (id: string, format: string, q?: string, group?: string) => {
    const p = new URLSearchParams({ format });
    if (q) p.set('q', q);
    if (group) p.set('group', group);
    return `${L(id)}/export?${p.toString()}`;
  },

  apiKeys: (id: string) => request<Items<ApiKey>>(`${L(id)}/api-keys`),
  createApiKey: (id: string, name: string) => request<{ key: ApiKey; secret: string }>(`${L(id)}/api-keys`, { method: 'POST', body: { name } }),
  deleteApiKey: (id: string, kid: string) => request<void>(`${L(id)}/api-keys/${enc(kid)}`, { method: 'DELETE' }),

  // App passwords for CardDAV (issue 17).
  appPasswords: () => request<Items<AppPassword>>('/api/v1/me/app-passwords'),
  createAppPassword: (name: string) => request<CreatedAppPassword>('/api/v1/me/app-passwords', { method: 'POST', body: { name } }),
  revokeAppPassword: (id: string) => request<void>(`/api/v1/me/app-passwords/${enc(id)}`, { method: 'DELETE' }),

  openapi: () => request<unknown>('/api/openapi.json', { auth: false }),
};

/** Fetches a file with the bearer token and saves it through a blob URL. */
export async function downloadAuthenticated(path: string, fallbackName: string): Promise<void> {
  const res = await rawRequest(path, { headers: { Accept: '*/*' } });
  const blob = await res.blob();
  const cd = res.headers.get('Content-Disposition') ?? '';
  const m = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(cd);
  const name = m ? decodeURIComponent(m[1] ?? m[2]) : fallbackName;
  saveBlob(blob, name);
}

export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export type { User };
