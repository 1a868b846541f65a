import type { ReactElement } from 'react';
import { Button, Tooltip, type ButtonProps } from '@fluentui/react-components';
import {
  Calendar20Regular, Call20Regular, Chat20Regular, FacebookIcon, Globe20Regular, LinkedInIcon, Mail20Regular, XIcon,
} from '../components/icons';
import { planAction, planHref, type ActionKind, type ActionPlan, type ActionTarget } from '../lib/deeplinks';
import { useSession } from '../app/session';
import { useT } from '../i18n';

export const ACTION_ICONS: Record<ActionKind, ReactElement> = {
  chat: <Chat20Regular />,
  call: <Call20Regular />,
  email: <Mail20Regular />,
  meeting: <Calendar20Regular />,
  website: <Globe20Regular />,
  linkedin: <LinkedInIcon />,
  facebook: <FacebookIcon />,
  x: <XIcon />,
};

/** Inside Teams: native capabilities when supported, else app.openLink on the deep link. */
export async function runInTeams(plan: ActionPlan): Promise<void> {
  const { app, chat, call, calendar } = await import('@microsoft/teams-js');
  try {
    if (plan.kind === 'teams-chat' && chat.isSupported()) {
      await chat.openChat({ user: plan.upn });
      return;
    }
    if (plan.kind === 'teams-call' && call.isSupported()) {
      await call.startCall({ targets: [plan.upn], requestedModalities: [call.CallModalities.Audio] });
      return;
    }
    if (plan.kind === 'teams-meeting' && calendar.isSupported()) {
      await calendar.composeMeeting({ attendees: plan.attendees, subject: plan.subject });
      return;
    }
  } catch {
    /* fall through to the deep link */
  }
  const href = planHref(plan);
  if (!href) return;
  if (/^https?:/.test(href)) await app.openLink(href);
  else window.open(href, '_blank', 'noopener');
}

export function ActionButton({
  action, contact, showLabel = false, size = 'medium', tooltip = true,
}: { action: ActionKind; contact: ActionTarget; showLabel?: boolean; size?: ButtonProps['size']; tooltip?: boolean }) {
  const t = useT();
  const { host } = useSession();
  const plan = planAction(action, contact, { inTeams: host.inTeams });
  const href = planHref(plan);
  const name = t(`action.${action}`);
  const label = href ? t('action.label', { action: name, name: contact.full_name }) : t('action.unavailable', { action: name });
  const common = {
    appearance: 'subtle' as const,
    size,
    icon: ACTION_ICONS[action],
    'aria-label': label,
    children: showLabel ? name : undefined,
    title: tooltip ? undefined : label,
  };
  const btn = href ? (
    <Button
      {...common}
      as="a"
      href={href}
      target="_blank"
      rel="noopener noreferrer"
      data-action={action}
      onClick={(e) => {
        e.stopPropagation();
        if (host.inTeams) {
          e.preventDefault();
          void runInTeams(plan);
        }
      }}
    />
  ) : (
    <Button {...common} disabledFocusable data-action={action} />
  );
  if (!tooltip) return btn;
  return (
    <Tooltip content={label} relationship="label" withArrow>
      {btn}
    </Tooltip>
  );
}
