// Layout breakpoints. Phone: Teams mobile (360-430 px wide); tablet in between; desktop from 1024 px.
import { useSyncExternalStore } from 'react';

export const PHONE_QUERY = '(max-width: 600px)';

function subscribeTo(query: string) {
  return (l: () => void) => {
    const mq = window.matchMedia?.(query);
    mq?.addEventListener('change', l);
    return () => mq?.removeEventListener('change', l);
  };
}

const subscribers = new Map<string, (l: () => void) => () => void>();

export function useMedia(query: string): boolean {
  let sub = subscribers.get(query);
  if (!sub) {
    sub = subscribeTo(query);
    subscribers.set(query, sub);
  }
  return useSyncExternalStore(sub, () => window.matchMedia?.(query).matches ?? false);
}

export const useIsPhone = () => useMedia(PHONE_QUERY);
