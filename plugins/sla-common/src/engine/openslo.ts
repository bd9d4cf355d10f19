import { formatDuration } from './duration';
import { PRIORITIES, SlaTerms } from './types';

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
