import { createHash } from 'crypto';
import { promisify } from 'util';
import { gzip } from 'zlib';
import {
  Achievement,
  achievementChange,
  groupKeyOf,
  groupServices,
  HeatmapCell,
  PeriodFigures,
  periodsOf,
  ROLLUP_DIMENSIONS,
  RollupDimension,
  rollupAchievement,
  rollupService,
  ServiceCreditsResult,
  serviceMatchesText,
  ServiceRollup,
  ServiceSummary,
  summaryStatus,
  worstServices,
} from '@servicelevel/plugin-sla-common';
import {
  STALE_WHILE_REBUILD_MS,
  type ComplianceService,
  type OwnKindResults,
  type PeriodQuery,
  type SlimResult,
} from './ComplianceService';
import { CreditsOwed, mergeCredits, sumCredits } from './credits';
import { Slices } from './slices';

export const GROUP_BY = ROLLUP_DIMENSIONS;
export type GroupBy = RollupDimension;

/** Overview states (one per period query and grouping) kept. */
const MAX_STATES = 50;
/**
 * A body is fresh for at least the result cache's maximum age and at least this many times as
 * long as it took to build, so that background builds take at most about a sixth of the time
 * however large the organisation (at 20,000 services one build of the year takes seconds).
 */
const AGE_PER_BUILD_TIME = 5;
/** The longest a body is fresh, however long its build took. */
const MAX_ADAPTIVE_AGE_MS = 120_000;

/** Month periods by zone and span, shared: every service of a zone has the same ones. */
const monthsCache = new Map<string, Array<{ key: string; start: number }>>();
const MAX_MONTH_LISTS = 10_000;

function monthsOf(timezone: string, start: number, end: number) {
  const key = `${timezone}\u0000${start}\u0000${end}`;
  let months = monthsCache.get(key);
  if (!months) {
    months = periodsOf('month', timezone, start, end).map(m => ({
      key: m.key,
      start: m.start,
    }));
    if (monthsCache.size >= MAX_MONTH_LISTS) monthsCache.clear();
    monthsCache.set(key, months);
  }
  return months;
}

/**
 * One service's part of the overview, computed once per state of its results and reused by
 * every later build while they stay the same (see OverviewBodies).
 */
export interface OverviewPiece {
  /** The results the piece was computed from (compared by identity). */
  source: OwnKindResults;
  /** Its line in `services`: its results over the selected periods, summed. */
  summary: ServiceSummary;
  /** The same over the year's periods. */
  yearToDate: ServiceSummary;
  /** Its heatmap row. */
  row: {
    entityRef: string;
    title?: string;
    periodKind: OwnKindResults['periodKind'];
    yearToDate: ReturnType<typeof rollupAchievement>;
    cells: HeatmapCell[];
  };
  selectedCredits: Array<ServiceCreditsResult | undefined>;
  yearCredits: Array<ServiceCreditsResult | undefined>;
  previous: PeriodFigures[];
  /** Each started month of the year with the result of the period covering it. */
  months: Array<[string, PeriodFigures]>;
  /** The `now` it was computed at. */
  at: number;
  /** When `now` next changes the piece: a month of the year starts. */
  validUntil: number;
  /**
   * summary and row as JSON, made once when first encoded, and a hash of both, made once
   * when the whole body is first asked for (pages do not need it).
   */
  encoded?: { summary: Buffer; row: Buffer; hash?: Buffer };
}

/**
 * One service's line over some of its periods: its results summed (rules/rollup in
 * sla-common), with where it sits in the catalog.
 */
function summarize(o: OwnKindResults, results: SlimResult[]) {
  const e = o.entity;
  const summary: ServiceSummary = {
    entityRef: e.entityRef,
    title: e.title,
    ownerRef: e.ownerRef,
    systemRef: e.systemRef,
    domainRef: e.domainRef,
    ...(results.length === 1
      ? rollupOf(results[0])
      : rollupService(results.map(r => r.result))),
    period: o.period.key,
    periodKind: o.periodKind,
  };
  return summary;
}

/**
 * Per result object: its rollup (for a service's line over one selected period) and its
 * heatmap cell, for the number of its months that have started. A closed period's result is
 * the same object until its cache entry is dropped, so a piece computed again because its
 * open period changed reuses the year's other cells. A cell keeps only what it shows, not
 * the rollup it was made from: after a first overview at 1,000,000 incidents, rollupService's
 * objects were the largest part of the heap (65 MB; issue 14, twelfth pass), and most of
 * them were a rollup of each result of the year, kept for its cell.
 */
const rollupCache = new WeakMap<SlimResult, ServiceRollup>();
const cellCache = new WeakMap<SlimResult, HeatmapCell>();

function rollupOf(r: SlimResult): ServiceRollup {
  let rollup = rollupCache.get(r);
  if (!rollup) {
    rollup = rollupService([r.result]);
    rollupCache.set(r, rollup);
  }
  return rollup;
}

function cellOf(r: SlimResult, span: number): HeatmapCell {
  const cached = cellCache.get(r);
  // A quarter's or a year's cell spans one month more when one starts: made again then.
  if (cached?.span === span) return cached;
  const rollup = rollupService([r.result]);
  const cell: HeatmapCell = {
    key: r.period.key,
    span,
    complete: r.result.complete,
    status: summaryStatus(r.result),
    met: rollup.met,
    committed: rollup.committed,
    ...(rollup.rate === undefined ? {} : { rate: rollup.rate }),
    ...(rollup.unknown === undefined ? {} : { unknown: rollup.unknown }),
    breached: rollup.breaches,
    atRisk: rollup.atRisk.length,
  };
  cellCache.set(r, cell);
  return cell;
}

