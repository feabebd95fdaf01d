/**
 * The SelfPrivacy app's services screen query, as the app sends it (its services.graphql with the
 * fragments it uses): every Service field.
 */
export const ALL_SERVICES = `fragment fragmentDnsRecords on DnsRecord {
  recordType
  name
  displayName
  content
  ttl
  priority
}

fragment BoolConfigItem on BoolConfigItem {
  fieldId
  description
  type
  boolValue: value
  defaultBoolValue: defaultValue
  widget
}

fragment EnumConfigItem on EnumConfigItem {
  fieldId
  description
  type
  stringValue: value
  defaultStringValue: defaultValue
  options
  widget
}

fragment StringConfigItem on StringConfigItem {
  fieldId
  description
  type
  stringValue: value
  defaultStringValue: defaultValue
  regex
  widget
}

query AllServices {
  services {
    allServices {
      description
      displayName
      dnsRecords {
        ...fragmentDnsRecords
      }
      id
      isEnabled
      isInstalled
      isMovable
      isRequired
      isSystemService
      canBeBackedUp
      backupDescription
      status
      storageUsage {
        title
        usedSpace
        volume {
          name
        }
      }
      svgIcon
      url
      homepage
      sourcePage
      license {
        free
        fullName
        redistributable
        shortName
        url
      }
      supportLevel
      configuration {
        fieldId
        description
        type
        ... BoolConfigItem
        ... EnumConfigItem
        ... StringConfigItem
      }
    }
  }
}
`;
