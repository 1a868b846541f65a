// Icons imported one by one from the atomic entry points (keeps the bundle small).
export { PeopleTeam24Filled, PeopleTeam20Regular } from '@fluentui/react-icons/svg/people-team';
export { Add20Regular } from '@fluentui/react-icons/svg/add';
export { Search20Regular } from '@fluentui/react-icons/svg/search';
export { Settings20Regular } from '@fluentui/react-icons/svg/settings';
export { QuestionCircle20Regular } from '@fluentui/react-icons/svg/question-circle';
export { MoreHorizontal20Regular } from '@fluentui/react-icons/svg/more-horizontal';
export { Chat20Regular } from '@fluentui/react-icons/svg/chat';
export { Call20Regular } from '@fluentui/react-icons/svg/call';
export { Mail20Regular } from '@fluentui/react-icons/svg/mail';
export { Calendar20Regular } from '@fluentui/react-icons/svg/calendar';
export { Globe20Regular } from '@fluentui/react-icons/svg/globe';
export { PersonAdd20Regular } from '@fluentui/react-icons/svg/person-add';
export { PeopleAdd20Regular } from '@fluentui/react-icons/svg/people-add';
export { Grid20Regular } from '@fluentui/react-icons/svg/grid';
export { TextBulletListLtr20Regular } from '@fluentui/react-icons/svg/text-bullet-list-ltr';
export { Group20Regular } from '@fluentui/react-icons/svg/group';
export { Copy20Regular } from '@fluentui/react-icons/svg/copy';
export { Delete20Regular } from '@fluentui/react-icons/svg/delete';
export { Edit20Regular } from '@fluentui/react-icons/svg/edit';
export { Eye20Regular } from '@fluentui/react-icons/svg/eye';
export { ArrowDownload20Regular } from '@fluentui/react-icons/svg/arrow-download';
export { ArrowUpload20Regular } from '@fluentui/react-icons/svg/arrow-upload';
export { Key20Regular } from '@fluentui/react-icons/svg/key';
export { ShieldLock20Regular } from '@fluentui/react-icons/svg/shield-lock';
export { Info20Regular } from '@fluentui/react-icons/svg/info';
export { LocalLanguage20Regular } from '@fluentui/react-icons/svg/local-language';
export { ChevronLeft20Regular } from '@fluentui/react-icons/svg/chevron-left';
export { ChevronRight20Regular } from '@fluentui/react-icons/svg/chevron-right';
export { ChevronDoubleLeft20Regular } from '@fluentui/react-icons/svg/chevron-double-left';
export { ChevronDoubleRight20Regular } from '@fluentui/react-icons/svg/chevron-double-right';
export { Dismiss20Regular } from '@fluentui/react-icons/svg/dismiss';
export { Warning20Regular } from '@fluentui/react-icons/svg/warning';
export { DocumentArrowUp20Regular } from '@fluentui/react-icons/svg/document-arrow-up';
export { ContactCard20Regular, ContactCard48Regular } from '@fluentui/react-icons/svg/contact-card';
export { AppsList20Regular } from '@fluentui/react-icons/svg/apps-list';
export { SignOut20Regular } from '@fluentui/react-icons/svg/sign-out';
export { Building20Regular } from '@fluentui/react-icons/svg/building';
export { Note20Regular } from '@fluentui/react-icons/svg/note';
export { Person20Regular } from '@fluentui/react-icons/svg/person';
export { Checkmark20Regular } from '@fluentui/react-icons/svg/checkmark';

import type { SVGProps } from 'react';

// Brand marks are not part of Fluent's icon set: small monochrome glyphs drawn here.
const brand = (path: string, label: string) =>
  function Brand(props: SVGProps<SVGSVGElement>) {
    return (
      <svg viewBox="0 0 20 20" width="20" height="20" fill="currentColor" aria-hidden="true" data-brand={label} {...props}>
        <path d={path} />
      </svg>
    );
  };

export const LinkedInIcon = brand(
  'M4 3a1.5 1.5 0 1 1 0 3 1.5 1.5 0 0 1 0-3Zm-1.25 4.5h2.5V17h-2.5V7.5Zm4.5 0h2.4v1.3c.35-.65 1.2-1.5 2.6-1.5 2.6 0 3.1 1.7 3.1 3.9V17h-2.5v-4.9c0-1.2 0-2.6-1.6-2.6s-1.9 1.2-1.9 2.5V17h-2.5V7.5Z',
  'linkedin',
);
export const FacebookIcon = brand(
  'M11.2 17v-6h2l.3-2.4h-2.3V7.1c0-.7.2-1.2 1.2-1.2h1.2V3.8A16 16 0 0 0 11.8 3.7c-1.8 0-3 1.1-3 3.1v1.8H6.8V11h2v6h2.4Z',
  'facebook',
);
export const XIcon = brand('M3.5 3h3.6l3.2 4.5L14.2 3h2l-5 5.8L17 17h-3.6l-3.5-4.9L5.6 17h-2l5.4-6.2L3.5 3Zm2.7 1.4 8 11.2h1L7.3 4.4h-1.1Z', 'x');
export { QrCode20Regular } from '@fluentui/react-icons/svg/qr-code';
export { Link20Regular } from '@fluentui/react-icons/svg/link';
export { Rename20Regular } from '@fluentui/react-icons/svg/rename';
export { ArrowUndo20Regular } from '@fluentui/react-icons/svg/arrow-undo';
export { DeleteDismiss20Regular } from '@fluentui/react-icons/svg/delete-dismiss';
export { History20Regular } from '@fluentui/react-icons/svg/history';
export { PeopleSearch20Regular, PeopleSearch24Regular } from '@fluentui/react-icons/svg/people-search';
export { Merge20Regular } from '@fluentui/react-icons/svg/merge';
