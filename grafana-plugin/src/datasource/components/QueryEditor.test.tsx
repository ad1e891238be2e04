import React from 'react';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { XRayDataSource } from '../datasource';
import type { XRayQuery } from '../types';
import { QueryEditor } from './QueryEditor';

function renderEditor(query: Partial<XRayQuery>) {
  const onChange = vi.fn();
  const onRunQuery = vi.fn();
  render(
    <QueryEditor
      datasource={{} as XRayDataSource}
      query={{ refId: 'A', by: 'pipeline', metric: 'eliminationRatio', ...query }}
      onChange={onChange}
      onRunQuery={onRunQuery}
    />
  );
  return { onChange, onRunQuery };
}

describe('QueryEditor', () => {
  it('asks for a step only for per-step series', () => {
    renderEditor({ by: 'pipeline' });
    expect(screen.queryByPlaceholderText('all steps')).not.toBeInTheDocument();
    expect(screen.getByPlaceholderText('all pipelines')).toBeInTheDocument();
  });

  it('takes a pipeline (or $pipeline) and a step, and runs the query when the field is left', async () => {
    const { onChange, onRunQuery } = renderEditor({ by: 'step' });
    await userEvent.type(screen.getByPlaceholderText('$pipeline'), '$');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ pipeline: '$' }));
    await userEvent.type(screen.getByPlaceholderText('all steps'), 'f');
    expect(onChange).toHaveBeenLastCalledWith(expect.objectContaining({ step: 'f', by: 'step' }));
    expect(onRunQuery).toHaveBeenCalled();
  });

  it('shows the chosen metric by its name', () => {
    renderEditor({ metric: 'eliminated' });
    expect(screen.getByDisplayValue('Eliminated')).toBeInTheDocument();
    expect(screen.getByDisplayValue('Pipeline')).toBeInTheDocument();
  });
});
