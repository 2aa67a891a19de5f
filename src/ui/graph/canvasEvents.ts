import type { ReactFlowInstance } from '@xyflow/react';
import type { ClipboardEvent, DragEvent } from 'react';
import type { StepType } from '../../schema/steps';
import type { FlowNode } from './nodes';
import { PALETTE_MIME } from './Palette';
import type { GraphCommands } from './useGraphCommands';

/** The canvas's clipboard and drop handlers: copy/paste steps as JSON text, palette entries dropped in place. */
export function canvasEvents(
  flow: ReactFlowInstance<FlowNode>,
  commands: GraphCommands,
  selected: ReadonlySet<string>,
  readOnly: boolean,
) {
  return {
    onCopy(event: ClipboardEvent) {
      const text = commands.copy([...selected]);
      if (!text) return;
      event.clipboardData.setData('text/plain', text);
      event.preventDefault();
    },
    onPaste(event: ClipboardEvent) {
      if (readOnly) return;
      // Steps copied from a graph are pasted here; anything else goes on to the app's import.
      if (commands.paste(event.clipboardData.getData('text/plain')) !== 'pasted') return;
      event.preventDefault();
      event.stopPropagation();
    },
    onDragOver(event: DragEvent) {
      if (event.dataTransfer.types.includes(PALETTE_MIME)) event.preventDefault();
    },
    onDrop(event: DragEvent) {
      const type = event.dataTransfer.getData(PALETTE_MIME) as StepType;
      if (!type || readOnly) return;
      event.preventDefault();
      const point = flow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      const { body, parentId } = commands.bodyAt(point);
      // A position inside a container is relative to it.
      const origin = parentId ? flow.getInternalNode(parentId)?.internals.positionAbsolute : undefined;
      commands.add(type, { body, position: { x: point.x - (origin?.x ?? 0), y: point.y - (origin?.y ?? 0) } });
    },
  };
}
