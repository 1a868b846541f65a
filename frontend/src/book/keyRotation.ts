// Rotating an API key made before keys carried their own proof (issue 11). The old key keeps
// working until its owner has put the new secret into their flows and confirms: a Power Automate
// flow must never break silently.
import { api } from '../api/client';
import type { ApiKey } from '../api/types';

export interface Rotation {
  old: ApiKey;
  fresh: ApiKey;
  /** Shown once; the server keeps only a MAC of it. */
  secret: string;
}

export function needsRotation(k: ApiKey): boolean {
  return k.legacy === true;
}

/** Step 1: a new key with the same name. The old one is left alone. */
export async function beginRotation(listId: string, old: ApiKey): Promise<Rotation> {
  const r = await api.createApiKey(listId, old.name);
  return { old, fresh: r.key, secret: r.secret };
}

/** Step 2, after the owner confirms the new secret is in place: revoke the old key. */
export async function finishRotation(listId: string, r: Rotation): Promise<void> {
  await api.deleteApiKey(listId, r.old.id);
}
