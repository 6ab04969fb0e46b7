// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { NodeDescriptor } from '../types.ts';
import { Palette } from './Palette.tsx';

afterEach(cleanup);

const d = (type: string, label: string, category: NodeDescriptor['category'], description = ''): NodeDescriptor => ({ type, label, category, description, version: 1, fields: [], ports: [], dynamicPorts: false, waits: false });
const types = [d('wait.delay', 'Wait', 'timing', 'Waits a while'), d('trigger.event', 'When an event happens', 'trigger'), d('my.plugin', 'Plugin node', 'action', 'Sends an SMS'), d('condition.attribute', 'Attribute check', 'condition')];

describe('Palette', () => {
  it('groups node types by category in journey order', () => {
    const { container } = render(<Palette descriptors={types} onAdd={() => undefined} />);
    expect([...container.querySelectorAll('.palette-group h3')].map((h) => h.textContent)).toEqual(['Triggers', 'Conditions', 'Timing', 'Actions']);
  });

  it('searches labels, types and descriptions', () => {
    const { container } = render(<Palette descriptors={types} onAdd={() => undefined} />);
    fireEvent.change(screen.getByLabelText('Search nodes'), { target: { value: 'sms' } });
    expect([...container.querySelectorAll('.palette-item')].map((i) => i.getAttribute('data-type'))).toEqual(['my.plugin']);
    fireEvent.change(screen.getByLabelText('Search nodes'), { target: { value: 'nothing like this' } });
    expect(screen.getByText(/No node matches/)).toBeTruthy();
  });

  it('adds a node on double-click or Enter', () => {
    const onAdd = vi.fn();
    render(<Palette descriptors={types} onAdd={onAdd} />);
    fireEvent.doubleClick(screen.getByText('Wait'));
    fireEvent.keyDown(screen.getByText('Attribute check').closest('[role="button"]')!, { key: 'Enter' });
    expect(onAdd.mock.calls).toEqual([['wait.delay'], ['condition.attribute']]);
  });
});
