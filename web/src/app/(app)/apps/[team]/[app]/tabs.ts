// The app page's sections, one per `?tab=`; shared by the server page (which reads the query) and the view.
export const TABS = [
  { id: "deployments", label: "Deployments" },
  { id: "logs", label: "Logs" },
  { id: "metrics", label: "Metrics" },
  { id: "releases", label: "Releases" },
  { id: "environment", label: "Environment" },
  { id: "settings", label: "Settings" },
  { id: "domains", label: "Domains" },
  { id: "containers", label: "Containers" },
  { id: "run", label: "Run a command" },
] as const;
export type Tab = (typeof TABS)[number]["id"];
export const isTab = (s: string): s is Tab => TABS.some((t) => t.id === s);
