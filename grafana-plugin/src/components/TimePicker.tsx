import React from 'react';
import type { TimeRange } from '@grafana/data';
import { TimeRangePicker } from '@grafana/ui';
import { fromTimeRange, shiftRange, zoomOut } from '../timeRange';
import { TZ_PARAM, useTimeZone } from '../timeZone';

/**
 * Grafana's time picker, reporting a new range in its URL form (`from`, `to`) and a new time zone
 * as `tz` (which every time on the pages follows).
 */
export const TimePicker = ({
  range,
  onChange,
}: {
  range: TimeRange;
  onChange: (changes: Record<string, string | undefined>) => void;
}) => {
  const [timeZone, setTimeZone] = useTimeZone();
  return (
    <TimeRangePicker
      value={range}
      onChange={(next) => onChange(fromTimeRange(next))}
      onChangeTimeZone={(next) => {
        setTimeZone(next);
        onChange({ [TZ_PARAM]: next === 'utc' ? undefined : next });
      }}
      onMoveBackward={() => onChange(shiftRange(range, -1))}
      onMoveForward={() => onChange(shiftRange(range, 1))}
      onZoom={() => onChange(zoomOut(range))}
      timeZone={timeZone}
    />
  );
};
