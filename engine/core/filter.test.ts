import { describe, expect, it } from 'vitest';
import { eventSubject, matchesAll, matchesFilter, type Filter } from './filter.ts';

const subject = eventSubject('purchase', { amount: 80, currency: 'EUR', category: 'Running Shoes', tags: ['sale', 'new'], gift: false, coupon: null, shipping: { country: 'DE' } });

describe('property filters (=, ≠, >, <, contains, exists)', () => {
  it.each<[Filter, boolean]>([
    [{ path: 'currency', op: 'eq', value: 'EUR' }, true],
    [{ path: 'currency', op: 'eq', value: 'USD' }, false],
    [{ path: 'amount', op: 'eq', value: '80' }, true], // numbers from a form arrive as text
    [{ path: 'gift', op: 'eq', value: false }, true],
    [{ path: 'properties.shipping.country', op: 'eq', value: 'DE' }, true],
    [{ path: 'shipping.country', op: 'eq', value: 'DE' }, true],
    [{ path: 'currency', op: 'ne', value: 'USD' }, true],
    [{ path: 'currency', op: 'ne', value: 'EUR' }, false],
    [{ path: 'missing', op: 'ne', value: 'x' }, true],
    [{ path: 'amount', op: 'gt', value: 50 }, true],
    [{ path: 'amount', op: 'gt', value: 80 }, false],
    [{ path: 'amount', op: 'gte', value: 80 }, true],
    [{ path: 'amount', op: 'lt', value: 100 }, true],
    [{ path: 'amount', op: 'lt', value: 80 }, false],
    [{ path: 'amount', op: 'lte', value: 80 }, true],
    [{ path: 'missing', op: 'lt', value: 100 }, false],
    [{ path: 'category', op: 'gt', value: 5 }, false], // text against a number never compares
    [{ path: 'category', op: 'contains', value: 'shoe' }, true], // case-insensitive
    [{ path: 'category', op: 'contains', value: 'boot' }, false],
    [{ path: 'tags', op: 'contains', value: 'sale' }, true], // list membership
    [{ path: 'tags', op: 'contains', value: 'sal' }, false],
    [{ path: 'amount', op: 'contains', value: '8' }, false],
    [{ path: 'gift', op: 'exists' }, true],
    [{ path: 'coupon', op: 'exists' }, false],
    [{ path: 'missing', op: 'exists' }, false],
    [{ path: 'coupon', op: 'not_exists' }, true],
    [{ path: 'amount', op: 'not_exists' }, false],
  ])('%j → %s', (filter, expected) => {
    expect(matchesFilter(subject, filter)).toBe(expected);
  });

  it('needs every filter to hold; no filters always match', () => {
    expect(matchesAll(subject, [{ path: 'amount', op: 'gt', value: 50 }, { path: 'category', op: 'contains', value: 'shoe' }])).toBe(true);
    expect(matchesAll(subject, [{ path: 'amount', op: 'gt', value: 50 }, { path: 'category', op: 'contains', value: 'hat' }])).toBe(false);
    expect(matchesAll(subject, undefined)).toBe(true);
    expect(matchesAll(subject, [])).toBe(true);
  });
});
