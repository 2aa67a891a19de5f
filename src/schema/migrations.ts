import { problem, type Problem } from './problems';
import { FORMAT_VERSION } from './workflow';
import type { RawObject } from './walk';

/** Upgrades a file of format version `from` to `from + 1`. Pure: returns a new object. */
export interface Migration {
  from: number;
  describe: string;
  migrate(file: RawObject): RawObject;
}

/** Version 1 is the seed format itself; later format changes append a migration here. */
export const MIGRATIONS: readonly Migration[] = [];

export interface MigrationResult {
  file: RawObject | undefined;
  applied: string[];
  problems: Problem[];
}

/** Brings a parsed file up to `current`; a file from a newer app version is refused, not guessed at. */
export function migrateFile(
  file: RawObject,
  migrations: readonly Migration[] = MIGRATIONS,
  current = FORMAT_VERSION,
): MigrationResult {
  const declared = Object.hasOwn(file, 'formatVersion') ? file.formatVersion : 1;
  if (typeof declared !== 'number' || !Number.isInteger(declared) || declared < 1) {
    return refuse(`formatVersion must be a whole number ≥ 1, got ${JSON.stringify(declared)}`);
  }
  if (declared > current) {
    return refuse(
      `this file has format version ${declared}, made by a newer version of the app ` +
        `(this one reads up to ${current}); update the app to open it`,
    );
  }
  let migrated = file;
  const applied: string[] = [];
  for (let version = declared; version < current; version++) {
    const step = migrations.find((m) => m.from === version);
    if (!step) return refuse(`no migration from format version ${version}`);
    migrated = step.migrate(migrated);
    applied.push(step.describe);
  }
  if (declared !== current || Object.hasOwn(file, 'formatVersion')) migrated = { ...migrated, formatVersion: current };
  return { file: migrated, applied, problems: [] };
}

function refuse(message: string): MigrationResult {
  return { file: undefined, applied: [], problems: [problem('error', 'format-version', ['formatVersion'], message)] };
}
