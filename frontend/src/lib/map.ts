// The map provider of address links: the server's `web.map_url` / `web.map_name`, set once at start
// (a module of its own so the main chunk does not load the vCard code to set it).

let map = { url: 'https://www.openstreetmap.org/search?query={address}', name: 'OpenStreetMap' };

export function setMapProvider(m: { url: string; name: string } | undefined): void {
  if (m) map = m;
}

export function mapProvider(): { url: string; name: string } {
  return map;
}

export function mapName(): string {
  return map.name;
}
