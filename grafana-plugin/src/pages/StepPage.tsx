import React from 'react';
import { useParams } from 'react-router-dom';
import { PluginPage } from '@grafana/runtime';
import {
  Alert,
  IconButton,
  InlineField,
  InlineFieldRow,
  InteractiveTable,
  RadioButtonGroup,
  Stack,
  Tag,
  Text,
} from '@grafana/ui';
import { useApiQuery } from '../api/context';
import type { DecisionListResponse, DecisionSummary, ReasonHistogramResponse, StepListResponse } from '../api/types';
import { AppLink } from '../components/AppLink';
import { CommitInput } from '../components/CommitInput';
import { LoadMore } from '../components/LoadMore';
import { DecisionDrawer } from '../components/DecisionDrawer';
import { OutcomeBadge } from '../components/OutcomeBadge';
import { Ratio } from '../components/Ratio';
import { ReasonHistogram } from '../components/ReasonHistogram';
import { Empty, ErrorState, Loading } from '../components/States';
import { count, percent, shortId } from '../format';
import { useRowList } from '../rowList';
import { urls } from '../urls';
import { useUrlState } from '../urlState';

const PAGE_SIZE = 50;
const OUTCOMES = [
  { label: 'All', value: '' },
  { label: 'Eliminated', value: 'eliminated' },
  { label: 'Kept', value: 'kept' },
  { label: 'Scored', value: 'scored' },
];

