import React, { useMemo } from 'react';
import { Navigate, Route, Routes } from 'react-router-dom';
import type { AppRootProps } from '@grafana/data';
import { ApiProvider } from '../../api/context';
import { proxyApi } from '../../api/client';
import { APP_PROXY_URL, type AppSettings } from '../../constants';
import { TimeZoneProvider } from '../../timeZone';
import { ROUTES } from '../../urls';
import { Empty } from '../States';

const RunsPage = React.lazy(() => import('../../pages/RunsPage'));
const RunPage = React.lazy(() => import('../../pages/RunPage'));
const StepPage = React.lazy(() => import('../../pages/StepPage'));
const ItemPage = React.lazy(() => import('../../pages/ItemPage'));
const ComparePage = React.lazy(() => import('../../pages/ComparePage'));

/** The app's pages. Grafana mounts this under /a/<plugin id>/; every page's state is in its URL. */
function App({ meta }: AppRootProps<AppSettings>) {
  const apiUrl = meta.jsonData?.apiUrl ?? '';
  const api = useMemo(() => proxyApi(APP_PROXY_URL, apiUrl), [apiUrl]);
  if (!apiUrl) {
    return (
      <Empty message="X-Ray is not configured yet">
        Set the query API URL and a read key on the app&apos;s configuration page (Administration → Plugins → X-Ray).
      </Empty>
    );
  }
  return (
    <ApiProvider api={api}>
      <TimeZoneProvider>
        <Routes>
          <Route path={ROUTES.runs} element={<RunsPage />} />
          <Route path={ROUTES.run} element={<RunPage />} />
          <Route path={ROUTES.step} element={<StepPage />} />
          <Route path={ROUTES.items} element={<ItemPage />} />
          <Route path={ROUTES.item} element={<ItemPage />} />
          <Route path={ROUTES.compare} element={<ComparePage />} />
          <Route path={ROUTES.compareRuns} element={<ComparePage />} />
          <Route path="*" element={<Navigate to={ROUTES.runs} replace />} />
        </Routes>
      </TimeZoneProvider>
    </ApiProvider>
  );
}

export default App;
