import { Button } from '@fluentui/react-components';
import { EmptyState } from '../components/ui';
import { navigate } from '../app/router';
import { useT } from '../i18n';

export function NotFoundPage() {
  const t = useT();
  return (
    <EmptyState title={t('notFound.title')} body={t('notFound.body', { path: location.pathname })}>
      <Button appearance="primary" onClick={() => navigate('/')}>
        {t('book.allLists')}
      </Button>
    </EmptyState>
  );
}
