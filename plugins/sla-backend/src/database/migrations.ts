import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@servicelevel/plugin-sla-backend',
  'migrations',
);

/** Brings the plugin's schema up to date. */
export async function applyDatabaseMigrations(knex: Knex): Promise<void> {
  await knex.migrate.latest({ directory: migrationsDir });
}

/** Where the migration files live, for tests that walk them one by one. */
export const MIGRATIONS_DIRECTORY = migrationsDir;
