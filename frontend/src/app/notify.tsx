import { createContext, useCallback, useContext, useEffect, useMemo, useRef, type ReactNode } from 'react';
import { Link, Toast, ToastBody, ToastTitle, Toaster, useId, useToastController } from '@fluentui/react-components';
import { ApiError } from '../api/client';
import { useT } from '../i18n';

interface Notify {
  success: (title: string, body?: string) => void;
  error: (e: unknown, title?: string) => void;
  /**
   * A success with an Undo button (issue 13: nothing is lost by a click). `undo` does the work and
   * returns what to say when it is done; a failure is shown as an error. Returns a function that
   * withdraws the toast (the same Undo was done elsewhere).
   */
  undoable: (title: string, undo: () => Promise<string>) => () => void;
  /** A short, polite note (someone else's change), no intent colour. */
  info: (title: string) => void;
}

/** How long an Undo stays offered (paused while hovered or when the window is in the background). */
export const UNDO_TIMEOUT_MS = 10_000;
const Ctx = createContext<Notify | null>(null);

export function NotifyProvider({ children }: { children: ReactNode }) {
  const toasterId = useId('toaster');
  const { dispatchToast, dismissToast } = useToastController(toasterId);
  const t = useT();
  const success = useCallback(
    (title: string, body?: string) =>
      dispatchToast(
        <Toast>
          <ToastTitle>{title}</ToastTitle>
          {body && <ToastBody>{body}</ToastBody>}
        </Toast>,
        { intent: 'success', timeout: body ? 6000 : 3000 },
      ),
    [dispatchToast],
  );
  const info = useCallback(
    (title: string) =>
      dispatchToast(
        <Toast data-testid="live-notice">
          <ToastTitle>{title}</ToastTitle>
        </Toast>,
        { intent: 'info', timeout: 4000, politeness: 'polite' },
      ),
    [dispatchToast],
  );
  const error = useCallback(
    (e: unknown, title?: string) => {
      if (e instanceof DOMException && e.name === 'AbortError') return;
      const msg = e instanceof ApiError ? e.message : e instanceof Error ? e.message : String(e);
      dispatchToast(
        <Toast>
          <ToastTitle>{title ?? t('common.error')}</ToastTitle>
          <ToastBody>{msg}</ToastBody>
        </Toast>,
        { intent: 'error', timeout: 7000 },
      );
    },
    [dispatchToast, t],
  );
  // Ctrl+Z (⌘Z) runs the Undo on screen, when the keys are not editing a text field or a dialog.
  const lastUndo = useRef<(() => void) | null>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || e.shiftKey || e.altKey || e.key.toLowerCase() !== 'z' || e.defaultPrevented) return;
      const el = e.target as HTMLElement | null;
      if (el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName))) return;
      if (document.querySelector('[role="dialog"], [role="alertdialog"]') || !lastUndo.current) return;
      e.preventDefault();
      lastUndo.current();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  const undoable = useCallback(
    (title: string, undo: () => Promise<string>) => {
      const toastId = `undo-${Math.random().toString(36).slice(2)}`;
      let started = false;
      const run = () => {
        if (started) return;
        started = true;
        if (lastUndo.current === run) lastUndo.current = null;
        dismissToast(toastId);
        undo().then((msg) => success(msg), (e: unknown) => error(e, t('undo.failed')));
      };
      dispatchToast(
        <Toast data-testid="undo-toast">
          <ToastTitle
            action={
              <Link as="button" onClick={run} data-testid="undo">
                {t('undo.action')}
              </Link>
            }
          >
            {title}
          </ToastTitle>
        </Toast>,
        {
          intent: 'success', timeout: UNDO_TIMEOUT_MS, toastId,
          onStatusChange: (_, d) => {
            if (d.status === 'dismissed' && lastUndo.current === run) lastUndo.current = null;
          },
        },
      );
      lastUndo.current = run;
      return () => {
        started = true;
        if (lastUndo.current === run) lastUndo.current = null;
        dismissToast(toastId);
      };
    },
    [dispatchToast, dismissToast, success, error, t],
  );
  const v = useMemo(() => ({ success, error, undoable, info }), [success, error, undoable, info]);
  return (
    <Ctx.Provider value={v}>
      {children}
      <Toaster toasterId={toasterId} position="bottom-end" pauseOnHover pauseOnWindowBlur />
    </Ctx.Provider>
  );
}

export function useNotify(): Notify {
  const v = useContext(Ctx);
  if (!v) throw new Error('NotifyProvider missing');
  return v;
}
