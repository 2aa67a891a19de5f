import { EXPRESSION_BUDGET } from './limits';
import {
  allowedChars,
  BUILTIN_NAMES,
  count,
  exceeds,
  refuse,
  type BuiltinName,
  type Focus,
  type NativeFunction,
} from './expressionGuards';

/**
 * The size-amplifying operators (`&`, `=`, `!=`, `in`) rewritten into guarded calls, and which guarded
 * bindings an expression needs at all (only the built-ins it names are bound per evaluation).
 */

const { valueNodes } = EXPRESSION_BUDGET;

/** Which guarded bindings an expression needs, from the variables its (rewritten) AST names. */
export interface BindingNeeds {
  builtins: BuiltinName[];
  /** The rewritten `&`, `=`, `!=` or `in` operators. */
  operators: boolean;
}

/**
 * A built-in is reached only by its name (jsonata's transform operator looks up `clone` itself), so
 * binding the guarded versions of the names an expression uses guards every call it can make.
 */
export function bindingNeeds(variables: ReadonlySet<string>, hasTransform: boolean): BindingNeeds {
  const operators = variables.has(CONCAT) || variables.has(MEASURED);
  const builtins = BUILTIN_NAMES.filter(
    (name) => variables.has(name) || (name === 'string' && operators) || (name === 'clone' && hasTransform),
  );
  return { builtins, operators };
}

// ---------------------------------------------------------------------------------------------------
// Operators: `&` and deep equality, routed through bindings no expression can name (they hold spaces)

const CONCAT = 'string concatenation';
const MEASURED = 'compared value';

interface OperatorNode {
  type?: unknown;
  value?: unknown;
  position?: number;
  lhs?: unknown;
  rhs?: unknown;
}

const callNode = (name: string, position: number | undefined, args: unknown[]) => ({
  type: 'function',
  value: '(',
  position,
  procedure: { type: 'variable', value: name, position },
  arguments: args,
});

/** Rewrites `a & b` into a guarded call, and wraps the operands of `=`, `!=` and `in` in a size check. */
export function guardOperator(node: OperatorNode): void {
  if (node.type !== 'binary') return;
  if (node.value === '&') {
    const { lhs, rhs } = node;
    delete node.lhs;
    delete node.rhs;
    Object.assign(node, callNode(CONCAT, node.position, [lhs, rhs]));
  } else if (node.value === '=' || node.value === '!=' || node.value === 'in') {
    node.lhs = callNode(MEASURED, node.position, [node.lhs]);
    node.rhs = callNode(MEASURED, node.position, [node.rhs]);
  }
}

/** The bindings the rewritten operators call; no signatures, so arguments arrive as evaluated. */
export function operatorBindings(string: NativeFunction): Record<string, NativeFunction> {
  const text = (focus: Focus, value: unknown) =>
    value === undefined ? '' : (string.implementation.call(focus, value) as string);
  return {
    [CONCAT]: {
      _jsonata_function: true,
      implementation(lhs, rhs) {
        const left = text(this, lhs);
        const right = text(this, rhs);
        const allowed = allowedChars([left, right]);
        if (left.length + right.length > allowed) {
          refuse(
            `"&": a result of ${count(left.length + right.length)} characters ` +
              `is over the limit of ${count(allowed)} characters`,
          );
        }
        return left + right;
      },
    },
    [MEASURED]: {
      _jsonata_function: true,
      implementation(value) {
        if (exceeds(value, { nodes: valueNodes, chars: Infinity }))
          refuse(`comparing values of more than ${count(valueNodes)} entries`);
        return value;
      },
    },
  };
}
