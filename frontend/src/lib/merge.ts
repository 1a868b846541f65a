// Three-way merge of a contact edited by two people at once (issue 13). The edit form keeps the
// version it started from (base); on 412 the current version (theirs) is fetched. Fields only they
// changed are taken from theirs, fields only I changed keep mine, and only fields we both changed,
// to different values, are left to decide. Groups merge as a set, one membership at a time: I add
// "Suppliers" while they remove "Customers" -> both happen, never a conflict.
import type { ContactFields } from '../api/types';
import { diffContacts, getField, type FieldKey } from './validation';

export const MERGE_FIELDS: FieldKey[] = [
  'full_name', 'given_name', 'family_name', 'job_title', 'email', 'mobile', 'phone', 'website', 'linkedin', 'facebook', 'x', 'company', 'department',
  'address.street', 'address.city', 'address.postal_code', 'address.state', 'address.country', 'notes', 'groups',
];

export interface MergeResult {
  /** Every field resolved; a conflicting field holds my value until a choice says otherwise. */
  merged: ContactFields;
  /** Fields we both changed to different values. */
  conflicts: FieldKey[];
  /** Fields taken from theirs (changed only by the other person). */
  fromTheirs: FieldKey[];
}

function setField(f: ContactFields, k: FieldKey, v: string | string[]): ContactFields {
  if (k === 'groups') return { ...f, groups: [...(v as string[])] };
  if (k.startsWith('address.')) return { ...f, address: { ...f.address, [k.slice(8)]: v as string } };
  return { ...f, [k]: v as string };
}

/** Set merge of group ids: each membership that one side changed follows that side. Keeps theirs' order, then mine's additions. */
export function mergeGroups(base: string[], mine: string[], theirs: string[]): string[] {
  const b = new Set(base);
  const m = new Set(mine);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const id of [...theirs, ...mine, ...base]) {
    if (seen.has(id)) continue;
    seen.add(id);
    const inTheirs = theirs.includes(id);
    // Mine changed this membership: mine wins (if both changed it, they agree: membership is a yes/no).
    const keep = m.has(id) !== b.has(id) ? m.has(id) : inTheirs;
    if (keep) out.push(id);
  }
  return out;
}

const same = (a: string | string[], b: string | string[]) => JSON.stringify(a) === JSON.stringify(b);

export function merge3(base: ContactFields, mine: ContactFields, theirs: ContactFields): MergeResult {
  let merged = theirs;
  const conflicts: FieldKey[] = [];
  const fromTheirs: FieldKey[] = [];
  for (const k of MERGE_FIELDS) {
    if (k === 'groups') {
      const g = mergeGroups(base.groups, mine.groups, theirs.groups);
      merged = setField(merged, k, g);
      if (!same([...g].sort(), [...mine.groups].sort())) fromTheirs.push(k);
      continue;
    }
    const b = getField(base, k);
    const m = getField(mine, k);
    const t = getField(theirs, k);
    if (same(m, b) || same(m, t)) {
      if (!same(m, t)) fromTheirs.push(k);
      merged = setField(merged, k, t);
    } else if (same(t, b)) {
      merged = setField(merged, k, m);
    } else {
      conflicts.push(k);
      merged = setField(merged, k, m);
    }
  }
  return { merged, conflicts, fromTheirs };
}

export type Choice = 'mine' | 'theirs';

/** Applies the decisions on the conflicting fields (a field not decided keeps mine). */
export function resolveMerge(result: MergeResult, theirs: ContactFields, choices: Partial<Record<FieldKey, Choice>>): ContactFields {
  let f = result.merged;
  for (const k of result.conflicts) if (choices[k] === 'theirs') f = setField(f, k, getField(theirs, k));
  return f;
}

/**
 * What a save sends: the base with only the fields the person edited (taken from `normalized`,
 * the trimmed form). An untouched field keeps the stored value byte for byte, so it never counts
 * as "my change" in a merge because of client-side normalisation.
 */
export function applyEdits(base: ContactFields, form: ContactFields, normalized: ContactFields): ContactFields {
  let out = base;
  for (const k of diffContacts(base, form)) out = setField(out, k, getField(normalized, k) as string | string[]);
  return out;
}

/** Does the form differ from where it started? (unsaved edits, for "Discard changes?") */
export function hasChanges(base: ContactFields, form: ContactFields): boolean {
  return diffContacts(base, form).length > 0;
}
