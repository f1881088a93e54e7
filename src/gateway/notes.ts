/** faas-cli's warning for a plain-HTTP gateway that is not on this machine (stderr). */
import {INSECURE_GATEWAY_WARNING, isInsecureGateway} from '../config/gateway.js'

export function insecureGatewayWarning(gateway: string, tlsNoVerify: boolean): string | undefined {
  return isInsecureGateway(gateway) && !tlsNoVerify ? INSECURE_GATEWAY_WARNING : undefined
}
