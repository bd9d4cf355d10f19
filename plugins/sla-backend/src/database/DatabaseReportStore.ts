import {
  connectStore,
  DatabaseStoreOptions,
  forUpdateOnPostgres,
  toNumber,
} from './client';
import { DatabaseStore } from './DatabaseStore';
import type { ReportModel } from '../reports/model';
import type { ReportStore, ReportSummary, StoredReport } from './types';

/** A row of sla_reports as the drivers return it. */
export type RawReportRow = {
  subject_kind: string;
  subject_ref: string;
  period_key: string;
  /** JSON of ReportModel. */
  model: string;
  csv: string;
  markdown: string;
  html: string;
  generated_at: number | string;
  generated_by: string;
  revision: number | string;
};

const TABLE = 'sla_reports';

function toRow(
  r: Omit<StoredReport, 'revision'>,
  revision: number,
): RawReportRow {
  return {
    subject_kind: r.subjectKind,
    subject_ref: r.subjectRef,
    period_key: r.periodKey,
    model: JSON.stringify(r.model),
    csv: r.csv,
    markdown: r.markdown,
    html: r.html,
    generated_at: r.generatedAt,
    generated_by: r.generatedBy,
    revision,
  };
}

function summaryFromRow(
  row: Pick<
    RawReportRow,
    | 'subject_kind'
    | 'subject_ref'
    | 'period_key'
    | 'generated_at'
    | 'generated_by'
    | 'revision'
  >,
): ReportSummary {
  return {
    subjectKind: row.subject_kind as StoredReport['subjectKind'],
    subjectRef: row.subject_ref,
    periodKey: row.period_key,
    generatedAt: toNumber(row.generated_at),
    generatedBy: row.generated_by,
    revision: toNumber(row.revision),
  };
}

function fromRow(row: RawReportRow): StoredReport {
  return {
    ...summaryFromRow(row),
    model: JSON.parse(row.model) as ReportModel,
    csv: row.csv,
    markdown: row.markdown,
    html: row.html,
  };
}

/** Generated period reports, immutable once stored (ENGINE.md R8). */
export class DatabaseReportStore extends DatabaseStore implements ReportStore {
  static async create(options: DatabaseStoreOptions) {
    return new DatabaseReportStore(await connectStore(options));
  }

  async insertIfAbsent(
    report: Omit<StoredReport, 'revision'>,
  ): Promise<boolean> {
    // With DO NOTHING, RETURNING yields no row when the report already existed.
    const inserted = await this.db<RawReportRow>(TABLE)
      .insert(toRow(report, 1))
      .onConflict(['subject_kind', 'subject_ref', 'period_key'])
      .ignore()
      .returning('period_key');
    return inserted.length > 0;
  }

  async replace(report: Omit<StoredReport, 'revision'>): Promise<StoredReport> {
    return this.db.transaction(async tx => {
      const key = {
        subject_kind: report.subjectKind,
        subject_ref: report.subjectRef,
        period_key: report.periodKey,
      };
      const existing = await forUpdateOnPostgres(
        tx,
        tx<RawReportRow>(TABLE).where(key).select('revision'),
      ).first();
      const revision = existing ? toNumber(existing.revision) + 1 : 1;
      await tx<RawReportRow>(TABLE)
        .insert(toRow(report, revision))
        .onConflict(['subject_kind', 'subject_ref', 'period_key'])
        .merge();
      return { ...report, revision };
    });
  }

  async get(
    subjectKind: StoredReport['subjectKind'],
    subjectRef: string,
    periodKey: string,
  ): Promise<StoredReport | undefined> {
    const row = await this.db<RawReportRow>(TABLE)
      .where({
        subject_kind: subjectKind,
        subject_ref: subjectRef,
        period_key: periodKey,
      })
      .first();
    return row ? fromRow(row) : undefined;
  }

  async list(
    subjectKind: StoredReport['subjectKind'],
    subjectRef: string,
  ): Promise<ReportSummary[]> {
    const rows = await this.db<RawReportRow>(TABLE)
      .where({ subject_kind: subjectKind, subject_ref: subjectRef })
      .select(
        'subject_kind',
        'subject_ref',
        'period_key',
        'generated_at',
        'generated_by',
        'revision',
      );
    // Keys of one subject share a form (2026-03, 2026-Q1, 2026), so text order is time order.
    return rows
      .map(summaryFromRow)
      .sort((a, b) => descending(a.periodKey, b.periodKey));
  }
}

function descending(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? 1 : -1;
}
