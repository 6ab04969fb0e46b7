// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { navigate, parseRoute, routeHref, setLeaveGuard } from './router.ts';

// happy-dom has no window.confirm: stand in for the browser's dialog.
const confirm = vi.fn<(message?: string) => boolean>();
beforeEach(() => {
  confirm.mockReset();
  window.confirm = confirm;
});
afterEach(() => {
  setLeaveGuard(null);
  window.location.hash = '';
});

describe('router', () => {
  it('parses and writes hash routes', () => {
    expect(parseRoute('#/journeys/win%20back')).toEqual({ page: 'editor', id: 'win back' });
    expect(parseRoute('#/templates')).toEqual({ page: 'templates' });
    expect(parseRoute('')).toEqual({ page: 'journeys' });
    expect(parseRoute('#/segments/at%20risk')).toEqual({ page: 'segments', name: 'at risk' });
    expect(parseRoute('#/customers/c%2F1')).toEqual({ page: 'customers', id: 'c/1' });
    expect(routeHref({ page: 'customers', id: 'c/1' })).toBe('#/customers/c%2F1');
    expect(routeHref({ page: 'kpis' })).toBe('#/kpis');
    expect(parseRoute('#/brand')).toEqual({ page: 'brand' });
    expect(routeHref({ page: 'brand' })).toBe('#/brand');
    expect(routeHref({ page: 'editor', id: 'a/b' })).toBe('#/journeys/a%2Fb');
  });

  it('asks before leaving unsaved changes and stays when the user cancels', () => {
    window.location.hash = '#/journeys/draft-1';
    setLeaveGuard(() => 'This journey has changes that are not saved yet. Leave anyway?');
    confirm.mockReturnValue(false);
    navigate({ page: 'journeys' });
    expect(confirm).toHaveBeenCalledWith('This journey has changes that are not saved yet. Leave anyway?');
    expect(window.location.hash).toBe('#/journeys/draft-1');
    confirm.mockReturnValue(true);
    navigate({ page: 'journeys' });
    expect(window.location.hash).toBe('#/journeys');
  });

  it('leaves without asking once everything is saved', () => {
    setLeaveGuard(() => null);
    navigate({ page: 'insights' });
    expect(confirm).not.toHaveBeenCalled();
    expect(window.location.hash).toBe('#/insights');
  });
});
