import { SLA_ANNOTATION_PREFIX } from './annotations';
import { formatDuration } from './duration';
import { formatSlaTerms } from './terms';
import { PRIORITIES, Priority, SlaTerms } from './types';

const q = (s: string) => JSON.stringify(s); // a JSON string is a valid YAML double-quoted scalar

/** OpenSLO object name (DNS label) for an entity ref and suffix. */
export function openSloName(entityRef: string, suffix?: string): string {
  const base = entityRef
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const full = suffix ? `${base}-${suffix}` : base;
  return full.slice(0, 63).replace(/-+$/, '') || 'service';
}

const WINDOW = { monthly: '1M', quarterly: '1Q', yearly: '1Y' } as const;

/** Keys the SLO documents carry; every other term goes on the Service as an annotation. */
const IN_SLOS = new Set(['availability', 'response-time', 'resolution-time']);

/**
 * The terms OpenSLO cannot express (service hours, zone, fault ceilings, maintenance,
 * customer, credits…) as `servicelevel.io/` annotations of the Service, so that
 * {@link readOpenSlo} gives back equal terms.
 */
function serviceAnnotations(terms: SlaTerms): string[] {
  const rest = Object.entries(formatSlaTerms(terms)).filter(
    ([k]) => !IN_SLOS.has(k.slice(SLA_ANNOTATION_PREFIX.length)),
  );
  if (!rest.length) return [];
  return ['  annotations:', ...rest.map(([k, v]) => `    ${q(k)}: ${q(v)}`)];
}

/**
 * OpenSLO v1 YAML (multi-document) for an entity's terms: one `Service`,
 * an availability `SLO` (ratio of good service time, Timeslices) and one
 * `SLO` per response/resolution target (threshold, Occurrences, target =
 * percentile). Calendar-aligned windows in the terms' zone. Written by hand
 * (no YAML dependency); all strings are double-quoted.
 */
export function toOpenSlo(entityRef: string, terms: SlaTerms): string {
  const service = openSloName(entityRef);
  const docs: string[] = [];
  docs.push(
    [
      'apiVersion: openslo/v1',
      'kind: Service',
      'metadata:',
      `  name: ${q(service)}`,
      `  displayName: ${q(entityRef)}`,
      ...serviceAnnotations(terms),
      'spec:',
      `  description: ${q(
        `SLA${terms.agreement ? ` ${terms.agreement}` : ''}; service hours ${
          terms.serviceHours.spec
        } (${terms.timezone})`,
      )}`,
    ].join('\n'),
  );
  const window = [
    '  timeWindow:',
    `    - duration: ${WINDOW[terms.period]}`,
    '      isRolling: false',
    '      calendar:',
    '        startTime: "2020-01-01 00:00:00"',
    `        timeZone: ${q(terms.timezone)}`,
  ];
  const metric = (query: string, indent: string) => [
    `${indent}metricSource:`,
    `${indent}  type: "servicelevel"`,
    `${indent}  spec:`,
    `${indent}    query: ${q(query)}`,
  ];
  if (terms.availability !== undefined) {
    const name = openSloName(entityRef, 'availability');
    docs.push(
      [
        'apiVersion: openslo/v1',
        'kind: SLO',
        'metadata:',
        `  name: ${q(name)}`,
        `  displayName: ${q(`Availability ${terms.availability}%`)}`,
        'spec:',
        `  service: ${q(service)}`,
        '  indicator:',
        '    metadata:',
        `      name: ${q(`${name}-sli`)}`,
        '    spec:',
        '      ratioMetric:',
        '        counter: false',
        '        good:',
        ...metric(`uptime_ms{entity=${q(entityRef)}}`, '          '),
        '        total:',
        ...metric(`service_time_ms{entity=${q(entityRef)}}`, '          '),
        ...window,
        '  budgetingMethod: "Timeslices"',
        '  objectives:',
        `    - displayName: ${q('Availability')}`,
        `      target: ${terms.availability / 100}`,
        '      timeSliceTarget: 1',
        '      timeSliceWindow: "1m"',
      ].join('\n'),
    );
  }
  for (const [kind, targets] of [
    ['response-time', terms.responseTime],
    ['resolution-time', terms.resolutionTime],
  ] as const) {
    if (!targets) continue;
    for (const p of PRIORITIES) {
      const t = targets[p];
      if (!t) continue;
      const name = openSloName(entityRef, `${kind}-${p.toLowerCase()}`);
      docs.push(
        [
          'apiVersion: openslo/v1',
          'kind: SLO',
          'metadata:',
          `  name: ${q(name)}`,
          `  displayName: ${q(
            `${kind} ${p} ${formatDuration(t.targetMs, terms.serviceDayMs)}`,
          )}`,
          'spec:',
          `  service: ${q(service)}`,
          '  indicator:',
          '    metadata:',
          `      name: ${q(`${name}-sli`)}`,
          '    spec:',
          '      thresholdMetric:',
          ...metric(
            `${kind.replace('-', '_')}_business_ms{entity=${q(
              entityRef,
            )},priority=${q(p)}}`,
            '        ',
          ),
          ...window,
          '  budgetingMethod: "Occurrences"',
          '  objectives:',
          `    - displayName: ${q(
            `${p} within ${formatDuration(t.targetMs, terms.serviceDayMs)}`,
          )}`,
          '      op: lte',
          `      value: ${t.targetMs}`,
          `      target: ${t.percentile / 100}`,
        ].join('\n'),
      );
    }
  }
  return `${docs.map(d => `---\n${d}`).join('\n')}\n`;
}

