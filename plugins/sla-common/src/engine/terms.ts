import {
  ANNOTATION_REFERENCE,
  SLA_ANNOTATION_PREFIX,
  SLA_OBJECTIVE_KEYS,
} from './annotations';
import {
  formatMonthlyFee,
  formatServiceCredits,
  parseMonthlyFee,
  parseServiceCredits,
} from './credits';
import { formatDuration, parseDuration } from './duration';
import { editDistance } from './editDistance';
import { DAY_MS, MINUTE_MS, isValidTimeZone, parseIsoDate } from './time';
import {
  AGREEMENT_TYPES,
  AgreementType,
  CalendarSnapshot,
  PRIORITIES,
  PeriodKind,
  Priority,
  PriorityTargets,
  ServiceHours,
  SlaConfig,
  SlaTerms,
  TimeTarget,
} from './types';
import {
  dayMinutes,
  formatWeeklyHours,
  parseWeeklyHours,
  standardDay,
} from './weekly';

/** A malformed SLA annotation (or tier value). The rest of the SLA still evaluates. */
export interface AnnotationProblem {
  /** Full annotation name, e.g. `servicelevel.io/response-time`. */
  key: string;
  value: string;
  expected: string;
  /** `servicelevel.io/response-time: "P1=15 minutes" — expected …, e.g. …` */
  message: string;
  /**
   * A malformed override of a tier's value: the tier's value, which applies instead, so the
   * commitment is still measured.
   */
  fallback?: { value: string; tier: string };
}

const KNOWN_KEYS = ANNOTATION_REFERENCE.map(r => r.key);
const REF = new Map(ANNOTATION_REFERENCE.map(r => [r.key, r]));
const PERIODS: readonly PeriodKind[] = ['monthly', 'quarterly', 'yearly'];
const EMPTY_CONFIG: SlaConfig = {
  defaultTimezone: 'UTC',
  calendars: {},
  tiers: {},
};

export { editDistance };

function suggestKey(key: string): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[-_\s]/g, '');
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of KNOWN_KEYS) {
    const d = Math.min(
      editDistance(key.toLowerCase(), k),
      norm(key) === norm(k) ? 0 : Infinity,
    );
    if (d < bestD) {
      bestD = d;
      best = k;
    }
  }
  return bestD <= Math.max(2, Math.floor(key.length / 4)) ? best : undefined;
}

type Parsed<T> = { ok: true; value: T } | { ok: false };
const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad: Parsed<never> = { ok: false };

function parseTargets(text: string, dayMs: number): Parsed<PriorityTargets> {
  const out: PriorityTargets = {};
  const tokens = text
    .trim()
    .split(/[\s,;]+/)
    .filter(Boolean);
  if (!tokens.length) return bad;
  for (const t of tokens) {
    const m = /^(p[1-4])=([^@]+)(?:@(\d+(?:\.\d+)?)%?)?$/i.exec(t);
    if (!m) return bad;
    const p = m[1].toUpperCase() as Priority;
    const ms = parseDuration(m[2], dayMs);
    const pct = m[3] === undefined ? 100 : Number(m[3]);
    if (ms === undefined || out[p] || !(pct > 0 && pct <= 100)) return bad;
    out[p] = { targetMs: ms, percentile: pct };
  }
  return ok(out);
}

function formatTargets(t: PriorityTargets, dayMs: number): string {
  return PRIORITIES.filter(p => t[p])
    .map(p => {
      const x = t[p] as TimeTarget;
      return `${p}=${formatDuration(x.targetMs, dayMs)}${
        x.percentile === 100 ? '' : `@${x.percentile}%`
      }`;
    })
    .join(' ');
}

function parsePercent(text: string): Parsed<number> {
  const m = /^(\d+(?:\.\d+)?)\s*%?$/.exec(text.trim());
  if (!m) return bad;
  const n = Number(m[1]);
  return n > 0 && n <= 100 ? ok(n) : bad;
}

/**
 * Parses an entity's annotations into effective SLA terms (the annotation reference in ENGINE.md), merging
 * the tier template from `config` under the entity's own keys. Never throws.
 * `terms` is undefined only when the entity has no SLA (no tier and no
 * objective key). Malformed keys are reported and dropped; the rest evaluates.
 */
export function parseSlaAnnotations(
  annotations: Record<string, string> | undefined,
  config: SlaConfig = EMPTY_CONFIG,
): { terms?: SlaTerms; problems: AnnotationProblem[] } {
  const problems: AnnotationProblem[] = [];
  try {
    return parseInner(annotations, config ?? EMPTY_CONFIG, problems);
  } catch (e) {
    // Defence in depth: a parser bug must not take the catalog down.
    problems.push({
      key: SLA_ANNOTATION_PREFIX,
      value: '',
      expected: 'valid SLA annotations',
      message: `servicelevel.io: internal error reading annotations (${String(
        e,
      )})`,
    });
    return { problems };
  }
}

