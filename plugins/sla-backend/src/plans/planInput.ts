import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { isCalendarDate, isPeriodKey } from '@servicelevel/plugin-sla-common';
import { randomUUID } from 'crypto';
import {
  Plan,
  PlanAction,
  PlanChange,
  PlanOrigin,
  PlanStatus,
  PlanTarget,
  PLAN_STATUSES,
  PLAN_TRANSITIONS,
} from './types';

/**
 * Validation of plan request bodies. Every problem names its field (`actions[2].dueDate`);
 * all problems of a body are reported together in one InputError.
 */

type Problems = string[];

/** Caps of plan text (the same in openapi.yaml): descriptions, titles, actions per plan. */
const MAX_TEXT = 10_000;
const MAX_TITLE = 500;
export const MAX_ACTIONS = 200;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function text(
  v: unknown,
  field: string,
  problems: Problems,
  opts: { required: boolean; max?: number },
): string | undefined {
  if (v === undefined || v === null) {
    if (opts.required) problems.push(`${field}: required`);
    return undefined;
  }
  if (typeof v !== 'string') {
    problems.push(`${field}: expected a string`);
    return undefined;
  }
  const t = v.trim();
  if (opts.required && t === '') {
    problems.push(`${field}: must not be empty`);
    return undefined;
  }
  if (t.length > (opts.max ?? MAX_TEXT)) {
    problems.push(`${field}: at most ${opts.max ?? MAX_TEXT} characters`);
    return undefined;
  }
  return t;
}

/** Entity refs are stored in the canonical lower-case full form. */
export function normalizeEntityRef(
  v: unknown,
  field: string,
  problems: Problems,
  defaultKind?: string,
): string | undefined {
  if (typeof v !== 'string' || v.trim() === '') {
    problems.push(
      `${field}: expected an entity ref such as group:default/web-team`,
    );
    return undefined;
  }
  try {
    return stringifyEntityRef(
      parseEntityRef(v.trim(), { defaultKind, defaultNamespace: 'default' }),
    ).toLowerCase();
  } catch {
    problems.push(
      `${field}: "${v}" is not an entity ref (kind:namespace/name)`,
    );
    return undefined;
  }
}

function date(
  v: unknown,
  field: string,
  problems: Problems,
  required: boolean,
): string | undefined {
  if (v === undefined || v === null) {
    if (required) problems.push(`${field}: required (YYYY-MM-DD)`);
    return undefined;
  }
  if (typeof v !== 'string' || !isCalendarDate(v)) {
    problems.push(`${field}: "${String(v)}" — expected a date YYYY-MM-DD`);
    return undefined;
  }
  return v;
}

function origin(
  v: unknown,
  field: string,
  problems: Problems,
): PlanOrigin | undefined {
  if (!isRecord(v)) {
    problems.push(
      `${field}: required, an object with type breach, survey, review or other`,
    );
    return undefined;
  }
  const note = text(v.note, `${field}.note`, problems, {
    required: false,
    max: 2000,
  });
  const withNote = note ? { note } : {};
  switch (v.type) {
    case 'breach': {
      const objective = text(v.objective, `${field}.objective`, problems, {
        required: true,
        max: 64,
      });
      const period = periodKey(v.period, `${field}.period`, problems);
      return objective && period
        ? { type: 'breach', objective, period }
        : undefined;
    }
    case 'survey': {
      const scale = v.scale === undefined ? 5 : v.scale;
      if (typeof scale !== 'number' || !Number.isInteger(scale) || scale < 1) {
        problems.push(`${field}.scale: expected a whole number ≥ 1`);
        return undefined;
      }
      if (
        typeof v.score !== 'number' ||
        !Number.isFinite(v.score) ||
        v.score < 0 ||
        v.score > scale
      ) {
        problems.push(
          `${field}.score: required, the satisfaction score from 0 to ${scale}`,
        );
        return undefined;
      }
      return { type: 'survey', score: v.score, scale, ...withNote };
    }
    case 'review':
    case 'other':
      return { type: v.type, ...withNote };
    default:
      problems.push(
        `${field}.type: "${String(
          v.type,
        )}" — expected breach, survey, review or other`,
      );
      return undefined;
  }
}

function periodKey(
  v: unknown,
  field: string,
  problems: Problems,
): string | undefined {
  if (typeof v !== 'string' || !isPeriodKey(v)) {
    problems.push(
      `${field}: "${String(
        v,
      )}" — expected a period such as 2026-09, 2026-Q3 or 2026`,
    );
    return undefined;
  }
  return v.trim().toUpperCase();
}

