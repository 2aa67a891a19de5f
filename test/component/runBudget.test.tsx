import { render, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { App } from '../../src/ui/App';
import type { ExecutorApi } from '../../src/worker/api';
import { freshDb, templateUseButton } from './helpers';

/** The app with an executor that records what it was asked to start. */
function renderApp() {
  const started: Array<Parameters<ExecutorApi['start']>[0]> = [];
  const start = async (request: Parameters<ExecutorApi['start']>[0]) => (started.push(request), 'run-new');
  const executor = new Proxy({ start } as Record<string, unknown>, {
    get: (target, name: string) => target[name] ?? (async () => undefined),
  }) as unknown as ExecutorApi;
  const user = userEvent.setup();
  render(<App db={freshDb()} executor={executor} />);
  return { user, started };
}

async function openRunForm(user: ReturnType<typeof userEvent.setup>) {
  await user.click(templateUseButton('single-customer-status'));
  await screen.findByRole('textbox', { name: 'Workflow name' });
  await user.click(screen.getByRole('button', { name: /^Run$/ }));
  const dialog = await screen.findByRole('dialog');
  await user.type(await within(dialog).findByLabelText(/customerId/), 'cus_001');
  return dialog;
}

describe("the run form's budget", () => {
  it.each([
    ['', '', undefined],
    ['2000', '', { maxTokens: 2000 }],
    ['', '0.5', { maxCostUsd: 0.5 }],
    ['300', '0.25', { maxTokens: 300, maxCostUsd: 0.25 }],
  ])('token cap “%s”, cost cap “%s” start the run with %j', async (tokens, cost, budget) => {
    const { user, started } = renderApp();
    const dialog = await openRunForm(user);
    if (tokens) await user.type(within(dialog).getByLabelText('Token cap'), tokens);
    if (cost) await user.type(within(dialog).getByLabelText('Cost cap (USD)'), cost);
    await user.click(within(dialog).getByRole('button', { name: 'Start run' }));
    await waitFor(() => expect(started).toHaveLength(1));
    expect(started[0]!.budget).toEqual(budget);
  });

  it.each([
    ['Token cap', '0', /Token cap: a whole number of tokens, 1 or more \(not “0”\)/],
    ['Token cap', '2.5', /Token cap: a whole number/],
    ['Cost cap (USD)', '0', /Cost cap: an amount in USD above 0/],
  ])('%s “%s” is refused, saying which field and why', async (label, value, message) => {
    const { user, started } = renderApp();
    const dialog = await openRunForm(user);
    await user.type(within(dialog).getByLabelText(label), value);
    await user.click(within(dialog).getByRole('button', { name: 'Start run' }));
    expect((await within(dialog).findByRole('alert')).textContent).toMatch(message);
    expect(started).toEqual([]);
  });
});
