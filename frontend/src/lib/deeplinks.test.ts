import { describe, expect, it } from 'vitest';
import { mailtoHref, planAction, planHref, safeHttpUrl, teamsCallLink, teamsChatLink, teamsMeetingLink, telHref, xUrl } from './deeplinks';

const base = { email: '', mobile: '', phone: '', website: '', linkedin: '', facebook: '', x: '', full_name: 'Clément Dupont' };

describe('deep links', () => {
  it('builds Teams chat/call/meeting links with UPNs and %20 spaces', () => {
    expect(teamsChatLink(['a@contoso.com'])).toBe('https://teams.microsoft.com/l/chat/0/0?users=a@contoso.com');
    expect(teamsCallLink(['a@contoso.com', 'b@contoso.com'])).toBe('https://teams.microsoft.com/l/call/0/0?users=a@contoso.com,b@contoso.com');
    expect(teamsMeetingLink('Project review', ['a@contoso.com'])).toBe(
      'https://teams.microsoft.com/l/meeting/new?subject=Project%20review&attendees=a@contoso.com',
    );
    expect(teamsMeetingLink('R&D + café', ['x@y.z'])).toContain('subject=R%26D%20%2B%20caf%C3%A9');
  });
  it('cleans phone numbers for tel:', () => {
    expect(telHref('+33 6 15 88-26 17')).toBe('tel:+33615882617');
    expect(telHref('(555) 123 4567 ext. 8')).toBe('tel:5551234567;ext=8');
    expect(telHref('+33 1 23 45 67 89 ext 1234')).toBe('tel:+33123456789;ext=1234');
    expect(telHref('*31#')).toBe('tel:*31#');
  });
  it('mailto', () => {
    expect(mailtoHref(' a@b.co ')).toBe('mailto:a@b.co');
  });
  it('accepts only http(s) URLs', () => {
    expect(safeHttpUrl('javascript:alert(1)')).toBeNull();
    expect(safeHttpUrl('data:text/html,hi')).toBeNull();
    expect(safeHttpUrl('https://contoso.com')).toBe('https://contoso.com/');
    expect(safeHttpUrl('')).toBeNull();
    expect(xUrl('@contoso')).toBe('https://x.com/contoso');
    expect(xUrl('https://x.com/contoso')).toBe('https://x.com/contoso');
  });
  it('plans chat: Teams by email, SMS fallback by phone, none otherwise', () => {
    expect(planAction('chat', { ...base, email: 'c@ext.com' }, { inTeams: true })).toEqual({
      kind: 'teams-chat', upn: 'c@ext.com', fallback: 'https://teams.microsoft.com/l/chat/0/0?users=c@ext.com',
    });
    expect(planAction('chat', { ...base, mobile: '06 15' }, { inTeams: false })).toEqual({ kind: 'link', href: 'sms:0615' });
    expect(planAction('chat', base, { inTeams: false })).toEqual({ kind: 'none' });
  });
  it('plans call: tel: for external contacts with a phone, Teams call by email otherwise', () => {
    expect(planAction('call', { ...base, phone: '+1 555', email: 'c@ext.com' }, { inTeams: true })).toEqual({ kind: 'link', href: 'tel:+1555' });
    expect(planHref(planAction('call', { ...base, email: 'c@ext.com' }, { inTeams: true }))).toBe('https://teams.microsoft.com/l/call/0/0?users=c@ext.com');
  });
  it('plans meeting with the contact name as subject', () => {
    const p = planAction('meeting', { ...base, email: 'c@ext.com' }, { inTeams: false });
    expect(planHref(p)).toBe('https://teams.microsoft.com/l/meeting/new?subject=Cl%C3%A9ment%20Dupont&attendees=c@ext.com');
  });
  it('refuses unsafe social links', () => {
    expect(planAction('linkedin', { ...base, linkedin: 'javascript:x' }, { inTeams: false })).toEqual({ kind: 'none' });
    expect(planAction('website', { ...base, website: 'http://a.b' }, { inTeams: false })).toEqual({ kind: 'link', href: 'http://a.b/' });
  });
});
