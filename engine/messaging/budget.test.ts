import { describe, expect, it } from 'vitest';
import { arbitrate, type Contender } from './budget.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2024-03-10T12:00:00Z');
const vip: Contender = { key: 'vip', journeyName: 'VIP', priority: 5, createdAt: NOW - 2 };
const winBack: Contender = { key: 'wb', journeyName: 'Win-back', priority: 3, createdAt: NOW - 1 };
const news: Contender = { key: 'news', journeyName: 'Newsletter', priority: 1, createdAt: NOW - 3 };
const budget = (sentAt: number[] = []) => ({ max: 2, window: '7d', sentAt });

describe('arbitrate: who gets the message budget', () => {
  it('gives the free places to the highest priorities, the same answer for each contender whatever the order', () => {
    for (const order of [[vip, winBack, news], [news, winBack, vip], [winBack, news, vip]]) {
      expect(arbitrate('vip', order, budget(), [], NOW)).toEqual({ send: true });
      expect(arbitrate('wb', order, budget(), [], NOW)).toEqual({ send: true });
      expect(arbitrate('news', order, budget(), [], NOW)).toEqual({ send: false, reason: 'budget 2/7d: lost to "VIP" (priority 5), "Win-back" (priority 3)', freeAt: NOW + 7 * DAY });
    }
  });

  it('keeps its verdict as winners are sent: a sent message leaves the contenders and fills a place', () => {
    // VIP went first: one send in the window, two contenders left, one place.
    expect(arbitrate('wb', [winBack, news], budget([NOW]), [], NOW)).toEqual({ send: true });
    expect(arbitrate('news', [winBack, news], budget([NOW]), [], NOW).send).toBe(false);
  });

  it('breaks equal priorities by the older message, then by key', () => {
    const a = { ...news, key: 'a', journeyName: 'A', createdAt: NOW - 1 };
    const b = { ...news, key: 'b', journeyName: 'B', createdAt: NOW - 5 };
    const c = { ...news, key: 'c', journeyName: 'C', createdAt: NOW - 5 };
    const one = { max: 1, window: '1d', sentAt: [] };
    expect(arbitrate('b', [a, b, c], one, [], NOW)).toEqual({ send: true });
    expect(arbitrate('c', [a, b, c], one, [], NOW)).toMatchObject({ send: false, reason: 'budget 1/1d: lost to "B" (priority 1)' });
  });

  it('among equal priorities gives the place to the higher expected value (CLV × model score), and says so', () => {
    const upsell = { ...news, key: 'up', journeyName: 'Upsell', value: 20, createdAt: NOW - 9 };
    const save = { ...news, key: 'save', journeyName: 'Save', value: 120 };
    const one = { max: 1, window: '7d', sentAt: [] };
    expect(arbitrate('save', [upsell, save, news], one, [], NOW)).toEqual({ send: true });
    expect(arbitrate('up', [upsell, save, news], one, [], NOW)).toMatchObject({ send: false, reason: 'budget 1/7d: lost to "Save" (priority 1, expected value 120.00)' });
    // Priority still comes first.
    expect(arbitrate('vip', [vip, save], one, [], NOW)).toEqual({ send: true });
  });

  it('with the budget already spent, names the sends and frees a place when the oldest leaves the window', () => {
    const v = arbitrate('vip', [vip], budget([NOW - 6 * DAY, NOW - DAY]), [], NOW);
    expect(v).toEqual({ send: false, reason: 'budget 2/7d: 2 marketing emails already sent in the last 7d', freeAt: NOW + DAY });
  });

  it('lets the frequency cap shrink the places, so a low priority delivered first cannot take the cap from a higher one', () => {
    const cap = { max: 1, window: '7d', sentAt: [] };
    expect(arbitrate('vip', [news, winBack, vip], budget(), [cap], NOW)).toEqual({ send: true });
    expect(arbitrate('wb', [news, winBack, vip], budget(), [cap], NOW)).toMatchObject({ send: false, reason: 'budget 2/7d: lost to "VIP" (priority 5)', freeAt: NOW + 7 * DAY });
  });

  it('frees a place only when every limit has one: the later of the two', () => {
    const cap = { max: 1, window: '1d', sentAt: [NOW - 3_600_000] };
    // Budget 2/7d has one place left, the cap 1/1d none until its send is a day old.
    expect(arbitrate('vip', [vip], budget([NOW - 3_600_000]), [cap], NOW)).toMatchObject({ send: false, freeAt: NOW - 3_600_000 + DAY });
  });
});
