// Every command, in the order `berth --help` lists them.
import type { Command } from "../command.ts";
import { audit } from "./audit.ts";
import { hosts } from "./hosts.ts";
import { images } from "./images.ts";
import { invitations } from "./invitations.ts";
import { login, logout, whoami } from "./login.ts";
import { members } from "./members.ts";
import { teams } from "./teams.ts";
import { tokens } from "./tokens.ts";

export const COMMANDS: readonly Command[] = [login, logout, whoami, ...teams, ...members, ...invitations, ...tokens, ...images, audit, hosts];
