import { memo } from 'react';
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
  active: {
    backgroundColor: tokens.colorBrandBackground,
    color: tokens.colorNeutralForegroundOnBrand,
    ':hover': { backgroundColor: tokens.colorBrandBackgroundHover },
  },
});

export const AlphaRail = memo(function AlphaRail({
  letters, current, onPick,
}: { letters: Record<string, number> | undefined; current: string; onPick: (letter: string) => void }) {
  const s = useStyles();
  const t = useT();
  return (
    <nav className={s.rail} aria-label={t('book.alphabet')}>
      <button
        type="button"
        className={mergeClasses(s.btn, s.all, !current && s.active)}
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
            className={mergeClasses(s.btn, active && s.active)}
            disabled={!active && letters !== undefined && count === 0}
            aria-pressed={active}
            aria-label={t('book.letterFilter', { letter: l })}
            title={`${l}: ${count}`}
            onClick={() => onPick(l)}
            data-letter={l}
          >
            {l}
          </button>
        );
      })}
    </nav>
  );
});
