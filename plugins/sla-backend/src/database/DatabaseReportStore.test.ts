import type { ReportModel } from '../reports/model';
import { DatabaseReportStore } from './DatabaseReportStore';
import { describeStoreOnEachDatabase } from './__testUtils__/testDatabases';
import type { StoredReport } from './types';

jest.setTimeout(60_000);

const CAD = 'component:default/cad-core';

function report(
  periodKey: string,
  text: string,
): Omit<StoredReport, 'revision'> {
  return {
    subjectKind: 'entity',
    subjectRef: CAD,
    periodKey,
    model: { periodKey, services: [] } as unknown as ReportModel,
    csv: `csv ${text}`,
    markdown: `md ${text}`,
    html: `<p>${text}</p>`,
    generatedAt: 1_790_000_000_000,
    generatedBy: 'scheduler',
  };
}

describeStoreOnEachDatabase(DatabaseReportStore, setup => {
  it('keeps the first report of a period; insertIfAbsent never overwrites', async () => {
    const { knex, store } = await setup();

    expect(await store.insertIfAbsent(report('2026-09', 'first'))).toBe(true);
    expect(await store.insertIfAbsent(report('2026-09', 'second'))).toBe(false);

    expect(await store.get('entity', CAD, '2026-09')).toEqual({
      ...report('2026-09', 'first'),
      revision: 1,
    });
    expect(await store.get('customer', CAD, '2026-09')).toBeUndefined();
    await knex.destroy();
  });

  it('replaces only on purpose, counting revisions, and lists newest period first', async () => {
    const { knex, store } = await setup();
    await store.insertIfAbsent(report('2026-08', 'aug'));
    await store.insertIfAbsent(report('2026-09', 'sep'));

    const replaced = await store.replace({
      ...report('2026-09', 'sep again'),
      generatedBy: 'user:default/mona',
    });
    expect(replaced.revision).toBe(2);
    expect((await store.get('entity', CAD, '2026-09'))!.markdown).toBe(
      'md sep again',
    );

    expect(await store.list('entity', CAD)).toEqual([
      {
        subjectKind: 'entity',
        subjectRef: CAD,
        periodKey: '2026-09',
        generatedAt: 1_790_000_000_000,
        generatedBy: 'user:default/mona',
        revision: 2,
      },
      {
        subjectKind: 'entity',
        subjectRef: CAD,
        periodKey: '2026-08',
        generatedAt: 1_790_000_000_000,
        generatedBy: 'scheduler',
        revision: 1,
      },
    ]);
    await knex.destroy();
  });
});
