import { LIMITS } from '../../schema/limits';
import { looksLikeRunBundle, RUN_BUNDLE_LIMITS } from '../../schema/runBundle';
import { decodeSharePayload, formatBytes, shareDataFromHash, ShareLinkError } from '../../schema/share';
import type { ImportSource, PreviewRequest } from '../state';

/** Turning each way of importing (file, drop, paste, link) into the same preview request. */

/**
 * Reads at most limit + 1 bytes: a 500 MB drop must not freeze the tab just to be refused.
 * A file that says it is bigger is refused by its size, with the size it really has.
 */
export async function readImportFile(file: File, source: ImportSource): Promise<PreviewRequest> {
  const base = { source, label: file.name, sizeBytes: file.size };
  if (await isLargeBundle(file)) return readWhole(file, base);
  if (file.size > LIMITS.importBytes) {
    return { ...base, error: `the file is ${formatBytes(file.size)}; the limit is ${formatBytes(LIMITS.importBytes)}` };
  }
  return readWhole(file, base, LIMITS.importBytes + 1);
}

/** A file over the workflow limit that opens as a run bundle, within the bundle limit (a bundle's own). */
async function isLargeBundle(file: File): Promise<boolean> {
  if (file.size <= LIMITS.importBytes || file.size > RUN_BUNDLE_LIMITS.bytes) return false;
  try {
    return looksLikeRunBundle(await file.slice(0, 4_096).text());
  } catch {
    return false;
  }
}

async function readWhole(
  file: File,
  base: Pick<PreviewRequest, 'source' | 'label' | 'sizeBytes'>,
  bytes = file.size,
): Promise<PreviewRequest> {
  try {
    return { ...base, text: await file.slice(0, bytes).text() };
  } catch {
    return { ...base, error: 'the file could not be read (was it moved or deleted?)' };
  }
}

export async function readShareData(data: string): Promise<PreviewRequest> {
  const base = { source: 'link' as const, label: 'Share link' };
  try {
    return { ...base, text: await decodeSharePayload(data) };
  } catch (error) {
    const message = error instanceof ShareLinkError ? error.message : 'This share link could not be opened.';
    return { ...base, error: message };
  }
}

/** How workflow JSON, relaxed JSON or a TypeScript object literal (`export default {`) may start. */
const WORKFLOW_TEXT_START = /^(?:\{|\/\/|\/\*|export\s+default\b|(?:export\s+)?(?:const|let|var)\s)/;

/** Pasted text as an import: workflow JSON (strict or relaxed), or a share link to one; null for anything else. */
export async function pastedImport(text: string): Promise<PreviewRequest | null> {
  const trimmed = text.trim();
  if (WORKFLOW_TEXT_START.test(trimmed)) return { source: 'paste', label: 'Pasted text', text };
  const hashAt = trimmed.indexOf('#');
  const data = hashAt >= 0 && /^https?:\/\//.test(trimmed) ? shareDataFromHash(trimmed.slice(hashAt)) : null;
  return data === null ? null : readShareData(data);
}

/** Removes a share fragment from the address bar: a link is opened once, then forgotten. */
export function clearShareHash(): void {
  if (shareDataFromHash(location.hash) === null) return;
  history.replaceState(history.state, '', `${location.pathname}${location.search}`);
}
