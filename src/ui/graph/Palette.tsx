import { memo } from 'react';
import type { StepType } from '../../schema/steps';
import { STEP_KINDS } from './stepDefaults';

/** Drag data type of a palette entry dropped on the canvas. */
export const PALETTE_MIME = 'application/x-tabflow-step-type';

/**
 * Every step type: click to add (after the selected step), or drag onto the canvas or into a container.
 * Memoised: typing in a step form does not draw it again.
 */
export const Palette = memo(function Palette({ onAdd, disabled }: { onAdd(type: StepType): void; disabled: boolean }) {
  return (
    <div className="graph-palette" role="toolbar" aria-label="Add a step" aria-orientation="vertical">
      {STEP_KINDS.map((kind) => (
        <button
          key={kind.type}
          type="button"
          className={`graph-palette-item graph-node-${kind.type}`}
          draggable={!disabled}
          disabled={disabled}
          title={`${kind.help} — click to add, or drag onto the canvas`}
          onClick={() => onAdd(kind.type)}
          onDragStart={(event) => {
            event.dataTransfer.setData(PALETTE_MIME, kind.type);
            event.dataTransfer.effectAllowed = 'copy';
          }}>
          <span className="graph-node-icon" aria-hidden>
            {kind.icon}
          </span>
          {kind.label}
        </button>
      ))}
    </div>
  );
});
