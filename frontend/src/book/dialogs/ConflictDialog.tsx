import {
  Body1, Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, makeStyles, Table, TableBody,
  TableCell, TableHeader, TableHeaderCell, TableRow, tokens,
} from '@fluentui/react-components';
import { editableFields, type Contact, type ContactFields, type Group } from '../../api/types';
import { diffContacts, getField, type FieldKey } from '../../lib/validation';
import { useI18n } from '../../i18n';

const useStyles = makeStyles({
  surface: { maxWidth: '760px', width: '100%' },
  theirs: { backgroundColor: tokens.colorPaletteYellowBackground1 },
  cell: { whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', verticalAlign: 'top' },
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM },
});

export function ConflictDialog({
  mine, theirs, groups, onReload, onOverwrite, onCancel, busy,
}: { mine: ContactFields; theirs: Contact; groups: Group[]; onReload: () => void; onOverwrite: () => void; onCancel: () => void; busy: boolean }) {
  const s = useStyles();
  const { t, formatDate } = useI18n();
  const theirFields = editableFields(theirs);
  const diff = diffContacts(theirFields, mine);
  const show = (f: ContactFields, k: FieldKey) => {
    const v = getField(f, k);
    return Array.isArray(v) ? v.map((id) => groups.find((g) => g.id === id)?.name ?? id).join(', ') : v;
  };
  return (
    <Dialog open modalType="alert" onOpenChange={(_, d) => !d.open && onCancel()}>
      <DialogSurface className={s.surface}>
        <DialogBody>
          <DialogTitle>{t('conflict.title')}</DialogTitle>
          <DialogContent className={s.body}>
            <Body1>{t('conflict.body', { name: theirs.updated_by?.name ?? '?', date: formatDate(theirs.updated_at) })}</Body1>
            <Table size="small" aria-label={t('conflict.title')}>
              <TableHeader>
                <TableRow>
                  <TableHeaderCell>{t('conflict.field')}</TableHeaderCell>
                  <TableHeaderCell>{t('conflict.theirs')}</TableHeaderCell>
                  <TableHeaderCell>{t('conflict.mine')}</TableHeaderCell>
                </TableRow>
              </TableHeader>
              <TableBody>
                {diff.map((k) => (
                  <TableRow key={k}>
                    <TableCell>{t(`field.${k}` as 'field.full_name')}</TableCell>
                    <TableCell className={`${s.cell} ${s.theirs}`}>{show(theirFields, k) || t('contact.empty')}</TableCell>
                    <TableCell className={s.cell}>{show(mine, k) || t('contact.empty')}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </DialogContent>
          <DialogActions>
            <Button onClick={onReload} disabled={busy}>{t('conflict.reload')}</Button>
            <Button appearance="primary" onClick={onOverwrite} disabled={busy}>{t('conflict.overwrite')}</Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
