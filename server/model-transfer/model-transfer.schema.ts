import { z } from 'zod';
import { RowIdParam } from '../http/ids.ts';

export const ModelExportParams = z.object({ projectId: RowIdParam, version: RowIdParam });
export const ModelImportParams = z.object({ projectId: RowIdParam });