function parseInner(
  annotations: Record<string, string> | undefined,
  config: SlaConfig,
  problems: AnnotationProblem[],
): { terms?: SlaTerms; problems: AnnotationProblem[] } {
  if (!annotations || typeof annotations !== 'object') return { problems };
  const entity: Record<string, string> = {};
  for (const [name, raw] of Object.entries(annotations)) {
    const value = typeof raw === 'string' ? raw : String(raw);
    if (!name.startsWith(SLA_ANNOTATION_PREFIX)) {
      const slash = name.indexOf('/');
      const prefix = slash > 0 ? name.slice(0, slash + 1) : '';
      if (
        prefix &&
        editDistance(prefix.toLowerCase(), SLA_ANNOTATION_PREFIX) <= 2
      ) {
        const fix =
          SLA_ANNOTATION_PREFIX +
          (suggestKey(name.slice(slash + 1)) ?? name.slice(slash + 1));
        problems.push({
          key: name,
          value,
          expected: `an annotation under ${SLA_ANNOTATION_PREFIX}`,
          message: `${name}: unknown annotation — did you mean ${fix}?`,
        });
      }
      continue;
    }
    const key = name.slice(SLA_ANNOTATION_PREFIX.length);
    if (!REF.has(key)) {
      const s = suggestKey(key);
      problems.push({
        key: name,
        value,
        expected: `one of ${KNOWN_KEYS.map(k => SLA_ANNOTATION_PREFIX + k).join(
          ', ',
        )}`,
        message: `${name}: unknown annotation${
          s ? ` — did you mean ${SLA_ANNOTATION_PREFIX}${s}?` : ''
        }`,
      });
      continue;
    }
    // Where terms came from (the catalog module merged them in), not a term itself.
    if (key === 'openslo') continue;
    entity[key] = value;
  }
  const hasSla =
    entity.tier !== undefined ||
    SLA_OBJECTIVE_KEYS.some(k => entity[k] !== undefined);
  if (!hasSla) return { problems };

  // value → where it came from, for messages.
  const values: Record<string, { value: string; from?: string }> = {};
  let tierName: string | undefined;
  if (entity.tier !== undefined) {
    const name = entity.tier.trim();
    const tier = Object.prototype.hasOwnProperty.call(config.tiers, name)
      ? config.tiers[name]
      : undefined;
    if (!tier) {
      const names = Object.keys(config.tiers);
      report(
        problems,
        'tier',
        entity.tier,
        undefined,
        names.length ? `one of ${names.join(', ')}` : undefined,
      );
    } else {
      tierName = name;
      for (const [rawKey, v] of Object.entries(tier)) {
        // Tolerate tier keys written with the full annotation name.
        const k = rawKey.startsWith(SLA_ANNOTATION_PREFIX)
          ? rawKey.slice(SLA_ANNOTATION_PREFIX.length)
          : rawKey;
        if (!REF.has(k) || k === 'tier') {
          const s = suggestKey(k);
          problems.push({
            key: SLA_ANNOTATION_PREFIX + k,
            value: v,
            expected: 'a known annotation key',
            message: `${SLA_ANNOTATION_PREFIX}${k}: unknown key in tier ${name}${
              s && s !== k
                ? ` — did you mean ${SLA_ANNOTATION_PREFIX}${s}?`
                : ''
            }`,
          });
          continue;
        }
        values[k] = { value: String(v), from: name };
      }
    }
  }
  // What the tier said under a key the entity overrides: the fallback if the override is bad.
  const tierValues: Record<string, { value: string; from?: string }> = {};
  for (const [k, v] of Object.entries(entity)) {
    if (k === 'tier') continue;
    if (values[k]?.from !== undefined) tierValues[k] = values[k];
    values[k] = { value: v };
  }
  const fail = (k: string) =>
    report(problems, k, values[k].value, values[k].from);
  const get = (k: string) =>
    values[k] === undefined ? undefined : values[k].value.trim();

  // Service hours and zone first: `d` durations depend on the service day.
  let serviceHours: ServiceHours = { kind: '24x7', spec: '24x7' };
  const shText = get('service-hours');
  if (shText !== undefined) {
    const sh = parseServiceHours(shText, config);
    if (sh) serviceHours = sh;
    else {
      report(
        problems,
        'service-hours',
        values['service-hours'].value,
        values['service-hours'].from,
        serviceHoursExpected(shText, config),
      );
    }
  }
  let timezone = isValidTimeZone(config.defaultTimezone)
    ? config.defaultTimezone
    : 'UTC';
  if (serviceHours.kind === 'calendar') timezone = serviceHours.timezone;
  const tzText = get('timezone');
  if (tzText !== undefined) {
    if (isValidTimeZone(tzText)) timezone = tzText;
    else fail('timezone');
  }
  const serviceDayMs =
    serviceHours.kind === '24x7'
      ? DAY_MS
      : dayMinutes(standardDay(serviceHours.hours)) * MINUTE_MS;

  const terms: SlaTerms = {
    serviceHours,
    timezone,
    serviceDayMs,
    period: 'monthly',
    report: 'monthly',
  };
  if (tierName !== undefined) terms.tier = tierName;

  const each = <T>(
    k: string,
    parse: (s: string) => Parsed<T>,
    set: (v: T) => void,
  ) => {
    const text = get(k);
    if (text === undefined) return;
    const r = text.length ? parse(text) : bad;
    if (r.ok) {
      set(r.value);
      return;
    }
    fail(k);
    // A malformed override must not silently drop a commitment the tier makes: the tier's
    // value applies, and the problem says so (the objective is still measured).
    const fallback = tierValues[k];
    const f = fallback ? parse(fallback.value.trim()) : bad;
    if (fallback && f.ok) {
      set(f.value);
      const problem = problems[problems.length - 1];
      problem.fallback = { value: fallback.value, tier: fallback.from! };
      problem.message += ` — the value of tier ${fallback.from} (${fallback.value}) applies instead`;
    }
  };
  each('availability', parsePercent, v => (terms.availability = v));
  each(
    'response-time',
    s => parseTargets(s, serviceDayMs),
    v => (terms.responseTime = v),
  );
  each(
    'resolution-time',
    s => parseTargets(s, serviceDayMs),
    v => (terms.resolutionTime = v),
  );
  each(
    'max-incidents',
    s => {
      const out: Partial<Record<Priority | 'all', number>> = {};
      for (const t of s.split(/[\s,;]+/).filter(Boolean)) {
        const m = /^(p[1-4]|all)=(\d{1,9})$/i.exec(t);
        if (!m) return bad;
        const k = (
          m[1].toLowerCase() === 'all' ? 'all' : m[1].toUpperCase()
        ) as Priority | 'all';
        if (out[k] !== undefined) return bad;
        out[k] = Number(m[2]);
      }
      return ok(out);
    },
    v => (terms.maxIncidents = v),
  );
  const duration = (s: string): Parsed<number> => {
    const ms = parseDuration(s, serviceDayMs);
    return ms === undefined ? bad : ok(ms);
  };
  each('max-outage', duration, v => (terms.maxOutageMs = v));
  each('min-mtbf', duration, v => (terms.minMtbfMs = v));
  const periodKind = (s: string): Parsed<PeriodKind> => {
    const p = s.toLowerCase() as PeriodKind;
    return PERIODS.includes(p) ? ok(p) : bad;
  };
  each('period', periodKind, v => (terms.period = v));
  terms.report = terms.period;
  each('report', periodKind, v => (terms.report = v));
  each(
    'maintenance',
    s => {
      const h = parseWeeklyHours(s);
      return h ? ok({ spec: formatWeeklyHours(h), hours: h }) : bad;
    },
    v => (terms.maintenance = v),
  );
  each(
    'customer',
    s => ok(s),
    v => (terms.customer = v),
  );
  each(
    'agreement',
    s => ok(s),
    v => (terms.agreement = v),
  );
  each(
    'agreement-type',
    s => {
      const type = s.trim().toLowerCase() as AgreementType;
      return AGREEMENT_TYPES.includes(type) ? ok(type) : bad;
    },
    v => (terms.agreementType = v),
  );
  each(
    'review-by',
    s => (parseIsoDate(s) === undefined ? bad : ok(s)),
    v => (terms.reviewBy = v),
  );
  each(
    'sources',
    s => {
      const list = s
        .toLowerCase()
        .split(/[\s,;]+/)
        .filter(Boolean);
      if (!list.length || list.some(x => !/^[a-z0-9][a-z0-9._-]*$/.test(x)))
        return bad;
      return ok([...new Set(list)].sort());
    },
    v => (terms.sources = v),
  );
  each(
    'priority-map',
    s => {
      const out: Record<string, Priority> = {};
      for (const t of s.split(/[\s,;]+/).filter(Boolean)) {
        const m = /^([^=\s]+)=(p[1-4])$/i.exec(t);
        if (!m || Object.prototype.hasOwnProperty.call(out, m[1])) return bad;
        out[m[1]] = m[2].toUpperCase() as Priority;
      }
      return ok(out);
    },
    v => (terms.priorityMap = v),
  );

  // Credits last: a rule may only name an objective the terms above commit to.
  // One problem per bad token (naming it); any problem drops the whole rule set.
  const creditsText = get('service-credits');
  if (creditsText !== undefined) {
    const { credits, errors } = parseServiceCredits(creditsText, id => {
      const [name, q] = id.split(':') as [string, Priority | 'all' | undefined];
      if (name === 'availability') return terms.availability !== undefined;
      if (name === 'max-outage') return terms.maxOutageMs !== undefined;
      if (name === 'min-mtbf') return terms.minMtbfMs !== undefined;
      if (!q) return false;
      if (name === 'max-incidents')
        return terms.maxIncidents?.[q] !== undefined;
      const targets =
        name === 'response-time' ? terms.responseTime : terms.resolutionTime;
      return q !== 'all' && targets?.[q] !== undefined;
    });
    if (credits) terms.serviceCredits = credits;
    for (const e of errors)
      reportToken(problems, 'service-credits', values['service-credits'], e);
  }
  const feeText = get('monthly-fee');
  if (feeText !== undefined) {
    const fee = parseMonthlyFee(feeText);
    if (fee.ok) terms.monthlyFee = fee.fee;
    else
      reportToken(problems, 'monthly-fee', values['monthly-fee'], {
        token: feeText,
        reason: fee.reason,
      });
  }
  return { terms, problems };
}

