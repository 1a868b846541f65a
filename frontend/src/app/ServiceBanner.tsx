// A non-blocking banner while the server is unreachable or cannot verify sign-ins: the page
// stays usable, nothing is signed out, and requests are retried (api/client).
import { useSyncExternalStore } from 'react';
import { makeStyles, MessageBar, MessageBarBody, Spinner, tokens } from '@fluentui/react-components';
import { onServiceStatus, serviceStatus } from '../api/status';
import { useT } from '../i18n';

const useStyles = makeStyles({
  bar: { flexShrink: 0, borderRadius: 0 },
  body: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
});

const subscribe = (l: () => void) => onServiceStatus(() => l());

export function ServiceBanner() {
  const s = useStyles();
  const t = useT();
  const status = useSyncExternalStore(subscribe, serviceStatus);
  return (
    // The live region exists before it is filled, so screen readers announce the change.
    <div role="status" aria-live="polite" data-testid="service-banner" data-status={status}>
      {status !== 'ok' && (
        <MessageBar intent="warning" className={s.bar}>
          <MessageBarBody className={s.body}>
            <Spinner size="extra-tiny" aria-hidden />
            {t(status === 'authUnavailable' ? 'service.authUnavailable' : status === 'busy' ? 'service.busy' : 'service.offline')}
          </MessageBarBody>
        </MessageBar>
      )}
    </div>
  );
}
