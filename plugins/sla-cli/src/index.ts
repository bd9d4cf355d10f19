/**
 * `sla-terms`: validates `servicelevel.io/` SLA annotations in catalog files, for CI.
 *
 * @packageDocumentation
 */

export { main, EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE } from './cli';
export type { CliIo } from './cli';
export { loadSlaConfig, validateCatalogText, validateTerms } from './validate';
export type {
  LoadedConfig,
  SourceText,
  TermsProblem,
  ValidationResult,
} from './validate';
export {
  escapeGithubData,
  escapeGithubProperty,
  formatGithub,
  formatText,
} from './format';
export { previewEntities, previewMarkdown, proposedEntities } from './preview';
export type { PreviewOutcome, ProposedEntity } from './preview';
