/** Decoding (never verifying) a JWT, for `print-token`: its header and payload, not its signature. */
import {readFile} from 'node:fs/promises'

import {FaasError, errorMessage} from '../errors.js'

export interface DecodedJwt {
  header: unknown
  payload: unknown
}

function decodePart(part: string, what: string, source: string): unknown {
  if (!/^[A-Za-z0-9_-]*={0,2}$/.test(part) || part === '') throw notAJwt(source, `its ${what} is not base64url`)
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'))
  } catch {
    throw notAJwt(source, `its ${what} is not JSON`)
  }
}

function notAJwt(source: string, why: string): FaasError {
  return new FaasError(`${source} does not hold a JWT: ${why}`, {hint: 'A JWT is three base64url parts separated by dots: header.payload.signature'})
}

export function decodeJwt(token: string, source = 'the token'): DecodedJwt {
  const parts = token.trim().split('.')
  if (parts.length !== 3) throw notAJwt(source, `expected 3 dot-separated parts, found ${parts.length}`)
  return {header: decodePart(parts[0], 'header', source), payload: decodePart(parts[1], 'payload', source)}
}

export async function readJwtFile(file: string): Promise<DecodedJwt> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new FaasError(`unable to read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or directory' : errorMessage(error)}`)
  }
  return decodeJwt(text, file)
}