/** The service's part of the overview at `now` (buildOverview's per-service work). */
export function overviewPiece(o: OwnKindResults, now: number): OverviewPiece {
  const months: OverviewPiece['months'] = [];
  let validUntil = Infinity;
  const cells: HeatmapCell[] = o.year.map(r => {
    // The months of the period that have started, in the service's zone.
    let span = 0;
    for (const m of monthsOf(r.terms.timezone, r.period.start, r.period.end)) {
      if (m.start <= now) {
        months.push([m.key, r.result]);
        span++;
      } else {
        validUntil = Math.min(validUntil, m.start);
      }
    }
    return cellOf(r, span);
  });
  return {
    source: o,
    summary: summarize(o, o.selected),
    yearToDate: summarize(o, o.year),
    row: {
      entityRef: o.entity.entityRef,
      title: o.entity.title,
      periodKind: o.periodKind,
      yearToDate: rollupAchievement(o.year.map(r => r.result)),
      cells,
    },
    selectedCredits: o.selected.map(r => r.credits),
    yearCredits: o.year.map(r => r.credits),
    previous: o.previous.map(r => r.result),
    months,
    at: now,
    validUntil,
  };
}

/** The most frequent value (services in far zones may be a period ahead or behind). */
function mostCommon(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: string | undefined;
  for (const [v, n] of counts)
    if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}

/** A month's results summed over services (the year to date's points). */
interface MonthSums {
  met: number;
  committed: number;
  unknown: number;
  /** Results summed, and how many of them are not complete (the month is while any is not). */
  results: number;
  incomplete: number;
}

/** Adds (sign 1) or takes away (sign -1) a piece's months; a month left with none goes. */
function addMonths(
  months: Map<string, MonthSums>,
  piece: OverviewPiece,
  sign: 1 | -1,
) {
  for (const [month, r] of piece.months) {
    let sums = months.get(month);
    if (!sums) {
      sums = { met: 0, committed: 0, unknown: 0, results: 0, incomplete: 0 };
      months.set(month, sums);
    }
    sums.met += sign * r.met;
    sums.committed += sign * r.committed;
    sums.unknown += sign * (r.unknown ?? 0);
    sums.results += sign;
    sums.incomplete += r.complete ? 0 : sign;
    if (sums.results === 0) months.delete(month);
  }
}

/**
 * One group's share of the organisation's figures, summed from its members' pieces. Every
 * organisation figure is a sum of these over the groups (each service is in one group), so
 * a build after a write sums again only the groups whose pieces changed (overviewParts):
 * at 20,000 services, summing them all took 150–240 ms of every read after a write.
 */
export interface GroupPart {
  key: string;
  /** Its services' pieces, in the overview's order; compared by identity. */
  members: OverviewPiece[];
  /** Its line in `groups`, and in `yearToDate.groups`. */
  entry: Achievement & {
    key: string;
    services: string[];
    breached: number;
    credits: CreditsOwed;
  };
  ytdEntry: Achievement & { key: string };
  yearToDate: Achievement;
  yearCredits: CreditsOwed;
  hasPrevious: boolean;
  previous: Achievement;
  months: Map<string, MonthSums>;
  /** worstServices of its members: the organisation's worst are among the groups' worst. */
  worst: ServiceSummary[];
  /** The JSON of `entry` and `ytdEntry`, made once. */
  json?: { entry: string; ytdEntry: string };
}

function groupPart(key: string, members: OverviewPiece[]): GroupPart {
  const summaries = members.map(m => m.summary);
  const months = new Map<string, MonthSums>();
  for (const m of members) addMonths(months, m, 1);
  const yearToDate = rollupAchievement(members.map(m => m.yearToDate));
  return {
    key,
    members,
    entry: {
      key,
      ...rollupAchievement(summaries),
      services: summaries.map(m => m.entityRef).sort(),
      breached: summaries.reduce((n, m) => n + m.breaches, 0),
      // Credits of the same periods the summaries sum: closed ones owed, open ones provisional.
      credits: sumCredits(members.map(m => m.selectedCredits)),
    },
    ytdEntry: { key, ...yearToDate },
    yearToDate,
    yearCredits: sumCredits(members.map(m => m.yearCredits)),
    hasPrevious: members.some(m => m.previous.length > 0),
    previous: rollupAchievement(members.flatMap(m => m.previous)),
    months,
    worst: worstServices(summaries),
  };
}

/**
 * `old` with the pieces of `pairs` ([old piece, new piece], all its members) replaced: what
 * groupPart of its new members gives, with its sums (achievements, breaches, months)
 * adjusted by the replaced pieces instead of summed again over every member.
 */
