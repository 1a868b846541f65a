import { useEffect, useRef, useState } from 'react';
import {
  Body1, Button, Caption1, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, Field, makeStyles,
  MessageBar, MessageBarBody, MessageBarTitle, ProgressBar, Radio, RadioGroup, Table, TableBody, TableCell, TableHeader,
  TableHeaderCell, TableRow, tokens, mergeClasses,
} from '@fluentui/react-components';
import { api, downloadAuthenticated, saveBlob } from '../../api/client';
import type { ImportUndo, Job } from '../../api/types';
import { ArrowDownload20Regular, DocumentArrowUp20Regular } from '../../components/icons';
import { formatBytes, importContentType, toCsv } from '../../lib/csv';
import { useNotify } from '../../app/notify';
import { useT } from '../../i18n';

const useStyles = makeStyles({
  surface: { maxWidth: '680px', width: '100%' },
  body: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  drop: {
    display: 'flex', flexDirection: 'column', alignItems: 'center', gap: tokens.spacingVerticalS,
    padding: tokens.spacingVerticalXL, borderRadius: tokens.borderRadiusLarge,
    border: `2px dashed ${tokens.colorNeutralStroke1}`, backgroundColor: tokens.colorNeutralBackground2, textAlign: 'center',
  },
  dropActive: { border: `2px dashed ${tokens.colorBrandStroke1}`, backgroundColor: tokens.colorBrandBackground2 },
  icon: { width: '32px', height: '32px', color: tokens.colorBrandForeground1 },
  hidden: { display: 'none' },
  errors: { maxHeight: '240px', overflowY: 'auto' },
});

type Dup = 'skip' | 'update' | 'create';
const FIELD_KEYS = new Set(['full_name', 'job_title', 'email', 'mobile', 'phone', 'website', 'linkedin', 'facebook', 'x', 'company', 'department',
  'address.street', 'address.city', 'address.postal_code', 'address.state', 'address.country', 'notes', 'groups']);

