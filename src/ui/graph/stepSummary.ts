import type { Step } from '../../schema/steps';

/** One line saying what a step does, for its node: the model, the tool, the condition, the wait. */
export function summarizeStep(step: Step): string {
  switch (step.stepType) {
    case 'trigger':
      return 'Manual start';
    case 'llm': {
      const node = step.config.llmNode;
      const tools = node.tools?.length ? ` · tools: ${node.tools.join(', ')}` : '';
      return `${node.provider ? `${node.provider}/` : ''}${node.model}${tools}`;
    }
    case 'condition': {
      const first = step.config.rules[0];
      const more = step.config.rules.length > 1 ? ` (+${step.config.rules.length - 1})` : '';
      return first ? `if ${first.when} → ${first.next}${more}` : 'no rules';
    }
    case 'action':
      return summarizeAction(step.config);
    case 'wait':
      return step.config.durationMs !== undefined
        ? `wait ${duration(step.config.durationMs)}`
        : `until ${step.config.until}`;
    case 'approval':
      return `ask: ${step.config.prompt}`;
    case 'event':
      return `wait for event "${step.config.event}"`;
    case 'subworkflow':
      return `run "${step.config.workflow}"`;
    case 'loop':
      if (step.config.forEach === undefined) return `while ${step.config.while}`;
      return Array.isArray(step.config.forEach)
        ? `for each of ${step.config.forEach.length} items`
        : `for each ${step.config.forEach}`;
    case 'parallel':
      return `${Object.keys(step.config.branches).length} branches, join ${step.config.join ?? 'all'}`;
  }
}

function summarizeAction(config: Extract<Step, { stepType: 'action' }>['config']): string {
  switch (config.action) {
    case 'set':
      return `set ${Object.keys(config.values).join(', ') || 'nothing'}`;
    case 'transform':
      return `transform: ${config.expression}`;
    case 'table.query':
      return `query table ${config.table}`;
    case 'table.update':
      return `update table ${config.table}`;
    case 'http':
      return `${config.method} ${config.url}`;
  }
}

/** 90000 → "1.5 min". */
export function duration(ms: number): string {
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${trim(ms / 1_000)} s`;
  if (ms < 3_600_000) return `${trim(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${trim(ms / 3_600_000)} h`;
  return `${trim(ms / 86_400_000)} d`;
}

function trim(value: number): string {
  return String(Math.round(value * 10) / 10);
}
