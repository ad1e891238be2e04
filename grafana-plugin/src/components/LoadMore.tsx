import React from 'react';
import { Button, Text } from '@grafana/ui';
import { count } from '../format';
import { MAX_ROWS, type RowList } from '../rowList';

/**
 * The end of a list: a button for more rows, or, at the most a page shows, what to do about the
 * rest (`beyond`, the end of a sentence).
 */
export const LoadMore = ({
  list,
  what,
  beyond,
}: {
  list: RowList<{ nextCursor: string | null }>;
  what: string;
  beyond: string;
}) => {
  if (list.capped) {
    return (
      <Text color="secondary">
        Showing the first {count(MAX_ROWS)} {what}; {beyond}.
      </Text>
    );
  }
  if (!list.data?.nextCursor) {
    return null;
  }
  return (
    <Button
      variant="secondary"
      icon={list.loadingMore ? 'spinner' : undefined}
      disabled={!list.loadMore}
      onClick={list.loadMore}
    >
      Load more {what}
    </Button>
  );
};
