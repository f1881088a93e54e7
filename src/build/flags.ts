/**
 * Flags of the build pipeline that faas-cli does not have: the container engine / builder
 * choice and incremental-build control. Shared by build, push, publish, up and local-run.
 */
import {Flags} from '@oclif/core'

export const engineFlag = {
  engine: Flags.string({
    description: 'Container engine: docker or podman (default: $OPENFAAS_CONTAINER_ENGINE, else docker, else podman, whichever is installed)',
    helpGroup: 'ENGINE',
  }),
}

export const builderFlags = {
  ...engineFlag,
  builder: Flags.string({
    description: 'Who builds: docker, podman, or host (no containers: the template\'s host section). Default: the container engine, or host when none is installed',
    helpGroup: 'ENGINE',
  }),
  force: Flags.boolean({
    description: 'Rebuild even when nothing changed since the last successful build of the same image',
    default: false,
    allowNo: true,
    helpGroup: 'ENGINE',
  }),
}
