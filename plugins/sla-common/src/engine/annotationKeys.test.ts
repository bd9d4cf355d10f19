import { hasSlaAnnotations, SLA_ANNOTATIONS } from './annotations';

describe('SLA annotations', () => {
  it('names all 21 keys of the annotation reference in ENGINE.md under the servicelevel.io/ prefix', () => {
    const keys = Object.values(SLA_ANNOTATIONS);
    expect(keys).toHaveLength(21);
    expect(keys.every(k => k.startsWith('servicelevel.io/'))).toBe(true);
    expect(keys).toContain('servicelevel.io/resolution-time');
    expect(keys).toContain('servicelevel.io/service-credits');
    expect(keys).toContain('servicelevel.io/monthly-fee');
  });

  it('treats a tier or any objective key as having an SLA', () => {
    expect(hasSlaAnnotations({ 'servicelevel.io/tier': 'gold' })).toBe(true);
    expect(hasSlaAnnotations({ 'servicelevel.io/max-outage': '2h' })).toBe(
      true,
    );
  });

  it('does not treat metadata-only keys as an SLA', () => {
    expect(hasSlaAnnotations(undefined)).toBe(false);
    expect(hasSlaAnnotations({ 'servicelevel.io/customer': 'group:x' })).toBe(
      false,
    );
    expect(
      hasSlaAnnotations({ 'servicelevel.io/monthly-fee': '12000 CNY' }),
    ).toBe(false);
    expect(hasSlaAnnotations({ 'pagerduty.com/service-id': 'P1' })).toBe(false);
  });
});
