import { describe, expect, it } from 'vitest';
import { stepReach } from '../../../src/schema/predecessors';
import { everyStepWorkflow, pathOfSlug } from '../../support/everyStep';

const file = everyStepWorkflow();
const reach = (slug: string) => stepReach(file, pathOfSlug(file, slug));

describe('stepReach: the steps that can have run before a step', () => {
  it('a top-level step sees every step that reaches it, through either branch of a condition', () => {
    expect(reach('each')?.predecessors).toEqual(['start', 'classify', 'route', 'notify', 'hold']);
  });

  it('a step sees nothing after it, nor itself', () => {
    const seen = reach('classify')?.predecessors;
    expect(seen).toEqual(['start']);
    expect(reach('start')?.predecessors).toEqual([]);
  });

  it('a step of one condition branch does not see the other branch', () => {
    expect(reach('notify')?.predecessors).toEqual(['start', 'classify', 'route']);
    expect(reach('hold')?.predecessors).toEqual(['start', 'classify', 'route']);
  });

  it('inside a loop: earlier steps of the body, then what reaches the loop; never the loop itself', () => {
    const tally = reach('tally');
    expect(tally?.predecessors).toEqual(['line', 'start', 'classify', 'route', 'notify', 'hold']);
    expect(tally?.loops).toEqual(['each']);
    expect(reach('line')?.predecessors).not.toContain('tally');
  });

  it('after a container: the container, not the steps inside its bodies', () => {
    const seen = reach('review')?.predecessors ?? [];
    expect(seen).toContain('each');
    expect(seen).toContain('fan');
    expect(seen).not.toContain('line');
    expect(seen).not.toContain('call');
    expect(reach('review')?.loops).toEqual([]);
  });

  it('a parallel branch does not see the other branch', () => {
    const call = reach('call');
    expect(call?.predecessors).not.toContain('nap');
    expect(call?.predecessors).toContain('each');
    expect(call?.siblings).toEqual([]);
  });

  it('lists the siblings a step may continue to, and the steps of the innermost loop body', () => {
    expect(reach('line')?.siblings).toEqual(['tally']);
    expect(reach('line')?.loopBody).toEqual(['line', 'tally']);
    expect(reach('call')?.loopBody).toEqual([]);
  });

  it('a step on a cycle is not its own predecessor, and a bad path gives undefined', () => {
    const cyclic = structuredClone(file);
    (cyclic.stepsConfig[1] as { nextSteps: Record<string, string> }).nextSteps = { success: 'route' };
    (cyclic.stepsConfig[2] as { nextSteps: Record<string, string> }).nextSteps = { urgent: 'classify' };
    expect(stepReach(cyclic, ['stepsConfig', 1])?.predecessors).toEqual(['start', 'route']);
    expect(stepReach(file, ['stepsConfig', 99])).toBeUndefined();
    expect(stepReach('not a file', ['stepsConfig', 0])).toBeUndefined();
  });

  it('finds a step of a bundled workflow', () => {
    const bundled = { ...file, bundledWorkflows: [{ workflowConfig: { name: 'B' }, stepsConfig: file.stepsConfig }] };
    expect(stepReach(bundled, ['bundledWorkflows', 0, 'stepsConfig', 1])?.predecessors).toEqual(['start']);
  });
});
