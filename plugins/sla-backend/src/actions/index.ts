export { registerSlaActions } from './registerSlaActions';
export type { SlaActionsOptions } from './registerSlaActions';
