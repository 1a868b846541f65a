import { useEffect, useRef, useState } from 'react';
import { Badge, Button, Caption1, makeStyles, Spinner, Subtitle2, tokens } from '@fluentui/react-components';
import { api } from '../api/client';
import type { Contact, ContactPage, Group, Rights, SortField, SortOrder, VisibleField } from '../api/types';
import { CardView } from './CardView';
import type { ContactCommand } from './ContactMenu';
import { useT } from '../i18n';

const SECTION_SIZE = 8;

const useStyles = makeStyles({
  sections: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXL },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  head: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS, margin: 0 },
  empty: { color: tokens.colorNeutralForeground3 },
});

interface Props {
  listId: string;
  groups: Group[];
  q: string;
  letter: string;
  sort: SortField;
  order: SortOrder;
  rights: Rights;
  fields: VisibleField[];
  reloadKey: number;
  /** Someone else changed the list: load again without clearing. */
  refreshKey?: number;
  onCommand: (c: ContactCommand, contact: Contact) => void;
  onShowGroup: (gid: string) => void;
}

/** One section per group plus "No group"; each loads only its first few contacts (group=<id>). */
export function GroupView(p: Props) {
  const s = useStyles();
  const t = useT();
  const [pages, setPages] = useState<Record<string, ContactPage | undefined>>({});
  const sections: { id: string; name: string }[] = [...p.groups.map((g) => ({ id: g.id, name: g.name })), { id: 'none', name: t('book.noGroup') }];
  const key = sections.map((x) => x.id).join(',');

  const prev = useRef('');
  useEffect(() => {
    const ctrl = new AbortController();
    // A refresh for someone else's change keeps the sections on screen until the new pages arrive.
    const what = JSON.stringify([p.listId, key, p.q, p.letter, p.sort, p.order, p.reloadKey]);
    if (what !== prev.current) setPages({});
    prev.current = what;
    for (const sec of key.split(',')) {
      api
        .contacts(p.listId, { q: p.q, letter: p.letter, group: sec, sort: p.sort, order: p.order, per_page: SECTION_SIZE, page: 1 }, ctrl.signal)
        .then((pg) => setPages((prev) => ({ ...prev, [sec]: pg })), () => undefined);
    }
    return () => ctrl.abort();
  }, [p.listId, key, p.q, p.letter, p.sort, p.order, p.reloadKey, p.refreshKey]);

  return (
    <div className={s.sections}>
      {sections.map((sec) => {
        const pg = pages[sec.id];
        if (pg && pg.total === 0 && (p.q || p.letter)) return null;
        return (
          <section key={sec.id} className={s.section} aria-labelledby={`grp-${sec.id}`} data-group-section={sec.id}>
            <h2 className={s.head} id={`grp-${sec.id}`}>
              <Subtitle2>{sec.name}</Subtitle2>
              {pg && <Badge appearance="tint" color="informative">{pg.total}</Badge>}
            </h2>
            {!pg ? (
              <Spinner size="tiny" />
            ) : pg.total === 0 ? (
              <Caption1 className={s.empty}>{t('book.groupEmpty')}</Caption1>
            ) : (
              <CardView items={pg.items} rights={p.rights} fields={p.fields} onCommand={p.onCommand} label={sec.name} />
            )}
            {pg && pg.total > pg.items.length && (
              <div>
                <Button appearance="transparent" onClick={() => p.onShowGroup(sec.id)}>
                  {t('book.showMore', { count: pg.total })}
                </Button>
              </div>
            )}
          </section>
        );
      })}
    </div>
  );
}