function adjustedGroupPart(
  old: GroupPart,
  replaced: Map<OverviewPiece, OverviewPiece>,
  pairs: Array<[OverviewPiece, OverviewPiece]>,
): GroupPart {
  type Counts = { met: number; committed: number; unknown?: number };
  const shift = (a: Achievement, of: (p: OverviewPiece) => Counts[]) => {
    let { met, committed } = a;
    let unknown = a.unknown ?? 0;
    for (const [before, after] of pairs) {
      for (const r of of(before)) {
        met -= r.met;
        committed -= r.committed;
        unknown -= r.unknown ?? 0;
      }
      for (const r of of(after)) {
        met += r.met;
        committed += r.committed;
        unknown += r.unknown ?? 0;
      }
    }
    return rollupAchievement([{ met, committed, unknown }]);
  };
  const members = old.members.map(m => replaced.get(m) ?? m);
  const summaries = members.map(m => m.summary);
  const months = new Map(
    [...old.months].map(([k, sums]) => [k, { ...sums }] as const),
  );
  let breached = old.entry.breached;
  for (const [before, after] of pairs) {
    addMonths(months, before, -1);
    addMonths(months, after, 1);
    breached += after.summary.breaches - before.summary.breaches;
  }
  const yearToDate = shift(old.yearToDate, p => [p.yearToDate]);
  return {
    key: old.key,
    members,
    entry: {
      key: old.key,
      ...shift(old.entry, p => [p.summary]),
      services: old.entry.services,
      breached,
      credits: sumCredits(members.map(m => m.selectedCredits)),
    },
    ytdEntry: { key: old.key, ...yearToDate },
    yearToDate,
    yearCredits: sumCredits(members.map(m => m.yearCredits)),
    hasPrevious: members.some(m => m.previous.length > 0),
    previous: shift(old.previous, p => p.previous),
    months,
    worst: worstServices(summaries),
  };
}

function groupJson(g: GroupPart) {
  g.json ??= {
    entry: JSON.stringify(g.entry),
    ytdEntry: JSON.stringify(g.ytdEntry),
  };
  return g.json;
}

/**
 * The pieces' groups (groupServices in sla-common), each summed (groupPart), or taken from
 * `previous` when its members are the very same pieces.
 */
export function groupParts(
  pieces: OverviewPiece[],
  groupBy: GroupBy,
  previous?: Map<string, GroupPart>,
): GroupPart[] {
  return [...eachGroupPart(pieces, groupBy, previous)];
}

/** groupParts one group at a time, so that a build can let requests run between them. */
function* eachGroupPart(
  pieces: OverviewPiece[],
  groupBy: GroupBy,
  previous?: Map<string, GroupPart>,
): Generator<GroupPart> {
  const pieceOf = new Map(pieces.map(p => [p.summary, p]));
  for (const { key, members } of groupServices(
    pieces.map(p => p.summary),
    groupBy,
  )) {
    const list = members.map(m => pieceOf.get(m)!);
    const old = previous?.get(key);
    yield old &&
    old.members.length === list.length &&
    old.members.every((m, i) => m === list[i])
      ? old
      : groupPart(key, list);
  }
}

/**
 * The groups one at a time, letting requests run between them (`slices`): at 20,000
 * services in 40 groups, a build that replaced every piece summed them for 170–200 ms in
 * one piece, and every request waited for it.
 */
async function inSlices<T>(each: Iterable<T>, slices: Slices): Promise<T[]> {
  const all: T[] = [];
  for (const item of each) {
    all.push(item);
    await slices.pause();
  }
  return all;
}

/**
 * The groups of `last` with `replaced`'s pieces put in their old ones' places, the sums of
 * each group with a replaced member adjusted by them (adjustedGroupPart): groupParts'
 * result when every replaced piece stays in its group (groupServices keeps the pieces'
 * order within a group), at the cost of the pieces replaced, one group at a time as they
 * are iterated. Undefined when a piece moves to another group.
 */
export function replacedGroupParts(
  last: Map<string, GroupPart>,
  replaced: Map<OverviewPiece, OverviewPiece>,
  groupBy: GroupBy,
): Iterable<GroupPart> | undefined {
  const touched = new Map<string, Array<[OverviewPiece, OverviewPiece]>>();
  for (const [old, piece] of replaced) {
    const key = groupKeyOf(old.summary, groupBy);
    if (groupKeyOf(piece.summary, groupBy) !== key) return undefined;
    const pairs = touched.get(key);
    if (pairs) pairs.push([old, piece]);
    else touched.set(key, [[old, piece]]);
  }
  return (function* adjusted() {
    for (const g of last.values()) {
      const pairs = touched.get(g.key);
      yield pairs ? adjustedGroupPart(g, replaced, pairs) : g;
    }
  })();
}

/**
 * The organisation-wide rollup (the `/overview` description in openapi.yaml), every service
 * in its own period kind: the requested period (total, groups, worst), the period before it,
 * the year to date (total, groups, one point per month) and the heatmap's year and months,
 * summed over the groups' parts. Every figure is a sum over sums of the services' results;
 * the frontend displays them as they are.
 */
function organisationFigures(pieces: OverviewPiece[], groups: GroupPart[]) {
  const total = {
    ...rollupAchievement(groups.map(g => g.entry)),
    services: pieces.length,
    credits: mergeCredits(groups.map(g => g.entry.credits)),
  };
  const prev = rollupAchievement(groups.map(g => g.previous));
  const previous = groups.some(g => g.hasPrevious)
    ? { ...prev, change: achievementChange(total, prev) }
    : undefined;
  // The year: per service, its own-kind periods; per month, the periods covering it.
  const year =
    mostCommon(pieces.map(p => String(p.source.period.key).slice(0, 4))) ?? '';
  const byMonth = new Map<string, MonthSums[]>();
  for (const g of groups) {
    for (const [key, sums] of g.months) {
      const list = byMonth.get(key);
      if (list) list.push(sums);
      else byMonth.set(key, [sums]);
    }
  }
  const months = [...byMonth.keys()].sort();
  return {
    total,
    worst: worstServices(groups.flatMap(g => g.worst)),
    previous,
    year,
    months,
    yearToDate: {
      total: {
        ...rollupAchievement(groups.map(g => g.yearToDate)),
        services: pieces.length,
        credits: mergeCredits(groups.map(g => g.yearCredits)),
      },
      months: months.map(key => {
        const covering = byMonth.get(key)!;
        return {
          key,
          ...rollupAchievement(covering),
          complete: covering.every(r => r.incomplete === 0),
        };
      }),
    },
  };
}