function addresses(
  v: unknown,
  field: string,
  problems: Problems,
): PlanTarget[] | undefined {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    problems.push(`${field}: expected a list of {objective, period}`);
    return undefined;
  }
  const out: PlanTarget[] = [];
  v.forEach((item, i) => {
    if (!isRecord(item)) {
      problems.push(`${field}[${i}]: expected {objective, period}`);
      return;
    }
    const objective = text(
      item.objective,
      `${field}[${i}].objective`,
      problems,
      {
        required: true,
        max: 64,
      },
    );
    const period = periodKey(item.period, `${field}[${i}].period`, problems);
    if (objective && period) out.push({ objective, period });
  });
  return out;
}

function status(
  v: unknown,
  field: string,
  problems: Problems,
): PlanStatus | undefined {
  if (typeof v !== 'string' || !PLAN_STATUSES.includes(v as PlanStatus)) {
    problems.push(
      `${field}: "${String(v)}" — expected one of ${PLAN_STATUSES.join(', ')}`,
    );
    return undefined;
  }
  return v as PlanStatus;
}

/**
 * Actions as sent by a client: existing ones keep their id (and createdAt / doneAt), new ones
 * have none.
 */
function actions(
  v: unknown,
  field: string,
  problems: Problems,
  existing: PlanAction[],
  now: number,
): PlanAction[] | undefined {
  if (v === undefined) return undefined;
  if (!Array.isArray(v)) {
    problems.push(`${field}: expected a list of actions`);
    return undefined;
  }
  if (v.length > MAX_ACTIONS) {
    problems.push(
      `${field}: has ${v.length} actions; at most ${MAX_ACTIONS} per plan`,
    );
    return undefined;
  }
  const byId = new Map(existing.map(a => [a.id, a]));
  const seen = new Set<string>();
  const out: PlanAction[] = [];
  v.forEach((item, i) => {
    const f = `${field}[${i}]`;
    if (!isRecord(item)) {
      problems.push(`${f}: expected {title, assignee, dueDate, done}`);
      return;
    }
    let previous: PlanAction | undefined;
    if (item.id !== undefined) {
      previous = typeof item.id === 'string' ? byId.get(item.id) : undefined;
      if (!previous) {
        problems.push(
          `${f}.id: "${String(item.id)}" is not an action of this plan`,
        );
        return;
      }
      if (seen.has(previous.id)) {
        problems.push(`${f}.id: "${previous.id}" is listed twice`);
        return;
      }
      seen.add(previous.id);
    }
    const title = text(item.title, `${f}.title`, problems, {
      required: true,
      max: MAX_TITLE,
    });
    const assignee =
      item.assignee === undefined ||
      item.assignee === null ||
      item.assignee === ''
        ? undefined
        : normalizeEntityRef(item.assignee, `${f}.assignee`, problems, 'user');
    const dueDate = date(item.dueDate, `${f}.dueDate`, problems, false);
    if (item.done !== undefined && typeof item.done !== 'boolean') {
      problems.push(`${f}.done: expected true or false`);
      return;
    }
    const done = item.done === true;
    if (!title) return;
    const action: PlanAction = {
      id: previous?.id ?? randomUUID(),
      title,
      done,
      createdAt: previous?.createdAt ?? now,
    };
    if (assignee) action.assignee = assignee;
    if (dueDate) action.dueDate = dueDate;
    if (done) action.doneAt = previous?.done ? previous.doneAt ?? now : now;
    out.push(action);
  });
  return out;
}

function fail(problems: Problems): never {
  throw new InputError(
    problems.length === 1
      ? problems[0]
      : `${problems.length} problems:\n${problems.join('\n')}`,
  );
}

const PLAN_FIELDS = new Set([
  'entityRef',
  'title',
  'description',
  'origin',
  'addresses',
  'owner',
  'targetDate',
  'status',
  'actions',
]);

/** A new plan from a POST body; status starts at `proposed` unless given. */
export function readNewPlan(
  body: unknown,
  meta: { id: string; by: string; now: number },
): Plan {
  const problems: Problems = [];
  if (!isRecord(body)) fail(['body: expected a JSON object']);
  const entityRef = normalizeEntityRef(
    body.entityRef,
    'entityRef',
    problems,
    'component',
  );
  const title = text(body.title, 'title', problems, {
    required: true,
    max: MAX_TITLE,
  });
  const description =
    text(body.description, 'description', problems, { required: false }) ?? '';
  const o = origin(body.origin, 'origin', problems);
  const a = addresses(body.addresses, 'addresses', problems);
  const owner = normalizeEntityRef(body.owner, 'owner', problems, 'group');
  const targetDate = date(body.targetDate, 'targetDate', problems, true);
  const s =
    body.status === undefined
      ? 'proposed'
      : status(body.status, 'status', problems);
  if (s && s !== 'proposed') {
    problems.push(`status: a new plan starts as proposed, not ${s}`);
  }
  const acts = actions(body.actions, 'actions', problems, [], meta.now) ?? [];
  for (const key of Object.keys(body)) {
    if (!PLAN_FIELDS.has(key)) problems.push(`${key}: unknown field`);
  }
  if (problems.length > 0) fail(problems);
  // An origin of a breach addresses that objective and period unless told otherwise.
  const targets =
    a!.length === 0 && o!.type === 'breach'
      ? [{ objective: o!.objective, period: o!.period }]
      : a!;
  return {
    id: meta.id,
    entityRef: entityRef!,
    title: title!,
    description,
    origin: o!,
    addresses: targets,
    owner: owner!,
    targetDate: targetDate!,
    status: 'proposed',
    actions: acts,
    createdAt: meta.now,
    createdBy: meta.by,
    updatedAt: meta.now,
  };
}

