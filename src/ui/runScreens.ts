// The run screens, one lazy chunk (`lazyScreens.tsx`): modules they share stay inside it, so a chunk that
// failed to download never leaves a second lazy chunk it imports failed behind it.
export { RunsPanel } from './runs/RunsPanel';
export { Inbox } from './inbox/Inbox';
export { CompareView } from './compare/CompareView';
export { AllRuns } from './runlist/AllRuns';
export { ExperimentList } from './experiments/ExperimentList';
export { ExperimentSetup } from './experiments/ExperimentSetup';
export { ExperimentScreen } from './experiments/ExperimentScreen';