/**
 * The organisation-wide rollup from the services' pieces: organisationFigures with the
 * groups' lines, the services' lines and the heatmap's rows.
 */
export function assembleOverview(pieces: OverviewPiece[], groupBy: GroupBy) {
  const groups = groupParts(pieces, groupBy);
  const f = organisationFigures(pieces, groups);
  return {
    groupBy,
    total: f.total,
    groups: groups.map(g => g.entry),
    worst: f.worst,
    services: pieces.map(p => p.summary),
    previous: f.previous,
    yearToDate: {
      year: f.year,
      total: f.yearToDate.total,
      groups: groups.map(g => g.ytdEntry),
      months: f.yearToDate.months,
    },
    heatmap: { year: f.year, months: f.months, rows: pieces.map(p => p.row) },
  };
}

/** The overview of `own` at `now`, built from scratch (the reference for OverviewBodies). */
export function buildOverview(
  own: OwnKindResults[],
  groupBy: GroupBy,
  now: number,
) {
  return assembleOverview(
    own.map(o => overviewPiece(o, now)),
    groupBy,
  );
}

/** An overview body as bytes, and its strong ETag (quoted). */
export interface EncodedOverview {
  /** The JSON, as bytes. */
  json: Buffer;
  etag: string;
  /**
   * The same bytes gzipped, made once per build off the event loop (zlib's thread pool):
   * at 20,000 services the body is tens of megabytes, which the backend's compression
   * middleware would otherwise gzip again for every request.
   */
  gzip?: Buffer;
}

const gzipAsync = promisify(gzip);
/**
 * zlib's fastest level: the overview's repetitive JSON still shrinks about 50-fold (a
 * 32 MB body of 20,000 services: 621 KB in 44 ms, against 441 KB in 116 ms at level 6),
 * and a read after a write waits for it.
 */
const GZIP_LEVEL = 1;

/** What one build of an overview body cost, by phase (ms), and what it made. */
export interface OverviewBuildStats {
  background: boolean;
  /** evaluateOwnKind: the plan and every (entity, period) result, cached or computed. */
  evaluateMs: number;
  /** Pieces computed (and encoded) for the services whose results changed. */
  piecesMs: number;
  piecesComputed: number;
  /**
   * Services whose pieces the build looked up: every service on a full build, those whose
   * results changed on a build after a write (the others keep their pieces and groups).
   */
  servicesVisited: number;
  services: number;
  /** The organisation's figures and their JSON (overviewParts). */
  encodeMs: number;
  /** Groups summed again (their pieces changed), of all groups. */
  groupsSummed: number;
  groups: number;
  /**
   * The whole body (every service) joined and hashed, then gzipped, and its sizes: 0 until
   * a read asks for it; a build that serves only pages never makes it.
   */
  wholeMs: number;
  gzipMs: number;
  bytes: number;
  gzipBytes: number;
}

const recentBuilds: OverviewBuildStats[] = [];

/** The last 20 builds of this process, oldest first (read by the bench). */
export function recentOverviewBuilds(): OverviewBuildStats[] {
  return [...recentBuilds];
}

function encodedPiece(p: OverviewPiece) {
  p.encoded ??= {
    summary: Buffer.from(JSON.stringify(p.summary)),
    row: Buffer.from(JSON.stringify(p.row)),
  };
  return p.encoded;
}

/**
 * The hash of a piece's JSON, for the whole body's ETag. Made when first needed, not with
 * the JSON: at 20,000 services the SHA-1s were a third of a full build's pieces phase
 * (56 µs of a piece's 165), and the organisation page reads pages, which hash their own
 * bytes.
 */
function pieceHash(p: OverviewPiece): Buffer {
  const e = encodedPiece(p);
  e.hash ??= createHash('sha1').update(e.summary).update(e.row).digest();
  return e.hash;
}

/**
 * An overview without its services' lines and rows: the JSON before `services` and between
 * `services` and `heatmap.rows`, made once per build, from which the whole body and every page
 * are joined with the pieces' JSON (see encodeOverview and encodeOverviewPage).
 */
export interface OverviewParts {
  groupBy: GroupBy;
  pieces: OverviewPiece[];
  /** `{"groupBy":…,"total":…,"groups":…,"worst":…,"services":[` */
  opening: Buffer;
  /** `],"previous":…,"yearToDate":…,"heatmap":{"year":…,"months":…,"rows":[` */
  between: Buffer;
  /** The groups' sums, by group key, which the next build reuses where unchanged. */
  groups: Map<string, GroupPart>;
  /** The pieces by entity ref, made by the first page read. */
  byRef?: OverviewPiece[];
}

/**
 * Sums the organisation's figures once and encodes everything but the services: JSON of
 * assembleOverview's object, byte for byte, with the groups of `previous` whose members are
 * the same pieces taken as they are, their JSON included.
 */
