// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import type { Field } from '../types.ts';
import { FieldInput, SuggestionsContext } from './FieldInput.tsx';

afterEach(cleanup);

/** Renders one field with real state, so the test sees what a marketer would after typing. */
function Harness({ field, initial, onValue }: { field: Field; initial?: unknown; onValue: (v: unknown) => void }) {
  const [value, setValue] = useState<unknown>(initial);
  return (
    <FieldInput
      field={field}
      value={value}
      problems={[]}
      onChange={(v) => {
        setValue(v);
        onValue(v);
      }}
    />
  );
}

describe('FieldInput', () => {
  it('offers saved segment names while typing a segment field, and still takes a new name', () => {
    const onValue = vi.fn();
    const field: Field = { key: 'segment', label: 'Saved segment', kind: 'text', suggest: 'segments' };
    render(
      <SuggestionsContext.Provider value={{ segments: ['lapsed-customers', 'vip'] }}>
        <Harness field={field} onValue={onValue} />
      </SuggestionsContext.Provider>,
    );
    const input = screen.getByLabelText('Saved segment') as HTMLInputElement;
    const list = document.getElementById(input.getAttribute('list') ?? '');
    expect([...(list?.querySelectorAll('option') ?? [])].map((o) => o.getAttribute('value'))).toEqual(['lapsed-customers', 'vip']);
    fireEvent.change(input, { target: { value: 'not-saved-yet' } });
    expect(onValue).toHaveBeenLastCalledWith('not-saved-yet');
  });

  it('writes durations as a number and a unit', () => {
    const onValue = vi.fn();
    render(<Harness field={{ key: 'duration', label: 'Wait for', kind: 'duration' }} initial="2h" onValue={onValue} />);
    fireEvent.change(screen.getByLabelText('Wait for'), { target: { value: '3' } });
    expect(onValue).toHaveBeenLastCalledWith('3h');
    fireEvent.change(screen.getByLabelText('Unit'), { target: { value: 'd' } });
    expect(onValue).toHaveBeenLastCalledWith('3d');
  });

  it('clears a number to undefined rather than 0', () => {
    const onValue = vi.fn();
    render(<Harness field={{ key: 'n', label: 'Threshold', kind: 'number', min: 0 }} initial={5} onValue={onValue} />);
    fireEvent.change(screen.getByLabelText('Threshold'), { target: { value: '' } });
    expect(onValue).toHaveBeenLastCalledWith(undefined);
    fireEvent.change(screen.getByLabelText('Threshold'), { target: { value: '0.5' } });
    expect(onValue).toHaveBeenLastCalledWith(0.5);
  });

  it('renders select options by label and stores the value', () => {
    const onValue = vi.fn();
    render(<Harness field={{ key: 'op', label: 'Operator', kind: 'select', options: [{ value: 'eq', label: 'equals' }, { value: 'gt', label: 'greater than' }] }} onValue={onValue} />);
    fireEvent.change(screen.getByLabelText('Operator'), { target: { value: 'gt' } });
    expect(onValue).toHaveBeenLastCalledWith('gt');
    expect(screen.getByRole('option', { name: 'greater than' })).toBeTruthy();
  });

  it('builds filter rows with typed values', () => {
    const onValue = vi.fn();
    render(<Harness field={{ key: 'where', label: 'Only when', kind: 'filters' }} onValue={onValue} />);
    fireEvent.click(screen.getByRole('button', { name: '+ Add condition' }));
    fireEvent.change(screen.getByLabelText('Property'), { target: { value: 'amount' } });
    fireEvent.change(screen.getByLabelText('Operator'), { target: { value: 'gt' } });
    fireEvent.change(screen.getByLabelText('Value'), { target: { value: '100' } });
    expect(onValue).toHaveBeenLastCalledWith([{ path: 'amount', op: 'gt', value: 100 }]);
  });

  it('edits a list of records (A/B variants) as a table', () => {
    const onValue = vi.fn();
    const variants = [
      { name: 'a', weight: 50 },
      { name: 'b', weight: 50 },
    ];
    render(<Harness field={{ key: 'variants', label: 'Variants', kind: 'json' }} initial={variants} onValue={onValue} />);
    fireEvent.change(screen.getByLabelText('weight 2'), { target: { value: '70' } });
    expect(onValue).toHaveBeenLastCalledWith([
      { name: 'a', weight: 50 },
      { name: 'b', weight: 70 },
    ]);
    fireEvent.click(screen.getByRole('button', { name: '+ Add row' }));
    expect((onValue.mock.lastCall![0] as unknown[]).length).toBe(3);
  });

  it('only writes JSON back once it parses', () => {
    const onValue = vi.fn();
    render(<Harness field={{ key: 'def', label: 'Definition', kind: 'json' }} initial={{ headers: {} }} onValue={onValue} />);
    fireEvent.change(screen.getByLabelText('Definition'), { target: { value: '{"headers": {' } });
    expect(onValue).not.toHaveBeenCalled();
    expect(screen.getByText(/Not valid JSON yet/)).toBeTruthy();
    fireEvent.change(screen.getByLabelText('Definition'), { target: { value: '{"headers": {"x-shop": "1"}}' } });
    expect(onValue).toHaveBeenLastCalledWith({ headers: { 'x-shop': '1' } });
  });

  it('shows the server problems under the field and marks it invalid', () => {
    render(<FieldInput field={{ key: 'event', label: 'Event', kind: 'text', required: true }} value="" problems={['Event is required']} onChange={() => undefined} />);
    expect(screen.getByRole('alert').textContent).toBe('Event is required');
    expect(screen.getByLabelText(/Event/).getAttribute('aria-invalid')).toBe('true');
  });

  it('toggles booleans and multiselect chips', () => {
    const onValue = vi.fn();
    render(<Harness field={{ key: 'days', label: 'Days', kind: 'multiselect', options: [{ value: 'mon', label: 'Mon' }, { value: 'tue', label: 'Tue' }] }} onValue={onValue} />);
    fireEvent.click(screen.getByLabelText('Tue'));
    expect(onValue).toHaveBeenLastCalledWith(['tue']);
  });

  it('says when only an admin can change a field', () => {
    render(<Harness field={{ key: 'allowPrivate', label: 'Allow private addresses', kind: 'boolean', default: false, adminOnly: true }} onValue={() => {}} />);
    expect(screen.getByText('Only an admin can change this setting.')).toBeTruthy();
    cleanup();
    render(<Harness field={{ key: 'flag', label: 'Flag', kind: 'boolean' }} onValue={() => {}} />);
    expect(screen.queryByText('Only an admin can change this setting.')).toBeNull();
  });
});

