import { useState } from 'react';
import { CompoundEntityRef } from '@backstage/catalog-model';
import {
  CodeSnippet,
  InfoCard,
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  formatPoints,
  SLA_ANNOTATION_PREFIX,
} from '@servicelevel/plugin-sla-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import AlertTitle from '@material-ui/lab/AlertTitle';
import type { TermsPreview, TermsPreviewPeriod } from '../../api';
import { PickerSelect, useSlaApi, useSlaFormat } from '../common';

/** The annotation lines the text box starts from: the entity's own `servicelevel.io/` keys. */
export function annotationText(annotations: Record<string, string>): string {
  return Object.entries(annotations)
    .filter(([k]) => k.startsWith(SLA_ANNOTATION_PREFIX))
    .map(([k, v]) => `${k}: ${v}`)
    .join('\n');
}

/**
 * Reads `key: value` lines (as they stand under `metadata.annotations`, quotes allowed) into
 * annotations; a line that is not one is reported by number. The values themselves are
 * checked by the backend, with the same parser as the catalog.
 */
export function parseAnnotationText(
  text: string,
): { annotations: Record<string, string> } | { badLines: number[] } {
  const annotations: Record<string, string> = {};
  const badLines: number[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^([^\s:]+)\s*:\s*(.*)$/.exec(line);
    if (!m || !m[1].startsWith(SLA_ANNOTATION_PREFIX)) {
      badLines.push(i + 1);
      return;
    }
    const v = m[2].trim();
    annotations[m[1]] = /^(['"]).*\1$/.test(v) ? v.slice(1, -1) : v;
  });
  return badLines.length ? { badLines } : { annotations };
}

/** The change as it goes into catalog-info.yaml, values quoted so YAML keeps them strings. */
export function annotationSnippet(annotations: Record<string, string>): string {
  const lines = Object.entries(annotations).map(
    ([k, v]) => `    ${k}: '${v.replace(/'/g, "''")}'`,
  );
  return ['metadata:', '  annotations:', ...lines].join('\n');
}

const PERIOD_CHOICES = [6, 12, 24, 36];

/**
 * "Propose a change": edit the entity's SLA annotations, see what the last closed periods
 * would have been under them next to what they were, and copy the YAML for the pull request.
 * Every figure is the backend's (POST …/preview); nothing is stored.
 */
export const ProposeChangePanel = ({
  entity,
  annotations,
}: {
  entity: CompoundEntityRef;
  annotations: Record<string, string>;
}) => {
  const slaApi = useSlaApi();
  const fmt = useSlaFormat();
  const { t } = fmt;
  const [text, setText] = useState(() => annotationText(annotations));
  const [periods, setPeriods] = useState(12);
  const [state, setState] = useState<{
    loading?: boolean;
    error?: Error;
    badLines?: number[];
    value?: TermsPreview;
    proposed?: Record<string, string>;
  }>({});

  const run = async () => {
    const parsed = parseAnnotationText(text);
    if ('badLines' in parsed) {
      setState({ badLines: parsed.badLines });
      return;
    }
    setState({ loading: true });
    try {
      const value = await slaApi.previewEntityTerms(entity, {
        annotations: parsed.annotations,
        periods,
      });
      setState({ value, proposed: parsed.annotations });
    } catch (e) {
      setState({ error: e as Error });
    }
  };

  const statusText = (status: string) => {
    switch (status) {
      case 'met':
        return t('preview.status.met');
      case 'breached':
        return t('preview.status.breached');
      case 'not-counted':
        return t('preview.status.notCounted');
      default:
        return t('preview.status.other');
    }
  };

  const rate = (side: TermsPreviewPeriod['current']) =>
    side.committed === 0
      ? t('common.notApplicable')
      : `${fmt.percent(side.achievementRate)} (${fmt.rateOf(
          side.met,
          side.committed,
        )})`;

  const columns: TableColumn<TermsPreviewPeriod>[] = [
    { title: t('common.period'), field: 'period' },
    { title: t('preview.inForce'), render: p => rate(p.current) },
    { title: t('preview.proposed'), render: p => rate(p.proposed) },
    {
      title: t('preview.change'),
      render: p =>
        p.rateChange === undefined || p.rateChange === 0 ? (
          '—'
        ) : (
          <Typography
            variant="body2"
            color={p.rateChange < 0 ? 'error' : 'primary'}
          >
            {t('preview.points', { points: formatPoints(p.rateChange) })}
          </Typography>
        ),
    },
    {
      title: t('preview.incidents'),
      render: p =>
        p.incidents.length === 0
          ? '—'
          : p.incidents.map(i => (
              <Typography
                key={`${i.source}:${i.id}:${i.clock}`}
                variant="caption"
                component="div"
              >
                {t('preview.incidentChange', {
                  incident: `${i.source}: ${i.id}`,
                  clock: t(
                    i.clock === 'response'
                      ? 'card.clockResponse'
                      : 'card.clockResolution',
                  ),
                  from: statusText(i.current),
                  to: statusText(i.proposed),
                })}
              </Typography>
            )),
    },
  ];

  return (
    <InfoCard title={t('preview.title')} subheader={t('preview.subheader')}>
      <TextField
        label={t('preview.annotations')}
        value={text}
        onChange={e => setText(e.target.value)}
        multiline
        minRows={4}
        fullWidth
        variant="outlined"
        inputProps={{
          'data-testid': 'sla-proposal-text',
          style: { fontFamily: 'monospace' },
        }}
      />
      <Box display="flex" alignItems="center" mt={2} style={{ gap: 16 }}>
        <PickerSelect
          id="sla-preview-periods"
          label={t('preview.periods')}
          value={periods}
          minWidth={160}
          options={PERIOD_CHOICES.map(n => ({
            value: n,
            label: t('preview.lastPeriods', { n: String(n) }),
          }))}
          onChange={v => setPeriods(Number(v))}
        />
        <Button
          variant="contained"
          color="primary"
          onClick={run}
          disabled={state.loading}
        >
          {t('preview.run')}
        </Button>
      </Box>
      {state.badLines && (
        <Box mt={2}>
          <Alert severity="error">
            {t('preview.badLines', { lines: state.badLines.join(', ') })}
          </Alert>
        </Box>
      )}
      {state.loading && <Progress />}
      {state.error && <ResponseErrorPanel error={state.error} />}
      {state.value && (
        <Box mt={2} data-testid="sla-preview-result">
          {state.value.problems.length > 0 && (
            <Alert severity="warning">
              <AlertTitle>{t('card.problemsTitle')}</AlertTitle>
              {state.value.problems.map(p => (
                <Typography key={p.key} variant="body2" component="div">
                  {p.message}
                </Typography>
              ))}
            </Alert>
          )}
          <Table<TermsPreviewPeriod>
            title={t('preview.resultTitle')}
            options={{ paging: false, search: false, padding: 'dense' }}
            columns={columns}
            data={state.value.periods}
          />
          <Box mt={2}>
            <Typography variant="subtitle2">{t('preview.snippet')}</Typography>
            <CodeSnippet
              text={annotationSnippet(state.proposed ?? {})}
              language="yaml"
              showCopyCodeButton
            />
          </Box>
        </Box>
      )}
    </InfoCard>
  );
};