export function overviewParts(
  pieces: OverviewPiece[],
  groupBy: GroupBy,
  previous?: OverviewParts,
  groups = groupParts(pieces, groupBy, previous?.groups),
): OverviewParts {
  const f = organisationFigures(pieces, groups);
  const json = groups.map(groupJson);
  // The object's keys in order: groupBy, total, groups, worst | services | previous,
  // yearToDate | heatmap: year, months | rows.
  const head = `{"groupBy":${JSON.stringify(groupBy)},"total":${JSON.stringify(
    f.total,
  )},"groups":[${json.map(j => j.entry).join(',')}],"worst":${JSON.stringify(
    f.worst,
  )}`;
  const yearToDate = `{"year":${JSON.stringify(
    f.year,
  )},"total":${JSON.stringify(f.yearToDate.total)},"groups":[${json
    .map(j => j.ytdEntry)
    .join(',')}],"months":${JSON.stringify(f.yearToDate.months)}}`;
  const middle = `${
    f.previous === undefined ? '' : `"previous":${JSON.stringify(f.previous)},`
  }"yearToDate":${yearToDate}`;
  const heatmap = JSON.stringify({ year: f.year, months: f.months }).slice(
    0,
    -1,
  );
  return {
    groupBy,
    pieces,
    groups: new Map(groups.map(g => [g.key, g])),
    opening: Buffer.from(`${head},"services":[`),
    between: Buffer.from(`],${middle},"heatmap":${heatmap},"rows":[`),
  };
}

/** The parts with `listed`'s lines and rows between them, and `end` after the rows. */
function joinParts(
  parts: OverviewParts,
  listed: OverviewPiece[],
  end: Buffer,
): Buffer[] {
  const encoded = listed.map(encodedPiece);
  const comma = Buffer.from(',');
  const joined: Buffer[] = [parts.opening];
  encoded.forEach((e, i) => {
    if (i > 0) joined.push(comma);
    joined.push(e.summary);
  });
  joined.push(parts.between);
  encoded.forEach((e, i) => {
    if (i > 0) joined.push(comma);
    joined.push(e.row);
  });
  joined.push(end);
  return joined;
}

const WHOLE_BODY_END = Buffer.from(']}}');

/**
 * JSON.stringify(assembleOverview(pieces, groupBy)), byte for byte, made from the pieces'
 * JSON, which is encoded once per piece: a build after a write re-serialises only the
 * services it touched and the organisation's sums, not 20,000 services' lines and rows. The
 * ETag hashes the parts and the pieces' hashes, so it too costs per changed piece; it is a
 * function of the body (a body is split into parts one way only).
 */
export function encodeOverview(
  pieces: OverviewPiece[],
  groupBy: GroupBy,
  parts = overviewParts(pieces, groupBy),
): EncodedOverview {
  const hash = createHash('sha1').update(parts.opening);
  for (const p of parts.pieces) hash.update(pieceHash(p));
  hash.update(parts.between).update(WHOLE_BODY_END);
  return {
    json: Buffer.concat(joinParts(parts, parts.pieces, WHOLE_BODY_END)),
    etag: `"${hash.digest('base64url')}"`,
  };
}

/**
 * Which services a page lists (GET /overview's `group`, `q`, `limit` and `offset`): those in
 * the group that match the text (serviceMatchesText), by entity ref, from `offset`.
 */
export interface OverviewPageQuery {
  group?: string;
  q?: string;
  limit?: number;
  offset: number;
}

const byEntityRef = (a: OverviewPiece, b: OverviewPiece) => {
  const x = a.summary.entityRef;
  const y = b.summary.entityRef;
  return x < y ? -1 : Number(x > y);
};

/**
 * One page of the overview: the whole organisation's figures (the parts, as they are) with
 * the page's services only, and `page` last. It costs the page's pieces, not the
 * organisation's: at 20,000 services a page of 50 is about 90 KB against 36.7 MB.
 */
export function encodeOverviewPage(
  parts: OverviewParts,
  page: OverviewPageQuery,
): EncodedOverview {
  if (!parts.byRef) parts.byRef = [...parts.pieces].sort(byEntityRef);
  const { group, q = '', limit, offset } = page;
  const matching = parts.byRef.filter(
    p =>
      (group === undefined || groupKeyOf(p.summary, parts.groupBy) === group) &&
      serviceMatchesText(p.summary, q),
  );
  const listed = matching.slice(
    offset,
    limit === undefined ? undefined : offset + limit,
  );
  const pageJson = JSON.stringify({
    offset,
    ...(limit === undefined ? {} : { limit }),
    total: matching.length,
  });
  const json = Buffer.concat(
    joinParts(parts, listed, Buffer.from(`]},"page":${pageJson}}`)),
  );
  return {
    json,
    etag: `"${createHash('sha1').update(json).digest('base64url')}"`,
  };
}

/**
 * `pieces` in the order of `ordered`, by entity ref, when they are the same services (a
 * build that computed every piece again); else undefined. Sorting 20,000 pieces by ref
 * again held the event loop on the first page read after each such build.
 */
function sameOrder(
  ordered: OverviewPiece[],
  pieces: OverviewPiece[],
): OverviewPiece[] | undefined {
  if (ordered.length !== pieces.length) return undefined;
  const byRef = new Map(pieces.map(p => [p.summary.entityRef, p]));
  if (byRef.size !== pieces.length) return undefined;
  const order: OverviewPiece[] = [];
  for (const p of ordered) {
    const same = byRef.get(p.summary.entityRef);
    if (!same) return undefined;
    order.push(same);
  }
  return order;
}

/**
 * encodeOverviewPage with its gzip copy, made once per state and page off the event loop
 * (zlib's thread pool). Before, the compression middleware gzipped the page again for each
 * read: about 90 KB at 20,000 services, for every visitor of the organisation page. A page is
 * small, so it takes zlib's default level, not the whole body's GZIP_LEVEL.
 */
async function encodePage(
  parts: OverviewParts,
  page: OverviewPageQuery,
): Promise<EncodedOverview> {
  const body = encodeOverviewPage(parts, page);
  body.gzip = await gzipAsync(body.json);
  return body;
}

