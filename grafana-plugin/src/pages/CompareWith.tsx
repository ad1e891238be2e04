import React, { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Button, InlineField, InlineFieldRow, Input, Stack } from '@grafana/ui';
import { useApiQuery } from '../api/context';
import type { RunListResponse, RunSummary } from '../api/types';
import { AppLink } from '../components/AppLink';
import { Ratio } from '../components/Ratio';
import { shortId } from '../format';
import { Time, useTimeZone, zoneLabel } from '../timeZone';
import { urls } from '../urls';

/** Recent runs of the same pipeline to compare with, or any run id. */
export const CompareWith = ({ run }: { run: RunSummary }) => {
  const navigate = useNavigate();
  const [timeZone] = useTimeZone();
  const [other, setOther] = useState('');
  const recent = useApiQuery<RunListResponse>('/v1/runs', { pipeline: run.pipeline, limit: 6 });
  const others = (recent.data?.runs ?? []).filter((r) => r.runId !== run.runId).slice(0, 5);
  return (
    <Stack direction="column" gap={1}>
      {others.length > 0 && (
        <ul aria-label="Recent runs to compare with">
          {others.map((r) => (
            <li key={r.runId}>
              <AppLink to={urls.compare(run.runId, r.runId)}>Compare with {shortId(r.runId)}</AppLink> started{' '}
              <Time iso={r.startedAt} /> {zoneLabel(timeZone)}, eliminated <Ratio value={r.eliminationRatio} />
            </li>
          ))}
        </ul>
      )}
      <InlineFieldRow>
        <InlineField label="Other run id">
          <Input
            width={40}
            value={other}
            placeholder="32 hex digits"
            onChange={(e) => setOther(e.currentTarget.value.trim())}
          />
        </InlineField>
        <Button disabled={!other} onClick={() => navigate(urls.compare(run.runId, other))}>
          Compare
        </Button>
      </InlineFieldRow>
    </Stack>
  );
};
