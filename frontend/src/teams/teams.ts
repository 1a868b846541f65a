// Detects whether the page runs inside Microsoft Teams and exposes its context.
// Standalone (no parent frame) is decided at once; in a frame, app.initialize() is raced
// against a short timeout because a non-Teams parent never answers.
import type { app as TeamsApp } from '@microsoft/teams-js';

export type TeamsContext = TeamsApp.Context;

export interface HostInfo {
  inTeams: boolean;
  context: TeamsContext | null;
}

export async function detectHost(timeoutMs = 3000): Promise<HostInfo> {
  if (typeof window === 'undefined' || window.self === window.top) return { inTeams: false, context: null };
  try {
    const teams = await import('@microsoft/teams-js');
    const ok = await Promise.race([
      teams.app.initialize().then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), timeoutMs)),
    ]);
    if (!ok) return { inTeams: false, context: null };
    const context = await teams.app.getContext();
    return { inTeams: true, context };
  } catch {
    return { inTeams: false, context: null };
  }
}

export async function onTeamsThemeChange(handler: (theme: string) => void): Promise<void> {
  const teams = await import('@microsoft/teams-js');
  teams.app.registerOnThemeChangeHandler(handler);
}

export async function notifyTeamsSuccess(): Promise<void> {
  const teams = await import('@microsoft/teams-js');
  try {
    teams.app.notifySuccess();
  } catch {
    /* older hosts */
  }
}
