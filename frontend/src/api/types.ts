// Types of the REST API (see shared/DESIGN.md and the server's /api/openapi.json).

export type AuthMode = 'demo' | 'entra' | 'oidc';

export interface Info {
  version: string;
  auth_mode: AuthMode;
  entra: { client_id: string; authority: string; app_id_uri: string; tenant: string } | null;
  oidc: { issuer: string; client_id: string; scopes: string } | null;
  /** Address links: `{address}` in `url` becomes the URL-encoded address; empty url = no links. */
  map?: { url: string; name: string };
}

export interface Persona {
  tid: string;
  oid: string;
  name: string;
  upn: string;
  job_title?: string;
  org_name?: string;
}

export interface TokenResponse {
  access_token: string;
  token_type: string;
  expires_in: number;
}

export interface User {
  oid: string;
  upn: string;
  display_name: string;
  email: string;
  job_title: string;
  last_login?: string;
}

export interface LoginResponse {
  user: User;
  org: { id: string };
}

export interface Ref {
  id: string;
  name: string;
}

export type DisplayMode = 'card' | 'list' | 'group';
export type VisibleField = 'job_title' | 'company' | 'department' | 'mobile' | 'email' | 'phone';
export const ALL_VISIBLE_FIELDS: VisibleField[] = ['job_title', 'company', 'department', 'mobile', 'phone', 'email'];

export type PermissionMode = 'everybody' | 'owners' | 'custom';
export interface MemberPermission {
  oid: string;
  add: boolean;
  modify: boolean;
  delete: boolean;
}
export interface Permissions {
  mode: PermissionMode;
  members: MemberPermission[];
}
export interface Rights {
  owner: boolean;
  add: boolean;
  modify: boolean;
  delete: boolean;
}

export interface ContactList {
  id: string;
  name: string;
  channel: Ref | null;
  team: Ref | null;
  created_by: Ref;
  created_at: string;
  owners: string[];
  display_mode: DisplayMode;
  visible_fields: VisibleField[];
  permissions: Permissions;
  /** The default order of names for everybody (Display settings); absent from older servers. */
  sort?: ListSort;
  rights: Rights;
  contact_count: number;
}

export interface About {
  version: string;
  id: string;
  created_by: Ref;
}

export interface Address {
  street: string;
  city: string;
  postal_code: string;
  state: string;
  country: string;
}

export interface ContactFields {
  full_name: string;
  /** Given and family names a source gave (vCard N, Outlook First/Last, this form); '' = derived from the full name. */
  given_name: string;
  family_name: string;
  job_title: string;
  email: string;
  mobile: string;
  phone: string;
  website: string;
  linkedin: string;
  facebook: string;
  x: string;
  company: string;
  department: string;
  address: Address;
  notes: string;
  groups: string[];
}

export interface Contact extends ContactFields {
  id: string;
  created_at: string;
  created_by: Ref;
  updated_at: string;
  updated_by: Ref;
  version: number;
}

/** The list's default name order (`sort` of a list). */
export type ListSort = 'full_name' | 'family_name';

export type SortField = 'full_name' | 'family_name' | 'job_title' | 'company' | 'department' | 'mobile' | 'email' | 'updated_at';
export type SortOrder = 'asc' | 'desc';

export interface ContactPage {
  items: Contact[];
  total: number;
  page: number;
  per_page: number;
  letters?: Record<string, number>;
  /** The query found nothing as typed: these are results for similar words (typo tolerance). */
  fuzzy?: boolean;
}

/** Why contacts look like one person (GET /lists/{id}/duplicates). */
export type DuplicateReason = 'email' | 'phone' | 'name';
export interface DuplicateCluster {
  ids: string[];
  reasons: DuplicateReason[];
}
export interface Duplicates {
  clusters: DuplicateCluster[];
  total: number;
}

/** POST /lists/{id}/contacts/{keep}/merge: `fields` names, per field, the contact whose value to keep. */
export interface MergeRequest {
  others: string[];
  fields: Record<string, string>;
}

export interface Group {
  id: string;
  name: string;
  member_count: number;
  created_at?: string;
  created_by?: Ref;
}

export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'interrupted';
export interface JobError {
  row: number;
  column: string;
  message: string;
}
export interface Job {
  id: string;
  kind: string;
  status: JobStatus;
  total: number;
  processed: number;
  imported: number;
  updated: number;
  skipped: number;
  errors: JobError[];
  /** Every row error, also those beyond the kept `errors` (at most 1,000). */
  error_count?: number;
  errors_truncated?: boolean;
  warnings?: string[];
  message?: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  created_by: Ref;
  last_used_at: string | null;
  /** Made before keys carried their own proof (issue 11): still works, but should be rotated. */
  legacy?: boolean;
}

export interface Items<T> {
  items: T[];
}

export function emptyContactFields(): ContactFields {
  return {
    full_name: '',
    given_name: '',
    family_name: '',
    job_title: '',
    email: '',
    mobile: '',
    phone: '',
    website: '',
    linkedin: '',
    facebook: '',
    x: '',
    company: '',
    department: '',
    address: { street: '', city: '', postal_code: '', state: '', country: '' },
    notes: '',
    groups: [],
  };
}

/** Picks the editable fields out of a contact (the server refuses unknown fields on write). */
export function editableFields(c: Partial<Contact>): ContactFields {
  const e = emptyContactFields();
  return {
    full_name: c.full_name ?? e.full_name,
    given_name: c.given_name ?? '',
    family_name: c.family_name ?? '',
    job_title: c.job_title ?? '',
    email: c.email ?? '',
    mobile: c.mobile ?? '',
    phone: c.phone ?? '',
    website: c.website ?? '',
    linkedin: c.linkedin ?? '',
    facebook: c.facebook ?? '',
    x: c.x ?? '',
    company: c.company ?? '',
    department: c.department ?? '',
    address: { ...e.address, ...(c.address ?? {}) },
    notes: c.notes ?? '',
    groups: [...(c.groups ?? [])],
  };
}

// Issue 13: change log, trash, history, undo (see notes/contract13 and DESIGN.md).
export type ChangeKind =
  | 'contact.created' | 'contact.updated' | 'contact.deleted' | 'contact.restored'
  | 'group.created' | 'group.updated' | 'group.deleted' | 'list.updated';

export interface Change {
  seq: number;
  kind: ChangeKind;
  /** The contact's, group's or list's id. */
  id: string;
  /** Display name of the changed thing at that moment. */
  name?: string;
  at: string;
  by: Ref;
}

export interface TrashedContact {
  id: string;
  full_name: string;
  deleted_at: string;
  deleted_by: Ref;
}

export interface TrashedList {
  id: string;
  name: string;
  deleted_at: string;
  deleted_by: Ref;
  contact_count: number;
}

export type HistoryAction = 'created' | 'updated' | 'deleted' | 'restored' | 'imported' | 'merged';
export type HistoryValue = string | string[] | Record<string, string> | null;

export interface HistoryEntry {
  version: number;
  at: string;
  by: Ref;
  action: HistoryAction;
  changes: Record<string, { from: HistoryValue; to: HistoryValue }>;
}

export interface ImportUndo {
  trashed: number;
  reverted: number;
  skipped: { id: string; full_name: string; reason: string }[];
}

/** An app password for CardDAV (issue 17), as listed: never the secret. */
export interface AppPassword {
  id: string;
  name: string;
  created_at: string;
}

/** A freshly made app password: `password` is shown once. */
export interface CreatedAppPassword extends AppPassword {
  password: string;
  /** The user name to sign in to /dav/ with (the UPN, else the user id). */
  username: string;
  dav_path: string;
}
