import 'fake-indexeddb/auto';
import { cleanup } from '@testing-library/react';
import { CompressionStream, DecompressionStream } from 'node:stream/web';
import { afterEach } from 'vitest';
import { installBrowserFakes, resetBrowserFakes } from './browserFakes';
import { InlineWorker } from './inlineWorker';

// jsdom lacks these; Node has them (TextEncoder and crypto.randomUUID are Node globals already).
globalThis.CompressionStream ??= CompressionStream as unknown as typeof globalThis.CompressionStream;
globalThis.DecompressionStream ??= DecompressionStream as unknown as typeof globalThis.DecompressionStream;
globalThis.Worker ??= InlineWorker as unknown as typeof Worker;
installBrowserFakes();

afterEach(() => {
  cleanup();
  resetBrowserFakes();
  history.replaceState(null, '', '/');
});
