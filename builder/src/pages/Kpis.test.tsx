// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen, within } from '@testing-library/react';
import { KpiView, type KpiData } from './Kpis.tsx';

afterEach(cleanup);

const kpi = (key: string, label: string, unit: 'percent' | 'money' | 'ratio', value: number | null, previous: number | null, warning?: string) => ({
  key, label, unit, value, previous, formula: `${label} formula`, numerator: 0, denominator: 0, ...(warning ? { warning } : {}),
});
const data: KpiData = {
  period: { from: 0, to: 1 },
  comparison: { from: 0, to: 1 },
  kpis: [kpi('retention', 'Customer retention rate', 'percent', 0.5, 0.4), kpi('aov', 'Average order value', 'money', 42.5, 50), kpi('clvToCac', 'CLV:CAC', 'ratio', 2.57, null, 'below 3: acquisition costs more')],
  split: [
    { group: 'new', kpis: [kpi('retention', 'Customer retention rate', 'percent', null, null), kpi('aov', 'Average order value', 'money', 30, null)] },
    { group: 'repeat', kpis: [kpi('retention', 'Customer retention rate', 'percent', 1, null), kpi('aov', 'Average order value', 'money', 46.67, null)] },
  ],
  cohorts: [
    { month: '2024-02', customers: 4, retained: [1, 0.5, 0.25] },
    { month: '2024-03', customers: 3, retained: [1, 0] },
  ],
};

describe('KpiView', () => {
  it('shows each KPI with its formula on hover and its trend against the comparison period', () => {
    render(<KpiView data={data} />);
    const retention = screen.getByRole('article', { name: 'Customer retention rate' });
    expect(retention.getAttribute('title')).toBe('Customer retention rate formula');
    expect(retention.textContent).toMatch(/50\.0%.*▲ 10\.0 pts \(was 40\.0%\)/);
    expect(screen.getByRole('article', { name: 'Average order value' }).textContent).toMatch(/42\.50.*▼ 7\.50/);
    expect(screen.getByRole('article', { name: 'CLV:CAC' }).textContent).toMatch(/below 3/);
  });

  it('shows the split by group and the cohort table', () => {
    render(<KpiView data={data} />);
    const split = screen.getByRole('region', { name: 'Split' });
    expect(within(split).getByText('repeat').closest('tr')!.textContent).toBe('repeat100.0%46.67');
    expect(within(split).getByText('new').closest('tr')!.textContent).toBe('new–30.00');
    const cohorts = screen.getByRole('region', { name: 'Cohorts' });
    expect(within(cohorts).getByText('2024-02').closest('tr')!.textContent).toBe('2024-024100%50%25%');
  });
});
