import { useCallback, useRef, useState } from 'react';

/**
 * Undo/redo over whole snapshots of the document. `record` is called before a change with the
 * state it replaces; a `coalesceKey` folds a burst of edits (typing in one field) into one step.
 */
export function useHistory<S>(limit = 100) {
  const past = useRef<S[]>([]);
  const future = useRef<S[]>([]);
  const last = useRef<{ key: string; at: number } | null>(null);
  const [, setVersion] = useState(0);
  const bump = () => setVersion((v) => v + 1);

  const record = useCallback((state: S, coalesceKey?: string) => {
    const now = performance.now();
    if (coalesceKey && last.current?.key === coalesceKey && now - last.current.at < 1500) {
      last.current.at = now;
      return;
    }
    last.current = coalesceKey ? { key: coalesceKey, at: now } : null;
    past.current.push(state);
    if (past.current.length > limit) past.current.shift();
    future.current = [];
    bump();
  }, [limit]);

  const undo = useCallback((current: S): S | undefined => {
    const prev = past.current.pop();
    if (prev === undefined) return undefined;
    future.current.push(current);
    last.current = null;
    bump();
    return prev;
  }, []);

  const redo = useCallback((current: S): S | undefined => {
    const next = future.current.pop();
    if (next === undefined) return undefined;
    past.current.push(current);
    last.current = null;
    bump();
    return next;
  }, []);

  return { record, undo, redo, canUndo: past.current.length > 0, canRedo: future.current.length > 0 };
}
