// Side by side merge of duplicates: one column per contact, which one to keep, and per field
// where they differ which value to keep (lib/dedupe: the kept contact's by default, else the
// first non-empty). Groups are united and notes kept together, as the server does. Asks once
// more before merging.
import { useMemo, useState } from 'react';
import {
  Body1, Button, Caption1, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, makeStyles, MessageBar,
  MessageBarBody, mergeClasses, Radio, Spinner, Text, tokens,
} from '@fluentui/react-components';
import type { Contact, Group } from '../../api/types';
import {
  conflictingFields, fieldValue, mergeDefaults, mergedNotes, mergeOrder, mergeRequest, PICK_FIELDS, unionGroups, type PickField,
} from '../../lib/dedupe';
import { useI18n } from '../../i18n';
import { LiteAvatar } from '../lite';

const useStyles = makeStyles({
  surface: { maxWidth: 'min(1100px, 96vw)', width: 'fit-content', minWidth: 'min(640px, 96vw)' },
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
  scroll: { overflowX: 'auto', maxHeight: '56vh', overflowY: 'auto' },
  grid: { display: 'flex', flexDirection: 'column', minWidth: 'max-content' },
  row: {
    display: 'grid', alignItems: 'start', columnGap: tokens.spacingHorizontalM, padding: `${tokens.spacingVerticalXS} 0`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke3}`, margin: 0, minWidth: 0,
  },
  label: { fontWeight: tokens.fontWeightSemibold, paddingTop: tokens.spacingVerticalXS, color: tokens.colorNeutralForeground2 },
  cell: { minWidth: 0, overflowWrap: 'anywhere', paddingTop: tokens.spacingVerticalXS },
  who: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  muted: { color: tokens.colorNeutralForeground3 },
  together: { gridColumn: '2 / -1', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', paddingTop: tokens.spacingVerticalXS },
  radio: { '& label': { overflowWrap: 'anywhere' } },
});

export function DuplicateMergeDialog({
  contacts, groups, busy, error, onMerge, onCancel,
}: {
  contacts: Contact[];
  groups: Group[];
  busy: boolean;
  error: string | null;
  onMerge: (keep: Contact, body: { others: string[]; fields: Record<string, string> }) => void;
  onCancel: () => void;
}) {
  const s = useStyles();
  const { t } = useI18n();
  const [keepId, setKeepId] = useState(contacts[0].id);
  // Only the values someone picked; everything else follows the kept contact (mergeDefaults).
  const [picked, setPicked] = useState<Partial<Record<PickField, string>>>({});
  const [confirming, setConfirming] = useState(false);
  const keep = contacts.find((c) => c.id === keepId) ?? contacts[0];
  const defaults = useMemo(() => mergeDefaults(contacts, keepId), [contacts, keepId]);
  const conflicts = useMemo(() => new Set(conflictingFields(contacts)), [contacts]);
  const choice = (f: PickField) => {
    const p = picked[f];
    return p && contacts.some((c) => c.id === p && fieldValue(c, f)) ? p : defaults[f];
  };
  const shownFields = PICK_FIELDS.filter((f) => contacts.some((c) => fieldValue(c, f)));
  const groupNames = unionGroups(contacts).map((id) => groups.find((g) => g.id === id)?.name ?? id);
  const notes = mergedNotes(contacts, keepId);
  const others = mergeOrder(contacts, keepId).slice(1);
  const columns = { gridTemplateColumns: `140px repeat(${contacts.length}, minmax(180px, 260px))` };
  const fieldLabel = (f: PickField) => t(`field.${f}` as 'field.full_name');

  return (
    <Dialog open modalType="modal" onOpenChange={(_, d) => !d.open && !busy && onCancel()}>
      <DialogSurface className={s.surface} aria-label={t('dup.mergeTitle', { count: contacts.length })}>
        <DialogBody>
          <DialogTitle>{t('dup.mergeTitle', { count: contacts.length })}</DialogTitle>
          <DialogContent className={s.body}>
            <Body1>{t('dup.mergeIntro')}</Body1>
            {error && (
              <MessageBar intent="error">
                <MessageBarBody>{error}</MessageBarBody>
              </MessageBar>
            )}
            <div className={s.scroll}>
              <div className={s.grid} data-testid="merge-grid">
                <div className={s.row} style={columns} role="radiogroup" aria-label={t('dup.keep')}>
                  <span className={s.label}>{t('dup.keep')}</span>
                  {contacts.map((c) => (
                    <span key={c.id} className={s.cell}>
                      <span className={s.who}>
                        <LiteAvatar name={c.full_name} size={28} />
                        <Radio
                          name="merge-keep"
                          value={c.id}
                          checked={keepId === c.id}
                          onChange={() => setKeepId(c.id)}
                          label={<Text weight="semibold">{c.full_name}</Text>}
                          aria-label={t('dup.keepAria', { name: c.full_name })}
                          data-keep={c.id}
                        />
                      </span>
                    </span>
                  ))}
                </div>
                {shownFields.map((f) =>
                  conflicts.has(f) ? (
                    <div key={f} className={s.row} style={columns} role="radiogroup" aria-label={fieldLabel(f)} data-field={f}>
                      <span className={s.label}>{fieldLabel(f)}</span>
                      {contacts.map((c) => {
                        const v = fieldValue(c, f);
                        return (
                          <span key={c.id} className={s.cell}>
                            {v ? (
                              <Radio
                                className={s.radio}
                                name={`merge-${f}`}
                                value={c.id}
                                checked={choice(f) === c.id}
                                onChange={() => setPicked((p) => ({ ...p, [f]: c.id }))}
                                label={v}
                                aria-label={t('dup.valueAria', { value: v, name: c.full_name })}
                              />
                            ) : (
                              <span className={s.muted} aria-hidden>{t('dup.empty')}</span>
                            )}
                          </span>
                        );
                      })}
                    </div>
                  ) : (
                    <div key={f} className={s.row} style={columns} data-field={f}>
                      <span className={s.label}>{fieldLabel(f)}</span>
                      {contacts.map((c) => (
                        <span key={c.id} className={mergeClasses(s.cell, !fieldValue(c, f) && s.muted)}>
                          {fieldValue(c, f) || t('dup.empty')}
                        </span>
                      ))}
                    </div>
                  ),
                )}
                {groupNames.length > 0 && (
                  <div className={s.row} style={columns} data-field="groups">
                    <span className={s.label}>{t('field.groups')}</span>
                    <span className={s.together}>
                      {groupNames.join(', ')}
                      <br />
                      <Caption1 className={s.muted}>{t('dup.groupsTogether')}</Caption1>
                    </span>
                  </div>
                )}
                {notes && (
                  <div className={s.row} style={columns} data-field="notes">
                    <span className={s.label}>{t('field.notes')}</span>
                    <span className={s.together}>
                      {notes}
                      <br />
                      <Caption1 className={s.muted}>{t('dup.notesTogether')}</Caption1>
                    </span>
                  </div>
                )}
              </div>
            </div>
          </DialogContent>
          <DialogActions>
            <Button onClick={onCancel} disabled={busy}>{t('common.cancel')}</Button>
            <Button appearance="primary" disabled={busy} icon={busy ? <Spinner size="tiny" /> : undefined} onClick={() => setConfirming(true)}>
              {t('dup.merge')}
            </Button>
          </DialogActions>
        </DialogBody>
        {confirming && (
          <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && !busy && setConfirming(false)}>
            <DialogSurface>
              <DialogBody>
                <DialogTitle>{t('dup.confirmTitle', { name: fieldValue(contacts.find((c) => c.id === choice('full_name')) ?? keep, 'full_name') || keep.full_name })}</DialogTitle>
                <DialogContent>{t('dup.confirmBody', { others: others.map((o) => o.full_name).join(', ') })}</DialogContent>
                <DialogActions>
                  <Button onClick={() => setConfirming(false)} disabled={busy}>{t('common.cancel')}</Button>
                  <Button
                    appearance="primary"
                    disabled={busy}
                    icon={busy ? <Spinner size="tiny" /> : undefined}
                    onClick={() => {
                      setConfirming(false);
                      onMerge(keep, mergeRequest(contacts, keepId, Object.fromEntries(PICK_FIELDS.map((f) => [f, choice(f)]))));
                    }}
                  >
                    {t('dup.confirm')}
                  </Button>
                </DialogActions>
              </DialogBody>
            </DialogSurface>
          </Dialog>
        )}
      </DialogSurface>
    </Dialog>
  );
}
