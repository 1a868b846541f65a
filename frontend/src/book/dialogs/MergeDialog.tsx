// Two people saved the same contact: everything that merged by itself is already merged (see
// lib/merge); this asks only about the fields we both changed to different values.
import { useState } from 'react';
import {
  Body1, Button, Caption1, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, makeStyles, Radio,
  RadioGroup, tokens,
} from '@fluentui/react-components';
import type { Contact, ContactFields, Group } from '../../api/types';
import { getField, type FieldKey } from '../../lib/validation';
import type { Choice } from '../../lib/merge';
import { useI18n } from '../../i18n';
import type { MessageKey } from '../../i18n/core';

const useStyles = makeStyles({
  surface: { maxWidth: '640px', width: '100%' },
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  value: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' },
});

export function MergeDialog({
  conflicts, fromTheirs, mine, theirs, groups, busy, onSave, onCancel,
}: {
  conflicts: FieldKey[];
  fromTheirs: FieldKey[];
  mine: ContactFields;
  theirs: Contact;
  groups: Group[];
  busy: boolean;
  onSave: (choices: Partial<Record<FieldKey, Choice>>) => void;
  onCancel: () => void;
}) {
  const s = useStyles();
  const { t, formatDate } = useI18n();
  const [choices, setChoices] = useState<Partial<Record<FieldKey, Choice>>>({});
  const who = theirs.updated_by?.name ?? '?';
  const show = (f: ContactFields, k: FieldKey) => {
    const v = getField(f, k);
    const text = Array.isArray(v) ? v.map((id) => groups.find((g) => g.id === id)?.name ?? id).join(', ') : v;
    return text || t('merge.emptyValue');
  };
  const label = (k: FieldKey) => t(`field.${k}` as MessageKey);
  return (
    <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && onCancel()}>
      <DialogSurface className={s.surface} aria-label={t('merge.title')}>
        <DialogBody>
          <DialogTitle>{t('merge.title')}</DialogTitle>
          <DialogContent className={s.body}>
            <Body1>{t('merge.body', { name: who, date: formatDate(theirs.updated_at) })}</Body1>
            {fromTheirs.length > 0 && (
              <Caption1>{t('merge.kept', { name: who, fields: fromTheirs.map(label).join(', ') })}</Caption1>
            )}
            {conflicts.map((k) => (
              <Field key={k} label={label(k)}>
                <RadioGroup
                  value={choices[k] ?? 'mine'}
                  onChange={(_, d) => setChoices((c) => ({ ...c, [k]: d.value as Choice }))}
                  data-field={k}
                >
                  <Radio value="mine" label={<span className={s.value}>{t('merge.mine', { value: show(mine, k) })}</span>} />
                  <Radio value="theirs" label={<span className={s.value}>{t('merge.theirs', { name: who, value: show(theirs, k) })}</span>} />
                </RadioGroup>
              </Field>
            ))}
          </DialogContent>
          <DialogActions>
            <Button onClick={onCancel} disabled={busy}>{t('merge.back')}</Button>
            <Button appearance="primary" onClick={() => onSave(choices)} disabled={busy}>{t('common.save')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}

/** "Discard changes?" before Escape or Cancel throws away unsaved edits. */
export function DiscardDialog({ onDiscard, onKeep }: { onDiscard: () => void; onKeep: () => void }) {
  const { t } = useI18n();
  return (
    <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && onKeep()}>
      <DialogSurface aria-label={t('discard.title')}>
        <DialogBody>
          <DialogTitle>{t('discard.title')}</DialogTitle>
          <DialogContent>{t('discard.body')}</DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={onKeep}>{t('discard.keep')}</Button>
            <Button onClick={onDiscard}>{t('discard.discard')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
