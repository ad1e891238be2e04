import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';
import type { ReasonCount } from '../api/types';
import { count, percent } from '../format';

interface Props {
  reasons: ReasonCount[];
  /** The reason filter in effect (highlighted); clicking a bar selects or clears it. */
  selected?: string;
  onSelect: (reason: string | undefined) => void;
}

/** Why a step decided what it did: one bar per reason, longest first. */
export const ReasonHistogram = ({ reasons, selected, onSelect }: Props) => {
  const s = useStyles2(getStyles);
  const most = Math.max(1, ...reasons.map((r) => r.decisions));
  return (
    <ul className={s.list} aria-label="Reasons">
      {reasons.map((r) => (
        <li key={r.reason}>
          <button
            type="button"
            aria-pressed={selected === r.reason}
            className={`${s.row} ${selected === r.reason ? s.selected : ''}`}
            onClick={() => onSelect(selected === r.reason ? undefined : r.reason)}
            title={selected === r.reason ? 'Show all reasons' : 'Show only these decisions'}
          >
            <span className={s.reason}>{r.reason}</span>
            <span className={s.track}>
              <span className={s.bar} style={{ width: `${(r.decisions / most) * 100}%` }} />
            </span>
            <span className={s.count}>
              {count(r.decisions)} <span className={s.share}>({percent(r.share)})</span>
            </span>
          </button>
        </li>
      ))}
    </ul>
  );
};

const getStyles = (theme: GrafanaTheme2) => ({
  list: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(0.5),
    listStyle: 'none',
    margin: 0,
    padding: 0,
  }),
  row: css({
    width: '100%',
    display: 'grid',
    gridTemplateColumns: 'minmax(240px, 2fr) 3fr 140px',
    gap: theme.spacing(2),
    alignItems: 'center',
    textAlign: 'left',
    background: 'none',
    border: `1px solid transparent`,
    borderRadius: theme.shape.radius.default,
    color: theme.colors.text.primary,
    padding: theme.spacing(0.5, 1),
    cursor: 'pointer',
    '&:hover': { background: theme.colors.action.hover },
  }),
  selected: css({ borderColor: theme.colors.primary.border, background: theme.colors.action.selected }),
  reason: css({ overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap' }),
  track: css({ background: theme.colors.background.secondary, height: 14, borderRadius: theme.shape.radius.default }),
  bar: css({
    display: 'block',
    height: '100%',
    background: theme.visualization.getColorByName('orange'),
    borderRadius: theme.shape.radius.default,
  }),
  count: css({ fontVariantNumeric: 'tabular-nums' }),
  share: css({ color: theme.colors.text.secondary }),
});
