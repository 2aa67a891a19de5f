import type { Evaluator } from './experiment';
import { checkExpression } from './expression';
import { compilePattern } from './jsonSchemaKeywords';
import { formatJsonPath, type Problem } from './problems';
import { judgeUserPrompt } from './judge';
import { validateSchemas } from './validateSchemas';

/**
 * The setup form's checks of an experiment's evaluators, before anything runs: every pattern compiles
 * on RE2, every JSONata expression parses, every schema can be used, every judge's prompt names only
 * its data, every column read is one of the table's.
 */

export interface EvaluatorProblem {
  evaluatorId: string;
  /** The evaluator's field the problem is in, e.g. "pattern", "expression", "schema", "prompt", "expected". */
  field: string;
  message: string;
}

/** Every problem of every evaluator; `columns`, when given, are the table's columns an expected value may read. */
export function checkEvaluators(evaluators: readonly Evaluator[], columns?: readonly string[]): EvaluatorProblem[] {
  const problems: EvaluatorProblem[] = [];
  const seen = new Set<string>();
  for (const evaluator of evaluators) {
    const add = (field: string, message: string) => problems.push({ evaluatorId: evaluator.id, field, message });
    if (seen.has(evaluator.id)) add('id', `another evaluator already has the id "${evaluator.id}"`);
    seen.add(evaluator.id);
    checkOne(evaluator, add);
    const expected = 'expected' in evaluator ? evaluator.expected : undefined;
    if (expected?.from === 'column' && columns && !columns.includes(expected.column)) {
      add('expected', `the table has no column "${expected.column}" (it has ${columns.join(', ') || 'none'})`);
    }
  }
  return problems;
}

function checkOne(evaluator: Evaluator, add: (field: string, message: string) => void): void {
  switch (evaluator.kind) {
    case 'regex': {
      const compiled = compilePattern(evaluator.pattern);
      if (!compiled.ok) {
        add('pattern', `/${evaluator.pattern}/ cannot be used (patterns use RE2 syntax): ${compiled.reason}`);
      }
      return;
    }
    case 'jsonata': {
      const checked = checkExpression(evaluator.expression);
      if (!checked.ok) add('expression', checked.message);
      return;
    }
    case 'json-schema':
      for (const found of schemaProblems(evaluator.schema)) add('schema', found);
      return;
    case 'llm-judge': {
      const prompt = judgeUserPrompt(evaluator.prompt);
      if (!prompt.ok) for (const found of prompt.problems) add('prompt', found);
      return;
    }
    case 'equals':
    case 'contains':
      return;
  }
}

/** The import-time schema checks (RE2 patterns, local `$ref`s, supported keywords), paths from the schema's root. */
function schemaProblems(schema: Record<string, unknown>): string[] {
  const found: Problem[] = [];
  validateSchemas({ inputSchema: schema }, [], [], { add: (p) => found.push(p) });
  return found
    .filter((p) => p.severity === 'error')
    .map((p) => {
      const segments = p.segments.slice(1);
      return segments.length === 0 ? p.message : `${formatJsonPath(segments).replace(/^\$\.?/, '')}: ${p.message}`;
    });
}
