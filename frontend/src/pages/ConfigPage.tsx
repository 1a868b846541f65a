// The Teams configurable-tab page: create a list for this channel (or pick one), then
// setConfig({entityId, contentUrl, suggestedDisplayName, websiteUrl}) on Save.
import { useEffect, useRef, useState } from 'react';
import {
  Body1, Dropdown, Field, Input, makeStyles, MessageBar, MessageBarBody, Option, Radio, RadioGroup, Subtitle1, tokens, Button,
} from '@fluentui/react-components';
import { api } from '../api/client';
import type { ContactList, DisplayMode } from '../api/types';
import { useSession } from '../app/session';
import { useT } from '../i18n';
import { navigate } from '../app/router';

const useStyles = makeStyles({
  page: { flex: 1, overflowY: 'auto', padding: `${tokens.spacingVerticalXL} ${tokens.spacingHorizontalXL}` },
  form: { maxWidth: '520px', display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL },
});

type Choice = 'new' | 'existing';

export default function ConfigPage() {
  const s = useStyles();
  const t = useT();
  const { host } = useSession();
  const ctx = host.context;
  const [choice, setChoice] = useState<Choice>('new');
  const [name, setName] = useState(ctx?.channel?.displayName ? `${ctx.channel.displayName} contacts` : '');
  const [mode, setMode] = useState<DisplayMode>('card');
  const [lists, setLists] = useState<ContactList[]>([]);
  const [picked, setPicked] = useState<string>('');
  const [error, setError] = useState<string | null>(null);
  // Red only after the name was typed and cleared, never on a page just opened.
  const [nameTyped, setNameTyped] = useState(false);

  useEffect(() => {
    api.lists().then((r) => setLists(r.items), () => setLists([]));
  }, []);

  const valid = choice === 'new' ? name.trim().length > 0 : !!picked;
  // The save handler is registered once; it reads the latest form through a ref.
  const state = useRef({ choice, name, mode, picked, lists });
  state.current = { choice, name, mode, picked, lists };

  useEffect(() => {
    if (!host.inTeams) return;
    void import('@microsoft/teams-js').then(({ pages }) => pages.config.setValidityState(valid));
  }, [valid, host.inTeams]);

  const save = async (): Promise<ContactList> => {
    const st = state.current;
    if (st.choice === 'existing') {
      const l = st.lists.find((x) => x.id === st.picked);
      if (!l) throw new Error('No list selected');
      return l;
    }
    return api.createList({
      name: st.name.trim(),
      display_mode: st.mode,
      channel: ctx?.channel?.id ? { id: ctx.channel.id, name: ctx.channel.displayName ?? '' } : undefined,
      team: ctx?.team?.groupId ? { id: ctx.team.groupId, name: ctx.team.displayName ?? '' } : undefined,
    });
  };

  useEffect(() => {
    if (!host.inTeams) return;
    void import('@microsoft/teams-js').then(({ pages }) => {
      pages.config.registerOnSaveHandler(async (evt) => {
        try {
          const list = await save();
          const url = `${window.location.origin}/lists/${encodeURIComponent(list.id)}`;
          await pages.config.setConfig({ entityId: list.id, contentUrl: url, suggestedDisplayName: list.name, websiteUrl: url });
          evt.notifySuccess();
        } catch (e) {
          setError((e as Error).message);
          evt.notifyFailure((e as Error).message);
        }
      });
    });
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [host.inTeams]);

  return (
    <main className={s.page}>
      <div className={s.form}>
        <Subtitle1 as="h1">{t('config.title')}</Subtitle1>
        <Body1>{t('config.intro')}</Body1>
        {!host.inTeams && (
          <MessageBar intent="info">
            <MessageBarBody>{t('config.outsideTeams')}</MessageBarBody>
          </MessageBar>
        )}
        {error && (
          <MessageBar intent="error">
            <MessageBarBody>{error}</MessageBarBody>
          </MessageBar>
        )}
        <RadioGroup value={choice} onChange={(_, d) => setChoice(d.value as Choice)}>
          <Radio value="new" label={t('config.createNew')} />
          <Radio value="existing" label={t('config.useExisting')} disabled={lists.length === 0} />
        </RadioGroup>
        {choice === 'new' ? (
          <>
            <Field
              label={t('home.listName')}
              required
              validationState={nameTyped && !name.trim() ? 'error' : 'none'}
              validationMessage={nameTyped && !name.trim() ? t('valid.nameRequired') : undefined}
            >
              <Input value={name} onChange={(_, d) => { setName(d.value); setNameTyped(true); }} maxLength={120} />
            </Field>
            <Field label={t('display.defaultMode')}>
              <RadioGroup value={mode} onChange={(_, d) => setMode(d.value as DisplayMode)} layout="horizontal">
                <Radio value="card" label={t('mode.card')} />
                <Radio value="list" label={t('mode.list')} />
                <Radio value="group" label={t('mode.group')} />
              </RadioGroup>
            </Field>
          </>
        ) : (
          <Field label={t('config.pick')} required>
            <Dropdown
              placeholder={t('config.pickPlaceholder')}
              selectedOptions={picked ? [picked] : []}
              value={lists.find((l) => l.id === picked)?.name ?? ''}
              onOptionSelect={(_, d) => setPicked(d.optionValue ?? '')}
            >
              {lists.map((l) => (
                <Option key={l.id} value={l.id}>
                  {l.name}
                </Option>
              ))}
            </Dropdown>
          </Field>
        )}
        {valid && host.inTeams && <Body1>{t('config.ready')}</Body1>}
        {!host.inTeams && (
          <div>
            <Button
              appearance="primary"
              disabled={!valid}
              onClick={() =>
                save().then(
                  (l) => navigate(`/lists/${encodeURIComponent(l.id)}`),
                  (e: Error) => setError(e.message),
                )
              }
            >
              {t('common.save')}
            </Button>
          </div>
        )}
      </div>
    </main>
  );
}
