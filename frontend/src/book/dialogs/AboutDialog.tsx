import { useEffect, useState } from 'react';
import {
  Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, makeStyles, Spinner, Text, tokens,
} from '@fluentui/react-components';
import { api } from '../../api/client';
import type { About, ContactList } from '../../api/types';
import { CopyButton } from '../../components/ui';
import { useI18n } from '../../i18n';
import { useNotify } from '../../app/notify';

const useStyles = makeStyles({
  dl: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`, alignItems: 'center', margin: 0 },
  dt: { color: tokens.colorNeutralForeground3 },
  dd: { margin: 0, display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalXS, overflowWrap: 'anywhere' },
  mono: { fontFamily: tokens.fontFamilyMonospace },
});

export default function AboutDialog({ listId, list, onClose }: { listId: string; list: ContactList; onClose: () => void }) {
  const s = useStyles();
  const { t, formatDate } = useI18n();
  const notify = useNotify();
  const [about, setAbout] = useState<About | null>(null);
  useEffect(() => {
    api.about(listId).then(setAbout, (e) => notify.error(e));
  }, [listId, notify]);
  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{t('about.title')}</DialogTitle>
          <DialogContent>
            {!about ? (
              <Spinner size="small" />
            ) : (
              <dl className={s.dl}>
                <dt className={s.dt}>{t('about.list')}</dt>
                <dd className={s.dd}>{list.name}</dd>
                <dt className={s.dt}>{t('about.version')}</dt>
                <dd className={s.dd}>{about.version}</dd>
                <dt className={s.dt}>{t('about.id')}</dt>
                <dd className={s.dd}>
                  <Text className={s.mono} data-testid="list-id">{about.id}</Text>
                  <CopyButton text={about.id} label={t('about.copyId')} />
                </dd>
                <dt className={s.dt}>{t('about.createdBy')}</dt>
                <dd className={s.dd}>
                  {about.created_by.name} · {formatDate(list.created_at)}
                </dd>
              </dl>
            )}
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={onClose}>{t('common.close')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
