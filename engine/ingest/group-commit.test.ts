import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.ts';

describe('GroupCommit', () => {
  it('writes items submitted together in one call and gives each caller its own outcome', async () => {
    const writes: string[][] = [];
    const group = new GroupCommit(async (items: string[]) => {
      writes.push(items);
      return items.map((i) => i.toUpperCase());
    });
    expect(await Promise.all(['a', 'b', 'c'].map((i) => group.submit(i)))).toEqual(['A', 'B', 'C']);
    expect(await group.submit('d')).toBe('D');
    expect(writes).toEqual([['a', 'b', 'c'], ['d']]);
  });

  it('fails every item of a write that throws, and the next write goes on', async () => {
    let fail = true;
    const group = new GroupCommit(async (items: number[]) => {
      if (fail) throw new Error('database is locked');
      return items.map((n) => n * 2);
    });
    const first = await Promise.allSettled([group.submit(1), group.submit(2)]);
    expect(first.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : r.value))).toEqual(['database is locked', 'database is locked']);
    fail = false;
    expect(await group.submit(3)).toBe(6);
  });

  it('fails only the item at fault: a group whose write throws is written again one item at a time', async () => {
    const writes: number[][] = [];
    const group = new GroupCommit(async (items: number[]) => {
      writes.push(items);
      if (items.includes(13)) throw new Error('value 13 is refused by the database');
      return items.map((n) => n * 2);
    });
    const outcomes = await Promise.allSettled([group.submit(1), group.submit(13), group.submit(3)]);
    expect(outcomes.map((r) => (r.status === 'rejected' ? (r.reason as Error).message : r.value))).toEqual([2, 'value 13 is refused by the database', 6]);
    expect(writes).toEqual([[1, 13, 3], [1], [13], [3]]);
  });

  it('writes at once when a group reaches its size limit', async () => {
    const sizes: number[] = [];
    const group = new GroupCommit(async (items: number[]) => {
      sizes.push(items.length);
      return items;
    }, 2);
    await Promise.all([1, 2, 3, 4, 5].map((n) => group.submit(n)));
    expect(sizes).toEqual([2, 2, 1]);
  });
});
