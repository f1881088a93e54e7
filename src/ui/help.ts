/**
 * oclif's help, adjusted to read like faas-cli's (package.json `oclif.helpClass` points here,
 * inside the bundle, so help loads no extra module):
 * - a boolean flag whose default is true says so (`[default: true]`); cobra prints `(default
 *   true)` and nothing for false, and oclif prints nothing for any boolean (its manifest does
 *   not even keep boolean defaults: they come from the command class, already in the bundle);
 * - an empty default (`""`, or `[]` of a repeatable flag) is not shown as `[default: ]`;
 * - `-h, --help` is listed with the command's flags, as cobra lists it;
 * - every example is a command line starting with `$ `, also those that begin with a pipe
 *   (`echo … | faas invoke`) or environment variables, which oclif would print without it.
 */
import {Command, CommandHelp, Help} from '@oclif/core'

type AnyFlag = Command.Flag.Any

const HELP_FLAG = {name: 'help', char: 'h', type: 'boolean', description: 'Show help for this command'} as unknown as AnyFlag

function isEmptyDefault(value: unknown): boolean {
  return value === '' || (Array.isArray(value) && value.length === 0)
}

/** The flag as help should describe it (a copy: the command's own definition is left alone). */
function forHelp(flag: AnyFlag): AnyFlag {
  if (flag.type === 'boolean' && flag.default === true) {
    return {...flag, description: `[default: true] ${flag.summary ?? flag.description ?? ''}`.trim(), summary: undefined} as AnyFlag
  }
  if (flag.type === 'option' && isEmptyDefault(flag.default)) return {...flag, default: undefined} as AnyFlag
  return flag
}

export class FaasCommandHelp extends CommandHelp {
  protected override flags(flags: AnyFlag[]): [string, string | undefined][] | undefined {
    return super.flags(flags.map((f) => forHelp(f)))
  }

  protected override groupFlags(flags: AnyFlag[]): ReturnType<CommandHelp['groupFlags']> {
    const groups = super.groupFlags(flags)
    if (flags.some((f) => f.name === 'help' || f.char === 'h')) return groups
    // where oclif's alphabetical order puts it: flags with a shorthand first, by shorthand
    const at = groups.mainFlags.findIndex((f) => !f.char || f.char > 'h')
    groups.mainFlags.splice(at < 0 ? groups.mainFlags.length : at, 0, HELP_FLAG)
    return groups
  }

  protected override examples(examples: Command.Example[] | string | undefined): string | undefined {
    if (!examples) return super.examples(examples)
    const list = (Array.isArray(examples) ? examples : [examples]).map((e) => {
      if (typeof e !== 'string' || e.includes('\n')) return e
      const text = e.trimStart()
      return text.startsWith('$ ') || text.startsWith('<%= config.bin %>') ? e : `$ ${text}`
    })
    return super.examples(list)
  }
}

/** The command as the manifest lists it, with the boolean defaults of its class. */
async function withBooleanDefaults(command: Command.Loadable): Promise<Command.Loadable> {
  // oclif.manifest.json has them already (scripts/build.mjs): no command module to import
  if ((command as {booleanDefaults?: boolean}).booleanDefaults) return command
  let cls: Command.Class
  try {
    cls = await command.load()
  } catch {
    return command
  }
  const defined = {...cls.baseFlags, ...cls.flags} as Record<string, {default?: unknown} | undefined>
  const flags = Object.fromEntries(Object.entries(command.flags).map(([name, flag]) => {
    const value = defined[name]?.default
    return [name, flag.type === 'boolean' && typeof value === 'boolean' ? {...flag, default: value} : flag]
  }))
  return {...command, flags} as Command.Loadable
}

export default class FaasHelp extends Help {
  protected override CommandHelpClass = FaasCommandHelp

  override async showCommandHelp(command: Command.Loadable): Promise<void> {
    return super.showCommandHelp(await withBooleanDefaults(command))
  }
}
