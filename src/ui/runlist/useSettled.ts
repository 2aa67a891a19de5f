import { useEffect, useState } from 'react';

/** How long a row stays drawn before it reads what it shows beyond its record (a fast scroll passes by). */
export const ROW_SETTLE_MS = 150;

/** True once the component has stayed mounted for `ms`: rows scrolled past quickly never start their reads. */
export function useSettled(ms = ROW_SETTLE_MS): boolean {
  const [settled, setSettled] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(true), ms);
    return () => clearTimeout(timer);
  }, [ms]);
  return settled;
}
