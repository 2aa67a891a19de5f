import 'fake-indexeddb/auto';
import { cleanup } from '@testing-library/react';
import { CompressionStream, DecompressionStream } from 'node:stream/web';
import { afterEach } from 'vitest';
import { installBrowserFakes, resetBrowserFakes } from './browserFakes';

// jsdom lacks these; Node has them (TextEncoder and crypto.randomUUID are Node globals already).
globalThis.CompressionStream ??= CompressionStream as unknown as typeof globalThis.CompressionStream;
globalThis.DecompressionStream ??= DecompressionStream as unknown as typeof globalThis.DecompressionStream;
installBrowserFakes();

afterEach(() => {
  cleanup();
  resetBrowserFakes();
  history.replaceState(null, '', '/');
});
