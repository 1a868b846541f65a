// What keeps a failure from turning the app white: lazy chunks that retry (and reload cleanly
// after a deploy replaced them), and error boundaries with Retry around every route and dialog.
import { Component, createElement, type ComponentType, type ErrorInfo, type ReactNode } from 'react';
import {
  Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle,
} from '@fluentui/react-components';
import { EmptyState } from '../components/ui';
import { useT } from '../i18n';
import { importWithRetry } from './chunks';

/** Failed lazy chunks, forgotten when a boundary's Retry is pressed so the next render loads again. */
const failedChunks = new Set<() => void>();

export type Preloadable<P> = ComponentType<P> & { preload: () => Promise<void> };

/**
 * Like React.lazy, but a failed load is not cached forever: the error goes to the nearest
 * boundary once, and the boundary's Retry loads again. `preload()` fetches the chunk ahead of use.
 */
export function lazyRetry<P extends object>(load: () => Promise<{ default: ComponentType<P> }>): Preloadable<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<void> | null = null;
  let failed: unknown = null;
  const preload = () => {
    pending ??= importWithRetry(load).then(
      (m) => {
        loaded = m.default;
      },
      (e: unknown) => {
        failed = e;
        pending = null;
        failedChunks.add(reset);
      },
    );
    return pending ?? Promise.resolve();
  };
  const reset = () => {
    failed = null;
  };
  function Lazy(props: P) {
    if (loaded) return createElement(loaded, props);
    // Thrown on every render until Retry: React may render again after an error, and that
    // render must not quietly start another load behind a spinner.
    if (failed) throw failed;
    // Suspense waits for the chunk; the render after it settles takes one of the branches above.
    throw preload();
  }
  Lazy.preload = preload;
  return Lazy as Preloadable<P>;
}

/**
 * Preloads chunks once the page has been quiet for a moment after the first contacts are on
 * screen: compiling a chunk in the middle of the first searches made them measurably slower.
 */
export function preloadWhenIdle(...items: { preload: () => Promise<void> }[]): void {
  const run = () => items.forEach((i) => void i.preload().catch(() => undefined));
  const w = window as Window & { requestIdleCallback?: (cb: () => void, o?: { timeout: number }) => number };
  setTimeout(() => {
    if (w.requestIdleCallback) w.requestIdleCallback(run, { timeout: 5000 });
    else run();
  }, 2500);
}

interface BoundaryProps {
  children: ReactNode;
  fallback: (error: unknown, retry: () => void) => ReactNode;
}

/** Forgets failed chunk loads, so the next render tries them again. */
function forgetFailedChunks() {
  failedChunks.forEach((r) => r());
  failedChunks.clear();
}

export class ErrorBoundary extends Component<BoundaryProps, { error: unknown; attempt: number }> {
  state = { error: null as unknown, attempt: 0 };
  componentWillUnmount() {
    // Closed (a dialog, after its failure was shown) or left (a route): opening it again is a new
    // attempt, so chunks that failed are loaded again. Not on mount: a mount that suspends is
    // started over by React, which would retry without end.
    if (this.state.error) forgetFailedChunks();
  }
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error('contactpro: a view failed', error, info.componentStack);
  }
  retry = () => {
    forgetFailedChunks();
    this.setState((s) => ({ error: null, attempt: s.attempt + 1 }));
  };
  render() {
    if (this.state.error) return this.props.fallback(this.state.error, this.retry);
    // A new key after Retry remounts the subtree, so its state starts over.
    return <FragmentKey key={this.state.attempt}>{this.props.children}</FragmentKey>;
  }
}

function FragmentKey({ children }: { children: ReactNode }) {
  return <>{children}</>;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function RouteFallback({ error, retry }: { error: unknown; retry: () => void }) {
  const t = useT();
  return (
    <EmptyState title={t('resilience.pageFailed')} body={`${t('resilience.checkConnection')} (${message(error)})`}>
      <Button appearance="primary" onClick={retry}>{t('common.retry')}</Button>
      <Button onClick={() => window.location.reload()}>{t('resilience.reload')}</Button>
    </EmptyState>
  );
}

/** Around a route: a failure replaces the page with a message and Retry, never a white screen. */
export function RouteBoundary({ children }: { children: ReactNode }) {
  return <ErrorBoundary fallback={(error, retry) => <RouteFallback error={error} retry={retry} />}>{children}</ErrorBoundary>;
}

function DialogFallback({ error, retry, onClose }: { error: unknown; retry: () => void; onClose: () => void }) {
  const t = useT();
  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{t('resilience.dialogFailed')}</DialogTitle>
          <DialogContent>
            {t('resilience.checkConnection')} ({message(error)})
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>{t('common.close')}</Button>
            <Button onClick={() => window.location.reload()}>{t('resilience.reload')}</Button>
            <Button appearance="primary" onClick={retry}>{t('common.retry')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** Around a dialog: a failed load or render shows a small dialog with Retry; the page stays. */
export function DialogBoundary({ children, onClose }: { children: ReactNode; onClose: () => void }) {
  return (
    <ErrorBoundary fallback={(error, retry) => <DialogFallback error={error} retry={retry} onClose={onClose} />}>{children}</ErrorBoundary>
  );
}