/** A problem naming the bad token of a multi-token value and why it is bad. */
function reportToken(
  problems: AnnotationProblem[],
  key: string,
  source: { value: string; from?: string },
  error: { token: string; reason: string },
): void {
  const ref = REF.get(key);
  const expected = ref?.expected ?? 'a valid value';
  const eg =
    ref?.examples[0] && !expected.includes('e.g.')
      ? `, e.g. ${ref.examples[0]}`
      : '';
  problems.push({
    key: SLA_ANNOTATION_PREFIX + key,
    value: source.value,
    expected,
    message: `${SLA_ANNOTATION_PREFIX}${key}: "${error.token}" — ${
      error.reason
    }; expected ${expected}${eg}${
      source.from ? ` (value from tier ${source.from})` : ''
    }`,
  });
}

/** `service-hours: calendar:by-region`: each incident's clocks on its region's calendar. */
export const BY_REGION = 'by-region';

/** What a bad `service-hours` should have been, when it tried a calendar; else undefined. */
function serviceHoursExpected(
  text: string,
  config: SlaConfig,
): string | undefined {
  if (/^calendar:\s*by-region$/i.test(text)) {
    const regions = Object.keys(config.regions ?? {});
    return `calendar:by-region with sla.regions mapping region codes to configured calendars (${
      regions.join(', ') || 'no regions configured'
    })`;
  }
  if (/^calendar:/i.test(text)) {
    const names = Object.keys(config.calendars);
    return `calendar:<name> with a calendar configured under sla.calendars (${
      names.length ? names.join(', ') : 'none configured'
    })`;
  }
  return undefined;
}

