import React, { createContext, useContext, useEffect, useState } from 'react';
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
 * The time zone of every time the pages show: the URL's `tz`, else the zone picked last, else UTC.
 * A zone picked in a time picker holds while the user moves between pages, and every page's URL
 * carries it, so a pasted link shows the same times.
 */
export const TimeZoneProvider = ({ children }: { children: React.ReactNode }) => {
  const [search, setSearch] = useSearchParams();
  const inUrl = search.get(TZ_PARAM);
  const [chosen, setChosen] = useState<TimeZone>(() => inUrl || DEFAULT_TIME_ZONE);
  useEffect(() => {
    if (!inUrl && chosen !== DEFAULT_TIME_ZONE) {
      setSearch(
        (current) => {
          const next = new URLSearchParams(current);
          next.set(TZ_PARAM, chosen);
          return next;
        },
        { replace: true }
      );
    }
    // Only a new URL or a new choice is a reason to look again.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [inUrl, chosen]);
  return <TimeZoneContext.Provider value={[inUrl || chosen, setChosen]}>{children}</TimeZoneContext.Provider>;
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
