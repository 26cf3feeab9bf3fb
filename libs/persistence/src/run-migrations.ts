import type { DataSource, Migration } from 'typeorm';

// Any fixed key works: each service has its own database, and the lock is per database.
const MIGRATION_LOCK_KEY = 0x6265726b; // "berk"

/**
 * Runs pending migrations while holding a session-level advisory lock, so replicas starting at the
 * same moment apply them one after another instead of racing; the later ones find nothing to do.
 */
export async function runMigrationsLocked(dataSource: DataSource): Promise<Migration[]> {
  const lock = dataSource.createQueryRunner();
  await lock.connect();
  try {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    await lock.release();
  }
}
