import React from 'react';
import { Link } from 'react-router-dom';
import { css } from '@emotion/css';
import type { GrafanaTheme2 } from '@grafana/data';
import { useStyles2 } from '@grafana/ui';

/** A link to another page of the app: navigates inside Grafana without reloading it. */
export const AppLink = ({ to, children, title }: { to: string; children: React.ReactNode; title?: string }) => {
  const s = useStyles2(getStyles);
  return (
    <Link to={to} className={s.link} title={title}>
      {children}
    </Link>
  );
};

const getStyles = (theme: GrafanaTheme2) => ({
  link: css({
    color: theme.colors.text.link,
    '&:hover': { textDecoration: 'underline' },
  }),
});
