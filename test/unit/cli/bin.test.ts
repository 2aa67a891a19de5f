import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chain, set } from '../../support/flows';
import { jsonFile, ROOT, spawnTabflow, tempDir } from './harness';

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

describe('the tabflow command as a user types it', () => {
  it('npx tabflow in the project directory runs this package’s bin (offline: never a registry package)', () => {
    const result = spawnSync('npx', ['--offline', 'tabflow', '--version'], {
      cwd: ROOT,
      encoding: 'utf8',
      // An empty npm cache, as on a fresh machine: npx links the package itself, nothing is downloaded.
      env: { ...process.env, npm_config_cache: tempDir() },
      timeout: 60_000,
    });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(version);
    expect(result.status).toBe(0);
  }, 90_000);

  it('bin/tabflow.mjs runs a workflow file with --input, through tsx, with no build', async () => {
    const doc = chain('Echo input', [set('echo', { customer: '{{input.value}}' })]);
    const result = await spawnTabflow(['run', jsonFile(doc), '--input', '{"value":"cus_001"}']).exited;
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ customer: 'cus_001' });
    expect(result.stderr).toMatch(/✓ echo +completed/);
  }, 60_000);

  it('an unknown command or a crash-worthy file ends with one line and a non-zero exit, never a stack', async () => {
    const unknown = await spawnTabflow(['frobnicate']).exited;
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    const huge = await spawnTabflow(['run', jsonFile('['.repeat(100_000))]).exited;
    expect(huge.code).toBe(1);
    expect(huge.stderr).toMatch(/is not a runnable workflow/);
    expect(huge.stderr).not.toMatch(/^\s+at .+:\d+/m);
  }, 60_000);
});
