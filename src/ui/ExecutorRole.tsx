import { useEffect, useState } from 'react';
import { EXECUTOR_CHANGED_CHANNEL } from '../worker/api';
import { useExecutor } from './ExecutorContext';

type Role = 'executor' | 'follower' | 'unknown';

/** Where runs execute: one tab per browser does; the others watch and forward commands to it. */
export function ExecutorRole({ enabled }: { enabled: boolean }) {
  const executor = useExecutor();
  const [role, setRole] = useState<Role>('unknown');
  useEffect(() => {
    if (!enabled) return;
    let live = true;
    const ask = () =>
      executor.role().then(
        (r) => live && setRole(r),
        () => live && setRole('unknown'),
      );
    // Asking starts the worker: wait until the first screen is idle (the executor is not part of it).
    if (typeof requestIdleCallback === 'function') requestIdleCallback(ask, { timeout: 1500 });
    else setTimeout(ask, 200);
    const channel = new BroadcastChannel(EXECUTOR_CHANGED_CHANNEL);
    channel.onmessage = ask;
    return () => {
      live = false;
      channel.close();
    };
  }, [executor, enabled]);
  if (role === 'unknown') return null;
  return (
    <span
      className="executor-role"
      data-executor-role={role}
      title="One open tab executes runs; when it closes, another takes over.">
      {role === 'executor' ? '● Runs execute in this tab' : '○ Runs execute in another open tab'}
    </span>
  );
}
