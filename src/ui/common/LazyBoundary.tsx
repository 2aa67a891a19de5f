import { Component, lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import './lazyBoundary.css';
import { errorMessage } from '../../schema/errorMessage';

/** A lazily loaded part of the app whose code could not be fetched (offline, a deployment removed it). */
export class ChunkLoadError extends Error {
  override name = 'ChunkLoadError';
  constructor(cause: unknown) {
    super(`could not load this part of the app: ${errorMessage(cause)}`, { cause });
  }
}

/**
 * The script a failed dynamic import named ("Failed to fetch dynamically imported module: <url>"), when it is
 * one of this app's own. Chromium remembers a failed module fetch for the page's lifetime, so a retry must ask
 * for it under another URL; a browser whose message names no URL is simply asked again.
 */
function failedScript(error: unknown): string | undefined {
  const named = /(https?:\/\/[^\s'"]+?\.js)\b/.exec(error instanceof Error ? error.message : '')?.[1];
  if (!named) return undefined;
  const url = new URL(named);
  return url.origin === location.origin ? url.pathname : undefined;
}

/**
 * Asks again for every stylesheet that has not loaded (a lazy chunk's CSS that failed with it): Vite's
 * preloader never requests a stylesheet twice, so a retried chunk would otherwise render unstyled.
 */
function retryFailedStylesheets(attempt: number): void {
  for (const link of document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')) {
    if (!failedToLoad(link)) continue;
    const again = link.cloneNode() as HTMLLinkElement;
    const url = new URL(link.href);
    url.searchParams.set('retry', String(attempt));
    again.href = url.href;
    link.replaceWith(again);
  }
}

/** Whether one of our stylesheets failed to download: Chromium leaves such a link an empty or unreadable sheet. */
function failedToLoad(link: HTMLLinkElement): boolean {
  if (new URL(link.href).origin !== location.origin) return false; // not ours to retry
  try {
    return !link.sheet || link.sheet.cssRules.length === 0;
  } catch {
    return true;
  }
}

let retries = 0;

/** Each chunk whose last download failed, with how to try it afresh (run by Retry). */
const failedChunks = new Set<() => void>();

/**
 * `React.lazy` that can be tried again: a failed download rejects with `ChunkLoadError` (which
 * `LazyBoundary` shows with Retry). React keeps a failed lazy component failed forever, so Retry
 * swaps in a new one — only then, never on the failing render itself, which would ask again and
 * again while offline. A retry of a script the browser named asks for it with a `?retry=` query, and
 * Retry also asks again for any stylesheet that failed (`retryFailedStylesheets`).
 */
export function lazyChunk<Props extends object>(
  load: () => Promise<{ default: ComponentType<Props> }>,
): ComponentType<Props> {
  let retryScript: string | undefined;
  let attempt = 0;
  const importScript = (script: string) => import(/* @vite-ignore */ `${script}?retry=${++attempt}`);
  // A first failure that names its script (the browser remembered it failing) is asked again under a fresh URL at once.
  const importOnce = (): Promise<{ default: ComponentType<Props> }> =>
    retryScript
      ? importScript(retryScript)
      : load().catch((error: unknown) => {
          retryScript = failedScript(error);
          if (retryScript) return importScript(retryScript);
          throw error;
        });
  const fresh = () =>
    lazy(() =>
      importOnce().catch((error: unknown) => {
        failedChunks.add(tryAgain);
        throw new ChunkLoadError(error);
      }),
    );
  const tryAgain = () => {
    current = fresh();
    failedChunks.delete(tryAgain);
  };
  let current = fresh();
  function LazyChunk(props: Props) {
    const Loaded = current;
    return <Loaded {...props} />;
  }
  return LazyChunk;
}

interface LazyBoundaryProps {
  /** What is loading, as a person would name it: "the JSON editor". */
  label: string;
  /** Shown while the chunk downloads. */
  fallback: ReactNode;
  children: ReactNode;
}

type LazyBoundaryState = { failed: false } | { failed: true; error: unknown };

/**
 * Suspense plus a boundary for a `lazyChunk`: a download that fails shows "Couldn't load this part —
 * Retry" in its place (Retry imports it again), never a white page. Other errors go on to the
 * enclosing `ErrorBoundary`, which says what failed.
 */
export class LazyBoundary extends Component<LazyBoundaryProps, LazyBoundaryState> {
  override state: LazyBoundaryState = { failed: false };

  static getDerivedStateFromError(error: unknown): LazyBoundaryState {
    return { failed: true, error };
  }

  private readonly retry = () => {
    retryFailedStylesheets(++retries);
    for (const tryAgain of [...failedChunks]) tryAgain();
    this.setState({ failed: false });
  };

  override render(): ReactNode {
    if (!this.state.failed) return <Suspense fallback={this.props.fallback}>{this.props.children}</Suspense>;
    // Invariant: only a failed download is handled here; anything else is the enclosing boundary's.
    if (!(this.state.error instanceof ChunkLoadError)) throw this.state.error;
    return (
      <section className="lazy-failed" aria-label={`Couldn't load ${this.props.label}`}>
        <p role="alert">Couldn’t load this part ({this.props.label}). Check the connection, then try again.</p>
        <button type="button" className="button button-primary" onClick={this.retry}>
          Retry
        </button>
      </section>
    );
  }
}
