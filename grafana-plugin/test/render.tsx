import React from 'react';
import { MemoryRouter, Route, Routes, useLocation } from 'react-router-dom';
import { render } from '@testing-library/react';
import type { AppPluginMeta, AppRootProps } from '@grafana/data';
import App from '../src/components/App/App';
import { PLUGIN_BASE_URL, PLUGIN_ID, type AppSettings } from '../src/constants';

export const API_URL = 'http://query.example:8080';

/** Shows the current URL, so a test can read the deep link a click produced. */
const LocationProbe = () => {
  const location = useLocation();
  return <output data-testid="location">{location.pathname + location.search}</output>;
};

/** Mounts the app's root page at `path` (relative to the app) as Grafana mounts it under /a/<id>/. */
export function renderApp(path: string, settings: AppSettings = { apiUrl: API_URL }) {
  const meta = {
    id: PLUGIN_ID,
    name: 'X-Ray',
    type: 'app',
    enabled: true,
    jsonData: settings,
    info: {},
  } as unknown as AppPluginMeta<AppSettings>;
  const props = {
    meta,
    basename: PLUGIN_BASE_URL,
    path: PLUGIN_BASE_URL,
    query: {},
    onNavChanged: () => {},
  } as unknown as AppRootProps<AppSettings>;
  return render(
    <MemoryRouter
      initialEntries={[`${PLUGIN_BASE_URL}/${path}`]}
      future={{ v7_startTransition: true, v7_relativeSplatPath: true }}
    >
      <Routes>
        <Route path={`${PLUGIN_BASE_URL}/*`} element={<App {...props} />} />
      </Routes>
      <LocationProbe />
    </MemoryRouter>
  );
}
