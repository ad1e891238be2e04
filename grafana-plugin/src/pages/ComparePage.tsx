import React, { useState } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router-dom';
import { PluginPage } from '@grafana/runtime';
import { Button, InlineField, InlineFieldRow, Input, InteractiveTable, Stack, Text } from '@grafana/ui';
import type { RunDiffResponse, StepDelta } from '../api/types';
import { AppLink } from '../components/AppLink';
import { LoadMore } from '../components/LoadMore';
import { Ratio } from '../components/Ratio';
import { Empty, ErrorState, Loading } from '../components/States';
import { count, points, shortId } from '../format';
import { useRowList } from '../rowList';
import { urls } from '../urls';

/** Items per "Load more" (the query API's default page). */
const PAGE_SIZE = 100;

type ItemChange = RunDiffResponse['items'][number];
type Side = ItemChange['a'];

/** What changed between two runs of a pipeline: per-step deltas and the items whose fate changed. */
const ComparePage = () => {
  const { runA = '', runB = '' } = useParams();
  if (!runA || !runB) {
    return <ComparePicker />;
  }
  return (
    <PluginPage pageNav={{ text: `Compare ${shortId(runA)} with ${shortId(runB)}` }}>
      <Diff key={`${runA}/${runB}`} runA={runA} runB={runB} />
    </PluginPage>
  );
};

const Diff = ({ runA, runB }: { runA: string; runB: string }) => {
  const list = useRowList<RunDiffResponse>(
    `/v1/runs/${encodeURIComponent(runA)}/diff/${encodeURIComponent(runB)}`,
    {},
    PAGE_SIZE
  );
  const { data, error, loading, reload } = list;
  if (error) {
    return <ErrorState error={error} onRetry={reload} />;
  }
  if (!data) {
    return loading ? <Loading what="the comparison" /> : null;
  }
  const items = data.items;
  const stepColumns = [
    { id: 'name', header: 'Step' },
    ...(['a', 'b'] as const).map((side) => ({
      id: side,
      header: `Run ${side.toUpperCase()} eliminated`,
      cell: ({ row: { original: d } }: { row: { original: StepDelta } }) => {
        const s = d[side];
        return s ? (
          <span>
            {count(s.eliminatedCount)} of {count(s.inputCount)} (<Ratio value={s.eliminationRatio} />)
          </span>
        ) : (
          'not in this run'
        );
      },
    })),
    {
      id: 'eliminatedDelta',
      header: 'Δ eliminated',
      cell: ({ row: { original: d } }: { row: { original: StepDelta } }) => signed(d.eliminatedDelta),
    },
    {
      id: 'ratioDeltaPoints',
      header: 'Δ ratio',
      cell: ({ row: { original: d } }: { row: { original: StepDelta } }) => points(d.ratioDeltaPoints),
    },
  ];
  const itemColumns = [
    {
      id: 'itemId',
      header: 'Item',
      cell: ({ row: { original: c } }: { row: { original: ItemChange } }) => (
        <AppLink to={urls.item(c.itemId, { run: runA })}>{c.itemId}</AppLink>
      ),
    },
    {
      id: 'a',
      header: `In run A (${shortId(runA)})`,
      cell: ({ row: { original: c } }: { row: { original: ItemChange } }) => fate(c.a),
    },
    {
      id: 'b',
      header: `In run B (${shortId(runB)})`,
      cell: ({ row: { original: c } }: { row: { original: ItemChange } }) => fate(c.b),
    },
  ];
  return (
    <Stack direction="column" gap={2}>
      <Text color="secondary">
        Pipeline {data.pipeline}: run A <AppLink to={urls.run(runA)}>{shortId(runA)}</AppLink> against run B{' '}
        <AppLink to={urls.run(runB)}>{shortId(runB)}</AppLink>.
      </Text>
      <section>
        <Text element="h3">Steps</Text>
        <InteractiveTable columns={stepColumns} data={data.steps} getRowId={(d) => d.name} />
      </section>
      <section>
        <Text element="h3">Items whose fate changed</Text>
        {items.length === 0 ? (
          <Empty message="No recorded item was eliminated differently in the two runs">
            Items recorded in only one run are left out; record both runs with capture &quot;full&quot; to compare every
            item.
          </Empty>
        ) : (
          <InteractiveTable columns={itemColumns} data={items} getRowId={(c) => c.itemId} pageSize={0} />
        )}
        <LoadMore list={list} what="items" beyond="the step deltas above count them all" />
      </section>
    </Stack>
  );
};

function fate(side: Side): string {
  return side ? `eliminated at ${side.stepName}: ${side.reason}` : 'not eliminated';
}

function signed(n: number): string {
  return n > 0 ? `+${count(n)}` : n < 0 ? `−${count(-n)}` : '0';
}

const ComparePicker = () => {
  const navigate = useNavigate();
  const [search] = useSearchParams();
  const [a, setA] = useState(search.get('a') ?? '');
  const [b, setB] = useState('');
  return (
    <PluginPage subTitle="Two runs of the same pipeline: which steps changed, and which items they treated differently.">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (a && b) {
            navigate(urls.compare(a, b));
          }
        }}
      >
        <InlineFieldRow>
          <InlineField label="Run A">
            <Input width={40} value={a} aria-label="Run A" onChange={(e) => setA(e.currentTarget.value.trim())} />
          </InlineField>
          <InlineField label="Run B">
            <Input width={40} value={b} aria-label="Run B" onChange={(e) => setB(e.currentTarget.value.trim())} />
          </InlineField>
          <Button type="submit" disabled={!a || !b}>
            Compare
          </Button>
        </InlineFieldRow>
      </form>
    </PluginPage>
  );
};

export default ComparePage;
