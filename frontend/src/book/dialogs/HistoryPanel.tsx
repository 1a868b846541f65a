// The History tab of a contact: versions newest first, who and when, what changed field by field,
// and "Restore this version" (a revert, written as a new version, so it can itself be undone).
import { useEffect, useState } from 'react';
import {
  Body1, Button, Caption1, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, makeStyles, Spinner, Text, tokens,
} from '@fluentui/react-components';
import { api } from '../../api/client';
import type { Group, HistoryEntry, HistoryValue } from '../../api/types';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/core';
import { History20Regular } from '../../components/icons';

const useStyles = makeStyles({
  list: { listStyleType: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, maxHeight: '340px', overflowY: 'auto' },
  item: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, paddingBottom: tokens.spacingVerticalS, borderBottom: `1px solid ${tokens.colorNeutralStroke3}` },
  head: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, flexWrap: 'wrap' },
  grow: { flex: 1, minWidth: 0 },
  changes: { margin: 0, display: 'grid', gridTemplateColumns: 'minmax(100px, max-content) 1fr', gap: `2px ${tokens.spacingHorizontalM}` },
  dt: { color: tokens.colorNeutralForeground3 },
  dd: { margin: 0, overflowWrap: 'anywhere', whiteSpace: 'pre-wrap' },
  from: { textDecorationLine: 'line-through', color: tokens.colorNeutralForeground3 },
});

const ACTIONS = ['created', 'updated', 'deleted', 'restored', 'imported', 'merged'];
const FIELD_LABELS = new Set(['full_name', 'job_title', 'email', 'mobile', 'phone', 'website', 'linkedin', 'facebook', 'x', 'company', 'department',
  'address', 'address.street', 'address.city', 'address.postal_code', 'address.state', 'address.country', 'notes', 'groups']);

/** One value of a field as text: group ids as names, an address as one line. */
export function showValue(v: HistoryValue | undefined, groups: Group[]): string {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return v.map((id) => groups.find((g) => g.id === id)?.name ?? id).join(', ');
  if (typeof v === 'object') return ['street', 'postal_code', 'city', 'state', 'country'].map((k) => v[k]).filter(Boolean).join(', ');
  return String(v);
}

export function HistoryPanel({
  listId, contactId, currentVersion, groups, canRevert, onRevert,
}: {
  listId: string;
  contactId: string;
  /** Reloads the history when the contact changes (a save, a revert, someone else's change). */
  currentVersion: number;
  groups: Group[];
  canRevert: boolean;
  onRevert: (version: number) => Promise<void>;
}) {
  const s = useStyles();
  const { t, formatDate } = useI18n();
  const [items, setItems] = useState<HistoryEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    api.history(listId, contactId).then(
      (r) => live && setItems(r.items),
      (e: unknown) => live && setError(e instanceof Error ? e.message : String(e)),
    );
    return () => {
      live = false;
    };
  }, [listId, contactId, currentVersion]);

  if (error) return <Body1 role="alert">{t('history.loadFailed')} ({error})</Body1>;
  if (!items) return <Spinner size="small" label={t('app.loading')} />;
  if (items.length === 0) return <Body1>{t('history.empty')}</Body1>;

  const label = (f: string) => (FIELD_LABELS.has(f) ? t(`field.${f}` as MessageKey) : f);
  const action = (a: string) => (ACTIONS.includes(a) ? t(`history.${a}` as MessageKey) : a);
  return (
    <>
      <ol className={s.list} aria-label={t('contact.tabHistory')} data-testid="history">
        {items.map((h, i) => (
          <li key={h.version} className={s.item} data-version={h.version}>
            <div className={s.head}>
              <History20Regular aria-hidden />
              <span className={s.grow}>
                <Text weight="semibold">{action(h.action)}</Text>{' '}
                <Caption1>{t('history.byOn', { name: h.by?.name ?? '?', date: formatDate(h.at) })}</Caption1>
              </span>
              {i === 0 ? (
                <Caption1>{t('history.current')}</Caption1>
              ) : (
                canRevert && h.action !== 'deleted' && (
                  <Button size="small" onClick={() => setConfirm(h.version)} aria-label={t('history.restoreAria', { version: h.version, date: formatDate(h.at) })}>
                    {t('history.restore')}
                  </Button>
                )
              )}
            </div>
            {Object.keys(h.changes ?? {}).length > 0 && (
              <dl className={s.changes}>
                {Object.entries(h.changes).map(([f, c]) => (
                  <div key={f} style={{ display: 'contents' }}>
                    <dt className={s.dt}>{label(f)}</dt>
                    <dd className={s.dd}>
                      {showValue(c.from, groups) && (
                        <>
                          <span className={s.from}>{showValue(c.from, groups)}</span>
                          {' → '}
                        </>
                      )}
                      {showValue(c.to, groups) || t('history.emptied')}
                    </dd>
                  </div>
                ))}
              </dl>
            )}
          </li>
        ))}
      </ol>
      {confirm !== null && (
        <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && setConfirm(null)}>
          <DialogSurface>
            <DialogBody>
              <DialogTitle>{t('history.restoreTitle', { version: confirm })}</DialogTitle>
              <DialogContent>{t('history.restoreBody')}</DialogContent>
              <DialogActions>
                <Button onClick={() => setConfirm(null)}>{t('common.cancel')}</Button>
                <Button
                  appearance="primary"
                  disabled={busy}
                  onClick={() => {
                    setBusy(true);
                    onRevert(confirm).finally(() => {
                      setBusy(false);
                      setConfirm(null);
                    });
                  }}
                >
                  {t('history.restore')}
                </Button>
              </DialogActions>
            </DialogBody>
          </DialogSurface>
        </Dialog>
      )}
    </>
  );
}