/** One thing in OpenSLO documents the annotation grammar cannot take, with where it is. */
export interface OpenSloProblem {
  /** e.g. `SLO "cad-core-latency": spec.indicator.spec.thresholdMetric`. */
  path: string;
  message: string;
}

const PERIOD_OF_WINDOW: Record<string, SlaTerms['period']> = {
  '1M': 'monthly',
  '1Q': 'quarterly',
  '1Y': 'yearly',
};

const CLOCK_QUERY =
  /^(response|resolution)_time_business_ms\{.*priority="(P[1-4])".*\}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `h`/`m`/`s` text of whole seconds: the same length whatever the service day is. */
function hms(ms: number): string {
  const s = Math.round(ms / 1000);
  const parts = [
    [Math.floor(s / 3600), 'h'],
    [Math.floor((s % 3600) / 60), 'm'],
    [s % 60, 's'],
  ].filter(([n]) => n);
  return parts.map(([n, u]) => `${n}${u}`).join('') || '0s';
}

/** A fraction as the percent text the grammar reads (`0.999` → `99.9`). */
function percentText(fraction: number): string {
  return String(Math.round(fraction * 100 * 1e6) / 1e6);
}

/**
 * Reads OpenSLO v1 documents (`Service`, `SLO`; already parsed from YAML) into
 * `servicelevel.io/` annotations:
 * - an SLO with a `ratioMetric` indicator is the availability target (`objectives[0].target`);
 * - an SLO with a `thresholdMetric` on the clocks {@link toOpenSlo} writes
 *   (`response_time_business_ms{…,priority="P1"}`, op `lte`) is a response or resolution
 *   target, `target` its percentile;
 * - the Service's `servicelevel.io/` annotations are taken as they are;
 * - calendar-aligned windows `1M`, `1Q`, `1Y` set `period`.
 *
 * Anything else (another kind, a rolling window, a threshold on some other metric, an SLI by
 * reference, several objectives in one SLO) is a problem naming the document and the field;
 * nothing of that document is taken. Pure: the caller reads and parses the file.
 */
