// The privacy statement and terms of use the Teams app package links to (privacyUrl,
// termsOfUseUrl). Reachable without signing in. They describe what this software does; the
// organization that runs the server is the operator and may add its own policies.
import { Body1, makeStyles, Subtitle1, Subtitle2, tokens } from '@fluentui/react-components';
import { Link } from '../app/router';
import { useT } from '../i18n';
import type { MessageKey } from '../i18n/en';

const useStyles = makeStyles({
  page: { flex: 1, overflowY: 'auto' },
  inner: {
    maxWidth: '760px', margin: '0 auto', padding: `${tokens.spacingVerticalXXL} ${tokens.spacingHorizontalXL}`,
    display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalM,
  },
  nav: { display: 'flex', gap: tokens.spacingHorizontalL },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, '& > *': { margin: 0 } },
});

const SECTIONS: Record<'privacy' | 'terms', { title: MessageKey; intro: MessageKey; parts: [MessageKey, MessageKey][] }> = {
  privacy: {
    title: 'legal.privacy',
    intro: 'legal.privacy.intro',
    parts: [
      ['legal.privacy.storedTitle', 'legal.privacy.stored'],
      ['legal.privacy.whereTitle', 'legal.privacy.where'],
      ['legal.privacy.sharedTitle', 'legal.privacy.shared'],
      ['legal.privacy.rightsTitle', 'legal.privacy.rights'],
    ],
  },
  terms: {
    title: 'legal.terms',
    intro: 'legal.terms.intro',
    parts: [
      ['legal.terms.useTitle', 'legal.terms.use'],
      ['legal.terms.accessTitle', 'legal.terms.access'],
      ['legal.terms.softwareTitle', 'legal.terms.software'],
    ],
  },
};

export default function LegalPage({ which }: { which: 'privacy' | 'terms' }) {
  const s = useStyles();
  const t = useT();
  const doc = SECTIONS[which];
  return (
    <main className={s.page}>
      <article className={s.inner}>
        <Subtitle1 as="h1">{t(doc.title)}</Subtitle1>
        <Body1 as="p">{t(doc.intro)}</Body1>
        {doc.parts.map(([title, body]) => (
          <section key={title} className={s.section}>
            <Subtitle2 as="h2">{t(title)}</Subtitle2>
            <Body1 as="p">{t(body)}</Body1>
          </section>
        ))}
        <nav className={s.nav} aria-label={t('legal.nav')}>
          <Link href="/">{t('book.allLists')}</Link>
          <Link href={which === 'privacy' ? '/terms' : '/privacy'}>{t(which === 'privacy' ? 'legal.terms' : 'legal.privacy')}</Link>
        </nav>
      </article>
    </main>
  );
}
