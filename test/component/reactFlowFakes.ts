/** React Flow measures with ResizeObserver and reads transforms with DOMMatrixReadOnly; jsdom has neither. */
export function installReactFlowFakes(): void {
  globalThis.ResizeObserver ??= class {
    observe() {}
    unobserve() {}
    disconnect() {}
  } as unknown as typeof ResizeObserver;
  globalThis.DOMMatrixReadOnly ??= class {
    m22 = 1;
  } as unknown as typeof DOMMatrixReadOnly;
}
