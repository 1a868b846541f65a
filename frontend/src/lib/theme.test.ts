import { describe, expect, it } from 'vitest';
import { themeForBrowser, themeForTeams } from './theme';

describe('theme mapping', () => {
  it('maps Teams themes', () => {
    expect(themeForTeams('default')).toBe('teamsLight');
    expect(themeForTeams('dark')).toBe('teamsDark');
    expect(themeForTeams('contrast')).toBe('teamsHighContrast');
    expect(themeForTeams('glass')).toBe('teamsLight');
    expect(themeForTeams(undefined)).toBe('teamsLight');
    expect(themeForTeams('')).toBe('teamsLight');
  });
  it('maps browser preference', () => {
    expect(themeForBrowser(true)).toBe('webDark');
    expect(themeForBrowser(false)).toBe('webLight');
  });
});
