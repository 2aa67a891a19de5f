#!/usr/bin/env node
// The `tabflow` command (package.json "bin"): runs src/tabflow.ts through tsx, a devDependency, so a fresh
// clone works after `npm ci` with no build step. tsx is registered for this process only.
import { register } from 'tsx/esm/api';

register();
await import('../src/tabflow.ts');