/** True when `b` shows the same as `a`: the same results (by identity) of the same entity. */
function sameSource(a: OwnKindResults, b: OwnKindResults): boolean {
  const same = (x: SlimResult[], y: SlimResult[]) =>
    x.length === y.length && x.every((r, i) => r === y[i]);
  if (a === b) return true;
  return (
    a.entity.entityRef === b.entity.entityRef &&
    a.entity.title === b.entity.title &&
    a.entity.ownerRef === b.entity.ownerRef &&
    a.entity.systemRef === b.entity.systemRef &&
    a.entity.domainRef === b.entity.domainRef &&
    a.periodKind === b.periodKind &&
    a.period.key === b.period.key &&
    same(a.selected, b.selected) &&
    same(a.year, b.year) &&
    same(a.previous, b.previous)
  );
}

/**
 * The indexes of `own`'s services whose results are other objects than in `last`, when
 * both list the same services in the same order (evaluateOwnKind keeps the objects of the
 * services a write did not touch); undefined when they do not.
 */
function changedServices(
  last: OwnKindResults[],
  own: OwnKindResults[],
): number[] | undefined {
  if (last.length !== own.length) return undefined;
  const changed: number[] = [];
  for (let i = 0; i < own.length; i++) {
    if (own[i] === last[i]) continue;
    if (own[i].entity.entityRef !== last[i].entity.entityRef) return undefined;
    changed.push(i);
  }
  return changed;
}

/** The earliest end after `now` of a period any of `own`'s results covers. */
function nextPeriodEnd(own: Iterable<OwnKindResults>, now: number): number {
  let end = Infinity;
  for (const o of own) {
    for (const list of [o.selected, o.year, o.previous]) {
      for (const r of list) {
        if (r.period.end > now && r.period.end < end) end = r.period.end;
      }
    }
  }
  return end;
}

/** What a build is for: the state's key, the period query and grouping, when, after what. */
interface BuildRequest {
  key: string;
  queryKey: string;
  query: PeriodQuery;
  groupBy: GroupBy;
  now: number;
  /** The compliance service's viewState().stamp when the read came. */
  stamp: string;
}

interface OverviewState {
  /** The compliance service's viewState().stamp when the build began. */
  stamp: string;
  /** The `now` of the build. */
  at: number;
  /** When `now` alone changes the body: a period it shows ends, or a month starts. */
  validUntil: number;
  /** How long it is fresh: see AGE_PER_BUILD_TIME. */
  maxAgeMs: number;
  own: OwnKindResults[];
  parts: OverviewParts;
  stats: OverviewBuildStats;
  /** The whole body, made by the first read that asks for it. */
  whole?: Promise<EncodedOverview>;
  /** Pages made so far (with their gzip copy), by their query. */
  pages: Map<string, Promise<EncodedOverview>>;
}

/**
 * keepWarm rebuilds the bodies read within this long (a day: leadership opens the page in
 * the morning), at most KEEP_WARM_STATES of them, the most recently read first.
 */
export const KEEP_WARM_MS = 86_400_000;
const KEEP_WARM_STATES = 10;

/**
 * True when `s` may still be served at `now`, fresh or while it is rebuilt: built after the
 * same writes (`stamp`), and no period it shows has ended since.
 */
function shows(s: OverviewState, stamp: string, now: number): boolean {
  return s.stamp === stamp && now >= s.at && now < s.validUntil;
}

/** Pages kept per state; more are encoded again when asked. */
const MAX_PAGES = 200;

/**
 * The organisation's overview bodies, maintained per (period query, grouping) instead of
 * built per request (issue 14 item 5): a read is served the body built last while it is
 * fresh (the result cache's maximum age, longer when builds are slow: AGE_PER_BUILD_TIME);
 * one older is still served, for at most
 * STALE_WHILE_REBUILD_MS (15 minutes) more, while the next one is built in the background; after a write
 * in this process, or once a period it shows has ended, the read waits for the next build. A
 * build evaluates through the per-(entity, period) result cache, so it computes only the
 * entities whose results changed, and re-encodes only their pieces (see encodeOverview).
 * Writes by other replicas show once the results expire (the cache's maximum age).
 */
export class OverviewBodies {
  private readonly states = new Map<string, OverviewState>();
  /** Pieces by period query, then by entity ref; the groupings share them. */
  private readonly pieces = new Map<string, Map<string, OverviewPiece>>();
  private readonly builds = new Map<
    string,
    { stamp: string; at: number; value: Promise<OverviewState> }
  >();

  /** When each state's key was last read, with what rebuilds it (see keepWarm). */
  private readonly reads = new Map<
    string,
    { readAt: number; request: Omit<BuildRequest, 'now' | 'stamp'> }
  >();

  /** Pieces computed so far (reused ones are not counted), for tests and the bench. */
  piecesComputed = 0;

  constructor(private readonly compliance: ComplianceService) {}

  /** Resolves once the builds running now have ended (for tests and shutdown). */
  async idle(): Promise<void> {
    await Promise.allSettled([...this.builds.values()].map(b => b.value));
  }

