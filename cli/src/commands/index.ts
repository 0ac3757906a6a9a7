// Every command, in the order `berth --help` lists them.
import type { Command } from "../command.ts";
import { appSettings } from "./app-settings.ts";
import { apps } from "./apps.ts";
import { audit } from "./audit.ts";
import { containers } from "./containers.ts";
import { deployCommands } from "./deploy.ts";
import { hosts } from "./hosts.ts";
import { images } from "./images.ts";
import { invitations } from "./invitations.ts";
import { login, logout, whoami } from "./login.ts";
import { logs } from "./logs.ts";
import { members } from "./members.ts";
import { registries } from "./registries.ts";
import { teams } from "./teams.ts";
import { tokens } from "./tokens.ts";

export const COMMANDS: readonly Command[] = [
  login,
  logout,
  whoami,
  ...teams,
  ...members,
  ...invitations,
  ...tokens,
  ...images,
  ...registries,
  ...apps,
  ...deployCommands,
  ...appSettings,
  ...containers,
  logs,
  audit,
  ...hosts,
];
