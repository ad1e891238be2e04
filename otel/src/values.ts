// Type guards for the enumerated values of the registry (conventions.generated.ts).
import {
  CaptureLevels,
  Outcomes,
  StepTypes,
  type CaptureLevel,
  type Outcome,
  type StepType,
} from './conventions.generated.js';

/** A type guard for the values of one of the enumerations. */
function memberOf<T extends string>(values: Record<string, T>): (value: unknown) => value is T {
  const set: ReadonlySet<unknown> = new Set(Object.values(values));
  return (value): value is T => set.has(value);
}

/** True when `value` is one of the three outcomes. */
export const isOutcome = memberOf<Outcome>(Outcomes);
/** True when `value` is a known step type. */
export const isStepType = memberOf<StepType>(StepTypes);
/** True when `value` is a capture level. */
export const isCaptureLevel = memberOf<CaptureLevel>(CaptureLevels);
