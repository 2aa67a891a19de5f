import { Component, type ErrorInfo, type ReactNode } from 'react';
import { Dialog } from './Dialog';

interface ErrorBoundaryProps {
  /** What failed, as a person would name it: "The import preview", "This workflow". */
  label: string;
  children: ReactNode;
  /** `dialog`: the fallback is a dialog of its own; `panel`: it takes the place of the part that failed. */
  variant?: 'dialog' | 'panel';
  /** Called once per failure, e.g. to forget the share link that led here. */
  onError?(error: unknown): void;
  /** Run by "Dismiss" (e.g. close the dialog that failed); the boundary then renders its children again. */
  onDismiss?(): void;
  /** A change of this value (another workflow opened) tries again. */
  resetKey?: unknown;
}

type BoundaryState = { status: 'ok' } | { status: 'failed'; message: string };

/**
 * Keeps a throw in one part of the app from unmounting all of it: that part shows what failed,
 * with Reload and Dismiss, and everything around it keeps working.
 */
export class ErrorBoundary extends Component<ErrorBoundaryProps, BoundaryState> {
  override state: BoundaryState = { status: 'ok' };

  static getDerivedStateFromError(error: unknown): BoundaryState {
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { status: 'failed', message: message.slice(0, 300) };
  }

  override componentDidUpdate(previous: ErrorBoundaryProps): void {
    if (this.state.status === 'failed' && previous.resetKey !== this.props.resetKey) this.setState({ status: 'ok' });
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    console.error(`${this.props.label} failed`, error, info.componentStack);
    this.props.onError?.(error);
  }

  private readonly dismiss = () => {
    this.setState({ status: 'ok' });
    this.props.onDismiss?.();
  };

  override render(): ReactNode {
    if (this.state.status === 'ok') return this.props.children;
    const { label, variant = 'panel' } = this.props;
    const title = `${label} failed`;
    const actions = (
      <>
        <button type="button" className="button" onClick={this.dismiss}>
          Dismiss
        </button>
        <button type="button" className="button button-primary" onClick={() => location.reload()}>
          Reload
        </button>
      </>
    );
    const explanation = (
      <>
        <p className="error-text" role="alert">
          {title}: {this.state.message}
        </p>
        <p className="muted">Nothing was saved or imported by the part that failed; the rest of the app still works.</p>
      </>
    );
    if (variant === 'dialog') {
      return (
        <Dialog label={title} onClose={this.dismiss} footer={actions}>
          {explanation}
        </Dialog>
      );
    }
    return (
      <section className="error-boundary" aria-label={title}>
        {explanation}
        <div className="dialog-actions">{actions}</div>
      </section>
    );
  }
}
