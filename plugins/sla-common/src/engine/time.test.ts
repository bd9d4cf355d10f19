import fc from 'fast-check';
import { IANAZone } from 'luxon';
import { HOUR_MS, Zone, getZone } from './time';

const DAY = 86_400_000;

/**
 * Zones whose transitions do not fall on whole UTC hours (Lord Howe's half-hour shift,
 * Kathmandu's +5:45, Chatham's +12:45, St John's −3:30, Casablanca's Ramadan switches,
 * Apia's skipped day, Moscow's and Shanghai's history), and two ordinary ones.
 */
const ZONES = [
  'Asia/Shanghai',
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe',
  'Asia/Kathmandu',
  'Pacific/Chatham',
  'America/St_Johns',
  'Africa/Casablanca',
  'Pacific/Apia',
  'Europe/Moscow',
  'Asia/Tehran',
];

/** The instants (whole seconds) at which `iana`'s offset changes, found from daily steps. */
function transitions(iana: IANAZone, from: number, to: number): number[] {
  const found: number[] = [];
  for (let t = from; t < to; t += DAY) {
    if (iana.offset(t) === iana.offset(t + DAY)) continue;
    let lo = t; // offset(lo) is the old one
    let hi = t + DAY; // offset(hi) is the new one
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (mid === lo) break;
      if (iana.offset(mid) === iana.offset(lo)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}

describe('Zone: offsets remembered per hour', () => {
  it.each(ZONES)(
    '%s: the same offset as luxon on both sides of every transition, 1970–2040',
    name => {
      const iana = IANAZone.create(name);
      const found = transitions(
        iana,
        Date.UTC(1970, 0, 1),
        Date.UTC(2040, 0, 1),
      );
      expect(found.length).toBeGreaterThan(0);
      const probes = found.flatMap(t => [
        t - HOUR_MS,
        t - 1001,
        t - 1,
        t,
        t + 1,
        t + 999,
        t + HOUR_MS - 1,
      ]);
      // Asked in both orders, so an hour is first seen from either side of its transition.
      for (const order of [probes, [...probes].reverse()]) {
        const zone = new Zone(name, iana);
        for (const t of order)
          expect([t, zone.offset(t)]).toEqual([t, iana.offset(t)]);
      }
    },
  );

  it('equals luxon at random instants, asked in any order and asked again', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.array(
          fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2040, 0, 1) }),
          { minLength: 1, maxLength: 40 },
        ),
        (name, instants) => {
          const iana = IANAZone.create(name);
          const zone = new Zone(name, iana);
          for (const t of [...instants, ...instants]) {
            expect(zone.offset(t)).toBe(iana.offset(t));
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('getZone gives one remembering zone per name, and refuses unknown names', () => {
    expect(getZone('Asia/Shanghai')).toBe(getZone('Asia/Shanghai'));
    expect(getZone('Asia/Shanghai').offset(Date.UTC(2026, 5, 1))).toBe(480);
    expect(() => getZone('Mars/Olympus')).toThrow(
      'Unknown time zone "Mars/Olympus"',
    );
  });
});
