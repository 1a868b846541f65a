// The list's trash (people with the Delete right, and owners): who deleted what and when,
// Restore, and Purge for owners after a confirmation.
import { useCallback, useEffect, useState } from 'react';
import {
  Body1, Button, Caption1, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, makeStyles, Spinner,
  Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, tokens,
} from '@fluentui/react-components';
import { api } from '../../api/client';
import type { ContactList, TrashedContact } from '../../api/types';
import { ArrowUndo20Regular, Delete20Regular } from '../../components/icons';
import { DangerButton, EmptyState, VisuallyHidden } from '../../components/ui';
import { useNotify } from '../../app/notify';
import { useI18n } from '../../i18n';
import { LiteAvatar } from '../lite';

const useStyles = makeStyles({
  surface: { maxWidth: '760px', width: '100%' },
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM, minHeight: '240px' },
  scroll: { maxHeight: '420px', overflowY: 'auto' },
  who: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  actions: { display: 'flex', gap: tokens.spacingHorizontalXS, justifyContent: 'flex-end', flexWrap: 'wrap' },
});

export default function TrashDialog({ list, onClose, onRestored }: { list: ContactList; onClose: () => void; onRestored: () => void }) {
  const s = useStyles();
  const { t, formatDate } = useI18n();
  const notify = useNotify();
  const [items, setItems] = useState<TrashedContact[] | null>(null);
  const [purging, setPurging] = useState<TrashedContact | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(() => {
    api.trash(list.id).then((r) => setItems(r.items), (e) => {
      notify.error(e);
      setItems([]);
    });
  }, [list.id, notify]);
  useEffect(load, [load]);

  const restore = async (c: TrashedContact) => {
    setBusy(c.id);
    try {
      await api.restoreContact(list.id, c.id);
      setItems((xs) => xs?.filter((x) => x.id !== c.id) ?? null);
      notify.success(t('trash.restored', { name: c.full_name }));
      onRestored();
    } catch (e) {
      notify.error(e);
      load();
    } finally {
      setBusy(null);
    }
  };
  const purge = async (c: TrashedContact) => {
    setBusy(c.id);
    try {
      await api.purgeContact(list.id, c.id);
      setItems((xs) => xs?.filter((x) => x.id !== c.id) ?? null);
      notify.success(t('trash.purged', { name: c.full_name }));
    } catch (e) {
      notify.error(e);
      load();
    } finally {
      setBusy(null);
      setPurging(null);
    }
  };

  return (
    <>
      <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
        <DialogSurface className={s.surface} aria-label={t('trash.title')}>
          <DialogBody>
            <DialogTitle>{t('trash.title')}</DialogTitle>
            <DialogContent className={s.body}>
              <Body1>{t('trash.intro')}</Body1>
              {!items ? (
                <Spinner size="small" label={t('app.loading')} />
              ) : items.length === 0 ? (
                <EmptyState icon={<Delete20Regular />} title={t('trash.empty')} body={t('trash.emptyBody')} />
              ) : (
                <div className={s.scroll}>
                  <Table size="small" aria-label={t('trash.count', { count: items.length })} data-testid="trash-table">
                    <TableHeader>
                      <TableRow>
                        <TableHeaderCell>{t('common.name')}</TableHeaderCell>
                        <TableHeaderCell>
                          <VisuallyHidden>{t('book.actions')}</VisuallyHidden>
                        </TableHeaderCell>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {items.map((c) => (
                        <TableRow key={c.id} data-trash-id={c.id}>
                          <TableCell>
                            <span className={s.who}>
                              <LiteAvatar name={c.full_name} size={28} />
                              <span>
                                <Text weight="semibold">{c.full_name}</Text>
                                <br />
                                <Caption1>{t('trash.deletedBy', { name: c.deleted_by?.name ?? '?', date: formatDate(c.deleted_at) })}</Caption1>
                              </span>
                            </span>
                          </TableCell>
                          <TableCell>
                            <div className={s.actions}>
                              <Button
                                size="small"
                                icon={<ArrowUndo20Regular />}
                                disabled={busy === c.id}
                                aria-label={t('trash.restoreAria', { name: c.full_name })}
                                onClick={() => void restore(c)}
                              >
                                {t('trash.restore')}
                              </Button>
                              {list.rights.owner && (
                                <DangerButton
                                  size="small"
                                  disabled={busy === c.id}
                                  aria-label={t('trash.purgeAria', { name: c.full_name })}
                                  onClick={() => setPurging(c)}
                                >
                                  {t('trash.purge')}
                                </DangerButton>
                              )}
                            </div>
                          </TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </div>
              )}
            </DialogContent>
            <DialogActions>
              <Button appearance="primary" onClick={onClose}>{t('common.close')}</Button>
            </DialogActions>
          </DialogBody>
          {purging && (
            <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && setPurging(null)}>
              <DialogSurface>
                <DialogBody>
                  <DialogTitle>{t('trash.purgeTitle', { name: purging.full_name })}</DialogTitle>
                  <DialogContent>{t('trash.purgeBody')}</DialogContent>
                  <DialogActions>
                    <Button onClick={() => setPurging(null)}>{t('common.cancel')}</Button>
                    <DangerButton primary disabled={busy === purging.id} onClick={() => void purge(purging)}>{t('trash.purge')}</DangerButton>
                  </DialogActions>
                </DialogBody>
              </DialogSurface>
            </Dialog>
          )}
        </DialogSurface>
      </Dialog>
    </>
  );
}
