import { createContext, useContext, type ReactNode } from 'react';
import { checkImportText, type CheckImport } from '../../worker/validationClient';

/** Import text is checked in a worker (with a time limit); tests pass an in-process checker. */
const ImportCheckContext = createContext<CheckImport>(checkImportText);

export function ImportCheckProvider({ check, children }: { check?: CheckImport; children: ReactNode }) {
  return <ImportCheckContext.Provider value={check ?? checkImportText}>{children}</ImportCheckContext.Provider>;
}

export function useImportCheck(): CheckImport {
  return useContext(ImportCheckContext);
}
