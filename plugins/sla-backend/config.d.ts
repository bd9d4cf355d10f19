export interface Config {
  sla?: {
    /** IANA zone used when neither the entity nor its calendar names one. */
    defaultTimezone?: string;
    /** Named business calendars (see docs/configuration.md). */
    calendars?: {
      [name: string]: {
        timezone?: string;
        hours: { [days: string]: string };
        holidays?: string[];
        workdays?: string[];
        /** Part-day closures: date (YYYY-MM-DD) → closed local spans, e.g. '13:00-18:00'. */
        closures?: { [date: string]: string };
        /**
         * Where holidays, make-up workdays and closures come from (docs/configuration.md);
         * the explicit lists above override it.
         */
        holidaySource?:
          | { kind: 'cn-official' }
          | { kind: 'public'; country: string; region?: string }
          | { kind: 'ics'; url: string };
      };
    };
    /**
     * Region code → calendar name, for `servicelevel.io/service-hours: calendar:by-region`:
     * each incident's clocks run on the calendar of its `region`; the first region's calendar
     * is the service's own (availability, periods, incidents without a listed region).
     */
    regions?: { [region: string]: string };
    /** The dependency chain (issue 17, SPEC §8). */
    dependencies?: {
      /** How far `dependsOn` relations are followed (default 2). */
      depth?: number;
    };
    /**
     * Data coverage of the linked incident sources (SPEC §9, docs/coverage.md): objectives
     * fed by a source synced for less of a period than `threshold` read `unknown`.
     */
    coverage?: {
      /** Percent, default 95. */
      threshold?: number;
      /**
       * A stretch longer than this with no successful sync is a gap; default 3 × the
       * provider sync's frequency (15 minutes). A duration: `{ minutes: 30 }`, `PT30M` or `30m`.
       */
      maxGap?: string | { [unit: string]: number };
    };
    /** Tier templates: annotation keys without the `servicelevel.io/` prefix → values. */
    tiers?: { [tier: string]: { [key: string]: string } };
    /** Bounds on the work of one request (docs/api.md). */
    limits?: {
      /** The longest custom range (from/to) evaluated, in years; default 5. */
      maxRangeYears?: number;
    };
    /**
     * Schedule of the catalog sync and the incident provider sync (default every 5 minutes,
     * timeout 10 minutes). See docs/configuration.md.
     */
    schedule?: SlaTaskScheduleConfig;
    /**
     * Several backend replicas on one database (docs/configuration.md, "Several replicas").
     */
    replicas?: {
      /**
       * How often each replica records that it is alive (default `{ seconds: 10 }`); one
       * silent for three heartbeats is gone: the others see it at their next heartbeat and
       * take its share of `sla-snapshots` over at once. Keep four heartbeats under the
       * snapshot interval.
       */
      heartbeat?: { [unit: string]: number } | string;
    };
    /** Schedules of the other scheduled tasks; each replaces that task's default. */
    schedules?: {
      /** Publishing closed periods (`sla-snapshots`; default hourly, first run 2 minutes after start). */
      snapshots?: SlaTaskScheduleConfig;
      /** Period service reports (`sla-reports`; default hourly, first run 5 minutes after start). */
      reports?: SlaTaskScheduleConfig;
      /**
       * Rebuilding the organisation overviews read in the last day (`sla-overviews`, on
       * every replica; default every 5 minutes, first run after 5). Keep it under 15
       * minutes, how long an overview is served while it is rebuilt.
       */
      overviews?: SlaTaskScheduleConfig;
      /** Owner notifications (`sla-notifications`; default every 15 minutes, first run after 3). */
      notifications?: SlaTaskScheduleConfig;
    };
    /**
     * Per customer (the group named by `servicelevel.io/customer`), keyed by its name
     * (`dispatch-center`) or its full ref: settings of its period service reports and its
     * default fee for service credits.
     */
    customers?: {
      [customer: string]: {
        /** Language of its reports unless a download asks for another (`lang`); default en. */
        language?: 'en' | 'zh-CN';
        /**
         * Monthly fee of each of its services, amount and ISO 4217 currency (`12000 CNY`), for
         * service credits. A service's own `servicelevel.io/monthly-fee` wins. A malformed value
         * is logged at startup and ignored.
         */
        monthlyFee?: string;
      };
    };
    /**
     * Owner notifications (objective breached or at risk, review due or overdue, plan action
     * overdue), sent through @backstage/plugin-notifications-node. See docs/configuration.md.
     */
    notifications?: {
      /** Send them (default true). Without the notifications backend, sends fail and are retried. */
      enabled?: boolean;
      /**
       * Shares of a target, in percent, at which a running response or resolution clock tells
       * the owners, once each (default [50, 75, 100]); [] turns these off.
       */
      clockThresholds?: number[];
    };
    /**
     * Incident providers. Each vendor takes one account, a list of accounts with an `id`,
     * or a map of account id → account. See docs/providers.md.
     */
    providers?: {
      pagerduty?: Accounts<PagerDutyAccountConfig>;
      servicenow?: Accounts<ServiceNowAccountConfig>;
      jira?: Accounts<JiraAccountConfig>;
      /** Opsgenie's APIs end in April 2027 (Atlassian); this block goes away with them. */
      opsgenie?: Accounts<OpsgenieAccountConfig>;
      prometheus?: Accounts<PrometheusAccountConfig>;
    };
  };
}

