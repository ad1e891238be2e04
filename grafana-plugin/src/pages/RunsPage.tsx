import React, { useMemo, useState } from 'react';
import { PluginPage } from '@grafana/runtime';
import {
  Button,
  Combobox,
  Field,
  InlineField,
  InlineFieldRow,
  InteractiveTable,
  RadioButtonGroup,
  Stack,
} from '@grafana/ui';
import { useApiQuery } from '../api/context';
import type { PipelineListResponse, RunListResponse, RunSummary } from '../api/types';
import { AppLink } from '../components/AppLink';
import { CommitInput } from '../components/CommitInput';
import { LoadMore } from '../components/LoadMore';
import { Ratio } from '../components/Ratio';
import { RunStatus } from '../components/RunStatus';
import { Empty, ErrorState, Loading } from '../components/States';
import { count, duration, percent, shortId } from '../format';
import { TimePicker } from '../components/TimePicker';
import { useRowList } from '../rowList';
import { toTimeRange } from '../timeRange';
import { Time, useTimeZone, zoneLabel } from '../timeZone';
import { urls } from '../urls';
import { useUrlState } from '../urlState';

const PAGE_SIZE = 100;
const SORTS = [
  { label: 'Newest', value: 'time' },
  { label: 'Highest elimination', value: 'ratio' },
];

/** Runs that look wrong: every run in the time range, filterable by pipeline and elimination ratio. */
const RunsPage = () => {
  const [search, update] = useUrlState();
  const pipeline = search.get('pipeline') ?? '';
  const minRatio = search.get('minRatio') ?? '';
  const sort = search.get('sort') === 'ratio' ? 'ratio' : 'time';
  const from = search.get('from') ?? undefined;
  const to = search.get('to') ?? undefined;
  // "now" is read when the range or the refresh count changes, not on every render.
  const [refreshes, setRefreshes] = useState(0);
  const [timeZone] = useTimeZone();
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const range = useMemo(() => toTimeRange(from, to, undefined, timeZone), [from, to, refreshes, timeZone]);
  const columns = useMemo(() => columnsIn(zoneLabel(timeZone)), [timeZone]);
  const params = {
    pipeline: pipeline || undefined,
    minEliminationRatio: minRatio ? Number(minRatio) / 100 : undefined,
    sort,
    from: range.from.toISOString(),
    to: range.to.toISOString(),
  };
  const list = useRowList<RunListResponse>('/v1/runs', params, PAGE_SIZE);
  const { error, loading, reload } = list;
  const pipelines = useApiQuery<PipelineListResponse>('/v1/pipelines', { from: params.from, to: params.to });
  const runs = list.data?.runs ?? [];

  return (
    <PluginPage subTitle="Every run of your pipelines: find the ones that eliminated more than they should.">
      <Stack direction="column" gap={2}>
        <InlineFieldRow>
          <InlineField label="Pipeline" tooltip="Exact pipeline name; empty for all pipelines">
            <Combobox
              width={28}
              placeholder="all pipelines"
              aria-label="Pipeline"
              isClearable
              createCustomValue
              options={(pipelines.data?.pipelines ?? []).map((p) => ({
                value: p.name,
                label: p.name,
                description: `${count(p.runs)} runs, ${percent(p.eliminationRatio)} eliminated`,
              }))}
              loading={pipelines.loading}
              value={pipeline || null}
              onChange={(option) => update({ pipeline: option?.value })}
            />
          </InlineField>
          <InlineField
            label="Eliminated at least"
            tooltip="Only runs whose elimination ratio is at least this (0-100 %)"
          >
            <RatioInput value={minRatio} onChange={(value) => update({ minRatio: value })} />
          </InlineField>
          <InlineField label="Sort">
            <RadioButtonGroup
              options={SORTS}
              value={sort}
              onChange={(value) => update({ sort: value === 'time' ? undefined : value })}
            />
          </InlineField>
          <TimePicker range={range} onChange={update} />
          <Button
            variant="secondary"
            icon={loading && runs.length > 0 ? 'spinner' : 'sync'}
            onClick={() => {
              // A relative range moves on to "now"; an absolute one asks again for the same times.
              setRefreshes((n) => n + 1);
              reload();
              pipelines.reload();
            }}
            aria-label="Refresh"
            style={{ marginLeft: 8 }}
          />
        </InlineFieldRow>

        {error && <ErrorState error={error} onRetry={reload} />}
        {!error && loading && runs.length === 0 && <Loading what="runs" />}
        {!error && !loading && runs.length === 0 && (
          <Empty
            message={
              pipeline || minRatio ? 'No runs match these filters in this time range' : 'No runs in this time range'
            }
          >
            {pipeline || minRatio
              ? 'Clear the pipeline or ratio filter, or widen the time range.'
              : 'Widen the time range, or send a run with the X-Ray SDK (npm run demo sends two).'}
          </Empty>
        )}
        {runs.length > 0 && (
          <>
            <InteractiveTable columns={columns} data={runs} getRowId={(r) => r.runId} pageSize={0} />
            <LoadMore list={list} what="runs" beyond="narrow the time range or the filters to see the others" />
          </>
        )}
      </Stack>
    </PluginPage>
  );
};

type Cell = { row: { original: RunSummary } };

/** The runs table; times in the zone the user chose. */
const columnsIn = (zone: string) => [
  {
    id: 'runId',
    header: 'Run',
    cell: ({ row: { original: r } }: Cell) => (
      <AppLink to={urls.run(r.runId)} title={r.runId}>
        {shortId(r.runId)}
      </AppLink>
    ),
  },
  { id: 'pipeline', header: 'Pipeline' },
  {
    id: 'startedAt',
    header: `Started (${zone})`,
    cell: ({ row: { original: r } }: Cell) => <Time iso={r.startedAt} />,
  },
  { id: 'status', header: 'Status', cell: ({ row: { original: r } }: Cell) => <RunStatus run={r} /> },
  { id: 'totalSteps', header: 'Steps' },
  {
    id: 'inputCount',
    header: 'Input → output',
    cell: ({ row: { original: r } }: Cell) => `${count(r.inputCount)} → ${count(r.outputCount)}`,
  },
  {
    id: 'eliminationRatio',
    header: 'Eliminated',
    cell: ({ row: { original: r } }: Cell) => <Ratio value={r.eliminationRatio} />,
  },
  { id: 'durationMs', header: 'Duration', cell: ({ row: { original: r } }: Cell) => duration(r.durationMs) },
];

const RatioInput = ({ value, onChange }: { value: string; onChange: (value: string | undefined) => void }) => {
  const [problem, setProblem] = useState<string>();
  return (
    <Field invalid={Boolean(problem)} error={problem} noMargin>
      <CommitInput
        key={value}
        width={12}
        suffix="%"
        placeholder="0"
        value={value}
        aria-label="Minimum elimination ratio"
        check={(text) =>
          Number.isFinite(Number(text)) && Number(text) >= 0 && Number(text) <= 100
            ? undefined
            : 'A percentage from 0 to 100'
        }
        onInvalid={setProblem}
        onCommit={onChange}
      />
    </Field>
  );
};

export default RunsPage;
