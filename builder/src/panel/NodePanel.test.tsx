// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import type { NodeDescriptor } from '../types.ts';
import { NodePanel } from './NodePanel.tsx';

afterEach(cleanup);

const email: NodeDescriptor = { type: 'action.email', version: 1, label: 'Send email', category: 'action', description: 'Sends an email.', fields: [], ports: ['next'], dynamicPorts: false, waits: false };

describe('NodePanel', () => {
  it('renames a node: the name field shows the type title as a hint and reports what is typed', () => {
    const onName = vi.fn();
    render(<NodePanel node={{ id: 'm', type: 'journey', position: { x: 0, y: 0 }, data: { type: 'action.email', config: {} } }} descriptor={email} problems={[]} ab={undefined} onConfig={() => {}} onName={onName} onDelete={() => {}} />);
    const input = screen.getByLabelText(/Name/) as HTMLInputElement;
    expect(input.placeholder).toBe('Send email');
    fireEvent.change(input, { target: { value: 'Day 3: how-to' } });
    expect(onName).toHaveBeenLastCalledWith('Day 3: how-to');
  });

  it('heads the panel with the node name when it has one', () => {
    render(<NodePanel node={{ id: 'm', type: 'journey', position: { x: 0, y: 0 }, data: { type: 'action.email', name: 'Day 3: how-to', config: {} } }} descriptor={email} problems={[]} ab={undefined} onConfig={() => {}} onName={() => {}} onDelete={() => {}} />);
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Day 3: how-to');
    expect((screen.getByLabelText(/Name/) as HTMLInputElement).value).toBe('Day 3: how-to');
  });
});
