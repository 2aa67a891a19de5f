import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TabflowDb } from '../../src/store/db';
import { listWorkflows } from '../../src/store/workflows';
import { App } from '../../src/ui/App';

export function freshDb(): TabflowDb {
  return new TabflowDb(`test-${crypto.randomUUID()}`);
}

/** The app on its own database, with a user-event instance and a remount for "after a reload". */
export function renderApp(db: TabflowDb = freshDb()) {
  const user = userEvent.setup();
  const view = render(<App db={db} />);
  return {
    db,
    user,
    ...view,
    remount() {
      view.unmount();
      return render(<App db={db} />);
    },
  };
}

export async function libraryNames(db: TabflowDb): Promise<string[]> {
  return (await listWorkflows(db)).map((w) => w.name).sort();
}

/** The sidebar entries for saved workflows, as shown. */
export function workflowItems(): HTMLElement[] {
  return screen.queryAllByTestId('workflow-item');
}

export function templateItem(id: string): HTMLElement {
  const item = screen.getAllByTestId('template-item').find((el) => el.dataset.templateId === id);
  if (!item) throw new Error(`no template item ${id}`);
  return item;
}

export function templateUseButton(id: string): HTMLElement {
  return within(templateItem(id)).getByRole('button', { name: 'Use template' });
}
