// Search matches marked in cards and rows (lib/highlight decides what matched). The list page
// provides the query of the results on screen; results found by typo tolerance get none.
import { createContext, useContext } from 'react';
import { makeStyles, tokens } from '@fluentui/react-components';
import { highlight, NO_HIGHLIGHT, type HighlightQuery } from '../lib/highlight';

export const HighlightContext = createContext<HighlightQuery>(NO_HIGHLIGHT);

const useStyles = makeStyles({
  // Readable in both themes: the theme's strongest text colour on a pale (light) or dark (dark) yellow.
  mark: { backgroundColor: tokens.colorPaletteYellowBackground2, color: tokens.colorNeutralForeground1, borderRadius: '2px' },
});

/** `text` with the parts the search matched in <mark>. `phone`: digits match across spaces and prefixes. */
export function Hl({ text, phone }: { text: string; phone?: boolean }) {
  const q = useContext(HighlightContext);
  const s = useStyles();
  if (!text || (!q.words.length && !q.digits)) return <>{text}</>;
  const parts = highlight(text, q, phone);
  if (parts.length === 1 && !parts[0].hit) return <>{text}</>;
  return <>{parts.map((p, i) => (p.hit ? <mark key={i} className={s.mark} data-hl="">{p.text}</mark> : p.text))}</>;
}
