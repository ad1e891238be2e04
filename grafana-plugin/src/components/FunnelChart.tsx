import React from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { Badge, useStyles2, useTheme2 } from '@grafana/ui';
import type { StepSummary } from '../api/types';
import { count, percent } from '../format';

interface Props {
  steps: StepSummary[];
  worstStepId: string | null;
  onSelect?: (step: StepSummary) => void;
}

/**
 * The run's funnel: one bar per step in execution order, as wide as the step's input, split into
 * what it kept, scored and eliminated, with input → output beside it.
 */
export const FunnelChart = ({ steps, worstStepId, onSelect }: Props) => {
  const s = useStyles2(getStyles);
  const theme = useTheme2();
  const widest = Math.max(1, ...steps.map((step) => step.inputCount));
  const colours = {
    kept: theme.visualization.getColorByName('green'),
    scored: theme.visualization.getColorByName('blue'),
    eliminated: theme.visualization.getColorByName('red'),
  };
  return (
    <div className={s.chart} role="figure" aria-label="Step funnel">
      <div className={s.legend}>
        {(['kept', 'scored', 'eliminated'] as const).map((part) => (
          <span key={part} className={s.legendItem}>
            <span className={s.swatch} style={{ background: colours[part] }} />
            {part}
          </span>
        ))}
      </div>
      {steps.map((step) => {
        const worst = step.stepId === worstStepId;
        const parts = [
          ['kept', step.keptCount],
          ['scored', step.scoredCount],
          ['eliminated', step.eliminatedCount],
        ] as const;
        return (
          <div
            key={step.stepId}
            className={onSelect ? `${s.row} ${s.clickable}` : s.row}
            data-testid={`funnel-${step.name}`}
            onClick={onSelect ? () => onSelect(step) : undefined}
            role={onSelect ? 'button' : undefined}
            tabIndex={onSelect ? 0 : undefined}
            onKeyDown={
              onSelect
                ? (e) => {
                    if (e.key === 'Enter' || e.key === ' ') {
                      e.preventDefault(); // Space would scroll the page
                      onSelect(step);
                    }
                  }
                : undefined
            }
          >
            <div className={s.name} style={{ paddingLeft: step.parentStepId ? 16 : 0 }}>
              {step.name}
              {worst && <Badge color="red" icon="exclamation-triangle" text="worst step" className={s.badge} />}
            </div>
            <div className={s.track}>
              <div className={s.bar} style={{ width: `${(step.inputCount / widest) * 100}%` }}>
                {parts.map(([part, n]) =>
                  n > 0 ? (
                    <div
                      key={part}
                      title={`${part}: ${count(n)}`}
                      style={{ flexGrow: n, background: colours[part] }}
                      className={s.segment}
                    />
                  ) : null
                )}
              </div>
            </div>
            <div className={s.numbers}>
              {count(step.inputCount)} → {count(step.outputCount)}
              <span className={worst ? s.worstRatio : s.ratio}>{percent(step.eliminationRatio)} eliminated</span>
            </div>
          </div>
        );
      })}
    </div>
  );
};

const getStyles = (theme: GrafanaTheme2) => ({
  chart: css({ display: 'flex', flexDirection: 'column', gap: theme.spacing(1), padding: theme.spacing(2, 0) }),
  legend: css({
    display: 'flex',
    gap: theme.spacing(2),
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
  }),
  legendItem: css({ display: 'inline-flex', alignItems: 'center', gap: theme.spacing(0.5) }),
  swatch: css({ width: 10, height: 10, borderRadius: theme.shape.radius.default, display: 'inline-block' }),
  row: css({
    display: 'grid',
    gridTemplateColumns: 'minmax(160px, 1fr) 3fr minmax(200px, 1fr)',
    alignItems: 'center',
    gap: theme.spacing(2),
    padding: theme.spacing(0.5),
    borderRadius: theme.shape.radius.default,
  }),
  clickable: css({ cursor: 'pointer', '&:hover': { background: theme.colors.action.hover } }),
  name: css({
    fontFamily: theme.typography.fontFamilyMonospace,
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
  }),
  badge: css({ fontFamily: theme.typography.fontFamily }),
  track: css({ background: theme.colors.background.secondary, borderRadius: theme.shape.radius.default, height: 20 }),
  bar: css({
    display: 'flex',
    height: '100%',
    minWidth: 2,
    borderRadius: theme.shape.radius.default,
    overflow: 'hidden',
  }),
  segment: css({ height: '100%' }),
  numbers: css({ display: 'flex', gap: theme.spacing(1.5), fontVariantNumeric: 'tabular-nums' }),
  ratio: css({ color: theme.colors.text.secondary }),
  worstRatio: css({ color: theme.colors.error.text, fontWeight: theme.typography.fontWeightMedium }),
});
