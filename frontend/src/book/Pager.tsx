import { memo } from 'react';
import { Button, Caption1, Dropdown, makeStyles, Option, tokens } from '@fluentui/react-components';
import { ChevronDoubleLeft20Regular, ChevronDoubleRight20Regular, ChevronLeft20Regular, ChevronRight20Regular } from '../components/icons';
import { pageCount, PAGE_SIZES } from '../lib/querystate';
import { useT } from '../i18n';

const useStyles = makeStyles({
  bar: {
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalL}`,
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
    flexWrap: 'wrap',
  },
  spacer: { flex: 1 },
  dd: { minWidth: '80px' },
});

export const Pager = memo(function Pager({
  total, page, perPage, onPage, onPerPage,
}: { total: number; page: number; perPage: number; onPage: (p: number) => void; onPerPage: (n: number) => void }) {
  const s = useStyles();
  const t = useT();
  const pages = pageCount(total, perPage);
  const from = total === 0 ? 0 : (page - 1) * perPage + 1;
  const to = Math.min(total, page * perPage);
  return (
    <nav className={s.bar} aria-label={t('pager.label')}>
      <Caption1 aria-live="polite">{t('pager.status', { from, to, total })}</Caption1>
      <div className={s.spacer} />
      <Caption1 id="per-page-label">{t('pager.perPage')}</Caption1>
      <Dropdown
        className={s.dd}
        size="small"
        aria-labelledby="per-page-label"
        value={String(perPage)}
        selectedOptions={[String(perPage)]}
        onOptionSelect={(_, d) => onPerPage(Number(d.optionValue))}
      >
        {PAGE_SIZES.map((n) => (
          <Option key={n} value={String(n)}>
            {String(n)}
          </Option>
        ))}
      </Dropdown>
      <Button size="small" appearance="subtle" icon={<ChevronDoubleLeft20Regular />} aria-label={t('pager.first')} disabled={page <= 1} onClick={() => onPage(1)} />
      <Button size="small" appearance="subtle" icon={<ChevronLeft20Regular />} aria-label={t('pager.prev')} disabled={page <= 1} onClick={() => onPage(page - 1)} />
      <Caption1>{t('pager.pageOf', { page, pages })}</Caption1>
      <Button size="small" appearance="subtle" icon={<ChevronRight20Regular />} aria-label={t('pager.next')} disabled={page >= pages} onClick={() => onPage(page + 1)} />
      <Button size="small" appearance="subtle" icon={<ChevronDoubleRight20Regular />} aria-label={t('pager.last')} disabled={page >= pages} onClick={() => onPage(pages)} />
    </nav>
  );
});
