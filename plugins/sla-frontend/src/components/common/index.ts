export * from './format';
export * from './palette';
export * from './csv';
export { StatusChip } from './StatusChip';
export { useObjectiveLabel } from './labels';
export { PickerSelect } from './PickerSelect';
export type { PickerOption } from './PickerSelect';
export { useEntitySla } from './useEntitySla';
