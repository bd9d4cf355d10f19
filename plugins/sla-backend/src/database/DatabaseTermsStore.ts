import type {
  AnnotationProblem,
  SlaTerms,
} from '@servicelevel/plugin-sla-common';
import { Knex } from 'knex';
import { connectStore, DatabaseStoreOptions, toNumber } from './client';
import { CountingDatabaseStore } from './DatabaseStore';
import type { TermsStore, TermsVersion } from './types';

/** A row of sla_terms_versions as the drivers return it. */
export type RawTermsVersionRow = {
  entity_ref: string;
  version: number | string;
  /** JSON of SlaTerms. */
  terms: string;
  /** JSON array of AnnotationProblem. */
  problems: string;
  fingerprint: string;
  seen_at: number | string;
};

const TABLE = 'sla_terms_versions';

/** Attempts of recordTerms when a concurrent writer took the same version number. */
const MAX_ATTEMPTS = 3;

/** Distinct terms texts whose parsed object a store keeps for sharing (see termsOf). */
const MAX_SHARED_TERMS = 5_000;

/** Versions of the effective terms of each entity (ENGINE.md R8); versions are never deleted. */
export class DatabaseTermsStore
  extends CountingDatabaseStore
  implements TermsStore
{
  static async create(options: DatabaseStoreOptions) {
    return new DatabaseTermsStore(await connectStore(options));
  }

  private readonly sharedTerms = new Map<string, SlaTerms>();

  /**
   * The terms of a stored text, parsed once: equal texts share one object. The engine keys
   * its per-terms caches (maintenance calendars and their computed days) on object identity,
   * so without this each entity and read would rebuild them (measured: 70 % of a full
   * recompute went to luxon zone offsets of rebuilt maintenance calendars). Keyed by the
   * stored text, not by parsing and serialising again: a full recompute at 20,000 services
   * reads every latest version, and parsing each one only to find it equal to another raised
   * its peak RSS.
   */
  private termsOf(text: string): SlaTerms {
    const known = this.sharedTerms.get(text);
    if (known) return known;
    if (this.sharedTerms.size >= MAX_SHARED_TERMS) {
      this.sharedTerms.delete(this.sharedTerms.keys().next().value!);
    }
    const terms = JSON.parse(text) as SlaTerms;
    this.sharedTerms.set(text, terms);
    return terms;
  }

  private fromRow(row: RawTermsVersionRow): TermsVersion {
    return {
      entityRef: row.entity_ref,
      version: toNumber(row.version),
      terms: this.termsOf(row.terms),
      problems: JSON.parse(row.problems) as AnnotationProblem[],
      seenAt: toNumber(row.seen_at),
      fingerprint: row.fingerprint,
    };
  }

  async recordTerms(input: {
    entityRef: string;
    terms: SlaTerms;
    problems: AnnotationProblem[];
    fingerprint: string;
    seenAt: number;
  }): Promise<TermsVersion> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const before = this.changeCount;
      const recorded = await this.db.transaction(tx =>
        this.tryRecordTerms(tx, input),
      );
      if (this.changeCount !== before) {
        // Counted again after the commit: a read that overlapped the write is not kept.
        this.changeCount++;
      }
      if (recorded) {
        return recorded;
      }
    }
    throw new Error(
      `Could not record the SLA terms of ${input.entityRef}: concurrent writers kept taking the next version`,
    );
  }

  /** Undefined when another writer inserted the same next version first. */
  private async tryRecordTerms(
    tx: Knex.Transaction,
    input: {
      entityRef: string;
      terms: SlaTerms;
      problems: AnnotationProblem[];
      fingerprint: string;
      seenAt: number;
    },
  ): Promise<TermsVersion | undefined> {
    const latest = await tx<RawTermsVersionRow>(TABLE)
      .where('entity_ref', input.entityRef)
      .orderBy('version', 'desc')
      .first();
    const problems = JSON.stringify(input.problems);

    if (latest && latest.fingerprint === input.fingerprint) {
      if (latest.problems !== problems) {
        this.changeCount++;
        await tx<RawTermsVersionRow>(TABLE)
          .where({ entity_ref: latest.entity_ref, version: latest.version })
          .update({ problems });
      }
      return this.fromRow({ ...latest, problems });
    }

    const row: RawTermsVersionRow = {
      entity_ref: input.entityRef,
      version: latest ? toNumber(latest.version) + 1 : 1,
      terms: JSON.stringify(input.terms),
      problems,
      fingerprint: input.fingerprint,
      seen_at: input.seenAt,
    };
    this.changeCount++;
    const inserted = await tx<RawTermsVersionRow>(TABLE)
      .insert(row)
      .onConflict(['entity_ref', 'version'])
      .ignore()
      .returning('version');
    return inserted.length > 0 ? this.fromRow(row) : undefined;
  }

  async listVersions(entityRef: string): Promise<TermsVersion[]> {
    const rows = await this.db<RawTermsVersionRow>(TABLE)
      .where('entity_ref', entityRef)
      .orderBy('version', 'asc');
    return rows.map(r => this.fromRow(r));
  }

  /**
   * Versions added change the count; problems updated in place change the summed length of
   * the problems, unless replaced by problems of exactly the same length.
   */
  async changeMark(): Promise<string> {
    const row = (await this.db(TABLE)
      .select(
        this.db.raw(
          'count(*) as versions, max(seen_at) as seen, sum(length(problems)) as problems',
        ),
      )
      .first()) as Record<string, number | string | null> | undefined;
    return [row?.versions, row?.seen, row?.problems]
      .map(v => String(v ?? ''))
      .join(':');
  }

  /** Sorted by entityRef. */
  async listLatest(): Promise<TermsVersion[]> {
    const latest = this.db(TABLE)
      .select('entity_ref')
      .max({ max_version: 'version' })
      .groupBy('entity_ref')
      .as('latest');
    const rows: RawTermsVersionRow[] = await this.db(`${TABLE} as t`)
      .join(latest, join =>
        join
          .on('t.entity_ref', '=', 'latest.entity_ref')
          .andOn('t.version', '=', 'latest.max_version'),
      )
      .select('t.*')
      .orderBy('t.entity_ref');
    return rows.map(r => this.fromRow(r));
  }
}
