import { getCompoundEntityRef } from '@backstage/catalog-model';
import {
  InfoCard,
  MissingAnnotationEmptyState,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  hasSlaAnnotations,
  SLA_ANNOTATIONS,
} from '@servicelevel/plugin-sla-common';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { slaApiRef } from '../../api';
import { ObjectiveStatus } from '../../api/types';

const STATUS_LABEL: Record<ObjectiveStatus, string> = {
  met: 'Met',
  breached: 'Breached',
  'at-risk': 'At risk',
  running: 'Running',
  'no-data': 'No data',
};

const EXAMPLE_YAML = `metadata:
  annotations:
    servicelevel.io/tier: gold
    servicelevel.io/availability: 99.9%
    servicelevel.io/response-time: P1=15m P2=30m P3=4h P4=1d`;

/** Is this service within its SLA right now? The card on the entity overview. */
export const EntitySlaCard = () => {
  const { entity } = useEntity();
  const slaApi = useApi(slaApiRef);
  const available = hasSlaAnnotations(entity.metadata.annotations);

  const { value, loading, error } = useAsync(
    async () =>
      available
        ? slaApi.getEntityCompliance(getCompoundEntityRef(entity))
        : undefined,
    [slaApi, entity, available],
  );

  if (!available) {
    return (
      <MissingAnnotationEmptyState
        annotation={[SLA_ANNOTATIONS.tier, SLA_ANNOTATIONS.availability]}
        readMoreUrl="https://github.com/servicelevel/backstage-sla#annotations"
      />
    );
  }

  return (
    <InfoCard title="Service level">
      {loading && <Progress />}
      {error && <ResponseErrorPanel error={error} />}
      {value && (
        <>
          {value.problems.map(problem => (
            <Typography key={problem.key} color="error" variant="body2">
              {problem.message}
            </Typography>
          ))}
          <Typography variant="subtitle2">Period {value.period.key}</Typography>
          <List dense>
            {value.objectives.map(o => (
              <ListItem key={o.objective}>
                <ListItemText
                  primary={o.objective}
                  secondary={`target ${o.target}${
                    o.actual ? ` · actual ${o.actual}` : ''
                  }`}
                />
                <Chip size="small" label={STATUS_LABEL[o.status]} />
              </ListItem>
            ))}
          </List>
        </>
      )}
    </InfoCard>
  );
};

/** Copy-ready YAML for services that have no SLA yet. */
export const SLA_EXAMPLE_YAML = EXAMPLE_YAML;