  /** The whole body, or with `page` one page of its services (OverviewPageQuery). */
  async body(
    query: PeriodQuery,
    groupBy: GroupBy,
    now: number,
    page?: OverviewPageQuery,
  ): Promise<EncodedOverview> {
    const { stamp, maxAgeMs } = this.compliance.viewState();
    if (maxAgeMs <= 0) {
      const own = await this.compliance.evaluateOwnKind(query, now);
      const parts = overviewParts(
        own.map(o => overviewPiece(o, now)),
        groupBy,
      );
      return page
        ? encodeOverviewPage(parts, page)
        : encodeOverview(parts.pieces, groupBy, parts);
    }
    const queryKey = JSON.stringify(query);
    const key = `${queryKey}\u0000${groupBy}`;
    const request: BuildRequest = { key, queryKey, query, groupBy, now, stamp };
    this.reads.delete(key);
    this.reads.set(key, {
      readAt: now,
      request: { key, queryKey, query, groupBy },
    });
    const s = this.states.get(key);
    if (s && shows(s, stamp, now)) {
      if (now < s.at + s.maxAgeMs) return this.serve(s, page);
      if (now < s.at + s.maxAgeMs + STALE_WHILE_REBUILD_MS) {
        // Failures surface on the read that waits for a build; this one keeps the old body.
        this.build(request, maxAgeMs, true).catch(() => {});
        return this.serve(s, page);
      }
    }
    return this.serve(await this.build(request, maxAgeMs, false), page);
  }

  /**
   * Rebuilds, one after the other in the background, the bodies read within KEEP_WARM_MS
   * that are no longer fresh, so that a read after a quiet hour is served one built
   * minutes ago instead of waiting for every open period to be computed again (at
   * 10,000,000 incidents, 31–53 s). Run every few minutes (the `sla-overviews` task),
   * within STALE_WHILE_REBUILD_MS. Resolves with how many it rebuilt, of how many read.
   */
  async keepWarm(now: number): Promise<{ rebuilt: number; read: number }> {
    const { maxAgeMs } = this.compliance.viewState();
    for (const [key, { readAt }] of this.reads) {
      if (now - readAt > KEEP_WARM_MS) this.reads.delete(key);
    }
    let rebuilt = 0;
    if (maxAgeMs <= 0) return { rebuilt, read: this.reads.size };
    // Most recently read first; the map keeps them in the order of their last read.
    const recent = [...this.reads.values()]
      .reverse()
      .slice(0, KEEP_WARM_STATES);
    for (const { request } of recent) {
      const { stamp } = this.compliance.viewState();
      const s = this.states.get(request.key);
      // Fresh, as a read would find it: nothing to do.
      if (s && shows(s, stamp, now) && now < s.at + s.maxAgeMs) continue;
      await this.build({ ...request, now, stamp }, maxAgeMs, true);
      rebuilt++;
    }
    return { rebuilt, read: this.reads.size };
  }

  /** A state's whole body (made once, gzipped off the event loop) or one of its pages. */
  private async serve(
    state: OverviewState,
    page: OverviewPageQuery | undefined,
  ): Promise<EncodedOverview> {
    if (page) {
      const key = JSON.stringify([page.group, page.q, page.limit, page.offset]);
      const kept = state.pages.get(key);
      if (kept) return kept;
      const body = encodePage(state.parts, page);
      if (state.pages.size >= MAX_PAGES) state.pages.clear();
      state.pages.set(key, body);
      // A failure is the asking read's; the next read tries again.
      body.catch(() => {
        if (state.pages.get(key) === body) state.pages.delete(key);
      });
      return body;
    }
    if (!state.whole) {
      const whole = this.encodeWhole(state);
      state.whole = whole;
      // A failure is the asking read's; the next read tries again.
      whole.catch(() => {
        if (state.whole === whole) state.whole = undefined;
      });
    }
    return state.whole;
  }

  private async encodeWhole(state: OverviewState): Promise<EncodedOverview> {
    const { parts, stats } = state;
    const started = performance.now();
    const body = encodeOverview(parts.pieces, parts.groupBy, parts);
    const encoded = performance.now();
    body.gzip = await gzipAsync(body.json, { level: GZIP_LEVEL });
    stats.wholeMs = encoded - started;
    stats.gzipMs = performance.now() - encoded;
    stats.bytes = body.json.length;
    stats.gzipBytes = body.gzip.length;
    return body;
  }

  /** One build per key at a time: a read finding one begun after the same writes joins it. */
  private build(
    request: BuildRequest,
    maxAgeMs: number,
    background: boolean,
  ): Promise<OverviewState> {
    const { key, now, stamp } = request;
    const running = this.builds.get(key);
    if (
      running &&
      running.stamp === stamp &&
      now >= running.at &&
      now < running.at + maxAgeMs
    ) {
      return running.value;
    }
    const entry = {
      stamp,
      at: now,
      value: this.compute(request, background),
    };
    this.builds.set(key, entry);
    const done = () => {
      if (this.builds.get(key) === entry) this.builds.delete(key);
    };
    entry.value.then(done, done);
    return entry.value;
  }

  private computePiece(o: OwnKindResults, now: number): OverviewPiece {
    this.piecesComputed++;
    return overviewPiece(o, now);
  }

