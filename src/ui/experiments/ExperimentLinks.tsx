import { routeHref } from '../routing/routes';
import './experimentLinks.css';

// The ways into experiments from the first screen (the header, a workflow's toolbar): links, so they open in a
// new tab too. Only this file and its CSS load with the first screen; the screens themselves are lazy.

export function ExperimentsLink() {
  return (
    <a className="button button-dark experiment-link" href={routeHref({ screen: 'experiments' })}>
      Experiments
    </a>
  );
}

export function RunOverTableLink({ workflowId }: { workflowId: string }) {
  return (
    <a className="button experiment-link" href={routeHref({ screen: 'newExperiment', workflowId })}>
      Run over a table…
    </a>
  );
}
