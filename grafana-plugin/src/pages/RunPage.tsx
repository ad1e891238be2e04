import React from 'react';
import { useNavigate, useParams } from 'react-router-dom';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { PluginPage } from '@grafana/runtime';
import { Alert, Badge, InteractiveTable, Stack, Text, useStyles2 } from '@grafana/ui';
import { useApiQuery } from '../api/context';
import type { RunSummary, StepListResponse, StepSummary } from '../api/types';
import { AppLink } from '../components/AppLink';
import { FunnelChart } from '../components/FunnelChart';
import { Ratio } from '../components/Ratio';
import { RunStatus } from '../components/RunStatus';
import { Empty, ErrorState, Loading } from '../components/States';
import { count, duration, percent, shortId } from '../format';
import { formatTime, useTimeZone, zoneLabel } from '../timeZone';
import { urls } from '../urls';
import { CompareWith } from './CompareWith';

/** One run: its step funnel, the step that eliminated most, and the way to compare it with another run. */
const RunPage = () => {
  const { runId = '' } = useParams();
  const [timeZone] = useTimeZone();
  const navigate = useNavigate();
  const s = useStyles2(getStyles);
  const run = useApiQuery<RunSummary>(`/v1/runs/${encodeURIComponent(runId)}`);
  const steps = useApiQuery<StepListResponse>(`/v1/runs/${encodeURIComponent(runId)}/steps`);
  const error = run.error ?? steps.error;
  const worst = steps.data?.steps.find((step) => step.stepId === steps.data?.worstStepId);
  // Both may have failed (the API was down): ask again for whatever did.
  const retry = () => {
    if (run.error) {
      run.reload();
    }
    if (steps.error) {
      steps.reload();
    }
  };

  return (
    <PluginPage
      pageNav={{
        text: `Run ${shortId(runId)}`,
        subTitle: run.data
          ? `${run.data.pipeline} · ${formatTime(run.data.startedAt, timeZone)} ${zoneLabel(timeZone)}`
          : undefined,
      }}
    >
      <Stack direction="column" gap={2}>
        <AppLink to={urls.runs(run.data ? runsAround(run.data) : {})}>← Runs</AppLink>
        {error && <ErrorState error={error} onRetry={retry} />}
        {!error && (run.loading || steps.loading) && !(run.data && steps.data) && <Loading what="the run" />}
        {run.data && steps.data && (
          <>
            <div className={s.summary} aria-label="Run summary">
              <Fact label="Pipeline" value={run.data.pipeline} />
              <Fact label="Status" value={<RunStatus run={run.data} />} />
              <Fact label="Input → output" value={`${count(run.data.inputCount)} → ${count(run.data.outputCount)}`} />
              <Fact label="Eliminated" value={<Ratio value={run.data.eliminationRatio} />} />
              <Fact label="Steps" value={String(run.data.totalSteps)} />
              <Fact label="Duration" value={duration(run.data.durationMs)} />
              <Fact label="Run id" value={<code>{run.data.runId}</code>} />
            </div>
            {run.data.error && (
              <Alert severity="error" title="The run failed">
                {run.data.error}
              </Alert>
            )}
            {worst ? (
              <Alert severity="warning" title={`Worst step: ${worst.name}`} data-testid="worst-step">
                {worst.name} eliminated {percent(worst.eliminationRatio)} of its input ({count(worst.eliminatedCount)}{' '}
                of {count(worst.inputCount)}): {percent(worst.eliminationShare)} of everything this run eliminated.{' '}
                <AppLink to={urls.step(runId, worst.stepId, { outcome: 'eliminated' })}>See why</AppLink>
              </Alert>
            ) : (
              <Alert severity="success" title="No step eliminated anything in this run" />
            )}
            <section>
              <Text element="h3">Step funnel</Text>
              {steps.data.steps.length === 0 ? (
                <Empty message="This run recorded no steps" />
              ) : (
                <FunnelChart
                  steps={steps.data.steps}
                  worstStepId={steps.data.worstStepId}
                  onSelect={(step) => navigate(urls.step(runId, step.stepId))}
                />
              )}
            </section>
            <section>
              <Text element="h3">Steps</Text>
              <InteractiveTable
                columns={stepColumns(runId, steps.data.worstStepId)}
                data={steps.data.steps}
                getRowId={(r) => r.stepId}
              />
            </section>
            <section>
              <Text element="h3">Compare with another run</Text>
              <CompareWith run={run.data} />
            </section>
          </>
        )}
      </Stack>
    </PluginPage>
  );
};

/** The Runs page for this run's pipeline, from six hours before it started until now: it lists this run. */
function runsAround(run: RunSummary) {
  return { pipeline: run.pipeline, from: String(Date.parse(run.startedAt) - 6 * 3600_000), to: 'now' };
}

const Fact = ({ label, value }: { label: string; value: React.ReactNode }) => {
  const s = useStyles2(getStyles);
  return (
    <div className={s.fact}>
      <div className={s.label}>{label}</div>
      <div>{value}</div>
    </div>
  );
};

type Cell = { row: { original: StepSummary } };

function stepColumns(runId: string, worstStepId: string | null) {
  return [
    { id: 'index', header: '#', cell: ({ row: { original: st } }: Cell) => st.index + 1 },
    {
      id: 'name',
      header: 'Step',
      cell: ({ row: { original: st } }: Cell) => (
        <Stack direction="row" gap={1} alignItems="center">
          <AppLink to={urls.step(runId, st.stepId)}>{st.name}</AppLink>
          {st.stepId === worstStepId && <Badge color="red" text="worst" />}
        </Stack>
      ),
    },
    { id: 'type', header: 'Type' },
    { id: 'inputCount', header: 'Input', cell: ({ row: { original: st } }: Cell) => count(st.inputCount) },
    { id: 'keptCount', header: 'Kept', cell: ({ row: { original: st } }: Cell) => count(st.keptCount) },
    { id: 'scoredCount', header: 'Scored', cell: ({ row: { original: st } }: Cell) => count(st.scoredCount) },
    {
      id: 'eliminatedCount',
      header: 'Eliminated',
      cell: ({ row: { original: st } }: Cell) => count(st.eliminatedCount),
    },
    {
      id: 'eliminationRatio',
      header: 'Ratio',
      cell: ({ row: { original: st } }: Cell) => <Ratio value={st.eliminationRatio} />,
    },
    {
      id: 'eliminationShare',
      header: 'Share of run',
      cell: ({ row: { original: st } }: Cell) => percent(st.eliminationShare),
    },
    { id: 'outputCount', header: 'Output', cell: ({ row: { original: st } }: Cell) => count(st.outputCount) },
    { id: 'durationMs', header: 'Duration', cell: ({ row: { original: st } }: Cell) => duration(st.durationMs) },
    {
      id: 'capture',
      header: 'Recorded',
      cell: ({ row: { original: st } }: Cell) =>
        st.capture === 'full'
          ? 'all'
          : `${count(st.recordedCount)} of ${count(st.decisionCount)} (${st.capture.replace('_', ' ')})`,
    },
  ];
}

const getStyles = (theme: GrafanaTheme2) => ({
  summary: css({ display: 'flex', flexWrap: 'wrap', gap: theme.spacing(4) }),
  fact: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(0.5) }),
  label: css({ color: theme.colors.text.secondary, fontSize: theme.typography.bodySmall.fontSize }),
});

export default RunPage;
