import { Component, lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import './lazyBoundary.css';

/** A lazily loaded part of the app whose code could not be fetched (offline, a deployment removed it). */
export class ChunkLoadError extends Error {
  override name = 'ChunkLoadError';
  constructor(cause: unknown) {
    super(`could not load this part of the app: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * `React.lazy` that can be tried again: a failed download rejects with `ChunkLoadError` (which
 * `LazyBoundary` shows with Retry), and the next render after it imports the module afresh — React
 * keeps a failed lazy component failed forever, so each failure swaps in a new one.
 */
export function lazyChunk<Props extends object>(
  load: () => Promise<{ default: ComponentType<Props> }>,
): ComponentType<Props> {
  const fresh = () =>
    lazy(() =>
      load().catch((error: unknown) => {
        current = fresh();
        throw new ChunkLoadError(error);
      }),
    );
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

  private readonly retry = () => this.setState({ failed: false });

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
