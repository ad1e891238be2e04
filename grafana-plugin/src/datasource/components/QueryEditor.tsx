import React, { type ChangeEvent } from 'react';
import type { QueryEditorProps } from '@grafana/data';
import { Combobox, type ComboboxOption, InlineField, InlineFieldRow, Input } from '@grafana/ui';
import type { XRayDataSource } from '../datasource';
import { DEFAULT_QUERY, type SeriesBy, type TrendMetric, type XRayDataSourceOptions, type XRayQuery } from '../types';

type Props = QueryEditorProps<XRayDataSource, XRayQuery, XRayDataSourceOptions>;

const BY_OPTIONS: Array<ComboboxOption<SeriesBy>> = [
  { label: 'Pipeline', value: 'pipeline', description: 'one series per pipeline (its whole runs)' },
  { label: 'Step', value: 'step', description: 'one series per step of one pipeline' },
];

const METRIC_OPTIONS: Array<ComboboxOption<TrendMetric>> = [
  { label: 'Elimination ratio', value: 'eliminationRatio', description: 'eliminated / input, 0–100%' },
  { label: 'Eliminated', value: 'eliminated', description: 'items eliminated' },
  { label: 'Input', value: 'input', description: 'items in' },
  { label: 'Runs', value: 'runs', description: 'runs (by step: step executions)' },
];

/** Which series and which number; text fields take dashboard variables ($pipeline). */
export function QueryEditor({ query, onChange, onRunQuery }: Props) {
  const by = query.by ?? DEFAULT_QUERY.by;
  const metric = query.metric ?? DEFAULT_QUERY.metric;

  const update = (patch: Partial<XRayQuery>, run: boolean) => {
    onChange({ ...query, ...patch });
    if (run) {
      onRunQuery();
    }
  };
  const onText = (name: 'pipeline' | 'step' | 'interval') => (event: ChangeEvent<HTMLInputElement>) =>
    update({ [name]: event.target.value.trim() || undefined }, false);

  return (
    <InlineFieldRow>
      <InlineField label="Series by" tooltip="Per pipeline, or per step of one pipeline">
        <Combobox width={16} options={BY_OPTIONS} value={by} onChange={(o) => update({ by: o.value }, true)} />
      </InlineField>
      <InlineField label="Pipeline" tooltip={by === 'step' ? 'Required per step' : 'Empty: every pipeline'}>
        <Input
          width={24}
          value={query.pipeline ?? ''}
          placeholder={by === 'step' ? '$pipeline' : 'all pipelines'}
          onChange={onText('pipeline')}
          onBlur={onRunQuery}
        />
      </InlineField>
      {by === 'step' && (
        <InlineField label="Step" tooltip="Empty: every step">
          <Input
            width={20}
            value={query.step ?? ''}
            placeholder="all steps"
            onChange={onText('step')}
            onBlur={onRunQuery}
          />
        </InlineField>
      )}
      <InlineField label="Metric">
        <Combobox
          width={20}
          options={METRIC_OPTIONS}
          value={metric}
          onChange={(o) => update({ metric: o.value }, true)}
        />
      </InlineField>
      <InlineField label="Interval" tooltip="30s to 1d; empty: from the panel's interval">
        <Input
          width={10}
          value={query.interval ?? ''}
          placeholder="auto"
          onChange={onText('interval')}
          onBlur={onRunQuery}
        />
      </InlineField>
    </InlineFieldRow>
  );
}
