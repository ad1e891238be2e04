import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Drawer, Stack, useStyles2 } from '@grafana/ui';
import { AppLink } from './AppLink';
import { OutcomeBadge } from './OutcomeBadge';
import { useApiQuery } from '../api/context';
import type { DecisionDetail } from '../api/types';
import { Time } from '../timeZone';
import { urls } from '../urls';
import { PayloadView } from './PayloadView';
import { ErrorState, Loading } from './States';

interface Props {
  eventId: string;
  onClose: () => void;
}

/**
 * One decision with its payload (input, output, metadata), which the query API reads from S3: whole up
 * to 1 MiB, past that its first part and a download link.
 */
export const DecisionDrawer = ({ eventId, onClose }: Props) => {
  const s = useStyles2(getStyles);
  const { data, error, loading, reload } = useApiQuery<DecisionDetail>(`/v1/decisions/${encodeURIComponent(eventId)}`);
  return (
    <Drawer title={data ? `Decision on ${data.itemId}` : 'Decision'} subtitle={eventId} onClose={onClose} size="md">
      {loading && !data && <Loading what="the decision's payload" />}
      {error && <ErrorState error={error} onRetry={reload} />}
      {data && (
        <Stack direction="column" gap={2}>
          <dl className={s.facts}>
            <dt>Outcome</dt>
            <dd>
              <OutcomeBadge outcome={data.outcome} />
            </dd>
            <dt>Reason</dt>
            <dd>
              {data.reason}
              {data.reasonCode ? <span className={s.code}> ({data.reasonCode})</span> : null}
            </dd>
            {data.score !== null && (
              <>
                <dt>Score</dt>
                <dd>{data.score}</dd>
              </>
            )}
            <dt>Item</dt>
            <dd>
              <AppLink to={urls.item(data.itemId, { run: data.runId })}>{data.itemId}</AppLink>
            </dd>
            <dt>Time</dt>
            <dd>
              <Time iso={data.timestamp} />
            </dd>
          </dl>
          {PAYLOADS.map(([field, label]) => (
            <PayloadView
              key={field}
              label={label}
              value={data[field]}
              info={data.payloads?.[field]}
              fileName={`${data.eventId}-${field}.json`}
            />
          ))}
        </Stack>
      )}
    </Drawer>
  );
};

const PAYLOADS = [
  ['input', 'Input'],
  ['output', 'Output'],
  ['metadata', 'Metadata'],
] as const;

const getStyles = (theme: GrafanaTheme2) => ({
  facts: css({
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: theme.spacing(0.5, 2),
    margin: 0,
    dt: { color: theme.colors.text.secondary },
    dd: { margin: 0 },
  }),
  code: css({ color: theme.colors.text.secondary, fontFamily: theme.typography.fontFamilyMonospace }),
});
