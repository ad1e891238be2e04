import React from 'react';
import { Badge } from '@grafana/ui';

/** A decision's outcome in its colour. Its own module: a page showing outcomes needs no drawer in its chunk. */
export const OutcomeBadge = ({ outcome }: { outcome: string }) => (
  <Badge
    text={outcome}
    color={outcome === 'eliminated' ? 'red' : outcome === 'kept' ? 'green' : outcome === 'scored' ? 'blue' : 'orange'}
  />
);
