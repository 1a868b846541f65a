import { describe, expect, it } from 'vitest';
import { translate } from '../i18n/core';
import { noticeFor } from './liveNotice';
import type { Change, ChangeKind } from '../api/types';

const change = (kind: ChangeKind, name = 'Clément Laurent'): Change => ({ seq: 1, kind, id: 'x', name, at: '', by: { id: 'u', name: 'Adèle Vance' } });

describe('noticeFor', () => {
  it('says who did what to whom, in both languages', () => {
    const en = (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) => translate('en', k, v);
    const fr = (k: Parameters<typeof translate>[1], v?: Record<string, string | number>) => translate('fr', k, v);
    expect(noticeFor(change('contact.updated'), en)).toBe('Adèle Vance edited Clément Laurent');
    expect(noticeFor(change('contact.created'), en)).toBe('Adèle Vance added Clément Laurent');
    expect(noticeFor(change('contact.deleted'), fr)).toBe('Adèle Vance a supprimé Clément Laurent');
    expect(noticeFor(change('group.deleted', 'Suppliers'), en)).toBe('Adèle Vance deleted the group Suppliers');
    expect(noticeFor(change('list.updated', 'Crew'), en)).toBe('Adèle Vance changed the list settings');
  });
});
