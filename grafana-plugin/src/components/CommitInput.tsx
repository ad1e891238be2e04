import React, { useState } from 'react';
import { Input } from '@grafana/ui';

interface Props {
  value: string;
  /** Called with the trimmed text (undefined when empty) on Enter or blur, if it changed and `check` accepts it. */
  onCommit: (value: string | undefined) => void;
  /** Returns a sentence when the text is not acceptable. */
  check?: (text: string) => string | undefined;
  onInvalid?: (problem: string | undefined) => void;
  width?: number;
  placeholder?: string;
  suffix?: string;
  'aria-label': string;
}

/**
 * A filter input that applies on Enter or blur rather than on each key press, so typing a pipeline
 * name does not query the API for every prefix. Render it with `key={value}` so a value changed
 * elsewhere (the URL) resets the text.
 */
export const CommitInput = ({ value, onCommit, check, onInvalid, ...input }: Props) => {
  const [text, setText] = useState(value);
  const commit = () => {
    const trimmed = text.trim();
    const problem = trimmed ? check?.(trimmed) : undefined;
    onInvalid?.(problem);
    if (!problem && trimmed !== value) {
      onCommit(trimmed || undefined);
    }
  };
  return (
    <Input
      {...input}
      value={text}
      onChange={(e) => setText(e.currentTarget.value)}
      onBlur={commit}
      onKeyDown={(e) => e.key === 'Enter' && commit()}
    />
  );
};
