import type { TermsProblem } from './validate';

/** Escapes a workflow command's message (GitHub's `escapeData`). */
export function escapeGithubData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Escapes a workflow command's property value (GitHub's `escapeProperty`). */
export function escapeGithubProperty(s: string): string {
  return escapeGithubData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** `file:line:col: entity: message` — the form editors and terminals link to. */
export function formatText(problem: TermsProblem): string {
  const where = `${problem.file}:${problem.line}:${problem.column}`;
  return problem.entityRef
    ? `${where}: ${problem.entityRef}: ${problem.message}`
    : `${where}: ${problem.message}`;
}

/**
 * A GitHub Actions `::error` workflow command, which GitHub shows on the pull request's line
 * (https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions).
 */
export function formatGithub(problem: TermsProblem): string {
  const title = problem.key ? `sla-terms: ${problem.key}` : 'sla-terms';
  const props = [
    `file=${escapeGithubProperty(problem.file)}`,
    `line=${problem.line}`,
    `col=${problem.column}`,
    `title=${escapeGithubProperty(title)}`,
  ].join(',');
  const message = problem.entityRef
    ? `${problem.entityRef}: ${problem.message}`
    : problem.message;
  return `::error ${props}::${escapeGithubData(message)}`;
}
