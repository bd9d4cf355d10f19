import { promises as fs } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { formatGithub, formatText } from './format';
import { previewEntities, previewMarkdown, proposedEntities } from './preview';
import { SourceText, validateTerms } from './validate';

/** Where the CLI writes and reads; injected so tests can capture it. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Directory that relative paths are read from and reported against; default `process.cwd()`. */
  cwd?: string;
  readFile?: (path: string) => Promise<string>;
  /** The HTTP client of `preview`; default the global fetch. */
  fetch?: typeof fetch;
}

/** Exit codes: 0 no problems, 1 problems found, 2 usage error or unreadable file. */
export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;

const USAGE = `Usage:
  sla-terms validate <catalog-info.yaml…> [--config app-config.yaml …] [--format text|github]
  sla-terms preview <catalog-info.yaml…> --backend <url> [--token <token>] [--periods 12]

Checks every servicelevel.io/ annotation of every entity in the catalog files with the
SLA plugin's own parser, resolving tiers and calendars from the sla: section of the
app-config files (later files override earlier ones). Exits 0 when there is no problem,
1 when there are problems, 2 on a usage error or a file that cannot be read.

preview asks a running SLA backend what each entity's proposed annotations would have done
to its last closed periods (POST /api/sla/entities/…/preview; nothing is stored) and prints
a Markdown table to paste as a pull-request comment. The token (or $SLA_TOKEN) needs the
sla.read permission. Exits 0, 1 when a proposal has annotation problems, 2 when the backend
cannot answer.

Options:
  -c, --config <file>   app-config file with the sla: section (repeatable)
  -f, --format <form>   text (default) or github (GitHub Actions annotations)
  -b, --backend <url>   the Backstage backend, e.g. https://backstage.example.com
  -t, --token <token>   a token for it (default $SLA_TOKEN)
  -p, --periods <n>     closed periods to compare, 1–36 (default 12)
  -h, --help            show this help
`;

class UsageError extends Error {}

/**
 * Runs `sla-terms` with `argv` (without the node and script names) and resolves to the
 * exit code. Never throws for bad input: it says what was wrong on stderr.
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === undefined || command === '-h' || command === '--help') {
      (command === undefined ? io.stderr : io.stdout).write(USAGE);
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (command === 'validate') return await validateCommand(rest, io);
    if (command === 'preview') return await previewCommand(rest, io);
    throw new UsageError(
      `unknown command "${command}"; the available commands are validate and preview`,
    );
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`sla-terms: ${e.message}\n\n${USAGE}`);
      return EXIT_USAGE;
    }
    throw e;
  }
}

async function validateCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = argsOf(args, {
    config: { type: 'string', short: 'c', multiple: true },
    format: { type: 'string', short: 'f', default: 'text' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  const format = values.format;
  if (format !== 'text' && format !== 'github') {
    throw new UsageError(
      `--format "${format}" is not known; expected text or github`,
    );
  }
  if (!positionals.length) {
    throw new UsageError('validate needs at least one catalog file');
  }

  const unreadable: string[] = [];
  const configs = await readSources(values.config ?? [], io, unreadable);
  const catalogs = await readSources(positionals, io, unreadable);
  if (unreadable.length) {
    io.stderr.write(`${unreadable.join('\n')}\n`);
    return EXIT_USAGE;
  }

  const result = validateTerms({ catalogs, configs });
  if (!configs.length) {
    io.stderr.write(
      'sla-terms: no --config given: tiers and calendars are unknown, so entities that use them are reported\n',
    );
  } else if (!result.hasSlaSection) {
    io.stderr.write(
      `sla-terms: no sla: section in ${configs
        .map(c => c.file)
        .join(', ')}: tiers and calendars are unknown\n`,
    );
  }
  const problems = [...result.problems].sort(
    (a, b) =>
      a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column,
  );
  const out = problems.map(format === 'github' ? formatGithub : formatText);
  const files = catalogs.length === 1 ? '1 file' : `${catalogs.length} files`;
  const summary = `${result.entitiesWithTerms} of ${
    result.entities
  } entities in ${files} carry servicelevel.io/ annotations; ${
    problems.length === 1 ? '1 problem' : `${problems.length} problems`
  }`;
  io.stdout.write(`${[...out, summary].join('\n')}\n`);
  return problems.length ? EXIT_PROBLEMS : EXIT_OK;
}

async function previewCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = argsOf(args, {
    backend: { type: 'string', short: 'b' },
    token: { type: 'string', short: 't' },
    periods: { type: 'string', short: 'p', default: '12' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout.write(USAGE);
    return EXIT_OK;
  }
  if (!values.backend) throw new UsageError('preview needs --backend <url>');
  const periods = Number(values.periods);
  if (!/^\d+$/.test(String(values.periods)) || periods < 1 || periods > 36) {
    throw new UsageError(
      `--periods "${values.periods}" — expected a whole number from 1 to 36`,
    );
  }
  if (!positionals.length) {
    throw new UsageError('preview needs at least one catalog file');
  }
  const unreadable: string[] = [];
  const catalogs = await readSources(positionals, io, unreadable);
  if (unreadable.length) {
    io.stderr.write(`${unreadable.join('\n')}\n`);
    return EXIT_USAGE;
  }
  const entities = proposedEntities(catalogs);
  const outcomes = await previewEntities(entities, {
    backend: values.backend,
    token: values.token ?? process.env.SLA_TOKEN,
    periods,
    fetch: io.fetch,
  });
  io.stdout.write(previewMarkdown(outcomes));
  if (outcomes.some(o => 'error' in o)) return EXIT_USAGE;
  return outcomes.some(o => 'preview' in o && o.preview.problems.length)
    ? EXIT_PROBLEMS
    : EXIT_OK;
}

/** parseArgs with positionals, strict; what it refuses is a usage error naming the option. */
function argsOf<O extends NonNullable<ParseArgsConfig['options']>>(
  args: string[],
  options: O,
) {
  try {
    return parseArgs({ args, allowPositionals: true, strict: true, options });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

/** Reads files relative to the working directory; an unreadable one is added to `unreadable`. */
async function readSources(
  files: string[],
  io: CliIo,
  unreadable: string[],
): Promise<SourceText[]> {
  const cwd = io.cwd ?? process.cwd();
  const readFile = io.readFile ?? (path => fs.readFile(path, 'utf8'));
  return Promise.all(
    files.map(async file => {
      const absolute = resolve(cwd, file);
      try {
        return {
          file: displayPath(cwd, absolute),
          text: await readFile(absolute),
        };
      } catch (e) {
        unreadable.push(`sla-terms: cannot read ${file}: ${readError(e)}`);
        return { file, text: '' };
      }
    }),
  );
}

function readError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'is a directory';
  if (code === 'EACCES') return 'permission denied';
  return e instanceof Error ? e.message : String(e);
}

/** Relative to the working directory when inside it, as GitHub wants repository paths. */
function displayPath(cwd: string, absolute: string): string {
  const rel = relative(cwd, absolute);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) return absolute;
  return rel.split(sep).join('/');
}
