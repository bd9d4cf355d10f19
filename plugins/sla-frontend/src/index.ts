/**
 * SLA card, tab and organisation pages for Backstage.
 *
 * @packageDocumentation
 */

export {
  slaPlugin,
  EntitySlaCard,
  isSlaAvailable,
  rootRouteRef,
} from './plugin';
export { slaApiRef, SlaClient } from './api';
export type * from './api/types';
export type { SlaApi } from './api';