/** A named calendar's snapshot for terms; undefined when it is not configured. */
function calendarSnapshot(
  name: string,
  config: SlaConfig,
): CalendarSnapshot | undefined {
  const cal = Object.prototype.hasOwnProperty.call(config.calendars, name)
    ? config.calendars[name]
    : undefined;
  if (!cal) return undefined;
  return {
    calendar: name,
    timezone: cal.timezone,
    hours: cal.hours,
    holidays: [...cal.holidays],
    workdays: [...cal.workdays],
    // Only when there are some, so calendars without closures keep their terms versions.
    ...(cal.closures && Object.keys(cal.closures).length
      ? { closures: cal.closures }
      : {}),
  };
}

function parseServiceHours(
  text: string,
  config: SlaConfig,
): ServiceHours | undefined {
  if (/^24\s*[x/]\s*7$/i.test(text)) return { kind: '24x7', spec: '24x7' };
  const m = /^calendar:\s*(\S+)$/i.exec(text);
  if (m) {
    if (m[1].toLowerCase() === BY_REGION) {
      const regions = config.regions ?? {};
      const codes = Object.keys(regions);
      if (!codes.length) return undefined;
      const snapshots: Record<string, CalendarSnapshot> = {};
      for (const code of codes) {
        const snap = calendarSnapshot(regions[code], config);
        if (!snap) return undefined;
        snapshots[code] = snap;
      }
      return {
        kind: 'calendar',
        spec: `calendar:${BY_REGION}`,
        ...snapshots[codes[0]],
        regions: snapshots,
      };
    }
    const snap = calendarSnapshot(m[1], config);
    if (!snap) return undefined;
    return { kind: 'calendar', spec: `calendar:${snap.calendar}`, ...snap };
  }
  const hours = parseWeeklyHours(text);
  if (!hours) return undefined;
  return { kind: 'weekly', spec: formatWeeklyHours(hours), hours };
}

