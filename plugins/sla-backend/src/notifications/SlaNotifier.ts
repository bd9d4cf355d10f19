import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import type {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { overdueActionIds } from '@servicelevel/plugin-sla-common';
import { reviewDetail } from '../confirmations/status';
import type {
  EntityStore,
  NotificationEventStore,
  PlanStore,
  SlaEntity,
  SlaEventKind,
  TermsStore,
} from '../database';
import type { Plan, PlanStatus } from '../plans/types';
import type { ComplianceService } from '../service/ComplianceService';

/** A claim not marked sent after this long belongs to a run that died; another run may retry it. */
export const STALE_CLAIM_MS = 60 * 60 * 1000;

/** Notification topic of every SLA notification (users filter and mute by topic). */
export const SLA_NOTIFICATION_TOPIC = 'sla';

/** Plans whose actions can still fall overdue. */
const OPEN_PLAN_STATUSES: PlanStatus[] = [
  'proposed',
  'approved',
  'in-progress',
];

/** One thing an owner is told about, with the key that makes it happen once. */
export interface SlaEvent {
  /** Stable key, e.g. `breach|component:default/cad-core|availability|2026-09`. */
  key: string;
  kind: SlaEventKind;
  entityRef: string;
  /** Entity refs (users or groups), without duplicates. */
  recipients: string[];
  payload: NotificationSendOptions['payload'];
  /**
   * The notification's scope when it is not `key`: a later event of the same scope replaces
   * the earlier notification for the user (a clock at 75 % replaces its 50 % one).
   */
  scope?: string;
}

/** Shares of a target at which a running clock notifies its owners, once each (default). */
export const DEFAULT_CLOCK_THRESHOLDS: readonly number[] = [50, 75, 100];

/** What one run did. */
export interface SlaNotifierRunResult {
  /** Events found in this run, sent before or not. */
  events: number;
  sent: number;
  /** Sends that failed; their events are tried again on the next run. */
  failed: number;
}

/** Catalog page of an entity's SLA tab. */
export function slaTabLink(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/catalog/${encodeURIComponent(
    namespace.toLowerCase(),
  )}/${encodeURIComponent(kind.toLowerCase())}/${encodeURIComponent(name)}/sla`;
}

function unique(refs: Array<string | undefined>): string[] {
  return [...new Set(refs.filter((r): r is string => Boolean(r)))];
}

/**
 * Events for the open actions of a plan that are overdue in the entity's zone (sla-common's
 * `overdueActionIds`: the due day itself is still in time), as the plans API reports them.
 */
export function overdueActionEvents(
  plan: Plan,
  entity: SlaEntity | undefined,
  zone: string,
  now: number,
): SlaEvent[] {
  const overdue = new Set(overdueActionIds(plan, now, zone));
  return plan.actions
    .filter(action => overdue.has(action.id))
    .map(action => ({
      key: `action-overdue|${plan.id}|${action.id}|${action.dueDate}`,
      kind: 'action-overdue' as const,
      entityRef: plan.entityRef,
      recipients: unique([entity?.ownerRef, plan.owner, action.assignee]),
      payload: {
        title: `Improvement action overdue: ${action.title}`,
        description: `"${action.title}" of the plan "${plan.title}" for ${
          plan.entityRef
        } was due ${action.dueDate}${
          action.assignee ? ` (assigned to ${action.assignee})` : ''
        }.`,
        // The plan is shown in the plans section of the entity's SLA tab.
        link: slaTabLink(plan.entityRef),
        severity: 'normal' as const,
        topic: SLA_NOTIFICATION_TOPIC,
      },
    }));
}

/**
 * Tells owners about SLA events: an objective newly breached or at risk in the current period,
 * an agreement review falling due (within 30 days) or overdue, an improvement plan action
 * falling overdue. Each event has a stable key; a run sends only the events whose key it claims
 * first in the store, so reruns and other replicas never repeat one. A failed send gives the
 * claim back, so the event is tried again on the next run.
 */
export class SlaNotifier {
  constructor(
    private readonly deps: {
      compliance: Pick<ComplianceService, 'evaluateMany'>;
      entities: EntityStore;
      terms: TermsStore;
      plans: PlanStore;
      events: NotificationEventStore;
      notifications: NotificationService;
      logger: LoggerService;
      /** Zone of plan action due dates when the entity's terms are unknown. */
      defaultTimezone: string;
      /**
       * Shares of a target (percent) at which a running response or resolution clock tells
       * the owners (`sla.notifications.clockThresholds`, default 50, 75, 100); [] turns it off.
       */
      clockThresholds?: readonly number[];
    },
  ) {}

  /** Every event that holds at `now`, sent before or not. */
  async collect(now: number): Promise<SlaEvent[]> {
    const entities = new Map(
      (await this.deps.entities.listEntities()).map(e => [e.entityRef, e]),
    );
    const zones = new Map<string, string>();
    const events: SlaEvent[] = [];

    for (const latest of await this.deps.terms.listLatest()) {
      zones.set(latest.entityRef, latest.terms.timezone);
      const entity = entities.get(latest.entityRef);
      if (!entity?.ownerRef) continue;
      const review = reviewDetail(
        latest.terms.reviewBy,
        now,
        latest.terms.timezone,
      );
      if (review.state === 'due-soon' || review.state === 'overdue') {
        events.push(this.reviewEvent(entity, review.state, review));
      }
    }

    for (const r of await this.deps.compliance.evaluateMany(
      { kind: 'current' },
      now,
    )) {
      const entity = entities.get(r.entityRef);
      if (!entity?.ownerRef) continue;
      for (const o of r.result.objectives) {
        if (o.status !== 'breached' && o.status !== 'at-risk') continue;
        const kind: SlaEventKind =
          o.status === 'breached' ? 'breach' : 'at-risk';
        const name = r.title ?? entity.title ?? entity.name;
        events.push({
          key: `${kind}|${r.entityRef}|${o.objective}|${r.period.key}`,
          kind,
          entityRef: r.entityRef,
          recipients: [entity.ownerRef],
          payload: {
            title:
              kind === 'breach'
                ? `SLA breached: ${name} ${o.objective}`
                : `SLA at risk: ${name} ${o.objective}`,
            description:
              kind === 'breach'
                ? `${o.objective} of ${r.entityRef} is breached in ${r.period.key}: target ${o.target.display}, actual ${o.actual.display}.`
                : `${o.objective} of ${r.entityRef} is at risk of breaching in ${r.period.key}: target ${o.target.display}, actual ${o.actual.display}.`,
            link: slaTabLink(r.entityRef),
            severity: kind === 'breach' ? 'high' : 'normal',
            topic: SLA_NOTIFICATION_TOPIC,
          },
        });
      }
      events.push(...this.clockEvents(r, entity));
    }

    for (const plan of await this.deps.plans.list({
      status: OPEN_PLAN_STATUSES,
    })) {
      const zone = zones.get(plan.entityRef) ?? this.deps.defaultTimezone;
      events.push(
        ...overdueActionEvents(plan, entities.get(plan.entityRef), zone, now),
      );
    }

    // The notifications backend replaces an earlier notification of the same scope for a
    // user, so a send repeated after a crash between send and markSent does not duplicate.
    return events.map(e => ({
      ...e,
      payload: { ...e.payload, scope: e.scope ?? e.key },
    }));
  }

  /**
   * A running response or resolution clock of an open incident that has reached a threshold
   * share of its target: one event per (incident, clock, threshold), the highest reached; all
   * of one clock share a scope, so the owner sees its latest state once.
   */
  private clockEvents(
    r: Awaited<ReturnType<ComplianceService['evaluateMany']>>[number],
    entity: SlaEntity,
  ): SlaEvent[] {
    const thresholds = [
      ...(this.deps.clockThresholds ?? DEFAULT_CLOCK_THRESHOLDS),
    ].sort((a, b) => b - a);
    if (!thresholds.length || !entity.ownerRef) return [];
    const out: SlaEvent[] = [];
    const name = r.title ?? entity.title ?? entity.name;
    for (const row of r.result.incidents) {
      for (const clock of ['response', 'resolution'] as const) {
        const c = row[clock];
        if (c.stoppedAt !== undefined || !c.targetMs) continue;
        // Whole percent, rounded down: 74.99 % has not reached 75 %.
        const share = Math.floor((c.elapsedMs * 100) / c.targetMs);
        const reached = thresholds.find(t => share >= t);
        if (reached === undefined) continue;
        const scope = `clock|${r.entityRef}|${row.source}/${row.id}|${clock}`;
        out.push({
          key: `${scope}|${reached}`,
          scope,
          kind: 'clock-threshold',
          entityRef: r.entityRef,
          recipients: [entity.ownerRef],
          payload: {
            title: `${name}: ${row.priority} ${clock} clock at ${reached}% of its target`,
            description: `${row.source} ${row.id} (${
              row.title
            }): ${clock} clock ${share}% of the ${row.priority} target${
              c.dueAt !== undefined
                ? `, due ${new Date(c.dueAt).toISOString()}`
                : ''
            }.`,
            link: slaTabLink(r.entityRef),
            severity: reached >= 100 ? 'high' : 'normal',
            topic: SLA_NOTIFICATION_TOPIC,
          },
        });
      }
    }
    return out;
  }

  private reviewEvent(
    entity: SlaEntity,
    state: 'due-soon' | 'overdue',
    review: { reviewBy?: string; daysLeft?: number },
  ): SlaEvent {
    const name = entity.title ?? entity.name;
    const overdue = state === 'overdue';
    const kind: SlaEventKind = overdue ? 'review-overdue' : 'review-due';
    const days = review.daysLeft ?? 0;
    return {
      key: `${kind}|${entity.entityRef}|${review.reviewBy}`,
      kind,
      entityRef: entity.entityRef,
      recipients: unique([entity.ownerRef]),
      payload: {
        title: overdue
          ? `SLA review overdue: ${name}`
          : `SLA review due: ${name}`,
        description: overdue
          ? `The agreement of ${entity.entityRef} was to be reviewed by ${review.reviewBy}.`
          : `The agreement of ${entity.entityRef} is to be reviewed by ${
              review.reviewBy
            } (${days === 0 ? 'today' : `in ${days} days`}).`,
        link: slaTabLink(entity.entityRef),
        severity: overdue ? 'high' : 'normal',
        topic: SLA_NOTIFICATION_TOPIC,
      },
    };
  }

  /** One scheduler run: collects the events and sends each one not sent before. */
  async run(now: number = Date.now()): Promise<SlaNotifierRunResult> {
    const { events: store, notifications, logger } = this.deps;
    const events = await this.collect(now);
    const alreadySent = await store.sentKeys(events.map(e => e.key));
    let sent = 0;
    const failures: Array<{ key: string; error: Error }> = [];
    for (const event of events) {
      if (alreadySent.has(event.key)) continue;
      if (!(await store.claim(event, now, now - STALE_CLAIM_MS))) continue;
      try {
        await notifications.send({
          recipients: { type: 'entity', entityRef: event.recipients },
          payload: event.payload,
        });
      } catch (e) {
        await store.release(event.key);
        failures.push({ key: event.key, error: e as Error });
        continue;
      }
      await store.markSent(event.key, Date.now());
      sent += 1;
    }
    if (failures.length > 0) {
      // One line per run: with no notifications backend every send fails the same way.
      logger.warn(
        `SLA notifications: ${failures.length} of ${
          failures.length + sent
        } could not be sent and will be retried on the next run (is the notifications backend installed?). First: ${
          failures[0].key
        }: ${failures[0].error.message}`,
      );
    }
    return { events: events.length, sent, failed: failures.length };
  }
}
