import { useTranslationRef } from '@backstage/frontend-plugin-api';
import { slaTranslationRef } from '../../translation';
import { splitObjective } from './format';

/** Human name of an objective id (`response-time:P1` → "Response time P1"). */
export function useObjectiveLabel(): (id: string) => string {
  const { t } = useTranslationRef(slaTranslationRef);
  return (id: string) => {
    const { kind, priority } = splitObjective(id);
    switch (kind) {
      case 'availability':
        return t('objective.availability');
      case 'response-time':
        return t('objective.responseTime', { priority: priority ?? '' });
      case 'resolution-time':
        return t('objective.resolutionTime', { priority: priority ?? '' });
      case 'max-incidents':
        return priority === 'all'
          ? t('objective.maxIncidentsAll')
          : t('objective.maxIncidents', { priority: priority ?? '' });
      case 'max-outage':
        return t('objective.maxOutage');
      case 'min-mtbf':
        return t('objective.minMtbf');
      default:
        return id;
    }
  };
}
