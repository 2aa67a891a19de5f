import { describe, expect, it } from 'vitest';
import { literalHostOf } from '../../src/schema/hosts';
import { validateWorkflowFile } from '../../src/schema/validate';
import { baseWorkflow } from '../support/workflows';

/**
 * Regular expressions that read workflow content outside JSON Schemas run on native RegExp: each
 * must take linear time on any string a file may hold (200,000 characters). Generous budgets.
 */

const RUN = 200_000;

describe('regular expressions over workflow content stay linear', () => {
  it('the host of an http URL with a long run of spaces inside is read quickly, as before', () => {
    const started = performance.now();
    // URL parsing drops tabs anywhere, so the host reads "ab" (as it did before, slowly).
    expect(literalHostOf(`https://a${'\t'.repeat(RUN)}b`)).toBe('ab');
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(literalHostOf('  \x01https://API.example.com:8443/{{input.id}} \n')).toBe('api.example.com:8443');
    expect(literalHostOf(' '.repeat(10))).toBeUndefined();
  });

  it('importing an http step with such a URL gets a verdict quickly', () => {
    const doc = baseWorkflow() as any;
    doc.stepsConfig[1] = {
      stepSlug: 'ask',
      name: 'Call',
      stepType: 'action',
      config: { action: 'http', method: 'GET', url: `https://api.example.com/${' '.repeat(RUN)}x` },
      nextSteps: { success: 'done' },
    };
    const started = performance.now();
    validateWorkflowFile(doc);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});
