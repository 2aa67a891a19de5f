import type { ComponentProps, ComponentType } from 'react';
import { LazyBoundary, lazyChunk } from './common/LazyBoundary';
import type { RunsPanel } from './runs/RunsPanel';
import type { CompareView } from './compare/CompareView';
import type { AllRuns } from './runlist/AllRuns';

// The run screens load on first use, so the first screen's JavaScript stays without them (and their
// virtualizer, timeline and inspector): `npm run bench` holds it to ≤ 300 KB gzip. All four come from one
// module, so they are one chunk (a lazy chunk imports only first-screen chunks: test/browser/chunks.test.ts).
const RunsPanelChunk = lazyChunk<ComponentProps<typeof RunsPanel>>(() =>
  import('./runScreens').then((m) => ({ default: m.RunsPanel })),
);
const InboxChunk = lazyChunk<Record<string, never>>(() => import('./runScreens').then((m) => ({ default: m.Inbox })));
const CompareViewChunk = lazyChunk<ComponentProps<typeof CompareView>>(() =>
  import('./runScreens').then((m) => ({ default: m.CompareView })),
);
const AllRunsChunk = lazyChunk<ComponentProps<typeof AllRuns>>(() =>
  import('./runScreens').then((m) => ({ default: m.AllRuns })),
);

function lazyScreen<Props extends object>(Chunk: ComponentType<Props>, label: string): ComponentType<Props> {
  function LazyScreen(props: Props) {
    return (
      <LazyBoundary label={label} fallback={<p className="muted">Loading {label}…</p>}>
        <Chunk {...props} />
      </LazyBoundary>
    );
  }
  LazyScreen.displayName = `Lazy(${label})`;
  return LazyScreen;
}

export const LazyRunsPanel = lazyScreen(RunsPanelChunk, 'the runs');
export const LazyInbox = lazyScreen(InboxChunk, 'the inbox');
export const LazyCompareView = lazyScreen(CompareViewChunk, 'the comparison');
export const LazyAllRuns = lazyScreen(AllRunsChunk, 'the runs list');
