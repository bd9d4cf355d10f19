/**
 * Isomorphic core of the SLA plugins: the annotation grammar, business calendars, the SLA
 * arithmetic of ENGINE.md R1–R8 and the permissions. No I/O: the backend and the frontend both use it.
 *
 * @packageDocumentation
 */

// Types of the HTTP API, generated from sla-backend's openapi.yaml; types only.
export * from './api';
export * from './engine';
export * from './permissions';
export * from './plans';
export * from './rules';
export * from './rules/rollup';
export * from './signals';
