import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { DbProvider } from '../../src/ui/DbContext';
import { freshDb } from './helpers';
import type { StepRecord, WaitReason } from '../../src/engine/records';
import { ExecutorProvider } from '../../src/ui/ExecutorContext';
import { waitingRun, waitingStep } from './runFixtures';
import { StepRow } from '../../src/ui/runs/StepRow';
import { UiStoreProvider } from '../../src/ui/state';
import type { ExecutorApi } from '../../src/worker/api';

/** The consent prompt of a step waiting to contact a host: what it names, and what Allow sends. */
const run = waitingRun;
const record = (fields: Partial<StepRecord>): StepRecord => waitingStep('call', fields);

/** The engine lists the wait on the run, with the host in normal form and the secrets the request sends. */
function renderRow(step: StepRecord, effects: StepRecord[], wait: WaitReason) {
  const confirmHost = vi.fn(async () => undefined);
  const executor = { confirmHost } as unknown as ExecutorApi;
  render(
    <DbProvider db={freshDb()}>
      <UiStoreProvider>
        <ExecutorProvider executor={executor}>
          <ul>
            <StepRow run={{ ...run, waits: [wait] }} step={step} effects={effects} onError={() => undefined} />
          </ul>
        </ExecutorProvider>
      </UiStoreProvider>
    </DbProvider>,
  );
  return confirmHost;
}

describe('host consent prompt', () => {
  it(
    'names the host in normal form and the secrets the request sends, ' + 'never their values; Allow sends that host',
    async () => {
      const confirmHost = renderRow(
        record({
          input: {
            method: 'POST',
            url: 'http://127.0.0.1:8080/x',
            headers: { authorization: 'Bearer {{secrets.API_TOKEN}}' },
            sendsSecrets: ['API_TOKEN', 'ORG_ID'],
          },
        }),
        [],
        { kind: 'host', stepKey: 'run1:call@', host: '127.0.0.1:8080', secrets: ['API_TOKEN', 'ORG_ID'] },
      );
      expect(screen.getByTestId('host-consent').textContent).toBe(
        'This workflow wants to send a request to 127.0.0.1:8080, with the secrets API_TOKEN, ORG_ID. ' +
          'Allow it (remembered for this workflow)?Allow 127.0.0.1:8080Refuse',
      );
      await userEvent.click(screen.getByRole('button', { name: 'Allow 127.0.0.1:8080' }));
      expect(confirmHost).toHaveBeenCalledWith('run1', '127.0.0.1:8080', true);
    },
  );

  it("an http_request tool call waiting inside an LLM step gets the prompt on that step's row", async () => {
    const llm = record({ key: 'run1:ask@', slug: 'ask', stepType: 'llm', status: 'started' });
    const tool = record({
      key: 'run1:ask@/r1/tool0',
      slug: 'ask',
      stepType: 'tool',
      parentKey: 'run1:ask@',
      input: { tool: 'http_request', args: { url: 'https://API.example.com./v1' } },
    });
    const confirmHost = renderRow(llm, [tool], {
      kind: 'host',
      stepKey: tool.key,
      host: 'api.example.com',
      secrets: [],
    });
    expect(screen.getByTestId('host-consent').textContent).toContain('send a request to api.example.com. Allow it');
    await userEvent.click(screen.getByRole('button', { name: 'Refuse' }));
    expect(confirmHost).toHaveBeenCalledWith('run1', 'api.example.com', false);
  });
});
