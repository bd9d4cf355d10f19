import type { MetricsService } from '@backstage/backend-plugin-api/alpha';

/**
 * The SLA backend's counters and histograms, sent through Backstage's metrics service (an
 * OpenTelemetry meter per plugin; exporters are the app's choice). Names are
 * `backstage.plugin.sla.*`; attributes are low-cardinality: no entity refs, no ids.
 */
export interface SlaMetrics {
  /** Incidents written, by where they came from (`api`, `csv` or a provider id). */
  ingested(count: number, source: string): void;
  /** A provider sync that failed (`provider`, `account`). */
  syncError(provider: string, account: string): void;
  /** One entity-period evaluated by the engine, in milliseconds. */
  evaluated(ms: number, granularity: string): void;
}

/** {@link SlaMetrics} on the metrics service. */
export function createSlaMetrics(metrics: MetricsService): SlaMetrics {
  const ingested = metrics.createCounter(
    'backstage.plugin.sla.incidents.ingested',
    {
      description: 'Incidents written to the SLA store (inserted or updated)',
      unit: '{incident}',
    },
  );
  const syncErrors = metrics.createCounter('backstage.plugin.sla.sync.errors', {
    description: 'Incident provider syncs that failed',
    unit: '{sync}',
  });
  const evaluation = metrics.createHistogram(
    'backstage.plugin.sla.evaluation.duration',
    {
      description: 'Time to evaluate one entity over one period (SLA engine)',
      unit: 'ms',
    },
  );
  return {
    ingested: (count, source) => {
      if (count > 0) ingested.add(count, { source });
    },
    syncError: (provider, account) => syncErrors.add(1, { provider, account }),
    evaluated: (ms, granularity) => evaluation.record(ms, { granularity }),
  };
}
