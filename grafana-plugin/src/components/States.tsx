import React from 'react';
import { Alert, Button, EmptyState, LoadingPlaceholder } from '@grafana/ui';
import type { XRayApiError } from '../api/client';

/** What a page shows while it waits, when it has nothing, or when the query API failed. */

export const Loading = ({ what }: { what: string }) => <LoadingPlaceholder text={`Loading ${what}…`} />;

export const Empty = ({ message, children }: { message: string; children?: React.ReactNode }) => (
  <EmptyState variant="not-found" message={message}>
    {children}
  </EmptyState>
);

export const ErrorState = ({ error, onRetry }: { error: XRayApiError; onRetry?: () => void }) => (
  <Alert severity="error" title={titleFor(error)}>
    <div>{error.message}</div>
    {onRetry && (
      <Button variant="secondary" size="sm" icon="sync" onClick={onRetry} style={{ marginTop: 8 }}>
        Try again
      </Button>
    )}
  </Alert>
);

function titleFor(error: XRayApiError): string {
  switch (error.status) {
    case 400:
      return 'The query API did not accept this request';
    case 401:
    case 403:
      return 'The X-Ray app is not allowed to read';
    case 404:
      return 'Not found';
    default:
      return error.code === 'unreachable' ? 'Query API unreachable' : 'The query API failed';
  }
}
