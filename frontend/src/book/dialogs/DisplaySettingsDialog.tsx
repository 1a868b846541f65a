import { useState } from 'react';
import {
  Body1, Button, Checkbox, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, makeStyles, Radio,
  RadioGroup, tokens,
} from '@fluentui/react-components';
import { api } from '../../api/client';
import { ALL_VISIBLE_FIELDS, type ContactList, type DisplayMode, type ListSort, type VisibleField } from '../../api/types';
import { useNotify } from '../../app/notify';
import { useT } from '../../i18n';

const useStyles = makeStyles({ body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM } });

export default function DisplaySettingsDialog({ list, onClose, onSaved }: { list: ContactList; onClose: () => void; onSaved: (l: ContactList) => void }) {
  const s = useStyles();
  const t = useT();
  const notify = useNotify();
  const [fields, setFields] = useState<VisibleField[]>(list.visible_fields);
  const [mode, setMode] = useState<DisplayMode>(list.display_mode);
  const [sort, setSort] = useState<ListSort>(list.sort ?? 'full_name');
  const [busy, setBusy] = useState(false);
  const save = async () => {
    setBusy(true);
    try {
      const ordered = ALL_VISIBLE_FIELDS.filter((f) => fields.includes(f));
      onSaved(await api.patchList(list.id, { visible_fields: ordered, display_mode: mode, sort }));
      notify.success(t('common.saved'));
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
          <DialogTitle>{t('display.title')}</DialogTitle>
          <DialogContent className={s.body}>
            <Body1>{t('display.intro')}</Body1>
            <div role="group" aria-label={t('display.intro')}>
              {ALL_VISIBLE_FIELDS.map((f) => (
                <div key={f}>
                  <Checkbox
                    label={t(`field.${f}`)}
                    checked={fields.includes(f)}
                    onChange={(_, d) => setFields((prev) => (d.checked ? [...prev, f] : prev.filter((x) => x !== f)))}
                  />
                </div>
              ))}
            </div>
            <Field label={t('display.defaultMode')}>
              <RadioGroup value={mode} onChange={(_, d) => setMode(d.value as DisplayMode)} layout="horizontal">
                <Radio value="card" label={t('mode.card')} />
                <Radio value="list" label={t('mode.list')} />
                <Radio value="group" label={t('mode.group')} />
              </RadioGroup>
            </Field>
            <Checkbox
              label={t('display.sortByLastName')}
              checked={sort === 'family_name'}
              onChange={(_, d) => setSort(d.checked ? 'family_name' : 'full_name')}
            />
          </DialogContent>
          <DialogActions>
            <Button onClick={onClose}>{t('common.cancel')}</Button>
            <Button appearance="primary" onClick={() => void save()} disabled={busy}>{t('common.save')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