describe('condition trees', () => {
  it('starts a blank JSON field from the example in its help and edits it as conditions', () => {
    const onValue = vi.fn();
    const help = 'A condition tree, e.g. {"all":[{"orders":"daysSinceLast","op":"gt","value":30}]}';
    render(<Harness field={{ key: 'definition', label: 'Conditions', kind: 'json', help }} onValue={onValue} />);
    fireEvent.click(screen.getByRole('button', { name: 'Start from the example' }));
    expect(onValue).toHaveBeenLastCalledWith({ all: [{ orders: 'daysSinceLast', op: 'gt', value: 30 }] });
    fireEvent.change(screen.getByLabelText('Value'), { target: { value: '60' } });
    expect(onValue).toHaveBeenLastCalledWith({ all: [{ orders: 'daysSinceLast', op: 'gt', value: 60 }] });
    fireEvent.click(screen.getByRole('button', { name: '+ Condition' }));
    fireEvent.change(screen.getAllByLabelText('Condition type')[1]!, { target: { value: 'lifecycle' } });
    fireEvent.change(screen.getByLabelText('Values'), { target: { value: 'new, repeat' } });
    fireEvent.change(screen.getByLabelText('Match'), { target: { value: 'any' } });
    expect(onValue).toHaveBeenLastCalledWith({ any: [{ orders: 'daysSinceLast', op: 'gt', value: 60 }, { lifecycle: ['new', 'repeat'] }] });
  });

  it('negates a condition and keeps keys it does not edit', () => {
    const onValue = vi.fn();
    const where = [{ path: 'category', op: 'eq', value: 'shoes' }];
    render(<Harness field={{ key: 'definition', label: 'Conditions', kind: 'json' }} initial={{ all: [{ event: 'viewed', where, op: 'gte', value: 2, within: '7d' }] }} onValue={onValue} />);
    fireEvent.change(screen.getByLabelText('Times'), { target: { value: '3' } });
    expect(onValue).toHaveBeenLastCalledWith({ all: [{ event: 'viewed', where, op: 'gte', value: 3, within: '7d' }] });
    fireEvent.click(screen.getByRole('button', { name: 'not' }));
    expect(onValue).toHaveBeenLastCalledWith({ all: [{ not: { event: 'viewed', where, op: 'gte', value: 3, within: '7d' } }] });
  });
});
