// One Tab stop per contact (card, row): arrows move between contacts, Enter opens one (so
// tabster must not take Enter to go inside), Tab inside reaches its buttons. The attributes are the
// same for every contact: made once per list, not once per card (a page has up to 500).
import { useMemo } from 'react';
import { useFocusableGroup } from '@fluentui/react-components';

export type GroupAttrs = ReturnType<typeof useFocusableGroup>;

export function useGroupAttrs(): GroupAttrs {
  const attrs = useFocusableGroup({ tabBehavior: 'limited', ignoreDefaultKeydown: { Enter: true } });
  const key = JSON.stringify(attrs);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  return useMemo(() => attrs, [key]);
}