/** One step: why it decided as it did (reason histogram), its decisions, and one decision's payload. */
const StepPage = () => {
  const { runId = '', stepId = '' } = useParams();
  const [search, update] = useUrlState();
  const outcome = search.get('outcome') ?? '';
  const reason = search.get('reason') ?? '';
  const reasonCode = search.get('reasonCode') ?? '';
  const itemId = search.get('item') ?? '';
  const decision = search.get('decision') ?? '';

  const steps = useApiQuery<StepListResponse>(`/v1/runs/${encodeURIComponent(runId)}/steps`);
  const step = steps.data?.steps.find((st) => st.stepId === stepId);
  const reasons = useApiQuery<ReasonHistogramResponse>(`/v1/steps/${encodeURIComponent(stepId)}/reasons`, {
    outcome: outcome || undefined,
  });

  const page = useRowList<DecisionListResponse>(
    `/v1/steps/${encodeURIComponent(stepId)}/decisions`,
    {
      outcome: outcome || undefined,
      reason: reason || undefined,
      reasonCode: reasonCode || undefined,
      itemId: itemId || undefined,
    },
    PAGE_SIZE
  );
  const decisions = page.data?.decisions ?? [];
  const selectedReason = reasonCode || reason || undefined;

  const columns = [
    { id: 'seq', header: '#' },
    {
      id: 'itemId',
      header: 'Item',
      cell: ({ row: { original: d } }: { row: { original: DecisionSummary } }) => (
        <AppLink to={urls.item(d.itemId, { run: runId })}>{d.itemId}</AppLink>
      ),
    },
    {
      id: 'outcome',
      header: 'Outcome',
      cell: ({ row: { original: d } }: { row: { original: DecisionSummary } }) => <OutcomeBadge outcome={d.outcome} />,
    },
    { id: 'reason', header: 'Reason' },
    {
      id: 'score',
      header: 'Score',
      cell: ({ row: { original: d } }: { row: { original: DecisionSummary } }) => (d.score === null ? '' : d.score),
    },
    {
      id: 'payload',
      header: '',
      cell: ({ row: { original: d } }: { row: { original: DecisionSummary } }) => (
        <IconButton
          name="eye"
          tooltip={`Show payload of ${d.itemId}`}
          onClick={() => update({ decision: d.eventId })}
        />
      ),
    },
  ];

  return (
    <PluginPage
      pageNav={{ text: step ? `Step ${step.name}` : `Step ${shortId(stepId)}`, subTitle: `Run ${shortId(runId)}` }}
    >
      <Stack direction="column" gap={2}>
        <AppLink to={urls.run(runId)}>← Run {shortId(runId)}</AppLink>
        {steps.error && <ErrorState error={steps.error} onRetry={steps.reload} />}
        {steps.data && !step && (
          <Empty message={`Run ${runId} has no step ${stepId}`}>Go back to the run and pick one of its steps.</Empty>
        )}
        {step && (
          <Stack direction="row" gap={4} wrap="wrap">
            <span>
              <Text color="secondary">Type</Text> {step.type}
            </span>
            <span>
              <Text color="secondary">Input → output</Text> {count(step.inputCount)} → {count(step.outputCount)}
            </span>
            <span>
              <Text color="secondary">Eliminated</Text> {count(step.eliminatedCount)} (
              <Ratio value={step.eliminationRatio} />)
            </span>
            <span>
              <Text color="secondary">Share of the run&apos;s eliminations</Text> {percent(step.eliminationShare)}
            </span>
          </Stack>
        )}
        {step && step.recordedCount < step.decisionCount && (
          <Alert
            severity="info"
            title={`${count(step.recordedCount)} of ${count(step.decisionCount)} decisions were recorded (${step.capture.replace('_', ' ')})`}
          >
            Counts are exact; the reasons and the list below cover the recorded decisions. Record a run with capture
            &quot;full&quot; to see every decision.
          </Alert>
        )}

        <section>
          <Text element="h3">Reasons</Text>
          {reasons.error && <ErrorState error={reasons.error} onRetry={reasons.reload} />}
          {reasons.loading && !reasons.data && <Loading what="reasons" />}
          {reasons.data &&
            (reasons.data.reasons.length === 0 ? (
              <Empty
                message={outcome ? `No recorded ${outcome} decisions in this step` : 'This step recorded no decisions'}
              />
            ) : (
              <ReasonHistogram
                reasons={reasons.data.reasons}
                selected={selectedReason}
                onSelect={(key) => {
                  const picked = reasons.data?.reasons.find((r) => r.reason === key);
                  update(
                    picked?.byCode ? { reasonCode: key, reason: undefined } : { reason: key, reasonCode: undefined }
                  );
                }}
              />
            ))}
        </section>

        <section>
          <Text element="h3">Decisions</Text>
          <InlineFieldRow>
            <InlineField label="Outcome">
              <RadioButtonGroup
                options={OUTCOMES}
                value={outcome}
                onChange={(value) => update({ outcome: value || undefined })}
              />
            </InlineField>
            <InlineField label="Item id">
              <CommitInput
                key={itemId}
                width={28}
                placeholder="any item"
                aria-label="Item id"
                value={itemId}
                onCommit={(value) => update({ item: value })}
              />
            </InlineField>
            {selectedReason && (
              <Tag
                name={`Reason: ${selectedReason} ×`}
                aria-label="Clear the reason filter"
                onClick={() => update({ reason: undefined, reasonCode: undefined })}
              />
            )}
          </InlineFieldRow>
          {page.error && <ErrorState error={page.error} onRetry={page.reload} />}
          {page.loading && decisions.length === 0 && <Loading what="decisions" />}
          {!page.loading && !page.error && decisions.length === 0 && (
            <Empty message="No recorded decisions match these filters">Clear a filter to see more.</Empty>
          )}
          {decisions.length > 0 && (
            <InteractiveTable columns={columns} data={decisions} getRowId={(d) => d.eventId} pageSize={0} />
          )}
          {decisions.length > 0 && (
            <LoadMore list={page} what="decisions" beyond="filter by outcome, reason or item to see the others" />
          )}
        </section>
      </Stack>
      {decision && <DecisionDrawer eventId={decision} onClose={() => update({ decision: undefined })} />}
    </PluginPage>
  );
};

export default StepPage;
