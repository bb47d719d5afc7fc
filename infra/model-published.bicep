// New model blob → deploy: an Event Grid subscription on the storage account's BlobCreated events
// for car-price/*/model.json, delivered to a small Logic App that calls GitHub's
// repository_dispatch (event type `model-published`), which starts .github/workflows/deploy.yml.
// The deploy workflow's 15-minute scheduled poll is the fallback when an event is lost.
//
// Deploy into the resource group of the storage account:
//   az deployment group create -g RESOURCE_GROUP -f infra/model-published.bicep \
//     -p storageAccountName=ACCOUNT githubRepository=OWNER/REPO githubToken=@token.txt
// See infra/README.md.

@description('Name of the existing storage account holding the model container.')
param storageAccountName string

@description('Container the models are published to (car-price/<version>/model.json inside).')
param containerName string = 'models'

@description('GitHub repository to dispatch to, as OWNER/REPO.')
param githubRepository string

@description('GitHub fine-grained token with "Contents: read and write" on that repository only (needed for repository_dispatch).')
@secure()
param githubToken string

param location string = resourceGroup().location

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

// The Logic App answers Event Grid's subscription handshake and turns each BlobCreated event into
// a repository_dispatch. The token is a secure parameter of the workflow, never in its run history.
resource dispatcher 'Microsoft.Logic/workflows@2019-05-01' = {
  name: 'carprice-model-published'
  location: location
  properties: {
    state: 'Enabled'
    parameters: {
      githubToken: { value: githubToken }
    }
    definition: {
      '$schema': 'https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#'
      contentVersion: '1.0.0.0'
      parameters: {
        githubToken: { type: 'securestring' }
      }
      triggers: {
        eventGrid: {
          type: 'Request'
          kind: 'Http'
          inputs: { method: 'POST' }
        }
      }
      actions: {
        handshakeOrDispatch: {
          type: 'If'
          expression: {
            and: [
              { equals: [ '@triggerBody()?[0]?[\'eventType\']', 'Microsoft.EventGrid.SubscriptionValidationEvent' ] }
            ]
          }
          actions: {
            validate: {
              type: 'Response'
              kind: 'Http'
              inputs: {
                statusCode: 200
                body: { validationResponse: '@triggerBody()?[0]?[\'data\']?[\'validationCode\']' }
              }
            }
          }
          else: {
            actions: {
              dispatch: {
                type: 'Http'
                inputs: {
                  method: 'POST'
                  uri: 'https://api.github.com/repos/${githubRepository}/dispatches'
                  headers: {
                    Accept: 'application/vnd.github+json'
                    Authorization: 'Bearer @{parameters(\'githubToken\')}'
                    'X-GitHub-Api-Version': '2022-11-28'
                  }
                  body: {
                    event_type: 'model-published'
                    client_payload: { subject: '@triggerBody()?[0]?[\'subject\']' }
                  }
                }
                runtimeConfiguration: {
                  secureData: { properties: [ 'inputs' ] }
                }
              }
              accepted: {
                type: 'Response'
                kind: 'Http'
                runAfter: { dispatch: [ 'Succeeded' ] }
                inputs: { statusCode: 200 }
              }
            }
          }
        }
      }
    }
  }
}

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: '${storageAccountName}-blob-events'
  location: location
  properties: {
    source: storage.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource subscription 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: 'carprice-model-published'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: listCallbackUrl('${dispatcher.id}/triggers/eventGrid', '2019-05-01').value
        maxEventsPerBatch: 1
      }
    }
    eventDeliverySchema: 'EventGridSchema'
    filter: {
      includedEventTypes: [ 'Microsoft.Storage.BlobCreated' ]
      // model.json is written last by `carprice publish`, so its creation means the version is complete.
      subjectBeginsWith: '/blobServices/default/containers/${containerName}/blobs/car-price/'
      subjectEndsWith: '/model.json'
    }
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output logicAppName string = dispatcher.name
output eventSubscription string = subscription.name
