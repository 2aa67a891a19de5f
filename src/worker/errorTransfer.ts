import * as Comlink from 'comlink';
import { fromErrorEnvelope, toErrorEnvelope, type ErrorEnvelope } from './relay';

/**
 * Errors thrown by the executor worker reach the page as the same kind of error a follower tab gets over
 * the relay: the class the engine defines (`InputError`, `QuotaError`…), its name and its category —
 * Comlink's own handler keeps only message, name and stack. Installed on both ends (worker and page).
 */
let installed = false;

export function installErrorTransfer(): void {
  const builtIn = Comlink.transferHandlers.get('throw');
  if (installed || !builtIn) return;
  installed = true;
  const handler: Comlink.TransferHandler<{ value: unknown }, { envelope: ErrorEnvelope }> = {
    canHandle: (value): value is { value: unknown } => builtIn.canHandle(value),
    serialize: ({ value }) => [{ envelope: toErrorEnvelope(value) }, []],
    deserialize: ({ envelope }) => {
      throw fromErrorEnvelope(envelope);
    },
  };
  Comlink.transferHandlers.set('throw', handler);
}
