import { errorMessage } from '../../schema/errorMessage';

/**
 * The app's own version against the one a new deployment installed. A new version never replaces
 * the running one by itself: it waits (`ready`) until the person presses Reload, and the reload
 * happens only once this tab's step commits in flight have finished.
 */
export type UpdateState =
  { kind: 'current' } | { kind: 'ready' } | { kind: 'applying' } | { kind: 'failed'; message: string };

/** How the page reaches the new version: hand control to it (when it still waits), then reload. */
export interface UpdateActivation {
  /** Resolves when the new service worker controls this page (at once if it already does). */
  takeOver(): Promise<void>;
  reload(): void;
}

type Listener = () => void;

export class UpdateController {
  private state: UpdateState = { kind: 'current' };
  private readonly listeners = new Set<Listener>();
  private activation: UpdateActivation | undefined;

  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly snapshot = (): UpdateState => this.state;

  /** A new version is installed (waiting) or already controls the origin from another tab. */
  offer(activation: UpdateActivation): void {
    this.activation = activation;
    if (this.state.kind === 'current') this.set({ kind: 'ready' });
  }

  /**
   * Reload into the new version: `settleWrites` resolves once no step commit of this tab is in
   * flight (and holds new ones back); only then does the new version take over and the page reload.
   */
  async apply(settleWrites: () => Promise<void>): Promise<void> {
    const activation = this.activation;
    if (!activation || this.state.kind === 'applying') return;
    this.set({ kind: 'applying' });
    try {
      await settleWrites();
      await activation.takeOver();
      activation.reload();
    } catch (error) {
      const message = errorMessage(error);
      this.set({ kind: 'failed', message: `The new version could not be loaded: ${message}` });
    }
  }

  private set(state: UpdateState): void {
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}

/** The page's one controller, fed by `registerServiceWorker`. */
export const appUpdates = new UpdateController();
