// Keyboard and pointer rules of bulk selection, shared by the card grid and the table:
// Space toggles the focused contact, Shift+Space or Shift+click extends from the anchor,
// Shift+arrows extend while moving, Ctrl/⌘+click toggles, Ctrl/⌘+A selects the page, Escape clears.
import { useMemo, useRef, type FocusEvent, type KeyboardEvent } from 'react';
import type { Contact } from '../api/types';

/** Stable callbacks (a card re-renders only when its own checkbox changes). */
export interface SelectActions {
  onSelect: (c: Contact, extend: boolean) => void;
  onPage: (all: boolean) => void;
  onClear: () => void;
}
export interface SelectProps {
  selected: ReadonlySet<string>;
  actions: SelectActions;
}

const ARROWS = new Set(['ArrowUp', 'ArrowDown', 'ArrowLeft', 'ArrowRight']);

function contactOf(el: EventTarget | null, items: Contact[]): Contact | undefined {
  const id = (el as HTMLElement | null)?.getAttribute?.('data-contact-id');
  return id ? items.find((c) => c.id === id) : undefined;
}

/** Handlers for the container of the cards or rows (undefined when selection is off). */
export function useSelectKeys(items: Contact[], sel: SelectProps | undefined) {
  const extending = useRef(false);
  const itemsRef = useRef(items);
  itemsRef.current = items;
  const selRef = useRef(sel);
  selRef.current = sel;
  const on = !!sel;
  return useMemo(() => {
    if (!on) return {};
    return {
      onKeyDown: (e: KeyboardEvent) => {
        // Keys from a menu portalled out of a card bubble here through React: not ours.
        if (!(e.currentTarget as Node).contains(e.target as Node)) return;
        const s = selRef.current!;
        const a = s.actions;
        const c = contactOf(e.target, itemsRef.current);
        if (e.key === ' ' && c) {
          e.preventDefault();
          a.onSelect(c, e.shiftKey);
        } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'a' && c) {
          e.preventDefault();
          a.onPage(true);
        } else if (e.key === 'Escape' && s.selected.size > 0) {
          e.preventDefault();
          a.onClear();
        } else if (e.shiftKey && ARROWS.has(e.key) && c) {
          if (!s.selected.has(c.id)) a.onSelect(c, false);
          extending.current = true;
        }
      },
      onFocus: (e: FocusEvent) => {
        if (!extending.current) return;
        extending.current = false;
        const c = contactOf(e.target, itemsRef.current);
        if (c) selRef.current?.actions.onSelect(c, true);
      },
    };
  }, [on]);
}

/** Ctrl/⌘+click toggles and Shift+click extends instead of opening the contact. */
export function selectClick(e: { ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; preventDefault: () => void }, c: Contact, sel: SelectActions | undefined): boolean {
  if (!sel || !(e.ctrlKey || e.metaKey || e.shiftKey)) return false;
  e.preventDefault();
  sel.onSelect(c, e.shiftKey);
  return true;
}
