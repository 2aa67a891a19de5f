import { useReactFlow, type Connection, type Edge, type XYPosition } from '@xyflow/react';
import { useEffect, useMemo, useRef } from 'react';
import type { StepType } from '../../schema/steps';
import type { WorkflowFile } from '../../schema/workflow';
import { copyText } from '../common/clipboard';
import type { DocumentSession } from '../document/session';
import { useUi } from '../state';
import { stepsToClipboard, stepsFromClipboard } from './clipboardSteps';
import {
  addStep,
  bodyOf,
  clearPositions,
  connect,
  disconnect,
  duplicateSteps,
  findStep,
  insertSteps,
  moveSteps,
  removeSteps,
  withPositions,
  type Position,
} from './edits';
import { TOP_LEVEL, pathKey, type BodyPath, type GraphModel } from './model';
import type { FlowNode } from './nodes';

/** Every edit the canvas makes, each one `applyDoc` on the session (so undo, autosave and the JSON follow). */
export interface GraphCommands {
  add(type: StepType, where?: { body: BodyPath; position: Position }): string | undefined;
  connect(source: string, key: string, target: string): void;
  reconnect(edge: Edge, connection: Connection): void;
  remove(nodeIds: readonly string[], edgeIds: readonly string[]): void;
  duplicate(nodeIds: readonly string[]): string[];
  copy(nodeIds: readonly string[]): string | undefined;
  paste(text: string): 'pasted' | 'not-steps';
  dragged(nodes: readonly FlowNode[]): void;
  tidy(): void;
  /** The body (list path) a drop at a flow position lands in: the innermost container there, or the top. */
  bodyAt(point: XYPosition, ignore?: ReadonlySet<string>): { body: BodyPath; parentId: string | undefined };
}

interface CommandContext {
  session: DocumentSession;
  model: GraphModel;
  selected: ReadonlySet<string>;
  onSelect(ids: readonly string[]): void;
}

export function useGraphCommands(context: CommandContext): GraphCommands {
  const flow = useReactFlow();
  const showToast = useUi((s) => s.showToast);
  // Handlers read the latest model and selection, so their identity can stay the same.
  const latest = useRef(context);
  useEffect(() => {
    latest.current = context;
  });

  return useMemo(() => {
    const file = (): WorkflowFile => latest.current.session.getSnapshot().file;
    const apply = (next: WorkflowFile, group?: string) => latest.current.session.applyDoc(next, { group });
    const slugOf = (id: string) => {
      const node = latest.current.model.byId.get(id);
      return node?.data.kind === 'step' ? node.data.slug : undefined;
    };
    const slugsOf = (ids: readonly string[]) => ids.map(slugOf).filter((s): s is string => s !== undefined);
    const refuse = (message: string) => showToast({ message, tone: 'warning' });

    const bodyAt: GraphCommands['bodyAt'] = (point, ignore) => {
      const rect = { x: point.x, y: point.y, width: 1, height: 1 };
      const holders = flow
        .getIntersectingNodes(rect, true)
        .filter((n) => !ignore?.has(n.id) && latest.current.model.byId.get(n.id)?.data.ownBody !== undefined);
      // The innermost holder: model order puts containers before what they hold.
      const order = latest.current.model.nodes.map((n) => n.id);
      const inner = holders.sort((a, b) => order.indexOf(b.id) - order.indexOf(a.id))[0];
      const node = inner ? latest.current.model.byId.get(inner.id) : undefined;
      return node?.data.ownBody
        ? { body: node.data.ownBody, parentId: node.id }
        : { body: TOP_LEVEL, parentId: undefined };
    };

    return {
      add(type, where) {
        const [only] = latest.current.selected.size === 1 ? [...latest.current.selected] : [];
        const after = !where && only ? slugOf(only) : undefined;
        const body = where?.body ?? (after ? bodyOf(file(), after) : undefined) ?? TOP_LEVEL;
        const result = addStep(file(), type, { body, after, position: where?.position });
        apply(result.file);
        latest.current.onSelect([result.slug]);
        return result.slug;
      },
      connect(source, key, target) {
        apply(connect(file(), source, key, target));
      },
      reconnect(edge, connection) {
        const key = (edge.data as { key: string }).key;
        const source = slugOf(connection.source);
        const target = slugOf(connection.target);
        if (!source || !target) return;
        const base = source === slugOf(edge.source) ? file() : disconnect(file(), slugOf(edge.source)!, key);
        apply(connect(base, source, key, target));
      },
      remove(nodeIds, edgeIds) {
        let next = file();
        for (const id of edgeIds) {
          const edge = latest.current.model.edges.find((e) => e.id === id);
          if (edge) next = disconnect(next, slugOf(edge.source)!, edge.key);
        }
        const slugs = slugsOf(nodeIds);
        if (slugs.length > 0) {
          const removed = removeSteps(next, slugs);
          if (!removed.ok) return refuse(removed.reason);
          next = removed.file;
        }
        if (next !== file()) apply(next);
        latest.current.onSelect([]);
      },
      duplicate(nodeIds) {
        const result = duplicateSteps(file(), slugsOf(nodeIds));
        if (result.slugs.length > 0) {
          apply(result.file);
          latest.current.onSelect(result.slugs);
        }
        return result.slugs;
      },
      copy(nodeIds) {
        const steps = slugsOf(nodeIds)
          .map((slug) => findStep(file(), slug))
          .filter((s) => s !== undefined);
        if (steps.length === 0) return undefined;
        const text = stepsToClipboard(steps);
        void copyText(text);
        return text;
      },
      paste(text) {
        const read = stepsFromClipboard(text);
        if (read.kind === 'other') return 'not-steps';
        if (read.kind === 'invalid') {
          refuse(read.message);
          return 'pasted';
        }
        const [only] = latest.current.selected.size === 1 ? [...latest.current.selected] : [];
        const holder = only ? latest.current.model.byId.get(only)?.data.ownBody : undefined;
        const result = insertSteps(file(), read.steps, holder ?? TOP_LEVEL);
        apply(result.file);
        latest.current.onSelect(result.slugs);
        return 'pasted';
      },
      dragged(nodes) {
        const dragged = nodes.filter((n) => n.data.node.kind === 'step');
        const first = dragged[0];
        if (!first) return;
        const node = latest.current.model.byId.get(first.id)!;
        const absolute = flow.getInternalNode(first.id)?.internals.positionAbsolute ?? first.position;
        const centre = { x: absolute.x + (first.width ?? 0) / 2, y: absolute.y + 20 };
        const ids = new Set(dragged.map((n) => n.id));
        const target = bodyAt(centre, descendantsOf(latest.current.model, ids));
        if (node.data.kind === 'step' && pathKey(target.body) !== pathKey(node.data.body)) {
          const moved = moveSteps(file(), slugsOf([...ids]), target.body);
          if (!moved.ok) return refuse(moved.reason);
          apply(moved.file);
          return;
        }
        const positions = new Map(dragged.map((n) => [(n.data.node as { slug: string }).slug, n.position] as const));
        apply(withPositions(file(), positions), 'drag');
      },
      tidy() {
        apply(clearPositions(file()));
      },
      bodyAt,
    };
  }, [flow, showToast]);
}

/** The nodes and everything inside them: a container cannot be dropped into itself. */
function descendantsOf(model: GraphModel, ids: ReadonlySet<string>): Set<string> {
  const found = new Set(ids);
  for (const node of model.nodes) if (node.parentId && found.has(node.parentId)) found.add(node.id);
  return found;
}
