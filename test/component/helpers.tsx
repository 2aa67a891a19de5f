import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { TabflowDb } from '../../src/store/db';
import { listWorkflows } from '../../src/store/workflows';
import type { ReactNode } from 'react';
import { App } from '../../src/ui/App';
import { DbProvider } from '../../src/ui/DbContext';
import { ExecutorProvider } from '../../src/ui/ExecutorContext';
import { UiStoreProvider } from '../../src/ui/state';
import type { ExecutorApi } from '../../src/worker/api';

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

/** A part of the UI over its own database, with an executor that answers only what the test gives it. */
export function renderWithExecutor(db: TabflowDb, executor: Partial<ExecutorApi>, ui: ReactNode) {
  return render(
    <DbProvider db={db}>
      <UiStoreProvider>
        <ExecutorProvider executor={executor as ExecutorApi}>{ui}</ExecutorProvider>
      </UiStoreProvider>
    </DbProvider>,
  );
}
