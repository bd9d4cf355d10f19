/**
 * Isomorphic core of the SLA plugins: the annotation grammar, business calendars, the SLA
 * arithmetic of ENGINE.md R1–R8 and the permissions. No I/O: the backend and the frontend both use it.
 *
 * @packageDocumentation
 */

export * from './engine';
export * from './permissions';
export * from './plans';
export * from './rules';
export * from './rules/rollup';