  private async compute(
    request: BuildRequest,
    background: boolean,
  ): Promise<OverviewState> {
    const { key, queryKey, query, groupBy, now, stamp } = request;
    // In the background the build is the refresh: results expired by age are computed, not
    // served stale. A read waiting after a write computes only what the write touched.
    const started = performance.now();
    const own = await this.compliance.evaluateOwnKind(query, now, {
      computeExpired: background,
      // Results expired by age are refreshed by the background builds, at their pace (see
      // AGE_PER_BUILD_TIME), not by every read that waits after a write: at 20,000 services
      // that recomputed every open period, and then every piece, after each write.
      refreshExpired: false,
    });
    const last = this.states.get(key);
    const { maxAgeMs } = this.compliance.viewState();
    let state: OverviewState;
    if (last && last.own === own && now >= last.at && now < last.validUntil) {
      // The same results: the same body, fresh again.
      state = { ...last, stamp, at: now };
    } else {
      const evaluated = performance.now();
      const before = this.pieces.get(queryKey);
      let computed = 0;
      const slices = new Slices();
      /**
       * The service's piece: the one kept for its results, or computed and encoded (letting
       * requests run between slices).
       */
      const pieceOf = async (o: OwnKindResults): Promise<OverviewPiece> => {
        const old = before?.get(o.entity.entityRef);
        if (
          old &&
          now >= old.at &&
          now < old.validUntil &&
          sameSource(old.source, o)
        ) {
          return old;
        }
        const piece = this.computePiece(o, now);
        encodedPiece(piece);
        computed++;
        await slices.pause();
        return piece;
      };
      // After a write, when the last state lists the same services: only those whose
      // results changed (at 20,000 services, walking them all took a tenth of a read).
      const changed =
        last && before && now >= last.at && now < last.validUntil
          ? changedServices(last.own, own)
          : undefined;
      let pieces: OverviewPiece[];
      let validUntil: number;
      let replaced: Map<OverviewPiece, OverviewPiece> | undefined;
      if (last && before && changed) {
        pieces = last.parts.pieces.slice();
        replaced = new Map();
        validUntil = Math.min(
          last.validUntil,
          nextPeriodEnd(
            changed.map(i => own[i]),
            now,
          ),
        );
        for (const i of changed) {
          const piece = await pieceOf(own[i]);
          if (piece !== pieces[i]) replaced.set(pieces[i], piece);
          before.set(own[i].entity.entityRef, piece);
          validUntil = Math.min(validUntil, piece.validUntil);
          pieces[i] = piece;
        }
        this.pieces.delete(queryKey);
        this.pieces.set(queryKey, before);
      } else {
        const kept = new Map<string, OverviewPiece>();
        validUntil = nextPeriodEnd(own, now);
        pieces = [];
        for (const o of own) {
          const piece = await pieceOf(o);
          kept.set(o.entity.entityRef, piece);
          validUntil = Math.min(validUntil, piece.validUntil);
          pieces.push(piece);
        }
        this.pieces.delete(queryKey);
        this.pieces.set(queryKey, kept);
      }
      if (this.pieces.size > MAX_STATES) {
        this.pieces.delete(this.pieces.keys().next().value!);
      }
      const piecesDone = performance.now();
      const parts = overviewParts(
        pieces,
        groupBy,
        last?.parts,
        await inSlices(
          (replaced && last
            ? replacedGroupParts(last.parts.groups, replaced, groupBy)
            : undefined) ?? eachGroupPart(pieces, groupBy, last?.parts.groups),
          slices,
        ),
      );
      if (replaced && last?.parts.byRef) {
        // The same services by ref: the pages' order is kept, with the new pieces in it.
        parts.byRef = last.parts.byRef.map(p => replaced!.get(p) ?? p);
      } else if (last?.parts.byRef) {
        parts.byRef = sameOrder(last.parts.byRef, pieces);
      }
      let groupsSummed = 0;
      for (const [k, g] of parts.groups) {
        if (last?.parts.groups.get(k) !== g) groupsSummed++;
      }
      const stats: OverviewBuildStats = {
        background,
        evaluateMs: evaluated - started,
        piecesMs: piecesDone - evaluated,
        piecesComputed: computed,
        servicesVisited: changed?.length ?? pieces.length,
        services: pieces.length,
        encodeMs: performance.now() - piecesDone,
        groupsSummed,
        groups: parts.groups.size,
        wholeMs: 0,
        gzipMs: 0,
        bytes: 0,
        gzipBytes: 0,
      };
      recentBuilds.push(stats);
      if (recentBuilds.length > 20) recentBuilds.shift();
      state = {
        stamp,
        at: now,
        validUntil,
        maxAgeMs: Math.max(
          maxAgeMs,
          Math.min(
            MAX_ADAPTIVE_AGE_MS,
            AGE_PER_BUILD_TIME * (performance.now() - started),
          ),
        ),
        own,
        parts,
        stats,
        pages: new Map(),
      };
    }
    const newest = this.states.get(key);
    // A slower build begun earlier does not replace a newer body.
    if (!newest || newest === last || newest.at <= now) {
      this.states.delete(key);
      this.states.set(key, state);
      if (this.states.size > MAX_STATES) {
        this.states.delete(this.states.keys().next().value!);
      }
    }
    return state;
  }
}

const bodiesByService = new WeakMap<ComplianceService, OverviewBodies>();

/** The maintained overview body (OverviewBodies) of `compliance`, or one page of it. */
export function overviewBody(
  compliance: ComplianceService,
  query: PeriodQuery,
  groupBy: GroupBy,
  now: number,
  page?: OverviewPageQuery,
): Promise<EncodedOverview> {
  let bodies = bodiesByService.get(compliance);
  if (!bodies) {
    bodies = new OverviewBodies(compliance);
    bodiesByService.set(compliance, bodies);
  }
  return bodies.body(query, groupBy, now, page);
}

/**
 * Keeps `compliance`'s overview bodies read within the last day built (OverviewBodies'
 * keepWarm); nothing when none was read in this process.
 */
export function keepOverviewsWarm(
  compliance: ComplianceService,
  now: number,
): Promise<{ rebuilt: number; read: number }> {
  const bodies = bodiesByService.get(compliance);
  return bodies
    ? bodies.keepWarm(now)
    : Promise.resolve({ rebuilt: 0, read: 0 });
}

/** overviewBody's JSON. */
export async function overviewJson(
  compliance: ComplianceService,
  query: PeriodQuery,
  groupBy: GroupBy,
  now: number,
): Promise<string> {
  return (await overviewBody(compliance, query, groupBy, now)).json.toString(
    'utf8',
  );
}
