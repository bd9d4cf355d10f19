import { hasSlaAnnotations, SLA_ANNOTATIONS } from './annotations';

describe('SLA annotations', () => {
  it('names all 17 keys of the annotation reference in ENGINE.md under the servicelevel.io/ prefix', () => {
    const keys = Object.values(SLA_ANNOTATIONS);
    expect(keys).toHaveLength(17);
    expect(keys.every(k => k.startsWith('servicelevel.io/'))).toBe(true);
    expect(keys).toContain('servicelevel.io/resolution-time');
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
    expect(hasSlaAnnotations({ 'pagerduty.com/service-id': 'P1' })).toBe(false);
  });
});
