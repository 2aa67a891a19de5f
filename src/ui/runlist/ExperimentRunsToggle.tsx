import { routeHref } from '../routing/routes';
import './experimentRuns.css';

interface ExperimentRunsToggleProps {
  /** How many of the listed workflow's runs come from experiments. */
  count: number;
  shown: boolean;
  onChange(shown: boolean): void;
}

/** A workflow's runs list leaves its experiments' runs out unless asked; they are the experiment's to show. */
export function ExperimentRunsToggle({ count, shown, onChange }: ExperimentRunsToggleProps) {
  if (count === 0) return null;
  return (
    <p className="experiment-runs-toggle muted">
      <label>
        <input type="checkbox" checked={shown} onChange={(e) => onChange(e.target.checked)} />
        Show {count} run{count === 1 ? '' : 's'} from experiments
      </label>{' '}
      <a href={routeHref({ screen: 'experiments' })}>Experiments</a>
    </p>
  );
}
