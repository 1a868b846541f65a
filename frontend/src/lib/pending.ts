// People who have not signed in yet (issue 17 follow-up): the server accepts `upn:name@domain` in a
// list's owners and members, lowercased; at that person's first sign-in it becomes their id.

const PREFIX = 'upn:';

/** True when the text looks like an e-mail address (one @, a dot in the domain, no spaces). */
export function looksLikeEmail(s: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s.trim());
}

/** The placeholder id for an e-mail address: `upn:` + the address, lowercased. */
export function pendingId(email: string): string {
  return PREFIX + email.trim().toLowerCase();
}

/** The e-mail of a placeholder id, or null for a real user id. */
export function pendingEmail(id: string): string | null {
  return id.startsWith(PREFIX) ? id.slice(PREFIX.length) : null;
}

/** Whether an e-mail address belongs to one of the users the search found. */
export function matchesKnownUser(email: string, users: { upn: string; email: string }[]): boolean {
  const e = email.trim().toLowerCase();
  return users.some((u) => u.upn.toLowerCase() === e || u.email.toLowerCase() === e);
}
