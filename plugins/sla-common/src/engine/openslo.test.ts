import { toOpenSlo } from './openslo';
import { parseSlaAnnotations } from './terms';

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
