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
import { ErrorState, Loading } from './States';

interface Props {
  eventId: string;
  onClose: () => void;
}

/** One decision with its full payload (input, output, metadata), which the query API reads from S3. */
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
          <Payload label="Input" value={data.input} />
          <Payload label="Output" value={data.output} />
          <Payload label="Metadata" value={data.metadata} />
        </Stack>
      )}
    </Drawer>
  );
};

const Payload = ({ label, value }: { label: string; value: unknown }) => {
  const s = useStyles2(getStyles);
  return (
    <section aria-label={label}>
      <h5>{label}</h5>
      {value === undefined ? (
        <div className={s.none}>Not recorded</div>
      ) : (
        <pre className={s.json}>{JSON.stringify(value, null, 2)}</pre>
      )}
    </section>
  );
};

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
  json: css({ maxHeight: 400, overflow: 'auto', fontSize: theme.typography.bodySmall.fontSize }),
  none: css({ color: theme.colors.text.secondary }),
});
