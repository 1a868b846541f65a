import { useState } from 'react';
import {
  Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, makeStyles, Radio, RadioGroup, Spinner, tokens,
} from '@fluentui/react-components';
import { api, downloadAuthenticated } from '../../api/client';
import { useNotify } from '../../app/notify';
import { useT } from '../../i18n';

const useStyles = makeStyles({ body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL } });
type Format = 'xlsx' | 'csv' | 'vcf';

export default function ExportDialog({ listId, q, group, onClose }: { listId: string; q: string; group: string; onClose: () => void }) {
  const s = useStyles();
  const t = useT();
  const notify = useNotify();
  const hasFilter = !!(q || group);
  const [format, setFormat] = useState<Format>('xlsx');
  const [scope, setScope] = useState<'all' | 'filtered'>(hasFilter ? 'filtered' : 'all');
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      const url = scope === 'filtered' ? api.exportUrl(listId, format, q, group) : api.exportUrl(listId, format);
      await downloadAuthenticated(url, `contacts.${format}`);
      notify.success(t('export.done'));
      onClose();
    } catch (e) {
      notify.error(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface>
        <DialogBody>
          <DialogTitle>{t('export.title')}</DialogTitle>
          <DialogContent className={s.body}>
            <Field label={t('export.format')}>
              <RadioGroup value={format} onChange={(_, d) => setFormat(d.value as Format)}>
                <Radio value="xlsx" label={t('export.xlsx')} />
                <Radio value="csv" label={t('export.csv')} />
                <Radio value="vcf" label={t('export.vcf')} />
              </RadioGroup>
            </Field>
            <Field label={t('export.scope')}>
              <RadioGroup value={scope} onChange={(_, d) => setScope(d.value as 'all' | 'filtered')}>
                <Radio value="all" label={t('export.all')} />
                <Radio value="filtered" label={t('export.filtered')} disabled={!hasFilter} />
              </RadioGroup>
            </Field>
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button appearance="primary" onClick={() => void run()} disabled={busy} icon={busy ? <Spinner size="tiny" /> : undefined}>
              {t('export.start')}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