/**
 * Applies a PATCH body to a plan: validates every field, checks the status transition and
 * returns the next plan with the list of changes. The entity of a plan cannot change.
 */
export function applyPlanPatch(
  current: Plan,
  body: unknown,
  now: number,
): { next: Plan; changes: PlanChange[] } {
  const problems: Problems = [];
  if (!isRecord(body)) fail(['body: expected a JSON object']);
  for (const key of Object.keys(body)) {
    if (!PLAN_FIELDS.has(key)) problems.push(`${key}: unknown field`);
  }
  const next: Plan = { ...current };
  if (body.entityRef !== undefined) {
    const ref = normalizeEntityRef(
      body.entityRef,
      'entityRef',
      problems,
      'component',
    );
    if (ref && ref !== current.entityRef) {
      problems.push('entityRef: a plan cannot move to another entity');
    }
  }
  if (body.title !== undefined) {
    next.title =
      text(body.title, 'title', problems, { required: true, max: MAX_TITLE }) ??
      current.title;
  }
  if (body.description !== undefined) {
    next.description =
      text(body.description, 'description', problems, { required: false }) ??
      '';
  }
  if (body.origin !== undefined) {
    next.origin = origin(body.origin, 'origin', problems) ?? current.origin;
  }
  if (body.addresses !== undefined) {
    next.addresses =
      addresses(body.addresses, 'addresses', problems) ?? current.addresses;
  }
  if (body.owner !== undefined) {
    next.owner =
      normalizeEntityRef(body.owner, 'owner', problems, 'group') ??
      current.owner;
  }
  if (body.targetDate !== undefined) {
    next.targetDate =
      date(body.targetDate, 'targetDate', problems, true) ?? current.targetDate;
  }
  if (body.status !== undefined) {
    const s = status(body.status, 'status', problems);
    if (s && s !== current.status) {
      if (!PLAN_TRANSITIONS[current.status].includes(s)) {
        const allowed = PLAN_TRANSITIONS[current.status];
        problems.push(
          `status: cannot go from ${current.status} to ${s}; ${
            allowed.length > 0
              ? `allowed: ${allowed.join(', ')}`
              : `${current.status} is final`
          }`,
        );
      } else {
        next.status = s;
      }
    }
  }
  if (body.actions !== undefined) {
    next.actions =
      actions(body.actions, 'actions', problems, current.actions, now) ??
      current.actions;
  }
  if (problems.length > 0) fail(problems);
  return { next, changes: diffPlans(current, next) };
}

const SIMPLE_FIELDS = [
  'title',
  'description',
  'owner',
  'targetDate',
  'status',
] as const;

/** What changed between two versions of a plan, field by field and action by action. */
export function diffPlans(before: Plan, after: Plan): PlanChange[] {
  const changes: PlanChange[] = [];
  for (const f of SIMPLE_FIELDS) {
    if (before[f] !== after[f]) {
      changes.push({ field: f, from: before[f], to: after[f] });
    }
  }
  for (const f of ['origin', 'addresses'] as const) {
    if (JSON.stringify(before[f]) !== JSON.stringify(after[f])) {
      changes.push({ field: f, from: before[f], to: after[f] });
    }
  }
  const old = new Map(before.actions.map(a => [a.id, a]));
  const kept = new Set<string>();
  for (const a of after.actions) {
    const prev = old.get(a.id);
    if (!prev) {
      changes.push({ field: `actions[${a.id}]`, to: a.title });
      continue;
    }
    kept.add(a.id);
    for (const f of ['title', 'assignee', 'dueDate', 'done'] as const) {
      if (prev[f] !== a[f]) {
        changes.push({
          field: `actions[${a.id}].${f}`,
          from: prev[f],
          to: a[f],
        });
      }
    }
  }
  for (const a of before.actions) {
    if (!kept.has(a.id)) {
      changes.push({ field: `actions[${a.id}]`, from: a.title });
    }
  }
  return changes;
}
