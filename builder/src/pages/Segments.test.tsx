// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { useState } from 'react';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { definitionFromHash, SegmentEditor, segmentLink, type Draft, type Preview } from './Segments.tsx';

afterEach(cleanup);

const labels = { lifecycle: ['prospect', 'new', 'repeat', 'at-risk', 'lapsed'], valueTier: ['high', 'mid', 'low'], rfm: ['Champions', 'Lost'], score: ['churn', 'clv'], eventTypes: ['viewed_product', 'cart_add'], attributeKeys: ['country'] };

/** The editor with its draft held in state, as the page holds it; `seen` records every definition the page would count. */
function Harness({ seen, preview = null, start, sizes = [] }: { seen: Draft[]; preview?: Preview | null; start: Draft; sizes?: { at: number; size: number }[] }) {
  const [draft, setDraft] = useState(start);
  return (
    <SegmentEditor
      draft={draft}
      isNew
      labels={labels}
      preview={preview}
      previewError=""
      journeys={[{ id: 'save-them', name: 'Save them', status: 'live' }]}
      sizes={sizes}
      error=""
      onChange={(d) => {
        seen.push(d);
        setDraft(d);
      }}
      onSave={() => undefined}
    />
  );
}

describe('SegmentEditor', () => {
  it('offers only the valid lifecycle stages as choices and builds the definition the engine evaluates', () => {
    const seen: Draft[] = [];
    render(<Harness seen={seen} start={{ name: 'risky', description: '', definition: { all: [{ lifecycle: [] }] } }} />);
    // "at risk" cannot be typed: only the stored labels are offered.
    expect(screen.queryByPlaceholderText(/comma separated/)).toBeNull();
    fireEvent.click(screen.getByLabelText('at-risk'));
    fireEvent.click(screen.getByLabelText('lapsed'));
    expect(seen.at(-1)!.definition).toEqual({ all: [{ lifecycle: ['at-risk', 'lapsed'] }] });
  });

  it('switches a condition to a model score with a pick list of model names', () => {
    const seen: Draft[] = [];
    render(<Harness seen={seen} start={{ name: 'x', description: '', definition: { all: [{ lifecycle: [] }] } }} />);
    fireEvent.change(screen.getByLabelText('Condition type'), { target: { value: 'score' } });
    fireEvent.change(screen.getByLabelText('Model'), { target: { value: 'churn' } });
    fireEvent.change(screen.getByLabelText('Score'), { target: { value: '0.7' } });
    expect(seen.at(-1)!.definition).toEqual({ all: [{ score: 'churn', op: 'gte', value: 0.7 }] });
  });

  it('suggests the event types seen in the data for an event condition', () => {
    render(<Harness seen={[]} start={{ name: 'x', description: '', definition: { all: [{ event: '', op: 'gte', value: 1 }] } }} />);
    const input = screen.getByLabelText('Event') as HTMLInputElement;
    const list = document.getElementById(input.getAttribute('list')!)!;
    expect([...list.querySelectorAll('option')].map((o) => o.getAttribute('value'))).toEqual(['viewed_product', 'cart_add']);
  });

  it('edits the same tree as JSON in the advanced view', () => {
    const seen: Draft[] = [];
    render(<Harness seen={seen} start={{ name: 'x', description: '', definition: { all: [{ lifecycle: ['new'] }] } }} />);
    fireEvent.click(screen.getByLabelText('JSON (advanced)'));
    const box = screen.getByLabelText('Definition JSON') as HTMLTextAreaElement;
    expect(JSON.parse(box.value)).toEqual({ all: [{ lifecycle: ['new'] }] });
    fireEvent.change(box, { target: { value: '{ "valueTier": ["high"] }' } });
    expect(seen.at(-1)!.definition).toEqual({ valueTier: ['high'] });
    fireEvent.change(box, { target: { value: '{ "valueTier": [' } });
    expect(screen.getByText(/not valid JSON yet/)).toBeTruthy();
  });

  it('shows the live count with a sample and the journeys using the segment', () => {
    render(<Harness seen={[]} preview={{ count: 1234, preview: [{ id: 'ann', email: null }, { id: 'bob', email: null }] }} start={{ name: 'x', description: '', definition: { lifecycle: ['new'] } }} />);
    expect(screen.getByRole('status', { name: 'Live count' }).textContent).toMatch(/1,234 customers match now — e\.g\. ann, bob/);
    expect(screen.getByText(/Save them \(live\)/).getAttribute('href')).toBe('#/journeys/save-them');
  });

  it('draws the size over time from the refresh history', () => {
    const sizes = [{ at: 0, size: 10 }, { at: 900_000, size: 40 }, { at: 1_800_000, size: 25 }];
    render(<Harness seen={[]} sizes={sizes} start={{ name: 'x', description: '', definition: { lifecycle: ['new'] } }} />);
    const chart = screen.getByRole('img', { name: 'Size over time: from 10 to 25 customers' });
    // Oldest at the left, the largest size at the top.
    expect(chart.querySelector('polyline')!.getAttribute('points')).toBe('0.0,45.0 160.0,0.0 320.0,22.5');
  });

  it('starts a new segment from a definition in the link (Insights sends one)', () => {
    const def = { rfm: ['Champions'] };
    expect(definitionFromHash(segmentLink(def))).toEqual(def);
    expect(definitionFromHash('#/segments')).toBeNull();
  });
});
