import { useEffect, useRef } from 'react';

export interface ShortcutHandlers {
  undo(): void;
  redo(): void;
  copy(): void;
  paste(): void;
  save(): void;
  layout(): void;
  fit(): void;
  help(): void;
  escape(): void;
}

export const SHORTCUTS: [string, string][] = [
  ['Ctrl/⌘ Z', 'Undo'],
  ['Ctrl/⌘ Shift Z, Ctrl Y', 'Redo'],
  ['Ctrl/⌘ C / V', 'Copy / paste selected nodes'],
  ['Delete, Backspace', 'Delete selection'],
  ['Ctrl/⌘ S', 'Save now'],
  ['Shift L', 'Tidy up (auto-layout)'],
  ['Shift 1', 'Zoom to fit'],
  ['?', 'Show this list'],
];

function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

/** Editor shortcuts; keys typed into form fields keep their usual meaning. */
export function useShortcuts(handlers: ShortcutHandlers): void {
  const ref = useRef(handlers);
  ref.current = handlers;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const h = ref.current;
      const mod = e.ctrlKey || e.metaKey;
      const key = e.key.toLowerCase();
      if (mod && key === 's') return void (e.preventDefault(), h.save());
      if (e.key === 'Escape') return h.escape();
      if (typingIn(e.target)) return;
      if (mod && key === 'z') return void (e.preventDefault(), e.shiftKey ? h.redo() : h.undo());
      if (mod && key === 'y') return void (e.preventDefault(), h.redo());
      if (mod && key === 'c') return h.copy();
      if (mod && key === 'v') return void (e.preventDefault(), h.paste());
      if (!mod && e.shiftKey && key === 'l') return h.layout();
      if (!mod && e.shiftKey && (e.key === '!' || e.code === 'Digit1')) return h.fit();
      if (e.key === '?') return h.help();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
