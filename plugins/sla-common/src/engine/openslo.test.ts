import { parseAllDocuments } from 'yaml';
import { EXAMPLE_SLA_CONFIG } from '../__testUtils__/fixtures';
import { readSlaConfig } from './config';
import { readOpenSlo, toOpenSlo } from './openslo';
import { parseSlaAnnotations } from './terms';
import type { SlaTerms } from './types';

describe('toOpenSlo', () => {
  const { terms } = parseSlaAnnotations({
    'servicelevel.io/availability': '99.9%',
    'servicelevel.io/response-time': 'P1=15m@95%',
    'servicelevel.io/timezone': 'Asia/Shanghai',
    'servicelevel.io/agreement': 'TFDL-SLA-2026-07',
  });
  const yaml = toOpenSlo('component:default/Dispatch_API', terms!);
  const docs = yaml.split(/^---\n/m).filter(Boolean);

  it('emits a Service and one SLO per objective', () => {
    expect(docs.map(d => /kind: (\w+)/.exec(d)![1])).toEqual([
      'Service',
      'SLO',
      'SLO',
    ]);
    expect(docs.every(d => d.startsWith('apiVersion: openslo/v1\n'))).toBe(
      true,
    );
  });
  it('carries targets, zone and DNS-safe names', () => {
    expect(docs[0]).toContain('name: "component-default-dispatch-api"');
    expect(docs[0]).toContain('displayName: "component:default/Dispatch_API"');
    expect(docs[1]).toContain('target: 0.999');
    expect(docs[1]).toContain('timeZone: "Asia/Shanghai"');
    expect(docs[1]).toContain('duration: 1M');
    expect(docs[2]).toContain(
      'name: "component-default-dispatch-api-response-time-p1"',
    );
    expect(docs[2]).toContain('value: 900000');
    expect(docs[2]).toContain('target: 0.95');
  });
  it('writes YAML with consistent two-space indentation and no tabs', () => {
    for (const line of yaml.split('\n')) {
      expect(line).not.toMatch(/\t/);
      expect(/^ */.exec(line)![0].length % 2).toBe(0);
    }
  });
});

describe('readOpenSlo', () => {
  const config = readSlaConfig(EXAMPLE_SLA_CONFIG).config;
  const termsOf = (a: Record<string, string>) => {
    const parsed = parseSlaAnnotations(a, config);
    expect(parsed.problems).toEqual([]);
    return parsed.terms!;
  };
  const roundTrip = (terms: SlaTerms) => {
    const docs = parseAllDocuments(toOpenSlo('component:default/a', terms)).map(
      d => d.toJS(),
    );
    const read = readOpenSlo(docs);
    expect(read.problems).toEqual([]);
    return termsOf(read.annotations);
  };

  it.each([
    [
      'the worked example calendar, percentiles, faults and credits',
      {
        'servicelevel.io/service-hours': 'calendar:cn-workdays',
        'servicelevel.io/availability': '99.95%',
        'servicelevel.io/response-time': 'P1=15m@95% P2=30m',
        'servicelevel.io/resolution-time': 'P1=4h P2=1d P3=3d@90%',
        'servicelevel.io/max-incidents': 'P1=0 all=10',
        'servicelevel.io/max-outage': '2h',
        'servicelevel.io/min-mtbf': '15d',
        'servicelevel.io/maintenance': 'Sun 02:00-04:00',
        'servicelevel.io/period': 'quarterly',
        'servicelevel.io/customer': 'group:default/dispatch-center',
        'servicelevel.io/agreement': 'TFDL-SLA-2026-07',
        'servicelevel.io/review-by': '2027-01-06',
        'servicelevel.io/service-credits': 'availability<99.9%=10% cap=30%',
        'servicelevel.io/monthly-fee': '12000 CNY',
      },
    ],
    [
      'a tier with an override',
      {
        'servicelevel.io/tier': 'gold',
        'servicelevel.io/availability': '99.9%',
      },
    ],
    [
      'inline hours in a DST zone',
      {
        'servicelevel.io/service-hours': 'Mon-Fri 08:00-18:00',
        'servicelevel.io/timezone': 'America/New_York',
        'servicelevel.io/response-time': 'P3=1d4h',
      },
    ],
  ])('gives back equal terms: %s', (_name, annotations) => {
    const terms = termsOf(annotations);
    expect(roundTrip(terms)).toEqual(terms);
  });

  const slo = (spec: Record<string, unknown>, name = 'x') => ({
    apiVersion: 'openslo/v1',
    kind: 'SLO',
    metadata: { name },
    spec: {
      timeWindow: [{ duration: '1M', isRolling: false }],
      objectives: [{ target: 0.99 }],
      indicator: { spec: { ratioMetric: { counter: false } } },
      ...spec,
    },
  });

  it('takes any calendar-aligned ratio SLO as the availability target', () => {
    expect(readOpenSlo([slo({})])).toEqual({
      annotations: {
        'servicelevel.io/availability': '99%',
        'servicelevel.io/period': 'monthly',
      },
      problems: [],
    });
  });

  it('names what the grammar cannot express, document and field', () => {
    const { annotations, problems } = readOpenSlo([
      slo({ timeWindow: [{ duration: '28d', isRolling: true }] }, 'rolling'),
      slo(
        {
          objectives: [{ op: 'lte', value: 300, target: 0.99 }],
          indicator: {
            spec: {
              thresholdMetric: {
                metricSource: {
                  type: 'prometheus',
                  spec: { query: 'histogram_quantile(0.99, http_latency)' },
                },
              },
            },
          },
        },
        'latency',
      ),
      slo({ indicatorRef: 'my-sli' }, 'by-ref'),
      {
        apiVersion: 'openslo/v1',
        kind: 'AlertPolicy',
        metadata: { name: 'page' },
      },
      { apiVersion: 'openslo/v2alpha', kind: 'SLO', metadata: { name: 'new' } },
    ]);
    expect(annotations).toEqual({});
    expect(problems.map(p => p.path)).toEqual([
      'SLO "rolling": spec.timeWindow[0]',
      'SLO "latency": spec.indicator.spec.thresholdMetric.metricSource',
      'SLO "by-ref": spec.indicatorRef',
      'AlertPolicy "page": kind',
      'SLO "new": apiVersion',
    ]);
    expect(problems[1].message).toContain(
      'a threshold on "histogram_quantile(0.99, http_latency)"',
    );
  });
});
