// The contact book's view state <-> the URL query string, so a reload, the back button
// or a shared link shows the same search, letter, group, sort and page.
import type { DisplayMode, ListSort, SortField, SortOrder } from '../api/types';

export interface BookState {
  q: string;
  letter: string; // '' | 'A'..'Z' | '#'
  group: string; // '' | group id | 'none'
  /** '' = the list's default order (Display settings: by full name or by last name). */
  sort: SortField | '';
  order: SortOrder;
  page: number;
  perPage: number;
  view: DisplayMode | null; // null = the list's (or the user's) default
}

export const PAGE_SIZES = [50, 100] as const;
const SORTS: SortField[] = ['full_name', 'family_name', 'job_title', 'company', 'department', 'mobile', 'email', 'updated_at'];
const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ#';

export const DEFAULT_STATE: BookState = { q: '', letter: '', group: '', sort: '', order: 'asc', page: 1, perPage: 50, view: null };

export function parseBookState(search: string): BookState {
  const p = new URLSearchParams(search);
  const letterRaw = (p.get('letter') ?? '').toUpperCase();
  const sortRaw = p.get('sort') as SortField | null;
  const page = Number.parseInt(p.get('page') ?? '', 10);
  const perPage = Number.parseInt(p.get('per_page') ?? '', 10);
  const view = p.get('view');
  return {
    q: p.get('q') ?? '',
    letter: letterRaw.length === 1 && LETTERS.includes(letterRaw) ? letterRaw : '',
    group: p.get('group') ?? '',
    sort: sortRaw && SORTS.includes(sortRaw) ? sortRaw : '',
    order: p.get('order') === 'desc' ? 'desc' : 'asc',
    page: Number.isFinite(page) && page >= 1 ? page : 1,
    perPage: (PAGE_SIZES as readonly number[]).includes(perPage) ? perPage : 50,
    view: view === 'card' || view === 'list' || view === 'group' ? view : null,
  };
}

/** Only non-default values are written, so the plain list URL stays clean. */
export function formatBookState(s: BookState): string {
  const p = new URLSearchParams();
  if (s.q) p.set('q', s.q);
  if (s.letter) p.set('letter', s.letter);
  if (s.group) p.set('group', s.group);
  if (s.sort) p.set('sort', s.sort);
  if (s.order !== 'asc') p.set('order', s.order);
  if (s.page > 1) p.set('page', String(s.page));
  if (s.perPage !== 50) p.set('per_page', String(s.perPage));
  if (s.view) p.set('view', s.view);
  const str = p.toString();
  return str ? `?${str}` : '';
}

/** Changing any filter goes back to page 1. */
export function updateBookState(s: BookState, patch: Partial<BookState>): BookState {
  const next = { ...s, ...patch };
  const filterChanged = ['q', 'letter', 'group', 'sort', 'order', 'perPage'].some(
    (k) => k in patch && patch[k as keyof BookState] !== s[k as keyof BookState],
  );
  if (filterChanged && !('page' in patch)) next.page = 1;
  return next;
}

/** Clicking the current letter again clears it. */
export function toggleLetter(s: BookState, letter: string): BookState {
  return updateBookState(s, { letter: s.letter === letter ? '' : letter });
}

/** The order in effect: the address's, else the list's default, else by full name. */
export function effectiveSort(s: BookState, listDefault?: ListSort): SortField {
  return s.sort || listDefault || 'full_name';
}

/**
 * Clicking the sorted column flips the order; another column sorts ascending. The name column
 * sorts by name in the list's way: by last name when that is the order in effect.
 */
export function toggleSort(s: BookState, field: SortField, listDefault?: ListSort): BookState {
  const current = effectiveSort(s, listDefault);
  if (current === field || (field === 'full_name' && current === 'family_name'))
    return updateBookState(s, { sort: s.sort || current, order: s.order === 'asc' ? 'desc' : 'asc' });
  return updateBookState(s, { sort: field, order: 'asc' });
}

export function pageCount(total: number, perPage: number): number {
  return Math.max(1, Math.ceil(total / perPage));
}
