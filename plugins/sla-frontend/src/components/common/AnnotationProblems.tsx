import { useTranslationRef } from '@backstage/frontend-plugin-api';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { EntityTerms } from '../../api';
import { slaTranslationRef } from '../../translation';

type AnnotationProblem = EntityTerms['versions'][number]['problems'][number];

/**
 * The annotation problems of the terms in force, above everything else on the card and the
 * tab: a malformed annotation changes what is measured, so it must not hide in the history.
 */
export const AnnotationProblems = ({
  terms,
}: {
  terms: EntityTerms | undefined;
}) => {
  const { t } = useTranslationRef(slaTranslationRef);
  const problems = terms?.versions[terms.versions.length - 1]?.problems ?? [];
  if (problems.length === 0) return null;
  return (
    <Alert severity="warning" data-testid="sla-problems">
      <AlertTitle>{t('card.problemsTitle')}</AlertTitle>
      {problems.map((p: AnnotationProblem) => (
        <Typography key={`${p.key}=${p.value}`} variant="body2" component="div">
          <code>{p.key}</code>: <code>{JSON.stringify(p.value)}</code> —{' '}
          {t('card.problemExpected', { expected: p.expected })}
        </Typography>
      ))}
    </Alert>
  );
};
