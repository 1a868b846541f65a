// The polite sentence for someone else's change ("Adèle edited Clément Laurent").
import type { Change } from '../api/types';
import type { MessageKey } from '../i18n/core';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

export function noticeFor(c: Change, t: T): string {
  const v = { by: c.by?.name ?? '?', name: c.name ?? '' };
  switch (c.kind) {
    case 'contact.created': return t('live.created', v);
    case 'contact.updated': return t('live.updated', v);
    case 'contact.deleted': return t('live.deleted', v);
    case 'contact.restored': return t('live.restored', v);
    case 'group.created': return t('live.groupCreated', v);
    case 'group.updated': return t('live.groupUpdated', v);
    case 'group.deleted': return t('live.groupDeleted', v);
    default: return t('live.listUpdated', v);
  }
}
