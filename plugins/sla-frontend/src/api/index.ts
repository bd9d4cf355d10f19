export { slaApiRef } from './SlaApi';
export type { SlaApi } from './SlaApi';
export { SlaClient } from './SlaClient';
export type * from './types';