export default function ImportDialog({ listId, onClose: close, onImported }: { listId: string; onClose: () => void; onImported: () => void }) {
  const s = useStyles();
  const t = useT();
  const notify = useNotify();
  const [file, setFile] = useState<File | null>(null);
  const [dup, setDup] = useState<Dup>('skip');
  const [job, setJob] = useState<Job | null>(null);
  const [over, setOver] = useState(false);
  const [busy, setBusy] = useState(false);
  const [undone, setUndone] = useState<ImportUndo | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  // Start and Cancel disappear once the job runs: the focus moves to Close, so it stays inside
  // the dialog (Escape closes it) instead of falling to the page.
  const closeRef = useRef<HTMLButtonElement>(null);
  const running = !!job;
  useEffect(() => {
    if (running) closeRef.current?.focus();
  }, [running]);
  // A server restart ends a running import as `interrupted`: its counts are what was saved.
  const finished = job && (job.status === 'succeeded' || job.status === 'failed' || job.status === 'interrupted');
  const failed = job?.status === 'failed' || job?.status === 'interrupted';
  const errorCount = job ? Math.max(job.error_count ?? 0, job.errors.length) : 0;

  // Poll the job about every 300 ms while it runs.
  useEffect(() => {
    if (!job || finished) return;
    const ctrl = new AbortController();
    const h = setTimeout(() => {
      api.job(job.id, ctrl.signal).then(setJob, (e) => notify.error(e));
    }, 300);
    return () => {
      clearTimeout(h);
      ctrl.abort();
    };
  }, [job, finished, notify]);

  useEffect(() => {
    if (finished) onImported();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [finished]);

  const start = async () => {
    if (!file) return;
    setBusy(true);
    try {
      setJob(await api.startImport(listId, file, importContentType(file.name, file.type), dup));
    } catch (e) {
      notify.error(e);
    } finally {
      setBusy(false);
    }
  };

  // Undo the whole import: what it created goes to the trash, what it updated gets its previous
  // version back, unless someone changed it since (then it is listed, untouched).
  const undo = async () => {
    if (!job) return;
    setBusy(true);
    try {
      setUndone(await api.undoImport(job.id));
      onImported();
    } catch (e) {
      notify.error(e, t('undo.failed'));
    } finally {
      setBusy(false);
    }
  };

  // Closed with a finished import not undone: the Undo stays offered in a toast for a while.
  const onClose = () => {
    close();
    if (!job || !finished || undone || job.status === 'failed' || job.imported + job.updated === 0) return;
    const jobId = job.id;
    notify.undoable(t('import.summary', { imported: job.imported, updated: job.updated, skipped: job.skipped }), async () => {
      const u = await api.undoImport(jobId);
      onImported();
      return `${t('undo.importDone')}: ${t('undo.importSummary', { trashed: u.trashed, reverted: u.reverted, skipped: u.skipped.length })}`;
    });
  };

  const downloadRejected = () => {
    if (!job) return;
    const rows: (string | number)[][] = [[t('import.row'), t('import.column'), t('import.reason')], ...job.errors.map((e) => [e.row, e.column, e.message])];
    saveBlob(new Blob([toCsv(rows)], { type: 'text/csv;charset=utf-8' }), 'rejected-rows.csv');
  };

  // The server names columns by field key (full_name, address.city) or by header text.
  const columnLabel = (c: string) => (FIELD_KEYS.has(c) ? t(`field.${c}` as 'field.full_name') : c);

  const progress = job && job.total > 0 ? Math.min(1, job.processed / job.total) : undefined;

  return (
    <Dialog open onOpenChange={(_, d) => !d.open && onClose()}>
      <DialogSurface className={s.surface}>
        <DialogBody>
          <DialogTitle>{t('import.title')}</DialogTitle>
          <DialogContent className={s.body}>
            {!job ? (
              <>
                <Body1>{t('import.intro')}</Body1>
                <div>
                  <Button
                    icon={<ArrowDownload20Regular />}
                    onClick={() => downloadAuthenticated(api.templateUrl(listId), 'contacts-template.xlsx').catch((e) => notify.error(e))}
                  >
                    {t('import.template')}
                  </Button>
                </div>
                <div
                  className={mergeClasses(s.drop, over && s.dropActive)}
                  aria-label={t('import.dropZone')}
                  role="group"
                  onDragOver={(e) => {
                    e.preventDefault();
                    setOver(true);
                  }}
                  onDragLeave={() => setOver(false)}
                  onDrop={(e) => {
                    e.preventDefault();
                    setOver(false);
                    const f = e.dataTransfer.files[0];
                    if (f) setFile(f);
                  }}
                >
                  <DocumentArrowUp20Regular className={s.icon} aria-hidden />
                  <input
                    ref={inputRef}
                    type="file"
                    className={s.hidden}
                    accept=".xlsx,.csv,.vcf,.vcard,text/csv,text/vcard,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                    onChange={(e) => setFile(e.target.files?.[0] ?? null)}
                    aria-label={t('import.choose')}
                    data-testid="import-file"
                  />
                  <Button appearance="primary" onClick={() => inputRef.current?.click()}>
                    {t('import.choose')}
                  </Button>
                  <Caption1>{t('import.drop')}</Caption1>
                  {file && <Body1 role="status">{t('import.selected', { name: file.name, size: formatBytes(file.size) })}</Body1>}
                </div>
                <Field label={t('import.duplicates')}>
                  <RadioGroup value={dup} onChange={(_, d) => setDup(d.value as Dup)}>
                    <Radio value="skip" label={t('import.dupSkip')} />
                    <Radio value="update" label={t('import.dupUpdate')} />
                    <Radio value="create" label={t('import.dupCreate')} />
                  </RadioGroup>
                </Field>
              </>
            ) : (
              <>
                <Field
                  label={finished ? file?.name : job.status === 'queued' ? t('import.queued') : file?.name}
                  validationMessage={t('import.progress', { processed: job.processed, total: job.total })}
                  validationState="none"
                >
                  <ProgressBar
                    value={finished ? 1 : progress}
                    max={1}
                    thickness="large"
                    color={failed ? 'error' : finished ? 'success' : 'brand'}
                    aria-label={t('import.title')}
                    data-testid="import-progress"
                    data-status={job.status}
                  />
                </Field>
                {finished && (
                  <MessageBar intent={failed ? 'error' : job.errors.length ? 'warning' : 'success'} data-testid="import-summary">
                    <MessageBarBody>
                      <MessageBarTitle>
                        {job.status === 'interrupted' ? t('import.interrupted') : failed ? t('import.failed') : t('import.done')}
                      </MessageBarTitle>
                      {job.message ?? t('import.summary', { imported: job.imported, updated: job.updated, skipped: job.skipped })}
                      {!job.message && job.skipped > 0 && dup === 'skip' && <> {t('import.skippedWhy')}</>}
                    </MessageBarBody>
                  </MessageBar>
                )}
                {undone && (
                  <MessageBar intent={undone.skipped.length ? 'warning' : 'success'} data-testid="import-undone" layout="multiline">
                    <MessageBarBody>
                      <MessageBarTitle>{t('undo.importDone')}</MessageBarTitle>
                      {t('undo.importSummary', { trashed: undone.trashed, reverted: undone.reverted, skipped: undone.skipped.length })}
                      {undone.skipped.length > 0 && (
                        <>
                          <br />
                          {t('undo.importSkipped')} {undone.skipped.slice(0, 20).map((x) => x.full_name).join(', ')}
                          {undone.skipped.length > 20 ? '…' : ''}
                        </>
                      )}
                    </MessageBarBody>
                  </MessageBar>
                )}
                {finished && job.warnings && job.warnings.length > 0 && (
                  <MessageBar intent="info">
                    <MessageBarBody>
                      <MessageBarTitle>{t('import.warnings')}</MessageBarTitle>
                      {job.warnings.join(' · ')}
                    </MessageBarBody>
                  </MessageBar>
                )}
                {finished && job.errors.length > 0 && (
                  <>
                    <Body1>
                      {errorCount === 1 ? t('import.rejectedOne') : t('import.rejected', { count: errorCount })}
                      {job.errors_truncated && <> {t('import.firstErrors', { count: job.errors.length })}</>}
                    </Body1>
                    <div className={s.errors}>
                      <Table size="small" aria-label={t('import.rejected', { count: job.errors.length })}>
                        <TableHeader>
                          <TableRow>
                            <TableHeaderCell>{t('import.row')}</TableHeaderCell>
                            <TableHeaderCell>{t('import.column')}</TableHeaderCell>
                            <TableHeaderCell>{t('import.reason')}</TableHeaderCell>
                          </TableRow>
                        </TableHeader>
                        <TableBody>
                          {job.errors.slice(0, 500).map((e, i) => (
                            <TableRow key={i}>
                              <TableCell>{e.row}</TableCell>
                              <TableCell>{columnLabel(e.column)}</TableCell>
                              <TableCell>{e.message}</TableCell>
                            </TableRow>
                          ))}
                        </TableBody>
                      </Table>
                    </div>
                    <div>
                      <Button icon={<ArrowDownload20Regular />} onClick={downloadRejected}>
                        {t('import.downloadRejected')}
                      </Button>
                    </div>
                  </>
                )}
              </>
            )}
          </DialogContent>
          <DialogActions>
            {!job ? (
              <>
                <Button onClick={onClose}>{t('common.cancel')}</Button>
                <Button appearance="primary" disabled={!file || busy} onClick={() => void start()}>
                  {t('import.start')}
                </Button>
              </>
            ) : (
              <>
                {finished && !undone && job.status !== 'failed' && job.imported + job.updated > 0 && (
                  <Button onClick={() => void undo()} disabled={busy} data-testid="undo-import">
                    {t('undo.import')}
                  </Button>
                )}
                {finished && (
                  <Button
                    onClick={() => {
                      setJob(null);
                      setFile(null);
                      setUndone(null);
                    }}
                  >
                    {t('import.another')}
                  </Button>
                )}
                <Button appearance="primary" onClick={onClose} ref={closeRef}>
                  {t('common.close')}
                </Button>
              </>
            )}
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
