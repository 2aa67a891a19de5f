import { ensureSyntaxTree, syntaxTree } from '@codemirror/language';
import type { EditorState } from '@codemirror/state';
import type { PathSegment } from '../../schema/problems';

/** Maps a problem's JSON path to a text range through the JSON syntax tree (CodeMirror-side only). */

type Node = ReturnType<typeof syntaxTree>['topNode'];

const VALUE_NODES = new Set(['Object', 'Array', 'String', 'Number', 'True', 'False', 'Null']);
const PARSE_BUDGET_MS = 100;

export interface TextRange {
  from: number;
  to: number;
}

/**
 * The range of the value at `segments`, or of the nearest ancestor that exists in the text (a
 * missing key points at its parent). Objects and arrays are marked by their key or first line.
 */
export function rangeOfPath(state: EditorState, segments: readonly PathSegment[]): TextRange {
  const tree = ensureSyntaxTree(state, state.doc.length, PARSE_BUDGET_MS) ?? syntaxTree(state);
  let node = valueChildren(tree.topNode)[0];
  if (!node) return { from: 0, to: Math.min(1, state.doc.length) };
  let key: Node | null = null;
  for (const segment of segments) {
    const next = childAt(state, node, segment);
    if (!next) break;
    node = next.value;
    key = next.key;
  }
  if (!isContainer(node)) return { from: node.from, to: node.to };
  if (key) return { from: key.from, to: key.to };
  return { from: node.from, to: Math.min(node.to, state.doc.lineAt(node.from).to) };
}

function childAt(state: EditorState, node: Node, segment: PathSegment): { value: Node; key: Node | null } | null {
  if (node.name === 'Array' && typeof segment === 'number') {
    const value = valueChildren(node)[segment];
    return value ? { value, key: null } : null;
  }
  if (node.name !== 'Object' || typeof segment !== 'string') return null;
  let found: { value: Node; key: Node | null } | null = null;
  // JSON.parse keeps the last of duplicate keys, so the last match is the one validated.
  for (const property of node.getChildren('Property')) {
    const key = property.getChild('PropertyName');
    if (!key || keyText(state, key) !== segment) continue;
    found = { value: valueChildren(property)[0] ?? key, key };
  }
  return found;
}

function valueChildren(node: Node): Node[] {
  const out: Node[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (VALUE_NODES.has(child.name)) out.push(child);
  }
  return out;
}

function isContainer(node: Node): boolean {
  return node.name === 'Object' || node.name === 'Array';
}

/** A key or string node's text, unquoted. */
export function keyText(state: EditorState, key: Node): string {
  const raw = state.sliceDoc(key.from, key.to);
  try {
    return JSON.parse(raw) as string;
  } catch {
    return raw.replace(/^"|"$/g, '');
  }
}
