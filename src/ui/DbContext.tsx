import { createContext, useContext, type ReactNode } from 'react';
import { getDb, type TabflowDb } from '../store/db';

/** The Dexie database the UI reads and writes. Components take it from here, never from a global. */
const DbContext = createContext<TabflowDb | null>(null);

export function DbProvider({ db, children }: { db?: TabflowDb; children: ReactNode }) {
  return <DbContext.Provider value={db ?? getDb()}>{children}</DbContext.Provider>;
}

export function useDb(): TabflowDb {
  const db = useContext(DbContext);
  if (!db) throw new Error('useDb() needs a <DbProvider> above it');
  return db;
}
