import React from 'react';
import { Badge, Stack } from '@grafana/ui';
import type { RunSummary } from '../api/types';
import { count } from '../format';

/**
 * A run's status, and how many of its steps failed when any did: a run can end ok after a step
 * failed (the pipeline caught the error), and the API's status=error finds those runs too.
 */
export const RunStatus = ({ run }: { run: Pick<RunSummary, 'status' | 'failedSteps'> }) => (
  <Stack direction="row" gap={1} alignItems="center">
    <Badge text={run.status} color={run.status === 'ok' ? 'green' : 'red'} />
    {run.failedSteps > 0 && (
      <Badge
        text={`${count(run.failedSteps)} failed step${run.failedSteps === 1 ? '' : 's'}`}
        color="orange"
        icon="exclamation-triangle"
      />
    )}
  </Stack>
);
