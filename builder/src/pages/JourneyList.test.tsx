// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { act, cleanup, render, screen } from '@testing-library/react';
import { JourneyList, LIST_EVERY_MS } from './JourneyList.tsx';

let entered = 3;
let requests = 0;
const setVisibility = (state: 'visible' | 'hidden') => {
  Object.defineProperty(document, 'visibilityState', { value: state, configurable: true });
  document.dispatchEvent(new Event('visibilitychange'));
};

beforeEach(() => {
  vi.useFakeTimers();
  entered = 3;
  requests = 0;
  vi.stubGlobal('fetch', async () => {
    requests++;
    const journeys = [{ id: 'win-back', name: 'Win-back', status: 'live', liveVersion: 1, updatedAt: 0, inFlight: entered, entered, converted: 1 }];
    return new Response(JSON.stringify({ journeys }), { status: 200, headers: { 'content-type': 'application/json' } });
  });
});
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  vi.useRealTimers();
  setVisibility('visible');
});

const enteredCell = () => screen.getByText('Win-back').closest('tr')!.querySelectorAll('td')[4]!.textContent;

describe('JourneyList', () => {
  it('refreshes its numbers while on screen, and not from a hidden tab', async () => {
    render(<JourneyList />);
    await act(() => vi.advanceTimersByTimeAsync(10));
    expect(enteredCell()).toBe('3');

    entered = 1552;
    await act(() => vi.advanceTimersByTimeAsync(LIST_EVERY_MS));
    expect(enteredCell()).toBe('1,552');

    setVisibility('hidden');
    const before = requests;
    await act(() => vi.advanceTimersByTimeAsync(LIST_EVERY_MS * 4));
    expect(requests).toBe(before);

    // Back on screen: current at once, without waiting for the next tick.
    entered = 1600;
    await act(async () => {
      setVisibility('visible');
      await vi.advanceTimersByTimeAsync(10);
    });
    expect(enteredCell()).toBe('1,600');
  });
});
