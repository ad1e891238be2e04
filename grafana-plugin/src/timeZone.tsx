import React, { createContext, useContext, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { dateTimeFormat } from '@grafana/data';
import type { TimeZone } from '@grafana/schema';

/** The URL parameter a chosen time zone travels in, so a link opens in the zone its sender used. */
export const TZ_PARAM = 'tz';
/** X-Ray stores and answers times in UTC; pages show them so unless the user picks another zone. */
const DEFAULT_TIME_ZONE: TimeZone = 'utc';

type TimeZoneState = [TimeZone, (timeZone: TimeZone) => void];

const TimeZoneContext = createContext<TimeZoneState>([DEFAULT_TIME_ZONE, () => {}]);

/**
 * The time zone of every time the pages show: the URL's `tz`, else UTC. A zone picked in a time
 * picker holds while the user moves between pages.
 */
export const TimeZoneProvider = ({ children }: { children: React.ReactNode }) => {
  const [search] = useSearchParams();
  const state = useState<TimeZone>(() => search.get(TZ_PARAM) || DEFAULT_TIME_ZONE);
  return <TimeZoneContext.Provider value={state}>{children}</TimeZoneContext.Provider>;
};

export function useTimeZone(): TimeZoneState {
  return useContext(TimeZoneContext);
}

/** A stored time as people read it, `2026-11-26 09:47:06.493`, in `timeZone`. */
export function formatTime(iso: string, timeZone: TimeZone): string {
  return dateTimeFormat(iso, { timeZone, format: 'YYYY-MM-DD HH:mm:ss.SSS' });
}

/** How a zone is named next to times: "UTC", "browser time", or the zone's own name. */
export function zoneLabel(timeZone: TimeZone): string {
  if (timeZone === 'utc') {
    return 'UTC';
  }
  return timeZone === 'browser' || timeZone === '' ? 'browser time' : timeZone;
}

/** A stored time in the zone the user chose. */
export const Time = ({ iso }: { iso: string }) => {
  const [timeZone] = useTimeZone();
  return <>{formatTime(iso, timeZone)}</>;
};
