import assert from 'node:assert/strict'
import {describe, it} from 'node:test'

import {functionBlock, imageName, newStackFile, renderNewResult, updatedGitignore} from '../../src/templates/scaffold.js'

describe('new: generated files', () => {
  it('writes the stack file faas-cli writes, byte for byte', () => {
    const block = functionBlock({name: 'hello2', lang: 'node22', handler: 'hello2', image: 'myuser/hello2:latest', cpuRequest: '100m', memoryLimit: '128Mi'})
    assert.equal(newStackFile('http://127.0.0.1:8080', block), [
      'version: 1.0',
      'provider:',
      '  name: openfaas',
      '  gateway: http://127.0.0.1:8080',
      'functions:',
      '  hello2:',
      '    lang: node22',
      '    handler: ./hello2',
      '    image: myuser/hello2:latest',
      '    requests:',
      '      cpu: 100m',
      '    limits:',
      '      memory: 128Mi',
      '',
      '',
    ].join('\n'))
  })

  it('writes resource blocks only when given, cpu before memory', () => {
    assert.equal(functionBlock({name: 'a', lang: 'go', handler: 'a', image: 'a:latest'}), '  a:\n    lang: go\n    handler: ./a\n    image: a:latest\n\n')
    assert.equal(
      functionBlock({name: 'a', lang: 'go', handler: 'a', image: 'a:latest', memoryRequest: '64Mi', cpuRequest: '50m', memoryLimit: '1Gi', cpuLimit: '1'}),
      '  a:\n    lang: go\n    handler: ./a\n    image: a:latest\n    requests:\n      cpu: 50m\n      memory: 64Mi\n    limits:\n      cpu: 1\n      memory: 1Gi\n\n',
    )
  })

  it('quotes only values YAML would misread', () => {
    assert.match(functionBlock({name: 'a', lang: 'go', handler: 'my dir', image: '#x:latest'}), /handler: "\.\/my dir"\n    image: "#x:latest"/)
    assert.match(functionBlock({name: 'a', lang: 'node20@v1.0', handler: 'src/a', image: 'a:latest'}), /lang: node20@v1.0\n    handler: \.\/src\/a\n/)
  })

  it('prefixes the image with the registry/user', () => {
    assert.equal(imageName('api'), 'api:latest')
    assert.equal(imageName('api', 'ghcr.io/acme'), 'ghcr.io/acme/api:latest')
    assert.equal(imageName('api', 'acme/'), 'acme/api:latest')
  })

  it('updates .gitignore like faas-cli: missing lines appended, trimmed, one final newline', () => {
    assert.equal(updatedGitignore(undefined), 'template\nbuild\n.secrets\n')
    assert.equal(updatedGitignore('node_modules\nbuild\n'), 'node_modules\nbuild\n\ntemplate\n.secrets\n')
    assert.equal(updatedGitignore('a'), 'a\ntemplate\nbuild\n.secrets\n')
    assert.equal(updatedGitignore('\n\ntemplate\nbuild\n.secrets\n\n\n'), 'template\nbuild\n.secrets\n')
    assert.equal(updatedGitignore('template\nbuild\n.secrets\n'), undefined, 'nothing to change')
  })

  it('prints the notes unless quiet', () => {
    const result = {handlerDir: 'hello', stackFile: 'stack.yaml', appended: false, welcomeMessage: 'Hi.\n', templateOrigin: 'shipped' as const}
    assert.equal(renderNewResult(result, false), 'Folder: hello created.\n\nFunction created in folder: hello\nStack file written: stack.yaml\n\nNotes:\nHi.\n')
    assert.equal(renderNewResult({...result, appended: true}, true), 'Folder: hello created.\n\nFunction created in folder: hello\nStack file updated: stack.yaml\n')
  })
})
