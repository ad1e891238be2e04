import React from 'react';
import type { TimeRange } from '@grafana/data';
import { TimeRangePicker } from '@grafana/ui';
import { fromTimeRange, shiftRange, zoomOut } from '../timeRange';

/** Grafana's time picker, in UTC, reporting a new range in its URL form (`from`, `to`). */
export const TimePicker = ({ range, onChange }: { range: TimeRange; onChange: (next: { from: string; to: string }) => void }) => (
  <TimeRangePicker
    value={range}
    onChange={(next) => onChange(fromTimeRange(next))}
    onChangeTimeZone={() => {}}
    onMoveBackward={() => onChange(shiftRange(range, -1))}
    onMoveForward={() => onChange(shiftRange(range, 1))}
    onZoom={() => onChange(zoomOut(range))}
    timeZone="utc"
  />
);
