import { InputError } from '@backstage/errors';
import fs from 'fs';
import { Readable } from 'stream';
import { IncidentStore } from '../database/types';
import { CSV_COLUMNS, importIncidentCsv } from './csvImport';

const HEADER = CSV_COLUMNS.slice(0, 6).join(',');
const ROW =
  'csv,C-1,component:default/cad-core,Console freeze,P1,2026-09-02T01:00:00Z';

/** A store that must not be written: every test here refuses its CSV. */
const unusedStore = {
  upsertIncidentBatches: jest.fn(async () => {
    throw new Error('nothing should be written');
  }),
} as unknown as IncidentStore;

/** Opens `*.ndjson` files `ms` later than asked, as a busy thread pool does. */
function slowSpoolOpen(ms: number) {
  const open = fs.open;
  const opened: string[] = [];
  jest.spyOn(fs, 'open').mockImplementation(((
    file: fs.PathLike,
    ...rest: unknown[]
  ) => {
    if (String(file).endsWith('.ndjson')) {
      opened.push(String(file));
      setTimeout(() => (open as Function)(file, ...rest), ms);
      return;
    }
    (open as Function)(file, ...rest);
  }) as typeof fs.open);
  return opened;
}

describe('importIncidentCsv', () => {
  afterEach(() => jest.restoreAllMocks());

  // Found in CI: a first row refused by the parser destroyed the spool while its open was
  // still queued; the folder was removed first, and the late open threw ENOENT outside
  // the request, failing whichever test ran next.
  it.each([
    ['too many cells', `${HEADER}\n${ROW},extra\n`, /CSV: .*columns/i],
    [
      'a header naming a column twice',
      `source,source,id\nx,y,z\n`,
      /more than once/,
    ],
  ])(
    'refuses %s with a 400 and leaves no file behind, however late the spool opens',
    async (_name, csv, message) => {
      const opened = slowSpoolOpen(50);
      const uncaught: Error[] = [];
      const onError = (e: Error) => uncaught.push(e);
      process.on('uncaughtException', onError);
      try {
        const result = importIncidentCsv(Readable.from([csv]), unusedStore, 0);
        await expect(result).rejects.toThrow(InputError);
        await expect(result).rejects.toThrow(message);
        // Long enough for an open queued behind the removal to have run and failed.
        await new Promise(resolve => setTimeout(resolve, 150));
      } finally {
        process.off('uncaughtException', onError);
      }
      expect(uncaught).toEqual([]);
      expect(opened).toHaveLength(1);
      expect(fs.existsSync(opened[0])).toBe(false);
      expect(unusedStore.upsertIncidentBatches).not.toHaveBeenCalled();
    },
  );
});
