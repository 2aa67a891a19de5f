import type { ComponentProps, ComponentType } from 'react';
import { LazyBoundary, lazyChunk } from './common/LazyBoundary';
import type { RunsPanel } from './runs/RunsPanel';
import type { CompareView } from './compare/CompareView';
import type { AllRuns } from './runlist/AllRuns';
import type { ExperimentScreen } from './experiments/ExperimentScreen';
import type { ExperimentSetup } from './experiments/ExperimentSetup';

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
// The experiments' screens share the run screens' chunk (and modules such as runs/format.ts with them).
const ExperimentListChunk = lazyChunk<Record<string, never>>(() =>
  import('./runScreens').then((m) => ({ default: m.ExperimentList })),
);
const ExperimentSetupChunk = lazyChunk<ComponentProps<typeof ExperimentSetup>>(() =>
  import('./runScreens').then((m) => ({ default: m.ExperimentSetup })),
);
const ExperimentScreenChunk = lazyChunk<ComponentProps<typeof ExperimentScreen>>(() =>
  import('./runScreens').then((m) => ({ default: m.ExperimentScreen })),
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
export const LazyExperimentList = lazyScreen(ExperimentListChunk, 'the experiments');
export const LazyExperimentSetup = lazyScreen(ExperimentSetupChunk, 'the experiment setup');
export const LazyExperiment = lazyScreen(ExperimentScreenChunk, 'the experiment');