export function readOpenSlo(docs: unknown[]): {
  annotations: Record<string, string>;
  problems: OpenSloProblem[];
} {
  const annotations: Record<string, string> = {};
  const problems: OpenSloProblem[] = [];
  const targets: Record<'response' | 'resolution', string[]> = {
    response: [],
    resolution: [],
  };
  const periods = new Set<string>();
  let services = 0;
  docs.forEach((doc, i) => {
    const bad = (where: string, path: string, message: string) =>
      problems.push({ path: `${where}: ${path}`, message });
    if (doc === null || doc === undefined) return; // an empty document (`---` at the end)
    if (!isObject(doc)) {
      bad(`document ${i + 1}`, '(root)', 'expected a mapping');
      return;
    }
    const kind = typeof doc.kind === 'string' ? doc.kind : '';
    const meta = isObject(doc.metadata) ? doc.metadata : {};
    const name = typeof meta.name === 'string' ? meta.name : `#${i + 1}`;
    const where = `${kind || 'document'} "${name}"`;
    if (doc.apiVersion !== 'openslo/v1') {
      bad(
        where,
        'apiVersion',
        `"${String(doc.apiVersion)}" — expected openslo/v1`,
      );
      return;
    }
    if (kind === 'Service') {
      if (++services > 1) {
        bad(where, 'kind', 'a second Service — one file describes one service');
        return;
      }
      const ann = isObject(meta.annotations) ? meta.annotations : {};
      for (const [k, v] of Object.entries(ann)) {
        if (!k.startsWith(SLA_ANNOTATION_PREFIX) || typeof v !== 'string')
          continue;
        const key = k.slice(SLA_ANNOTATION_PREFIX.length);
        if (IN_SLOS.has(key) || key === 'openslo') {
          bad(
            where,
            `metadata.annotations.${k}`,
            'belongs in an SLO, not on the Service',
          );
          continue;
        }
        annotations[k] = v;
      }
      return;
    }
    if (kind !== 'SLO') {
      bad(
        where,
        'kind',
        `"${kind}" — only Service and SLO documents carry SLA terms (inline SLIs in their SLO)`,
      );
      return;
    }
    const spec = isObject(doc.spec) ? doc.spec : {};
    if (spec.indicatorRef !== undefined) {
      bad(
        where,
        'spec.indicatorRef',
        'an SLI by reference — inline the indicator in the SLO',
      );
      return;
    }
    const windows = Array.isArray(spec.timeWindow) ? spec.timeWindow : [];
    const window = isObject(windows[0]) ? windows[0] : undefined;
    const period = window && PERIOD_OF_WINDOW[String(window.duration)];
    if (!window || window.isRolling !== false || !period) {
      bad(
        where,
        'spec.timeWindow[0]',
        `${
          window?.isRolling === false
            ? `duration "${String(window?.duration)}"`
            : 'a rolling window'
        } — SLA periods are calendar months, quarters or years: duration 1M, 1Q or 1Y with isRolling: false`,
      );
      return;
    }
    const objectives = Array.isArray(spec.objectives) ? spec.objectives : [];
    const objective = isObject(objectives[0]) ? objectives[0] : undefined;
    if (objectives.length !== 1 || !objective) {
      bad(
        where,
        'spec.objectives',
        `${objectives.length} objectives — expected exactly one`,
      );
      return;
    }
    const target = Number(objective.target);
    if (!(target > 0 && target <= 1)) {
      bad(
        where,
        'spec.objectives[0].target',
        `"${String(objective.target)}" — expected a fraction in (0, 1]`,
      );
      return;
    }
    const indicator =
      isObject(spec.indicator) && isObject(spec.indicator.spec)
        ? spec.indicator.spec
        : {};
    if (isObject(indicator.ratioMetric)) {
      if (annotations[`${SLA_ANNOTATION_PREFIX}availability`] !== undefined) {
        bad(
          where,
          'spec.indicator.spec.ratioMetric',
          'a second availability SLO',
        );
        return;
      }
      annotations[`${SLA_ANNOTATION_PREFIX}availability`] = `${percentText(
        target,
      )}%`;
      periods.add(period);
      return;
    }
    const threshold = isObject(indicator.thresholdMetric)
      ? indicator.thresholdMetric
      : undefined;
    const source =
      threshold && isObject(threshold.metricSource)
        ? threshold.metricSource
        : {};
    const query = isObject(source.spec) ? String(source.spec.query ?? '') : '';
    const clock =
      source.type === 'servicelevel' ? CLOCK_QUERY.exec(query) : null;
    if (!clock) {
      bad(
        where,
        threshold
          ? 'spec.indicator.spec.thresholdMetric.metricSource'
          : 'spec.indicator.spec',
        threshold
          ? `a threshold on "${
              query || String(source.type)
            }" — only the SLA's response and resolution clocks (type servicelevel, response_time_business_ms or resolution_time_business_ms with a priority) are SLA targets`
          : 'no ratioMetric or thresholdMetric',
      );
      return;
    }
    const value = Number(objective.value);
    if (
      objective.op !== 'lte' ||
      !Number.isInteger(value) ||
      value <= 0 ||
      value % 1000
    ) {
      bad(
        where,
        'spec.objectives[0]',
        `op "${String(objective.op)}" value "${String(
          objective.value,
        )}" — expected op: lte and a value in whole seconds of milliseconds`,
      );
      return;
    }
    const pct = percentText(target);
    targets[clock[1] as 'response' | 'resolution'].push(
      `${clock[2] as Priority}=${hms(value)}${pct === '100' ? '' : `@${pct}%`}`,
    );
    periods.add(period);
  });
  for (const kind of ['response', 'resolution'] as const) {
    const list = targets[kind].sort();
    if (list.length)
      annotations[`${SLA_ANNOTATION_PREFIX}${kind}-time`] = list.join(' ');
  }
  const periodKey = `${SLA_ANNOTATION_PREFIX}period`;
  if (periods.size > 1) {
    problems.push({
      path: 'SLO spec.timeWindow',
      message: `windows ${[...periods].join(
        ', ',
      )} differ — one agreement has one period`,
    });
  } else if (periods.size === 1 && annotations[periodKey] === undefined) {
    annotations[periodKey] = [...periods][0];
  }
  return { annotations, problems };
}
