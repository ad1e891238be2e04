import React, { useMemo } from 'react';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { LinkButton, useStyles2 } from '@grafana/ui';
import { useApi } from '../api/context';
import type { PayloadInfo } from '../api/types';
import { bytes } from '../format';

interface Props {
  label: string;
  /** The value when the answer holds it (inline, whole; older APIs send no `info`). */
  value: unknown;
  info?: PayloadInfo;
  /** The name a download saves as, e.g. `<eventId>-input.json`. */
  fileName: string;
}

/**
 * One payload of a decision, as the query API answers it: the value with its size; for one too large
 * to send (partial), its first part and a link to download the whole; or why there is no value
 * (missing, expired past the project's retention, deleted with its run, truncated by the SDK).
 */
export const PayloadView = ({ label, value, info, fileName }: Props) => {
  const s = useStyles2(getStyles);
  const api = useApi();
  const name = label.toLowerCase();
  const download =
    (info?.state === 'partial' || info?.state === 'whole') && info.download && DOWNLOAD_PATH.test(info.download)
      ? info.download
      : undefined;
  return (
    <section aria-label={label}>
      <h5>
        {label}
        {info && info.state !== 'truncated' && <span className={s.size}> · {bytes(info.bytes)}</span>}
      </h5>
      {info?.state === 'partial' ? (
        <FirstPart text={info.head ?? ''} name={name} whole={info.bytes} />
      ) : info?.state === 'missing' || info?.state === 'expired' || info?.state === 'deleted' ? (
        <div className={s.problem} role="note">
          {info.message ?? `The ${name} could not be read from storage.`}
        </div>
      ) : info?.state === 'truncated' ? (
        <Truncated info={info} marker={asMarker(value)} name={name} />
      ) : (
        <Value value={value} />
      )}
      {download && info && (
        <LinkButton
          href={api.linkTo(download)}
          download={fileName}
          variant="secondary"
          size="sm"
          icon="download-alt"
          title={info.sha256 ? `SHA-256 ${info.sha256}` : undefined}
        >
          {info.state === 'partial' ? 'Download whole' : 'Download'} ({bytes(info.bytes)})
        </LinkButton>
      )}
    </section>
  );
};

const Value = ({ value }: { value: unknown }) => {
  const s = useStyles2(getStyles);
  // Up to 1 MiB of JSON: written out once, not on every render of the drawer.
  const text = useMemo(() => (value === undefined ? undefined : JSON.stringify(value, null, 2)), [value]);
  return text === undefined ? <div className={s.none}>Not recorded</div> : <pre className={s.json}>{text}</pre>;
};

/** Paths the query API hands out for a download; anything else (another origin) gets no link. */
const DOWNLOAD_PATH = /^\/v1\/[^/]/;

/** The marker the SDK sends for a value over its cap: `{"_xray_truncated":true,"originalBytes":N,"preview":"…"}`. */
interface TruncatedMarker {
  originalBytes?: unknown;
  preview?: unknown;
}

function asMarker(value: unknown): TruncatedMarker {
  return typeof value === 'object' && value !== null ? value : {};
}

const Truncated = ({ info, marker, name }: { info: PayloadInfo; marker: TruncatedMarker; name: string }) => {
  const s = useStyles2(getStyles);
  // Without originalBytes in the marker the SDK stopped early and never knew the whole size.
  const size = typeof marker.originalBytes === 'number' ? `: it was ${bytes(info.bytes)}` : ' (its size is unknown)';
  return (
    <>
      <div className={s.problem} role="note">
        The SDK cut this value at its size cap{size}.{info.message ? ` ${info.message}` : ''}
      </div>
      {typeof marker.preview === 'string' && <FirstPart text={marker.preview} name={name} />}
    </>
  );
};

/** The first bytes of a value's JSON text (not valid JSON on its own), shown as they are and marked as cut. */
const FirstPart = ({ text, name, whole }: { text: string; name: string; whole?: number }) => {
  const s = useStyles2(getStyles);
  const shown = useMemo(() => new TextEncoder().encode(text).length, [text]);
  return (
    <>
      <div className={s.note}>
        {whole === undefined
          ? `Its first ${bytes(shown)}, as the SDK kept them:`
          : `Too large to show whole: the first ${bytes(shown)} of ${bytes(whole)}.`}
      </div>
      <pre className={`${s.json} ${s.head}`} aria-label={`First part of the ${name}`}>
        {text}
        <span className={s.cut}> … cut here</span>
      </pre>
    </>
  );
};

const getStyles = (theme: GrafanaTheme2) => ({
  size: css({ color: theme.colors.text.secondary, fontWeight: theme.typography.fontWeightRegular }),
  json: css({ maxHeight: 400, overflow: 'auto', fontSize: theme.typography.bodySmall.fontSize }),
  // The head is compact JSON, one long line: wrap it rather than scroll sideways.
  head: css({ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }),
  cut: css({ color: theme.colors.text.secondary, fontStyle: 'italic' }),
  note: css({ color: theme.colors.text.secondary, marginBottom: theme.spacing(1) }),
  problem: css({ color: theme.colors.warning.text }),
  none: css({ color: theme.colors.text.secondary }),
});
