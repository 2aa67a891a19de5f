import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import * as predecessors from '../../../src/schema/predecessors';
import { everyStepWorkflow, pathOfSlug } from '../../support/everyStep';
import { renderPanel } from './harness';

/** Counts how often a form works out which steps can have run before its step (a walk of the whole file). */
vi.mock('../../../src/schema/predecessors', async (importOriginal) => {
  const actual = await importOriginal<typeof predecessors>();
  return { ...actual, stepReach: vi.fn(actual.stepReach) };
});

const stepReach = vi.mocked(predecessors.stepReach);

describe('what a keystroke in a step form costs', () => {
  it("typing in a prompt does not work out the step's reach again; a change of the graph does", () => {
    const file = everyStepWorkflow();
    const panel = renderPanel(file, pathOfSlug(file, 'classify'));
    const prompt = screen.getByLabelText(/^User prompt/);
    stepReach.mockClear();
    for (const value of ['S', 'Su', 'Sum']) fireEvent.change(prompt, { target: { value } });
    expect(panel.changes).toHaveLength(3);
    expect(stepReach).not.toHaveBeenCalled();

    const unlinked = structuredClone(panel.current());
    delete unlinked.stepsConfig[0]!.nextSteps;
    panel.replaceFile(unlinked);
    expect(stepReach).toHaveBeenCalled();
  });
});
