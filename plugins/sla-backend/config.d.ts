export interface Config {
  sla?: {
    /** IANA zone used when neither the entity nor its calendar names one. */
    defaultTimezone?: string;
    /** Named business calendars (see SPEC §3). */
    calendars?: {
      [name: string]: {
        timezone?: string;
        hours: { [days: string]: string };
        holidays?: string[];
        workdays?: string[];
      };
    };
    /** Tier templates: annotation keys without the `servicelevel.io/` prefix → values. */
    tiers?: { [tier: string]: { [key: string]: string } };
    /** Schedule of the catalog sync and the incident provider sync. */
    schedule?: {
      frequency: { [unit: string]: number } | string;
      timeout: { [unit: string]: number } | string;
      initialDelay?: { [unit: string]: number } | string;
    };
    /**
     * Incident providers. Each vendor takes one account, a list of accounts with an `id`,
     * or a map of account id → account. See docs/providers.md.
     */
    providers?: {
      pagerduty?:
        | PagerDutyAccountConfig
        | PagerDutyAccountConfig[]
        | { [account: string]: PagerDutyAccountConfig };
      servicenow?:
        | ServiceNowAccountConfig
        | ServiceNowAccountConfig[]
        | { [account: string]: ServiceNowAccountConfig };
    };
  };
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
