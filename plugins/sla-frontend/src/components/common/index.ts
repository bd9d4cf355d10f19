export * from './format';
export * from './palette';
export * from './csv';
export { StatusChip } from './StatusChip';
export { useObjectiveLabel } from './labels';