/**
 * A task schedule as Backstage reads it (readSchedulerServiceTaskScheduleDefinitionFromConfig):
 * durations as `{ minutes: 5 }` or ISO 8601 (`PT5M`); `frequency` may also be `{ cron: '…' }`.
 * `scope` is not read: `sla-snapshots` runs on every replica, each on its share of the
 * entities; every other SLA task runs on one replica at a time.
 */
/** One account, a list of accounts, or a map of account id → account. */
type Accounts<T> = T | T[] | { [account: string]: T };

interface SlaTaskScheduleConfig {
  frequency: { [unit: string]: number | string } | string;
  timeout: { [unit: string]: number } | string;
  initialDelay?: { [unit: string]: number } | string;
}

interface PagerDutyAccountConfig {
  /** Account id; also matched against the `pagerduty.com/account` annotation. */
  id?: string;
  /**
   * REST API token.
   * @visibility secret
   */
  token: string;
  /** Default https://api.pagerduty.com; https://api.eu.pagerduty.com for the EU region. */
  baseUrl?: string;
  /** Days before now re-read each run to see late acknowledgements and resolutions (default 7). */
  lookbackDays?: number;
}

interface ServiceNowAccountConfig {
  id?: string;
  /** e.g. https://acme.service-now.com */
  baseUrl: string;
  /** Basic authentication user. */
  username?: string;
  /**
   * @visibility secret
   */
  password?: string;
  /**
   * OAuth bearer token, instead of username and password.
   * @visibility secret
   */
  token?: string;
  /** Incident fields matched against `servicenow.com/entity-id` (default business_service, cmdb_ci). */
  entityIdFields?: string[];
  /** Read response times from task_sla (default true). */
  responseSla?: boolean;
  /** Encoded query selecting the response SLA rows in task_sla (default `sla.target=response`). */
  responseSlaQuery?: string;
}

interface JiraAccountConfig {
  id?: string;
  /** Jira Service Management Cloud site, e.g. https://acme.atlassian.net */
  baseUrl: string;
  /** With `token` (an Atlassian API token) for Basic authentication. */
  email?: string;
  /**
   * Atlassian API token (with `email`), or an OAuth 2.0 bearer token (without `email`).
   * @visibility secret
   */
  token: string;
  /** Read first response and resolution from /rest/servicedeskapi/request/{key}/sla (default true). */
  requestSla?: boolean;
  /** Name of the SLA metric giving the first response (default "Time to first response"). */
  firstResponseSla?: string;
  /** Name of the SLA metric giving the resolution (default "Time to resolution"). */
  resolutionSla?: string;
}

/**
 * Opsgenie. Atlassian ends Opsgenie's APIs in April 2027; remove with OpsgenieProvider.ts.
 */
interface OpsgenieAccountConfig {
  id?: string;
  /**
   * API key of an Opsgenie API integration (sent as `GenieKey`).
   * @visibility secret
   */
  token: string;
  /** Default https://api.opsgenie.com; https://api.eu.opsgenie.com for the EU instance. */
  baseUrl?: string;
  /** What becomes an SLA incident: `incidents` (default, GET /v1/incidents) or `alerts` (GET /v2/alerts). */
  records?: 'incidents' | 'alerts';
  /** Days before now re-read each run to see late acknowledgements and closings (default 7). */
  lookbackDays?: number;
}

interface PrometheusAccountConfig {
  /** Account id; also matched against the `prometheus.io/account` annotation. */
  id?: string;
  /** e.g. https://prometheus.acme.com (the API is under /api/v1). */
  baseUrl: string;
  /**
   * Bearer token, e.g. for a managed Prometheus or a proxy.
   * @visibility secret
   */
  token?: string;
  /** Basic authentication user. */
  username?: string;
  /**
   * @visibility secret
   */
  password?: string;
  /** query_range step in whole seconds (default 60): the outage resolution. */
  stepSeconds?: number;
  /** Priority of every outage incident (default P2). */
  defaultPriority?: 'P1' | 'P2' | 'P3' | 'P4';
  /** Metric for an annotation that is only a label selector: `up` (default) or `probe_success`. */
  labelMetric?: string;
  /** How far back an outage running at the start of a sync window is traced to its start (default 7). */
  maxOutageLookbackDays?: number;
}
