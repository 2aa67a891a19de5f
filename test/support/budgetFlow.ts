import { chain, llm } from './flows';

/** Two model steps on the demo model under a 1-token budget: the second step's round asks to continue. */
export const overBudgetFlow = () =>
  chain(
    'Over budget',
    [
      llm('first', 'Say one thing about {{input.value}}', { model: 'demo' }),
      llm('second', 'And another thing about {{input.value}}', { model: 'demo' }),
    ],
    { limits: { maxTokensPerRun: 1 } },
  );
