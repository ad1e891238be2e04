import React, { useMemo, useState } from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { PluginPage } from '@grafana/runtime';
import { Alert, Button, InlineField, InlineFieldRow, Input, InteractiveTable, Stack, Text } from '@grafana/ui';
import { useApiQuery } from '../api/context';
import type { ItemInRunResponse, ItemRunsResponse } from '../api/types';
import { AppLink } from '../components/AppLink';
import { LoadMore } from '../components/LoadMore';
import { OutcomeBadge } from '../components/OutcomeBadge';
import { Empty, ErrorState, Loading } from '../components/States';
import { shortId } from '../format';
import { TimePicker } from '../components/TimePicker';
import { useRowList } from '../rowList';
import { toTimeRange } from '../timeRange';
import { Time, useTimeZone, zoneLabel } from '../timeZone';
import { urls } from '../urls';
import { useUrlState } from '../urlState';

/** Runs per "Load more" (the query API's default page). */
const PAGE_SIZE = 50;
/** An item's fate is a question about the last days, not hours. */
const DEFAULT_RANGE = { from: 'now-7d', to: 'now' };

type ItemRun = ItemRunsResponse['runs'][number];
type ItemDecision = ItemInRunResponse['decisions'][number];

/** Where did item X go: step by step in one run, and in every run of a time range. */
const ItemPage = () => {
  const { itemId = '' } = useParams();
  const [search, update] = useUrlState();
  const runId = search.get('run') ?? '';
  const from = search.get('from') ?? undefined;
  const to = search.get('to') ?? undefined;
  const [timeZone] = useTimeZone();
  const range = useMemo(() => toTimeRange(from, to, DEFAULT_RANGE, timeZone), [from, to, timeZone]);

  if (!itemId) {
    return <ItemSearch />;
  }
  return (
    <PluginPage pageNav={{ text: `Item ${itemId}` }} subTitle="Every decision X-Ray recorded about this item.">
      <Stack direction="column" gap={3}>
        {runId && <InRun runId={runId} itemId={itemId} />}
        <section>
          <Stack direction="row" justifyContent="space-between" alignItems="center">
            <Text element="h3">Across runs</Text>
            <TimePicker range={range} onChange={update} />
          </Stack>
          <AcrossRuns itemId={itemId} from={range.from.toISOString()} to={range.to.toISOString()} />
        </section>
      </Stack>
    </PluginPage>
  );
};

const InRun = ({ runId, itemId }: { runId: string; itemId: string }) => {
  const { data, error, loading, reload } = useApiQuery<ItemInRunResponse>(
    `/v1/runs/${encodeURIComponent(runId)}/items/${encodeURIComponent(itemId)}`
  );
  const columns = [
    {
      id: 'stepIndex',
      header: '#',
      cell: ({ row: { original: d } }: { row: { original: ItemDecision } }) => d.stepIndex + 1,
    },
    {
      id: 'stepName',
      header: 'Step',
      cell: ({ row: { original: d } }: { row: { original: ItemDecision } }) => (
        <AppLink to={urls.step(runId, d.stepId, { item: itemId })}>{d.stepName}</AppLink>
      ),
    },
    {
      id: 'outcome',
      header: 'Outcome',
      cell: ({ row: { original: d } }: { row: { original: ItemDecision } }) => <OutcomeBadge outcome={d.outcome} />,
    },
    { id: 'reason', header: 'Reason' },
    {
      id: 'score',
      header: 'Score',
      cell: ({ row: { original: d } }: { row: { original: ItemDecision } }) => (d.score === null ? '' : d.score),
    },
  ];
  return (
    <section>
      <Text element="h3">
        In run <AppLink to={urls.run(runId)}>{shortId(runId)}</AppLink>
      </Text>
      {/* The API answers 404 both for an unknown run and for an item the run did not record. */}
      {error && error.status !== 404 && <ErrorState error={error} onRetry={reload} />}
      {error?.status === 404 && (
        <Empty message={`No recorded decision about ${itemId} in this run`}>{error.message}</Empty>
      )}
      {loading && !data && <Loading what="the item's decisions" />}
      {data && data.decisions.length > 0 && (
        <Stack direction="column" gap={1}>
          {data.eliminatedAt ? (
            <Alert severity="error" title={`Eliminated at ${data.eliminatedAt.stepName}`} data-testid="eliminated-at">
              {data.eliminatedAt.reason}
            </Alert>
          ) : (
            <Alert severity="success" title="Not eliminated in this run" />
          )}
          <InteractiveTable columns={columns} data={data.decisions} getRowId={(d) => d.eventId} />
        </Stack>
      )}
    </section>
  );
};

const AcrossRuns = ({ itemId, from, to }: { itemId: string; from: string; to: string }) => {
  // A run picked here opens on the same range and rows, so the list stays as it was.
  const [search] = useUrlState();
  const [timeZone] = useTimeZone();
  const list = useRowList<ItemRunsResponse>(`/v1/items/${encodeURIComponent(itemId)}/runs`, { from, to }, PAGE_SIZE);
  const { error, loading, reload } = list;
  const runs = list.data?.runs ?? [];
  const columns = [
    {
      id: 'runId',
      header: 'Run',
      cell: ({ row: { original: r } }: { row: { original: ItemRun } }) => (
        <AppLink to={urls.item(itemId, { ...Object.fromEntries(search), run: r.runId })} title={r.runId}>
          {shortId(r.runId)}
        </AppLink>
      ),
    },
    { id: 'pipeline', header: 'Pipeline' },
    {
      id: 'runStartedAt',
      header: `Started (${zoneLabel(timeZone)})`,
      cell: ({ row: { original: r } }: { row: { original: ItemRun } }) => <Time iso={r.runStartedAt} />,
    },
    { id: 'decisions', header: 'Decisions' },
    {
      id: 'eliminatedAt',
      header: 'Fate',
      cell: ({ row: { original: r } }: { row: { original: ItemRun } }) =>
        r.eliminatedAt ? `eliminated at ${r.eliminatedAt.stepName}: ${r.eliminatedAt.reason}` : 'not eliminated',
    },
  ];
  if (error) {
    return <ErrorState error={error} onRetry={reload} />;
  }
  if (loading && runs.length === 0) {
    return <Loading what="runs with this item" />;
  }
  if (runs.length === 0) {
    return (
      <Empty message={`No run recorded ${itemId} in this time range`}>
        Widen the time range, or check the item id.
      </Empty>
    );
  }
  return (
    <Stack direction="column" gap={1}>
      <InteractiveTable columns={columns} data={runs} getRowId={(r) => r.runId} pageSize={0} />
      <LoadMore list={list} what="runs" beyond="narrow the time range to see the others" />
    </Stack>
  );
};

const ItemSearch = () => {
  const navigate = useNavigate();
  const [item, setItem] = useState('');
  const [run, setRun] = useState('');
  return (
    <PluginPage subTitle="Where did an item go? Enter its id (and a run, to follow it step by step).">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (item) {
            navigate(urls.item(item, { run }));
          }
        }}
      >
        <InlineFieldRow>
          <InlineField label="Item id">
            <Input
              width={32}
              value={item}
              aria-label="Item id"
              onChange={(e) => setItem(e.currentTarget.value.trim())}
            />
          </InlineField>
          <InlineField label="Run id (optional)">
            <Input width={40} value={run} aria-label="Run id" onChange={(e) => setRun(e.currentTarget.value.trim())} />
          </InlineField>
          <Button type="submit" disabled={!item}>
            Find
          </Button>
        </InlineFieldRow>
      </form>
    </PluginPage>
  );
};

export default ItemPage;
