import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import { HIGH_RATIO } from '../constants';
import { percent } from '../format';

/** An elimination ratio; at or above HIGH_RATIO it is shown in the theme's error colour. */
export const Ratio = ({ value }: { value: number }) => {
  const s = useStyles2(getStyles);
  const high = value >= HIGH_RATIO;
  return (
    <span
      className={high ? s.high : undefined}
      title={high ? `Above ${percent(HIGH_RATIO, 0)}: worth a look` : undefined}
    >
      {percent(value)}
    </span>
  );
};

const getStyles = (theme: GrafanaTheme2) => ({
  high: css({ color: theme.colors.error.text, fontWeight: theme.typography.fontWeightMedium }),
});
