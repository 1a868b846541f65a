import { memo, useRef, type PointerEvent } from 'react';
import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { useT } from '../i18n';

export const LETTERS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ', '#'];

// Plain buttons styled with Fluent tokens: the rail re-renders with every result page
// (its counts change), so 28 full Fluent Buttons + Tooltips were a measurable cost.
const useStyles = makeStyles({
  rail: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: '2px',
    alignItems: 'center',
    padding: `${tokens.spacingVerticalXS} ${tokens.spacingHorizontalL}`,
    borderBottom: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  btn: {
    minWidth: '28px',
    height: '28px',
    padding: '0 4px',
    border: 'none',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: 'transparent',
    color: tokens.colorNeutralForeground1,
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeBase200,
    fontWeight: tokens.fontWeightSemibold,
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorSubtleBackgroundHover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '1px' },
    ':disabled': { color: tokens.colorNeutralForegroundDisabled, cursor: 'default', backgroundColor: 'transparent' },
  },
  all: { minWidth: '40px' },
  // Phone: a thin column at the screen's edge; sliding a finger along it picks letters.
  vertical: {
    position: 'fixed',
    right: 0,
    top: '50%',
    transform: 'translateY(-35%)',
    zIndex: 3,
    flexDirection: 'column',
    flexWrap: 'nowrap',
    gap: 0,
    padding: `${tokens.spacingVerticalXS} 0`,
    borderBottom: 'none',
    borderRadius: `${tokens.borderRadiusLarge} 0 0 ${tokens.borderRadiusLarge}`,
    boxShadow: tokens.shadow4,
    touchAction: 'none',
    userSelect: 'none',
  },
  vbtn: { minWidth: '28px', height: '19px', fontSize: tokens.fontSizeBase100, padding: 0 },
  active: {
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
    ':hover': { backgroundColor: tokens.colorBrandBackgroundHover },
  },
});

export const AlphaRail = memo(function AlphaRail({
  letters, current, onPick, vertical,
}: { letters: Record<string, number> | undefined; current: string; onPick: (letter: string) => void; vertical?: boolean }) {
  const s = useStyles();
  const t = useT();
  const scrubbed = useRef<string | null>(null);
  // Scrubbing: the letter under the finger, each time it changes (a tap is handled by onClick).
  const scrub = (e: PointerEvent<HTMLElement>) => {
    if (!vertical || e.pointerType === 'mouse' || e.buttons === 0) return;
    const el = document.elementFromPoint(e.clientX, e.clientY)?.closest<HTMLButtonElement>('[data-letter]');
    const l = el?.dataset.letter;
    if (!l || el.disabled || l === scrubbed.current || l === current) return;
    scrubbed.current = l;
    onPick(l);
  };
  return (
    <nav
      className={mergeClasses(s.rail, vertical && s.vertical)}
      aria-label={t('book.alphabet')}
      onPointerDown={(e) => {
        scrubbed.current = null;
        if (vertical && e.pointerType !== 'mouse') e.currentTarget.setPointerCapture?.(e.pointerId);
      }}
      onPointerMove={scrub}
      data-vertical={vertical ? '' : undefined}
    >
      <button
        type="button"
        className={mergeClasses(s.btn, s.all, vertical && s.vbtn, !current && s.active)}
        aria-pressed={!current}
        onClick={() => current && onPick(current)}
      >
        {t('book.letterAll')}
      </button>
      {LETTERS.map((l) => {
        const count = letters?.[l] ?? 0;
        const active = current === l;
        return (
          <button
            type="button"
            key={l}
            className={mergeClasses(s.btn, vertical && s.vbtn, active && s.active)}
            disabled={!active && letters !== undefined && count === 0}
            aria-pressed={active}
            aria-label={t('book.letterFilter', { letter: l })}
            title={`${l}: ${count}`}
            onClick={() => {
              // A scrub that ended on this letter already picked it.
              if (scrubbed.current === l) return;
              onPick(l);
            }}
            data-letter={l}
          >
            {l}
          </button>
        );
      })}
    </nav>
  );
});
