export type ThemeName = 'teamsLight' | 'teamsDark' | 'teamsHighContrast' | 'webLight' | 'webDark';

/** Teams' app.theme -> Fluent theme (TEAMS.md): default->light, dark->dark, contrast->high contrast, else light. */
export function themeForTeams(teamsTheme: string | undefined | null): ThemeName {
  switch (teamsTheme) {
    case 'dark':
      return 'teamsDark';
    case 'contrast':
      return 'teamsHighContrast';
    default:
      return 'teamsLight';
  }
}

/** Standalone: follow the browser's prefers-color-scheme. */
export function themeForBrowser(prefersDark: boolean): ThemeName {
  return prefersDark ? 'webDark' : 'webLight';
}
