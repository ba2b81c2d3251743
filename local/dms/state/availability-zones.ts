/** The zone of a Multi-AZ instance's standby: the other of the region's first two zones. */
export const secondaryZone = (zone: string): string => {
  const letter = zone.slice(-1);
  return `${zone.slice(0, -1)}${letter === 'a' ? 'b' : 'a'}`;
};
