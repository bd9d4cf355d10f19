import { promises as fs } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { formatGithub, formatText } from './format';
import { SourceText, validateTerms } from './validate';

/** Where the CLI writes and reads; injected so tests can capture it. */
export interface CliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Directory that relative paths are read from and reported against; default `process.cwd()`. */
  cwd?: string;
  readFile?: (path: string) => Promise<string>;
}

/** Exit codes: 0 no problems, 1 problems found, 2 usage error or unreadable file. */
export const EXIT_OK = 0;
export const EXIT_PROBLEMS = 1;
export const EXIT_USAGE = 2;

const USAGE = `Usage:
  sla-terms validate <catalog-info.yaml…> [--config app-config.yaml …] [--format text|github]

Checks every servicelevel.io/ annotation of every entity in the catalog files with the
SLA plugin's own parser, resolving tiers and calendars from the sla: section of the
app-config files (later files override earlier ones). Exits 0 when there is no problem,
1 when there are problems, 2 on a usage error or a file that cannot be read.

Options:
  -c, --config <file>   app-config file with the sla: section (repeatable)
  -f, --format <form>   text (default) or github (GitHub Actions annotations)
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
    throw new UsageError(
      `unknown command "${command}"; the available command is validate`,
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
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        config: { type: 'string', short: 'c', multiple: true },
        format: { type: 'string', short: 'f', default: 'text' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    // parseArgs names the unknown option or the missing value.
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const { values, positionals } = parsed;
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

  const cwd = io.cwd ?? process.cwd();
  const readFile = io.readFile ?? (path => fs.readFile(path, 'utf8'));
  const unreadable: string[] = [];
  const read = async (files: string[]): Promise<SourceText[]> =>
    Promise.all(
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
  const configs = await read(values.config ?? []);
  const catalogs = await read(positionals);
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
