import { validateTerms } from './validate';

const CONFIG = `app:
  title: demo
sla:
  calendars:
    office:
      timezone: Europe/Berlin
      hours: { mon-fri: '09:00-17:00' }
  tiers:
    gold:
      availability: 99.9%
      response-time: P1=15m P2=1h
    broken:
      availability: 99.9%
      resolution-time: P1=soon
`;

function entity(name: string, annotations: string[]): string {
  return [
    'apiVersion: backstage.io/v1alpha1',
    'kind: Component',
    'metadata:',
    `  name: ${name}`,
    ...(annotations.length ? ['  annotations:'] : []),
    ...annotations.map(a => `    ${a}`),
    'spec:',
    '  type: service',
  ].join('\n');
}

/** 1-based line of the first line of `text` that contains `needle`. */
function lineOf(text: string, needle: string): number {
  const index = text.split('\n').findIndex(l => l.includes(needle));
  if (index < 0) throw new Error(`${needle} not in text`);
  return index + 1;
}

function validate(catalog: string, config = CONFIG) {
  return validateTerms({
    catalogs: [{ file: 'catalog-info.yaml', text: catalog }],
    configs: [{ file: 'app-config.yaml', text: config }],
  });
}

/** The one problem `catalog` has (it must have exactly one). */
function onlyProblem(catalog: string) {
  const { problems } = validate(catalog);
  expect(problems).toHaveLength(1);
  return problems[0];
}

describe('validateTerms', () => {
  it('finds entities in every document of a multi-document file and places problems on their line', () => {
    const text = [
      entity('good', ['servicelevel.io/tier: gold']),
      '---',
      entity('no-sla', []),
      '---',
      entity('bad', [
        'servicelevel.io/availability: 99.9%',
        'servicelevel.io/max-outage: forever',
      ]),
    ].join('\n');
    const result = validate(text);
    expect(result.entities).toBe(3);
    expect(result.entitiesWithTerms).toBe(2);
    expect(result.problems).toEqual([
      {
        kind: 'annotation',
        file: 'catalog-info.yaml',
        line: lineOf(text, 'max-outage: forever'),
        column: 5,
        entityRef: 'component:default/bad',
        key: 'servicelevel.io/max-outage',
        value: 'forever',
        expected: expect.any(String),
        message: expect.stringContaining(
          'servicelevel.io/max-outage: "forever" — expected',
        ),
      },
    ]);
  });

  it('reports a YAML syntax error with its line and still checks the other documents', () => {
    const text = [
      entity('first', ['servicelevel.io/availability: 99.9%']),
      '---',
      'kind: Component',
      'metadata:',
      '  name: broken',
      '  annotations: { servicelevel.io/tier: gold',
      '---',
      entity('last', ['servicelevel.io/availability: lots']),
    ].join('\n');
    const { problems } = validate(text);
    expect(problems.map(p => [p.kind, p.line, p.entityRef])).toEqual([
      ['yaml', expect.any(Number), undefined],
      ['annotation', lineOf(text, 'lots'), 'component:default/last'],
    ]);
    // The unclosed flow map is noticed at the end of its document.
    expect(problems[0].line).toBe(lineOf(text, 'annotations: {') + 1);
    expect(problems[0].message).toMatch(/^YAML syntax error: /);
    expect(problems[0].message).not.toContain('\n');
  });

  it('reports a duplicated annotation as a YAML error on the second occurrence', () => {
    const problem = onlyProblem(
      entity('dup', [
        'servicelevel.io/availability: 99.9%',
        'servicelevel.io/availability: 99.5%',
      ]),
    );
    expect(problem).toMatchObject({ kind: 'yaml', line: 7, column: 5 });
    expect(problem.message).toContain('unique');
  });

  it('reports an unknown servicelevel.io/ key with a suggestion', () => {
    const problem = onlyProblem(
      entity('typo', [
        'servicelevel.io/availability: 99.9%',
        'servicelevel.io/resolution-tme: P1=4h',
      ]),
    );
    expect(problem).toMatchObject({
      line: 7,
      column: 5,
      key: 'servicelevel.io/resolution-tme',
      value: 'P1=4h',
    });
    expect(problem.message).toContain(
      'did you mean servicelevel.io/resolution-time?',
    );
  });

  it('resolves tiers and calendars from the config and reports a tier that is not configured', () => {
    const text = [
      entity('uses-gold', [
        'servicelevel.io/tier: gold',
        'servicelevel.io/service-hours: calendar:office',
      ]),
      '---',
      entity('uses-platinum', ['servicelevel.io/tier: platinum']),
      '---',
      entity('uses-holidays', [
        'servicelevel.io/availability: 99%',
        'servicelevel.io/service-hours: calendar:holidays',
      ]),
    ].join('\n');
    const { problems } = validate(text);
    expect(problems.map(p => [p.entityRef, p.line, p.key])).toEqual([
      [
        'component:default/uses-platinum',
        lineOf(text, 'tier: platinum'),
        'servicelevel.io/tier',
      ],
      [
        'component:default/uses-holidays',
        lineOf(text, 'calendar:holidays'),
        'servicelevel.io/service-hours',
      ],
    ]);
    expect(problems[0].message).toContain('"platinum"');
    expect(problems[0].message).toContain('gold');
    expect(problems[1].message).toContain('office');
  });

  it('places a bad value that comes from a tier on the tier in the config file', () => {
    const problem = onlyProblem(
      entity('uses-broken', ['servicelevel.io/tier: broken']),
    );
    expect(problem).toMatchObject({
      file: 'app-config.yaml',
      line: lineOf(CONFIG, 'P1=soon'),
      column: 7,
      entityRef: 'component:default/uses-broken',
      key: 'servicelevel.io/resolution-time',
      value: 'P1=soon',
    });
    expect(problem.message).toContain('(value from tier broken)');
  });

  it('reports problems in the sla: config on their line, merging config files in order', () => {
    const override = `sla:
  calendars:
    office:
      timezone: Mars/Olympus
`;
    const result = validateTerms({
      catalogs: [],
      configs: [
        { file: 'app-config.yaml', text: CONFIG },
        { file: 'app-config.local.yaml', text: override },
      ],
    });
    expect(result.problems).toEqual([
      expect.objectContaining({
        kind: 'config',
        file: 'app-config.local.yaml',
        line: 4,
        column: 7,
        key: 'sla.calendars.office.timezone',
        message: expect.stringContaining('"Mars/Olympus"'),
      }),
    ]);
  });

  it('reports an annotation value that is not a string, which the catalog would reject', () => {
    const { problems } = validate(
      entity('number', ['servicelevel.io/availability: 99.9']),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        line: 6,
        key: 'servicelevel.io/availability',
        expected: 'a string',
        message: expect.stringContaining(
          "quote the value in YAML, e.g. '99.9'",
        ),
      }),
    ]);
  });

  it('accepts a file without problems', () => {
    const result = validate(
      entity('fine', [
        'servicelevel.io/tier: gold',
        'servicelevel.io/response-time: P1=10m',
      ]),
    );
    expect(result.problems).toEqual([]);
    expect(result.entitiesWithTerms).toBe(1);
  });
});
