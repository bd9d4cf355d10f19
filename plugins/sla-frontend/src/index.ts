/**
 * SLA card, tab and organisation pages for Backstage.
 *
 * @packageDocumentation
 */

export {
  slaPlugin,
  EntitySlaCard,
  EntitySlaContent,
  SlaPage,
  isSlaAvailable,
  rootRouteRef,
  entityContentRouteRef,
} from './plugin';
export { slaApiRef, SlaClient } from './api';
export type * from './api/types';
export type { SlaApi } from './api';
export { slaTranslationRef } from './translation';
