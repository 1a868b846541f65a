// Small shared building blocks.
import type { ReactNode } from 'react';
import { Button, makeStyles, mergeClasses, Skeleton, SkeletonItem, Subtitle2, Body1, tokens, Tooltip, type ButtonProps } from '@fluentui/react-components';
import { Copy20Regular, Checkmark20Regular } from './icons';
import { useState } from 'react';
import { useT } from '../i18n';

const useStyles = makeStyles({
  empty: {
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    justifyContent: 'center',
    textAlign: 'center',
    gap: tokens.spacingVerticalM,
    padding: `${tokens.spacingVerticalXXXL} ${tokens.spacingHorizontalXL}`,
    color: tokens.colorNeutralForeground2,
  },
  emptyIcon: { fontSize: '48px', color: tokens.colorBrandForeground2, '& svg': { width: '48px', height: '48px' } },
  actions: { display: 'flex', gap: tokens.spacingHorizontalS, flexWrap: 'wrap', justifyContent: 'center' },
  skelGrid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(260px, 1fr))',
    gap: tokens.spacingHorizontalM,
  },
  skelCard: {
    display: 'grid',
    gridTemplateColumns: '40px 1fr',
    gap: tokens.spacingHorizontalM,
    padding: tokens.spacingHorizontalM,
    borderRadius: tokens.borderRadiusLarge,
    backgroundColor: tokens.colorNeutralBackground1,
    alignItems: 'center',
  },
  skelLines: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
});

export function EmptyState({ icon, title, body, children }: { icon?: ReactNode; title: string; body?: string; children?: ReactNode }) {
  const s = useStyles();
  return (
    <div className={s.empty} role="status">
      {icon && <div className={s.emptyIcon} aria-hidden>{icon}</div>}
      <Subtitle2 as="h2">{title}</Subtitle2>
      {body && <Body1>{body}</Body1>}
      {children && <div className={s.actions}>{children}</div>}
    </div>
  );
}

export function CardSkeletons({ count = 12 }: { count?: number }) {
  const s = useStyles();
  const t = useT();
  return (
    <Skeleton aria-busy="true" aria-label={t('app.loading')} className={s.skelGrid}>
      {Array.from({ length: count }, (_, i) => (
        <div key={i} className={s.skelCard}>
          <SkeletonItem shape="circle" size={40} />
          <div className={s.skelLines}>
            <SkeletonItem size={16} style={{ width: '70%' }} />
            <SkeletonItem size={12} style={{ width: '50%' }} />
            <SkeletonItem size={12} style={{ width: '60%' }} />
          </div>
        </div>
      ))}
    </Skeleton>
  );
}

/** Copies text; where the clipboard API is blocked (an iframe without permission), select-and-copy. */
export async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    const ta = document.createElement('textarea');
    ta.value = text;
    document.body.appendChild(ta);
    ta.select();
    document.execCommand('copy');
    ta.remove();
  }
}

export function CopyButton({ text, label }: { text: string; label: string }) {
  const t = useT();
  const [done, setDone] = useState(false);
  return (
    <Tooltip content={done ? t('common.copied') : label} relationship="label">
      <Button
        appearance="subtle"
        icon={done ? <Checkmark20Regular /> : <Copy20Regular />}
        onClick={async () => {
          await copyText(text);
          setDone(true);
          setTimeout(() => setDone(false), 2000);
        }}
      />
    </Tooltip>
  );
}

const hiddenStyle = { position: 'absolute', width: '1px', height: '1px', overflow: 'hidden', clip: 'rect(0 0 0 0)', whiteSpace: 'nowrap' } as const;

/** Text for screen readers only (e.g. the header of an actions column). */
export function VisuallyHidden({ children }: { children: ReactNode }) {
  return <span style={hiddenStyle}>{children}</span>;
}

const useDangerStyles = makeStyles({
  primary: {
    backgroundColor: tokens.colorStatusDangerBackground3,
    color: tokens.colorNeutralForegroundOnBrand,
    ':hover': { backgroundColor: tokens.colorStatusDangerBackground3Hover, color: tokens.colorNeutralForegroundOnBrand },
    ':hover:active': { backgroundColor: tokens.colorStatusDangerBackground3Pressed, color: tokens.colorNeutralForegroundOnBrand },
  },
  secondary: {
    color: tokens.colorStatusDangerForeground3,
    ':hover': { color: tokens.colorStatusDangerForeground3 },
    ':hover:active': { color: tokens.colorStatusDangerForeground3 },
  },
});

/** A button whose action destroys something: red, so it is never mistaken for the safe choice. */
export function DangerButton({ primary, className, ...props }: ButtonProps & { primary?: boolean }) {
  const s = useDangerStyles();
  return <Button {...props} data-danger="" className={mergeClasses(primary ? s.primary : s.secondary, className)} />;
}
