import { createContext, useCallback, useContext, useMemo, type ReactNode } from 'react';
import { Toast, ToastBody, ToastTitle, Toaster, useId, useToastController } from '@fluentui/react-components';
import { ApiError } from '../api/client';
import { useT } from '../i18n';

interface Notify {
  success: (title: string) => void;
  error: (e: unknown, title?: string) => void;
}
const Ctx = createContext<Notify | null>(null);

export function NotifyProvider({ children }: { children: ReactNode }) {
  const toasterId = useId('toaster');
  const { dispatchToast } = useToastController(toasterId);
  const t = useT();
  const success = useCallback(
    (title: string) =>
      dispatchToast(
        <Toast>
          <ToastTitle>{title}</ToastTitle>
        </Toast>,
        { intent: 'success', timeout: 3000 },
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
  const v = useMemo(() => ({ success, error }), [success, error]);
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
