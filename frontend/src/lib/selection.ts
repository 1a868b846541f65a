// Bulk selection of contacts (card and table views): pure set operations, so the shift and ctrl
// rules are unit-tested apart from the DOM.

export interface Selection {
  ids: ReadonlySet<string>;
  /** Where a Shift range starts: the last item toggled on its own. */
  anchor: string | null;
}

export const EMPTY_SELECTION: Selection = { ids: new Set(), anchor: null };

export type SelectionAction =
  | { type: 'toggle'; id: string }
  /** Shift: everything from the anchor to `id` (in the page's order) joins the selection. */
  | { type: 'range'; id: string; order: string[] }
  | { type: 'all'; order: string[] }
  | { type: 'none'; order: string[] }
  | { type: 'remove'; ids: string[] }
  | { type: 'clear' };

export function selectionReducer(s: Selection, a: SelectionAction): Selection {
  switch (a.type) {
    case 'toggle': {
      const ids = new Set(s.ids);
      if (ids.has(a.id)) ids.delete(a.id);
      else ids.add(a.id);
      return { ids, anchor: a.id };
    }
    case 'range': {
      const to = a.order.indexOf(a.id);
      const from = s.anchor ? a.order.indexOf(s.anchor) : -1;
      if (to < 0) return s;
      if (from < 0) return selectionReducer(s, { type: 'toggle', id: a.id });
      const ids = new Set(s.ids);
      for (let i = Math.min(from, to); i <= Math.max(from, to); i++) ids.add(a.order[i]);
      return { ids, anchor: s.anchor };
    }
    case 'all':
      return { ids: new Set([...s.ids, ...a.order]), anchor: s.anchor };
    case 'none': {
      const ids = new Set(s.ids);
      for (const id of a.order) ids.delete(id);
      return { ids, anchor: null };
    }
    case 'remove': {
      const ids = new Set(s.ids);
      for (const id of a.ids) ids.delete(id);
      return { ids, anchor: s.anchor && ids.has(s.anchor) ? s.anchor : null };
    }
    case 'clear':
      return EMPTY_SELECTION;
  }
}

/** The page checkbox: all of the page selected, some, or none. */
export function pageState(s: Selection, order: string[]): boolean | 'mixed' {
  const n = order.filter((id) => s.ids.has(id)).length;
  return n === 0 ? false : n === order.length ? true : 'mixed';
}

/** Runs `fn` over the items, at most `limit` at a time; returns each outcome in order. */
export async function runLimited<T, R>(items: T[], limit: number, fn: (x: T) => Promise<R>): Promise<PromiseSettledResult<R>[]> {
  const out: PromiseSettledResult<R>[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = { status: 'fulfilled', value: await fn(items[i]) };
      } catch (reason) {
        out[i] = { status: 'rejected', reason };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
