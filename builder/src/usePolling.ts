import { useEffect } from 'react';

/**
 * Calls `load` every `everyMs` while the page is visible, and at once when it becomes visible
 * again, so numbers stay current without polling from a background tab.
 */
export function usePolling(load: () => void, everyMs: number): void {
  useEffect(() => {
    let timer: ReturnType<typeof setInterval> | null = null;
    const start = () => void (timer ??= setInterval(load, everyMs));
    const stop = () => {
      if (timer) clearInterval(timer);
      timer = null;
    };
    const onVisibility = () => {
      if (document.visibilityState !== 'visible') return stop();
      load();
      start();
    };
    if (document.visibilityState === 'visible') start();
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      stop();
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [load, everyMs]);
}
