import { DataSourcePlugin } from '@grafana/data';
import { ConfigEditor } from './components/ConfigEditor';
import { QueryEditor } from './components/QueryEditor';
import { XRayDataSource } from './datasource';
import type { XRayDataSourceOptions, XRayQuery, XRaySecureJsonData } from './types';

export const plugin = new DataSourcePlugin<XRayDataSource, XRayQuery, XRayDataSourceOptions, XRaySecureJsonData>(
  XRayDataSource
)
  .setConfigEditor(ConfigEditor)
  .setQueryEditor(QueryEditor);
