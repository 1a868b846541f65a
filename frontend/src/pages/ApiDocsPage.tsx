// Human-readable API documentation rendered from /api/openapi.json (no CDN, no Swagger UI).
import { useEffect, useState, type ReactNode } from 'react';
import {
  Badge, Body1, Caption1, Link as FLink, makeStyles, MessageBar, MessageBarBody, Spinner, Subtitle1, Subtitle2, Table, TableBody,
  TableCell, TableHeader, TableHeaderCell, TableRow, Text, tokens, Accordion, AccordionItem, AccordionHeader, AccordionPanel,
} from '@fluentui/react-components';
import { api } from '../api/client';
import { useT } from '../i18n';

type Json = Record<string, unknown>;
const useStyles = makeStyles({
  page: { flex: 1, overflowY: 'auto' },
  inner: { maxWidth: '1100px', margin: '0 auto', padding: `${tokens.spacingVerticalXXL} ${tokens.spacingHorizontalXL}`, display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
  op: { display: 'flex', alignItems: 'center', gap: tokens.spacingHorizontalS },
  path: { fontFamily: tokens.fontFamilyMonospace },
  section: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS, paddingBottom: tokens.spacingVerticalM },
  code: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200 },
});

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;
const COLORS: Record<string, 'success' | 'brand' | 'warning' | 'important' | 'danger'> = {
  get: 'success', post: 'brand', put: 'warning', patch: 'important', delete: 'danger',
};

function refName(ref: unknown): string | null {
  return typeof ref === 'string' ? ref.split('/').pop() ?? ref : null;
}

function typeOf(schema: unknown): string {
  if (!schema || typeof schema !== 'object') return '';
  const s = schema as Json;
  if (s.$ref) return refName(s.$ref) ?? '';
  if (Array.isArray(s.oneOf) || Array.isArray(s.anyOf)) return ((s.oneOf ?? s.anyOf) as unknown[]).map(typeOf).filter(Boolean).join(' | ');
  if (s.type === 'array') return `${typeOf(s.items)}[]`;
  if (Array.isArray(s.type)) return (s.type as string[]).join(' | ');
  if (Array.isArray(s.enum)) return (s.enum as unknown[]).map((e) => JSON.stringify(e)).join(' | ');
  return String(s.type ?? (s.properties ? 'object' : ''));
}

export default function ApiDocsPage() {
  const s = useStyles();
  const t = useT();
  const [doc, setDoc] = useState<Json | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api.openapi().then((d) => setDoc(d as Json), (e: Error) => setError(e.message));
  }, []);
  if (error)
    return (
      <main className={s.inner}>
        <MessageBar intent="error">
          <MessageBarBody>{t('docs.loadError')} {error}</MessageBarBody>
        </MessageBar>
      </main>
    );
  if (!doc) return <Spinner label={t('app.loading')} />;
  const info = (doc.info ?? {}) as Json;
  const paths = (doc.paths ?? {}) as Record<string, Json>;
  const schemas = (((doc.components ?? {}) as Json).schemas ?? {}) as Record<string, Json>;
  const ops: ReactNode[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const m of METHODS) {
      const op = item[m] as Json | undefined;
      if (!op) continue;
      const params = [...((item.parameters as Json[]) ?? []), ...((op.parameters as Json[]) ?? [])];
      const body = op.requestBody as Json | undefined;
      const bodyContent = (body?.content ?? {}) as Record<string, Json>;
      const responses = (op.responses ?? {}) as Record<string, Json>;
      ops.push(
        <AccordionItem key={`${m} ${path}`} value={`${m} ${path}`}>
          <AccordionHeader>
            <span className={s.op}>
              <Badge color={COLORS[m]} appearance="filled">{m.toUpperCase()}</Badge>
              <Text className={s.path}>{path}</Text>
              <Caption1>{String(op.summary ?? '')}</Caption1>
            </span>
          </AccordionHeader>
          <AccordionPanel>
            <div className={s.section}>
              {typeof op.description === 'string' && <Body1>{op.description}</Body1>}
              {params.length > 0 && (
                <>
                  <Subtitle2 as="h4">{t('docs.parameters')}</Subtitle2>
                  <Table size="small" aria-label={t('docs.parameters')}>
                    <TableHeader>
                      <TableRow>
                        <TableHeaderCell>{t('common.name')}</TableHeaderCell>
                        <TableHeaderCell>in</TableHeaderCell>
                        <TableHeaderCell>type</TableHeaderCell>
                        <TableHeaderCell>description</TableHeaderCell>
                      </TableRow>
                    </TableHeader>
                    <TableBody>
                      {params.map((p, i) => (
                        <TableRow key={i}>
                          <TableCell className={s.code}>{String(p.name ?? refName(p.$ref))}{p.required ? ' *' : ''}</TableCell>
                          <TableCell>{String(p.in ?? '')}</TableCell>
                          <TableCell className={s.code}>{typeOf(p.schema)}</TableCell>
                          <TableCell>{String(p.description ?? '')}</TableCell>
                        </TableRow>
                      ))}
                    </TableBody>
                  </Table>
                </>
              )}
              {Object.keys(bodyContent).length > 0 && (
                <>
                  <Subtitle2 as="h4">{t('docs.requestBody')}</Subtitle2>
                  {Object.entries(bodyContent).map(([ct, c]) => (
                    <Body1 key={ct} className={s.code}>{ct}: {typeOf(c.schema)}</Body1>
                  ))}
                </>
              )}
              <Subtitle2 as="h4">{t('docs.responses')}</Subtitle2>
              {Object.entries(responses).map(([code, r]) => (
                <Body1 key={code} className={s.code}>
                  {code} {String(r.description ?? '')}{' '}
                  {Object.entries((r.content ?? {}) as Record<string, Json>).map(([ct, c]) => `${ct}: ${typeOf(c.schema)}`).join(', ')}
                </Body1>
              ))}
            </div>
          </AccordionPanel>
        </AccordionItem>,
      );
    }
  }
  return (
    <main className={s.page}>
      <div className={s.inner}>
        <Subtitle1 as="h1">{t('docs.title')}: {String(info.title ?? '')} {String(info.version ?? '')}</Subtitle1>
        {typeof info.description === 'string' && <Body1>{info.description}</Body1>}
        <FLink href="/api/openapi.json" download>{t('docs.download')}</FLink>
        <Accordion multiple collapsible>{ops}</Accordion>
        <Subtitle1 as="h2">{t('docs.schemas')}</Subtitle1>
        {Object.entries(schemas).map(([name, sc]) => {
          const props = (sc.properties ?? {}) as Record<string, Json>;
          const req = new Set((sc.required as string[]) ?? []);
          return (
            <section key={name} id={`schema-${name}`} className={s.section}>
              <Subtitle2 as="h3">{name}</Subtitle2>
              {typeof sc.description === 'string' && <Body1>{sc.description}</Body1>}
              {Object.keys(props).length > 0 ? (
                <Table size="small" aria-label={name}>
                  <TableBody>
                    {Object.entries(props).map(([pn, ps]) => (
                      <TableRow key={pn}>
                        <TableCell className={s.code}>{pn}{req.has(pn) ? ' *' : ''}</TableCell>
                        <TableCell className={s.code}>{typeOf(ps)}</TableCell>
                        <TableCell>{String(ps.description ?? '')}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              ) : (
                <Caption1 className={s.code}>{typeOf(sc)}</Caption1>
              )}
            </section>
          );
        })}
      </div>
    </main>
  );
}