function report(
  problems: AnnotationProblem[],
  key: string,
  value: string,
  fromTier?: string,
  expectedOverride?: string,
): void {
  const ref = REF.get(key);
  const example = ref?.examples[0];
  const expected = expectedOverride ?? ref?.expected ?? 'a valid value';
  const eg =
    example && !expectedOverride && !expected.includes('e.g.')
      ? `, e.g. ${example}`
      : '';
  problems.push({
    key: SLA_ANNOTATION_PREFIX + key,
    value,
    expected,
    message: `${SLA_ANNOTATION_PREFIX}${key}: "${value}" — expected ${expected}${eg}${
      fromTier ? ` (value from tier ${fromTier})` : ''
    }`,
  });
}

/**
 * Canonical annotation strings (full names) for terms; `parseSlaAnnotations`
 * of the result with the same config gives back equal terms.
 */
export function formatSlaTerms(terms: SlaTerms): Record<string, string> {
  const out: Record<string, string> = {};
  const put = (k: string, v: string | undefined) => {
    if (v !== undefined) out[SLA_ANNOTATION_PREFIX + k] = v;
  };
  const day = terms.serviceDayMs;
  put('tier', terms.tier);
  put('service-hours', terms.serviceHours.spec);
  put('timezone', terms.timezone);
  put(
    'availability',
    terms.availability === undefined ? undefined : `${terms.availability}%`,
  );
  put(
    'response-time',
    terms.responseTime && formatTargets(terms.responseTime, day),
  );
  put(
    'resolution-time',
    terms.resolutionTime && formatTargets(terms.resolutionTime, day),
  );
  if (terms.maxIncidents) {
    const mi = terms.maxIncidents;
    put(
      'max-incidents',
      [...PRIORITIES, 'all' as const]
        .filter(p => mi[p] !== undefined)
        .map(p => `${p}=${mi[p]}`)
        .join(' '),
    );
  }
  put(
    'max-outage',
    terms.maxOutageMs === undefined
      ? undefined
      : formatDuration(terms.maxOutageMs, day),
  );
  put(
    'min-mtbf',
    terms.minMtbfMs === undefined
      ? undefined
      : formatDuration(terms.minMtbfMs, day),
  );
  put('period', terms.period);
  put('report', terms.report);
  put('maintenance', terms.maintenance?.spec);
  put('customer', terms.customer);
  put('agreement', terms.agreement);
  put('agreement-type', terms.agreementType);
  put('review-by', terms.reviewBy);
  put('sources', terms.sources?.join(', '));
  if (terms.priorityMap) {
    const pm = terms.priorityMap;
    put(
      'priority-map',
      Object.keys(pm)
        .sort()
        .map(k => `${k}=${pm[k]}`)
        .join(' '),
    );
  }
  put(
    'service-credits',
    terms.serviceCredits && formatServiceCredits(terms.serviceCredits),
  );
  put('monthly-fee', terms.monthlyFee && formatMonthlyFee(terms.monthlyFee));
  return out;
}

function canonical(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(o).sort()) {
      if (o[k] !== undefined) out[k] = canonical(o[k]);
    }
    return out;
  }
  return v;
}

/** Stable JSON of terms (sorted keys, no undefined): equal terms ⇔ equal strings. */
export function serializeTerms(terms: SlaTerms): string {
  return JSON.stringify(canonical(terms));
}

/**
 * Maps a source's priority label to P1–P4 using `priority-map` (case-insensitive),
 * else accepts `P1`…`P4` as is; undefined when unmapped.
 */
export function mapPriority(
  raw: string,
  terms?: Pick<SlaTerms, 'priorityMap'>,
): Priority | undefined {
  const pm = terms?.priorityMap;
  if (pm) {
    if (Object.prototype.hasOwnProperty.call(pm, raw)) return pm[raw];
    const lower = raw.toLowerCase();
    for (const k of Object.keys(pm))
      if (k.toLowerCase() === lower) return pm[k];
  }
  const m = /^p([1-4])$/i.exec(raw.trim());
  return m ? (`P${m[1]}` as Priority) : undefined;
}
