import { POSTGRES_INSTALL_HINT, postgresAvailable } from '../../support/postgres';

/** Server tests run where PostgreSQL 15 is installed, and always in CI; elsewhere they are skipped, loudly. */
export function serverTestsEnabled(): boolean {
  if (postgresAvailable()) return true;
  if (process.env.CI === 'true') throw new Error(`CI must run the server tests. ${POSTGRES_INSTALL_HINT}`);
  console.warn(`\n*** SKIPPED server (DBOS) tests: ${POSTGRES_INSTALL_HINT} ***\n`);
  return false;
}
