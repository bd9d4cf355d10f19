import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from './cli';
import { escapeGithubData, escapeGithubProperty } from './format';

const REPO = path.resolve(__dirname, '../../..');
const DEMO_LINE = 'servicelevel.io/response-time: P1=15 minutes';

async function run(argv: string[], cwd = REPO) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    cwd,
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
  });
  return { code, stdout, stderr };
}

/** `sla-terms validate` of the demo catalog, from the repository root. */
const validateDemo = (...options: string[]) =>
  run(['validate', 'examples/entities.yaml', ...options]);

async function demoLine(): Promise<{ text: string; line: number }> {
  const text = await fs.readFile(
    path.join(REPO, 'examples/entities.yaml'),
    'utf8',
  );
  const line = text.split('\n').findIndex(l => l.includes(DEMO_LINE)) + 1;
  // The demo's deliberate problem is part of the contract this test checks.
  expect(line).toBeGreaterThan(0);
  return { text, line };
}

describe('sla-terms validate', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'sla-terms-'));
  });
  afterEach(async () => {
    await fs.rm(tmp, { recursive: true, force: true });
  });

  it('exits 1 on the demo catalog and prints its deliberate problem with file and line', async () => {
    const { line } = await demoLine();
    const r = await validateDemo('--config', 'app-config.yaml');
    expect(r.code).toBe(1);
    const problems = r.stdout.split('\n').filter(l => l.includes(': '));
    expect(problems).toEqual([
      expect.stringContaining(
        `examples/entities.yaml:${line}:5: component:default/notification-service: servicelevel.io/response-time: "P1=15 minutes" — expected `,
      ),
    ]);
    expect(r.stdout).toMatch(/; 1 problem\n$/);
    expect(r.stderr).toBe('');
  });

  it('exits 0 on the demo catalog with that line fixed', async () => {
    const { text } = await demoLine();
    const fixed = text.replace(
      DEMO_LINE,
      'servicelevel.io/response-time: P1=15m',
    );
    await fs.writeFile(path.join(tmp, 'entities.yaml'), fixed);
    const r = await run(
      [
        'validate',
        'entities.yaml',
        '--config',
        path.join(REPO, 'app-config.yaml'),
      ],
      tmp,
    );
    expect(r.stdout).toMatch(
      /^\d+ of \d+ entities in 1 file .*; 0 problems\n$/,
    );
    expect(r.code).toBe(0);
  });

  it('prints GitHub Actions error commands with escaped properties and message', async () => {
    const { line } = await demoLine();
    const r = await validateDemo('-c', 'app-config.yaml', '--format', 'github');
    expect(r.code).toBe(1);
    const [command] = r.stdout.split('\n');
    expect(command).toMatch(
      new RegExp(
        `^::error file=examples/entities.yaml,line=${line},col=5,title=sla-terms%3A servicelevel.io/response-time::component:default/notification-service: servicelevel.io/response-time: "P1=15 minutes" — expected `,
      ),
    );
    // The message's own `%` (as in P1=15m@95%) must not be read as an escape.
    expect(command).not.toMatch(/%(?!25|3A|2C|0D|0A)/);
  });

  it('escapes as GitHub documents: data %, CR, LF; properties also : and ,', () => {
    expect(escapeGithubData('50% a:b,c\r\nnext')).toBe('50%25 a:b,c%0D%0Anext');
    expect(escapeGithubProperty('dir,x/a:b.yaml 50%\n')).toBe(
      'dir%2Cx/a%3Ab.yaml 50%25%0A',
    );
  });

  it('checks every document of every file and reports syntax errors by line', async () => {
    await fs.writeFile(
      path.join(tmp, 'a.yaml'),
      [
        'kind: Component',
        'metadata:',
        '  name: a',
        '  annotations:',
        '    servicelevel.io/availability: 99.9%',
        '---',
        'kind: Component',
        'metadata:',
        '  name: b',
        '  annotations:',
        '    servicelevel.io/availabilty: 99.9%',
      ].join('\n'),
    );
    await fs.writeFile(
      path.join(tmp, 'b.yaml'),
      'kind: Component\nmetadata:\n  name: c\n  annotations: [oops\n',
    );
    const r = await run(['validate', 'a.yaml', 'b.yaml'], tmp);
    expect(r.code).toBe(1);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toEqual([
      'a.yaml:11:5: component:default/b: servicelevel.io/availabilty: unknown annotation — did you mean servicelevel.io/availability?',
      expect.stringMatching(/^b\.yaml:5:1: YAML syntax error: /),
      '2 of 2 entities in 2 files carry servicelevel.io/ annotations; 2 problems',
    ]);
    // Without --config, tiers and calendars cannot be resolved: say so.
    expect(r.stderr).toContain('no --config given');
  });

  it('exits 2 naming a file that does not exist', async () => {
    const r = await run(
      ['validate', 'missing.yaml', '--config', 'nope.yaml'],
      tmp,
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      'sla-terms: cannot read nope.yaml: no such file\nsla-terms: cannot read missing.yaml: no such file\n',
    );
    expect(r.stdout).toBe('');
  });

  it.each([
    [[], /Usage:/],
    [['check', 'x.yaml'], /unknown command "check"/],
    [['validate'], /at least one catalog file/],
    [
      ['validate', 'x.yaml', '--format', 'json'],
      /--format "json" is not known; expected text or github/,
    ],
    [['validate', 'x.yaml', '--strict'], /Unknown option '--strict'/],
    [['validate', 'x.yaml', '--config'], /--config/],
  ])('exits 2 on the usage error %j', async (argv, message) => {
    const r = await run(argv as string[], tmp);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('prints the usage on --help and exits 0', async () => {
    const r = await run(['validate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('--format <form>');
  });
});
