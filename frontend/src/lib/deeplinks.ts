// How each contact action is carried out: inside Teams through teams-js (when the
// capability is supported) or an app.openLink deep link, outside Teams as a plain link.
// Contacts are usually external people: chat/call need a Teams identity (UPN, here the
// contact's email); without one we fall back to mailto:/tel:.

export type ActionKind = 'chat' | 'call' | 'email' | 'meeting' | 'website' | 'linkedin' | 'facebook' | 'x';

export interface ActionTarget {
  email: string;
  mobile: string;
  phone: string;
  website: string;
  linkedin: string;
  facebook: string;
  x: string;
  full_name: string;
}

/** Percent-encodes for a Teams deep link (spaces as %20, never '+'). */
export function encodeTeams(s: string): string {
  return encodeURIComponent(s).replace(/%2C/gi, ',').replace(/%40/g, '@');
}

export function teamsChatLink(upns: string[], message?: string): string {
  let url = `https://teams.microsoft.com/l/chat/0/0?users=${upns.map(encodeTeams).join(',')}`;
  if (message) url += `&message=${encodeTeams(message)}`;
  return url;
}

export function teamsCallLink(upns: string[]): string {
  return `https://teams.microsoft.com/l/call/0/0?users=${upns.map(encodeTeams).join(',')}`;
}

export function teamsMeetingLink(subject: string, attendees: string[]): string {
  return `https://teams.microsoft.com/l/meeting/new?subject=${encodeTeams(subject)}&attendees=${attendees.map(encodeTeams).join(',')}`;
}

/** "+33 1 23 45 67 89 ext 12" -> the number and "12". */
export function splitExtension(phone: string): { main: string; ext: string } {
  const m = /^(.*\d.*?)\s*(?:\bext\b\.?|\bextension\b|\bposte\b|x)\s*(\d+)\s*$/i.exec(phone.trim());
  return m ? { main: m[1], ext: m[2] } : { main: phone, ext: '' };
}

/** Keeps only characters meaningful in a tel: URI; an extension becomes ";ext=" (RFC 3966). */
export function telHref(phone: string): string {
  const { main, ext } = splitExtension(phone);
  const cleaned = main.trim().replace(/[^\d+*#,;]/g, '');
  return `tel:${cleaned}${ext ? `;ext=${ext}` : ''}`;
}

export function mailtoHref(email: string, subject?: string): string {
  return `mailto:${email.trim()}${subject ? `?subject=${encodeTeams(subject)}` : ''}`;
}

/** Only http(s) URLs are ever turned into links (never javascript: or data:). */
export function safeHttpUrl(url: string): string | null {
  const t = url.trim();
  if (!t) return null;
  try {
    const u = new URL(t);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.toString() : null;
  } catch {
    return null;
  }
}

/** X handles ("@name") become profile URLs. */
export function xUrl(x: string): string | null {
  const t = x.trim();
  if (/^@?[A-Za-z0-9_]{1,15}$/.test(t)) return `https://x.com/${t.replace(/^@/, '')}`;
  return safeHttpUrl(t);
}

export function primaryPhone(c: Pick<ActionTarget, 'mobile' | 'phone'>): string {
  return c.mobile.trim() || c.phone.trim();
}

export type ActionPlan =
  | { kind: 'teams-chat'; upn: string; fallback: string }
  | { kind: 'teams-call'; upn: string; fallback: string }
  | { kind: 'teams-meeting'; attendees: string[]; subject: string; fallback: string }
  | { kind: 'link'; href: string }
  | { kind: 'none' };

/**
 * Decides what an action does for a contact.
 * `teamsIdentity` = the contact has a Teams account we can address by UPN (its email);
 * external contacts chat by email and call by phone.
 */
export function planAction(action: ActionKind, c: ActionTarget, opts: { inTeams: boolean; meetingSubject?: string }): ActionPlan {
  const email = c.email.trim();
  const phone = primaryPhone(c);
  switch (action) {
    case 'chat':
      if (email) return { kind: 'teams-chat', upn: email, fallback: opts.inTeams ? teamsChatLink([email]) : teamsChatLink([email]) };
      if (phone) return { kind: 'link', href: `sms:${telHref(phone).slice(4)}` };
      return { kind: 'none' };
    case 'call':
      if (phone) return { kind: 'link', href: telHref(phone) };
      if (email) return { kind: 'teams-call', upn: email, fallback: teamsCallLink([email]) };
      return { kind: 'none' };
    case 'email':
      return email ? { kind: 'link', href: mailtoHref(email) } : { kind: 'none' };
    case 'meeting': {
      if (!email) return { kind: 'none' };
      const subject = opts.meetingSubject ?? c.full_name;
      return { kind: 'teams-meeting', attendees: [email], subject, fallback: teamsMeetingLink(subject, [email]) };
    }
    case 'website': {
      const u = safeHttpUrl(c.website);
      return u ? { kind: 'link', href: u } : { kind: 'none' };
    }
    case 'linkedin': {
      const u = safeHttpUrl(c.linkedin);
      return u ? { kind: 'link', href: u } : { kind: 'none' };
    }
    case 'facebook': {
      const u = safeHttpUrl(c.facebook);
      return u ? { kind: 'link', href: u } : { kind: 'none' };
    }
    case 'x': {
      const u = xUrl(c.x);
      return u ? { kind: 'link', href: u } : { kind: 'none' };
    }
  }
}

/** The href a plain link (outside Teams, or as a fallback) uses for a plan. */
export function planHref(plan: ActionPlan): string | null {
  switch (plan.kind) {
    case 'link':
      return plan.href;
    case 'teams-chat':
    case 'teams-call':
    case 'teams-meeting':
      return plan.fallback;
    default:
      return null;
  }
}

/** The web address of one contact: opening it opens the list with the contact's card. */
export function contactUrl(listId: string, contactId: string, origin = window.location.origin): string {
  return `${origin}/lists/${encodeURIComponent(listId)}/contacts/${encodeURIComponent(contactId)}`;
}
