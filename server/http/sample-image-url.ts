/** Where the browser fetches a sample's image (served by `importRoutes`), or null for a text sample. */
export function sampleImageUrl(projectId: number, sample: { id: number; imageName: string | null }): string | null {
  return sample.imageName ? `/api/v1/projects/${projectId}/samples/${sample.id}/image` : null;
}
