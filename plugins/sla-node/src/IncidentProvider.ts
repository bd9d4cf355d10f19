import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  Incident,
  Priority,
  VendorVerdict,
} from '@servicelevel/plugin-sla-common';

/**
 * A catalog entity with SLA annotations, as the sync engine hands it to providers.
 * Providers pick the entities they link to from `annotations` (e.g. `pagerduty.com/service-id`).
 * @public
 */
export interface LinkedEntity {
  /** e.g. `component:default/checkout` */
  entityRef: string;
  /** All annotations of the entity, as last read from the catalog. */
  annotations: Record<string, string>;
  /** The entity's `servicelevel.io/priority-map` (latest terms), when it has one. */
  priorityMap?: Record<string, Priority>;
}

/**
 * What one run of one provider account may read.
 * @public
 */
export interface IncidentProviderSyncContext {
  /** The account (a configured id such as `main`) this run is for. */
  account: string;
  /**
   * Read everything created or changed at or after this instant (epoch ms). The engine
   * already moved it back by a safety overlap before the last committed checkpoint, so
   * records near the boundary are read twice; the store dedupes by (source, id).
   */
  since: number;
  /** Read up to this instant (epoch ms, exclusive): the run's "now". */
  until: number;
  /** Every entity that carries SLA annotations. */
  entities: LinkedEntity[];
  /** Aborted when the scheduler cancels the run; pass it to every request. */
  signal: AbortSignal;
  logger: LoggerService;
}

/**
 * One batch of a provider run. The engine commits `incidents` in one transaction before
 * it asks for the next page, and only then records `checkpoint`.
 * @public
 */
export interface IncidentPage {
  incidents: Incident[];
  /** Records the provider could not map (it logged each one); they never drop the page. */
  skipped: number;
  /**
   * Optional progress point (epoch ms): every record created or changed before it has been
   * yielded by this page or an earlier one. The next run restarts from it (minus the
   * overlap) if this run fails later. When a run completes, the engine checkpoints `until`.
   */
  checkpoint?: number;
  /** First skip reason, for the operator (shown in the source's status). */
  skipReason?: string;
  /**
   * The vendor's own SLA verdicts for this page's incidents (Jira Service Management request
   * SLAs, ServiceNow task_sla), stored beside ours in the same transaction for the source's
   * cross-check. A verdict whose incident is not on the page is dropped.
   */
  vendorVerdicts?: VendorVerdict[];
}

/**
 * An incident source (PagerDuty, ServiceNow, …). Add one with
 * {@link slaIncidentProvidersExtensionPoint}.
 * @public
 */
export interface IncidentProvider {
  /** The incident `source` it writes, e.g. `pagerduty`. Unique among providers. */
  readonly id: string;
  /** The configured accounts; the engine runs each one separately. */
  accounts(): string[];
  /**
   * Reads one account's incidents created or changed in [since, until) as pages. Must not
   * write anything itself. Throwing fails this account's run only; the cursor stays at the
   * last committed checkpoint.
   */
  sync(context: IncidentProviderSyncContext): AsyncIterable<IncidentPage>;
  /**
   * What this account's records feed for an entity, for data coverage (SPEC §9): `all` for an
   * incident source, `availability` for one that only reports outages (availability,
   * max-outage and min-mtbf); undefined when the account does not serve the entity. A provider
   * without it is not counted in coverage: its sync gaps make no objective `unknown`.
   */
  feeds?(
    account: string,
    entity: LinkedEntity,
  ): IncidentProviderFeeds | undefined;
}

/**
 * What a provider account's records feed (see {@link IncidentProvider.feeds}).
 * @public
 */
export type IncidentProviderFeeds = 'all' | 'availability';
